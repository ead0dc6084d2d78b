"""One article → its claims: the pure per-article step that caching and parallel runs call.

`extract_article(article, theatre)` depends only on the article, its metadata and the data files.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from salient import lexicon
from salient.dates import (
    DateMention,
    find_dates,
    is_dateline,
    month_interval,
    shifted_dates,
    to_iso,
)
from salient.extract import casualties, context, plausibility, scope, syntax, units
from salient.extract.numbers import Number, find_numbers
from salient.ingest.sentences import split_sentences
from salient.model import Article, Sentence
from salient.schemas import CLAIMS

CLAIM_COLUMNS = list(CLAIMS.columns)  # the order of a claim row

# Cue words that decide a category, side or measure are data (data/claim_cues.csv, see its
# README): each template keeps only the grammar around a {set} of that file (salient.lexicon).
CUE_TEMPLATES: dict[str, tuple[str, int]] = {
    "casualty": (r"\b(?:{casualty})\b", re.I),
    "civilian": (r"\b(?:{civilian})\b", re.I),
    "force": (r"\b(?:{force})\b", re.I),
    "loss_verb": (r"\b(?:{territory_loss_verb})\b", re.I),
    "gain_verb": (r"\b(?:{territory_gain_verb})\b", re.I),
    # "30 percent of the territory": a percentage of ground
    "territory_of": (
        r"^\s+of\s+(?:the\s+|its\s+|that\s+)?(?:\w+\s+){0,2}?(?:{territory_noun})\b",
        re.I,
    ),
    # "... were retaken", "... of that loss": ground after the number was lost
    "passive_loss": (
        r"^[^,.;]{0,45}?\b(?:were|was|had been|have been|has been|are)\s+(?:\w+\s+)?"
        r"(?:{passive_loss_participle})\b|^[^,.;]{0,25}?\b(?:{loss_back_reference})\b",
        re.I,
    ),
    "land_after": (r"\s+(?:{land_noun})\b", re.I),  # "Russian territory": whose land, not who
    "into_before": (r"\b(?:{entry_preposition})\s+$", re.I),  # "crossed into Russia"
    "destroy_verb": (r"\b(?:{destroy_verb})\b", re.I),
    "topic_shift": (r"^(?:{topic_shift})\b", 0),  # case-sensitive: a sentence opener
    # A running total ("since the onset of hostilities", "since then") is as of the day it is
    # told, not as of the date the count started from, which an earlier sentence may give.
    "cumulative": (r"\b(?:{cumulative})\b", re.I),
    "outnumbered": (r"\b(?:{outnumbered})\b", re.I),
    # "..., a senior Russian general claimed": a source described, named in the next sentence
    "described_source": (
        r"\b(?:a|an)\s+(?:[\w-]+\s+){0,3}?(?:{described_source_role})\s+"
        r"(?:{described_source_verb})\b",
        0,
    ),
    # "X had claimed that ...": a statement made some time before the report, on a day it does
    # not give; like a relayed report, only the publication month dates it.
    "earlier_statement": (
        r"\bhad\s+(?:earlier\s+|previously\s+)?(?:{earlier_statement_verb})\b",
        0,
    ),
}


def _cue(name: str) -> re.Pattern:
    """The compiled regex of a CUE_TEMPLATES entry (compiled once, on first use)."""
    template, flags = CUE_TEMPLATES[name]
    return lexicon.cue_regex(template, flags)


_CLAUSE_BREAK = re.compile(r";|\s—\s|,\s+(?:while|but|and|with)\s|\band that\b")
# How far back "the paragraph so far" reaches for a side word: a few sentences. Unbounded, a
# one-line 1 MB page made every number rescan the whole page before it.
PARAGRAPH_LOOKBACK_CHARS = 5000
TABLE_MIN_NUMBERS = 8  # a prose sentence has few numbers, each among several words (seeds: 3)
_WORDS = re.compile(r"[^\W\d_]{2,}")
_LIST_ITEM = re.compile(r"\s*(?:[-*•–—·]|\d{1,3}[.)])\s")
_NAME_AFTER_ROLE = re.compile(r"\s[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*$")
# "Kyiv, August 13 — ", "KYIV, Aug 14 (Wire) - ": a place and day before the story's first dash
_DATELINE_DASH = re.compile(r"[^—–]{1,60}?\b\d{1,2}(?:\s*\([^()]{1,40}\))?(\s[—–-]\s)")
_COMMA = re.compile(r",(?!\d)")  # not the comma of "2,700"
_AS_OF_TAIL = re.compile(r",\s*(?:as of|as at|by|on)\s*$", re.I)
LEAD_MIN_WORDS = 8  # a shorter first line is a headline, byline or stamp, not the lead


@dataclass(frozen=True, slots=True)
class _Unit:
    unit: str
    category: str
    factor: float = 1.0
    end: int = 0  # absolute end of the unit words, 0 if none written


def extract_article(article: Article, theatre: str = "Kursk") -> pd.DataFrame:
    """All quantitative claims of one article, in CLAIMS column order.

    Validation against the schema happens once per corpus (pipeline), not per article: pandera
    costs ~25 ms a call, more than the extraction itself.
    """
    return pd.DataFrame(claim_rows(article, theatre), columns=CLAIM_COLUMNS)


def claim_rows(article: Article, theatre: str = "Kursk") -> list[tuple]:
    """`extract_article`'s rows as tuples in CLAIMS column order, by span: what the pipeline
    caches and concatenates (a pandas frame per article cost a tenth of the extraction)."""
    rows = sorted(_claim_dicts(article, theatre), key=lambda r: (r["char_start"], r["char_end"]))
    return [tuple(row.get(column) for column in CLAIM_COLUMNS) for row in rows]


def _claim_dicts(article: Article, theatre: str) -> list[dict]:
    th = context.load_theatre(theatre)
    reference = _reference_date(article)
    rows: list[dict] = []
    speaker = ""
    named: list[str] = []  # sources named so far, for "the ministry" further on
    sections = [
        (section, sentences, [_claimable_numbers(sent.text) for sent in sentences])
        for section in article.sections or ()
        for sentences in [split_sentences(article.text, section.start, section.end)]
    ]
    parsed = _parse_with_numbers(sections)
    lead = _lead(sections)
    relayed = context.relays_a_report(lead)
    relayed_from = context.relayed_source(lead) if relayed else ""
    drone_side = ""  # whose drones the last drone count with a side counted
    last_day: DateMention | None = None  # the anchor of "a day earlier", "the next day"
    unnamed: list[dict] = []  # claims a "senior general" made, whom the next sentence may name
    for (section, sentences, numbers_in), docs in zip(sections, parsed, strict=True):
        heading_place: tuple[str, str] | None = None
        para_dates: dict[int, DateMention] = {}
        para_place: dict[int, tuple[str, str]] = {}
        para_starts: dict[int, list[int]] = {}  # sentence starts, by paragraph
        para_source: dict[int, str] = {}
        listed = _ListSource()
        quoted = context.quote_sources([sent.text for sent in sentences])
        for k, (sent, numbers, doc) in enumerate(zip(sentences, numbers_in, docs, strict=True)):
            heading_place = _heading(sent, th.name) or heading_place
            all_dates = sorted(
                find_dates(sent.text, reference) + shifted_dates(sent.text, last_day),
                key=lambda d: d.start,
            )
            dates = [
                d
                for d in all_dates
                if d.relation not in ("since", "until") and not is_dateline(sent.text, d)
            ]
            places = _places_outside_sources(context.places_in(sent.text, th.name), doc)
            src_named = _named_speaker(sent.text)
            if unnamed and src_named[:1].isupper():  # "..., a senior general said." "Gen. X ..."
                for row in unnamed:
                    row["attributed_to"] = src_named
            unnamed = []
            starts = para_starts.setdefault(sent.paragraph, [])
            first = bisect.bisect_left(starts, sent.start - PARAGRAPH_LOOKBACK_CHARS)
            before_text = article.text[
                starts[first] if first < len(starts) else sent.start : sent.start
            ]
            starts.append(sent.start)
            claimed_until = -1
            first_row = len(rows)
            if len(starts) == 1:  # the paragraph's first sentence
                listed.open_paragraph(sent)
            sentence_sources: list[str] = []
            for number in numbers:
                if any(d.start < number.end and number.start < d.end for d in all_dates):
                    continue  # the day or year of a date
                if number.start < claimed_until:
                    continue  # the "(309 sq mi)" of "800 sq km (309 sq mi)"
                row = _claim(
                    article,
                    th,
                    section.label,
                    sent,
                    number,
                    dates,
                    places,
                    heading_place,
                    para_dates.get(sent.paragraph),
                    para_place.get(sent.paragraph),
                    speaker,
                    syntax.frame_for(doc, number.start, number.end) if doc is not None else None,
                    relayed,
                )
                if row and row["side"] == "unknown" and row["category"] != "other":
                    # Last resorts: the paragraph so far, then the side of the source that reports
                    # the number ("Russian bloggers said 800 special forces ...").
                    row["side"] = (
                        context.side_before(before_text, len(before_text))
                        or context.source_side_before(sent.text, number.start)
                        or (drone_side if row["category"] == "drones" else "")
                        or "unknown"
                    )
                if row and row["category"] == "drones" and row["side"] != "unknown":
                    drone_side = row["side"]  # a later bare "37 drones" is the same side's
                if row and not row["attributed_to"]:
                    row["attributed_to"] = (
                        quoted.get(k)
                        or para_source.get(sent.paragraph, "")
                        or listed.source_for(sent)
                        or (relayed_from if section.label == "body" else "")
                    )
                if row:
                    row["attributed_to"] = context.resolve_reference(row["attributed_to"], named)
                    if row["attributed_to"] and row["attributed_to"] != "<pronoun>":
                        sentence_sources.append(row["attributed_to"])
                    rows.append(row)
                    claimed_until = row["char_end"] - sent.start
            if dates:
                para_dates[sent.paragraph] = dates[-1]
            last_day = next((d for d in reversed(all_dates) if d.precision == "day"), last_day)
            opening = context.opening_attribution(sent.text)
            if opening:  # "According to X, ..." frames the rest of the paragraph
                para_source[sent.paragraph] = opening
            listed.note(sent, sentence_sources, named)
            unnamed = _described_not_named(sent.text, rows[first_row:])
            if places:
                para_place[sent.paragraph] = (places[-1][1], places[-1][2])
            speaker = src_named or speaker
            if src_named:
                named.append(src_named)
    return rows


@dataclass(slots=True)
class _ListSource:
    """A list item that names no source takes the one an earlier item of its list, or the line
    introducing the list ("The ministry said:"), named: a fact box lists one bulletin's figures
    item by item and names the source once. Prose or a heading ends the list."""

    source: str = ""
    items: set[int] = field(default_factory=set)  # paragraphs that are list items

    def open_paragraph(self, sent: Sentence) -> None:
        if _LIST_ITEM.match(sent.text):
            self.items.add(sent.paragraph)
        else:
            self.source = ""

    def source_for(self, sent: Sentence) -> str:
        return self.source if sent.paragraph in self.items else ""

    def note(self, sent: Sentence, sources: list[str], named: list[str]) -> None:
        """Remember the source a list item or an intro line (ending in ':') names."""
        if sent.paragraph not in self.items and not sent.text.rstrip().endswith(":"):
            return
        found = sources[-1] if sources else context.attribution(sent.text, len(sent.text))
        if found and found != "<pronoun>":
            self.source = context.resolve_reference(found, named)


def _described_not_named(text: str, rows: list[dict]) -> list[dict]:
    """The sentence's claims whose source it only describes ("..., a senior Russian general
    claimed."): wire copy names that person in the next sentence."""
    if not _cue("described_source").search(text):
        return []
    return [row for row in rows if not row["attributed_to"] or row["attributed_to"][0].islower()]


