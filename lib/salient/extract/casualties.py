"""Whether a count of persons is a casualty figure, of which kind, and whose.

Decided on the parse (`salient.extract.syntax.NumberFrame`) with the cue words of
data/casualty_cues.csv: the counted noun ("casualties", "prisoners"), participles on it ("soldiers
killed and wounded"), the governing verb and the number's role for it ("killed 900 soldiers": the
object is the victim; "900 soldiers died": the subject is), or a subject that names losses
("losses ... amounted to 1,120 troops").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from salient import lexicon
from salient.extract.syntax import NumberFrame

# The number's role for the verb that makes it a casualty count, by the cue's `victim` column:
# "object" verbs inflict (killed 900 soldiers; 900 soldiers were killed), "subject" verbs befall
# (900 soldiers died), "owner" verbs report a loss of the subject's (X lost 900 soldiers).
_CASUALTY_ROLES = {
    "object": ("object", "passive_subject"),
    "subject": ("subject",),
    "owner": ("object", "oblique"),
}


@dataclass(frozen=True, slots=True)
class Cue:
    kind: str
    victim: str  # for verbs: "object" (kill, capture) or "subject" (die, lose); "" for nouns


@cache
def cues() -> tuple[dict[str, Cue], dict[str, Cue]]:
    """(noun cues, verb cues) from data/casualty_cues.csv, keyed by lower-case lemma."""
    nouns, verbs, _ = _cue_table()
    return nouns, verbs


@cache
def aggregates() -> frozenset[str]:
    """Nouns that total what a participle names ("the number of soldiers killed")."""
    return _cue_table()[2]


@cache
def _cue_table() -> tuple[dict[str, Cue], dict[str, Cue], frozenset[str]]:
    rows = lexicon.data_rows("casualty_cues.csv")
    nouns = {r["cue"].lower(): Cue(r["kind"], "") for r in rows if r["role"] == "noun"}
    verbs = {r["cue"].lower(): Cue(r["kind"], r["victim"]) for r in rows if r["role"] == "verb"}
    totals = frozenset(r["cue"].lower() for r in rows if r["role"] == "aggregate")
    return nouns, verbs, totals


def casualty_kind(frame: NumberFrame) -> str:
    """The kind of casualty a count of persons is, or "" when it is not one.

    >>> from salient.extract.syntax import parse, frame_for
    >>> doc = parse(["Some 40 soldiers were captured near the river."])[0]
    >>> casualty_kind(frame_for(doc, 5, 7))
    'captured'
    """
    nouns, verbs = cues()
    if frame.noun in nouns:
        return nouns[frame.noun].kind
    on_noun = _kinds(frame.modifiers, nouns, verbs)
    if on_noun:
        return _combine(on_noun)
    verb = verbs.get(frame.verb)
    if verb and frame.role in _CASUALTY_ROLES[verb.victim]:
        return verb.kind
    if frame.role in ("subject", "passive_subject"):  # "were taken prisoner", "are dead"
        states = _kinds(frame.complements, nouns, {})
        if states:
            return _combine(states)
    if frame.role in ("object", "oblique", "other") and frame.subject_words:
        words = frame.subject_words
        in_subject = _kinds(words, nouns, {})
        if not in_subject and aggregates().intersection(words):
            in_subject = _kinds(words, {}, verbs)
        if in_subject:
            return _combine(in_subject)
    return ""


def victim_is_opponent_of_subject(frame: NumberFrame) -> bool:
    """True when the verb's subject inflicted the casualties ("X killed 900 soldiers")."""
    _, verbs = cues()
    verb = verbs.get(frame.verb)
    return bool(verb and verb.victim == "object" and frame.role == "object")


def victim_is_subject(frame: NumberFrame) -> bool:
    """True when the verb's subject suffered them ("X lost 900 soldiers", "X's losses reached")."""
    nouns, verbs = cues()
    verb = verbs.get(frame.verb)
    if verb and verb.victim == "owner" and frame.role in _CASUALTY_ROLES["owner"]:
        return True
    return frame.role in ("object", "oblique", "other") and bool(
        _kinds(frame.subject_words, nouns, {})
    )


def kind_in_text(text: str) -> str:
    """The casualty kind that the cue words of a stretch of text name ("killed or wounded")."""
    nouns, verbs = cues()
    words = tuple(w.strip(".,;:()\"'").lower() for w in text.split())
    forms = {"killed": "kill", "wounded": "wound", "captured": "capture", "died": "die"}
    return _combine(_kinds(tuple(forms.get(w, w) for w in words), nouns, verbs) or ["losses"])


def _kinds(words: tuple[str, ...], nouns: dict[str, Cue], verbs: dict[str, Cue]) -> list[str]:
    found = [nouns[w].kind for w in words if w in nouns]
    found += [verbs[w].kind for w in words if w in verbs and verbs[w].victim != "owner"]
    return found


def _combine(kinds: list[str]) -> str:
    """'killed and wounded' is killed_or_wounded; one kind stays itself."""
    distinct = sorted(set(kinds))
    if distinct == ["killed", "wounded"]:
        return "killed_or_wounded"
    return distinct[0] if len(distinct) == 1 else "losses"
