"""What surrounds a number: side, place and theatre scope, and who said it.

Rules read the sentence around a span; lexicons (places, theatres) are data files. No NER model is
installable here (see the notes), so attribution uses reporting-verb patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from salient import lexicon
from salient.extract import gazetteer

# Cue words are data (data/claim_cues.csv): these templates keep the grammar around a {set}.
CUE_TEMPLATES: dict[str, tuple[str, int]] = {
    # A side word that names who reports ("Russia's defence ministry said") is a source, not a
    # subject.
    "source_after_side": (
        r"^(?:'s)?\s+(?:(?:{source_modifier})\s+)*(?:{source_noun})\b",
        re.IGNORECASE,
    ),
    "reporting_verb": (r"\b(?:{reporting_verb})\b", 0),
    "said_name": (
        r"\b(?:{said_name_verb})\s+(?P<src>(?:[A-Z][\w'-]+\s?){1,4})(?=[,.;]|$)",
        0,
    ),
}


def _cue(name: str) -> re.Pattern:
    """The compiled regex of a CUE_TEMPLATES entry (compiled once, on first use)."""
    return lexicon.cue_regex(*CUE_TEMPLATES[name])


OPPONENT = {"UA": "RU", "RU": "UA", "KP": "UA"}

_ACCORDING = re.compile(
    r"\b(?:according to|as per|per)\s+(?P<src>(?:[^,.;:'\"“”‘’]|['’]s\b)+?)"
    r"(?=[,.;:\"“”‘]|['’](?!s\b)|\s+on\b|\s+that\b|$)",
    re.I,
)
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being)\s*$")
_REDUCED_PASSIVE = re.compile(r"(?<=,\s)(?:estimated|put|believed|reported)\s+(?:at|to)\b")
_RELATIVE_SOURCE = re.compile(r"\b(?:that|which|where|whom)\s+$")
# A headline that ends by naming its source: "Russia masses 100,000 troops: Zelensky",
# "Ukrainian forces advance in Kursk – ISW" (a name or acronym after a colon or spaced dash).
_HEADLINE_SOURCE = re.compile(r"(?::|\s[–—-])\s+(?P<src>(?:[A-Z][\w'’.-]*\s?){1,3})\s*$")
_DETERMINER_BEFORE = re.compile(r"\b(?:an|a|the)\s+$", re.I)
_RELATIVE = re.compile(r"\s*(?:which|who)\b", re.I)
_NAME_AT_END = re.compile(r"((?:[A-Z][\w'’-]+\s?){2,4})$")
_LEADING_TIME = re.compile(
    r"^(?:(?:on|by|in|a day earlier|earlier|later)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|yesterday|today|tonight)\s+",
    re.I,
)
_ADVERBS = re.compile(r"(?:\s+(?:now|also|previously|still|initially))+$", re.I)
_PRONOUN = re.compile(r"^(?:he|she|they|it|the ministry|the source|the agency)$", re.I)
_STRIP = re.compile(r"^(?:the|a|an|and|but|while|on|in|some|as|according to)\s+", re.I)


@dataclass(frozen=True, slots=True)
class Theatre:
    """The theatre an analysis is about: its data row (regions, centre, area) and default holder."""

    name: str
    default_holder: str
    spec: gazetteer.TheatreSpec


@cache
def load_theatre(name: str) -> Theatre:
    """The named theatre of data/theatres.csv; UnknownTheatreError (listing the known ones) else."""
    spec = gazetteer.theatre_spec(name)
    return Theatre(spec.name, spec.default_holder or "unknown", spec)


def places_in(text: str, theatre: str | None = None) -> list[tuple[int, str, str]]:
    """(offset, place, label) for each place named in `text`: the label is the theatre's name
    when any place of that name lies in `theatre` (GeoNames, data/place_names.csv), else the
    region the name most likely means ("Donetsk Oblast, UA")."""
    spec = load_theatre(theatre).spec if theatre else None
    out = []
    for mention in gazetteer.find_places(text):
        if _names_a_government(text, mention.start, mention.end):
            continue
        inside = spec is not None and gazetteer.in_theatre(mention, spec)
        label = spec.name if inside and spec is not None else gazetteer.region_of(mention)
        out.append((mention.start, mention.surface, label))
    return out


@cache
def side_lexicon() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """Side words from data/sides.csv (demonyms, capitals, acronyms, leaders' possessives, the
    pejoratives each side uses for the other, "the enemy") and the masks of data/side_masks.csv
    ("South Korean" never reads as North Korean). Capitalised terms match case-sensitively."""
    rows = lexicon.data_rows("sides.csv")
    side_of: dict[str, str] = {}
    parts = []
    for r in sorted(rows, key=lambda r: len(r["term"]), reverse=True):
        term = r["term"]
        side_of[term.lower()] = r["side"]
        body = re.escape(term) if term[0].isupper() else f"(?i:{re.escape(term)})"
        tail = r"(?:'s|’s)" if r["form"] == "possessive" else r"(?:'s|’s)?"
        parts.append(rf"\b{body}{tail}(?![\w-])")
    masks = [re.escape(r["term"]) for r in lexicon.data_rows("side_masks.csv")]
    mask = re.compile(r"\b(?:%s)(?:'s|’s)?\b" % "|".join(sorted(masks, key=len, reverse=True)))
    return re.compile("|".join(parts)), mask, side_of


def _side_of_match(text: str, side_of: dict[str, str]) -> str:
    return side_of[re.sub(r"(?:'s|’s)$", "", text).lower()]


@cache
def _locatives() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in lexicon.data_rows("locatives.csv"))


def _names_a_government(text: str, start: int, end: int) -> bool:
    """'Kyiv says', 'Moscow's forces': a capital that is a side word (data/sides.csv) is a place
    only after a locative word ('in Kyiv', 'over Moscow')."""
    _, _, side_of = side_lexicon()
    if text[start:end].lower() not in side_of:
        return False
    before = text[max(0, start - 12) : start].split()
    return not (before and before[-1].lower() in _locatives())


def side_mentions(text: str, *, sources: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, side) of side words that name a party, or with `sources`, a reporting source.

    "The enemy" is the opponent of the reporting source named before it in `text`, and "its
    forces" / "our troops" are that source's own side; with no such source they are dropped.
    """
    return list(_side_mentions(text, sources))