def _lead(sections: list[tuple]) -> str:
    """The first prose paragraph of the body (a line of at least LEAD_MIN_WORDS words)."""
    for section, sentences, _ in sections:
        if section.label != "body":
            continue
        for paragraph in dict.fromkeys(sent.paragraph for sent in sentences):
            text = " ".join(sent.text for sent in sentences if sent.paragraph == paragraph)
            if len(_WORDS.findall(text)) >= LEAD_MIN_WORDS:
                return text
    return ""


def _parse_with_numbers(sections: list[tuple]) -> list[list]:
    """Per section, the parse of each body or title sentence that carries a number (None for the
    others and for boilerplate, which never holds a theatre claim), parsed in one batch."""
    wanted = [
        (k, i)
        for k, (section, sentences, numbers_in) in enumerate(sections)
        if section.label != "boilerplate"
        for i, numbers in enumerate(numbers_in)
        if numbers
    ]
    docs = syntax.parse([sections[k][1][i].text for k, i in wanted]) if wanted else []
    out: list[list] = [[None] * len(sentences) for _, sentences, _ in sections]
    for (k, i), doc in zip(wanted, docs, strict=True):
        out[k][i] = doc
    return out


def _places_outside_sources(places: list, doc) -> list:
    """Places that are not inside a reporting verb's subject ("the ministry in Moscow said")."""
    if doc is None or not places:
        return places
    spans = syntax.source_spans(doc)
    return [p for p in places if not any(a <= p[0] < b for a, b in spans)]


