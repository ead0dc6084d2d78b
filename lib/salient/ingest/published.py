"""An article's publication date when no manifest gives it: from a dateline or "Posted" line
(basis "text"), else inferred from the latest date the article reports (basis "inferred").

Ingest needs it before any claim is dated (claims' as-of dates are resolved against it); the
date mentions themselves are found and resolved by `salient.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from salient.dates import RawMention, Resolved, resolve_calendar, scan, to_iso
from salient.model import PublishedDate

PUBLICATION_WINDOW_DAYS = 30  # inferred publication: latest = earliest + this many days
YEARLESS_LOOKBACK_DAYS = 61  # a yearless date may look back this far before its anchor

_HEAD_LINES = 5  # datelines and "Posted" lines are looked for in the first non-empty lines
_HEAD_CHARS = 1500
_PLACE_DATELINE_RE = re.compile(r"[\W_]*[A-Z][A-Z.'’ /-]*[A-Z.](?:,\s+[A-Z][A-Za-z. ]+)?,\s*$")
_POSTED_RE = re.compile(
    r"(?i)[\W_]*(?:posted|published|updated|last\s+updated|first\s+published|date)"
    r"(?:\s+on)?\s*:?\s*$"
)
_PLAIN_PREFIX_RE = re.compile(
    r"[\W_]*(?:By\s+[A-Z][\w.'’ -]*?\s*[|·•,]\s*)?(?:[A-Z][a-z]+day,?\s+)?$"  # By Name | Monday,
)
_PLACE_SUFFIX_RE = re.compile(r"\s*(?:\(|—|–|-|/|\|)")
_PLAIN_SUFFIX_RE = re.compile(r"\s*(?:[\W_]*$|[,·|•(]|at\s+\d|\d{1,2}:\d\d)")
_FUTURE_RE = re.compile(
    r"""(?i)\b(?:will|shall|going\s+to|scheduled|planned|plans?\s+to|expected\s+to
            |due\s+to|next|upcoming|aims?\s+to|intends?\s+to)\b|'ll\b""",
    re.VERBOSE,
)
_CLAUSE_END_RE = re.compile(r"[.!?\n,;:—–()]")
_CLAUSE_MARKS = (". ", "! ", "? ", "\n", ",", ";", ":", "—", "–", "(", ")")
_OPENER_STRIP = " \t\"'“‘*#-"


def infer_publication_date(text: str, *, today: dt.date | None = None) -> PublishedDate:
    """The publication date an article's text states or implies.

    1. A dateline or "Posted" line in the first lines ("KYIV, 6 January 2025 —",
       "*Posted 20 November 2024 ·", "MOSCOW, March 5 (Wire) -") → basis "text", precision day.
       A dateline without a year takes the first such day on or after the date inferred from
       the rest of the text (step 2); with no year anywhere it cannot be placed → unknown.
    2. Otherwise the article cannot predate the latest event it reports → basis "inferred",
       earliest = that lower bound, latest = earliest + 30 days, value = earliest at the
       bound's precision. Bounds, from past (not future-marked), non-"until" mentions:
       - a stated day: that day;
       - a whole stated month or year ("in November 2024", "in 2024"): the first day of the
         following month/year, since writers name a period that way once it is over (inside it
         they say "this month"), unless the text also dates something inside that period more
         finely, which then bounds it instead; part-periods ("early March 2025") and "since"
         give their first day;
       - a month(-day) without a year: in the year of the nearest preceding stated day or month
         (timelines), a year later if it would fall before it; with none preceding, the first
         occurrence after the latest stated date (writers drop the year for recent dates);
         after "since" ("since January"), the last occurrence starting by that date instead,
         as it names a start in the past.
       Relative forms ("last August", "on Tuesday", "next week") give no bound. Bounds after
       `today` are ignored (an article is not from the future).

    So an article whose only dates are "last August" and "in November 2024" gets earliest
    2024-12-01, precision month, value "2024-12". Pass body text when boilerplate or pasted
    stories are known: their dates count like any other.
    """
    today = today or dt.date.today()
    raws = scan(text)
    dateline = _find_dateline(text, raws)
    evidence = [raw for raw in raws if raw is not dateline]
    inferred = _infer_from_mentions(evidence, text, today)
    if dateline is None:
        return inferred
    if dateline.year is not None:
        day = dt.date(dateline.year, dateline.month or 1, dateline.day or 1)
        return PublishedDate(day.isoformat(), "text", "day", day.isoformat(), day.isoformat())
    if inferred.earliest is None:
        return PublishedDate.unknown()
    day = _first_on_or_after(dateline, dt.date.fromisoformat(inferred.earliest))
    if day is None:
        return PublishedDate.unknown()
    return PublishedDate(day.isoformat(), "text", "day", day.isoformat(), day.isoformat())


