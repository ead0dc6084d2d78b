"""One chart style and deterministic writers for every Salient figure.

Charts take the frames of `salient.analysis.views` (and `salient.analysis.consolidate`) and return a matplotlib
Figure; they never parse text. Every plotted claim carries a short label (T1, P3, ...) that is
also the first column of the table built by `plotted_table`, so an analyst can go from a point
to its sentence in one step. Rows are sorted before plotting, so a rerun draws the same picture.

`save_figure` and `save_table` write byte-identical files on reruns: no dates, no software
versions, fixed SVG ids (`svg.hashsalt`), fixed size and dpi, and atomic replacement.
"""

from __future__ import annotations

import math
import os
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

# ---------------------------------------------------------------------------- style

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

MAX_NOTE_NAMES = 40
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


# ---------------------------------------------------------------------------- labels and tables

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


# ---------------------------------------------------------------------------- dates


def _day_num(iso: pd.Series | Iterable) -> np.ndarray:
    """Matplotlib date numbers for ISO days; NaN where missing or unreadable."""
    stamps = pd.to_datetime(
        pd.Series(list(iso), dtype="object"), format="%Y-%m-%d", errors="coerce"
    )
    nums = np.full(len(stamps), np.nan)
    ok = stamps.notna().to_numpy()
    if ok.any():
        nums[ok] = mdates.date2num(stamps[ok].dt.to_pydatetime())
    return nums


