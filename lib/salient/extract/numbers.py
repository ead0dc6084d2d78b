"""Number expressions in running text: value low/best/high, hedge and span.

Hand-written on purpose: quantulum3 averages ranges, drops hedges and runs at 0.06 MB/s (see
shared/notes/extraction-libraries.md); a compiled regex finds candidates and text2num converts
spelled-out numbers ("ten thousand" → 10000), so offsets survive.

>>> [(q.text, q.low, q.best, q.high, q.hedge) for q in find_numbers("about 3,000 to 4,500 troops")]
[('3,000 to 4,500', 3000.0, None, 4500.0, 'range')]
>>> [(q.text, q.best, q.hedge) for q in find_numbers("outgunned as much as eight to one")]
[('eight to one', 8.0, 'at_most')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from text_to_num import text2num

from salient import lexicon
from salient.casefold import fold_case

_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ("hundred", "thousand", "million", "billion")
_WORD = r"(?:%s)" % "|".join(
    [rf"(?:{t})(?:-(?:{'|'.join(_UNITS[:9])}))?" for t in _TENS]
    + sorted(_UNITS, key=len, reverse=True)
)
_WORD_OR_SCALE = rf"(?:{_WORD}|{'|'.join(_SCALES)})"
_WORDNUM = (
    rf"(?:(?:a\s+(?=hundred|thousand|million))?{_WORD_OR_SCALE}"
    rf"(?:(?:(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+|[\s-]+){_WORD_OR_SCALE})*)"
)
# Thousands grouped by commas, or by a space, no-break space, narrow no-break or thin space
# ("8 412", "46\u202f500"): the group must be exactly three digits and end the number.
_GROUP_SPACE = "[ \u00a0\u202f\u2009]"
_DIGITS = (
    rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+(?![\d,.]\d)(?!\d)"
    r"|\d+(?:\.\d+)?"
)
_HALF_SCALE = {"million": 5e5, "billion": 5e8}
_FRACTION = {
    "half": 50.0,
    "third": 100 / 3,
    "thirds": 100 / 3,
    "quarter": 25.0,
    "quarters": 25.0,
    "fifth": 20.0,
    "fifths": 20.0,
    "tenth": 10.0,
    "tenths": 10.0,
}
# Vague counts: (low, high) of the plural reading; value_best stays empty. Low follows ACLED's
# conservative reading (the smallest number the word can mean), high the next order of magnitude.
VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2000.0, 9999.0),
    "tens of thousands": (20000.0, 99999.0),
    "hundreds of thousands": (200000.0, 999999.0),
    "several hundred": (300.0, 999.0),
    "several thousand": (3000.0, 9999.0),
    "a few hundred": (200.0, 500.0),
    "a few thousand": (2000.0, 5000.0),
}

# Verbose patterns drop literal spaces: "several hundred" must be written with \s+.
_VAGUE_ALTERNATIVES = [
    r"\s+".join(map(re.escape, k.split())) for k in sorted(VAGUE, key=len, reverse=True)
]
ATOM = re.compile(
    rf"""
    (?P<vague>\b(?:{"|".join(_VAGUE_ALTERNATIVES)})\b)
    | (?P<frac>\b(?:one|a|two|three|four|nine)[\s-](?:{"|".join(_FRACTION)})(?=\s+of\b)
        | \bhalf(?=\s+of\b))
    | (?P<halfscale>\bhalf\s+a\s+(?:million|billion)\b)
    | (?P<money>[£€$])?
      (?<![\w.,/])(?<![A-Za-z]-)(?P<digits>{_DIGITS})
      (?P<suffix>bn|m|k)?(?![\w])
      (?P<scale>\s(?:million|billion|thousand))?
    | (?P<words>\b{_WORDNUM}\b)
    """,
    re.VERBOSE,  # matched against case-folded text: 3-5x faster than re.IGNORECASE (notes §6)
)

# The hedge words before a number are data (data/claim_cues.csv, sets hedge_*), tried in this
# order: the first set whose words end right before the number names the hedge.
HEDGE_SETS = ("at_most", "at_least", "approx")


@cache
def hedges_before() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, hedge) per hedge set: its words, then only spaces up to the number."""
    return tuple(
        (lexicon.cue_regex(rf"\b(?:{{hedge_{hedge}}})\s*$", re.IGNORECASE), hedge)
        for hedge in HEDGE_SETS
    )


