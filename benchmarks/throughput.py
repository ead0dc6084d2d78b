"""Parse throughput: the seed corpus copied N times into a temporary folder, extracted end to end.

Usage: python benchmarks/throughput.py [--copies 2000]
Prints MB/s for reading + per-article extraction (claims and drone mentions), single process.
Not a timed test: numbers depend on the machine; report them in the issue note.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from salient.extract.claims import extract_article
from salient.extract.drones import extract_drone_mentions
from salient.ingest.corpus import load_corpus
from salient.run.pipeline import extract_corpus

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_corpus(folder: Path, copies: int) -> int:
    """Copy every seed article `copies` times; returns the total bytes."""
    total = 0
    for source in sorted(SEEDS.glob("*.txt")):
        data = source.read_bytes()
        for i in range(copies):
            (folder / f"{source.stem}_{i:05d}.txt").write_bytes(data)
            total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n_bytes = make_corpus(folder, args.copies)
        t0 = time.perf_counter()
        corpus = load_corpus(folder)
        t1 = time.perf_counter()
        n_claims = sum(len(extract_article(a)) for a in corpus.articles)
        t2 = time.perf_counter()
        n_mentions = sum(len(extract_drone_mentions(a)) for a in corpus.articles)
        t3 = time.perf_counter()
        n_rows = len(extract_corpus(folder).claims)
        t4 = time.perf_counter()
        shutil.rmtree(folder, ignore_errors=True)
    mb = n_bytes / 1e6
    print(f"{len(corpus.articles)} articles, {mb:.1f} MB")
    print(f"read+sections+dates : {t1 - t0:6.2f} s  {mb / (t1 - t0):6.2f} MB/s")
    print(
        f"claims              : {t2 - t1:6.2f} s  {mb / (t2 - t1):6.2f} MB/s  ({n_claims} claims)"
    )
    print(
        f"drone mentions      : {t3 - t2:6.2f} s  {mb / (t3 - t2):6.2f} MB/s  ({n_mentions} mentions)"
    )
    print(
        f"end to end          : {t3 - t0:6.2f} s  {mb / (t3 - t0):6.2f} MB/s  "
        f"({(t3 - t0) / len(corpus.articles) * 1000:.2f} ms/article)"
    )
    print(
        f"extract_corpus (all cores, schemas, views): {t4 - t3:6.2f} s  "
        f"{mb / (t4 - t3):6.2f} MB/s  ({n_rows} claims)"
    )


if __name__ == "__main__":
    main()