def _date_axis(ax: plt.Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _finite(x: object) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------- territory

TERRITORY_SIGN = {"gained": 1, "lost": -1}


def territory_points(view: pd.DataFrame, *, side: str = "UA") -> pd.DataFrame:
    """Labelled territory claims (T1, ...) with `panel`, `x`, `x0`, `x1`, `y` and `plotted`.

    panel is "held" or "change"; y is value_plot, signed for changes from `side`'s point of view
    (gained +, lost −; a claim about the other side's gains is flipped). `plotted` says "yes" or
    why a claim is not drawn (no date, no number, other side).
    """
    pts = label_points(view, "T")
    pts["panel"] = np.where(pts["measure"] == "held", "held", "change")
    pts["x"] = _day_num(pts["date_mid"])
    pts["x0"] = _day_num(pts["as_of_earliest"])
    pts["x1"] = _day_num(pts["as_of_latest"])
    sign = pts["measure"].map(TERRITORY_SIGN).fillna(1).to_numpy()
    flip = np.where(pts["side"] == side, 1, np.where(pts["side"] == "unknown", 1, -1))
    changes = pts["panel"] == "change"
    pts["y"] = np.where(changes, pts["value_plot"] * sign * flip, pts["value_plot"])
    reason = np.where(np.isnan(pts["x"]), "no: no date", "yes")
    reason = np.where(pts["value_plot"].isna(), "no: no number", reason)
    other = (pts["panel"] == "held") & (pts["side"] != side)
    pts["plotted"] = np.where(other, "no: held by another side", reason)
    return pts


def _change_bounds(row: pd.Series) -> tuple[float, float, str]:
    """Signed low and high of a gain or loss, and its amount as text: a range or a vague
    quantity ("dozens of km²") is drawn and labelled as its span, never as one number."""
    sign = 1.0 if row["y"] >= 0 else -1.0
    low, high = row.get("value_low"), row.get("value_high")
    if row["hedge"] in ("range", "vague") and _finite(low) and _finite(high):
        span = f"{_thousands(low)}–{_thousands(high)}"
        return sign * low, sign * high, span
    return np.nan, np.nan, _thousands(abs(row["value_plot"]))


def territory_table(view: pd.DataFrame, *, side: str = "UA") -> pd.DataFrame:
    """Every territory claim with its chart label, whether it is drawn, quote and citation."""
    pts = territory_points(view, side=side)
    return plotted_table(pts, pts["plotted"])


def stagger(xs: Sequence[float], ys: Sequence[float], *, x_tol: float, y_tol: float) -> list[int]:
    """Label slot per point: how many earlier points sit within (x_tol, y_tol) of it.

    Example: points at (0, 0), (0.1, 0), (5, 0) with tolerances 1 → slots 0, 1, 0.
    """
    slots: list[int] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        near = [slots[j] for j in range(i) if abs(xs[j] - x) <= x_tol and abs(ys[j] - y) <= y_tol]
        slot = 0
        while slot in near:
            slot += 1
        slots.append(slot)
    return slots


def _label_slots(rows: pd.DataFrame, ax_span: tuple[float, float]) -> list[int]:
    return stagger(
        list(rows["x"]), list(rows["y"]), x_tol=0.04 * ax_span[0], y_tol=0.06 * ax_span[1]
    )


def _draw_claim_point(
    ax: plt.Axes,
    row: pd.Series,
    colour: str,
    *,
    y: float,
    low: float,
    high: float,
    slot: int = 0,
    text: str | None = None,
) -> None:
    """One dated claim: hedge marker, vertical low–high bar, open end arrows, label."""
    marker = HEDGE_MARKERS.get(row["hedge"], "o")
    if row["is_interval"] and _finite(row["x0"]) and _finite(row["x1"]):
        ax.hlines(y, row["x0"], row["x1"], colors=colour, lw=2.6, alpha=0.8, zorder=3)
        ax.plot([row["x0"], row["x1"]], [y, y], "|", color=colour, ms=9, mew=2, zorder=3)
        ax.plot(row["x"], y, marker, mfc="white", mec=colour, mew=1.6, ms=7, zorder=4)
    else:
        ax.plot(row["x"], y, marker, color=colour, mec="white", mew=0.6, ms=8, zorder=4)
    if _finite(low) and _finite(high) and low != high:
        ax.vlines(row["x"], low, high, colors=colour, lw=1.4, zorder=3)
    _open_arrow(ax, row["hedge"], (row["x"], y), colour, vertical=True, sign=np.sign(y) or 1)
    ax.annotate(
        text or row["label"],
        (row["x"], y),
        xytext=(6, 4 + 11 * slot) if y >= 0 else (6, -12 - 11 * slot),
        textcoords="offset points",
        fontsize=8,
        color="0.15",
        zorder=5,
    )


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


def _best_estimate(consolidated: pd.DataFrame | None, side: str) -> pd.DataFrame:
    """Consolidated held-area groups of `side` with a date, as x (date number) and y, sorted."""
    if consolidated is None or consolidated.empty:
        return pd.DataFrame(columns=["x", "y"])
    keep = (
        (consolidated["category"] == "territory")
        & (consolidated["measure"] == "held")
        & (consolidated["unit"] == "km2")
        & (consolidated["side"] == side)
        & consolidated["value_best"].notna()
    )
    groups = consolidated.loc[keep]
    lo, hi = _day_num(groups["as_of_earliest"]), _day_num(groups["as_of_latest"])
    lo, hi = np.where(np.isnan(lo), hi, lo), np.where(np.isnan(hi), lo, hi)
    out = pd.DataFrame({"x": np.floor((lo + hi) / 2), "y": groups["value_best"].to_numpy()})
    out = out.dropna().groupby("x", sort=True, as_index=False)["y"].median()
    return out


def territory_chart(
    view: pd.DataFrame,
    consolidated: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
    *,
    side: str = "UA",
    theatre: str = "the theatre",
    max_labels: int | None = None,
) -> Figure:
    """Area held by `side` per claim over time (top) and gains/losses apart (bottom).

    Points sit at the claim's as-of day with a low–high bar, coloured by source, shaped by
    hedge; claims whose date is only an interval are horizontal bars over it. The dashed step
    is the consolidated best estimate; a reference series (date, area_km2, source) is a wide
    grey line beneath. Labels T1… match `territory_table`. Past `max_labels` points (default
    MAX_CHART_ROWS) only a spread of them is labelled (`labelled_mask`); the rest are small dots.
    """
    pts = territory_points(view, side=side)
    drawn = pts.loc[pts["plotted"] == "yes"]
    colours = source_colours(drawn["source_label"])
    labelled = labelled_mask(drawn, max_labels)
    dots = drawn.loc[~labelled]
    held = drawn.loc[labelled & (drawn["panel"] == "held")]
    change = drawn.loc[labelled & (drawn["panel"] == "change")]
    all_change = drawn.loc[drawn["panel"] == "change"]  # labelled or dots: they set the axis
    ratios = (3, 1.6) if len(all_change) else (3, 0.5)
    fig, (held_ax, change_ax) = new_figure(2, 1, size=(11, 8), height_ratios=ratios, sharex=True)
    who = SIDE_NAMES.get(side, side)
    extras: list[Line2D | Patch] = []
    if reference is not None and not reference.empty:
        ref_x = _day_num(reference["date"])
        ref_src = ", ".join(sorted(set(reference["source"].astype(str))))
        held_ax.plot(ref_x, reference["area_km2"], color="0.65", lw=5, alpha=0.6, zorder=1)
        extras.append(Line2D([], [], color="0.65", lw=5, alpha=0.6, label=f"reference: {ref_src}"))
    best = _best_estimate(consolidated, side)
    if not best.empty:
        held_ax.step(best["x"], best["y"], where="post", color="0.2", ls="--", lw=1.3, zorder=2)
        held_ax.plot(best["x"], best["y"], "_", color="0.2", ms=12, mew=2, zorder=2)
        extras.append(Line2D([], [], color="0.2", ls="--", label="best estimate (consolidated)"))
    span = _spans(drawn, reference)
    _draw_dots(held_ax, dots.loc[dots["panel"] == "held"], colours)
    _draw_dots(change_ax, dots.loc[dots["panel"] == "change"], colours)
    for (_, row), slot in zip(held.iterrows(), _label_slots(held, span), strict=True):
        _draw_claim_point(
            held_ax, row, colours[row["source_label"]], y=row["y"], low=row["value_low"],
            high=row["value_high"], slot=slot,
        )  # fmt: skip
    if held.empty and dots.empty and (reference is None or reference.empty):
        held_ax.text(
            0.5, 0.5, "no dated area-held claims", ha="center", transform=held_ax.transAxes
        )
    held_ax.set_ylim(0, held_ax.get_ylim()[1] * 1.1)
    held_ax.margins(x=0.08)
    held_ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    held_ax.set_ylabel("area held (km²)")
    held_ax.set_title(f"Area of {theatre} held by {who}, as claimed in each article (km²)")
    for (_, row), slot in zip(change.iterrows(), _label_slots(change, span), strict=True):
        colour = colours[row["source_label"]]
        y = row["y"]
        if not (row["is_interval"] and _finite(row["x0"])):
            change_ax.vlines(row["x"], 0, y, colors=colour, lw=2.2, alpha=0.7, zorder=2)
        low, high, amount = _change_bounds(row)
        text = f"{row['label']} {row['measure']} {amount} km²"
        text += " (vague)" if row["hedge"] == "vague" else ""
        _draw_claim_point(change_ax, row, colour, y=y, low=low, high=high, slot=slot, text=text)
    change_ax.axhline(0, color="0.3", lw=0.8)
    if all_change.empty:
        change_ax.text(
            0.5, 0.5, "no dated gained/lost claims", ha="center", transform=change_ax.transAxes
        )
        change_ax.set_yticks([])
    else:
        reach = np.abs(
            pd.concat([all_change["y"], all_change["value_high"], all_change["value_low"]])
        )
        lim = float(np.nanmax(reach.to_numpy(dtype=float))) * 1.35
        change_ax.set_ylim(-lim, lim)
    change_ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    change_ax.set_ylabel(f"change for {who} (km²)")
    change_ax.set_title(f"Gains (+) and losses (−) of {who} claimed in the text (km²)")
    change_ax.set_xlabel("as-of date of the claim")
    _date_axis(change_ax)
    legend_colours = colours if dots.empty else _legend_sources(colours, drawn.loc[labelled])
    handles = _source_handles(legend_colours) + _hedge_handles(drawn["hedge"]) + extras
    if (drawn["is_interval"]).any():
        handles.append(
            Line2D(
                [], [], color="0.3", lw=2.6, marker="o", mfc="white", label="date known as interval"
            )
        )
    if handles:
        fig.legend(handles=handles, loc="outside right upper", title="source · hedge")
    skipped = pts.loc[pts["plotted"] != "yes", "label"].tolist()
    extra = "Labels T1… are the rows of territory.csv."
    if skipped:
        extra += f" Not drawn (no date/number or other side): {_name_list(skipped, ', ')}."
    if not dots.empty:
        extra += (
            f" {len(dots)} of {len(drawn)} drawn points are small unlabelled dots (labels capped "
            f"at {int(labelled.sum())}, spread over time); the legend names sources of labelled "
            "points; territory.csv lists every claim with its source."
        )
    add_source_note(fig, source_note(view, extra=extra))
    return freeze_layout(fig)


def labelled_mask(drawn: pd.DataFrame, max_labels: int | None = None) -> pd.Series:
    """Which drawn points get a label: all up to `max_labels` (default MAX_CHART_ROWS), else
    that many spread evenly over the points in label (date) order, so every period keeps some
    labelled, citable points and a rerun picks the same ones."""
    cap = MAX_CHART_ROWS if max_labels is None else max_labels
    mask = np.ones(len(drawn), dtype=bool)
    if len(drawn) > cap:
        mask[:] = False
        mask[np.unique(np.linspace(0, len(drawn) - 1, cap).round().astype(int))] = True
    return pd.Series(mask, index=drawn.index)


def _draw_dots(ax: plt.Axes, dots: pd.DataFrame, colours: dict[str, str]) -> None:
    """Unlabelled claims as one layer of small dots in their source colour (no bars or labels)."""
    if dots.empty:
        return
    colour = [colours[s] for s in dots["source_label"]]
    ax.scatter(dots["x"], dots["y"], s=10, c=colour, alpha=0.5, linewidths=0, zorder=2)


def _spans(drawn: pd.DataFrame, reference: pd.DataFrame | None) -> tuple[float, float]:
    """(days, km²) spanned by the drawn points and the reference, for label spacing."""
    xs = list(drawn["x0"].dropna()) + list(drawn["x1"].dropna()) + list(drawn["x"].dropna())
    ys = [*drawn["y"].abs().dropna(), 0.0]
    if reference is not None and not reference.empty:
        xs += list(_day_num(reference["date"]))
        ys += list(reference["area_km2"])
    xs = [x for x in xs if _finite(x)]
    return (max(xs) - min(xs) if xs else 1.0) or 1.0, max(ys) or 1.0


MAX_LEGEND_SOURCES = 12
"""Most sources a capped chart's legend names (the palette repeats after 10 colours)."""


def _legend_sources(colours: dict[str, str], labelled: pd.DataFrame) -> dict[str, str]:
    """Colours of the sources of the labelled points, the most frequent first (ties by name),
    at most MAX_LEGEND_SOURCES: a legend of every source of a large corpus would not fit."""
    counts = labelled["source_label"].astype(str).value_counts()
    names = sorted(counts.index, key=lambda n: (-int(counts[n]), n))[:MAX_LEGEND_SOURCES]
    return {n: colours[n] for n in sorted(names)}


def _source_handles(colours: dict[str, str]) -> list[Patch]:
    return [Patch(color=c, label=_short(s, 38)) for s, c in colours.items()]


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


# ---------------------------------------------------------------------------- range rows (troops)

SIDE_ORDER = {s: i for i, s in enumerate(SIDE_COLOURS)}


def _groups_by_claim(consolidated: pd.DataFrame | None) -> dict[str, pd.Series]:
    """claim_id → its consolidated group row."""
    if consolidated is None or consolidated.empty:
        return {}
    out: dict[str, pd.Series] = {}
    for _, group in consolidated.iterrows():
        for claim_id in str(group["claim_ids"]).split(";"):
            out[claim_id] = group
    return out


def range_rows(
    view: pd.DataFrame, prefix: str, consolidated: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per estimate to draw, sorted by side then date: labels, bounds and flags.

    Claims that consolidate into one group become one row with `n_articles` and the labels of
    all its claims ("P1, P4"); `contradiction` comes from the group. Without `consolidated`
    every claim is its own row.
    """
    pts = label_points(view, prefix)
    by_claim = _groups_by_claim(consolidated)
    pts["group_id"] = [
        str(by_claim[c]["group_id"]) if c in by_claim else c for c in pts["claim_id"]
    ]
    rows = []
    for gid, members in pts.groupby("group_id", sort=False):
        group = by_claim.get(members["claim_id"].iloc[0])
        first = members.iloc[0]
        source = "; ".join(sorted(set(members["source_label"].astype(str))))
        when = first["as_of"] if isinstance(first["as_of"], str) and first["as_of"] else "undated"
        base = group if group is not None else first
        rows.append(
            {
                "labels": ", ".join(members["label"]) + _kind_note(first),
                "group_id": gid,
                "side": first["side"],
                "who_when": f"{_short(source, 34)}, {when}",
                "as_of_earliest": first["as_of_earliest"],
                "value_low": base["value_low"],
                "value_best": base["value_best"],
                "value_high": base["value_high"],
                "hedge": base["hedge"],
                "unit": first["unit"],
                "n_articles": int(group["n_articles"]) if group is not None else 1,
                "contradiction": bool(group["contradiction"]) if group is not None else False,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "labels", "group_id", "side", "who_when", "as_of_earliest", "value_low",
            "value_best", "value_high", "hedge", "unit", "n_articles", "contradiction",
        ],
    )  # fmt: skip
    out["side_rank"] = out["side"].map(SIDE_ORDER).fillna(len(SIDE_ORDER))
    out = out.sort_values(
        ["side_rank", "as_of_earliest", "value_best", "labels"],
        na_position="last",
        kind="mergesort",
    )
    return out.drop(columns="side_rank").reset_index(drop=True)


def _point(low: float, best: float, high: float) -> float:
    """Where to put the marker: best, else the middle of low–high, else the one bound."""
    if _finite(best):
        return best
    if _finite(low) and _finite(high):
        return (low + high) / 2
    return low if _finite(low) else high


def _kind_note(claim: pd.Series) -> str:
    """' (killed)', ' (captured)': a casualty's kind, so kinds are never read as one measure."""
    kind = claim.get("casualty_kind")
    return f" ({str(kind).replace('_', ' ')})" if isinstance(kind, str) and kind else ""


def _draw_range_rows(ax: plt.Axes, rows: pd.DataFrame, *, colour_of: dict[str, str]) -> None:
    """Horizontal low–high bars, one per row from the top, with hedge markers and open ends."""
    n = len(rows)
    for i, row in rows.iterrows():
        y = n - 1 - i
        colour = colour_of.get(row["side"], SIDE_COLOURS["unknown"])
        low, best, high = row["value_low"], row["value_best"], row["value_high"]
        point = _point(low, best, high)
        if not _finite(point):
            ax.text(0, y, "  vague (no number)", va="center", fontsize=8, color="0.4")
            continue
        if _finite(low) and _finite(high) and low != high:
            ax.hlines(y, low, high, colors=colour, lw=6, alpha=0.5, zorder=2)
        marker = HEDGE_MARKERS.get(row["hedge"], "o")
        ax.plot(point, y, marker, color=colour, ms=8, mec="white", mew=0.6, zorder=4)
        _open_arrow(ax, row["hedge"], (point, y), colour, vertical=False, sign=1)
        note = row["labels"] + (f"  ×{row['n_articles']} articles" if row["n_articles"] > 1 else "")
        if row["contradiction"]:
            ax.plot(point, y, "o", ms=15, mfc="none", mec=CONTRADICTION_COLOUR, mew=2, zorder=5)
            note += "  ! contradicts another estimate"
        right = max(v for v in (low, best, high, point) if _finite(v))
        ax.annotate(note, (right, y), xytext=(10 if row["hedge"] != "at_least" else 34, 0),
                    textcoords="offset points", va="center", fontsize=8, color="0.2")  # fmt: skip
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(rows["who_when"])[::-1])
    for tick, side in zip(ax.get_yticklabels(), list(rows["side"])[::-1], strict=True):
        tick.set_color(colour_of.get(side, SIDE_COLOURS["unknown"]))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))


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


