"""Scope beyond place words: whole-front, whole-army, multi-region, region-size and other-war
figures are not theatre claims, even in a paragraph about the theatre.

A cue holds even when the clause names a theatre place: "a province of 29,000 km²", "drones over
several regions including Kursk", "600,000 soldiers along the entire front". Cues are data
(data/scope_cues.csv): `clause` cues count anywhere in the number's clause,
`before` cues only right before the number (hedge words allowed between): "a province of about
29,000 square kilometres" is the size of a region, not ground held.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from salient import lexicon
from salient.casefold import fold_case

CLAUSE_BREAK = re.compile(r";|\s[—–]\s|,\s+(?:while|but|whereas|and|with)\s|\swhile\s|\band that\b")
_MID_WORD = re.compile(r"\w(?=\w)")  # matched at pos - 1: `pos` falls inside a word
_HEDGE_GAP = r"(?:\s+(?:about|around|roughly|some|nearly|almost|approximately|over|more than|"
_HEDGE_GAP += r"less than|up to|an estimated|just|well over))*\s*$"


@dataclass(frozen=True, slots=True)
class ScopeCue:
    cue: str
    kind: str
    reason: str


@cache
def _cues() -> tuple[re.Pattern, re.Pattern, dict[str, ScopeCue]]:
    rows = lexicon.data_rows("scope_cues.csv")
    by_cue = {r["cue"].lower(): ScopeCue(r["cue"], r["kind"], r["reason"]) for r in rows}

    def alternation(where: str) -> str:
        names = sorted(
            (r["cue"].lower() for r in rows if r["where"] == where), key=len, reverse=True
        )
        return "|".join(re.escape(n) for n in names)

    clause = re.compile(rf"\b(?:{alternation('clause')})\b")
    before = re.compile(rf"\b(?P<cue>{alternation('before')}){_HEDGE_GAP}")
    return clause, before, by_cue


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause around `pos`: between the nearest clause breaks before and after it."""
    starts, ends = _clause_breaks(text)
    before = bisect.bisect_right(ends, pos)  # breaks that end by `pos`
    if (before < len(starts) and starts[before] < pos) or (
        pos > 0 and _MID_WORD.match(text, pos - 1)
    ):
        return _clause_bounds_scanned(text, pos)  # `pos` inside a break or a word: scan
    after = bisect.bisect_left(starts, pos)
    return ends[before - 1] if before else 0, starts[after] if after < len(starts) else len(text)


@lru_cache(maxsize=64)
def _clause_breaks(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Starts and ends of the sentence's clause breaks, found once per sentence: every number
    in it asks (a scan per number was quadratic in the sentence)."""
    spans = [m.span() for m in CLAUSE_BREAK.finditer(text)]
    return tuple(s for s, _ in spans), tuple(e for _, e in spans)


def _clause_bounds_scanned(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    after = CLAUSE_BREAK.search(text, pos)
    return start, after.start() if after else len(text)


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    return fold_case(text)  # once per sentence, not once per number


def scope_cue(text: str, start: int, end: int) -> ScopeCue | None:
    """The cue that puts the number at text[start:end] out of the theatre, if any."""
    _, before, by_cue = _cues()
    folded = _folded(text)
    m = before.search(folded[max(0, start - 60) : start])
    if m:
        return by_cue[m.group("cue")]
    c_start, c_end = clause_bounds(text, start)
    found = _first_clause_cue(folded, c_start, max(c_end, end))
    return by_cue[found] if found else None


def _first_clause_cue(folded: str, start: int, stop: int) -> str | None:
    """The first clause cue in folded[start:stop], from the sentence's cues found once (a search
    per number was quadratic in the sentence). A cue straddling either end, or an end inside a
    word, is searched as before, so the answer is the same for any range."""
    clause = _cues()[0]
    spans = _clause_cue_spans(folded)
    first = bisect.bisect_left(spans, (start, -1, ""))
    straddles = (first > 0 and spans[first - 1][1] > start) or any(
        a < stop < b for a, b, _ in spans[first:]
    )
    if straddles or (0 < stop < len(folded) and _MID_WORD.match(folded, stop - 1)):
        m = clause.search(folded, start, stop)
        return m.group(0) if m else None
    inside = spans[first] if first < len(spans) and spans[first][1] <= stop else None
    return inside[2] if inside else None


@lru_cache(maxsize=64)
def _clause_cue_spans(folded: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), m.group(0)) for m in _cues()[0].finditer(folded))
