"""The data files of lib/salient/data, read once, and cue-word sets compiled into regexes.

Cue words that decide a category, a side, a measure or a scope are data an analyst can edit
(data/claim_cues.csv and its README), not regexes in code. Code keeps only the grammar around
them: a template such as ``r"\\b(?:{territory_loss_verb})\\b"`` names a cue set in braces, and
`cue_regex` fills in that set's phrases. A phrase is matched literally, word for word, except that
a trailing ``*`` on a word makes it a stem (``recaptur*`` = recapture, recaptured, recapturing).
Phrases keep their row order in the alternation: where two phrases of a set match at the same
place, the earlier row wins (the matched text can decide a side, e.g. "lost" vs "took back").
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from importlib.abc import Traversable

DATA: Traversable = resources.files("salient.data")  # tests point it at an edited copy
CLAIM_CUES = "claim_cues.csv"
_SET_NAME = re.compile(r"\{([a-z][a-z0-9_]*)\}")  # "{0,2}" stays a regex quantifier


@cache
def data_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of data/`name` (a CSV with a header line), read once per process."""
    with DATA.joinpath(name).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def cue_sets(name: str = CLAIM_CUES) -> dict[str, tuple[str, ...]]:
    """Cue set name → its phrases in file order, from a file with `cue` and `phrase` columns."""
    sets: dict[str, list[str]] = {}
    for row in data_rows(name):
        phrase = " ".join(row["phrase"].split())
        if phrase:
            sets.setdefault(row["cue"].strip(), []).append(phrase)
    return {cue: tuple(phrases) for cue, phrases in sets.items()}


def phrase_pattern(phrase: str) -> str:
    """One phrase as a regex: its words literally, one space between, `word*` a word stem.

    >>> phrase_pattern("recaptur*"), phrase_pattern("won back")
    ('recaptur\\\\w*', 'won back')
    """
    words = phrase.split(" ")
    return " ".join(
        re.escape(w[:-1]) + r"\w*" if w.endswith("*") and len(w) > 1 else re.escape(w)
        for w in words
    )


def set_names(template: str) -> list[str]:
    """The cue sets a template names, in order ("{casualty}" → ["casualty"])."""
    return _SET_NAME.findall(template)


@cache
def cue_regex(template: str, flags: int = re.IGNORECASE, name: str = CLAIM_CUES) -> re.Pattern:
    """`template` with each ``{set}`` replaced by that set's phrases as an alternation, compiled.

    >>> land_after = cue_regex(r"\\s+(?:{land_noun})\\b")
    >>> bool(land_after.match(" Territory")), bool(land_after.match(" territorial"))
    (True, False)

    A set missing from the file is a KeyError naming it (a renamed row must not silently
    match nothing)."""
    sets = cue_sets(name)

    def alternation(match: re.Match) -> str:
        cue = match.group(1)
        if cue not in sets:
            raise KeyError(f"cue set {cue!r} is not in data/{name}")
        return "|".join(phrase_pattern(p) for p in sets[cue])

    return re.compile(_SET_NAME.sub(alternation, template), flags)


def clear_caches() -> None:
    """Forget what was read, so an edited data file is read again (tests, notebooks)."""
    for cached in (data_rows, cue_sets, cue_regex):
        cached.cache_clear()