def _reference_date(article: Article) -> dt.date | None:
    """The day relative dates ("on Tuesday") count from. An article dated only by the span of
    its corpus has none: a weekday resolved against a guess would be a day the text never gave."""
    pub = article.published
    if pub.basis == "inferred" and pub.precision in ("year", "unknown"):
        return None
    day = pub.latest if pub.precision != "day" and pub.latest else pub.earliest
    return dt.date.fromisoformat(day) if day else None


def _heading(sent: Sentence, theatre: str) -> tuple[str, str] | None:
    """An all-caps short line ("KURSK", "ACROSS UKRAINE") sets the place of what follows."""
    text = sent.text.strip()
    if len(text) > 40 or not text.isupper():
        return None
    places = context.places_in(text, theatre) or (
        [(0, text, "Ukraine (country-wide)")] if "UKRAINE" in text else []
    )
    return (places[0][1], places[0][2]) if places else (text.title(), text.title())


def _named_speaker(sentence: str) -> str:
    """The named source a later "he said" can mean: a name, or a role before a name
    ("commander-in-chief Oleksandr Syrskyi"); not a bare role ("a senior officer")."""
    src = context.speaker(sentence)
    if src in ("", "<pronoun>"):
        return ""
    return src if src[0].isupper() or _NAME_AFTER_ROLE.search(src) else ""


