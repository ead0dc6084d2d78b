"""Interactive charts (Altair / Vega-Lite 5) and tables (itables) for JupyterLab and the report.

Why these libraries (measured on the seed views, December 2026):

- Altair 5.5 emits Vega-Lite 5 specs, which JupyterLab 4 renders with its built-in renderer, so
  charts work offline with no extension. Hover tooltips, click-to-open links (the `href` channel),
  a legend that filters and drop-down selectors are all declarative. The report inlines Vega,
  Vega-Lite and vega-embed once (vl-convert's bundle, about 0.9 MB); a chart adds its data only
  (about 8 kB for the troops view). Plotly would inline 4.8 MB of plotly.js, and its click
  handling and multi-field filters need hand-written JavaScript.
- itables renders DataFrames as DataTables (search, sort, per-column filters) with its bundle
  inlined once (`connected=False`, about 0.7 MB), and escapes cell text unless told otherwise.

Article text is untrusted: tooltips are escaped by vega-tooltip, tables by itables (allow_html
stays False), and only http(s) URLs become links (`safe_url`).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
from IPython.display import HTML

from salient.output.plots import SIDE_COLOURS, cap_article_columns, cap_rows, drone_counts

TABLE_MAX_BYTES = 2**19
"""itables embeds at most about this much table data (its HTML is about three times larger); past
it, itables shows the first and last rows and says so. The CSV beside it keeps every row."""
MAX_INTERACTIVE_POINTS = 500
"""A claims chart embeds at most this many claims (about 1 kB each in the notebook and the
report); past it the same ranking as the static charts decides (`plots.cap_rows`), and the
subtitle says how many are left out. Zooming needs more points than a PNG, hence a larger cap."""
MAX_INTERACTIVE_ARTICLES = 60
"""The drone chart shows at most this many articles (those with the most mentions)."""
HEDGE_SHAPES = {
    "exact": "circle",
    "approx": "diamond",
    "range": "square",
    "at_least": "triangle-up",
    "at_most": "triangle-down",
    "vague": "cross",
}
TOOLTIP = [
    ("value", "Value"),
    ("range", "Range"),
    ("hedge_shown", "Hedge"),
    ("as_of_shown", "As of"),
    ("source_label", "Source"),
    ("quantity_text", "Quote"),
    ("sentence", "Sentence"),
    ("review", "Review"),
    ("claim_id", "Claim"),
]
WIDTH, HEIGHT = 640, 320
WIDE_COLUMNS = ("sentence", "message", "quote")


def setup() -> None:
    """Call once per notebook: Vega-Lite mimetype output, itables with its bundle inlined."""
    import itables

    alt.renderers.enable("mimetype")
    itables.init_notebook_mode(all_interactive=False, connected=False)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) address, else None: nothing else becomes a link.

    >>> safe_url("https://example.org/a?b=1"), safe_url("javascript:alert(1)")
    ('https://example.org/a?b=1', None)
    >>> safe_url(" HTTP://x.org "), safe_url("//x.org/a"), safe_url(None)
    ('HTTP://x.org', None, None)
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if re.search(r"[\s\"'<>\\]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# ---------------------------------------------------------------------------- data


def chart_rows(view: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The fields a claims chart needs, one row per dated claim with a value, tooltips preformatted."""
    rows = _drawable(view)
    out = pd.DataFrame(
        {
            "date": rows["date_mid"],
            "value_plot": rows["value_plot"],
            "value_low": rows["value_low"].fillna(rows["value_plot"]),
            "value_high": rows["value_high"].fillna(rows["value_plot"]),
            "side": rows["side"],
            "hedge": rows["hedge"],
            "source_label": rows["source_label"],
            "value": [_number(v, u) for v, u in zip(rows["value_plot"], rows["unit"], strict=True)],
            "range": [_range(r) for _, r in rows.iterrows()],
            "hedge_shown": [
                _hedge(h, t) for h, t in zip(rows["hedge"], rows["hedge_text"], strict=True)
            ],
            "as_of_shown": [_as_of(r) for _, r in rows.iterrows()],
            "quantity_text": rows["quantity_text"],
            "sentence": rows["sentence"],
            "review": _review(rows),
            "claim_id": rows["claim_id"],
            "url": _urls(rows["article_id"], articles),
        }
    )
    return out.reset_index(drop=True)


def _drawable(view: pd.DataFrame) -> pd.DataFrame:
    """The claims a chart can place: a value and an as-of date."""
    dated = view["date_mid"].notna() & ~view["date_mid"].astype(str).isin(["", "nan"])
    return view.loc[view["value_plot"].notna() & dated]