@lru_cache(maxsize=64)
def _side_mentions(text: str, sources: bool) -> tuple[tuple[int, int, str], ...]:
    """Memoized: a sentence is asked about once per number in it, which made long sentences
    quadratic."""
    pattern, mask, side_of = side_lexicon()
    masked = mask.sub(lambda m: "#" * len(m.group(0)), text)
    out = []
    reporter: str | None = None
    for m in pattern.finditer(masked):
        side = _side_of_match(m.group(0), side_of)
        is_source = bool(_cue("source_after_side").match(masked[m.end() :]))
        if is_source and side in OPPONENT:
            reporter = side
        if is_source != sources:
            continue
        if side in ("enemy", "own"):
            if reporter is None:
                continue
            side = OPPONENT[reporter] if side == "enemy" else reporter
        out.append((m.start(), m.end(), side))
    return tuple(out)


def opponent(side: str | None) -> str | None:
    """The other party: UA for RU and KP, RU for UA."""
    return OPPONENT.get(side or "")


def source_side_before(text: str, pos: int) -> str | None:
    """The side of the nearest reporting source before `pos` ("Russian military bloggers said")."""
    before = [side for s, _, side in side_mentions(text, sources=True) if s < pos]
    return before[-1] if before else None


def side_after(text: str, start: int, end: int) -> str | None:
    """A side word in the noun phrase right after a number ("70,000 Russian troops")."""
    for s, _, side in side_mentions(text):
        if start <= s < end:
            return side
    return None


def side_before(text: str, pos: int) -> str | None:
    """The nearest side word before `pos`."""
    before = [side for s, _, side in side_mentions(text) if s < pos]
    return before[-1] if before else None