def _claim(
    article,
    th,
    label,
    sent,
    number: Number,
    dates,
    places,
    heading,
    para_date,
    para_place,
    speaker,
    frame: syntax.NumberFrame | None = None,
    relayed: bool = False,
):
    if _is_year_or_noise(sent.text, number) and not _counted_casualty(number, frame):
        return None
    if frame is not None and frame.model_name:
        return None  # "Leopard 2 tanks": a model, not two tanks
    if _counts_the_speakers(sent.text, frame):
        return None  # "two officers told the BBC": who speaks, not what is counted
    unit = _unit_for(sent.text, number, frame)
    if unit is None:
        return None
    low, best, high = (
        None if v is None else round(v * unit.factor, 1)
        for v in (number.low, number.best, number.high)
    )
    end = max(number.end, unit.end)
    category, kind = _category(sent.text, number, unit, frame)
    measure, side = _side_and_measure(sent.text, number, end, category, th)
    if frame is not None and category in ("casualties", "troops"):
        side = _frame_side(sent.text, frame, category) or side
    cumulative = _is_cumulative(sent.text)
    earlier = _cue("earlier_statement").search(sent.text) is not None
    as_of = _as_of(
        number,
        _dates_for(sent.text, number, dates),
        None if cumulative or earlier else para_date,
        article,
        frame,
        relayed or earlier,
    )
    place, in_scope, reason = _scope(label, sent.text, number, places, heading, para_place, th)
    if category == "other" and in_scope:
        in_scope, reason = False, "not a military quantity (population, money, durations)"
    who = _parsed_source(sent.text, frame) or context.attribution(sent.text, number.start)
    if who == "<pronoun>":
        who = speaker
    start = sent.start + number.start
    stop = sent.start + end
    return {
        "claim_id": f"{article.article_id}@{start}-{stop}",
        "article_id": article.article_id,
        "category": category,
        "measure": measure,
        "side": side,
        "casualty_kind": kind,
        "value_low": low,
        "value_best": best,
        "value_high": high,
        "unit": unit.unit,
        "hedge": number.hedge,
        "hedge_text": number.hedge_text,
        "quantity_text": article.text[start:stop],
        **as_of,
        "attributed_to": who,
        "place": place,
        "in_scope": in_scope,
        "scope_reason": reason,
        "plausibility": plausibility.implausible(
            th.name, category, unit.unit, side, (low, best, high)
        ),
        "section": label,
        "sentence": sent.text,
        "sentence_start": sent.start,
        "char_start": start,
        "char_end": stop,
    }


