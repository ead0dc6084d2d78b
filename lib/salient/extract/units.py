"""Unit spellings → canonical unit and factor, and count nouns → unit and category.

Spellings and factors are data (data/units.csv, data/nouns.csv); a test checks every factor against
pint, which is too slow per match (10-60 µs) and lacks "km2" to be used at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from salient import lexicon


@dataclass(frozen=True, slots=True)
class UnitSpelling:
    spelling: str
    unit: str
    factor: float
    pint_unit: str
    category: str


@cache
def unit_spellings() -> dict[str, UnitSpelling]:
    """Every spelling in data/units.csv, lower-cased."""
    return {
        r["spelling"].lower(): UnitSpelling(
            r["spelling"], r["unit"], float(r["factor"]), r["pint_unit"], r["category"]
        )
        for r in lexicon.data_rows("units.csv")
    }


@cache
def unit_pattern() -> re.Pattern:
    """A unit right after a number: "640 square kilometers", "25-km", "12%"."""
    names = sorted(unit_spellings(), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(rf"^(?:\s*-\s*|\s?)(?P<unit>{alternation})(?![\w²])", re.IGNORECASE)


@cache
def nouns() -> dict[str, tuple[str, str]]:
    """Count noun (lower-case) → (unit, category)."""
    return {r["noun"].lower(): (r["unit"], r["category"]) for r in lexicon.data_rows("nouns.csv")}


@cache
def noun_pattern() -> re.Pattern:
    """A count noun within a few words after a number ("3,500 Russian troops")."""
    names = sorted(nouns(), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"^(?:[\s-]+(?:of\s+)?(?:[A-Za-z'’-]+\s+){{0,4}}?)(?P<noun>{alternation})\b", re.IGNORECASE
    )


def unit_after(text: str) -> tuple[UnitSpelling, int] | None:
    """The unit spelled at the start of `text` and where it ends."""
    m = unit_pattern().match(text)
    if not m:
        return None
    return unit_spellings()[m.group("unit").lower()], m.end()


def noun_after(text: str) -> tuple[str, str, int] | None:
    """(unit, category, end) of the count noun a few words into `text`, if any."""
    m = noun_pattern().match(text)
    if not m or re.search(r"\d|[,.;:]", text[: m.start("noun")]):
        return None
    unit, category = nouns()[m.group("noun").lower()]
    return unit, category, m.end()


def noun_phrase_unit(phrase: str) -> tuple[str, str] | None:
    """(unit, category) of a counted noun phrase from the parse, by its longest known ending:
    "armored personnel carriers" → vehicles, not the "personnel" a word window would see."""
    words = phrase.split()
    lexicon = nouns()
    for i in range(len(words)):
        found = lexicon.get(" ".join(words[i:]).lower())
        if found:
            return found
    return None


@cache
def _noun_before_pattern() -> re.Pattern:
    names = sorted(nouns(), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    # "motorcycles and ATVs - 61": the first of two coordinated labels names the unit
    return re.compile(
        rf"\b(?P<noun>{alternation})(?:\s+(?:and|&)(?:\s+[\w-]+){{1,2}})?\s*(?:-|–|—|:)\s*$",
        re.IGNORECASE,
    )


def noun_before(text: str) -> tuple[str, str] | None:
    """(unit, category) of an inventory label right before a number ("tanks - 14", "MLRS: 5")."""
    tail = text[-60:]
    if not tail.rstrip().endswith(("-", "–", "—", ":")):
        return None  # fast exit, same answer: the pattern ends with one of these marks
    m = _noun_before_pattern().search(tail)
    return nouns()[m.group("noun").lower()] if m else None
