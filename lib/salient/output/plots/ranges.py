"""Range-row charts: troops and casualties (low–best–high per claim, contradictions marked) and
ratios (stated and implied), one labelled row per claim.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from salient.output.plots.common import (
    CONTRADICTION_COLOUR,
    HEDGE_MARKERS,
    MAX_CHART_ROWS,
    SIDE_COLOURS,
    SIDE_NAMES,
    SOURCE_PALETTE,
    _finite,
    _hedge_handles,
    _no_data,
    _open_arrow,
    _short,
    _thousands,
    add_source_note,
    cap_rows,
    capped_note,
    freeze_layout,
    label_points,
    new_figure,
    plotted_table,
    source_note,
)

SIDE_ORDER = {s: i for i, s in enumerate(SIDE_COLOURS)}
MAX_ROW_LABELS = 4
"""A drawn row names at most this many claim labels; a long list would squeeze the axes away."""
GROUP_FIELDS = ["group_id", "claim_ids", "value_low", "value_best", "value_high", "hedge",
                "n_articles", "contradiction"]  # fmt: skip
POINT_FIELDS = ["claim_id", "label", "source_label", "side", "as_of", "as_of_earliest", "unit",
                "value_low", "value_best", "value_high", "hedge", "casualty_kind"]  # fmt: skip
"""The fields a drawn row reads from consolidated groups and from labelled claims."""


def _groups_by_claim(consolidated: pd.DataFrame | None) -> dict[str, dict]:
    """claim_id → its consolidated group row (as a dict: rows of a large corpus are many)."""
    if consolidated is None or consolidated.empty:
        return {}
    out: dict[str, dict] = {}
    for group in consolidated[GROUP_FIELDS].to_dict("records"):
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
    by_claim = _groups_by_claim(consolidated)
    members_of: dict[str, list[dict]] = {}  # in order of first appearance
    points = label_points(view, prefix)
    for point in points[[c for c in POINT_FIELDS if c in points]].to_dict("records"):
        group = by_claim.get(point["claim_id"])
        members_of.setdefault(str(group["group_id"]) if group else point["claim_id"], []).append(
            point
        )
    rows = [
        _range_row(gid, members, by_claim.get(members[0]["claim_id"]))
        for gid, members in members_of.items()
    ]
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


def _range_row(gid: str, members: list[dict], group: dict | None) -> dict:
    """The drawn row of one estimate: its group's bounds when it has one, else its claim's."""
    first = members[0]
    source = "; ".join(sorted({str(m["source_label"]) for m in members}))
    when = first["as_of"] if isinstance(first["as_of"], str) and first["as_of"] else "undated"
    base = group if group is not None else first
    return {
        "labels": ", ".join(m["label"] for m in members) + _kind_note(first),
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


def few_labels(labels: str, keep: int = MAX_ROW_LABELS) -> str:
    """A row's labels as drawn: past `keep`, the first ones and "+N" (the table has them all).

    >>> few_labels("P1, P2, P3, P4, P5, P6 (killed)", keep=3)
    'P1, P2, P3 +3 (killed)'
    """
    names, kind = re.fullmatch(r"(.*?)((?: \(.*\))?)", labels).groups()
    parts = names.split(", ")
    if len(parts) <= keep:
        return labels
    return f"{', '.join(parts[:keep])} +{len(parts) - keep}{kind}"


def _point(low: float, best: float, high: float) -> float:
    """Where to put the marker: best, else the middle of low–high, else the one bound."""
    if _finite(best):
        return best
    if _finite(low) and _finite(high):
        return (low + high) / 2
    return low if _finite(low) else high


def _kind_note(claim: dict) -> str:
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
        note = few_labels(row["labels"]) + (
            f"  ×{row['n_articles']} articles" if row["n_articles"] > 1 else ""
        )
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