def _pad_right(ax: plt.Axes, rows: pd.DataFrame, factor: float = 1.35) -> None:
    values = rows[["value_low", "value_best", "value_high"]].to_numpy(dtype=float)
    top = np.nanmax(values) if np.isfinite(values).any() else 1.0
    ax.set_xlim(0, top * factor)


def _range_chart(
    view: pd.DataFrame,
    prefix: str,
    consolidated: pd.DataFrame | None,
    *,
    title: str,
    xlabel: str,
    table_name: str,
    empty: str,
    max_rows: int | None = None,
) -> Figure:
    all_rows = range_rows(view, prefix, consolidated)
    rows = cap_rows(all_rows, max_rows)
    height = max(3.5, 1.6 + 0.38 * len(rows))
    fig, (ax,) = new_figure(size=(11, height))
    if rows.empty:
        _no_data(ax, empty)
    else:
        _draw_range_rows(ax, rows, colour_of=SIDE_COLOURS)
        _pad_right(ax, rows)
        ax.set_xlabel(xlabel)
        sides = [s for s in SIDE_COLOURS if s in set(rows["side"])]
        handles = [Patch(color=SIDE_COLOURS[s], label=SIDE_NAMES[s]) for s in sides]
        handles += _hedge_handles(rows["hedge"])
        if rows["contradiction"].any():
            handles.append(
                Line2D([], [], ls="", marker="o", ms=11, mfc="none",
                       mec=CONTRADICTION_COLOUR, mew=2, label="contradiction")
            )  # fmt: skip
        fig.legend(handles=handles, loc="outside right upper", title="side · hedge")
    ax.set_title(title)
    extra = (
        f"Labels {prefix}1… are the rows of {table_name}; ×n = same figure in n articles "
        "(consolidated)." + capped_note(all_rows, rows, table_name)
    )
    add_source_note(fig, source_note(view, extra=extra))
    return freeze_layout(fig)


