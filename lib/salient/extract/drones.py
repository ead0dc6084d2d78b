"""Drone mentions by tactic, side and span; the taxonomy is data (data/drone_taxonomy.csv).

A term list of a few dozen phrases is matched with one compiled alternation per article; the
notes measured pyahocorasick as faster only for lexicons of hundreds of terms.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from salient import lexicon
from salient.casefold import fold_case
from salient.extract import context
from salient.ingest.sentences import split_sentences
from salient.model import Article
from salient.schemas import DRONE_MENTIONS

MENTION_COLUMNS = list(DRONE_MENTIONS.columns)


@cache
def taxonomy() -> dict[str, str]:
    """Term (lower-case) → tactic. Specific tactics win over the generic "drone_general"."""
    return {r["term"].lower(): r["tactic"] for r in lexicon.data_rows("drone_taxonomy.csv")}


@cache
def _pattern() -> re.Pattern:
    terms = sorted(taxonomy(), key=len, reverse=True)
    # Matched against lower-cased text: far faster than re.IGNORECASE on an alternation (notes §6).
    return re.compile(r"\b(?:%s)\b" % "|".join(re.escape(t) for t in terms))


def _case_sensitive_ok(term: str) -> bool:
    """Short upper-case terms (EW, FPV, UAV) only count when written in capitals."""
    spec = next((t for t in taxonomy() if t == term.lower()), term)
    return not (len(spec) <= 3) or term.isupper()


def extract_drone_mentions(article: Article, theatre: str = "Kursk") -> pd.DataFrame:
    """Every drone-tactic term in the article, one row per term occurrence."""
    return pd.DataFrame(drone_mention_rows(article, theatre), columns=MENTION_COLUMNS)


def drone_mention_rows(article: Article, theatre: str = "Kursk") -> list[tuple]:
    """`extract_drone_mentions`' rows as tuples in DRONE_MENTIONS column order."""
    th = context.load_theatre(theatre)
    rows = []
    for section in article.sections or ():
        for sent in split_sentences(article.text, section.start, section.end):
            places = context.places_in(sent.text, th.name)
            other = places and not any(p[2].lower() == th.name.lower() for p in places)
            for m in _pattern().finditer(fold_case(sent.text)):
                term = sent.text[m.start() : m.end()]
                if not _case_sensitive_ok(term):
                    continue
                side = context.side_after(sent.text, m.end(), m.end() + 1) or context.side_before(
                    sent.text, m.start()
                )
                start, end = sent.start + m.start(), sent.start + m.end()
                row = {
                    "mention_id": f"{article.article_id}@{start}-{end}",
                    "article_id": article.article_id,
                    "tactic": taxonomy()[m.group(0)],
                    "term": term,
                    "side": side or "unknown",
                    "section": section.label,
                    "in_scope": section.label != "boilerplate" and not other,
                    "sentence": sent.text,
                    "char_start": start,
                    "char_end": end,
                }
                rows.append(tuple(row[column] for column in MENTION_COLUMNS))
    return rows
