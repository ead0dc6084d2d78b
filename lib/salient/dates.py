"""Date expressions in running news text, resolved against a reference (publication) date.

`find_dates(text, reference)` → every date mention with its span, ISO value at its precision,
an interval of ISO days and its relation to the claim ("at", "since", "until", "range_start",
"range_end"), so each numeric claim can be given an as-of date. `scan` and `resolve_calendar`
are the steps below it, which `salient.ingest.published` reuses to date an article itself.

Matching is one compiled regular expression (built once at import from `data/months.csv`) plus
small context checks; normalisation uses `datetime` arithmetic. dateparser was measured to be
slow and to read "may", "We" and "now" as dates, so it is not used here.

Conventions (see the tests for examples):

* Parts of a month: early = days 1–10, mid = 11–20, late = 21–end; "the start/beginning of" =
  early, "the middle of" = mid, "the end of" = late, "the first/second half of" = 1–15 / 16–end.
  Precision stays "month"; only the interval narrows. Parts of a year: early = Jan–Apr,
  mid = May–Aug, late = Sep–Dec (precision "year").
* Month-day without a year ("on March 13"): the most recent such day not after the reference.
  A month without a year ("in March", "mid-October"): the most recent such month not after the
  reference's month. "last August": the most recent August strictly before the reference's
  month; "next August": the first one strictly after; "this August": the reference's year.
* Weekdays: the most recent such day on or before the reference (the reference's own weekday is
  the reference day); "last Tuesday" is strictly before, "next Tuesday" strictly after.
* Weeks ("this week", "last week", "two weeks ago"): the Monday–Sunday week; the value is the
  month holding that week's Thursday (ISO-week rule) at precision "month", the interval the week.
* Ranges ("from X to Y", "between X and Y", "X to Y", "X–Y", "March 7–12", "2023-2024") are
  two mentions, relation "range_start" and "range_end"; a missing year is borrowed from the
  partner (so "Late October to November 2024" → 2024-10 and 2024-11).
* Relations: since/from/after → "since"; until/till/up to/through/before → "until"; everything
  else (on, in, as of, by, at the peak of, bare) → "at".
* Without a reference, forms that need one (weekdays, yesterday, last week, month-day without a
  year, ...) are still reported with their span, with value None and precision "unknown".
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "DateMention",
    "RawMention",
    "find_dates",
    "is_dateline",
    "month_interval",
    "resolve_calendar",
    "scan",
    "to_iso",
    "year_interval",
]

_MONTHS_CSV = Path(__file__).parent / "data" / "months.csv"


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression in a text, resolved against a reference date.

    `value` is ISO at its precision ("2025-03-13", "2025-03", "2025") or None when it cannot be
    resolved; `earliest`/`latest` are the ISO days it covers.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: str
    earliest: str | None
    latest: str | None
    relation: str


# --------------------------------------------------------------------------- calendar helpers


def month_interval(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month: (2024, 2) → (2024-02-01, 2024-02-29)."""
    first = dt.date(year, month, 1)
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first, following - dt.timedelta(days=1)