def troops_chart(
    view: pd.DataFrame,
    consolidated: pd.DataFrame | None = None,
    *,
    theatre: str = "the theatre",
    max_rows: int | None = None,
) -> Figure:
    """Force-size estimates per side as horizontal low–high bars labelled "who, when".

    at_least/at_most estimates are open-ended arrows; an estimate repeated across articles is
    one row marked ×n; a red ring flags an estimate that contradicts another of the same side.
    At most `max_rows` rows (default MAX_CHART_ROWS) are drawn; see `cap_rows`.
    """
    return _range_chart(
        view,
        "P",
        consolidated,
        title=f"Troops in {theatre}: estimates per side (persons)",
        xlabel="troops (persons)",
        table_name="troops.csv",
        empty="no force-size claims in persons",
        max_rows=max_rows,
    )


def casualties_chart(
    view: pd.DataFrame, *, theatre: str = "the theatre", max_rows: int | None = None
) -> Figure:
    """Casualty claims per side on their own axis; never mixed with force sizes (capped rows)."""
    units = sorted(set(view["unit"].astype(str))) if not view.empty else ["persons"]
    return _range_chart(
        view,
        "C",
        None,
        title=f"Casualties claimed in {theatre}, per side (not force sizes)",
        xlabel=f"casualties ({', '.join(units)})",
        table_name="casualties.csv",
        empty="no casualty claims",
        max_rows=max_rows,
    )