def _counts_the_speakers(text: str, frame: syntax.NumberFrame | None) -> bool:
    """'two officers told the BBC', 'three soldiers said': the number counts the subject of the
    reporting verb right after its noun."""
    return (
        frame is not None
        and frame.role == "subject"
        and frame.verb in syntax.reporting_verbs()
        and context.names_a_report(text[frame.noun_end : frame.noun_end + 20])
        and not re.match(r"[^\w]*[”\"]", text[frame.noun_end :])  # not a quote's last word
    )


def _counted_casualty(n: Number, frame: syntax.NumberFrame | None) -> bool:
    """'One soldier surrendered': a single person counted as a casualty is a claim."""
    return (
        n.is_word
        and n.best == 1.0
        and frame is not None
        and units.noun_phrase_unit(frame.noun_phrase) is not None
        and bool(casualties.casualty_kind(frame))
    )


def _parsed_source(text: str, frame: syntax.NumberFrame | None) -> str:
    """The subject of the reporting verb above the number, cleaned like any source."""
    if frame is None or frame.source is None:
        return ""
    start, end = frame.source
    dateline = _DATELINE_DASH.match(text)
    if dateline and end <= dateline.start(1):
        return ""  # the parse took the dateline's place for the subject: "Kyiv, August 13 — X said"
    phrase = re.split(r"\s[—–]\s", text[start:end])[-1]  # drop a dateline: "Kyiv, August 13 — "
    return context.clean_source(phrase)


def _is_year_or_noise(text: str, n: Number) -> bool:
    """Years, clock times and model numbers are not quantities."""
    if n.is_word and n.best == 1.0:
        return True  # "one soldier said": an article, not a count
    is_plain_int = (
        n.kind == "count" and not n.is_word and n.best is not None and n.best.is_integer()
    )
    if (
        is_plain_int
        and 1900 <= n.best <= 2100
        and "," not in n.text
        and not units.unit_after(text[n.end :])
    ):
        return True
    return bool(re.match(r"^\s*(?:a\.m\.|p\.m\.|GMT|UTC)", text[n.end :]))


def _unit_for(text: str, n: Number, frame: syntax.NumberFrame | None = None) -> _Unit | None:
    if n.kind == "ratio":
        return _Unit("ratio", "ratio")
    if n.kind == "fold":
        return _Unit(
            "fold", "other"
        )  # "a five-fold decrease" multiplies a change, it is no force ratio
    if n.kind.startswith("money:"):
        return _Unit(n.kind.split(":")[1], "other")
    rest = text[n.end :]
    if n.kind == "vague":
        rest = re.sub(r"^\s+of\b", "", rest)
    found = units.unit_after(rest)
    if found:
        spelling, end = found
        end = _absorb_conversion(rest, end)
        return _Unit(
            spelling.unit,
            spelling.category,
            spelling.factor,
            n.end + end + (len(text[n.end :]) - len(rest)),
        )
    if n.kind == "percent":
        return _Unit("percent", "territory" if _cue("territory_of").match(rest) else "other")
    listed = units.noun_before(text[: n.start])
    if listed:  # an inventory line: "tanks - 14, armored vehicles - 38" (before any parse)
        return _Unit(listed[0], listed[1])
    noun = units.noun_after(rest)
    shift = len(text[n.end :]) - len(rest)
    if frame is not None and frame.noun:
        parsed = units.noun_phrase_unit(frame.noun_phrase)
        # The parse's counted noun wins over a word window that stopped on a modifier
        # ("20 armored personnel carriers" counts carriers, not personnel).
        if parsed and (noun is None or n.end + noun[2] + shift < frame.noun_end):
            return _Unit(parsed[0], parsed[1], 1.0, frame.noun_end)
        if parsed is None and noun is not None and n.end < frame.noun_end < n.end + noun[2] + shift:
            noun = None  # the window ran past the counted noun: "two cars and four mortars"
    if noun:
        unit, category, end = noun
        return _Unit(unit, category, 1.0, n.end + end + shift)
    if frame is not None and frame.noun:
        return _Unit("count", "other")  # counts a noun outside the lexicon ("units of equipment")
    return _inferred_unit(text, n)


