"""Score every evaluation set at once: per-set figures, then each set's MISS / EXTRA / LEAK lines.

Usage:
    python -m evaluation.suite [--shared ../shared] [--only NAME ...] [--summary] [--json]
        [--mismatches]

The sets are data (`evaluation/sets.csv`: name, corpus, gold, theatre, sources). `{shared}` in a
path is the shared folder (default `../shared`, or `$SALIENT_SHARED`). A set whose corpus folder is
missing is reported as "not materialized" and skipped: the realdev texts are third-party and never
committed; rebuild them into `evaluation/realdev/<set>/texts/` (git-ignored) as the shared realdev
README says. For such sets a `manifest.csv` is written into the texts folder from `sources.csv`, so
the extractor sees each text's published date and URL.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from evaluation.score import ScoreReport, format_report, read_gold, score

ROOT = Path(__file__).resolve().parent.parent
SETS_FILE = Path(__file__).with_name("sets.csv")


@dataclass(frozen=True)
class EvalSet:
    """One corpus with its gold file and the theatre it is scored in."""

    name: str
    corpus: Path
    gold: Path
    theatre: str
    sources: Path | None


def load_sets(shared: Path) -> list[EvalSet]:
    """The evaluation sets of `sets.csv`, with `{shared}` resolved."""

    def path(text: str) -> Path:
        p = Path(text.replace("{shared}", str(shared)))
        return p if p.is_absolute() else ROOT / p

    with SETS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        EvalSet(
            r["name"],
            path(r["corpus"]),
            path(r["gold"]),
            r["theatre"],
            path(r["sources"]) if r["sources"] else None,
        )
        for r in rows
    ]


def write_manifest(texts: Path, sources: Path) -> None:
    """A manifest for materialized texts: file, published date and URL from `sources.csv`."""
    with sources.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    present = [r for r in rows if (texts / f"{r['id']}.txt").is_file()]
    with (texts / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "published", "outlet", "url", "title"])
        for r in present:
            out.writerow([f"{r['id']}.txt", r["published"], "", r["url"], ""])


def score_set(ev: EvalSet) -> ScoreReport:
    """Extract the set's corpus in its theatre and score it against its gold (texts present only)."""
    from salient.run.pipeline import extract_corpus

    gold = read_gold(ev.gold)
    if ev.sources is not None:
        write_manifest(ev.corpus, ev.sources)
        present = {p.stem for p in ev.corpus.glob("*.txt")}
        gold = gold[gold["article_id"].isin(present)].reset_index(drop=True)
    claims = extract_corpus(ev.corpus, theatre=ev.theatre).claims
    return score(claims, gold)


def summary_line(name: str, report: ScoreReport) -> str:
    c = report.counts
    return (
        f"{name:<18} recall {_rate(c['found_scored'], c['gold_scored'])}  "
        f"precision {_rate(c['true_pos_scored'], c['pred_scored'])}  leaks {report.leaks:>2}  "
        f"as-of {_pct(report.as_of_accuracy)}  attribution {_pct(report.attribution_accuracy)}  "
        f"(all-category recall {_rate(c['found_all'], c['gold_all'])})"
    )


def _rate(n: int, d: int) -> str:
    return f"{n:>3}/{d:<3} {n / d:6.1%}" if d else f"{n:>3}/{d:<3}    n/a"


def _pct(v: float) -> str:
    return "  n/a" if v != v else f"{v:6.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score every evaluation set.")
    parser.add_argument(
        "--shared", default=os.environ.get("SALIENT_SHARED", str(ROOT.parent / "shared"))
    )
    parser.add_argument("--only", nargs="*", help="set names to score (default: all)")
    parser.add_argument("--summary", action="store_true", help="print the summary table only")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument(
        "--mismatches",
        action="store_true",
        help="also list matched pairs whose as-of or attribution disagrees with the gold",
    )
    args = parser.parse_args(argv)
    reports: dict[str, ScoreReport] = {}
    skipped: list[str] = []
    for ev in load_sets(Path(args.shared)):
        if args.only and ev.name not in args.only:
            continue
        if not ev.corpus.is_dir() or not ev.gold.is_file():
            skipped.append(ev.name)
            continue
        reports[ev.name] = score_set(ev)
    if args.json:
        print(
            json.dumps({k: r.to_dict() for k, r in reports.items()}, indent=2, ensure_ascii=False)
        )
        return 0
    if not args.summary:
        for name, report in reports.items():
            print(f"=== {name}\n{format_report(report, mismatches=args.mismatches)}\n")
    print("Summary (scored categories: territory, troops, casualties)")
    for name, report in reports.items():
        print("  " + summary_line(name, report))
    for name in skipped:
        print(f"  {name:<18} not materialized (see evaluation/README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
