"""The extraction pipeline: a corpus folder → ingest, articles, claims, drone mentions and views.

Per-article work (`salient.claims.extract_article`) is pure; everything cross-article (consolidation,
views) runs after it, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from salient.claims import extract_article
from salient.corpus import articles_table, load_corpus
from salient.drones import extract_drone_mentions
from salient.schemas import CLAIMS, DRONE_MENTIONS
from salient.views import build_views

DEFAULT_THEATRE = "Kursk"


@dataclass
class Extraction:
    """Every table one extraction produces, keyed as the CSV files are named."""

    ingest: pd.DataFrame
    articles: pd.DataFrame
    claims: pd.DataFrame
    drone_mentions: pd.DataFrame
    views: dict[str, pd.DataFrame] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by file stem, base tables first, then the analysis views."""
        base = {
            "ingest": self.ingest,
            "articles": self.articles,
            "claims": self.claims,
            "drone_mentions": self.drone_mentions,
        }
        return base | self.views


def extract_corpus(corpus: str | Path, *, theatre: str = DEFAULT_THEATRE) -> Extraction:
    """Read a corpus folder and extract every table. Raises CorpusError for a missing folder."""
    read = load_corpus(corpus)
    claims = _concat([extract_article(a, theatre) for a in read.articles], CLAIMS)
    mentions = _concat([extract_drone_mentions(a, theatre) for a in read.articles], DRONE_MENTIONS)
    articles = articles_table(read.articles)
    return Extraction(
        ingest=read.ingest,
        articles=articles,
        claims=claims,
        drone_mentions=mentions,
        views=build_views(claims, mentions, articles),
    )


def _concat(frames: list[pd.DataFrame], schema) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(schema.columns))
    return pd.concat(frames, ignore_index=True)


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
