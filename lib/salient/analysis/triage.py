"""Which claims most need an analyst's look, first: the review notebook's worklist.

Reasons, with their weight in the ranking (a claim's priority is the sum of its reasons'):

- `contradiction` (4): its consolidated estimate cannot hold together with another of the same
  stock and date (salient.analysis.consolidate);
- `implausible` (3): a bound below zero, low above high, or a value beyond the limits of
  data/plausibility.csv for its category, unit and side (salient.extract.plausibility) (an
  extraction slip: a year read as a count, a unit read wrong; or a true but surprising figure);
- `outlier` (2): reported by a single article and more than `OUTLIER_FACTOR` times above or below
  the median of the other claims of its category, measure, side and unit (at least two others;
  a held-back claim is compared with the drawn claims only);
- `unknown_side` (1): the side could not be decided;
- `dated_by_publication` (1): no date in the text; the claim is placed at its article's
  publication date, which may not be when it held;
- `undated` (1): no date at all; the charts cannot place it.

Listed are the claims nobody reviewed yet among those the views draw (in scope, body, not
rejected) and those held back as implausible (salient.analysis.views.held_back: flagged at
extraction, so drawn in no figure until a reviewer confirms them). `held_back` says which, and
`plausibility` names the limit a claim is beyond. A held-back claim is listed however it ranks,
since the worklist is the only place an analyst sees it: `review.confirm(claim_id)` puts it in
the views (and off the list), `review.reject(claim_id)` takes it off the list, and
`review.correct(...)` within the limits does both. Adding held-back claims changes nothing
about the drawn claims' reasons, priorities or order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salient.analysis.views import SORT_KEYS, held_back, scoped
from salient.extract import plausibility

WEIGHTS = {
    "contradiction": 4,
    "implausible": 3,
    "outlier": 2,
    "unknown_side": 1,
    "dated_by_publication": 1,
    "undated": 1,
}
OUTLIER_FACTOR = 3.0
CLAIM_FIELDS = [
    "category",
    "measure",
    "side",
    "value_low",
    "value_best",
    "value_high",
    "unit",
    "hedge",
    "as_of",
    "source_label",
    "quantity_text",
    "sentence",
]
"""What both lists show of a claim, after its id and why it is listed."""
HELD_BACK_COLUMNS = ["claim_id", "plausibility", "review", *CLAIM_FIELDS]
COLUMNS = ["claim_id", "priority", "reasons", "plausibility", "held_back", *CLAIM_FIELDS]


def needs_look(
    claims: pd.DataFrame,
    consolidated: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Unreviewed claims with at least one reason, highest priority first (COLUMNS): the drawn
    ones and those held back as implausible."""
    contradicted = _contradicted(consolidated)
    drawn = _unreviewed(scoped(claims, articles))
    drawn["plausibility"] = _implausible(drawn)
    drawn["held_back"] = False
    drawn_flags = _flags(drawn, contradicted, _outlier(drawn, consolidated))
    held = _unreviewed(held_back(claims, articles))
    held["plausibility"] = held["plausibility"].astype("str")
    held["held_back"] = True
    held_flags = _flags(held, contradicted, _outlier_from_drawn(held, drawn, consolidated))
    parts = [_ranked(drawn, drawn_flags), _ranked(held, held_flags)]
    listed = pd.concat([part for part in parts if not part.empty] or parts[:1], ignore_index=True)
    # Both parts are in SORT_KEYS order: a stable sort by it, then by priority, keeps the drawn
    # claims' order among themselves and puts equal priorities in the views' order.
    listed = listed.sort_values(SORT_KEYS, na_position="last", kind="mergesort")
    order = listed.sort_values("priority", ascending=False, kind="mergesort")
    return order.loc[order["priority"] > 0, COLUMNS].reset_index(drop=True)