_CONVERSION = re.compile(
    r"\s*(?:\(|[—–]|--?|,)\s*(?:about|around|almost|nearly|roughly|some|approximately|or\s+)?"
    r"\s*[\d.,]+\s*"
)


def _absorb_conversion(rest: str, end: int) -> int:
    """'800 sq km (309 sq mi)', '100 km² — almost 40 square miles —': a restatement of the
    same quantity in another unit is part of the same claim, not a second one."""
    m = _CONVERSION.match(rest, end)
    if not m:
        return end
    unit = units.unit_after(rest[m.end() :])
    if unit is None:
        return end
    stop = m.end() + unit[1]
    closing = re.match(r"\s*[)—–]", rest[stop:])
    return stop + (
        closing.end() if closing and rest[m.start() : m.end()].strip()[:1] in "(—–" else 0
    )


def _inferred_unit(text: str, n: Number) -> _Unit | None:
    """A bare number takes its unit from the sentence: another area, or troops and losses talk."""
    if (n.is_word and (n.best or 0) < 1000) or n.kind == "vague":
        return None
    for start, found in _territory_numbers(text):
        if start != n.start and (n.best or 0) >= 50:
            return _Unit(found.unit, "territory", found.factor)
    if (n.best or n.high or 0) >= 100 and _talks_of_troops_or_losses(text):
        return _Unit("persons", "troops")
    return _Unit("count", "other")


def _claimable_numbers(text: str) -> tuple[Number, ...]:
    """The sentence's numbers, or none for a flattened table: at least TABLE_MIN_NUMBERS numbers
    and more numbers than words. Its numbers have no unit, noun or clause to read; as claims they
    were one 'count' per cell, and parsing and reading them cost seconds per 100 KB."""
    numbers = _numbers_in(text)
    if len(numbers) >= TABLE_MIN_NUMBERS and len(numbers) > len(_WORDS.findall(text)):
        return ()
    return numbers


@lru_cache(maxsize=1024)
def _numbers_in(text: str) -> tuple[Number, ...]:
    """The sentence's numbers, found once (bare numbers look at the others again later)."""
    return tuple(find_numbers(text))


@lru_cache(maxsize=64)
def _territory_numbers(text: str) -> tuple[tuple[int, units.UnitSpelling], ...]:
    """(start, unit) of the sentence's numbers written with an area unit; memoized, as every
    bare number of the sentence asks (rescanning per number was quadratic)."""
    found = ((n.start, units.unit_after(text[n.end :])) for n in _numbers_in(text))
    return tuple((start, u[0]) for start, u in found if u and u[0].category == "territory")


@lru_cache(maxsize=64)
def _is_cumulative(text: str) -> bool:
    """Memoized per sentence (asked once per number in it)."""
    return _cue("cumulative").search(text) is not None


@lru_cache(maxsize=64)
def _talks_of_troops_or_losses(text: str) -> bool:
    """Memoized per sentence (asked once per bare number in it)."""
    return bool(_cue("force").search(text) or _cue("casualty").search(text))


def _category(
    text: str, n: Number, unit: _Unit, frame: syntax.NumberFrame | None
) -> tuple[str, str]:
    """(category, casualty_kind): a count of persons is a casualty figure when the parse says so."""
    if unit.unit != "persons":
        return unit.category, ""
    if unit.category == "other":
        return "other", ""  # civilians, residents, children: never a force or a military loss
    if frame is not None:
        kind = casualties.casualty_kind(frame)
        if kind:
            return "casualties", kind
        if unit.category == "casualties":
            return "casualties", "losses"
        if unit.category == "people":
            return "other", ""  # "people" counts a loss only when the parse says so
    window = text[max(0, n.start - 40) : n.end + 60]
    if _cue("civilian").search(text[n.end : n.end + 40]) and not _cue("force").search(
        text[n.end : n.end + 30]
    ):
        if _cue("casualty").search(window) and "killed" in window:
            return "casualties", "killed"
        return "other", ""
    if _cue("casualty").search(window):
        return "casualties", casualties.kind_in_text(window) or "losses"
    return "troops", ""


