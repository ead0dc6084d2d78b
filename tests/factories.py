"""Small builders of valid claims rows and frames, shared by the tests of consolidation, views,
scoring and plots."""

from __future__ import annotations

import pandas as pd
from salient.schemas import CLAIMS


def make_claim(
    article_id: str = "a1",
    *,
    category: str = "troops",
    side: str = "RU",
    value: float | None = 10_000,
    low: float | None = None,
    high: float | None = None,
    unit: str = "persons",
    hedge: str = "exact",
    measure: str = "",
    as_of: str | None = "2024-11-20",
    precision: str = "day",
    earliest: str | None = None,
    latest: str | None = None,
    basis: str = "explicit",
    attributed_to: str | None = None,
    in_scope: bool = True,
    section: str = "body",
    start: int = 100,
    text: str | None = None,
    sentence: str | None = None,
    sentence_start: int | None = None,
    plausibility: str = "",
) -> dict:
    """One valid claims row from a few keyword arguments.

    For exact/approx, low and high default to the value; for a day-precision as_of the interval
    defaults to that day.
    """
    if hedge in ("exact", "approx"):
        low = value if low is None else low
        high = value if high is None else high
    if precision == "day" and as_of is not None:
        earliest = earliest or as_of
        latest = latest or as_of
    text = text or (f"{value:,.0f}" if value is not None else "many")
    return {
        "claim_id": f"{article_id}:{start}-{start + len(text)}",
        "article_id": article_id,
        "category": category,
        "measure": measure,
        "side": side,
        "casualty_kind": "losses" if category == "casualties" else "",
        "value_low": low,
        "value_best": value,
        "value_high": high,
        "unit": unit,
        "hedge": hedge,
        "hedge_text": "",
        "quantity_text": text,
        "as_of": as_of,
        "as_of_precision": precision if as_of is not None else "unknown",
        "as_of_earliest": earliest,
        "as_of_latest": latest,
        "as_of_basis": basis if as_of is not None else "unknown",
        "attributed_to": attributed_to,
        "place": "Kursk",
        "in_scope": in_scope,
        "scope_reason": "theatre named",
        "plausibility": plausibility,
        "section": section,
        "sentence": sentence or f"They counted {text} there.",
        "sentence_start": start - 13 if sentence_start is None else sentence_start,
        "char_start": start,
        "char_end": start + len(text),
    }


def validated(schema, *rows: dict) -> pd.DataFrame:
    """A frame of `rows` validated by `schema`; text columns typed so an empty frame validates."""
    df = pd.DataFrame(list(rows), columns=list(schema.columns))
    text = [c for c, spec in schema.columns.items() if "str" in str(spec.dtype)]
    return schema.validate(df.astype({c: "str" for c in text}))


def frame(*rows: dict) -> pd.DataFrame:
    """A validated claims frame."""
    return validated(CLAIMS, *rows)
