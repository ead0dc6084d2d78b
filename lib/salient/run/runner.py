"""Run the analysis notebooks with papermill and publish their outputs atomically.

`run_notebooks` is what `salient run` calls. In order, it:
1. validates everything it can before starting a kernel (corpus folder, notebook selection, each
   notebook's `parameters` cell, the names and types of `-p` values) and raises `UsageError`;
2. computes a fingerprint of every input (corpus bytes, notebook sources, the salient package,
   parameters, library versions) and stops early when the published outputs already match it;
3. executes each notebook (kernel `python3`, cwd = the notebooks folder) into the build folder,
   with `output_dir` pointing at a staging folder next to the output folder;
4. only when every notebook succeeded: writes `ingest.csv`, the HTML report and `.fingerprint`
   into staging, then swaps staging in for the output folder. On any failure the previous
   output folder is left byte-for-byte as it was and staging is deleted.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import salient
from salient import logs
from salient.extract import gazetteer
from salient.run.budget import BUDGET_ENV, DEFAULT_ARTICLE_BUDGET_S, article_budget

if TYPE_CHECKING:
    import pandas as pd

    from salient.run.cache import ArticleCache

log = logging.getLogger(__name__)

KERNEL_NAME = "python3"
FIGURE_FORMATS = ("png", "svg", "pdf")
DEFAULT_FIGURE_FORMATS = ["png", "svg"]
DEFAULT_THEATRE = "Kursk"
REPORT_NAME = "report.html"
INGEST_NAME = "ingest.csv"
FINGERPRINT_NAME = ".fingerprint"
LOG_NAME = "run.log"
# Parameters the runner sets itself; -p may not override them.
PATH_PARAMETERS = {"corpus_dir": "--corpus", "output_dir": "--out", "tables_dir": "--build"}
TABLES_DIR_NAME = "tables"  # in the build folder: the run's extracted tables, read by the notebooks
# Environment for the kernels: fixed hash seed and a fixed date for file metadata (matplotlib's
# SVG/PDF writers read SOURCE_DATE_EPOCH), so reruns give byte-identical files.
DETERMINISTIC_ENV = {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}
FINGERPRINTED_VERSIONS = ("pandas", "numpy", "matplotlib", "seaborn", "nbconvert", "papermill")
CELL_TIMEOUT_S = 600  # one cell running longer than this is a hang, not an analysis
_NOT_A_LITERAL = object()  # default of a parameter assigned from an expression


class RunError(Exception):
    """A run that could not complete; `exit_code` is what the command line returns."""

    exit_code = 1


class UsageError(RunError):
    """Bad input found before anything ran (missing corpus, unknown parameter, ...)."""

    exit_code = 2


class NotebookFailed(RunError):
    """A notebook raised; the message names the notebook, the cell and the error."""

    exit_code = 1


@dataclass(frozen=True)
class Notebook:
    """One analysis notebook and the parameters its `parameters` cell declares."""

    path: Path
    declared: dict[str, Any]  # name → literal default (or _NOT_A_LITERAL)
    parameters_cell: int  # index of the tagged cell in the source notebook

    @property
    def name(self) -> str:
        """The file stem, e.g. '01_territory'."""
        return self.path.stem


@dataclass
class RunResult:
    """What a run did: ran the notebooks, or found the outputs up to date."""

    status: Literal["ran", "up_to_date"]
    fingerprint: str
    out_dir: Path
    report: Path
    seconds: dict[str, float] = field(default_factory=dict)  # per notebook, in run order
    stages: dict[str, float] = field(default_factory=dict)  # extract.<stage>, report, publish


def run_notebooks(
    *,
    corpus_dir: str | Path,
    out_dir: str | Path,
    build_dir: str | Path,
    notebooks_dir: str | Path,
    only: str | None = None,
    parameters: dict[str, Any] | None = None,
    force: bool = False,
    kernel_name: str = KERNEL_NAME,
    progress: TextIO | None = None,
    cache: ArticleCache | None = None,
    jobs: int | None = None,
    article_budget_s: float | None = None,
) -> RunResult:
    """Execute the notebooks and publish figures, tables and the report into `out_dir`.

    `parameters` are extra notebook parameters (already typed, e.g. from `parse_value`); each
    notebook receives the standard ones (corpus_dir, output_dir, theatre, figure_formats) and the
    extras that its own `parameters` cell declares. Raises UsageError or NotebookFailed.

    The corpus is extracted once, through `cache` on `jobs` processes, into `<build>/tables`;
    notebooks that declare `tables_dir` read those tables instead of extracting again. Each
    article gets `article_budget_s` seconds (salient.run.budget; None: the default); notebooks that
    extract themselves get the same budget through the environment.
    """
    try:
        budget_s = article_budget(article_budget_s)
    except ValueError as error:
        raise UsageError(str(error)) from error
    corpus = Path(corpus_dir).resolve()
    out = Path(out_dir).resolve()
    build = Path(build_dir).resolve()
    check_corpus(corpus)
    notebooks = select_notebooks(discover_notebooks(Path(notebooks_dir).resolve()), only)
    shared = shared_parameters(notebooks, parameters or {})
    plan = {nb.name: notebook_parameters(nb, shared) for nb in notebooks}
    fingerprint = compute_fingerprint(corpus, notebooks, plan, kernel_name, budget_s)

    build.mkdir(parents=True, exist_ok=True)
    with _log_to(build / LOG_NAME), _budget_environment(budget_s):
        log.info("run: corpus %s, out %s, fingerprint %s", corpus, out, fingerprint)
        if not force and outputs_up_to_date(out, fingerprint):
            log.info("up to date; nothing executed")
            return RunResult("up_to_date", fingerprint, out, out / REPORT_NAME)
        tables = build / TABLES_DIR_NAME
        ingest, stages = extract_tables(
            corpus, tables, shared["theatre"], cache, jobs, progress, article_budget_s=budget_s
        )
        staging = out.parent / f"{out.name}.staging-{os.getpid()}"
        try:
            paths = {
                "corpus_dir": str(corpus),
                "output_dir": str(staging),
                "tables_dir": str(tables),
            }
            seconds = _execute_into(
                staging, notebooks, plan, paths, build, kernel_name, progress, notebook_jobs(jobs)
            )
            started = time.perf_counter()
            _finish_staging(staging, notebooks, build, ingest, fingerprint)
            stages["report"] = time.perf_counter() - started
            publish(staging, out)
            stages["publish"] = time.perf_counter() - started - stages["report"]
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info("published %s", out)
        return RunResult("ran", fingerprint, out, out / REPORT_NAME, seconds, stages)


# --- validation -------------------------------------------------------------------------------


def check_corpus(corpus: Path) -> None:
    """The corpus must be an existing folder."""
    if not corpus.is_dir():
        what = "is not a folder" if corpus.exists() else "does not exist"
        raise UsageError(f"corpus folder {corpus} {what}; pass --corpus DIR")


def discover_notebooks(folder: Path) -> list[Notebook]:
    """Every `*.ipynb` in `folder` (not hidden, not checkpoints), sorted by name, parsed."""
    if not folder.is_dir():
        raise UsageError(f"notebooks folder {folder} does not exist; run from the project root")
    paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not paths:
        raise UsageError(f"no notebooks (*.ipynb) in {folder}")
    return [read_notebook(path) for path in paths]


def read_notebook(path: Path) -> Notebook:
    """Parse a notebook and the assignments of its cell tagged `parameters`.

    An .ipynb file is JSON (nbformat v4: cells with metadata.tags and source as a string or a
    list of lines); reading it with `json` keeps the up-to-date check fast, as importing
    nbformat alone takes about a second.
    """
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot read notebook {path.name}: {error}") from error
    for index, cell in enumerate(cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            declared = declared_parameters(source, path.name)
            if "output_dir" not in declared:
                raise UsageError(
                    f"notebook {path.name} does not declare output_dir in its parameters cell; "
                    "without it its files would bypass the staging folder"
                )
            return Notebook(path, declared, index)
    raise UsageError(
        f"notebook {path.name} has no cell tagged 'parameters'; tag the cell that assigns "
        "corpus_dir and output_dir so the runner can point it at the corpus and staging folder"
    )


def declared_parameters(source: str, where: str = "parameters cell") -> dict[str, Any]:
    """Names assigned in a parameters cell and their literal defaults.

    'theatre = "Kursk"' → {'theatre': 'Kursk'}; 'min_sources: int = 2' → {'min_sources': 2}.
    A default that is an expression (`root = Path(".")`) is recorded as not a literal, so any
    value type is accepted for it.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise UsageError(f"{where}: the parameters cell is not valid Python: {error}") from error
    declared: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                declared[target.id] = _literal(value)
    return declared


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return _NOT_A_LITERAL


