"""Plausibility checks as data: a value beyond what the theatre or a side could hold is flagged,
kept in the claims table with the reason, and left out of the plotted views.

A number that picks up a unit from another clause ("troops ... some 20,000 km²") or a misread
figure would otherwise dominate a chart's scale. Limits live in data/plausibility.csv (theatre or
`*`, category, unit, side or `*`, maximum or `theatre_area`, reason); the theatre's total area
comes from data/theatres.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from salient import lexicon
from salient.extract import gazetteer


@dataclass(frozen=True, slots=True)
class Limit:
    theatre: str
    category: str
    unit: str
    side: str
    max_value: str
    reason: str


@cache
def limits() -> tuple[Limit, ...]:
    """Every row of data/plausibility.csv."""
    return tuple(Limit(**row) for row in lexicon.data_rows("plausibility.csv"))


def implausible(
    theatre: str, category: str, unit: str, side: str, values: tuple[float | None, ...]
) -> str:
    """The reason a claim's largest value is beyond its limits, or "" when it is plausible.

    >>> implausible("Kursk", "territory", "km2", "UA", (20000.0, 45000.0))
    "more ground than the theatre's whole area (45,000 > 29,997)"
    >>> implausible("Kursk", "territory", "km2", "UA", (1100.0,))
    ''
    """
    known = [v for v in values if v is not None]
    if not known:
        return ""
    value = max(known)
    for limit in limits():
        if limit.theatre not in ("*", theatre) or (limit.category, limit.unit) != (category, unit):
            continue
        if limit.side not in ("*", side):
            continue
        cap = _cap(limit, theatre)
        if cap is not None and value > cap:
            return f"{limit.reason} ({value:,.0f} > {cap:,.0f})"
    return ""


def _cap(limit: Limit, theatre: str) -> float | None:
    if limit.max_value != "theatre_area":
        return float(limit.max_value)
    try:
        return gazetteer.theatre_spec(theatre).total_area_km2
    except gazetteer.UnknownTheatreError:
        return None