def range_table(view: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Every claim of a troops/casualties view with its chart label, quote and citation."""
    return plotted_table(label_points(view, prefix))


# ---------------------------------------------------------------------------- ratios


def ratio_rows(stated: pd.DataFrame, implied: pd.DataFrame) -> pd.DataFrame:
    """Stated and implied ratios on one scale: Russian-side (RU+KP) troops per Ukrainian.

    A stated ratio in favour of UA (side UA, N as in N:1) becomes 1/N; low/high likewise.
    Implied ratios come from `views.implied_ratios` (attacker RU+KP over defender UA).
    """
    rows = []
    for _, r in label_points(stated, "R").iterrows():
        flip = r["side"] == "UA"
        vals = [r["value_low"], r["value_plot"], r["value_high"]]
        vals = [1 / v if flip and _finite(v) and v else v for v in vals]
        low, best, high = (vals[2], vals[1], vals[0]) if flip else vals
        when = r["as_of"] if isinstance(r["as_of"], str) and r["as_of"] else "undated"
        rows.append(
            {
                "kind": "stated",
                "labels": r["label"],
                "who_when": f"stated · {_short(r['source_label'], 28)}, {when}",
                "value_low": low,
                "value_best": best,
                "value_high": high,
                "hedge": r["hedge"],
                "side": r["side"],
                "detail": f"{r['quantity_text']} in favour of {r['side']}",
            }
        )
    for i, r in enumerate(implied.sort_values("window", kind="mergesort").itertuples(), start=1):
        who = "RU+KP" if r.includes_kp else "RU"
        rows.append(
            {
                "kind": "implied",
                "labels": f"I{i}",
                "who_when": f"implied · {who} vs UA, {r.window}",
                "value_low": r.ratio_low,
                "value_best": r.ratio_best,
                "value_high": r.ratio_high,
                "hedge": "range",
                "side": "RU",
                "detail": f"{r.attacker_best:,.0f} vs {r.defender_best:,.0f} troops, "
                f"{r.n_attacker_claims + r.n_defender_claims} claims",
            }
        )
    return pd.DataFrame(
        rows,
        columns=["kind", "labels", "who_when", "value_low", "value_best", "value_high",
                 "hedge", "side", "detail"],
    )  # fmt: skip


def ratios_chart(
    stated: pd.DataFrame,
    implied: pd.DataFrame,
    *,
    theatre: str = "the theatre",
    max_rows: int | None = None,
) -> Figure:
    """Force ratios stated in the text beside those implied by troop estimates (log scale).

    At most `max_rows` rows (default MAX_CHART_ROWS): implied ratios first, then the most
    recent stated ones; ratios.csv keeps every row.
    """
    all_rows = ratio_rows(stated, implied)
    rows = _cap_ratio_rows(all_rows, stated, max_rows)
    fig, (ax,) = new_figure(size=(11, max(3.5, 1.8 + 0.45 * len(rows))))
    kind_colour = {"stated": SOURCE_PALETTE[0], "implied": SOURCE_PALETTE[1]}
    if rows.empty:
        _no_data(ax, "no stated ratios and no month with estimates for both sides")
    else:
        n = len(rows)
        for i, r in rows.iterrows():
            y = n - 1 - i
            colour = kind_colour[r["kind"]]
            if (
                _finite(r["value_low"])
                and _finite(r["value_high"])
                and r["value_low"] != r["value_high"]
            ):
                ax.hlines(y, r["value_low"], r["value_high"], colors=colour, lw=5, alpha=0.45)
            if _finite(r["value_best"]):
                marker = HEDGE_MARKERS.get(r["hedge"], "o")
                ax.plot(r["value_best"], y, marker, color=colour, ms=8, zorder=4)
                ax.annotate(f"{r['labels']}  {r['value_best']:.2g}:1  ({_short(r['detail'], 60)})",
                            (r["value_best"], y), xytext=(10, 6), textcoords="offset points",
                            fontsize=7.5, color="0.2")  # fmt: skip
        ax.set_xscale("log")
        ax.axvline(1, color="0.3", lw=1, ls=":")
        ax.text(1, n - 0.4, " parity", fontsize=8, color="0.3", va="bottom")
        vals = rows[["value_low", "value_best", "value_high"]].to_numpy(dtype=float)
        vals = vals[np.isfinite(vals) & (vals > 0)]
        lo, hi = min(vals.min(), 1.0), max(vals.max(), 1.0)
        ax.set_xlim(lo / 2, hi * 4)
        ax.set_yticks(range(n))
        ax.set_yticklabels(list(rows["who_when"])[::-1])
        ax.set_ylim(-0.7, n - 0.2)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}:1"))
        handles = [
            Patch(color=c, label=k) for k, c in kind_colour.items() if k in set(rows["kind"])
        ]
        fig.legend(handles=handles, loc="outside right upper", title="ratio")
    ax.set_xlabel("Russian-side troops per Ukrainian soldier (log scale; <1 favours Ukraine)")
    ax.set_title(f"Force ratios in {theatre}: stated in the text vs implied by troop estimates")
    note = source_note(
        stated,
        extra="Implied: RU (+KP) over UA estimates of the same month, "
        "claim ids in ratios.csv; an RU figure that already includes KP is double-counted."
        + capped_note(all_rows, rows, "ratios.csv"),
    )
    add_source_note(fig, note)
    return freeze_layout(fig)


def _cap_ratio_rows(rows: pd.DataFrame, stated: pd.DataFrame, max_rows: int | None) -> pd.DataFrame:
    """`cap_rows` for ratio rows: implied (one per month) first, then stated by recent as-of."""
    if len(rows) <= (MAX_CHART_ROWS if max_rows is None else max_rows):
        return rows
    labelled = label_points(stated, "R")
    dates = dict(zip(labelled["label"], labelled["as_of_earliest"], strict=True))
    ranked = rows.assign(
        implied=rows["kind"] == "implied",
        as_of_earliest=[dates.get(lab) for lab in rows["labels"]],
    )
    rank = [("implied", False), ("as_of_earliest", False), ("labels", True)]
    return cap_rows(ranked, max_rows, rank).drop(columns=["implied", "as_of_earliest"])


# ---------------------------------------------------------------------------- drones


def tactic_order(mentions: pd.DataFrame) -> list[str]:
    """Tactics by mention count (descending), ties by name."""
    counts = mentions.groupby("tactic").size()
    return sorted(counts.index, key=lambda t: (-int(counts[t]), str(t)))


def drone_counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions per tactic × article (rows in `tactic_order`, columns sorted), zero-filled."""
    if mentions.empty:
        return pd.DataFrame(dtype=int)
    table = pd.crosstab(mentions["tactic"], mentions["article_id"])
    table = table.reindex(index=tactic_order(mentions), columns=sorted(table.columns))
    return table.astype(int)


def cap_article_columns(counts: pd.DataFrame, max_articles: int | None = None) -> pd.DataFrame:
    """`drone_counts` with at most `max_articles` (default MAX_HEATMAP_ARTICLES) article
    columns: the articles with the most mentions (ties by id, kept in id order) and one
    "other N articles" column summing the rest, so every mention is still counted."""
    cap = MAX_HEATMAP_ARTICLES if max_articles is None else max_articles
    if counts.shape[1] <= cap:
        return counts
    totals = counts.sum(axis=0)
    ranked = sorted(counts.columns, key=lambda a: (-int(totals[a]), str(a)))
    top = sorted(ranked[: cap - 1])
    rest = [a for a in counts.columns if a not in set(top)]
    out = counts[top].copy()
    out[f"other {len(rest)} articles"] = counts[rest].sum(axis=1)
    return out


def drone_heatmap(
    mentions: pd.DataFrame, *, theatre: str = "the theatre", max_articles: int | None = None
) -> Figure:
    """Drone mentions counted by tactic (rows) and article (columns), with counts in cells.

    Past `max_articles` columns the least-mentioning articles are summed in one column.
    """
    all_counts = drone_counts(mentions)
    counts = cap_article_columns(all_counts, max_articles)
    height = max(3.5, 1.8 + 0.42 * len(counts))
    fig, (ax,) = new_figure(size=(11, height))
    if counts.empty:
        _no_data(ax, "no drone mentions")
    else:
        sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", linewidths=0.5, linecolor="white",
                    cbar_kws={"label": "mentions", "ticks": MaxNLocator(integer=True)},
                    ax=ax)  # fmt: skip
        ax.set_xlabel("article")
        ax.set_ylabel("tactic")
        ax.tick_params(axis="x", rotation=25)
        ax.tick_params(axis="y", rotation=0)
        for label in ax.get_xticklabels():
            label.set_ha("right")
    ax.set_title(f"Drone mentions in {theatre} by tactic and article (count of mentions)")
    extra = "Counts of in-scope body mentions; each mention is cited in drones.csv."
    if counts.shape[1] < all_counts.shape[1]:
        extra += (
            f" {all_counts.shape[1] - counts.shape[1] + 1} of {all_counts.shape[1]} articles "
            "are summed in the 'other' column; drone_tactics.csv has every article."
        )
    add_source_note(fig, source_note(mentions, extra=extra))
    return freeze_layout(fig)


