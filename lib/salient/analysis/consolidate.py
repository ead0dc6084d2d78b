"""Claims from many articles → one row per distinct claim, with contradictions flagged.

Only in-scope body claims (`in_scope & section == "body"`) take part, except those held back as
implausible and not confirmed in review (salient.analysis.views.held_back): the figures leave
them out, so they must neither widen an estimate nor make a drawn claim look contradicted.

**Same claim.** Two claims are the same claim when they share category, measure, side and unit,
their values agree, and their as-of intervals are compatible:

- values agree when low, best and high are each equal within `rel_tol` (a null equals only a
  null), or when both hedges are exact/approx and the bests agree ("about 4,000" = "4,000");
- as-of intervals are compatible when `as_of_earliest..as_of_latest` overlap, or when either
  claim has no interval.

A claim joins a group only when it is the same claim as *every* member (complete linkage), so
groups never chain 100 → 102 → 104. Merged values are the union of the members: the lowest low,
the highest high, the median of the bests; mixed exact/approx hedges become approx. The as-of
columns are those of the most precise member (day before month before year; then the narrowest
interval).

**Contradictions.** Two groups contradict when they estimate the same stock (see `STOCKS`:
territory held and troop counts by default; same category, measure, side and unit), both have
as-of intervals and these overlap, and their value intervals do not overlap. A claim's value
interval is: exact → best ± `rel_tol`; approx → best ± `APPROX_TOL` (10 %); range → [low, high];
at_least → [low, ∞); at_most → [0, high]; vague → [low, high] with a missing end unbounded. A
group's interval is the union of its members'. Changes (gained/lost) are not stocks and never
contradict holdings, since measure must match. Casualties are not stocks by default: "15,000
killed" and "38,000 killed and wounded" share category, side and unit but are different counts.

Output columns (schema `CONSOLIDATED`):

| column | meaning |
|---|---|
| group_id | "g-" + first 10 hex digits of sha1 of the ";"-joined sorted member claim ids |
| category, measure, side, unit | shared by every member |
| value_low, value_best, value_high | union interval of the members; best = median of bests |
| hedge | the members' hedge; approx when exact and approx are mixed |
| as_of, as_of_precision, as_of_earliest, as_of_latest | from the most precise member |
| n_articles, n_claims | how many distinct articles / claims the group merges |
| article_ids, claim_ids | ";"-joined, sorted |
| sources | ";"-joined distinct non-empty `attributed_to`, sorted |
| contradiction, contradicts | True and the ";"-joined group ids it cannot coexist with |
| note | a one-line human summary (agreement, mixed hedges, conflicts) |

Rows are sorted by category, side, as_of_earliest, value_best, group_id (missing values last).
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from salient.analysis.selection import is_held_back, with_review_columns
from salient.model import CATEGORIES, HEDGES, MEASURES, PRECISIONS, SIDES
from salient.schemas import _bool, _int, _num, _str

APPROX_TOL = 0.10
"""Half-width of the value interval of an approx claim, relative to its best value."""

STOCKS: tuple[tuple[str, str | None], ...] = (("territory", "held"), ("troops", None))
"""(category, measure) pairs whose estimates can contradict; None matches any measure."""

KEY = ("category", "measure", "side", "unit")
POINT_HEDGES = frozenset({"exact", "approx"})
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "unknown": 3}
_ISO_DAY_ORDINAL_BASE = pd.Timestamp("1970-01-01")

CONSOLIDATED = pa.DataFrameSchema(
    {
        "group_id": _str("Stable id: g- + sha1 of the sorted member claim ids.", nullable=False),
        "category": _str("What is counted.", nullable=False, isin=CATEGORIES),
        "measure": _str("For territory: held, gained or lost; empty otherwise.", isin=MEASURES),
        "side": _str("Whose forces, territory, losses or drones.", nullable=False, isin=SIDES),
        "value_low": _num("Lowest lower bound among the members."),
        "value_best": _num("Median of the members' best values."),
        "value_high": _num("Highest upper bound among the members."),
        "unit": _str("Canonical unit shared by the members.", nullable=False),
        "hedge": _str(
            "Members' hedge; approx when exact and approx mix.", nullable=False, isin=HEDGES
        ),
        "as_of": _str("As-of date of the most precise member, ISO at its precision."),
        "as_of_precision": _str("day, month, year or unknown.", nullable=False, isin=PRECISIONS),
        "as_of_earliest": _str("Earliest day of the most precise member's as-of interval."),
        "as_of_latest": _str("Latest day of the most precise member's as-of interval."),
        "n_articles": _int("Distinct articles reporting the claim."),
        "n_claims": _int("Claims merged into the group."),
        "article_ids": _str("Articles reporting it, ';'-joined and sorted.", nullable=False),
        "sources": _str("Distinct attributions, ';'-joined and sorted; empty if none."),
        "claim_ids": _str("Member claim ids, ';'-joined and sorted.", nullable=False),
        "contradiction": _bool("True when another group's estimate cannot also be true."),
        "contradicts": _str("Group ids this group contradicts, ';'-joined; empty if none."),
        "note": _str("One-line summary: agreement, mixed hedges, conflicts."),
    },
    strict=True,
    ordered=True,
)
COLUMNS = list(CONSOLIDATED.columns)


VALUE_COLUMNS = ("value_low", "value_best", "value_high")
RECORD_FIELDS = ("claim_id", "article_id", "attributed_to", "hedge", *VALUE_COLUMNS, "as_of",
                 "as_of_precision", "as_of_earliest", "as_of_latest")  # fmt: skip
"""The claim fields grouping and merging read, besides KEY (a large corpus has many claims)."""
MAX_NOTED_CONFLICTS = 5
"""A group's note names at most this many conflicting groups (`contradicts` lists them all)."""