def select_notebooks(notebooks: list[Notebook], only: str | None) -> list[Notebook]:
    """All notebooks, or the one `only` names: '01_territory', 'territory' or '01_territory.ipynb'."""
    if only is None:
        return notebooks
    wanted = only.removesuffix(".ipynb")
    chosen = [nb for nb in notebooks if wanted in (nb.name, short_name(nb.name))]
    if not chosen:
        names = ", ".join(nb.name for nb in notebooks)
        raise UsageError(f"no notebook named {only!r}; choose one of: {names}")
    return chosen


def short_name(stem: str) -> str:
    """A notebook stem without its order prefix: '01_territory' → 'territory'."""
    prefix, _, rest = stem.partition("_")
    return rest if prefix.isdigit() and rest else stem


def parse_value(text: str) -> Any:
    """A `-p` value, typed like papermill's `-p`: True/False/None, int, float, else the string.

    A value starting with '[' is read as a Python list literal: '["png", "pdf"]' → ['png', 'pdf'].
    """
    if text.lstrip().startswith("["):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError) as error:
            raise UsageError(f"cannot read {text!r} as a list: {error}") from error
    special = {"True": True, "False": False, "None": None}
    if text in special:
        return special[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def shared_parameters(notebooks: list[Notebook], extras: dict[str, Any]) -> dict[str, Any]:
    """The standard parameters with `extras` applied, each checked against the notebooks."""
    for name, flag in PATH_PARAMETERS.items():
        if name in extras:
            raise UsageError(f"parameter {name} is set by the runner; use {flag} instead")
    declared = {name for nb in notebooks for name in nb.declared}
    unknown = sorted(set(extras) - declared)
    if unknown:
        names = ", ".join(sorted(declared - set(PATH_PARAMETERS))) or "none"
        raise UsageError(
            f"unknown parameter {', '.join(unknown)}: no selected notebook declares it in its "
            f"parameters cell (declared: {names})"
        )
    values = {"theatre": DEFAULT_THEATRE, "figure_formats": list(DEFAULT_FIGURE_FORMATS)}
    values |= extras
    values["figure_formats"] = check_figure_formats(values["figure_formats"])
    values["theatre"] = check_theatre(values["theatre"])
    for nb in notebooks:
        for name in extras:
            if name in nb.declared:
                check_type(nb.name, name, values[name], nb.declared[name])
    return values


def check_figure_formats(value: Any) -> list[str]:
    """A non-empty list drawn from png, svg, pdf; a string 'png,svg' is split on commas."""
    formats = [part.strip() for part in value.split(",")] if isinstance(value, str) else value
    if (
        not isinstance(formats, list)
        or not formats
        or not all(isinstance(f, str) and f in FIGURE_FORMATS for f in formats)
        or len(set(formats)) != len(formats)
    ):
        raise UsageError(
            f"figure_formats must be a list of distinct formats from {', '.join(FIGURE_FORMATS)} "
            f"(e.g. -p figure_formats png,svg); got {value!r}"
        )
    return formats


def check_theatre(value: Any) -> str:
    """The theatre is a non-empty name that data/theatres.csv defines; its canonical spelling."""
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"theatre must be a non-empty name; got {value!r}")
    try:
        return gazetteer.theatre_spec(value).name
    except gazetteer.UnknownTheatreError as error:
        raise UsageError(str(error)) from error


