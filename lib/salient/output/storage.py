"""Tables on disk: deterministic CSV for diffs and small corpora, Parquet for large ones.

Parquet files are written with pyarrow, each base table validated by its pandera schema and given
an Arrow schema derived from it (strings stay strings even in an empty table, integers stay
int64), so DuckDB, Polars or Spark read typed columns. Views have no schema of their own and are
written with the types pandas gives them. Parquet keeps every float exactly; that is why a run's
notebooks read the Parquet copy, not the CSV (written with 6 significant digits).

Both writers are deterministic: the same frame gives the same bytes (no timestamps; pyarrow's
version is in the footer, pinned in requirements.txt).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from salient import schemas

# Base tables (file stem → schema); views are every other table an extraction writes.
TABLE_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "ingest": schemas.INGEST,
    "articles": schemas.ARTICLES,
    "claims": schemas.REVIEWED_CLAIMS,
    "drone_mentions": schemas.DRONE_MENTIONS,
    "review_log": schemas.REVIEW_LOG,
    "review_effects": schemas.REVIEW_EFFECTS,
}
FORMATS = ("csv", "parquet")
CSV_FLOAT_FORMAT = "%.6g"


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A frame as CSV: no index, LF line ends, fixed float format; atomic (temp file + rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    frame.to_csv(tmp, index=False, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)
    tmp.replace(path)
    return path


def write_parquet(
    frame: pd.DataFrame, path: Path, schema: pa.DataFrameSchema | None = None
) -> Path:
    """A frame as Parquet (zstd), validated by `schema` and typed by it when given; atomic."""
    if schema is not None:
        frame = schema.validate(frame) if len(frame) else frame
        table = pa_arrow.Table.from_pandas(frame, schema=arrow_schema(schema), preserve_index=False)
    else:
        table = pa_arrow.Table.from_pandas(frame, preserve_index=False)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    tmp.replace(path)
    return path


def arrow_schema(schema: pa.DataFrameSchema) -> pa_arrow.Schema:
    """The Arrow schema of a pandera schema: str → string, int → int64, float → float64, bool."""
    fields = []
    for name, column in schema.columns.items():
        kind = str(column.dtype)
        if kind.startswith("int"):
            arrow_type = pa_arrow.int64()
        elif kind.startswith("float"):
            arrow_type = pa_arrow.float64()
        elif kind.startswith("bool"):
            arrow_type = pa_arrow.bool_()
        else:
            arrow_type = pa_arrow.string()
        fields.append(pa_arrow.field(name, arrow_type, nullable=bool(column.nullable)))
    return pa_arrow.schema(fields)


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet table as pandas, with the dtypes an extraction has in memory."""
    return pd.read_parquet(path)
