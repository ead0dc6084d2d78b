"""Tables on disk: CSV and Parquet written from one extraction, read back exactly; DuckDB reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from salient.output import storage
from salient.run import pipeline

SEEDS = Path(__file__).parents[1] / "seeds"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[pipeline.Extraction, Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    for name in ("001_a3a7f08c8399e12d.txt", "002_167d472fdcc50300.txt"):
        shutil.copy(SEEDS / name, corpus / name)
    extraction = pipeline.extract_corpus(corpus, jobs=1)
    out = tmp_path_factory.mktemp("tables")
    pipeline.write_tables(extraction, out)
    return extraction, out


def test_every_table_is_written_as_csv_and_parquet(written):
    extraction, out = written
    for name in extraction.tables():
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()


def test_parquet_reads_back_exactly_what_was_extracted(written):
    extraction, out = written
    again = pipeline.read_tables(out)
    assert list(again.tables()) == list(extraction.tables())
    for name, frame in extraction.tables().items():
        pd.testing.assert_frame_equal(again.tables()[name], frame, check_dtype=True)
    assert len(again.claims) > 5


def test_parquet_columns_are_typed_by_the_schemas_even_when_empty(written, tmp_path):
    extraction, out = written
    claims = pq.read_schema(out / "claims.parquet")
    assert str(claims.field("value_best").type) == "double"
    assert str(claims.field("char_start").type) == "int64"
    assert str(claims.field("in_scope").type) == "bool"
    assert str(claims.field("sentence").type) == "string"
    empty = storage.write_parquet(
        extraction.review_log.iloc[0:0],
        tmp_path / "empty.parquet",
        storage.TABLE_SCHEMAS["review_log"],
    )
    types = {field.name: str(field.type) for field in pq.read_schema(empty)}
    assert set(types.values()) <= {"string", "int64", "double", "bool"}
    assert "null" not in types.values()


def test_rewriting_the_same_tables_gives_the_same_bytes(written, tmp_path):
    extraction, out = written
    pipeline.write_tables(extraction, tmp_path)
    for name in extraction.tables():
        for suffix in (".csv", ".parquet"):
            assert (tmp_path / f"{name}{suffix}").read_bytes() == (
                out / f"{name}{suffix}"
            ).read_bytes()


def test_open_tables_reads_the_tables_without_touching_the_corpus(written):
    extraction, out = written
    tables = pipeline.open_tables(out, "/no/such/corpus")
    assert tables.claims["claim_id"].tolist() == extraction.claims["claim_id"].tolist()


def test_duckdb_queries_the_parquet_claims_without_pandas(written):
    extraction, out = written
    rows = duckdb.sql(
        f"SELECT category, count(*) AS n FROM '{out}/claims.parquet' GROUP BY category ORDER BY category"
    ).fetchall()
    expected = extraction.claims.groupby("category").size().sort_index()
    assert rows == list(expected.items())