def held_back_claims(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim held back as implausible (HELD_BACK_COLUMNS), in the views' order: the
    unreviewed ones the worklist lists, and corrected ones still beyond a limit."""
    return held_back(claims, articles)[HELD_BACK_COLUMNS]


def _unreviewed(view: pd.DataFrame) -> pd.DataFrame:
    return view.loc[view["review"] == "unreviewed"].reset_index(drop=True)


def _flags(view: pd.DataFrame, contradicted: set[str], outlier: pd.Series) -> pd.DataFrame:
    """One boolean column per reason of WEIGHTS (`implausible`: a non-empty `plausibility`)."""
    return pd.DataFrame(
        {
            "contradiction": view["claim_id"].isin(contradicted),
            "implausible": view["plausibility"] != "",
            "outlier": outlier,
            "unknown_side": view["side"] == "unknown",
            "dated_by_publication": view["as_of_basis"] == "published",
            "undated": view["as_of_basis"] == "unknown",
        },
        index=view.index,
    )


def _ranked(view: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """`view` with its priority (the sum of its reasons' weights) and its reasons named."""
    view = view.copy()
    view["priority"] = sum(flags[name].astype(int) * weight for name, weight in WEIGHTS.items())
    view["reasons"] = [
        ", ".join(name for name, flagged in zip(WEIGHTS, row, strict=True) if flagged)
        for row in flags[list(WEIGHTS)].itertuples(index=False)
    ]
    return view


def _contradicted(consolidated: pd.DataFrame | None) -> set[str]:
    if consolidated is None or consolidated.empty:
        return set()
    flagged = consolidated.loc[consolidated["contradiction"].astype(bool), "claim_ids"]
    return {claim_id for ids in flagged for claim_id in str(ids).split(";")}


def _implausible(view: pd.DataFrame) -> pd.Series:
    """Why each drawn claim is implausible, or "": its bounds, or a limit every theatre shares
    (a drawn claim passed its theatre's limits at extraction; a correction may break them)."""
    reasons = []
    for c, u, side, lo, best, hi in zip(
        view["category"],
        view["unit"],
        view["side"],
        view["value_low"],
        view["value_best"],
        view["value_high"],
        strict=True,
    ):
        values = tuple(None if pd.isna(v) else float(v) for v in (lo, best, hi))
        if any(v is not None and v < 0 for v in values):
            reasons.append("a bound below zero")
        elif values[0] is not None and values[2] is not None and values[0] > values[2]:
            reasons.append("the low bound above the high one")
        else:
            reasons.append(plausibility.implausible("*", c, u, side, values))
    return pd.Series(reasons, index=view.index, dtype="str")


def _outlier(view: pd.DataFrame, consolidated: pd.DataFrame | None) -> pd.Series:
    """Single-article claims far from the median of the other claims of the same stock."""
    single = _single_article(view, consolidated)
    flags = pd.Series(False, index=view.index)
    for _, group in view.groupby(["category", "measure", "side", "unit"], sort=False):
        values = group["value_plot"].dropna()
        if len(values) < 3:  # a claim needs at least two others to be an outlier
            continue
        medians = pd.Series(medians_of_others(values.to_numpy(dtype=float)), index=values.index)
        ratio = np.maximum(values / medians, medians / values)
        far = (values > 0) & (medians > 0) & (ratio > OUTLIER_FACTOR)
        flags[far.index] = far & single[far.index]
    return flags


def _outlier_from_drawn(
    held: pd.DataFrame, drawn: pd.DataFrame, consolidated: pd.DataFrame | None
) -> pd.Series:
    """Held-back single-article claims far from the median of the drawn claims of their stock
    (at least two): compared with what the figures show, not with each other."""
    single = _single_article(held, consolidated)
    stocks = ["category", "measure", "side", "unit"]
    drawn_values: dict[tuple, list[float]] = {}
    for *key, value in drawn[[*stocks, "value_plot"]].itertuples(index=False):
        if not pd.isna(value):
            drawn_values.setdefault(tuple(key), []).append(float(value))
    flags = []
    for *key, value in held[[*stocks, "value_plot"]].itertuples(index=False):
        others = drawn_values.get(tuple(key), [])
        median = float(np.median(others)) if len(others) >= 2 else np.nan
        far = value > 0 and median > 0 and max(value / median, median / value) > OUTLIER_FACTOR
        flags.append(bool(far))
    return pd.Series(flags, index=held.index, dtype=bool) & single


def medians_of_others(values: np.ndarray) -> np.ndarray:
    """For each value, the median of all the other values: one sort, not one median per value,
    so a stock reported by thousands of articles costs n log n.

    >>> medians_of_others(np.array([1.0, 2.0, 3.0, 10.0])).tolist()
    [3.0, 3.0, 2.0, 2.0]
    """
    order = np.argsort(values, kind="mergesort")
    ranked = values[order]
    others = len(values) - 1
    low, high = (others - 1) // 2, others // 2  # middle positions among the others
    positions = np.arange(len(values))
    # Removing the value at sorted position k shifts every later position down by one.
    below = np.where(low < positions, ranked[low], ranked[np.minimum(low + 1, others)])
    above = np.where(high < positions, ranked[high], ranked[np.minimum(high + 1, others)])
    result = np.empty(len(values))
    result[order] = (below + above) / 2
    return result


def _single_article(view: pd.DataFrame, consolidated: pd.DataFrame | None) -> pd.Series:
    """True for claims whose consolidated group has one article (or with no consolidation)."""
    if consolidated is None or consolidated.empty:
        return pd.Series(True, index=view.index)
    repeated = consolidated.loc[consolidated["n_articles"] > 1, "claim_ids"]
    ids = {claim_id for group in repeated for claim_id in str(group).split(";")}
    return ~view["claim_id"].isin(ids)