@dataclass
class _Bounds:
    """What complete linkage needs to know of a group's members, kept as members join, so a
    candidate is checked against the group in constant time instead of against every member.

    For non-negative values, a value is within a relative tolerance of every member exactly when
    it is within it of the smallest and the largest; as-of spans overlap every member's exactly
    when they overlap the latest start and the earliest end.
    """

    hedges: set[str] = field(default_factory=set)
    lowest: dict[str, float | None] = field(default_factory=dict)
    highest: dict[str, float | None] = field(default_factory=dict)
    nulls: set[str] = field(default_factory=set)
    negative: bool = False
    latest_start: str | None = None
    earliest_end: str | None = None

    def add(self, rec: dict) -> None:
        self.hedges.add(rec["hedge"])
        for column in VALUE_COLUMNS:
            value = rec[column]
            if value is None:
                self.nulls.add(column)
                continue
            self.negative |= value < 0
            low, high = self.lowest.get(column), self.highest.get(column)
            self.lowest[column] = value if low is None else min(low, value)
            self.highest[column] = value if high is None else max(high, value)
        span = _span(rec)
        if span is not None:
            if self.latest_start is None or span[0] > self.latest_start:
                self.latest_start = span[0]
            if self.earliest_end is None or span[1] < self.earliest_end:
                self.earliest_end = span[1]


@dataclass
class _Group:
    """Claims merged so far; `members` are plain dicts of claims rows."""

    members: list[dict] = field(default_factory=list)
    contradicts: set[str] = field(default_factory=set)
    row: dict = field(default_factory=dict)
    bounds: _Bounds = field(default_factory=_Bounds)

    def add(self, rec: dict) -> None:
        self.members.append(rec)
        self.bounds.add(rec)


def consolidate(
    claims: pd.DataFrame,
    *,
    rel_tol: float = 0.02,
    stocks: Sequence[tuple[str, str | None]] = STOCKS,
) -> pd.DataFrame:
    """Merge repeated in-scope body claims across articles and flag contradictions.

    Example: "about 4,000 troops" (article a, 2024-11) and "4,000 troops" (article b,
    2024-11-20) → one group with n_articles 2, hedge approx, as_of 2024-11-20.
    """
    records = _scoped_records(claims)
    groups: list[_Group] = []
    for key_records in _by_key(records).values():
        groups.extend(_cluster(key_records, rel_tol))
    for group in groups:
        group.row = _merge(group.members)
    _flag_contradictions(groups, rel_tol, stocks)
    by_id = {group.row["group_id"]: group for group in groups}
    rows = [_finish(group, by_id) for group in groups]
    out = _sort(_typed(pd.DataFrame(rows, columns=COLUMNS)))
    return CONSOLIDATED.validate(out)


# ---------------------------------------------------------------------------- selection


