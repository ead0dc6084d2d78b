"""Gazetteer cost: load time (first call in a fresh process) and find_places throughput.

Usage: python benchmarks/gazetteer.py [--copies 50]
The text is the seed corpus repeated `copies` times: real news prose with its usual density of
place names. Not a timed test: numbers depend on the machine; report them in the issue note.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    from salient.extract import gazetteer

    gazetteer.load_gazetteer()
    gazetteer.load_theatres()
    loaded = time.perf_counter() - started

    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text = seeds * args.copies
    megabytes = len(text.encode("utf-8")) / 1e6
    started = time.perf_counter()
    mentions = gazetteer.find_places(text)
    seconds = time.perf_counter() - started
    print(f"load (import + GeoNames + automatons + theatres): {loaded * 1000:.0f} ms")
    print(
        f"find_places: {megabytes:.1f} MB, {len(mentions)} mentions in {seconds:.2f} s "
        f"= {megabytes / seconds:.1f} MB/s"
    )


if __name__ == "__main__":
    main()