def attribution(sentence: str, pos: int) -> str:
    """Who the sentence says the number at `pos` comes from; "" if nobody, "<pronoun>" for he/she."""
    cleaned = _sources_named(sentence)
    if not cleaned:
        return ""
    before = [(p, s) for p, s, _ in cleaned if p <= pos]
    if before:
        return before[-1][1]
    # A source after the number frames it (", the ministry said"), unless it speaks inside a
    # relative clause about something else ("..., a strip that Kyiv says it will defend").
    after = [s for p, s, _ in cleaned if not _RELATIVE_SOURCE.search(sentence, 0, p)]
    return after[0] if after else ""


def names_a_report(text: str) -> bool:
    """Whether `text` holds a reporting verb ("said", "told", "claimed", ...)."""
    return _cue("reporting_verb").search(text) is not None


def speaker(sentence: str) -> str:
    """Who a later "he said" can mean: the last subject of a reporting verb in the sentence
    ("Gerasimov reported ..., according to TASS" → Gerasimov), else its "according to" source."""
    cleaned = _sources_named(sentence)
    subjects = [s for _, s, by_verb in cleaned if by_verb]
    return subjects[-1] if subjects else (cleaned[-1][1] if cleaned else "")


@lru_cache(maxsize=64)
def _sources_named(sentence: str) -> tuple[tuple[int, str, bool], ...]:
    """(offset, source, named as a verb's subject) of every source the sentence names, in text
    order; memoized, as `attribution` is asked once per number in the sentence."""
    if (
        not _cue("reporting_verb").search(sentence)
        and "ccording" not in sentence
        and "per " not in sentence
        and not _HEADLINE_SOURCE.search(sentence)
    ):
        return ()  # cheap exit: most sentences name no source
    candidates: list[tuple[int, str, bool]] = []
    for m in _ACCORDING.finditer(sentence):
        candidates.append((m.start(), m.group("src"), False))
    for m in _cue("said_name").finditer(sentence):
        candidates.append((m.start(), m.group("src"), True))
    headline = _HEADLINE_SOURCE.search(sentence)
    if headline and not gazetteer.find_places(headline.group("src")):
        candidates.append((headline.start("src"), headline.group("src"), True))
    for m in _cue("reporting_verb").finditer(sentence):
        if (
            _PASSIVE_BEFORE.search(sentence, 0, m.start())
            or _REDUCED_PASSIVE.match(sentence, m.start())
            or _DETERMINER_BEFORE.search(sentence, 0, m.start())
        ):
            continue  # "is put at", "troops, estimated at 12,000,", "an estimated 50,000"
        parts = re.split(r"[,;:\"“”‘’—]", sentence[max(0, m.start() - 120) : m.start()])
        while len(parts) > 1 and not parts[-1].strip():
            parts.pop()  # "Name, the role, said": the comma right before the verb
        chunk = _ADVERBS.sub("", parts[-1].rstrip())
        if _RELATIVE.match(chunk) and len(parts) > 1:
            # "..., the agency, which says": the antecedent; "A commander, who asked not to be
            # named, said": the relative clause is an aside, the subject comes before it
            chunk = parts[-2].rstrip()
        appositive = _appositive_name(parts)
        if appositive:  # "Alexei Smirnov, the acting governor, said"
            candidates.append((m.start() - len(chunk), appositive, True))
            continue
        if len(chunk.strip()) >= 2:
            subject = _last_clause(chunk)
            where = sentence.rfind(subject.strip(), 0, m.start())  # the subject itself
            candidates.append((where if where >= 0 else m.start() - len(chunk), subject, True))
    cleaned = sorted((p, clean_source(s), by_verb) for p, s, by_verb in candidates)
    return tuple(c for c in cleaned if c[1])


