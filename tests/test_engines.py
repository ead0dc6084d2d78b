"""The engines give identical tables: in process, in worker processes, and on a Dask cluster.

The Dask tests start a real `LocalCluster` in this process (processes=False, one worker), which
takes about a second, instead of mocking anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from salient import cli
from salient.run import pipeline
from salient.run.engines import DaskEngine, LocalEngine, make_engine

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seed corpus (five articles and the manifest) plus a file the loader skips."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in SEEDS.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def local_tables(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local")
    pipeline.write_tables(pipeline.extract_corpus(corpus, engine=LocalEngine(1)), out)
    return out


def same_files(left: Path, right: Path) -> None:
    names = sorted(p.name for p in left.iterdir() if p.suffix in (".csv", ".parquet"))
    assert names == sorted(p.name for p in right.iterdir() if p.suffix in (".csv", ".parquet"))
    assert "claims.parquet" in names
    for name in names:
        assert (left / name).read_bytes() == (right / name).read_bytes(), name


def test_dask_and_local_engines_write_identical_tables(corpus, local_tables, tmp_path):
    with DaskEngine(n_workers=1, processes=False, chunk=2) as engine:
        extraction = pipeline.extract_corpus(corpus, engine=engine)
    pipeline.write_tables(extraction, tmp_path)
    same_files(local_tables, tmp_path)
    assert (extraction.ingest["status"] == "skipped").sum() == 1


def test_extract_engine_dask_against_an_existing_scheduler(corpus, local_tables, tmp_path, capsys):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        args = ["extract", str(corpus), "--out", str(tmp_path), "--no-cache"]
        assert cli.main([*args, "--engine", "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert capsys.readouterr().out.startswith("5 parsed, 1 skipped")
    same_files(local_tables, tmp_path)


def test_map_keeps_the_order_of_the_items():
    items = list(range(100))
    with LocalEngine(2, min_parallel=1) as engine:
        assert engine.map(abs, [-i for i in items]) == items
    with DaskEngine(n_workers=1, processes=False, chunk=7) as engine:
        assert engine.map(abs, [-i for i in items]) == items
        assert engine.map(abs, []) == []


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        make_engine("spark")