_AFTER_AT_LEAST = re.compile(r"^\s+(?:or more|and more|plus)\b", re.IGNORECASE)
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to)\s*$", re.IGNORECASE)
_RATIO_AFTER = re.compile(r"^(?:\s*:\s*1\b|[\s-]+to[\s-]+(?:one|1)\b)", re.IGNORECASE)
_FOLD_AFTER = re.compile(r"^-?fold\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Number:
    """A number expression: offsets into the text given, values, hedge and what it is."""

    start: int
    end: int
    text: str
    low: float | None
    best: float | None
    high: float | None
    hedge: str
    hedge_text: str
    kind: str  # count, percent (fractions), ratio, fold, money:EUR/GBP/USD, vague
    is_word: bool = False
    vague_word: str = ""


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    value: float | None
    kind: str
    is_word: bool
    has_scale: bool
    vague_word: str = ""


def _atom_from_match(m: re.Match) -> _Atom | None:
    if m.group("vague"):
        return _Atom(m.start(), m.end(), None, "vague", True, False, m.group("vague").lower())
    if m.group("frac"):
        words = re.split(r"[\s-]", m.group("frac").lower())
        count = 1.0 if words[0] in ("one", "a", "half") else float(text2num(words[0], "en"))
        value = _FRACTION[words[-1]] * (count if words[-1] != "half" else 1.0)
        return _Atom(m.start(), m.end(), round(value, 1), "percent", True, False)
    if m.group("halfscale"):  # "half a million" is 500,000, not "a million"
        value = _HALF_SCALE[m.group("halfscale").split()[-1]]
        return _Atom(m.start(), m.end(), value, "count", True, True)
    if m.group("digits"):
        value = float(re.sub(r"[,\s\u00a0\u202f\u2009]", "", m.group("digits")))
        multiplier = {"bn": 1e9, "m": 1e6, "k": 1e3}.get((m.group("suffix") or "").lower(), 1.0)
        scale = (m.group("scale") or "").strip().lower()
        multiplier *= {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(scale, 1.0)
        money = {"£": "money:GBP", "€": "money:EUR", "$": "money:USD"}.get(m.group("money") or "")
        start = m.start() if money else m.start("digits")
        return _Atom(start, m.end(), value * multiplier, money or "count", False, bool(scale))
    return _words_atom(m)


def _words_atom(m: re.Match) -> _Atom | None:
    text = m.group("words")
    phrase = re.sub(r"^a\s+", "one ", text, flags=re.IGNORECASE).lower().replace("-", " ")
    phrase = re.sub(r"\s+and\s+", " ", phrase)
    try:
        value = float(text2num(phrase, "en"))
    except ValueError:
        return None
    has_scale = any(s in phrase.split() for s in _SCALES[1:])
    return _Atom(m.start(), m.end(), value, "count", True, has_scale)


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for m in ATOM.finditer(fold_case(text)):
        atom = _atom_from_match(m)
        if atom is not None:
            atoms.append(atom)
    return atoms


def _hedge_before(text: str, start: int) -> tuple[str, str]:
    """The hedge ending just before `start` and its words: ("approx", "about")."""
    window = text[max(0, start - 40) : start]
    last = window.rstrip()[-1:]
    if not (last.isalpha() or last == "."):
        return "exact", ""  # fast exit, same answer: every hedge ends with a letter or "."
    for pattern, hedge in hedges_before():
        m = pattern.search(window)
        if m:
            return hedge, m.group(0).strip()
    return "exact", ""


def _dozen(text: str, atom: _Atom) -> _Atom:
    """'two dozen' → 24; text2num does not read dozens."""
    m = re.match(r"\s+dozen\b", text[atom.end :], re.IGNORECASE)
    if m and atom.value is not None and atom.kind == "count":
        return _Atom(atom.start, atom.end + m.end(), atom.value * 12, "count", True, False)
    return atom


def find_numbers(text: str) -> list[Number]:
    """Every number expression in `text`, with ranges, ratios and hedges resolved."""
    atoms = [_dozen(text, a) for a in _atoms(text)]
    out: list[Number] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if out and atom.start < out[-1].end:  # the "one" of "six to one"
            i += 1
            continue
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        number, used = _combine(text, atom, nxt)
        out.append(number)
        i += used
    return out


def _combine(text: str, a: _Atom, b: _Atom | None) -> tuple[Number, int]:
    hedge, hedge_text = _hedge_before(text, a.start)
    after = text[a.end :]
    if a.kind == "vague":
        low, high = VAGUE[a.vague_word]
        return Number(
            a.start,
            a.end,
            text[a.start : a.end],
            low,
            None,
            high,
            "vague",
            hedge_text,
            "vague",
            True,
            a.vague_word,
        ), 1
    ratio = _RATIO_AFTER.match(after)
    if ratio and a.value is not None:
        end = a.end + ratio.end()
        return _number(
            text, a.start, end, a.value, a.value, a.value, hedge, hedge_text, "ratio", a
        ), 1
    fold = _FOLD_AFTER.match(after)
    if fold and a.value is not None:
        end = a.end + fold.end()
        return _number(
            text, a.start, end, a.value, a.value, a.value, hedge, hedge_text, "fold", a
        ), 1
    if b is not None and a.value is not None and b.value is not None and a.kind == b.kind:
        between = text[a.end : b.start]
        is_between = re.search(r"\bbetween\s*$", text[max(0, a.start - 12) : a.start], re.I)
        if _RANGE_SEP.match(between) or (is_between and re.fullmatch(r"\s+and\s+", between)):
            low, high = a.value, b.value
            if b.has_scale and not a.has_scale and low < high / 100:
                low *= 1000.0 ** int(math.log10(high) // 3)  # "twenty and thirty thousand"
            if low < high:
                return _number(
                    text, a.start, b.end, low, None, high, "range", hedge_text, a.kind, a
                ), 2
    if _AFTER_AT_LEAST.match(after):
        hedge = "at_least"
    value = a.value
    return _bounded(text, a, value, hedge, hedge_text), 1


def _bounded(text: str, a: _Atom, value: float | None, hedge: str, hedge_text: str) -> Number:
    low = None if hedge == "at_most" else value
    high = None if hedge == "at_least" else value
    return _number(text, a.start, a.end, low, value, high, hedge, hedge_text, a.kind, a)


def _number(
    text: str,
    start: int,
    end: int,
    low,
    best,
    high,
    hedge: str,
    hedge_text: str,
    kind: str,
    a: _Atom,
) -> Number:
    return Number(start, end, text[start:end], low, best, high, hedge, hedge_text, kind, a.is_word)