def drone_sides_chart(mentions: pd.DataFrame, *, theatre: str = "the theatre") -> Figure:
    """Drone mentions per tactic, stacked by the side using the drones."""
    order = tactic_order(mentions) if not mentions.empty else []
    fig, (ax,) = new_figure(size=(11, max(3.5, 1.8 + 0.42 * len(order))))
    if mentions.empty:
        _no_data(ax, "no drone mentions")
    else:
        table = pd.crosstab(mentions["tactic"], mentions["side"]).reindex(order)
        sides = [s for s in SIDE_COLOURS if s in table.columns]
        left = np.zeros(len(order))
        ys = np.arange(len(order))[::-1]
        for side in sides:
            values = table[side].to_numpy(dtype=float)
            ax.barh(
                ys, values, left=left, color=SIDE_COLOURS[side], label=SIDE_NAMES[side], height=0.65
            )
            for y, v, l0 in zip(ys, values, left, strict=True):
                if v:
                    ax.text(l0 + v / 2, y, f"{v:.0f}", ha="center", va="center", fontsize=8,
                            color="white")  # fmt: skip
            left += values
        ax.set_yticks(ys)
        ax.set_yticklabels(order)
        ax.set_xlabel("mentions (count)")
        ax.grid(axis="y", visible=False)
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.legend(loc="outside right upper", title="side using the drones")
    ax.set_title(f"Drone mentions in {theatre} per tactic, by side (count of mentions)")
    add_source_note(fig, source_note(mentions, extra="Side is the side operating the drones; "
                                     "'side unknown' when the sentence does not say."))  # fmt: skip
    return freeze_layout(fig)