def _urls(article_ids: pd.Series, articles: pd.DataFrame | None) -> pd.Series:
    """Each row's article URL when it is http(s), else None (object dtype: null in the JSON)."""
    urls = {}
    if articles is not None and "url" in articles:
        urls = articles.drop_duplicates("article_id").set_index("article_id")["url"].to_dict()
    safe = [safe_url(urls.get(a)) for a in article_ids]
    return pd.Series(safe, index=article_ids.index, dtype=object)


def _review(rows: pd.DataFrame) -> list[str]:
    """'corrected: value_best: 70000 → 65000' etc., so a reviewed point says what changed."""
    if "review" not in rows:
        return ["unreviewed"] * len(rows)
    changes = rows["review_changes"] if "review_changes" in rows else [None] * len(rows)
    return [
        f"{state}: {change}" if isinstance(change, str) and change else str(state)
        for state, change in zip(rows["review"], changes, strict=True)
    ]


def _number(value: float, unit: str) -> str:
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"
    return f"{shown} {unit}"


def _range(row: pd.Series) -> str:
    low, high = row["value_low"], row["value_high"]
    if pd.isna(low) and pd.isna(high):
        return "none given"
    if low == high:
        return "a point"
    lo = "…" if pd.isna(low) else f"{low:,.0f}"
    hi = "…" if pd.isna(high) else f"{high:,.0f}"
    return f"{lo} – {hi}"


def _hedge(hedge: str, text: object) -> str:
    return f"{hedge} ({text})" if isinstance(text, str) and text else hedge


def _as_of(row: pd.Series) -> str:
    when = row["as_of"] if isinstance(row["as_of"], str) and row["as_of"] else None
    span = f"{row['as_of_earliest']} to {row['as_of_latest']}"
    basis = row["as_of_basis"]
    return f"{when or span} ({row['as_of_precision']} precision, from {basis})"


# ---------------------------------------------------------------------------- charts


def claims_chart(
    view: pd.DataFrame,
    articles: pd.DataFrame | None = None,
    *,
    title: str,
    y_title: str,
    name: str,
) -> alt.LayerChart:
    """Claims over time: a point per claim at its as-of date, a bar over its range.

    Hover shows value, range, hedge, as-of and precision, source, quote and sentence; a click
    opens the article when it has an http(s) URL; clicking a side in the legend highlights it;
    the Source and Hedge selectors filter; scrolling or dragging zooms and pans in time (to a
    month, say). `name` keeps parameter names unique per chart.
    """
    drawable = _drawable(view)
    data = chart_rows(_capped(drawable), articles)
    side = alt.selection_point(name=f"{name}_side", fields=["side"], bind="legend")
    source = _choice(f"{name}_source", "Source ", data["source_label"])
    hedge = _choice(f"{name}_hedge", "Hedge ", data["hedge"])
    zoom = alt.selection_interval(name=f"{name}_zoom", bind="scales", encodings=["x"])
    base = (
        alt.Chart(_inline(data))
        .transform_filter(f"{source.name} == null || datum.source_label == {source.name}")
        .transform_filter(f"{hedge.name} == null || datum.hedge == {hedge.name}")
        .encode(
            x=alt.X("date:T", title="as of", scale=alt.Scale(padding=16)),
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=list(SIDE_COLOURS), range=list(SIDE_COLOURS.values())),
                title="side (click)",
            ),
            opacity=alt.condition(side, alt.value(0.9), alt.value(0.12)),
        )
    )
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("value_low:Q", title=y_title, scale=alt.Scale(padding=12)), y2="value_high:Q"
    )
    points = base.mark_point(size=90, filled=True).encode(
        y="value_plot:Q",
        shape=alt.Shape(
            "hedge:N",
            scale=alt.Scale(domain=list(HEDGE_SHAPES), range=list(HEDGE_SHAPES.values())),
        ),
        tooltip=[alt.Tooltip(f"{field}:N", title=label) for field, label in TOOLTIP],
        href="url:N",
    )
    return (
        alt.layer(bars, points)
        .add_params(side, source, hedge, zoom)
        .properties(
            title=_title(title, _claims_left_out(len(drawable), len(data))),
            width=WIDTH,
            height=HEIGHT,
        )
    )


def _claims_left_out(total: int, drawn: int) -> str | None:
    if drawn >= total:
        return None
    return (
        f"{drawn} of {total} claims shown (figures repeated by the most articles, then the most "
        "recent first); the table below lists every claim"
    )


def _capped(view: pd.DataFrame) -> pd.DataFrame:
    """At most MAX_INTERACTIVE_POINTS claims: a figure repeated by more articles (same side,
    value and unit) first, then the most recent, so agreement and the latest state stay visible."""
    if len(view) <= MAX_INTERACTIVE_POINTS:
        return view
    repeated = view.groupby(["side", "unit", "value_best"], dropna=False)["article_id"]
    ranked = view.assign(n_articles=repeated.transform("nunique"))
    return cap_rows(ranked, MAX_INTERACTIVE_POINTS)