def year_interval(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a year: 2024 → (2024-01-01, 2024-12-31)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def week_interval(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday–Sunday week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def to_iso(day: dt.date | None, precision: str) -> str | None:
    """A date written at a precision: (2025-03-13, "month") → "2025-03"; "unknown" → None."""
    if day is None:
        return None
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        return f"{day.year:04d}"
    return None


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """(2025, 1) shifted by -2 → (2024, 11)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# --------------------------------------------------------------------------- vocabularies


def _load_names() -> tuple[dict[str, int], dict[str, int], dict[str, int], frozenset[int]]:
    """Month names, month abbreviations, weekday names (lower-case → number) and the month numbers
    whose names are also common words ("may", "march") and so need a cue when they stand alone."""
    months: dict[str, int] = {}
    abbreviations: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    ambiguous: set[int] = set()
    with _MONTHS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number = int(row["number"])
            if row["kind"] == "weekday":
                weekdays[row["name"].lower()] = number
                continue
            months[row["name"].lower()] = number
            for abbreviation in row["abbreviations"].split():
                abbreviations[abbreviation.lower()] = number
            if row["ambiguous"].strip() == "1":
                ambiguous.add(number)
    return months, abbreviations, weekdays, frozenset(ambiguous)


_MONTH_NAMES, _MONTH_ABBREVIATIONS, _WEEKDAYS, _AMBIGUOUS_MONTHS = _load_names()


def _alternation(words: dict[str, int]) -> str:
    """Title-case and upper-case spellings, longest first ("Sept" before "Sep")."""
    spellings = sorted(words, key=len, reverse=True)
    return "|".join(f"{w.title()}|{w.upper()}" for w in spellings)


_FULL = _alternation(_MONTH_NAMES)
_ABBR = _alternation(_MONTH_ABBREVIATIONS)
_WEEKDAY = _alternation(_WEEKDAYS)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def _part(tag: str) -> str:
    """A part-of-period modifier: "early ", "mid-", "the end of ", "the first half of "."""
    return rf"""(?i:\b(?P<{tag}>early|mid|late
                  |the\s+(?:start|beginning|middle|end|first\s+half|second\s+half)\s+of)
                  (?:\s*-\s*|\s+))"""


# One alternative per form; at a given position the first alternative that matches wins, so
# the more specific forms come first. Each named group says which form matched.
_DATE_RE = re.compile(
    rf"""
    (?<![A-Za-z0-9])                                                 # guard: a word start whose
    (?=[0-9ADFJMNOSTW]                                               # first letter or word can
      |(?i:early|mid|late|the|this|last|next|past                    # open a date; it skips
          |yesterday|today|tomorrow|tonight|{"|".join(_NUMBER_WORDS)})\b)  # most positions fast
    (?:
    (?P<iso>(?<![\d-])(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])    # 2025-03-12
        -(?P<iso_d>0[1-9]|[12]\d|3[01])(?!\d))
  | (?P<event>(?<=[Ss]ince\s)                                        # since the start of the war
        (?i:the\s+(?:start|beginning|outbreak|launch)\s+of\s+)
        (?!(?i:the|this|last|next)\s+(?i:year|month|week)\b)
        (?:the|its|their|this|that|[A-Z][\w'’]*['’]s)\s+[a-z][\w-]*)
  | (?P<mdy>\b(?P<mdy_m>{_FULL}|(?:{_ABBR})\.?)\s+                # March 16 | Aug. 12
        (?P<mdy_d>{_DAY})(?!\d)                                      # day
        (?:\s*[-–]\s*(?P<mdy_d2>{_DAY})(?!\d))?                      # -17 (a day range)
        (?![\d:]|,\d{{3}})                                           # not 14:00, not 1,200
        (?:,?\s+(?P<mdy_y>{_YEAR})(?![\d]|,\d{{3}}))?)               # , 2025
  | (?P<dmy>(?<![\w,.])(?P<dmy_d>{_DAY})(?:\s+of)?\s+                # 6 (of) August
        (?P<dmy_m>{_FULL}|(?:{_ABBR})\b\.?)                          # month (Aug.)
        (?:,?\s+(?P<dmy_y>{_YEAR})(?![\d]|,\d{{3}}))?)               # 2024
  | (?P<my>{_part("my_p")}?                                          # early
        \b(?P<my_m>{_FULL}|(?:{_ABBR})\b\.?)(?:\s+of)?,?\s+          # March (of)
        (?P<my_y>{_YEAR})(?![\d]|,\d{{3}}))                          # 2025
  | (?P<yr>(?<![\w,.$£€#/-])(?P<yr_a>{_YEAR})\s*[-–/]\s*             # 2023-
        (?P<yr_b>{_YEAR}|\d\d)(?![\d-]))                             # 2024 | 24
  | (?P<py>{_part("py_p")}(?P<py_y>{_YEAR})(?![\d]|[,.]\d))          # late 2024, mid-2024
  | (?P<ago>\b(?P<ago_n>\d{{1,2}}|(?i:{"|".join(_NUMBER_WORDS)}))    # two
        \s+(?P<ago_u>(?i:day|week|month|year))s?\s+(?i:ago)\b)       # weeks ago
  | (?P<rp>{_part("rp_p")}?                                          # the end of
        \b(?P<rp_w>(?i:this|last|next|the))\s+                       # last
        (?P<rp_u>(?i:week|month|year))\b)                            # year
  | (?P<wd>(?:\b(?P<wd_p>(?i:early|late))\s+)?                       # early
        (?:\b(?P<wd_r>(?i:last|this|next|past))\s+)?                 # last
        \b(?P<wd_n>{_WEEKDAY})\b                                     # Tuesday
        (?:\s+(?i:morning|afternoon|evening|night))?)                # morning
  | (?P<dx>\b(?P<dx_w>(?i:yesterday|today|tomorrow|tonight))\b)      # yesterday
  | (?P<mon>(?:{_part("mon_p")}|\b(?P<mon_r>(?i:last|this|next))\s+)?  # late | last
        (?:\b(?P<mon_f>{_FULL})\b|\b(?P<mon_a>{_ABBR})\.(?!\d)))     # August | Aug.
  | (?P<y>(?<![\w,.$£€#/-])(?P<y_y>{_YEAR})                          # 2024
        (?![\d]|[,.]\d|[-–]|\s*(?:%|percent|per\s+cent)))            # not 2024.5 / 2000-strong
    )
    """,
    re.VERBOSE,
)

# The word right before a mention that sets its relation ("since August" → since).
_CUE_RE = re.compile(
    r"""(?i)\b(?P<cue>ever\s+since|since|from|after        # since
             |until|till|up\s+to|up\s+until|through|before  # until
             |by|as\s+of|on|in|at|during)                    # at
        \s+$""",
    re.VERBOSE,
)
_SINCE_CUES = {"since", "from", "after"}
_UNTIL_CUES = {"until", "till", "up to", "up until", "through", "before"}

# What may stand between two mentions that form a range ("Late October to November 2024").
_RANGE_GAP_RE = re.compile(r"(?i)\s*(?:-|–|—|to|until|till|through|and)\s*")
_IN_BEFORE_RE = re.compile(r"\b(?:in|during|over|throughout)\s+$", re.I)
_BETWEEN_RE = re.compile(r"(?i)\bbetween\s+$")
_LAST_WORD_RE = re.compile(r"([A-Za-z]+)\s+$")
_NEXT_WORD_RE = re.compile(r"\s+([A-Za-z]+)")
_CAPITALISED_NEXT_RE = re.compile(r"\s+[A-Z][a-z]")
_CAPITALISED_PREVIOUS_RE = re.compile(r"[A-Z][\w.]*\s+$")
_THE_BEFORE_RE = re.compile(r"(?i)\bthe\s+$")


def _word_set(words: str) -> frozenset[str]:
    """Space-separated words → a set (keeps long word lists readable)."""
    return frozenset(words.split())


# Words before a bare month/weekday/year that mark it as a date.
_MONTH_CUES = _word_set(
    "in since by until till through throughout during from to before after of and or between "
    "last this next early mid late each every around as"
)
_WEEKDAY_CUES = _word_set(
    "on since by until till from to and or of last this next early late said before after "
    "as through"
)
_YEAR_CUES = _word_set(
    "in since by until till through throughout during from before after for to and or between "
    "circa of the"
)
# Words after a 4-digit number that show it is a count, not a year ("2000 troops").
_COUNT_WORDS = _word_set(
    "people men women children personnel infantry staff km sq square mi kg more fewer other "
    "additional extra new fresh strong"
)

_MONTH_PARTS = {
    "early": (1, 10), "start": (1, 10), "beginning": (1, 10),
    "mid": (11, 20), "middle": (11, 20),
    "late": (21, 31), "end": (21, 31),
    "first half": (1, 15), "second half": (16, 31),
}  # fmt: skip
_YEAR_PARTS = {
    "early": (1, 4), "start": (1, 4), "beginning": (1, 4),
    "mid": (5, 8), "middle": (5, 8),
    "late": (9, 12), "end": (9, 12),
    "first half": (1, 6), "second half": (7, 12),
}  # fmt: skip


# --------------------------------------------------------------------------- raw mentions


@dataclass(slots=True)
class RawMention:
    """A matched expression before resolution: what the text states, nothing inferred."""

    start: int
    end: int
    kind: str  # "date" | "weekday" | "deixis" | "period" | "ago" | "event"
    year: int | None = None
    month: int | None = None
    day: int | None = None
    part: str | None = None  # "early", "mid", "end", "first half", ...
    rel: str | None = None  # "last" | "this" | "next" | "past"
    unit: str | None = None  # "day" | "week" | "month" | "year" for period/ago
    number: int = 0  # weekday number, or the N in "N weeks ago"
    word: str = ""  # "yesterday", "today", ...
    relation: str = "at"
    year_stated: bool = False  # the year is written (or borrowed from a range partner)


def _part_name(text: str | None) -> str | None:
    """Normalise a part modifier: "the end of " → "end"; "mid-" → "mid"."""
    if not text:
        return None
    words = text.lower().split()
    words = [w for w in words if w not in ("the", "of")]
    return " ".join(words)


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTH_NAMES.get(key) or _MONTH_ABBREVIATIONS[key]


def _day_number(text: str) -> int:
    return int(text.rstrip("stndrh"))


def _raws_from_match(match: re.Match[str]) -> list[RawMention]:
    """One regex match → one raw mention, or two for a day or year range."""
    g = match.groupdict()
    start, end = match.span()
    if g["iso"]:
        return [
            RawMention(start, end, "date", int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]),
                 year_stated=True)
        ]  # fmt: skip
    if g["event"]:
        return [RawMention(start, end, "event", relation="since")]
    if g["mdy"]:
        return _month_day_raws(match)
    if g["dmy"]:
        year = int(g["dmy_y"]) if g["dmy_y"] else None
        month, day = _month_number(g["dmy_m"]), _day_number(g["dmy_d"])
        return [RawMention(start, end, "date", year, month, day, year_stated=year is not None)]
    if g["my"]:
        return [
            RawMention(start, end, "date", int(g["my_y"]), _month_number(g["my_m"]),
                 part=_part_name(g["my_p"]), year_stated=True)
        ]  # fmt: skip
    if g["yr"]:
        return _year_range_raws(match)
    if g["py"]:
        return [RawMention(start, end, "date", int(g["py_y"]), part=_part_name(g["py_p"]),
                     year_stated=True)]  # fmt: skip
    if g["ago"]:
        count = g["ago_n"].lower()
        number = int(count) if count.isdigit() else _NUMBER_WORDS[count]
        return [RawMention(start, end, "ago", unit=g["ago_u"].lower(), number=number)]
    if g["rp"]:
        return [RawMention(start, end, "period", part=_part_name(g["rp_p"]), rel=g["rp_w"].lower(),
                     unit=g["rp_u"].lower())]  # fmt: skip
    if g["wd"]:
        rel = g["wd_r"].lower() if g["wd_r"] else None
        return [RawMention(start, end, "weekday", rel=rel, number=_WEEKDAYS[g["wd_n"].lower()])]
    if g["dx"]:
        return [RawMention(start, end, "deixis", word=g["dx_w"].lower())]
    if g["mon"]:
        name = g["mon_f"] or g["mon_a"]
        rel = g["mon_r"].lower() if g["mon_r"] else None
        return [RawMention(start, end, "date", month=_month_number(name),
                     part=_part_name(g["mon_p"]), rel=rel)]  # fmt: skip
    return [RawMention(start, end, "date", int(g["y_y"]), year_stated=True)]


def _month_day_raws(match: re.Match[str]) -> list[RawMention]:
    """One raw for "March 16, 2025"; two ("March 7", "12, 2025") for "March 7–12, 2025"."""
    g = match.groupdict()
    year = int(g["mdy_y"]) if g["mdy_y"] else None
    month = _month_number(g["mdy_m"])
    first = RawMention(match.start(), match.end(), "date", year, month, _day_number(g["mdy_d"]),
                 year_stated=year is not None)  # fmt: skip
    if not g["mdy_d2"]:
        return [first]
    first.end = match.end("mdy_d")
    second = replace(first, start=match.start("mdy_d2"), end=match.end(),
                     day=_day_number(g["mdy_d2"]))  # fmt: skip
    first.relation, second.relation = "range_start", "range_end"
    return [first, second]


def _year_range_raws(match: re.Match[str]) -> list[RawMention]:
    """Two year raws for "2023-2024" / "2023–24"; none for an implausible pair ("2025-03")."""
    first_year = int(match["yr_a"])
    second_text = match["yr_b"]
    second_year = (
        int(second_text) if len(second_text) == 4 else first_year // 100 * 100 + int(second_text)
    )
    if not 0 < second_year - first_year <= 30:
        return []
    first = RawMention(match.start(), match.end("yr_a"), "date", first_year, year_stated=True,
                 relation="range_start")  # fmt: skip
    second = RawMention(match.start("yr_b"), match.end(), "date", second_year, year_stated=True,
                  relation="range_end")  # fmt: skip
    return [first, second]


# --------------------------------------------------------------------------- context checks


def _previous_word(text: str, start: int) -> str:
    """The word just before `start` ("troops in March" → "in"), lower-case, or ""."""
    found = _LAST_WORD_RE.search(text, max(0, start - 20), start)
    return found.group(1).lower() if found else ""


def _next_word(text: str, end: int) -> str:
    found = _NEXT_WORD_RE.match(text, end, min(len(text), end + 30))
    return found.group(1) if found else ""


def _plausible(raw: RawMention, match: re.Match[str], text: str) -> bool:
    """Context checks that tell a date from a homonym: "May" the modal, "June" a first name,
    "Sunday Times", "USA Today", "the last year" (a duration), "2000 troops" (a count)."""
    if match["mon"]:
        return _bare_month_plausible(raw, match, text)
    if match["y"]:
        return _bare_year_plausible(raw, text)
    if match["py"]:
        return _next_word(text, raw.end).lower() not in _COUNT_WORDS
    if match["wd"]:
        has_cue = bool(raw.rel) or _previous_word(text, raw.start) in _WEEKDAY_CUES
        return has_cue or not _CAPITALISED_NEXT_RE.match(text, raw.end)
    if match["dx"]:
        return not (
            match["dx_w"][0].isupper()
            and _CAPITALISED_PREVIOUS_RE.search(text, max(0, raw.start - 30), raw.start)
        )
    if match["rp"]:
        if raw.rel == "the":
            return raw.part is not None
        durational = raw.part is None and _THE_BEFORE_RE.search(text, max(0, raw.start - 5),
                                                                raw.start)  # fmt: skip
        return not durational
    return True


def _bare_month_plausible(raw: RawMention, match: re.Match[str], text: str) -> bool:
    if raw.part or raw.rel:
        return True
    has_cue = _previous_word(text, raw.start) in _MONTH_CUES
    if raw.month in _AMBIGUOUS_MONTHS and not has_cue and match["mon_f"]:
        return False
    if re.match(r"\s*\d", text[raw.end : raw.end + 3]):
        return False  # "August 45 soldiers": the number is a count, not a day
    return has_cue or not _CAPITALISED_NEXT_RE.match(text, raw.end)


def _bare_year_plausible(raw: RawMention, text: str) -> bool:
    """A lone 4-digit number is a year after a cue word ("in 2024", "the 2022 invasion"), in
    parentheses, or before "'s"; not when the next word shows it is a count ("2000 troops")."""
    after = text[raw.end : raw.end + 3]
    if after[:2] in ("'s", "’s") or (after[:1] == ")" and text[raw.start - 1 : raw.start] == "("):
        return True
    cue = _previous_word(text, raw.start)
    if cue not in _YEAR_CUES:
        return False
    following = _next_word(text, raw.end)
    if cue == "of" and following and not re.match(r"[\s,;:.!?)\]—–-]", after[:1] or "."):
        return False
    lowered = following.lower()
    if lowered in _COUNT_WORDS:
        return False
    is_plural = following.islower() and len(following) > 3 and lowered.endswith("s")
    return not (is_plural and not lowered.endswith("ss"))


# --------------------------------------------------------------------------- scanning


def scan(text: str) -> list[RawMention]:
    """All plausible mentions in text order, with relations and range partners' years filled."""
    raws: list[RawMention] = []
    for match in _DATE_RE.finditer(text):
        for raw in _raws_from_match(match):
            if _plausible(raw, match, text):
                raws.append(raw)
    _link_ranges(raws, text)
    for raw in raws:
        if raw.relation == "at":
            raw.relation = _relation_before(text, raw.start)
    return raws


def _relation_before(text: str, start: int) -> str:
    found = _CUE_RE.search(text, max(0, start - 16), start)
    if not found:
        return "at"
    cue = " ".join(found["cue"].lower().split())
    if cue in _SINCE_CUES or cue == "ever since":
        return "since"
    return "until" if cue in _UNTIL_CUES else "at"


def _link_ranges(raws: list[RawMention], text: str) -> None:
    """Mark "X to Y" / "between X and Y" pairs and lend a missing year across the pair."""
    for first, second in itertools.pairwise(raws):
        if first.kind != second.kind or first.relation != "at" or second.relation != "at":
            continue
        gap = text[first.end : second.start]
        if not _RANGE_GAP_RE.fullmatch(gap):
            continue
        if gap.strip().lower() == "and" and not (
            _BETWEEN_RE.search(text, 0, first.start) or _months_of_one_period(first, second, text)
        ):
            continue
        first.relation, second.relation = "range_start", "range_end"
        _lend_year(first, second)


def _months_of_one_period(first: RawMention, second: RawMention, text: str) -> bool:
    """'in January and February': two whole months after one preposition are one period."""
    whole_months = all(r.kind == "date" and r.day is None and r.month for r in (first, second))
    return whole_months and _IN_BEFORE_RE.search(text, 0, first.start) is not None


def _lend_year(first: RawMention, second: RawMention) -> None:
    """Lend a year across a range: "Late October to November 2024" → October 2024;
    "November to February 2025" → November 2024."""
    if first.kind != "date" or first.month is None or second.month is None:
        return
    first_key = (first.month, first.day or 0)
    second_key = (second.month, second.day or 32)
    if first.year is None and second.year is not None and not first.rel:
        first.year = second.year if first_key <= second_key else second.year - 1
        first.year_stated = True
    elif second.year is None and first.year is not None and not second.rel:
        second.year = first.year if first_key <= second_key else first.year + 1
        second.year_stated = True


# --------------------------------------------------------------------------- resolution

Resolved = tuple[str, dt.date, dt.date]  # precision, earliest, latest
_UNKNOWN: tuple[str, None, None] = ("unknown", None, None)


def _resolve(raw: RawMention, reference: dt.date | None) -> Resolved | tuple[str, None, None]:
    """A raw mention → (precision, earliest, latest); unknown when a needed year or the
    reference is missing, or the date does not exist (February 30)."""
    try:
        if raw.kind == "date":
            return resolve_calendar(raw, reference)
        if reference is None or raw.kind == "event":
            return _UNKNOWN
        if raw.kind == "weekday":
            return _resolve_weekday(raw, reference)
        if raw.kind == "deixis":
            return _resolve_deixis(raw.word, reference)
        if raw.kind == "period":
            return _resolve_period(raw, reference)
        return _resolve_ago(raw, reference)
    except (ValueError, OverflowError):
        return _UNKNOWN


def resolve_calendar(
    raw: RawMention, reference: dt.date | None
) -> Resolved | tuple[str, None, None]:
    year = raw.year
    if year is None:
        if reference is None or raw.month is None:
            return _UNKNOWN
        year = _year_for(raw, reference)
    if raw.month is None:
        return ("year", *_narrow_year(year, raw.part))
    if raw.day is None:
        return ("month", *_narrow_month(year, raw.month, raw.part))
    day = dt.date(year, raw.month, raw.day)
    return "day", day, day


def _year_for(raw: RawMention, reference: dt.date) -> int:
    """The year of a yearless month or month-day, seen from the reference (see module doc)."""
    assert raw.month is not None
    month, ref_month = raw.month, reference.month
    if raw.day is not None:
        year = (
            reference.year
            if (month, raw.day) <= (ref_month, reference.day)
            else (reference.year - 1)
        )
        while month == 2 and raw.day == 29 and not _is_leap(year):
            year -= 1
        return year
    if raw.rel == "last":
        return reference.year if month < ref_month else reference.year - 1
    if raw.rel == "next":
        return reference.year if month > ref_month else reference.year + 1
    if raw.rel == "this":
        return reference.year
    return reference.year if month <= ref_month else reference.year - 1


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _narrow_month(year: int, month: int, part: str | None) -> tuple[dt.date, dt.date]:
    first, last = month_interval(year, month)
    if part not in _MONTH_PARTS:
        return first, last
    low, high = _MONTH_PARTS[part]
    return first.replace(day=low), last.replace(day=min(high, last.day))


def _narrow_year(year: int, part: str | None) -> tuple[dt.date, dt.date]:
    if part not in _YEAR_PARTS:
        return year_interval(year)
    low, high = _YEAR_PARTS[part]
    return month_interval(year, low)[0], month_interval(year, high)[1]


def _resolve_weekday(raw: RawMention, reference: dt.date) -> Resolved:
    back = (reference.weekday() - raw.number) % 7
    if raw.rel in ("last", "past") and back == 0:
        back = 7
    if raw.rel == "next":
        back = -((raw.number - reference.weekday()) % 7 or 7)
    day = reference - dt.timedelta(days=back)
    return "day", day, day


def _resolve_deixis(word: str, reference: dt.date) -> Resolved:
    offset = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
    day = reference + dt.timedelta(days=offset)
    return "day", day, day


def _resolve_period(raw: RawMention, reference: dt.date) -> Resolved:
    step = {"last": -1, "next": 1}.get(raw.rel or "", 0)
    if raw.unit == "week":
        return _week(reference + dt.timedelta(weeks=step))
    if raw.unit == "month":
        year, month = _shift_month(reference.year, reference.month, step)
        return ("month", *_narrow_month(year, month, raw.part))
    return ("year", *_narrow_year(reference.year + step, raw.part))


def _resolve_ago(raw: RawMention, reference: dt.date) -> Resolved:
    if raw.unit == "day":
        day = reference - dt.timedelta(days=raw.number)
        return "day", day, day
    if raw.unit == "week":
        return _week(reference - dt.timedelta(weeks=raw.number))
    if raw.unit == "month":
        year, month = _shift_month(reference.year, reference.month, -raw.number)
        return ("month", *month_interval(year, month))
    return ("year", *year_interval(reference.year - raw.number))


def _week(day: dt.date) -> Resolved:
    """A week: month precision (the month of its Thursday), interval Monday–Sunday."""
    monday, sunday = week_interval(day)
    return "month", monday, sunday


def _value(precision: str, earliest: dt.date | None, latest: dt.date | None) -> str | None:
    """The ISO value: a week is named by its Thursday's month; otherwise by its first day."""
    if earliest is None or latest is None:
        return None
    if precision == "month" and (latest - earliest).days == 6 and earliest.weekday() == 0:
        return to_iso(earliest + dt.timedelta(days=3), "month")
    return to_iso(earliest, precision)


def _mention(raw: RawMention, text: str, reference: dt.date | None) -> DateMention:
    precision, earliest, latest = _resolve(raw, reference)
    return DateMention(
        start=raw.start,
        end=raw.end,
        text=text[raw.start : raw.end],
        value=_value(precision, earliest, latest),
        precision=precision,
        earliest=earliest.isoformat() if earliest else None,
        latest=latest.isoformat() if latest else None,
        relation=raw.relation,
    )


def find_dates(text: str, reference: dt.date | None = None) -> list[DateMention]:
    """Every date expression in `text`, in order, resolved against `reference`.

    >>> [m.value for m in find_dates("On Tuesday, and by mid-January", dt.date(2025, 3, 12))]
    ['2025-03-11', '2025-01']
    """
    return [_mention(raw, text, reference) for raw in scan(text)]


_SHIFT_RE = re.compile(
    r"(?i)\b(?:(?P<count>a|an|one|two|three|four|five|six|seven|\d{1,2})\s+"
    r"(?P<unit>days?|weeks?)\s+(?P<dir>earlier|later|afterwards)\b"
    r"|the\s+(?P<rel>previous|preceding|next|following)\s+day\b"
    r"|the\s+day\s+(?P<dir2>before|after)(?=\s*[,.;]))"  # not "two days after X confirmed"
)
_SHIFT_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_SHIFT_COUNTS |= {"six": 6, "seven": 7}


def shifted_dates(text: str, anchor: DateMention | None) -> list[DateMention]:
    """Dates counted from an earlier date of the text: "A day earlier", "the previous day",
    "two days later" after "on Thursday" (2025-03-13) give 2025-03-12, 2025-03-12 and
    2025-03-15. Only a day-precision anchor pins them; without one they are not dates.

    >>> thursday = find_dates("on Thursday", dt.date(2025, 3, 14))[0]
    >>> [m.value for m in shifted_dates("A day earlier the general spoke.", thursday)]
    ['2025-03-12']
    """
    if anchor is None or anchor.precision != "day" or not anchor.value:
        return []
    base = dt.date.fromisoformat(anchor.value)
    out = []
    for m in _SHIFT_RE.finditer(text):
        if m["unit"]:
            count = _SHIFT_COUNTS.get(m["count"].lower()) or int(m["count"])
            days = count * (7 if m["unit"].lower().startswith("week") else 1)
            sign = -1 if m["dir"].lower() == "earlier" else 1
        else:
            days, sign = (
                1,
                -1
                if (m["rel"] or m["dir2"] or "").lower()
                in (
                    "previous",
                    "preceding",
                    "before",
                )
                else 1,
            )
        day = base + dt.timedelta(days=sign * days)
        if (m["unit"] or "").lower().startswith("week"):  # weeks from a day: only the month
            first, last = month_interval(day.year, day.month)
            value, precision, earliest, latest = to_iso(day, "month"), "month", first, last
        else:
            value, precision, earliest, latest = day.isoformat(), "day", day, day
        out.append(
            DateMention(
                m.start(),
                m.end(),
                m.group(0),
                value,
                precision,
                earliest.isoformat(),
                latest.isoformat(),
                "at",
            )
        )
    return out


# --------------------------------------------------------------------------- datelines

_SENTENCE_DATELINE_PREFIX = re.compile(
    r"[\W_]*(?:date|[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){0,3}(?:\s*[\[(][A-Z][\w .]*[\])])?,)\s*"
)
_SENTENCE_DATELINE_SUFFIX = re.compile(r"\s*(?:[—–:(/|]|-\s|\.?\s*$)")


def is_dateline(sentence: str, mention: DateMention) -> bool:
    """Whether a date opens its sentence as a dateline: after only a place ("Kyiv, August 13 —",
    "Moscow [Russia], June 29:") or a page's "date 2025-10-02" stamp. It dates the report, not
    an event the sentence tells of."""
    if not _SENTENCE_DATELINE_PREFIX.fullmatch(sentence[: mention.start]):
        return False
    return sentence[: mention.start].strip(" _").startswith("date") or bool(
        _SENTENCE_DATELINE_SUFFIX.match(sentence, mention.end)
    )
