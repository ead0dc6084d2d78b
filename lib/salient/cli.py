"""The `salient` command line: `salient extract`, `salient run` and `salient fetch`.

Exit codes: 0 success (also "up to date"; for fetch, also when some URLs failed: they are
listed), 1 a notebook failed (for fetch: every feed and URL failed), 2 bad input (missing corpus,
unknown theatre, notebook or parameter, bad value, no readable article, nothing to fetch), 130 a
fetch interrupted (the manifest then lists only complete files).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from salient.run import runner
from salient.run.budget import BUDGET_ENV, DEFAULT_ARTICLE_BUDGET_S
from salient.run.cache import DEFAULT_DIR as DEFAULT_CACHE_DIR
from salient.run.cache import ENV_VAR as ENV_CACHE_DIR

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default: sys.argv[1:]), run the subcommand, return the exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its two subcommands."""
    parser = argparse.ArgumentParser(
        prog="salient",
        description="Turn a folder of war-news articles into cited, tidy data and figures.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="extract the tables (ingest, articles, claims, ...) as CSV files"
    )
    extract.add_argument(
        "corpus", nargs="?", default="seeds", help="corpus folder (default: seeds)"
    )
    extract.add_argument("--out", required=True, type=Path, help="folder for the CSV tables")
    extract.add_argument("--theatre", default=runner.DEFAULT_THEATRE, help="theatre in scope")
    extract.add_argument(
        "--force", action="store_true", help="rewrite the tables even if they are current"
    )
    _add_engine_arguments(extract)
    _add_budget_option(extract)
    extract.set_defaults(handler=extract_command)

    cache = commands.add_parser("cache", help="manage the per-article cache")
    cache_commands = cache.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    clear = cache_commands.add_parser("clear", help="delete the cache folder")
    clear.add_argument("--cache-dir", type=Path, help=_CACHE_DIR_HELP)
    clear.set_defaults(handler=cache_clear_command)

    run = commands.add_parser(
        "run", help="execute the notebooks and publish figures, tables and report.html"
    )
    run.add_argument("--corpus", default="seeds", type=Path, help="corpus folder (default: seeds)")
    run.add_argument("--out", default="figures", type=Path, help="output folder (default: figures)")
    run.add_argument("--build", default="build", type=Path, help="executed notebooks and run.log")
    run.add_argument(
        "--notebooks", default="notebooks", type=Path, help="notebooks folder (default: notebooks)"
    )
    run.add_argument(
        "--only", metavar="NAME", help="run one notebook: 'territory' or '01_territory'"
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="notebook parameter, typed like papermill's -p (e.g. -p figure_formats png,pdf)",
    )
    run.add_argument("--force", action="store_true", help="rerun even if the outputs are current")
    _add_engine_arguments(
        run,
        dask=False,
        jobs_help="worker processes for parsing, and notebooks run at once (default: every core)",
    )
    _add_budget_option(run)
    run.set_defaults(handler=run_command)

    fetch = commands.add_parser(
        "fetch", help="download new articles from RSS/Atom feeds and URLs into a corpus folder"
    )
    fetch.add_argument("urls", nargs="*", metavar="URL", help="article URLs to fetch")
    fetch.add_argument("--corpus", required=True, type=Path, help="corpus folder (created)")
    fetch.add_argument(
        "--feeds",
        type=Path,
        help="file of feed URLs, one a line, optionally followed by the outlet",
    )
    fetch.add_argument("--build", default="build", type=Path, help="folder for fetch.log")
    fetch.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests to one host (default 1)"
    )
    fetch.add_argument(
        "--timeout", type=float, default=20.0, help="seconds per request attempt (default 20)"
    )
    fetch.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback and private addresses (a local server, an intranet feed)",
    )
    fetch.set_defaults(handler=fetch_command)
    return parser


_CACHE_DIR_HELP = f"cache folder (default: ${ENV_CACHE_DIR} or {DEFAULT_CACHE_DIR})"


def _add_engine_arguments(
    command: argparse.ArgumentParser,
    *,
    dask: bool = True,
    jobs_help: str = "worker processes for parsing (default: every core)",
) -> None:
    """--jobs, --no-cache, --cache-dir and (for extract) --engine/--scheduler."""
    command.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help=jobs_help,
    )
    command.add_argument(
        "--no-cache", action="store_true", help="parse every article again; read no cache"
    )
    command.add_argument("--cache-dir", type=Path, help=_CACHE_DIR_HELP)
    if dask:
        command.add_argument(
            "--engine",
            choices=("local", "dask"),
            default="local",
            help="local processes (default) or a Dask cluster",
        )
        command.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler address (e.g. tcp://10.0.0.5:8786); default: a local cluster",
        )


