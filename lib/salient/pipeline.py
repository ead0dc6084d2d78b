"""The extraction pipeline: a corpus folder → ingest, articles, claims, drone mentions and views.

Per-article work (`salient.claims.extract_article`) is pure; everything cross-article (consolidation,
views) runs after it, here.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pandas as pd

from salient.claims import extract_article
from salient.corpus import articles_table, load_corpus
from salient.drones import extract_drone_mentions
from salient.model import Article, PublishedDate
from salient.review import apply_reviews, review_effects
from salient.schemas import CLAIMS, DRONE_MENTIONS, REVIEW_EFFECTS, REVIEW_LOG
from salient.views import build_views

DEFAULT_THEATRE = "Kursk"
PARALLEL_THRESHOLD = 500  # below this, starting worker processes costs more than it saves


@dataclass
class Extraction:
    """Every table one extraction produces, keyed as the CSV files are named."""

    ingest: pd.DataFrame
    articles: pd.DataFrame
    claims: pd.DataFrame
    drone_mentions: pd.DataFrame
    views: dict[str, pd.DataFrame] = field(default_factory=dict)
    review_log: pd.DataFrame = field(default_factory=lambda: _empty(REVIEW_LOG))
    review_effects: pd.DataFrame = field(default_factory=lambda: _empty(REVIEW_EFFECTS))

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by file stem, base tables first, then the analysis views."""
        base = {
            "ingest": self.ingest,
            "articles": self.articles,
            "claims": self.claims,
            "drone_mentions": self.drone_mentions,
            "review_log": self.review_log,
            "review_effects": self.review_effects,
        }
        return base | self.views


def extract_corpus(corpus: str | Path, *, theatre: str = DEFAULT_THEATRE) -> Extraction:
    """Read a corpus folder and extract every table. Raises CorpusError for a missing folder.

    The analysts' reviews (`reviews.csv` in the folder, see salient.review) are applied to the
    claims before the views are built; `review_effects` says how they changed the views.
    """
    read = load_corpus(corpus)
    read.articles = date_from_corpus(read.articles)
    per_article = _map(partial(_extract_one, theatre=theatre), read.articles)
    extracted = _concat([c for c, _ in per_article], CLAIMS)
    mentions = _concat([m for _, m in per_article], DRONE_MENTIONS)
    articles = articles_table(read.articles)
    reviewed = apply_reviews(extracted, corpus)
    views_of = partial(_views_of, mentions=mentions, articles=articles)
    return Extraction(
        ingest=read.ingest,
        articles=articles,
        claims=reviewed.claims,
        drone_mentions=mentions,
        views=views_of(reviewed.claims),
        review_log=reviewed.log,
        review_effects=review_effects(extracted, reviewed.claims, views_of),
    )


def _views_of(claims: pd.DataFrame, *, mentions: pd.DataFrame, articles: pd.DataFrame) -> dict:
    return build_views(claims, mentions, articles)


def _empty(schema) -> pd.DataFrame:
    return pd.DataFrame(columns=list(schema.columns))


def date_from_corpus(articles: list[Article]) -> list[Article]:
    """Articles whose text fixes no date better than a year get the span of the corpus' dated ones.

    An undated article in a folder of March 2025 reports was almost surely written then too; the
    span (earliest to latest day of the well-dated articles) is an honest interval, marked
    "inferred" with precision "year" or "unknown", never a false point. Cross-article, so it runs
    before the pure per-article step and is passed in as metadata.
    """
    dated = [a.published for a in articles if not _weakly_dated(a.published)]
    if not dated:
        return articles
    earliest = min(p.earliest for p in dated if p.earliest)
    latest = max(p.latest or p.earliest for p in dated if p.earliest)
    same_year = earliest[:4] == latest[:4]
    span = PublishedDate(
        earliest[:4] if same_year else None,
        "inferred",
        "year" if same_year else "unknown",
        earliest,
        latest,
    )
    return [replace(a, published=span) if _weakly_dated(a.published) else a for a in articles]


def _weakly_dated(published: PublishedDate) -> bool:
    return published.earliest is None or (
        published.basis == "inferred" and published.precision in ("year", "unknown")
    )


def _extract_one(article: Article, theatre: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pure per-article step: claims and drone mentions."""
    return extract_article(article, theatre), extract_drone_mentions(article, theatre)


def _map(fn, articles: list[Article]) -> list:
    """Per-article work in order; in worker processes for large corpora (results are identical)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(articles) < PARALLEL_THRESHOLD or workers < 2:
        return [fn(a) for a in articles]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, articles, chunksize=64))


def _concat(frames: list[pd.DataFrame], schema) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(schema.columns))
    return schema.validate(pd.concat(frames, ignore_index=True))


def write_tables(extraction: Extraction, out_dir: str | Path) -> list[Path]:
    """Write every table as a deterministic CSV (fixed row order, float format, LF endings)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in extraction.tables().items():
        path = out / f"{name}.csv"
        tmp = path.with_suffix(".csv.tmp")
        frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g")
        tmp.replace(path)
        written.append(path)
    return written