def _frame_side(text: str, frame: syntax.NumberFrame, category: str) -> str | None:
    """Whose troops or losses, from the parse: the noun phrase's own side word ("900 Russian
    soldiers"), else the subject for a loss of its own ("Russia lost 900 soldiers"), else the
    subject's opponent for casualties it inflicted ("Ukrainian forces killed 900 soldiers")."""
    own = _side_in(text, frame.np_spans)
    if own:
        return own
    if category != "casualties":
        return None
    subject = _side_in(text, (frame.subject,)) if frame.subject else None
    if subject and casualties.victim_is_subject(frame):
        return subject
    if subject and casualties.victim_is_opponent_of_subject(frame):
        return context.opponent(subject)
    if frame.role == "passive_subject" and frame.agent:
        agent = _side_in(text, (frame.agent,))
        return context.opponent(agent) if agent else None
    return None


def _side_in(text: str, spans) -> str | None:
    """The first side word inside any of the spans."""
    found = [
        (s, side)
        for s, _, side in context.side_mentions(text)
        if any(a <= s < b for a, b in spans if a is not None)
    ]
    return min(found)[1] if found else None


def _side_and_measure(text: str, n: Number, end: int, category: str, th) -> tuple[str, str]:
    clause_start = _clause_start(text, n.start)
    before = text[clause_start : n.start]
    if category == "ratio" and _cue("outnumbered").search(before):
        underdog = context.side_before(text, n.start)
        return "", context.OPPONENT.get(underdog, "unknown") if underdog else "unknown"
    if category == "territory":
        return _territory_side(text, n, clause_start, th)
    destroyed = (
        list(_cue("destroy_verb").finditer(before)) if category in ("equipment", "drones") else []
    )
    if destroyed:  # equipment and drones belong to the side that lost them
        destroyer = _first_side(text, clause_start, clause_start + destroyed[-1].start())
        if destroyer:
            return "", context.OPPONENT.get(destroyer, "unknown")
    of_phrase = re.match(r"^\s+of\s+[^,.;:]{0,40}", text[end:])
    phrase_end = end + (of_phrase.end() if of_phrase else 0)
    side = context.side_after(text, n.end, phrase_end + 1) or _first_side(
        text, clause_start, n.start
    )
    return "", side or "unknown"


def _first_side(text: str, start: int, stop: int) -> str | None:
    """The clause's first side word (its subject, usually), else the nearest before it."""
    in_clause = [side for s, _, side in context.side_mentions(text) if start <= s < stop]
    return in_clause[0] if in_clause else context.side_before(text, stop)


def _territory_side(text: str, n: Number, clause_start: int, th) -> tuple[str, str]:
    before = text[clause_start : n.start]
    loss = list(_cue("loss_verb").finditer(before))
    actor = _actor_before(text, n.start)
    if loss:
        verb = loss[-1].group(0).lower()
        actor = _first_side(text, clause_start, clause_start + loss[-1].start()) or actor
        if verb in ("lost", "losing"):
            return "lost", actor or th.default_holder
        return "lost", context.OPPONENT.get(
            actor, th.default_holder
        ) if actor else th.default_holder
    if _cue("passive_loss").match(text[n.end :]):
        return "lost", th.default_holder
    if _cue("gain_verb").search(before) and actor:
        return "gained", actor
    holder = actor if actor in ("UA", "RU") else th.default_holder
    return "held", holder or "unknown"


def _actor_before(text: str, pos: int) -> str | None:
    """The nearest side word before `pos` that names a party, not whose land it is: "Kyiv holds
    400 km² of Russian territory, down from 1,300" is Ukraine's ground both times, and so is
    "troops crossed into Russia and took 1,000 km²"."""
    found = [
        side
        for s, e, side in context.side_mentions(text)
        if s < pos
        and not _cue("land_after").match(text, e)
        and not _cue("into_before").search(text, 0, s)
    ]
    return found[-1] if found else None


def _clause_start(text: str, pos: int) -> int:
    breaks = _clause_breaks(text)
    before = bisect.bisect_right(breaks, pos)
    return breaks[before - 1] if before else 0


@lru_cache(maxsize=64)
def _clause_breaks(text: str) -> tuple[int, ...]:
    """Where each clause of the sentence starts; scanned once per sentence, not per number."""
    return tuple(m.end() for m in _CLAUSE_BREAK.finditer(text))