def _scoped_records(claims: pd.DataFrame) -> list[dict]:
    """In-scope body claims not held back as implausible, as dicts, with missing strings as None."""
    mask = claims["in_scope"].astype(bool) & (claims["section"] == "body")
    if "plausibility" in claims:
        mask &= ~is_held_back(with_review_columns(claims))
    scoped = claims.loc[mask, [*KEY, *RECORD_FIELDS]]
    records = scoped.astype(object).where(scoped.notna(), None).to_dict("records")
    for rec in records:
        rec["measure"] = rec.get("measure") or ""
        for col in ("as_of", "as_of_earliest", "as_of_latest", "attributed_to"):
            rec[col] = rec.get(col) or None
    return records


def _by_key(records: Iterable[dict]) -> dict[tuple, list[dict]]:
    keyed: dict[tuple, list[dict]] = {}
    for rec in records:
        keyed.setdefault(tuple(rec[k] for k in KEY), []).append(rec)
    return dict(sorted(keyed.items()))


# ---------------------------------------------------------------------------- sameness


def _close(a: float | None, b: float | None, rel_tol: float) -> bool:
    """Equal within rel_tol of the larger magnitude; a null equals only a null."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel_tol * max(abs(a), abs(b)) + 1e-12


def same_values(a: dict, b: dict, rel_tol: float = 0.02) -> bool:
    """True when two claims state the same quantity (see the module docstring)."""
    if a["hedge"] in POINT_HEDGES and b["hedge"] in POINT_HEDGES:
        return a["value_best"] is not None and _close(a["value_best"], b["value_best"], rel_tol)
    if a["hedge"] != b["hedge"]:
        return False
    return all(_close(a[c], b[c], rel_tol) for c in ("value_low", "value_best", "value_high"))


def dates_compatible(a: dict, b: dict) -> bool:
    """True when the as-of intervals overlap, or either claim has none."""
    a_span, b_span = _span(a), _span(b)
    if a_span is None or b_span is None:
        return True
    return a_span[0] <= b_span[1] and b_span[0] <= a_span[1]


def _span(rec: dict) -> tuple[str, str] | None:
    """(earliest, latest) ISO days, or None when either end is missing."""
    lo, hi = rec.get("as_of_earliest"), rec.get("as_of_latest")
    if not lo or not hi:
        return None
    return str(lo), str(hi)


def _cluster(records: list[dict], rel_tol: float) -> list[_Group]:
    """Complete-linkage groups of one key's claims, scanned in ascending best value.

    Records are sorted by best, so a group whose smallest best is out of reach of the current
    claim is out of reach of every later one and is closed. Groups open in ascending order of
    their smallest best, so the ones to close are at the front of the queue. (A group left open
    past its reach, behind a negative one, only costs a check: it cannot accept the claim.)
    """
    ordered = sorted(records, key=_cluster_order)
    closed: list[_Group] = []
    open_groups: deque[_Group] = deque()
    for rec in ordered:
        while open_groups and not _reachable(open_groups[0], rec, rel_tol):
            closed.append(open_groups.popleft())
        candidate = _candidate(rec)
        target = next((g for g in open_groups if _accepts(g, candidate, rel_tol)), None)
        if target is None:
            target = _Group()
            open_groups.append(target)
        target.add(rec)
    return closed + list(open_groups)


def _cluster_order(rec: dict) -> tuple:
    best = rec["value_best"]
    return (
        best is None,
        best if best is not None else 0.0,
        rec["as_of_earliest"] or "",
        rec["claim_id"],
    )


def _reachable(group: _Group, rec: dict, rel_tol: float) -> bool:
    """False once `rec` (and so every later claim) is too large for the group's first member."""
    first = group.members[0]["value_best"]
    best = rec["value_best"]
    if first is None or best is None:
        return (first is None) == (best is None)
    if first < 0:
        return True
    return best <= first / (1 - rel_tol) + 1e-9 if rel_tol < 1 else True


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A claim being placed, with what every group check needs computed once."""

    rec: dict
    span: tuple[str, str] | None
    negative: bool


def _candidate(rec: dict) -> _Candidate:
    return _Candidate(rec, _span(rec), any((rec[c] or 0) < 0 for c in VALUE_COLUMNS))


def _accepts(group: _Group, candidate: _Candidate, rel_tol: float) -> bool:
    """Complete linkage: the claim states the same values as every member, at a compatible date."""
    bounds, rec = group.bounds, candidate.rec
    if bounds.negative or candidate.negative or rel_tol >= 1:
        return all(same_values(m, rec, rel_tol) and dates_compatible(m, rec) for m in group.members)
    return _dates_overlap_all(bounds, candidate.span) and _values_match_all(bounds, rec, rel_tol)


def _dates_overlap_all(bounds: _Bounds, span: tuple[str, str] | None) -> bool:
    if span is None or bounds.latest_start is None:
        return True
    return span[0] <= bounds.earliest_end and bounds.latest_start <= span[1]


def _values_match_all(bounds: _Bounds, rec: dict, rel_tol: float) -> bool:
    """`same_values(member, rec)` for every member, from the group's bounds (values >= 0)."""
    if rec["hedge"] in POINT_HEDGES:
        if not bounds.hedges <= POINT_HEDGES or "value_best" in bounds.nulls:
            return False
        return _within_all(bounds, "value_best", rec["value_best"], rel_tol)
    if bounds.hedges != {rec["hedge"]}:
        return False
    return all(_within_all(bounds, c, rec[c], rel_tol) for c in VALUE_COLUMNS)