def _title(title: str, left_out: str | None) -> str | alt.TitleParams:
    """The title, with a subtitle saying what a capped chart leaves out (None: nothing)."""
    return alt.TitleParams(title, subtitle=left_out) if left_out else title


def _inline(data: pd.DataFrame) -> alt.InlineData:
    """Rows as JSON records, missing values as null (Altair would keep NaN, which is not JSON)."""
    return alt.InlineData(values=json.loads(data.to_json(orient="records", force_ascii=False)))


def _choice(name: str, label: str, values: pd.Series) -> alt.Parameter:
    """A drop-down parameter: 'all' (null) or one of the distinct values."""
    options = sorted(set(values.dropna().astype(str)))
    return alt.param(
        name=name,
        value=None,
        bind=alt.binding_select(options=[None, *options], labels=["all", *options], name=label),
    )


def drone_chart(
    mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *, title: str
) -> alt.Chart:
    """One dot per drone mention: tactic by article, coloured by side, sentence on hover.

    At most MAX_INTERACTIVE_ARTICLES articles are shown, those with the most mentions (the same
    choice as the static heatmap); the subtitle says how many are left out.
    """
    shown = _most_mentioning(mentions)
    left_out = mentions["article_id"].nunique() - shown["article_id"].nunique()
    note = f"{left_out} articles with fewer mentions not shown; the table lists them"
    data = pd.DataFrame(
        {
            "tactic": shown["tactic"],
            "article": shown["article_id"],
            "side": shown["side"],
            "term": shown["term"],
            "sentence": shown["sentence"],
            "mention_id": shown["mention_id"],
            "url": _urls(shown["article_id"], articles),
        }
    )
    side = alt.selection_point(name="drones_side", fields=["side"], bind="legend")
    return (
        alt.Chart(_inline(data))
        .mark_circle(size=80)
        .encode(
            x=alt.X("article:N", title="article"),
            y=alt.Y("tactic:N", title=None),
            xOffset="jitter:Q",
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=list(SIDE_COLOURS), range=list(SIDE_COLOURS.values())),
                title="side (click)",
            ),
            opacity=alt.condition(side, alt.value(0.85), alt.value(0.12)),
            tooltip=[
                alt.Tooltip("tactic:N", title="Tactic"),
                alt.Tooltip("term:N", title="Quote"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("sentence:N", title="Sentence"),
                alt.Tooltip("mention_id:N", title="Mention"),
            ],
            href="url:N",
        )
        .transform_calculate(jitter="random()")
        .add_params(side)
        .properties(title=_title(title, note if left_out > 0 else None), width=WIDTH, height=HEIGHT)
    )


def _most_mentioning(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions of the MAX_INTERACTIVE_ARTICLES articles with the most of them."""
    if mentions.empty or mentions["article_id"].nunique() <= MAX_INTERACTIVE_ARTICLES:
        return mentions
    counts = cap_article_columns(drone_counts(mentions), MAX_INTERACTIVE_ARTICLES + 1)
    kept = set(counts.columns[:-1])  # the last column sums the rest
    return mentions.loc[mentions["article_id"].isin(kept)]


# ---------------------------------------------------------------------------- tables


def table(frame: pd.DataFrame, name: str, columns: list[str] | None = None) -> HTML:
    """A searchable, sortable table with a filter box per column; `name` fixes its HTML id.

    Text is escaped by itables (allow_html False), so article text shows as written.
    """
    from itables import to_html_datatable

    shown = _displayed(frame[columns] if columns else frame)
    wide = [i for i, c in enumerate(shown.columns) if c in WIDE_COLUMNS]
    table_id = f"table-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
    # The filter boxes would otherwise keep every column at least an input's default width.
    # Long ids may wrap, so the sentence column keeps room to be read.
    style = (
        f"<style>#{table_id} tfoot input {{ width: 100%; box-sizing: border-box; }} "
        f"#{table_id} td {{ overflow-wrap: anywhere; }} "
        f"#{table_id} td.salient-wide {{ min-width: 22em; }}</style>"
    )
    html = to_html_datatable(
        shown,
        table_id=table_id,
        connected=False,
        maxBytes=TABLE_MAX_BYTES,
        column_filters="footer",
        classes="display compact",
        style="width:100%; table-layout:auto",
        autoWidth=False,
        columnDefs=[{"className": "salient-wide", "targets": wide}] if wide else [],
        showIndex=False,
        display_logo_when_loading=False,
    )
    return HTML(style + html)


def _displayed(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers without '.0' and missing values as empty cells, so the table reads clean."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            out[column] = values.astype("Int64")
        out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out
