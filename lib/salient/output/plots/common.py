"""What every Salient chart shares: the style, side and hedge colours and markers, source notes,
point labels and their table, and the row caps that keep a chart readable.

Names with a leading underscore are private to the `salient.output.plots` package: the chart
modules share them, callers outside do not.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

SIDE_COLOURS = {"UA": "#1f5fbf", "RU": "#c0392b", "KP": "#7b3294", "unknown": "#7f7f7f"}
"""Fixed colour per side: Ukraine blue, Russia red, North Korea purple, unknown grey."""

SIDE_NAMES = {"UA": "Ukraine", "RU": "Russia", "KP": "North Korea", "unknown": "side unknown"}

HEDGE_MARKERS = {
    "exact": "o",
    "approx": "D",
    "range": "s",
    "at_least": "^",
    "at_most": "v",
    "vague": "X",
}
"""Fixed marker per hedge: at_least points up, at_most points down."""

HEDGE_NAMES = {
    "exact": "exact",
    "approx": "about",
    "range": "range",
    "at_least": "at least",
    "at_most": "at most",
    "vague": "vague",
}

SOURCE_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#999933",
    "#882255",
    "#44AA99",
)
"""Okabe–Ito based palette for sources, assigned in sorted order of source label."""

CONTRADICTION_COLOUR = "#d62728"
FIGSIZE = (11.0, 6.5)
DPI = 150
SVG_HASHSALT = "salient"
FLOAT_FORMAT = "%.10g"

MAX_CHART_ROWS = 40
"""Most rows (range and ratio charts, each drone-quantity panel) or labelled points (territory)
a static chart draws. Above it the chart draws a deterministic selection and its source note
says how many are not drawn; the CSV table beside the chart always lists every claim. Without a
cap, a 2,000-article corpus made 10-40 MB PNGs and a 3 GB notebook kernel."""

MAX_HEATMAP_ARTICLES = 30
"""Most article columns in the drone heatmap; the rest are summed into one 'other' column."""

MAX_NOTE_NAMES = 12
"""Most article ids or attributions a source note names; the rest are counted, not listed."""

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 9,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "axes.prop_cycle": matplotlib.cycler(color=list(SOURCE_PALETTE)),
}


def apply_style() -> None:
    """Set the one Salient chart style: seaborn whitegrid, DejaVu Sans, fixed palette and salt."""
    sns.set_theme(style="whitegrid", context="notebook", rc=_RC)
    matplotlib.rcParams.update(_RC)


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    size: tuple[float, float] = FIGSIZE,
    height_ratios: Sequence[float] | None = None,
    width_ratios: Sequence[float] | None = None,
    sharex: bool = False,
) -> tuple[Figure, np.ndarray]:
    """A styled figure of fixed size with constrained layout; axes always as a flat array."""
    apply_style()
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=size,
        layout="constrained",
        sharex=sharex,
        squeeze=False,
        gridspec_kw={"height_ratios": height_ratios, "width_ratios": width_ratios},
    )
    return fig, axes.ravel()


def source_colours(labels: Iterable[str]) -> dict[str, str]:
    """Colour per source label, assigned in sorted order so reruns keep colours."""
    unique = sorted({str(x) for x in labels})
    return {label: SOURCE_PALETTE[i % len(SOURCE_PALETTE)] for i, label in enumerate(unique)}


def add_source_note(fig: Figure, text: str, *, width: int = 150) -> None:
    """Write `text` wrapped at the bottom of the figure and keep the axes clear of it."""
    lines = textwrap.wrap(text, width=width) or [""]
    fig.text(0.01, 0.008, "\n".join(lines), ha="left", va="bottom", fontsize=7.5, color="0.3")
    line_in = 7.5 * 1.3 / 72
    bottom = min(0.4, (len(lines) * line_in + 0.12) / fig.get_figheight())
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def source_note(frame: pd.DataFrame, *, extra: str = "") -> str:
    """ "Sources: articles a, b; attributed to X, Y." from a view's article_id/attributed_to."""
    if frame.empty:
        return ("Sources: no claims. " + extra).strip()
    articles = sorted(set(frame["article_id"].astype(str)))
    text = f"Sources: {len(articles)} article(s): {_name_list(articles, ', ')}."
    if "attributed_to" in frame:
        named = frame["attributed_to"].dropna().astype(str)
        named = sorted({n for n in named if n})
        if named:
            text += f" Attributed to: {_name_list(named, '; ')}."
    return f"{text} {extra}".strip()


def _name_list(names: list[str], sep: str, cap: int = MAX_NOTE_NAMES) -> str:
    """Names joined by `sep`; past `cap`, the first `cap` and "and N more (see the table)"."""
    if len(names) <= cap:
        return sep.join(names)
    return f"{sep.join(names[:cap])}{sep}and {len(names) - cap} more (see the table)"