def _within_all(bounds: _Bounds, column: str, value: float | None, rel_tol: float) -> bool:
    """`_close(member[column], value)` for every member: a null equals only nulls."""
    if value is None:
        return column not in bounds.lowest
    if column in bounds.nulls:
        return False
    return _close(bounds.lowest[column], value, rel_tol) and _close(
        bounds.highest[column], value, rel_tol
    )


# ---------------------------------------------------------------------------- merging


def _merge(members: list[dict]) -> dict:
    """The group's row without contradiction columns."""
    first = members[0]
    claim_ids = sorted(m["claim_id"] for m in members)
    hedges = {m["hedge"] for m in members}
    dated = min(members, key=_precision_order)
    return {
        "group_id": group_id(claim_ids),
        **{k: first[k] for k in KEY},
        "value_low": _min([m["value_low"] for m in members]),
        "value_best": _median([m["value_best"] for m in members]),
        "value_high": _max([m["value_high"] for m in members]),
        "hedge": hedges.pop() if len(hedges) == 1 else "approx",
        "as_of": dated["as_of"],
        "as_of_precision": dated["as_of_precision"],
        "as_of_earliest": dated["as_of_earliest"],
        "as_of_latest": dated["as_of_latest"],
        "n_articles": len({m["article_id"] for m in members}),
        "n_claims": len(members),
        "article_ids": ";".join(sorted({m["article_id"] for m in members})),
        "sources": ";".join(sorted({m["attributed_to"] for m in members if m["attributed_to"]})),
        "claim_ids": ";".join(claim_ids),
    }


def group_id(claim_ids: Iterable[str]) -> str:
    """Stable id of a set of claims: "g-" + 10 hex digits of sha1 over the sorted ids."""
    digest = hashlib.sha1(";".join(sorted(claim_ids)).encode("utf-8")).hexdigest()
    return "g-" + digest[:10]


def _precision_order(rec: dict) -> tuple:
    """Most precise first: precision rank, then narrowest interval, then earliest, then id."""
    span = _span(rec)
    width = _days(span[1]) - _days(span[0]) if span else math.inf
    return (
        _PRECISION_RANK.get(rec["as_of_precision"], 3),
        rec["as_of"] is None,
        width,
        span[0] if span else "",
        rec["claim_id"],
    )


def _days(iso_day: str) -> int:
    return (pd.Timestamp(iso_day) - _ISO_DAY_ORDINAL_BASE).days


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and not math.isnan(v)]


def _min(values: Iterable[float | None]) -> float | None:
    present = _present(values)
    return min(present) if present else None


def _max(values: Iterable[float | None]) -> float | None:
    present = _present(values)
    return max(present) if present else None


def _median(values: Iterable[float | None]) -> float | None:
    present = _present(values)
    return float(statistics.median(present)) if present else None


# ---------------------------------------------------------------------------- contradictions


def value_interval(rec: dict, rel_tol: float = 0.02) -> tuple[float, float]:
    """The values a claim allows, as a closed interval (see the module docstring).

    Example: approx 4,000 → (3600.0, 4400.0); at_least 7,000 → (7000.0, inf).
    """
    low, best, high = rec["value_low"], rec["value_best"], rec["value_high"]
    hedge = rec["hedge"]
    if hedge in POINT_HEDGES and best is not None:
        tol = APPROX_TOL if hedge == "approx" else rel_tol
        return (best - tol * abs(best), best + tol * abs(best))
    if hedge == "at_least":
        bound = low if low is not None else best
        return (bound if bound is not None else -math.inf, math.inf)
    if hedge == "at_most":
        bound = high if high is not None else best
        return (0.0, bound if bound is not None else math.inf)
    return (
        low if low is not None else -math.inf,
        high if high is not None else math.inf,
    )


