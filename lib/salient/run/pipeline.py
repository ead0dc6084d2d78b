"""The extraction pipeline: a corpus folder → ingest, articles, claims, drone mentions and views.

Per-article work (`salient.extract.claims.claim_rows`) is pure; everything cross-article (consolidation,
views) runs after it, here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import pandas as pd

from salient.analysis.review import apply_reviews, review_effects
from salient.analysis.views import build_views
from salient.extract import syntax
from salient.extract.claims import claim_rows
from salient.extract.drones import drone_mention_rows
from salient.ingest.corpus import (
    REVIEWS_NAME,
    ManifestEntry,
    article_from_bytes,
    article_row,
    articles_from_rows,
    ingest_table,
    input_files,
    missing_rows,
    read_manifest,
    screen_file,
    skipped_row,
)
from salient.model import Article, PublishedDate
from salient.output import storage
from salient.run.budget import article_budget, overrun_reason, within_budget
from salient.run.cache import (
    ArticleCache,
    CacheStats,
    Entry,
    Extracted,
    entry_key,
    library_fingerprint,
)
from salient.run.engines import Engine, LocalEngine
from salient.schemas import ARTICLES, CLAIMS, DRONE_MENTIONS, REVIEW_EFFECTS, REVIEW_LOG

log = logging.getLogger(__name__)

DEFAULT_THEATRE = "Kursk"
STAMP_NAME = ".tables"
BATCH = 1000  # articles per batch sent to the engine; each batch is cached when done


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
    cache_stats: CacheStats | None = None  # what the cache did, when one was used
    key: str = ""  # the Plan key the tables were made from (see `Plan`)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, see `extract_plan`

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


def extract_corpus(
    corpus: str | Path,
    *,
    theatre: str = DEFAULT_THEATRE,
    cache: ArticleCache | None = None,
    engine: Engine | None = None,
    jobs: int | None = None,
    max_bytes: int = 5_000_000,
    article_budget_s: float | None = None,
) -> Extraction:
    """Read a corpus folder and extract every table. Raises CorpusError for a missing folder.

    With a `cache`, files whose entry is current are not read or extracted again (see
    `salient.run.cache`). Per-article work runs on `engine` (default: `jobs` local processes, all
    cores when None); the tables do not depend on either. Reading an article, and extracting
    from it, each get `article_budget_s` seconds (see `extract_plan`).
    """
    plan = plan_corpus(corpus, theatre=theatre, max_bytes=max_bytes)
    return extract_plan(
        plan, cache=cache, engine=engine, jobs=jobs, article_budget_s=article_budget_s
    )


@dataclass
class Plan:
    """A corpus screened and keyed, before anything is parsed.

    `key` covers every input of the tables (each file's cache key or skip reason, the manifest,
    the reviews file, the theatre, the library fingerprint): equal keys mean equal tables, which lets
    `salient extract` leave current tables alone without looking at a single cache entry.
    """

    folder: Path
    theatre: str
    manifest: dict[str, ManifestEntry]
    manifest_rows: list[dict[str, object]]
    missing: list[dict[str, object]]
    slots: list[_Slot]
    max_bytes: int
    key: str
    seconds: float = 0.0  # time taken to screen and hash


def plan_corpus(
    corpus: str | Path, *, theatre: str = DEFAULT_THEATRE, max_bytes: int = 5_000_000
) -> Plan:
    """List, screen and hash the corpus' files (reading each once; nothing is parsed)."""
    started = time.perf_counter()
    folder = Path(corpus)
    files = input_files(folder)
    manifest, manifest_rows = read_manifest(folder)
    fingerprint = library_fingerprint()
    slots = [
        _screen(file, manifest.get(file.name), theatre, fingerprint, max_bytes) for file in files
    ]
    missing = missing_rows(manifest, files)
    digest = hashlib.sha256(f"salient-tables\0{theatre}\0{fingerprint}\0".encode())
    digest.update(_reviews_digest(folder).encode() + b"\0")
    for part in (repr(manifest_rows), repr(missing), *(s.key or repr(s.skipped) for s in slots)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    seconds = time.perf_counter() - started
    return Plan(
        folder,
        theatre,
        manifest,
        manifest_rows,
        missing,
        slots,
        max_bytes,
        digest.hexdigest(),
        seconds,
    )


def _reviews_digest(folder: Path) -> str:
    """sha256 of the corpus' reviews file (applied after extraction, so not in any entry key)."""
    try:
        return hashlib.sha256((folder / REVIEWS_NAME).read_bytes()).hexdigest()
    except OSError:
        return "no reviews"


def extract_plan(
    plan: Plan,
    *,
    cache: ArticleCache | None = None,
    engine: Engine | None = None,
    jobs: int | None = None,
    article_budget_s: float | None = None,
) -> Extraction:
    """Parse what the cache lacks, extract what is stale, and assemble the tables (the plan is
    used up: its per-article results are released once they are in the tables).

    Reading an article, and extracting from it, each get `article_budget_s` seconds of wall
    time (default: $SALIENT_ARTICLE_BUDGET_S or salient.run.budget.DEFAULT_ARTICLE_BUDGET_S; 0: no
    limit). An article that runs out of time is left out and its ingest row says so ("skipped",
    "extraction exceeded N s"); the cache keeps that outcome, so the next run does not spend the
    budget on it again until the file or the code changes. The rest of the corpus is unaffected.

    `Extraction.seconds` gives the time of each stage (lookup, read, extract, cache_write,
    tables, views), for the benchmark and the run log.
    """
    budget_s = article_budget(article_budget_s)
    clock = _Stopwatch()
    if cache is not None:
        for slot in plan.slots:
            _look_up(slot, cache)
    clock.lap("lookup")
    owned = engine is None
    engine = engine or LocalEngine(jobs)
    try:
        _read_misses(plan, engine, budget_s)
        clock.lap("read")
        reextracted = _extract_stale(plan.slots, plan.theatre, engine, cache, budget_s)
        clock.lap("extract")
    finally:
        if owned:
            engine.close()
    if cache is not None:
        cache.stats.reextracted += reextracted
        for slot in plan.slots:  # files skipped while reading have no extraction batch
            if slot.changed and slot.entry is not None and slot.entry.extracted is None:
                cache.put(slot.entry)
    clock.lap("cache_write")
    rows = plan.manifest_rows + [slot.ingest_row() for slot in plan.slots] + plan.missing
    extraction = _assemble(
        plan.slots, ingest_table(rows), plan.folder, cache, clock, theatre=plan.theatre
    )
    for slot in plan.slots:  # the rows are in the tables now: free them before writing those
        slot.entry = None
    extraction.key = plan.key
    extraction.seconds = {"screen": plan.seconds} | clock.laps
    return extraction


class _Stopwatch:
    """Seconds per named stage, each lap measured from the previous one."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


@dataclass
class _Slot:
    """One input file on its way through a run: screened, read (or cached), extracted."""

    path: Path
    key: str = ""  # cache key of a readable file
    skipped: dict[str, object] | None = None  # ingest row of a file screened out before reading
    entry: Entry | None = None  # reading and extraction, from the cache or made in this run
    changed: bool = False  # the entry was (re)made in this run and should be cached
    hit: bool = False  # the entry came from the cache

    @property
    def name(self) -> str:
        return self.path.name

    def ingest_row(self) -> dict[str, object]:
        """The file's ingest row; an article whose extraction failed is skipped, with the reason."""
        if self.entry is None:
            assert self.skipped is not None
            return self.skipped
        extracted = self.entry.extracted
        if extracted is not None and extracted.failure:
            return self.entry.ingest_row | {"status": "skipped", "reason": extracted.failure}
        return self.entry.ingest_row

    def extracted(self) -> Extracted | None:
        """The extraction of a readable article that did not fail, else None."""
        if self.entry is None or self.entry.extracted is None or self.entry.extracted.failure:
            return None
        return self.entry.extracted


def _screen(
    file: Path,
    manifest_row: ManifestEntry | None,
    theatre: str,
    fingerprint: str,
    max_bytes: int,
) -> _Slot:
    """The file's cache key from its bytes, or its skipped row. The bytes are not kept: holding
    a large corpus in memory costs more than reading the few files that need parsing again."""
    raw, skipped = screen_file(file, manifest_row, max_bytes=max_bytes)
    if raw is None:
        return _Slot(file, skipped=skipped)
    sha = hashlib.sha256(raw).hexdigest()
    return _Slot(file, key=entry_key(file.name, sha, manifest_row, theatre, fingerprint))


def _look_up(slot: _Slot, cache: ArticleCache) -> None:
    if not slot.key:
        return
    slot.entry = cache.get(slot.key)
    slot.hit = slot.entry is not None
    if slot.hit:
        cache.stats.hits += 1
    else:
        cache.stats.misses += 1


def _read_misses(plan: Plan, engine: Engine, budget_s: float = 0.0) -> None:
    """Decode, section and date the files the cache did not have (on the engine).

    The bytes are read again here; a file that changed since it was screened is read as it is
    now, and its entry keyed by its new bytes, so no entry ever holds content of another key.
    """
    todo = [slot for slot in plan.slots if slot.entry is None and slot.key]
    tasks = []
    for slot in todo:
        row = plan.manifest.get(slot.name)
        raw, skipped = screen_file(slot.path, row, max_bytes=plan.max_bytes)
        if raw is not None:
            sha = hashlib.sha256(raw).hexdigest()
            slot.key = entry_key(slot.name, sha, row, plan.theatre, library_fingerprint())
        tasks.append((slot.name, raw, row, skipped, budget_s))
    for slot, (article, row) in zip(todo, engine.map(_read_task, tasks), strict=True):
        slot.entry = Entry.make(slot.key, article, row)
        slot.changed = True


def _read_task(
    task: tuple[str, bytes | None, ManifestEntry | None, dict | None, float],
) -> tuple[Article | None, dict]:
    name, raw, manifest_row, skipped, budget_s = task
    if raw is None:  # became unreadable since it was screened
        return None, skipped
    read = within_budget(partial(article_from_bytes, name, raw, manifest_row), budget_s)
    return read or (None, skipped_row(name, overrun_reason(budget_s), n_bytes=len(raw)))


def _extract_stale(
    slots: list[_Slot],
    theatre: str,
    engine: Engine,
    cache: ArticleCache | None,
    budget_s: float = 0.0,
) -> int:
    """Extract every article whose cached extraction is missing or was made with another date;
    returns how many of them came from the cache (re-extracted).

    Work goes to the engine in batches, and each batch is cached as soon as it is done, so an
    interrupted cold run of a large corpus keeps what it finished.
    """
    readable = [slot for slot in slots if slot.entry is not None and slot.entry.published]
    dates = corpus_dates([slot.entry.published for slot in readable])
    todo = [
        (slot, published)
        for slot, published in zip(readable, dates, strict=True)
        if slot.entry.extracted is None or slot.entry.extracted.published != published
    ]
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        tasks = [
            (replace(slot.entry.article(), published=day), theatre, budget_s) for slot, day in batch
        ]
        for (slot, _), extracted in zip(batch, engine.map(_extract_task, tasks), strict=True):
            slot.entry.extracted = extracted
            slot.changed = True
            if cache is not None:
                cache.put(slot.entry)
    return sum(1 for slot, _ in todo if slot.hit)


def _extract_task(task: tuple[Article, str, float]) -> Extracted:
    article, theatre, budget_s = task
    syntax.nlp()  # loaded (once per process) before the clock starts: not the article's time
    done = within_budget(partial(_extract_one, article, theatre), budget_s)
    if done is None:
        log.warning("%s: skipped: %s", article.file, overrun_reason(budget_s))
        return Extracted(published=article.published, failure=overrun_reason(budget_s))
    claims, mentions = done
    return Extracted(
        published=article.published,
        article_row=tuple(article_row(article).values()),
        claims=tuple(claims),
        mentions=tuple(mentions),
    )


def _assemble(
    slots: list[_Slot],
    ingest: pd.DataFrame,
    folder: Path,
    cache: ArticleCache | None,
    clock: _Stopwatch,
    *,
    theatre: str,
) -> Extraction:
    """The corpus tables from the per-article results, in file order, with the analysts' reviews
    (`reviews.csv` in the folder, see salient.analysis.review) applied to the claims before the views are
    built; `review_effects` says how they changed the views."""
    done = [extracted for slot in slots if (extracted := slot.extracted()) is not None]
    extracted = _frame([row for e in done for row in e.claims], CLAIMS)
    mentions = _frame([row for e in done for row in e.mentions], DRONE_MENTIONS)
    articles = articles_from_rows(
        [dict(zip(ARTICLES.columns, e.article_row, strict=True)) for e in done]
    )
    reviewed = apply_reviews(extracted, folder, theatre=theatre)  # its limits for corrections
    clock.lap("tables")
    views_of = partial(_views_of, mentions=mentions, articles=articles)
    views = views_of(reviewed.claims)
    effects = review_effects(extracted, reviewed.claims, views_of)
    clock.lap("views")
    return Extraction(
        ingest=ingest,
        articles=articles,
        claims=reviewed.claims,
        drone_mentions=mentions,
        views=views,
        review_log=reviewed.log,
        review_effects=effects,
        cache_stats=cache.stats if cache is not None else None,
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
    dates = corpus_dates([a.published for a in articles])
    return [
        a if a.published is published else replace(a, published=published)
        for a, published in zip(articles, dates, strict=True)
    ]


def corpus_dates(published: list[PublishedDate]) -> list[PublishedDate]:
    """`date_from_corpus` on the publication dates alone (weak ones → the corpus span)."""
    dated = [p for p in published if not _weakly_dated(p)]
    if not dated:
        return published
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
    return [span if _weakly_dated(p) else p for p in published]


def _weakly_dated(published: PublishedDate) -> bool:
    return published.earliest is None or (
        published.basis == "inferred" and published.precision in ("year", "unknown")
    )


def _extract_one(article: Article, theatre: str) -> tuple[list[tuple], list[tuple]]:
    """The pure per-article step: claims and drone mentions, as row tuples (small to pickle,
    cheap to concatenate)."""
    return claim_rows(article, theatre), drone_mention_rows(article, theatre)


def _frame(rows: list[tuple], schema) -> pd.DataFrame:
    """Row tuples → a validated frame; an empty table keeps its columns."""
    if not rows:
        return pd.DataFrame(columns=list(schema.columns))
    return schema.validate(pd.DataFrame(rows, columns=list(schema.columns)))


def write_tables(
    extraction: Extraction, out_dir: str | Path, formats: tuple[str, ...] = storage.FORMATS
) -> list[Path]:
    """Write every table as deterministic CSV and as Parquet (schemas applied), atomically each.

    Last, a stamp (`.tables`) records the extraction's key and each file's sha256, so that
    `tables_up_to_date` can tell that a rerun would write the same files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / STAMP_NAME).unlink(missing_ok=True)  # tables being rewritten are not current
    written = []
    for name, frame in extraction.tables().items():
        schema = storage.TABLE_SCHEMAS.get(name)
        if "csv" in formats:
            written.append(storage.write_csv(frame, out / f"{name}.csv"))
        if "parquet" in formats:
            written.append(storage.write_parquet(frame, out / f"{name}.parquet", schema))
    if extraction.key:
        _write_stamp(out, extraction.key, written)
    return written


def read_tables(folder: str | Path) -> Extraction:
    """The tables `write_tables` wrote to `folder`, from their Parquet files (exact floats).

    This is how a run's notebooks get their data without extracting again.
    """
    folder = Path(folder)
    frames = {path.stem: storage.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}
    missing = [name for name in storage.TABLE_SCHEMAS if name not in frames]
    if missing:
        raise FileNotFoundError(f"{folder} has no {', '.join(missing)} table (.parquet)")
    base = {name: frames.pop(name) for name in storage.TABLE_SCHEMAS}
    views = {name: frames[name] for name in build_views_names() if name in frames}
    return Extraction(**base, views=views)


def build_views_names() -> list[str]:
    """The view tables in the order `build_views` makes them."""
    from salient.analysis.views import VIEWS

    return list(VIEWS)


def open_tables(
    tables_dir: str | Path | None,
    corpus_dir: str | Path,
    *,
    theatre: str = DEFAULT_THEATRE,
    cache: ArticleCache | bool | None = True,
) -> Extraction:
    """What a notebook analyses: the run's tables when `salient run` passed `tables_dir`, else
    the corpus extracted here, through the default cache (a notebook opened in JupyterLab)."""
    if tables_dir:
        return read_tables(tables_dir)
    if cache is True:
        cache = ArticleCache()
    return extract_corpus(corpus_dir, theatre=theatre, cache=cache or None)


def parquet_dir(tables_dir: str | Path | None, extraction: Extraction) -> Path:
    """A folder holding `extraction`'s tables as Parquet, for DuckDB and other engines.

    The run's `tables_dir` when given; else the tables written once to a folder named by the
    extraction's key in the temporary directory (a notebook opened on its own).
    """
    if tables_dir:
        return Path(tables_dir)
    folder = Path(tempfile.gettempdir()) / f"salient-tables-{extraction.key[:16] or os.getpid()}"
    if not (extraction.key and tables_up_to_date(folder, extraction.key)):
        write_tables(extraction, folder, formats=("parquet",))
    return folder


class NoReadableArticle(Exception):
    """A corpus where every file was skipped; `ingest` says why."""

    def __init__(self, folder: Path, ingest: pd.DataFrame) -> None:
        skipped = int((ingest["status"] == "skipped").sum())
        super().__init__(f"no readable article in {folder}: {skipped} file(s) skipped, none parsed")
        self.ingest = ingest


@dataclass
class TablesUpdate:
    """What `update_tables` did: wrote the tables (`extraction` set) or found them current."""

    folder: Path
    ingest: pd.DataFrame
    extraction: Extraction | None = None
    written: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, "write" included

    @property
    def up_to_date(self) -> bool:
        return self.extraction is None


def update_tables(
    corpus: str | Path,
    out_dir: str | Path,
    *,
    theatre: str = DEFAULT_THEATRE,
    cache: ArticleCache | None = None,
    engine: Engine | None = None,
    force: bool = False,
    article_budget_s: float | None = None,
) -> TablesUpdate:
    """Extract `corpus` into `out_dir` unless the tables there are current (with a cache and not
    `force`). Raises CorpusError, or NoReadableArticle (nothing is written then). Each article
    gets `article_budget_s` seconds (see `extract_plan`)."""
    out = Path(out_dir)
    plan = plan_corpus(corpus, theatre=theatre)
    if cache is not None and not force and tables_up_to_date(out, plan.key):
        ingest = storage.read_parquet(out / "ingest.parquet")
        return TablesUpdate(out, ingest, seconds={"screen": plan.seconds})
    extraction = extract_plan(plan, cache=cache, engine=engine, article_budget_s=article_budget_s)
    if (extraction.ingest["status"] != "skipped").sum() == 0:
        raise NoReadableArticle(Path(corpus), extraction.ingest)
    started = time.perf_counter()
    written = write_tables(extraction, out)
    seconds = extraction.seconds | {"write": time.perf_counter() - started}
    return TablesUpdate(out, extraction.ingest, extraction, written, seconds)


def tables_up_to_date(out_dir: str | Path, key: str) -> bool:
    """True when `out_dir` holds tables written from `key`, each file as it was written."""
    try:
        stamp = json.loads((Path(out_dir) / STAMP_NAME).read_text(encoding="utf-8"))
        if stamp["key"] != key:
            return False
        return all(_sha256(Path(out_dir) / name) == sha for name, sha in stamp["outputs"].items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_stamp(out: Path, key: str, written: list[Path]) -> None:
    outputs = {path.name: _sha256(path) for path in written}
    tmp = out / f"{STAMP_NAME}.tmp"
    tmp.write_text(json.dumps({"key": key, "outputs": outputs}, indent=1, sort_keys=True) + "\n")
    tmp.replace(out / STAMP_NAME)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