def _add_budget_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--article-budget",
        type=_seconds,
        metavar="SECONDS",
        help="time allowed to read, and to extract, each article; an article over it is skipped "
        f"and its ingest row says so (default: ${BUDGET_ENV} or {DEFAULT_ARTICLE_BUDGET_S:g}; "
        "0: no limit)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def extract_command(args: argparse.Namespace) -> int:
    """`salient extract`: corpus → tables, with a one-line summary."""
    from salient.ingest.corpus import CorpusError
    from salient.run import engines, pipeline
    from salient.run.cache import ArticleCache

    try:
        theatre = runner.check_theatre(args.theatre)
    except runner.UsageError as error:
        return _usage_error(str(error))
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        return _usage_error(f"corpus folder {corpus} does not exist or is not a folder")
    if args.scheduler and args.engine != "dask":
        return _usage_error("--scheduler needs --engine dask")
    cache = None if args.no_cache else ArticleCache(args.cache_dir)
    try:
        with engines.make_engine(args.engine, jobs=args.jobs, scheduler=args.scheduler) as engine:
            update = pipeline.update_tables(
                corpus,
                args.out,
                theatre=theatre,
                cache=cache,
                engine=engine,
                force=args.force,
                article_budget_s=args.article_budget,
            )
    except CorpusError as error:
        return _usage_error(str(error))
    except pipeline.NoReadableArticle as error:
        return _usage_error(str(error) + _skip_reasons(error.ingest))
    if update.extraction is None:
        print(f"up to date: tables in {args.out} match {corpus} (use --force to rewrite)")
        return EXIT_OK
    parsed, skipped = _ingest_counts(update.ingest)
    n_tables = len({path.stem for path in update.written})
    print(
        f"{parsed} parsed, {skipped} skipped, {len(update.extraction.claims)} claims; "
        f"{n_tables} tables written to {args.out}" + _cache_summary(update.extraction.cache_stats)
    )
    return EXIT_OK


def _cache_summary(stats: Any) -> str:
    """'; cache: 1990 reused, 10 parsed' (and rejected entries), or '' without a cache."""
    if stats is None:
        return ""
    text = f"; cache: {stats.hits} reused, {stats.misses} parsed"
    if stats.reextracted:
        text += f", {stats.reextracted} re-extracted"
    if stats.rejected:
        text += f", {stats.rejected} corrupt entries rebuilt"
    if stats.write_errors:
        text += f", not writable ({stats.write_errors[0]})"
    return text


def cache_clear_command(args: argparse.Namespace) -> int:
    """`salient cache clear`: delete the cache folder (only if it is a Salient cache)."""
    from salient.run.cache import ArticleCache

    cache = ArticleCache(args.cache_dir)
    if not cache.folder.exists():
        print(f"no cache at {cache.folder}")
        return EXIT_OK
    try:
        removed = cache.clear()
    except (ValueError, OSError) as error:
        return _usage_error(str(error))
    print(f"removed {cache.folder} ({removed} entries)")
    return EXIT_OK


def _ingest_counts(ingest: Any) -> tuple[int, int]:
    """(parsed incl. parsed_with_warnings, skipped) from the ingest table."""
    skipped = int((ingest["status"] == "skipped").sum())
    return len(ingest) - skipped, skipped


def _skip_reasons(ingest: Any, limit: int = 5) -> str:
    """The first few skipped files and why, one per line."""
    rows = ingest[ingest["status"] == "skipped"].head(limit)
    return "".join(f"\n  {row.file}: {row.reason}" for row in rows.itertuples())


def run_command(args: argparse.Namespace) -> int:
    """`salient run`: extract once, execute the notebooks and publish their outputs atomically."""
    from salient.run.cache import ArticleCache

    try:
        extras = {key: runner.parse_value(value) for key, value in args.parameter}
        result = runner.run_notebooks(
            corpus_dir=args.corpus,
            out_dir=args.out,
            build_dir=args.build,
            notebooks_dir=args.notebooks,
            only=args.only,
            parameters=extras,
            force=args.force,
            progress=sys.stderr,
            cache=None if args.no_cache else ArticleCache(args.cache_dir),
            jobs=args.jobs,
            article_budget_s=args.article_budget,
        )
    except runner.RunError as error:
        print(f"salient run: error: {error}", file=sys.stderr)
        if isinstance(error, runner.NotebookFailed):
            print(f"salient run: {args.out} left unchanged", file=sys.stderr)
        return error.exit_code
    short = result.fingerprint[:12]
    if result.status == "up_to_date":
        print(f"up to date (fingerprint {short}); use --force to rerun")
    else:
        total = sum(result.seconds.values())
        print(
            f"ran {len(result.seconds)} notebook(s) in {total:.1f} s; outputs in {args.out}, "
            f"report {result.report} (fingerprint {short})"
        )
    return EXIT_OK


def fetch_command(args: argparse.Namespace) -> int:
    """`salient fetch`: feeds and URLs → new HTML files and manifest rows, then a summary."""
    from salient.ingest import fetch
    from salient.ingest.fetch_http import FetchOptions

    options = FetchOptions(
        host_delay_s=args.delay, timeout_s=args.timeout, allow_private=args.allow_private
    )
    with fetch.log_to(args.build / fetch.LOG_NAME), fetch.sigterm_as_interrupt():
        try:
            feeds = fetch.read_feeds_file(args.feeds) if args.feeds else []
            summary = fetch.fetch_corpus(
                args.corpus, feeds=feeds, urls=args.urls, options=options, progress=sys.stderr
            )
        except fetch.FetchError as error:
            return _usage_error(str(error))
        except fetch.FetchInterrupted as interrupted:
            print(fetch.format_summary(interrupted.summary, args.corpus))
            print(
                "salient fetch: interrupted; the manifest lists only complete files",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    print(fetch.format_summary(summary, args.corpus))
    return fetch.exit_code(summary)


def _usage_error(message: str) -> int:
    print(f"salient: error: {message}", file=sys.stderr)
    return EXIT_USAGE
