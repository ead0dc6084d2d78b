"""No input can stall a run (issue 8): worst-case shapes finish fast, and a per-article time budget
leaves out what does not, in one process or in worker processes, saying so in the ingest table.

Every test here is bounded by a hard timeout of its own (a subprocess timeout or the budget's
alarm), so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.extract.claims import extract_article
from salient.ingest.corpus import read_article
from salient.ingest.sections import split_sections
from salient.ingest.sentences import MAX_SENTENCE_CHARS, split_sentences
from salient.model import Article
from salient.run import budget, pipeline, runner
from salient.run.cache import ArticleCache
from salient.run.engines import LocalEngine

from benchmarks.pathological import SHAPES, write_shape

ROOT = Path(__file__).resolve().parents[1]
SHAPE_BYTES = 100_000
SHAPE_LIMIT_S = budget.DEFAULT_ARTICLE_BUDGET_S  # each 100 KB shape must fit the default budget
SLOW_BYTES = 1_500_000  # short lines at this size take 5-10 s: far over the tests' budgets
SLOW_FILE = f"short_lines_{SLOW_BYTES}.txt"
HARD_TIMEOUT_S = 240  # for all shapes together; a superlinear regression takes minutes per shape

# Times every shape in one child process (one model load), printing {shape: seconds} as JSON.
_TIME_ALL_SHAPES = """
import json, sys, tempfile
from pathlib import Path
from benchmarks.pathological import SHAPES, _warm_up, time_file, write_shape
folder = Path(tempfile.mkdtemp())
_warm_up(folder)
seconds = {}
for shape in SHAPES:
    stages = time_file(write_shape(folder, shape, int(sys.argv[1])))
    seconds[shape] = sum(stages[k] for k in ("read", "claims", "drones", "table"))
