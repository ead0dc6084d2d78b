"""Scale benchmark: a varied synthetic corpus of N articles, run end to end cold, unchanged, +10.

Usage: python benchmarks/scale.py [--articles 10000] [--jobs N] [--keep DIR] [--sample 200]
                                  [--no-notebooks]

The corpus is generated in a temporary folder from the templates and vocabulary kept as data
(`scale_templates.csv`, `scale_vocabulary.csv`): each article draws a headline, a lead, body
paragraphs and boilerplate blocks, with its own numbers (digits, thousands separators, words),
places, dates, hedges and sources, and is written as UTF-8, UTF-8 with BOM, cp1252, HTML or
Markdown, some with CRLF line ends; half have a manifest row. The same seed gives the same corpus.

It then runs what a scheduled job runs (`salient run`: extract through the cache, every notebook,
the report), in this process, and prints the seconds of each stage (read, extract, consolidate,
views, notebooks, report), extraction MB/s per core, end-to-end seconds cold and unchanged, the
seconds to add 10 articles, peak RSS, and quantulum3's `parser.parse` throughput on the same text
sample as salient's extraction, as a ratio (`pip install quantulum3` first; it is not a
dependency of salient, and the line says so when it is missing).

Not a timed test: the numbers depend on the machine; report them in the issue note.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import logging
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "scale_templates.csv"
VOCABULARY = HERE / "scale_vocabulary.csv"
FIRST_DAY, DAYS = date(2025, 1, 15), 95
ENCODINGS = (  # (weight, how the file is written)
    (55, "utf-8"),
    (10, "utf-8-sig"),
    (15, "cp1252"),
    (12, "html"),
    (8, "md"),
)
NUMBER_WORDS = {2: "two", 3: "three", 5: "five", 10: "ten", 12: "twelve", 20: "twenty", 40: "forty"}


# --- corpus generation ---------------------------------------------------------------------------


def load_templates() -> dict[str, list[str]]:
    """kind → template texts (`\\n` in a template is a line break)."""
    kinds: dict[str, list[str]] = defaultdict(list)
    with TEMPLATES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kinds[row["kind"]].append(row["text"].replace("\\n", "\n"))
    return dict(kinds)


def load_vocabulary() -> dict[str, list[str]]:
    slots: dict[str, list[str]] = defaultdict(list)
    with VOCABULARY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            slots[row["slot"]].append(row["value"])
    return dict(slots)


def render_number(rng: random.Random, low: int, high: int) -> str:
    """A number as an article would write it: 12,400 / 12400 / 12 thousand / twelve thousand."""
    value = rng.randint(low, high)
    style = rng.random()
    if value >= 1000 and style < 0.15:
        thousands = max(1, round(value / 1000))
        word = NUMBER_WORDS.get(thousands)
        return f"{word} thousand" if word and style < 0.07 else f"{thousands} thousand"
    if style < 0.55:
        return f"{value:,}"
    return str(value)


def fill(template: str, rng: random.Random, vocab: dict[str, list[str]], day: date) -> str:
    """A template with every {slot} drawn for this article."""
    side = rng.choice(vocab["side_adj"])
    when = day - timedelta(days=rng.randint(0, 6))
    values = {
        "place": rng.choice(vocab["place"]),
        "place2": rng.choice(vocab["place"]),
        "source": rng.choice(vocab["source"]),
        "hedge": rng.choice(vocab["hedge"]),
        "side_a": rng.choice(vocab["side_a"]),
        "side_b": rng.choice(vocab["side_b"]),
        "side_adj": side,
        "side_adj_cap": side,
        "ordinal": rng.choice(vocab["ordinal"]),
        "month": rng.choice(vocab["month"]),
        "date": rng.choice((f"{when:%B} {when.day}", f"{when.day} {when:%B %Y}", f"{when:%A}")),
        "km2": render_number(rng, 50, 1300),
        "km2_small": render_number(rng, 2, 120),
        "km2_big": render_number(rng, 1000, 1400),
        "troops": render_number(rng, 2000, 70000),
        "troops_small": render_number(rng, 20, 900),
        "battalions": str(rng.randint(2, 14)),
        "casualties": render_number(rng, 100, 40000),
        "casualties_small": render_number(rng, 3, 300),
        "equipment": render_number(rng, 5, 400),
        "equipment_small": str(rng.randint(2, 30)),
        "percent": str(rng.randint(40, 90)),
        "distance": str(rng.randint(5, 40)),
        "drones": render_number(rng, 20, 300),
        "drones_small": str(rng.randint(2, 60)),
        "num": str(rng.randint(1, 999)),
    }
    values["hedge_cap"] = (values["hedge"] or "some").capitalize()
    text = template.format(**values)
    return text[0].upper() + text[1:] if text else text


def make_article(
    rng: random.Random, kinds: dict[str, list[str]], vocab: dict[str, list[str]], day: date
) -> tuple[str, list[str]]:
    """(headline, paragraphs) of one article."""
    headline = fill(rng.choice(kinds["headline"]), rng, vocab, day)
    paragraphs = [fill(rng.choice(kinds["lead"]), rng, vocab, day)]
    body_kinds = ["territory", "troops", "casualties", "equipment", "drones", "context", "quote"]
    for _ in range(rng.randint(4, 12)):
        sentences = [
            fill(rng.choice(kinds[rng.choice(body_kinds)]), rng, vocab, day)
            for _ in range(rng.randint(1, 4))
        ]
        paragraphs.append(" ".join(sentences))
    for _ in range(rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
        block = fill(rng.choice(kinds["boilerplate"]), rng, vocab, day)
        paragraphs.insert(rng.randint(len(paragraphs) // 2, len(paragraphs)), block)
    return headline, paragraphs


def encode_article(
    rng: random.Random, headline: str, paragraphs: list[str], day: date
) -> tuple[str, bytes]:
    """(file suffix, bytes) in one of the encodings and formats a real folder holds."""
    kind = rng.choices([k for _, k in ENCODINGS], weights=[w for w, _ in ENCODINGS])[0]
    newline = "\r\n" if rng.random() < 0.1 else "\n"
    if kind == "html":
        body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        page = (
            f"<!doctype html>\n<html><head><title>{headline}</title>"
            f'<meta name="date" content="{day.isoformat()}"></head>\n'
            f"<body><nav>Home | World | Europe</nav><article><h1>{headline}</h1>\n{body}"
            "</article><footer>Copyright The Example Times</footer></body></html>\n"
        )
        return ".html", page.encode("utf-8")
    if kind == "md":
        text = f"# {headline}\n\n" + "\n\n".join(paragraphs) + "\n"
        return ".md", text.replace("\n", newline).encode("utf-8")
    text = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
    if kind == "cp1252":
        text = text.replace('"', "\u201c", 1).replace(" - ", " \u2013 ")
    return ".txt", text.replace("\n", newline).encode(kind)


def generate_corpus(folder: Path, n: int, *, seed: int = 7, start: int = 0) -> int:
    """Write articles start..start+n-1 (and their manifest rows); returns the bytes written."""
    kinds, vocab = load_templates(), load_vocabulary()
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    rows = [] if manifest.exists() else ["file,published,outlet\n"]
    total = 0
    for i in range(start, start + n):
        rng = random.Random(seed * 1_000_003 + i)
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        headline, paragraphs = make_article(rng, kinds, vocab, day)
        suffix, data = encode_article(rng, headline, paragraphs, day)
        name = f"article_{i:06d}{suffix}"
        (folder / name).write_bytes(data)
        total += len(data)
        if rng.random() < 0.5:
            rows.append(
                f"{name},{day.isoformat()},{rng.choice(('Wire A', 'Daily B', 'Radio C'))}\n"
            )
    with manifest.open("a", encoding="utf-8") as handle:
        handle.writelines(rows)
    return total


# --- measurements --------------------------------------------------------------------------------


def peak_rss_mb() -> tuple[float, float]:
    """(this process, the largest child: kernels, workers) peak resident memory in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children (workers, kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_once(ws: dict[str, Path], jobs: int, notebooks: bool, force: bool = False):
    """One `salient run` (or only its extraction, with --no-notebooks); returns (seconds, result)."""
    from salient.run import pipeline, runner
    from salient.run.cache import ArticleCache
    from salient.run.engines import LocalEngine

    started = time.perf_counter()
    if notebooks:
        result = runner.run_notebooks(  # raises runner.RunError if a notebook fails
            corpus_dir=ws["corpus"],
            out_dir=ws["out"],
            build_dir=ws["build"],
            notebooks_dir=ROOT / "notebooks",
            cache=ArticleCache(ws["cache"]),
            jobs=jobs,
            force=force,
        )
    else:
        with LocalEngine(jobs) as engine:
            result = pipeline.update_tables(
                ws["corpus"], ws["build"] / "tables", cache=ArticleCache(ws["cache"]), engine=engine
            )
    return time.perf_counter() - started, result


def stage_table(result, notebooks: bool) -> dict[str, float]:
    """The stages of a run as the issue names them."""
    seconds = result.stages if notebooks else {f"extract.{k}": v for k, v in result.seconds.items()}
    stages = {
        "read (screen+hash, parse files)": seconds.get("extract.screen", 0)
        + seconds.get("extract.lookup", 0)
        + seconds.get("extract.read", 0),
        "extract (claims, drones; cached per batch)": seconds.get("extract.extract", 0)
        + seconds.get("extract.cache_write", 0),
        "tables (frames, schemas, reviews)": seconds.get("extract.tables", 0),
        "views (incl. consolidate)": seconds.get("extract.views", 0),
        "write CSV + Parquet": seconds.get("extract.write", 0),
    }
    if notebooks:
        for name, value in result.seconds.items():
            stages[f"notebook {name}"] = value
        stages["report + publish"] = seconds.get("report", 0) + seconds.get("publish", 0)
    return stages


def quantulum_ratio(corpus: Path, sample: int) -> str:
    """quantulum3 parser.parse vs salient's per-article extraction on the same article texts."""
    from salient.extract.claims import extract_article
    from salient.extract.drones import extract_drone_mentions
    from salient.ingest.corpus import load_corpus

    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[:sample]
    scratch = Path(tempfile.mkdtemp(prefix="salient-sample-"))
    for file in files:
        shutil.copy(file, scratch / file.name)
    articles = load_corpus(scratch).articles
    shutil.rmtree(scratch, ignore_errors=True)
    mb = sum(len(a.text.encode()) for a in articles) / 1e6
    started = time.perf_counter()
    for article in articles:
        extract_article(article)
        extract_drone_mentions(article)
    ours = time.perf_counter() - started
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser
    except ImportError:
        return (
            f"salient {mb / ours:.2f} MB/s on {len(articles)} articles; quantulum3 is not "
            "installed (pip install quantulum3), so no ratio"
        )
    started = time.perf_counter()
    for article in articles:
        parser.parse(article.text)
    theirs = time.perf_counter() - started
    return (
        f"{len(articles)} articles, {mb:.2f} MB, one core: salient {mb / ours:.2f} MB/s, "
        f"quantulum3 parser.parse {mb / theirs:.2f} MB/s; salient is {theirs / ours:.2f}x "
        "quantulum3's throughput"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None, help="default: every core")
    parser.add_argument("--sample", type=int, default=200, help="articles for the quantulum3 ratio")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--no-notebooks", action="store_true", help="extraction only")
    args = parser.parse_args()

    from salient.run.engines import default_jobs

    logging.getLogger("salient").setLevel(logging.ERROR)  # "decoded as cp1252" x thousands
    jobs = args.jobs or default_jobs()
    notebooks = not args.no_notebooks
    root = args.keep or Path(tempfile.mkdtemp(prefix="salient-scale-"))
    ws = {name: root / name for name in ("corpus", "cache", "build", "out")}
    out = io.StringIO()

    def say(line: str = "") -> None:
        print(line)
        out.write(line + "\n")

    started = time.perf_counter()
    n_bytes = generate_corpus(ws["corpus"], args.articles)
    say(f"corpus: {args.articles} articles, {n_bytes / 1e6:.1f} MB, generated in "
        f"{time.perf_counter() - started:.1f} s in {ws['corpus']}")  # fmt: skip
    say(f"jobs: {jobs}; notebooks: {'yes' if notebooks else 'no'}")

    cpu_before = cpu_seconds()
    cold, result = run_once(ws, jobs, notebooks)
    cold_cpu = cpu_seconds() - cpu_before
    stages = stage_table(result, notebooks)
    del result  # the tables of one run must not stay alive into the next: peak RSS is per run
    gc.collect()
    say("\nstage seconds, cold run:")
    for name, value in stages.items():
        say(f"  {name:<44} {value:8.2f}")
    parse = (
        stages["read (screen+hash, parse files)"]
        + stages["extract (claims, drones; cached per batch)"]
    )
    say(f"\nextraction: {n_bytes / 1e6 / parse:.2f} MB/s on {jobs} cores = "
        f"{n_bytes / 1e6 / parse / jobs:.2f} MB/s per core")  # fmt: skip

    unchanged, _ = run_once(ws, jobs, notebooks)
    extract_unchanged, _ = run_once(ws, jobs, notebooks=False)
    generate_corpus(ws["corpus"], 10, start=args.articles)
    added, result_added = run_once(ws, jobs, notebooks)
    own, child = peak_rss_mb()
    say("\nend to end (salient run: extract, every notebook, report):"
        if notebooks else "\nend to end (extraction only):")  # fmt: skip
    say(f"  cold                       {cold:8.2f} s  ({cold_cpu:.0f} CPU s, all processes)")
    say(f"  unchanged rerun            {unchanged:8.2f} s")
    say(f"  unchanged `salient extract` {extract_unchanged:7.2f} s (tables current)")
    say(f"  +10 articles               {added:8.2f} s")
    if notebooks:
        extract_added = result_added.stages.get("extract", 0)
        say(f"    of which extraction      {extract_added:8.2f} s")
    del result_added
    say(f"peak RSS: {own:.0f} MB (this process), {child:.0f} MB (largest child: kernel/worker)")
    say("\nquantulum3 on the same sample: " + quantulum_ratio(ws["corpus"], args.sample))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