_QUOTE_OPEN = '“"'
_CLOSING_VERBS = (
    r"(?:said|says|added|stated|wrote|told|reported|noted|emphasi[sz]e[sd]|stressed|stresses|"
    r"explained|explains|insisted|insists|warned|warns|continued|concluded)\b"
)
_QUOTE_CLOSE_SAID = re.compile(
    r"[”\"]\s*,?\s*(?:(?P<src>(?:the\s+)?[\w'’ -]{1,60}?)\s+"
    + _CLOSING_VERBS
    + "|"
    + _CLOSING_VERBS
    + r"\s+(?P<named>(?:[A-Z][\w'’-]+\s?){1,4}))"  # '," said Ivan Petrenko'
)


_CONTINUED_SAID = re.compile(
    r"^\s*,\s*(?P<src>(?:the\s+)?[\w'’ -]{1,60}?)\s+"
    r"(?:said|says|added|stated|wrote|told|reported|noted)\b"
)


def quote_sources(sentences: list[str]) -> dict[int, str]:
    """Sources of multi-sentence quotations: '"A. B. C," the ministry said' gives every sentence
    of the quotation (A, B and C) that source, not only the one the attribution closes."""
    out: dict[int, str] = {}
    opened: int | None = None
    for i, text in enumerate(sentences):
        tail = _CONTINUED_SAID.match(text)
        if (
            tail and i > 0
        ):  # "... 226 tanks\n, the ministry added.": a line break split the sentence
            source = clean_source(tail.group("src"))
            if source:
                out[i - 1] = source
        opens = sum(text.count(q) for q in _QUOTE_OPEN if q != '"') + text.count('"') % 2
        closes = text.count("”")
        if opened is None and opens > closes and (text.lstrip()[:1] in _QUOTE_OPEN):
            opened = i
        m = _QUOTE_CLOSE_SAID.search(text)
        if opened is not None and m:
            source = clean_source(m.group("src") or m.group("named"))
            if source:
                out.update(dict.fromkeys(range(opened, i + 1), source))
            opened = None
    return out


def resolve_reference(source: str, named: list[str]) -> str:
    """'ministry' (from "the ministry said") → the last named source with that head noun
    ('Russian Defence Ministry'); a source that is already a name is returned as it is."""
    if not source or source[0].isupper() or len(source.split()) > 2:
        return source
    head = source.split()[-1].lower()
    for name in reversed(named):
        if name.split()[-1].lower() == head and len(name.split()) > len(source.split()):
            return name  # a fuller name with the same head noun, not the same word capitalised
    return source


@cache
def _relay_cues() -> tuple[re.Pattern, dict[str, str]]:
    """data/relay_cues.csv: words that say a text passes on another's report, and whether the
    phrase after them names the report's origin ("citing X") or the outlet relaying it
    ("reported by X")."""
    rows = lexicon.data_rows("relay_cues.csv")
    cues = "|".join(re.escape(r["cue"]) for r in sorted(rows, key=lambda r: -len(r["cue"])))
    # The phrase runs to punctuation or to the next cue ("reported by X with reference to Y").
    pattern = rf"\b(?P<cue>{cues})\s+(?P<src>(?:(?!\b(?:{cues})\b)[^,.;:\"“”(])+)"
    return re.compile(pattern, re.I), {r["cue"].lower(): r["names"] for r in rows}


def _relays(lead: str) -> list[tuple[str, str]]:
    """(what the phrase names, source) for each relay cue of the lead followed by a source."""
    pattern, names = _relay_cues()
    found = []
    for m in pattern.finditer(lead):
        source = clean_source(m.group("src"))
        if source and source != "<pronoun>":
            found.append((names[" ".join(m.group("cue").lower().split())], source))
    return found


def relays_a_report(lead: str) -> bool:
    """Whether an article's lead says it passes on someone else's report ("..., citing the
    commander", "This was reported by X with reference to Y"); "citing drone footage" names no
    source and does not count. Such a report carries the statement some time after it was
    made, so the publication day does not pin the claim's day."""
    return bool(_relays(lead))


def relayed_source(lead: str) -> str:
    """Whom a relayed report passes on ("..., citing the army chief", "with reference to X"):
    the source of the figures the article gives without naming one."""
    return next((source for names, source in _relays(lead) if names == "origin"), "")


