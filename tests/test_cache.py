"""salient.run.cache and the pipeline's use of it: what is reused, what is parsed again, and why.

The corpus is a copy of three seed articles plus one undated article written for these tests;
every test extracts for real (about a second).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from salient.run import cache as cache_module
from salient.run import pipeline
from salient.run.cache import ArticleCache, Entry, decode, encode, library_fingerprint
from salient.run.engines import LocalEngine

SEEDS = Path(__file__).parents[1] / "seeds"
SEED_FILES = ("000_6cef81237ad4168d.txt", "001_a3a7f08c8399e12d.txt", "002_167d472fdcc50300.txt")
UNDATED = (
    "Night patrols near Sudzha\n\n"
    "Border guards said about 30 soldiers crossed the river near Sudzha before dawn.\n"
)
NEW_ARTICLE = (
    "Convoy reaches the border\n\n"
    "On 20 March 2025 a convoy of 12 trucks reached the border near Sudzha, officials said.\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, folder / name)
    (folder / "undated_patrols.txt").write_text(UNDATED, encoding="utf-8")
    write_manifest(folder, SEED_DATES)
    return folder


SEED_DATES = dict(zip(SEED_FILES, ("2025-03-13", "2025-03-14", "2025-03-15"), strict=True))


def write_manifest(folder: Path, dates: dict[str, str]) -> None:
    rows = "".join(f"{name},{day}\n" for name, day in dates.items())
    (folder / "manifest.csv").write_text("file,published\n" + rows, encoding="utf-8")


@pytest.fixture
def cache(tmp_path: Path) -> ArticleCache:
    return ArticleCache(tmp_path / "cache")


def extract(corpus: Path, cache: ArticleCache | None) -> pipeline.Extraction:
    if cache is not None:
        cache.stats = cache_module.CacheStats()  # count this run only
    return pipeline.extract_corpus(corpus, cache=cache, jobs=1)


def csv_bytes(extraction: pipeline.Extraction) -> dict[str, str]:
    return {name: frame.to_csv(index=False) for name, frame in extraction.tables().items()}


def test_unchanged_rerun_reuses_every_entry_and_gives_the_same_tables(corpus, cache):
    first = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.written) == (0, 4, 4)
    again = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.written) == (4, 0, 0)
    assert cache.stats.reextracted == 0
    assert csv_bytes(again) == csv_bytes(first) == csv_bytes(extract(corpus, None))
    assert len(first.claims) > 10


def test_a_new_article_is_the_only_one_parsed(corpus, cache):
    extract(corpus, cache)
    (corpus / "zz_convoy.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    result = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses) == (4, 1)
    assert "zz_convoy" in set(result.claims["article_id"])
    assert csv_bytes(result) == csv_bytes(extract(corpus, None))


def test_an_edited_article_is_parsed_again(corpus, cache):
    extract(corpus, cache)
    (corpus / "undated_patrols.txt").write_text(UNDATED.replace("about 30", "about 45"))
    result = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses) == (3, 1)
    patrol = result.claims.loc[result.claims["article_id"] == "undated_patrols"]
    assert patrol["value_best"].tolist() == [45.0]


def test_a_new_corpus_span_re_extracts_the_weakly_dated_article(corpus, cache):
    """The undated article gets the span of the dated ones, which a later article widens: its
    extraction depends on that metadata, so it alone is extracted again (not re-read)."""
    before = extract(corpus, cache)
    (corpus / "zz_convoy.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    write_manifest(corpus, SEED_DATES | {"zz_convoy.txt": "2025-03-20"})
    after = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.reextracted) == (4, 1, 1)

    def latest(extraction):
        articles = extraction.articles.set_index("article_id")
        return articles.loc["undated_patrols", "published_latest"]

    assert (latest(before), latest(after)) == ("2025-03-15", "2025-03-20")


def test_editing_or_adding_a_data_file_changes_the_fingerprint(tmp_path):
    package = tmp_path / "salient"
    shutil.copytree(cache_module.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    original = library_fingerprint(package)
    theatres = package / "data" / "theatres.csv"
    theatres.write_text(theatres.read_text() + "\n")
    edited = library_fingerprint.__wrapped__(package)
    (package / "data" / "new_lexicon.csv").write_text("term\nexample\n")
    added = library_fingerprint.__wrapped__(package)
    assert len({original, edited, added}) == 3
    assert library_fingerprint() == library_fingerprint.__wrapped__(cache_module.PACKAGE_DIR)


def test_a_data_file_edit_re_parses_everything(corpus, cache, monkeypatch):
    extract(corpus, cache)
    monkeypatch.setattr(pipeline, "library_fingerprint", lambda: "fingerprint-after-an-edit")
    extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.misses) == (0, 4)


def test_corrupt_truncated_and_foreign_entries_are_rebuilt(corpus, cache):
    first = extract(corpus, cache)
    entries = sorted(cache.entries.rglob("*.entry"))
    assert len(entries) == 4
    flipped, truncated, foreign, _ = entries
    blob = bytearray(flipped.read_bytes())
    blob[-10] ^= 0xFF
    flipped.write_bytes(bytes(blob))
    truncated.write_bytes(truncated.read_bytes()[:100])
    shutil.copy(entries[3], foreign)  # a whole, valid entry, but for another key
    again = extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.rejected, cache.stats.misses) == (1, 3, 3)
    assert csv_bytes(again) == csv_bytes(first)
    extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.rejected) == (4, 0)


def test_decode_refuses_what_it_cannot_verify():
    entry = Entry("k" * 64, {"file": "a.txt"}, None)
    blob = encode(entry)
    assert decode(blob, "k" * 64) == entry
    assert decode(blob, "j" * 64) is None  # foreign
    assert decode(blob[:-1], "k" * 64) is None  # truncated
    assert decode(b"", "k" * 64) is None
    assert decode(blob.replace(b"SALIENT", b"SALIENX", 1), "k" * 64) is None  # other format


def test_two_concurrent_runs_share_a_cache_safely(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    env = os.environ | {"SALIENT_CACHE_DIR": str(cache_dir)}
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "salient",
                "extract",
                str(corpus),
                "--out",
                str(tmp_path / f"t{i}"),
                "--jobs",
                "1",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert out.startswith("4 parsed, 0 skipped")
    for name in ("claims.csv", "articles.csv", "drone_mentions.csv"):
        assert (tmp_path / "t0" / name).read_bytes() == (tmp_path / "t1" / name).read_bytes()
    assert not list(cache_dir.rglob("*.tmp"))
    cache = ArticleCache(cache_dir)
    extract(corpus, cache)
    assert (cache.stats.hits, cache.stats.rejected) == (4, 0)


def test_an_unwritable_cache_never_fails_the_run(corpus, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = ArticleCache(blocker)
    result = extract(corpus, cache)
    assert len(result.claims) > 10
    assert cache.stats.written == 0 and len(cache.stats.write_errors) == 4


def test_parallel_parsing_gives_byte_identical_tables(corpus):
    one = pipeline.extract_corpus(corpus, engine=LocalEngine(1))
    with LocalEngine(2, min_parallel=1) as engine:
        two = pipeline.extract_corpus(corpus, engine=engine)
        assert engine._pool is not None  # the work really went to worker processes
    assert csv_bytes(one) == csv_bytes(two)