def _find_dateline(text: str, raws: list[RawMention]) -> RawMention | None:
    """The first month-day mention in the head that a dateline, "Posted" line or a line of its
    own frames."""
    head_end = _head_end(text)
    for raw in raws:
        if raw.start >= head_end:
            break
        if raw.kind != "date" or raw.day is None or raw.relation not in ("at",):
            continue
        line_start = text.rfind("\n", 0, raw.start) + 1
        prefix = text[line_start : raw.start]
        line_end = text.find("\n", raw.end)
        suffix = text[raw.end : len(text) if line_end < 0 else line_end]
        if _POSTED_RE.fullmatch(prefix):
            return raw
        if _PLACE_DATELINE_RE.fullmatch(prefix) and _PLACE_SUFFIX_RE.match(suffix):
            return raw
        if _PLAIN_PREFIX_RE.fullmatch(prefix) and _PLAIN_SUFFIX_RE.match(suffix):
            return raw
    return None


def _head_end(text: str) -> int:
    """Offset just past the first few non-empty lines."""
    seen, position = 0, 0
    while position < len(text) and position < _HEAD_CHARS:
        newline = text.find("\n", position)
        newline = len(text) if newline < 0 else newline
        if text[position:newline].strip():
            seen += 1
            if seen == _HEAD_LINES:
                return newline
        position = newline + 1
    return min(len(text), _HEAD_CHARS)


def _first_on_or_after(raw: RawMention, bound: dt.date) -> dt.date | None:
    """The first date with the raw's month and day on or after `bound`."""
    assert raw.month is not None and raw.day is not None
    for year in range(bound.year, bound.year + 9):
        try:
            day = dt.date(year, raw.month, raw.day)
        except ValueError:
            continue
        if day >= bound:
            return day
    return None


@dataclass(frozen=True, slots=True)
class _Bound:
    day: dt.date
    precision: str


def _infer_from_mentions(raws: list[RawMention], text: str, today: dt.date) -> PublishedDate:
    usable = [r for r in raws if _counts_as_evidence(r, text)]
    stated = [r for r in usable if r.year_stated]
    bounds = [_stated_bound(r, stated) for r in stated]
    bounds += _yearless_bounds(usable, stated)
    bounds = [b for b in bounds if b is not None and b.day <= today]
    if not bounds:
        return PublishedDate.unknown()
    rank = {"day": 2, "month": 1, "year": 0}
    best = max(bounds, key=lambda b: (b.day, rank[b.precision]))
    latest = best.day + dt.timedelta(days=PUBLICATION_WINDOW_DAYS)
    return PublishedDate(
        value=to_iso(best.day, best.precision),
        basis="inferred",
        precision=best.precision,
        earliest=best.day.isoformat(),
        latest=latest.isoformat(),
    )