def _as_of(
    n: Number,
    dates: list[DateMention],
    para_date: DateMention | None,
    article: Article,
    frame: syntax.NumberFrame | None = None,
    relayed: bool = False,
) -> dict:
    """The date a number describes: a date of its sentence, else of its paragraph, else the
    publication date. A running total ("since the onset ...") is as of when it is told, so it
    does not take an earlier sentence's date. In an article that passes on another's report
    (`relayed`), the publication day does not pin the claim's day: only its month is kept."""
    chosen = _nearest(n, [d for d in dates if d.value and d.relation != "range_start"])
    basis = "explicit"
    if chosen is None and para_date is not None and para_date.value:
        chosen, basis = para_date, "context"
    if chosen is not None:
        return {
            "as_of": chosen.value,
            "as_of_precision": chosen.precision,
            "as_of_earliest": chosen.earliest,
            "as_of_latest": chosen.latest,
            "as_of_basis": basis,
        }
    pub = article.published
    if relayed and pub.precision == "day" and pub.value:
        day = dt.date.fromisoformat(pub.value)
        first, last = month_interval(day.year, day.month)
        return {
            "as_of": to_iso(day, "month"),
            "as_of_precision": "month",
            "as_of_earliest": first.isoformat(),
            "as_of_latest": last.isoformat(),
            "as_of_basis": "published",
        }
    if pub.value or pub.earliest:
        return {
            "as_of": pub.value,
            "as_of_precision": pub.precision,
            "as_of_earliest": pub.earliest,
            "as_of_latest": pub.latest,
            "as_of_basis": "published",
        }
    return {
        "as_of": None,
        "as_of_precision": "unknown",
        "as_of_earliest": None,
        "as_of_latest": None,
        "as_of_basis": "unknown",
    }


def _dates_for(text: str, n: Number, dates: list[DateMention]) -> list[DateMention]:
    """The sentence's dates that can date the number: not one in a later clause ("Kyiv holds
    500 km², and that his unit advanced 5 km on Sunday": Sunday dates the advance)."""
    _, clause_end = scope.clause_bounds(text, n.start)
    return [d for d in dates if d.start < clause_end and not _past_a_comma(text, n.end, d.start)]


def _past_a_comma(text: str, end: int, date_start: int) -> bool:
    """A date after the number and a comma, with no reporting verb between, tells of something
    else ("350 km², a quarter of what it held last August"); "..., the army said on Monday"
    still dates the number."""
    between = text[end:date_start]
    if date_start <= end or _COMMA.search(between) is None or _AS_OF_TAIL.search(between):
        return False  # "..., as of Monday" still dates it
    return not context.names_a_report(between)


def _nearest(n: Number, dates: list[DateMention]) -> DateMention | None:
    if not dates:
        return None
    return min(
        dates, key=lambda d: (min(abs(d.start - n.end), abs(n.start - d.end)), d.start > n.start)
    )


def _scope(label, text, n: Number, places, heading, para_place, th) -> tuple[str, bool, str]:
    if label == "boilerplate":
        return "", False, "boilerplate"
    theatre = th.name.lower()
    c_start, c_end = scope.clause_bounds(text, n.start)
    in_clause = [p for p in places if c_start <= p[0] < c_end]
    cue = scope.scope_cue(text, n.start, n.end)
    if cue is not None:
        return "", False, f"{cue.reason} ('{cue.cue}')"
    if in_clause:  # the number's own clause decides, by its nearest place ("..., while 37 over X")
        near = min(in_clause, key=lambda p: abs(p[0] - n.start))
        if near[2].lower() == theatre:
            return near[1], True, f"names a {th.name} place"
        return near[1], False, f"about {near[1]} ({near[2]})"
    if places:
        near = min(places, key=lambda p: abs(p[0] - n.start))
        ours = [p for p in places if p[2].lower() == theatre]
        if ours:
            return ours[0][1], True, f"names a {th.name} place"
        return near[1], False, f"about {near[1]} ({near[2]})"
    if _cue("topic_shift").match(text):
        return "", False, "the sentence turns to another story"
    for ctx, why in ((heading, "section heading"), (para_place, "earlier sentence")):
        if ctx:
            name, where = ctx
            if where.lower() == theatre:
                return name, True, f"{why} names {name}"
            return name, False, f"{why} names {name} ({where})"
    return "", True, f"no other place named; article about {th.name}"