def opening_attribution(sentence: str) -> str:
    """The source of a sentence that opens with "According to X," (it frames what follows)."""
    m = _ACCORDING.match(sentence)
    return clean_source(m.group("src")) if m else ""


def _appositive_name(parts: list[str]) -> str:
    """'Name, role of X,' before a verb: the name, when the last part is a lower-case role."""
    if len(parts) < 2 or not parts[-1].strip():
        return ""
    role = parts[-1].strip()
    if not (role[0].islower() or role.lower().startswith(("the ", "a ", "an "))):
        return ""
    name = _NAME_AT_END.search(parts[-2].strip())
    return name.group(1).strip() if name else ""


def _last_clause(chunk: str) -> str:
    """The subject before the verb: after the last conjunction, but before a relative clause
    ("officials who spoke on condition of anonymity said" → "officials")."""
    relative = re.search(r"\s(?:who|which)\s", chunk)
    if relative and relative.start() > 0:
        chunk = chunk[: relative.start()]
    parts = re.split(r"\b(?:that|and|but|when|as|after|while|with)\b", chunk)
    return parts[-1] if parts[-1].strip() else chunk


@cache
def source_aliases() -> tuple[re.Pattern, dict[str, str]]:
    """data/source_aliases.csv: spellings and transliterations of one source → its usual name."""
    rows = lexicon.data_rows("source_aliases.csv")
    canonical = {r["variant"].lower(): r["canonical"] for r in rows}
    names = sorted(canonical, key=len, reverse=True)
    return re.compile(r"\b(?:%s)\b" % "|".join(re.escape(n) for n in names), re.I), canonical


def canonical_source(src: str) -> str:
    """'Oleksandr Syrsky' → 'Oleksandr Syrskyi', "Russia's defense ministry" → 'Russian Defence
    Ministry': one name per source, so tables group and compare sources correctly."""
    pattern, canonical = source_aliases()
    return pattern.sub(lambda m: canonical[m.group(0).lower()], src)


def clean_source(src: str) -> str:
    """A source phrase trimmed to its noun phrase; "" for the author, "<pronoun>" for he/she/they."""
    return canonical_source(_trimmed_source(src))


def _trimmed_source(src: str) -> str:
    src = re.sub(r"[*_#]+|^\s*\d+/\s*", " ", src).strip(" '\"“”‘’")
    src = _LEADING_TIME.sub("", src)
    for _ in range(3):
        src = _STRIP.sub("", src).strip()
    src = re.sub(r"\s+(?:on|in|during|at)\s+.*$", "", src)
    src = re.sub(r",?\s+(?:such as|including|among them)\s+.*$", "", src)  # examples of a group
    src = re.sub(r"\s+(?:has|have|had|is|was|were|will|would|also|now)$", "", src)
    words = src.split()
    if len(words) > 8 and _NAME_AT_END.search(src):  # "the commander of the ... Ivan Petrenko"
        words = _NAME_AT_END.search(src).group(1).split()
        _, _, side_of = side_lexicon()
        while len(words) > 2 and words[0].lower() in side_of:
            words = words[1:]  # "... of the Armed Forces of Ukraine Oleksandr Syrskyi"
        src = " ".join(words)
    if not words or len(words) > 8:
        return ""
    if _PRONOUN.match(src):
        return "<pronoun>"
    if re.search(r"(?:^|\s)(?:I|we|We|my|My|our|Our)(?:\s|$)", src):
        return ""  # the author speaking: not an outside source
    if src[0].islower() and not re.search(
        r"ministry|officials?|sources?|analysts?|bloggers?|experts?|intelligence|reports?|officers?|aides?|"
        r"commanders?|maps|agency|authorities|researchers|mappers|engineers|think tank|institute|group|"
        r"service|guards?|journalists?|editors?|"
        r"observers|monitors|correspondents?|governors?|spokes\w+",
        src,
        re.I,
    ):
        return ""
    if re.fullmatch(r"(?:it|this|there|which|what|they)", src, re.I):
        return ""
    return src
