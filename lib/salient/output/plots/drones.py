"""Drone charts: mentions per tactic and article (heatmap), per side, and stated quantities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from salient.output.plots.common import (
    MAX_HEATMAP_ARTICLES,
    SIDE_COLOURS,
    SIDE_NAMES,
    _hedge_handles,
    _no_data,
    _short,
    add_source_note,
    cap_rows,
    freeze_layout,
    label_points,
    new_figure,
    source_note,
)
from salient.output.plots.ranges import _draw_range_rows, _pad_right


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
