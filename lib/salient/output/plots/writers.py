"""Deterministic writers: PNG, SVG and CSV files that are byte-identical on reruns (no dates, no
software versions, fixed SVG ids, fixed size and dpi) and replaced atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from salient.output.plots.common import DPI, FLOAT_FORMAT, SVG_HASHSALT, freeze_layout


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp_path) then rename over `path`, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
"""Metadata that would differ between runs or machines, removed from each format."""


def save_figure(
    fig: Figure, out_dir: str | Path, name: str, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Write `fig` as out_dir/name.<fmt> for each format; byte-identical on reruns.

    Fixed dpi, the figure's own size (no tight bbox), no date or software metadata, fixed SVG
    hash salt; each file is written to a temporary name and renamed into place.
    """
    freeze_layout(fig)
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        for fmt in formats:
            path = Path(out_dir) / f"{name}.{fmt}"
            meta = SAVE_METADATA.get(fmt, {})
            _atomic_write(
                path,
                lambda tmp, fmt=fmt, meta=meta: fig.savefig(
                    tmp, format=fmt, dpi=DPI, metadata=meta, bbox_inches=None, facecolor="white"
                ),
            )
            paths.append(path)
    return paths


def save_table(
    df: pd.DataFrame, out_dir: str | Path, name: str, *, sort_by: Sequence[str] | None = None
) -> Path:
    """Write df as out_dir/name.csv: given column order, optional stable row sort, LF, %.10g."""
    out = df.sort_values(list(sort_by), kind="mergesort") if sort_by else df
    path = Path(out_dir) / f"{name}.csv"
    _atomic_write(
        path,
        lambda tmp: out.to_csv(
            tmp, index=False, lineterminator="\n", float_format=FLOAT_FORMAT, encoding="utf-8"
        ),
    )
    return path
