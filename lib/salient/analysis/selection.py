"""Which claims the views draw and which they hold back as implausible: masks shared by
salient.analysis.views and salient.analysis.consolidate (consolidation must leave out what the
figures leave out; views imports consolidate, so the masks live here, not in views).

A claim is a candidate when it is in scope, in an article's body and not rejected in review; it
is held back when it is also flagged implausible at extraction (or after a correction) and no
reviewer confirmed it. The views draw the candidates that are not held back.
"""

from __future__ import annotations

import pandas as pd

from salient.schemas import REVIEW_COLUMNS


def with_review_columns(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims with the review columns; unreviewed defaults added when absent (no copy otherwise)."""
    if "review" in claims:
        return claims
    out = claims.copy()
    for column in REVIEW_COLUMNS:
        out[column] = {"review": "unreviewed", "review_line": 0}.get(column)
    return out


def is_held_back(claims: pd.DataFrame) -> pd.Series:
    """True for each claim held back as implausible (salient.analysis.views.held_back lists
    them); `claims` must have the review columns."""
    return candidates(claims) & flagged(claims)


def candidates(claims: pd.DataFrame) -> pd.Series:
    """In-scope body claims not rejected in review: what the views draw, implausible or not."""
    return (
        claims["in_scope"].astype(bool)
        & (claims["section"] == "body")
        & (claims["review"] != "rejected")
    )


def flagged(claims: pd.DataFrame) -> pd.Series:
    """Claims flagged implausible at extraction (or after a correction) and not confirmed."""
    implausible = claims["plausibility"].astype("string").fillna("") != ""
    return implausible & (claims["review"] != "confirmed")