def check_type(notebook: str, name: str, value: Any, default: Any) -> None:
    """A `-p` value must fit the type of the notebook's default (int is fine for a float)."""
    if default is None or default is _NOT_A_LITERAL:
        return
    expected = type(default)
    fits = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        fits = True
    if not fits:
        raise UsageError(
            f"parameter {name} of {notebook} expects {expected.__name__} "
            f"(default {default!r}); got {value!r} ({type(value).__name__})"
        )


def notebook_parameters(nb: Notebook, shared: dict[str, Any]) -> dict[str, Any]:
    """The parameters one notebook receives: those of `shared` it declares (output_dir later)."""
    return {name: value for name, value in shared.items() if name in nb.declared}


# --- fingerprint ------------------------------------------------------------------------------


def compute_fingerprint(
    corpus: Path,
    notebooks: list[Notebook],
    plan: dict[str, dict[str, Any]],
    kernel_name: str,
    article_budget_s: float = DEFAULT_ARTICLE_BUDGET_S,
) -> str:
    """sha256 over everything that can change the outputs.

    Corpus files (relative names and bytes), the selected notebooks' sources, the salient package
    (code, data files, templates), the parameters each notebook gets (paths excluded: the corpus
    is covered by its content, the staging folder changes every run), the kernel name, and the
    versions of Python and the libraries that draw and render.
    """
    digest = hashlib.sha256(b"salient-run-fingerprint-v1\n")
    for label, files in (
        ("corpus", tree_files(corpus)),
        ("package", tree_files(Path(salient.__file__).parent)),
    ):
        for name, path in files:
            _add(digest, f"{label}/{name}", path.read_bytes())
    for nb in notebooks:
        _add(digest, f"notebook/{nb.path.name}", nb.path.read_bytes())
    _add(digest, "parameters", json.dumps(plan, sort_keys=True).encode())
    _add(digest, "environment", json.dumps(environment_versions(kernel_name)).encode())
    _add(digest, "article_budget", f"{article_budget_s:g}".encode())  # decides what is left out
    return digest.hexdigest()