print(json.dumps(seconds))
"""


@pytest.fixture(scope="module")
def shape_seconds() -> dict[str, float]:
    """CPU seconds to read and extract each shape at 100 KB, measured under a hard timeout."""
    done = subprocess.run(
        [sys.executable, "-c", _TIME_ALL_SHAPES, str(SHAPE_BYTES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HARD_TIMEOUT_S,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_at_100_kb_finishes_well_within_the_budget(shape_seconds, shape):
    assert shape_seconds[shape] < SHAPE_LIMIT_S


# --- adversarial text, property-tested ----------------------------------------------------------

# The alphabets of the benchmark shapes: sentence ends and leaders, digits and separators, letters
# for long words, Cyrillic, Korean and emoji, control and separator characters, quotes, markup.
_ALPHABETS = [
    ".", "…", "!", "?", " ", "  ", "\n", "\t", ",", "-", ":", ";", "'", '"', "(", ")",
    "0", "1", "9", "1,000", "2025", "k", "A", "a", "Z", "km", "troops", "Russian", "said",
    "Kursk", "про", "Суджа", "군대", "🙂", "🇺🇦", "\x0b", "\x0c", "\x1b", "\x85", "\u2028",
    "\u200b", "\u00a0", "<div>", "</p>",
]  # fmt: skip
adversarial_text = st.lists(
    st.tuples(st.sampled_from(_ALPHABETS), st.integers(1, 400)), min_size=1, max_size=40
).map(lambda runs: "".join(piece * count for piece, count in runs))


def _article(text: str) -> Article:
    return Article("adversarial", "adversarial.txt", "0" * 64, text, sections=split_sections(text))


@settings(max_examples=40, deadline=None)
@given(adversarial_text)
def test_adversarial_text_splits_into_capped_exact_sentences(text):
    sentences = split_sentences(text)
    for sentence in sentences:
        assert 0 < len(sentence.text) <= MAX_SENTENCE_CHARS
        assert text[sentence.start : sentence.end] == sentence.text == sentence.text.strip()
    assert sum(len("".join(s.text.split())) for s in sentences) == len("".join(text.split()))


@settings(max_examples=25, deadline=None)
@given(adversarial_text)
def test_adversarial_text_is_extracted_quickly(text):
    started = time.perf_counter()
    claims = budget.within_budget(lambda: extract_article(_article(text)), 10.0)
    assert claims is not None, "extraction ran past the 10 s hard limit"
    assert time.perf_counter() - started < 5.0
    assert all(
        text[a:b] == q for a, b, q in claims[["char_start", "char_end", "quantity_text"]].values
    )


# --- the time budget ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_and_slow(tmp_path_factory) -> list[tuple[Article, str, float]]:
    """Extraction tasks (article, theatre, budget): the shortest seed, then 1.5 MB of short lines
    (a claim on every line: several seconds to extract), each with a budget of one second."""
    folder = tmp_path_factory.mktemp("tasks")
    quick, _ = read_article(ROOT / "seeds" / "000_6cef81237ad4168d.txt")
    slow, _ = read_article(write_shape(folder, "short_lines", SLOW_BYTES))
    return [(quick, "Kursk", 1.0), (slow, "Kursk", 1.0)]


def _failures(outcomes) -> list[str | None]:
    return [extracted.failure for extracted in outcomes]


def test_budget_stops_an_overrun_in_this_process(quick_and_slow):
    started = time.perf_counter()
    with LocalEngine(jobs=1) as engine:
        outcomes = engine.map(pipeline._extract_task, quick_and_slow)
    assert _failures(outcomes) == [None, "extraction exceeded 1 s"]
    assert len(outcomes[0].claims) > 0 and outcomes[1].claims == ()
    assert time.perf_counter() - started < 10


def test_budget_stops_an_overrun_in_worker_processes(quick_and_slow):
    started = time.perf_counter()
    with LocalEngine(jobs=2, min_parallel=1) as engine:
        outcomes = engine.map(pipeline._extract_task, quick_and_slow)
    assert _failures(outcomes) == [None, "extraction exceeded 1 s"]
    assert time.perf_counter() - started < 30


def test_budget_stops_an_overrun_off_the_main_thread(quick_and_slow):
    """Where the alarm cannot reach (a Dask worker's task thread), a killable child runs it."""
    started = time.perf_counter()
    with ThreadPoolExecutor(1) as thread:
        outcomes = list(thread.map(pipeline._extract_task, quick_and_slow, timeout=60))
    assert _failures(outcomes) == [None, "extraction exceeded 1 s"]
    assert time.perf_counter() - started < 30


def test_the_budget_is_a_base_exception_that_broad_handlers_do_not_swallow():
    def swallows_errors() -> str:  # as a parser wrapped in "except Exception" might
        try:
            time.sleep(60)
        except Exception:
            return "swallowed"
        return "finished"

    assert budget.within_budget(swallows_errors, 0.2) is None


@pytest.fixture(scope="module")
def seeds_with_a_slow_page(tmp_path_factory) -> Path:
    """The seed corpus plus 1.5 MB of short lines, which takes several seconds to extract."""
    corpus = tmp_path_factory.mktemp("pathological") / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    write_shape(corpus, "short_lines", SLOW_BYTES)
    return corpus


def test_an_article_over_budget_is_skipped_and_the_rest_extracted(seeds_with_a_slow_page):
    ex = pipeline.extract_corpus(seeds_with_a_slow_page, article_budget_s=1.5)
    row = ex.ingest.set_index("file").loc[SLOW_FILE]
    assert (row["status"], row["reason"]) == ("skipped", "extraction exceeded 1.5 s")
    assert SLOW_FILE[:-4] not in set(ex.articles["article_id"])
    assert set(ex.claims["article_id"]) == set(
        pipeline.extract_corpus(ROOT / "seeds").claims["article_id"]
    )


def test_the_cache_keeps_an_overrun_so_the_next_run_does_not_spend_the_budget_again(
    seeds_with_a_slow_page, tmp_path
):
    first = pipeline.extract_corpus(
        seeds_with_a_slow_page, cache=ArticleCache(tmp_path / "cache"), article_budget_s=1.5
    )
    cache = ArticleCache(tmp_path / "cache")
    again = pipeline.extract_corpus(seeds_with_a_slow_page, cache=cache, article_budget_s=1.5)
    # every file from the cache, nothing parsed or extracted again (the slow page included)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.reextracted) == (6, 0, 0)
    row = again.ingest.set_index("file").loc[SLOW_FILE]
    assert (row["status"], row["reason"]) == ("skipped", "extraction exceeded 1.5 s")
    assert again.claims.equals(first.claims)


def test_salient_run_completes_and_its_ingest_says_what_happened(
    seeds_with_a_slow_page, tmp_path, make_notebooks
):
    notebooks = make_notebooks(tmp_path / "notebooks", "extracts_corpus")
    result = runner.run_notebooks(
        corpus_dir=seeds_with_a_slow_page,
        out_dir=tmp_path / "figures",
        build_dir=tmp_path / "build",
        notebooks_dir=notebooks,
        article_budget_s=1.5,
    )
    assert result.status == "ran"
    for table in ("ingest.csv", "kernel_ingest.csv"):  # the runner's and the kernel's
        with (tmp_path / "figures" / table).open(encoding="utf-8") as fh:
            rows = {row["file"]: row for row in csv.DictReader(fh)}
        assert rows[SLOW_FILE]["status"] == "skipped"
        assert rows[SLOW_FILE]["reason"] == "extraction exceeded 1.5 s"
        assert {rows[name]["status"] for name in rows if name.endswith(".txt")} - {"skipped"} == {
            "parsed"
        }
    assert "extraction exceeded 1.5 s" in result.report.read_text(encoding="utf-8")


def test_a_flattened_table_gives_no_claims_but_prose_and_inventories_keep_theirs():
    table = "Sudzha 12 15 18 21 24 27 30 33 36\n"
    prose = "Officials said 300 soldiers, 12 tanks and 40 drones were lost near Sudzha.\n"
    inventory = "Losses: tanks - 14, armored vehicles - 38, artillery systems - 9.\n"
    claims = extract_article(_article(table + prose + inventory))
    assert set(claims["quantity_text"]) >= {"300 soldiers", "12 tanks", "40 drones"}
    assert not (claims["char_start"] < len(table)).any()
    assert len(claims[claims["char_start"] >= len(table + prose)]) == 3
