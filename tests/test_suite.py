"""The evaluation suite: every set scored in its theatre, missing third-party texts reported."""

import csv

from evaluation import suite


def test_seeds_score_perfectly_and_missing_sets_are_reported(capsys, tmp_path):
    suite.main(["--only", "seeds", "realdev/kursk", "--summary", "--shared", str(tmp_path)])
    out = capsys.readouterr().out
    seeds = next(line for line in out.splitlines() if line.strip().startswith("seeds"))
    assert "recall   9/9   100.0%" in seeds
    assert "realdev/kursk      not materialized" in out


def test_manifest_lists_only_the_materialized_texts(tmp_path):
    sources = tmp_path / "sources.csv"
    sources.write_text(
        "id,url,query,published,published_basis,title_or_gist\n"
        "a1,https://example.org/a,q,2025-03-01,url,x\n"
        "a2,https://example.org/b,q,2025-03,text,y\n",
        encoding="utf-8",
    )
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a2.txt").write_text("Some text.", encoding="utf-8")
    suite.write_manifest(texts, sources)
    rows = list(csv.DictReader((texts / "manifest.csv").open(encoding="utf-8")))
    assert rows == [
        {
            "file": "a2.txt",
            "published": "2025-03",
            "outlet": "",
            "url": "https://example.org/b",
            "title": "",
        }
    ]