def _counts_as_evidence(raw: RawMention, text: str) -> bool:
    """Calendar mentions, not relative ones, not "until" and not in a future-tense clause."""
    if raw.kind != "date" or raw.rel or raw.relation == "until":
        return False
    left, right = _clause_around(text, raw.start, raw.end)
    return not _FUTURE_RE.search(text, left, right)


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding a mention; a mention that opens its sentence as a phrase of its own
    ("On March 20, talks will resume") takes the next clause too."""
    window = max(0, start - 300)
    left = max(text.rfind(mark, window, start) for mark in _CLAUSE_MARKS)
    left = window if left < 0 else left + 1
    found = _CLAUSE_END_RE.search(text, end)
    right = found.start() if found else len(text)
    opener = text[left:start].strip(_OPENER_STRIP)
    if found and found.group() in ",;:" and opener.count(" ") == 0:
        following = _CLAUSE_END_RE.search(text, found.end())
        right = following.start() if following else len(text)
    return left, right


def _calendar(raw: RawMention) -> Resolved | None:
    resolved = resolve_calendar(raw, None) if raw.year is not None else None
    if resolved is None or resolved[0] == "unknown":
        return None
    return resolved  # type: ignore[return-value]


def _stated_bound(raw: RawMention, stated: list[RawMention]) -> _Bound | None:
    try:
        resolved = _calendar(raw)
    except ValueError:
        return None
    if resolved is None:
        return None
    precision, earliest, latest = resolved
    whole_period = raw.part is None and raw.relation != "since" and precision != "day"
    if whole_period and not _dated_inside(raw, stated):
        return _Bound(latest + dt.timedelta(days=1), precision)
    return _Bound(earliest, precision)


def _dated_inside(raw: RawMention, stated: list[RawMention]) -> bool:
    """Does the text date something more finely inside this month/year?"""
    for other in stated:
        if other.year != raw.year or other is raw:
            continue
        if raw.month is None and other.month is not None:
            return True
        if raw.month is not None and other.month == raw.month and other.day is not None:
            return True
    return False


def _yearless_bounds(usable: list[RawMention], stated: list[RawMention]) -> list[_Bound]:
    """Bounds from months and month-days written without a year (see infer_publication_date)."""
    resolved = {id(r): _calendar(r) for r in stated}
    latest_stated = max((res[2] for res in resolved.values() if res), default=None)
    bounds: list[_Bound] = []
    for raw in usable:
        if raw.year_stated or raw.month is None:
            continue
        anchor = _preceding_anchor(raw, stated, resolved) or latest_stated
        if anchor is None:
            continue
        if raw.relation == "since":  # "since January" names a start in the past
            candidate = _last_starting_by(raw, anchor)
        else:
            floor = anchor - dt.timedelta(days=YEARLESS_LOOKBACK_DAYS)
            candidate = _first_ending_after(raw, floor)
        if candidate:
            bounds.append(_Bound(candidate[1], candidate[0]))
    return bounds


def _preceding_anchor(
    raw: RawMention, stated: list[RawMention], resolved: dict[int, Resolved | None]
) -> dt.date | None:
    """First day of the nearest stated day or month before `raw` in the text."""
    for other in reversed(stated):
        found = resolved.get(id(other))
        if other.start < raw.start and other.month is not None and found:
            return found[1]
    return None


def _first_ending_after(raw: RawMention, floor: dt.date) -> Resolved | None:
    """The first occurrence of a yearless month(-day) that ends on or after `floor`."""
    for year in range(floor.year, floor.year + 9):
        candidate = _with_year(raw, year)
        if candidate and candidate[2] >= floor:
            return candidate
    return None


def _last_starting_by(raw: RawMention, ceiling: dt.date) -> Resolved | None:
    """The last occurrence of a yearless month(-day) that starts on or before `ceiling`."""
    for year in range(ceiling.year, ceiling.year - 9, -1):
        candidate = _with_year(raw, year)
        if candidate and candidate[1] <= ceiling:
            return candidate
    return None


def _with_year(raw: RawMention, year: int | None) -> Resolved | None:
    if year is None:
        return None
    try:
        return _calendar(replace(raw, year=year))
    except ValueError:
        return None