def _is_stock(row: dict, stocks: Sequence[tuple[str, str | None]]) -> bool:
    return any(
        row["category"] == cat and (measure is None or row["measure"] == measure)
        for cat, measure in stocks
    )


def _group_interval(group: _Group, rel_tol: float) -> tuple[float, float]:
    spans = [value_interval(m, rel_tol) for m in group.members]
    return (min(s[0] for s in spans), max(s[1] for s in spans))


def _flag_contradictions(
    groups: list[_Group], rel_tol: float, stocks: Sequence[tuple[str, str | None]]
) -> None:
    """Fill `contradicts` of every pair of same-key stock groups that cannot both be true.

    Groups are swept in order of as-of start, so only groups whose intervals overlap are compared.
    """
    candidates: dict[tuple, list[_Group]] = {}
    for group in groups:
        if _is_stock(group.row, stocks) and _span(group.row) is not None:
            candidates.setdefault(tuple(group.row[k] for k in KEY), []).append(group)
    for same_key in candidates.values():
        same_key.sort(key=lambda g: (_span(g.row), g.row["group_id"]))
        intervals = [_group_interval(g, rel_tol) for g in same_key]
        for i, left in enumerate(same_key):
            left_end = _span(left.row)[1]
            for j in range(i + 1, len(same_key)):
                right = same_key[j]
                if _span(right.row)[0] > left_end:
                    break
                if _disjoint(intervals[i], intervals[j]):
                    left.contradicts.add(right.row["group_id"])
                    right.contradicts.add(left.row["group_id"])


def _disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


# ---------------------------------------------------------------------------- output


def _finish(group: _Group, by_id: dict[str, _Group]) -> dict:
    others = sorted(group.contradicts)
    row = dict(group.row)
    row["contradiction"] = bool(others)
    row["contradicts"] = ";".join(others)
    row["note"] = _note(group, [by_id[o] for o in others])
    return row


def _note(group: _Group, conflicts: list[_Group]) -> str:
    """E.g. "2 claims in 2 articles agree; conflicts with g-0a1b2c3d4e (about 400 km2)"."""
    row = group.row
    parts = []
    if row["n_claims"] > 1:
        parts.append(f"{row['n_claims']} claims in {row['n_articles']} articles agree")
    hedges = sorted({m["hedge"] for m in group.members})
    if len(hedges) > 1:
        parts.append("hedges differ: " + ", ".join(hedges))
    noted = conflicts[:MAX_NOTED_CONFLICTS]
    parts.extend(f"conflicts with {c.row['group_id']} ({describe(c.row)})" for c in noted)
    if len(conflicts) > len(noted):
        parts.append(f"and {len(conflicts) - len(noted)} more (see contradicts)")
    return "; ".join(parts)


def describe(row: dict) -> str:
    """A short reading of a value: "about 400 km2", "7,000–9,000 persons", "at least 60 km"."""
    low, best, high, unit = row["value_low"], row["value_best"], row["value_high"], row["unit"]
    hedge = row["hedge"]
    if hedge == "range" and low is not None and high is not None:
        return f"{_fmt(low)}–{_fmt(high)} {unit}"
    if hedge == "at_least":
        return f"at least {_fmt(low if low is not None else best)} {unit}"
    if hedge == "at_most":
        return f"at most {_fmt(high if high is not None else best)} {unit}"
    if best is None:
        return f"an unstated number of {unit}"
    return f"{'about ' if hedge == 'approx' else ''}{_fmt(best)} {unit}"


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas strings (missing stays missing), so even an empty frame validates."""
    text = [c for c, spec in CONSOLIDATED.columns.items() if "str" in str(spec.dtype)]
    return out.astype({c: "str" for c in text})


def _sort(out: pd.DataFrame) -> pd.DataFrame:
    order = ["category", "side", "as_of_earliest", "value_best", "group_id"]
    return out.sort_values(order, na_position="last", kind="mergesort").reset_index(drop=True)
