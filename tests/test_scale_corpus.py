"""The scale benchmark's synthetic corpus: varied, reproducible, and readable by salient."""

from __future__ import annotations

from collections import Counter

from salient.ingest.corpus import load_corpus

from benchmarks.scale import generate_corpus


def test_the_same_seed_gives_the_same_varied_corpus(tmp_path):
    generate_corpus(tmp_path / "a", 60)
    generate_corpus(tmp_path / "b", 60)
    files_a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert files_a == files_b
    suffixes = Counter(name.rsplit(".", 1)[1] for name in files_a if name != "manifest.csv")
    assert set(suffixes) == {"txt", "html", "md"}
    bodies = [data for name, data in files_a.items() if name != "manifest.csv"]
    assert len(set(bodies)) == 60  # no two articles alike
    assert any(data.startswith(b"\xef\xbb\xbf") for data in bodies)  # a BOM
    assert any(b"\r\n" in data for data in bodies)


def test_every_generated_article_is_read_with_its_encoding(tmp_path):
    generate_corpus(tmp_path, 60)
    corpus = load_corpus(tmp_path)
    assert len(corpus.articles) == 60
    encodings = {article.encoding for article in corpus.articles}
    assert {"utf-8", "utf-8-sig", "cp1252"} <= encodings
    manifest_dated = [a for a in corpus.articles if a.published.basis == "manifest"]
    assert 15 < len(manifest_dated) < 45