def _add(digest: Any, label: str, payload: bytes) -> None:
    """Length-prefixed, so no two different inputs can concatenate to the same stream."""
    digest.update(f"{label}\0{len(payload)}\0".encode())
    digest.update(payload)


def tree_files(folder: Path) -> list[tuple[str, Path]]:
    """Regular files under `folder` as (posix relative name, path), sorted; caches skipped."""
    skip = {"__pycache__", ".ipynb_checkpoints"}
    files = [
        (path.relative_to(folder).as_posix(), path)
        for path in folder.rglob("*")
        if path.is_file() and not skip & set(path.relative_to(folder).parts)
    ]
    return sorted(files)


def environment_versions(kernel_name: str) -> dict[str, str]:
    """Python and library versions that shape the figures, plus the kernel name."""
    versions = {"python": platform.python_version(), "kernel": kernel_name}
    for package in FINGERPRINTED_VERSIONS:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def outputs_up_to_date(out: Path, fingerprint: str) -> bool:
    """True when `out` was published from `fingerprint` and every file it listed is unchanged."""
    try:
        recorded = json.loads((out / FINGERPRINT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("fingerprint") != fingerprint:
        return False
    outputs = recorded.get("outputs")
    if not isinstance(outputs, dict) or REPORT_NAME not in outputs:
        return False
    for name, sha in outputs.items():
        path = out / name
        if not path.is_file() or _sha256(path) != sha:
            return False
    return True


def write_fingerprint(folder: Path, fingerprint: str) -> Path:
    """Record the fingerprint and the sha256 of every output file (written last)."""
    outputs = {name: _sha256(path) for name, path in tree_files(folder) if name != FINGERPRINT_NAME}
    record = {"fingerprint": fingerprint, "outputs": outputs}
    path = folder / FINGERPRINT_NAME
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- execution --------------------------------------------------------------------------------


def extract_tables(
    corpus: Path,
    tables: Path,
    theatre: str,
    cache: ArticleCache | None,
    jobs: int | None,
    progress: TextIO | None = None,
    *,
    article_budget_s: float | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Extract the corpus once for the whole run into `tables`; returns the ingest table and
    the seconds of each stage ("extract" in all, "extract.read", "extract.write", ...).

    A corpus with no readable article is refused (UsageError), before any kernel starts.
    """
    from salient.ingest.corpus import CorpusError
    from salient.run import pipeline
    from salient.run.engines import LocalEngine

    _say(progress, f"extract {corpus.name} …", end=" ")
    started = time.perf_counter()
    try:
        with LocalEngine(jobs) as engine:
            update = pipeline.update_tables(
                corpus,
                tables,
                theatre=theatre,
                cache=cache,
                engine=engine,
                article_budget_s=article_budget_s,
            )
    except CorpusError as error:
        raise UsageError(str(error)) from error
    except pipeline.NoReadableArticle as error:
        _say(progress, "no readable article")
        raise UsageError(f"{error}; see the reasons with: salient extract") from error
    seconds = time.perf_counter() - started
    stages = {"extract": seconds} | {f"extract.{k}": v for k, v in update.seconds.items()}
    stats = update.extraction.cache_stats if update.extraction is not None else None
    done = "tables current" if update.up_to_date else "ok"
    if stats is not None:
        done += f", {stats.hits} cached, {stats.misses} parsed"
    _say(progress, f"{done} ({seconds:.1f} s)")
    log.info("extract: %s into %s in %.1f s", done, tables, seconds)
    log_review_problems(tables)
    return update.ingest, stages


def log_review_problems(tables: Path) -> int:
    """Write every orphaned or malformed line of the corpus' reviews.csv to the run log, from
    the run's review_log table, so it is listed even when the tables were current (stderr gets
    them from salient.analysis.review when it applies the file). Returns how many there were."""
    from salient.output import storage

    path = tables / "review_log.parquet"
    if not path.is_file():
        return 0
    review_log = storage.read_parquet(path)
    problems = review_log.loc[review_log["status"].isin(["orphan", "malformed"])]
    for message in problems["message"]:
        log.warning("review not applied: %s", message)
    return len(problems)


def _execute_into(
    staging: Path,
    notebooks: list[Notebook],
    plan: dict[str, dict[str, Any]],
    paths: dict[str, str],
    build: Path,
    kernel_name: str,
    progress: TextIO | None,
    jobs: int = 1,
) -> dict[str, float]:
    """Run every notebook with output_dir = `staging`, `jobs` kernels at a time; returns
    seconds per notebook.

    The notebooks are independent (each reads the run's tables and writes its own files), so
    they run side by side. Progress lines and the failure raised follow notebook order, not
    timing, so two runs of the same corpus print the same lines.
    """
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    workers = max(1, min(jobs, len(notebooks)))
    log.info("notebooks: %d, %d at a time", len(notebooks), workers)
    seconds: dict[str, float] = {}
    with deterministic_environment(), ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(_timed_execution, nb, plan[nb.name] | _paths_for(nb, paths), build,
                        kernel_name)
            for nb in notebooks
        ]  # fmt: skip
        try:
            for number, (nb, future) in enumerate(zip(notebooks, futures, strict=True), start=1):
                label = f"[{number}/{len(notebooks)}] {nb.name} …"
                elapsed, failure = future.result()
                if failure is not None:
                    _say(progress, f"{label} FAILED ({elapsed:.1f} s)")
                    raise failure
                seconds[nb.name] = elapsed
                _say(progress, f"{label} ok ({elapsed:.1f} s)")
                log.info("%s: ok in %.1f s", nb.name, elapsed)
        finally:  # a failure or an interrupt: notebooks not started yet never start
            for pending in futures:
                pending.cancel()
    return seconds


def notebook_jobs(jobs: int | None) -> int:
    """Kernels at a time: `jobs`, or every core this process may use."""
    from salient.run.engines import default_jobs

    return jobs if jobs else default_jobs()


def _timed_execution(
    nb: Notebook, params: dict[str, Any], build: Path, kernel_name: str
) -> tuple[float, NotebookFailed | None]:
    """(seconds, None) when the notebook ran, (seconds, the failure) when it did not."""
    log.info("%s: parameters %s", nb.name, json.dumps(params, sort_keys=True))
    started = time.perf_counter()
    try:
        execute_notebook(nb, params, build / nb.path.name, kernel_name)
    except NotebookFailed as failure:
        return time.perf_counter() - started, failure
    return time.perf_counter() - started, None


def _paths_for(nb: Notebook, paths: dict[str, str]) -> dict[str, str]:
    """The runner-set path parameters that this notebook declares."""
    return {name: value for name, value in paths.items() if name in nb.declared}


def execute_notebook(
    nb: Notebook, params: dict[str, Any], executed: Path, kernel_name: str
) -> None:
    """Execute one notebook into `executed` (kept, with the error, when it fails)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            nb.path,
            executed,
            parameters=params,
            kernel_name=kernel_name,
            cwd=nb.path.parent,
            progress_bar=False,
            log_output=True,
            execution_timeout=CELL_TIMEOUT_S,
            # The kernel's own log (not the notebook's output) warns about unencrypted local TCP
            # on every start; keep stderr for real problems.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as error:
        message = failure_message(nb, error, executed)
        log.error("%s", message)
        raise NotebookFailed(message) from error
    except Exception as error:  # kernel died, timed out, could not start, ...
        message = f"notebook {nb.name} could not be executed: {type(error).__name__}: {error}"
        log.exception("%s", message)
        raise NotebookFailed(message) from error


def failure_message(nb: Notebook, error: Any, executed: Path, n_lines: int = 3) -> str:
    """Name the notebook, the failing cell (index in the source notebook) and the error.

    papermill counts cells in the executed notebook, where its injected-parameters cell sits
    right after the tagged one; the index is mapped back so it matches the file on disk.
    """
    index = error.cell_index - 1 if error.cell_index > nb.parameters_cell else error.cell_index
    lines = [line for line in error.source.splitlines() if line.strip()]
    shown = "\n".join(f"    | {line}" for line in lines[:n_lines])
    hidden = len(lines) - n_lines
    more = f"\n    | … ({hidden} more line{'s' if hidden > 1 else ''})" if hidden > 0 else ""
    return (
        f"notebook {nb.name} failed in cell {index} (execution count {error.exec_count}):\n"
        f"{shown}{more}\n"
        f"  {error.ename}: {error.evalue}\n"
        f"  executed notebook with the error: {executed}"
    )


@contextlib.contextmanager
def _budget_environment(budget_s: float) -> Iterator[None]:
    """Pass the per-article budget to the kernels (which inherit os.environ), then restore it."""
    saved = os.environ.get(BUDGET_ENV)
    os.environ[BUDGET_ENV] = f"{budget_s:g}"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(BUDGET_ENV, None)
        else:
            os.environ[BUDGET_ENV] = saved


@contextlib.contextmanager
def deterministic_environment() -> Iterator[None]:
    """Set DETERMINISTIC_ENV for the kernels (which inherit os.environ), then restore it.

    An existing SOURCE_DATE_EPOCH is respected, as reproducible-build tools expect.
    """
    saved = {name: os.environ.get(name) for name in DETERMINISTIC_ENV}
    os.environ["PYTHONHASHSEED"] = DETERMINISTIC_ENV["PYTHONHASHSEED"]
    os.environ.setdefault("SOURCE_DATE_EPOCH", DETERMINISTIC_ENV["SOURCE_DATE_EPOCH"])
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _finish_staging(
    staging: Path, notebooks: list[Notebook], build: Path, ingest: pd.DataFrame, fingerprint: str
) -> None:
    """Add the ingest table, the report and the fingerprint record to a complete staging folder."""
    from salient.output.report import render_report

    ingest.to_csv(staging / INGEST_NAME, index=False, lineterminator="\n")
    render_report([build / nb.path.name for nb in notebooks], ingest, staging / REPORT_NAME)
    write_fingerprint(staging, fingerprint)


def publish(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with renames only, so `out` is never half-written.

    The old folder is renamed aside first and deleted only after staging took its place; if the
    second rename fails, the old folder is put back.
    """
    backup = out.parent / f"{out.name}.old-{os.getpid()}"
    shutil.rmtree(backup, ignore_errors=True)
    had_previous = out.exists()
    if had_previous:
        out.rename(backup)
    try:
        staging.rename(out)
    except OSError:
        if had_previous:
            backup.rename(out)
        raise
    shutil.rmtree(backup, ignore_errors=True)


# --- logging and progress ---------------------------------------------------------------------


def _log_to(path: Path) -> contextlib.AbstractContextManager[None]:
    """Append this module's and papermill's log records (with notebook output) to `path`."""
    return logs.log_to(path, log.name, "papermill")


def _say(stream: TextIO | None, text: str, end: str = "\n") -> None:
    if stream is not None:
        stream.write(text + end)
        stream.flush()