def freeze_layout(fig: Figure) -> Figure:
    """Run the constrained layout once and fix the axes where it put them.

    Constrained layout iterates from the current positions, so each further draw moves axes by
    ~1e-7 and changes the bytes written; a frozen layout draws the same every time.
    """
    engine = fig.get_layout_engine()
    if engine is not None and engine.__class__.__name__ != "PlaceHolderLayoutEngine":
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
    return fig


def _thousands(value: float, _pos: object = None) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:g}"


def _no_data(ax: plt.Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


POINT_SORT = ["as_of_earliest", "article_id", "char_start", "claim_id"]

TABLE_COLUMNS = [
    "label",
    "plotted",
    "measure",
    "side",
    "as_of",
    "as_of_earliest",
    "as_of_latest",
    "is_interval",
    "value_low",
    "value_best",
    "value_high",
    "unit",
    "hedge",
    "hedge_text",
    "source_label",
    "attributed_to",
    "article_id",
    "char_start",
    "char_end",
    "quantity_text",
    "sentence",
    "cite",
    "claim_id",
    "review",
    "review_changes",
]


def label_points(view: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """A sorted copy of a claims view with a `label` column: prefix + 1-based position.

    Example: three territory claims → labels T1, T2, T3 in date, article, offset order.
    """
    keys = [k for k in POINT_SORT if k in view]
    out = view.sort_values(keys, na_position="last", kind="mergesort").reset_index(drop=True)
    out.insert(0, "label", [f"{prefix}{i}" for i in range(1, len(out) + 1)])
    return out


def plotted_table(labelled: pd.DataFrame, plotted: pd.Series | None = None) -> pd.DataFrame:
    """The data behind a chart: one row per labelled claim with its quote and citation."""
    out = labelled.copy()
    out["plotted"] = plotted if plotted is not None else "yes"
    cols = [c for c in TABLE_COLUMNS if c in out]
    return out[cols].reset_index(drop=True)


def _finite(x: object) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _open_arrow(
    ax: plt.Axes, hedge: str, xy: tuple[float, float], colour: str, *, vertical: bool, sign: float
) -> None:
    """An arrow of fixed length from an at_least/at_most bound towards the open side."""
    if hedge not in ("at_least", "at_most"):
        return
    direction = (1 if hedge == "at_least" else -1) * sign
    offset = (0, 22 * direction) if vertical else (28 * direction, 0)
    ax.annotate(
        "",
        xy=xy,
        xytext=offset,
        textcoords="offset points",
        arrowprops={"arrowstyle": "<-", "color": colour, "lw": 1.4, "shrinkA": 0, "shrinkB": 0},
        zorder=3,
    )


def _hedge_handles(hedges: Iterable[str]) -> list[Line2D]:
    present = set(hedges)
    return [
        Line2D([], [], ls="", marker=m, color="0.35", label=HEDGE_NAMES[h])
        for h, m in HEDGE_MARKERS.items()
        if h in present
    ]


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


CAP_RANK = [
    ("n_articles", False),
    ("contradiction", False),
    ("as_of_earliest", False),
    ("labels", True),
]
"""How `cap_rows` ranks rows (column, ascending): figures cited by the most articles
(consolidated) first, then contradicted ones, then the most recent as-of, then label."""


def cap_rows(
    rows: pd.DataFrame,
    max_rows: int | None = None,
    rank: Sequence[tuple[str, bool]] = CAP_RANK,
) -> pd.DataFrame:
    """The rows a chart draws: all of them up to `max_rows` (default MAX_CHART_ROWS), else the
    best-ranked `max_rows` by `rank` (column, ascending), kept in their original order.

    Example: 500 single-article rows and a cap of 40 → the 40 most recent, in side/date order.
    """
    cap = MAX_CHART_ROWS if max_rows is None else max_rows
    if len(rows) <= cap:
        return rows
    keys = [(c, asc) for c, asc in rank if c in rows]
    ranked = rows.assign(_position=np.arange(len(rows))).sort_values(
        [c for c, _ in keys] + ["_position"],
        ascending=[asc for _, asc in keys] + [True],
        na_position="last",
        kind="mergesort",
    )
    keep = np.sort(ranked["_position"].to_numpy()[:cap])
    return rows.iloc[keep].reset_index(drop=True)


def capped_note(all_rows: pd.DataFrame, drawn: pd.DataFrame, table_name: str) -> str:
    """ " N of M rows not drawn ...; table lists them all." or "" when nothing is left out."""
    hidden = len(all_rows) - len(drawn)
    if hidden <= 0:
        return ""
    return (
        f" {hidden} of {len(all_rows)} rows not drawn (chart capped at {len(drawn)}: "
        "most-cited, contradicted, then most recent first); "
        f"{table_name} lists every claim with its label."
    )
