"""The territory chart: area held by a side over time, each article's claim a labelled point,
with the consolidated best estimate as a line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from salient.output.plots.common import (
    HEDGE_MARKERS,
    MAX_CHART_ROWS,
    SIDE_NAMES,
    _finite,
    _hedge_handles,
    _name_list,
    _open_arrow,
    _short,
    _thousands,
    add_source_note,
    freeze_layout,
    label_points,
    new_figure,
    plotted_table,
    source_colours,
    source_note,
)


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