def _quantity_rows(sub: pd.DataFrame) -> pd.DataFrame:
    """Range rows of one unit's labelled drone quantities, one per claim, in label order."""
    return pd.DataFrame(
        {
            "labels": [f"{lab}  “{_short(q, 30)}”" for lab, q in
                       zip(sub["label"], sub["quantity_text"], strict=True)],
            "side": sub["side"],
            "who_when": [f"{_short(t, 28)} · {_short(s, 22)}" for t, s in
                         zip(sub["drone_terms"], sub["source_label"], strict=True)],
            "value_low": sub["value_low"],
            "value_best": sub["value_best"],
            "value_high": sub["value_high"],
            "hedge": sub["hedge"],
            "n_articles": 1,
            "contradiction": False,
            "as_of_earliest": sub.get("as_of_earliest"),
        }
    ).reset_index(drop=True)  # fmt: skip


def drone_quantities_chart(
    quantities: pd.DataFrame, *, theatre: str = "the theatre", max_rows: int | None = None
) -> Figure:
    """Numbers tied to drones (distances, counts, equipment), one panel per unit.

    Each panel draws at most `max_rows` rows (default MAX_CHART_ROWS), the most recent first.
    """
    units = sorted(set(quantities["unit"].astype(str))) if not quantities.empty else []
    pts = label_points(quantities, "Q") if not quantities.empty else quantities
    full = {u: _quantity_rows(pts.loc[pts["unit"] == u]) for u in units}
    panels = {u: cap_rows(rows, max_rows) for u, rows in full.items()}
    n_rows = [len(panels[u]) for u in units]
    height = max(3.5, 1.8 + 0.42 * sum(n_rows) + 0.6 * len(units))
    fig, axes = new_figure(max(1, len(units)), 1, size=(11, height),
                           height_ratios=[max(1, n) for n in n_rows] or None)  # fmt: skip
    if not units:
        _no_data(axes[0], "no numbers in sentences that mention drones")
        axes[0].set_title(f"Numbers tied to drones in {theatre}")
    for ax, unit in zip(axes, units, strict=False):
        rows = panels[unit]
        _draw_range_rows(ax, rows, colour_of=SIDE_COLOURS)
        _pad_right(ax, rows, 1.6)
        ax.set_xlabel(unit)
        ax.set_title(f"{unit} in sentences that mention drones", fontsize=10)
    if units:
        fig.suptitle(f"Numbers tied to drones in {theatre} (distances, counts), by unit",
                     fontweight="bold")  # fmt: skip
        sides = [s for s in SIDE_COLOURS if s in set(pts["side"])]
        handles = [Patch(color=SIDE_COLOURS[s], label=SIDE_NAMES[s]) for s in sides]
        fig.legend(handles=handles + _hedge_handles(pts["hedge"]), loc="outside right upper")
    extra = "Labels Q1… are the rows of drone_quantities.csv."
    hidden = sum(len(full[u]) - len(panels[u]) for u in units)
    if hidden:
        extra += (
            f" {hidden} of {len(pts)} rows not drawn (each unit capped at the most recent "
            f"{max(n_rows)}); drone_quantities.csv lists every claim with its label."
        )
    add_source_note(fig, source_note(quantities, extra=extra))
    return freeze_layout(fig)


# ---------------------------------------------------------------------------- writers


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
