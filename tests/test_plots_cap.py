"""Static charts stay bounded on large corpora: at most MAX_CHART_ROWS rows or labels drawn, the
source note says how many are not drawn, and the CSV tables still list every claim.

The corpora are synthetic (tests/factories.py); sentences are invented for these tests.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from factories import frame, make_claim, validated
from salient.analysis import views
from salient.analysis.consolidate import consolidate
from salient.output import plots
from salient.schemas import DRONE_MENTIONS

matplotlib.use("Agg")

CAP = plots.MAX_CHART_ROWS
LABEL = re.compile(r"\b[PCTR]\d+\b")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _day(i: int) -> str:
    return (date(2024, 8, 1) + timedelta(days=i % 200)).isoformat()


def many_troop_claims(n: int = 500) -> pd.DataFrame:
    """n single-article Russian troop estimates with distinct values, plus one Ukrainian figure
    repeated in 3 articles (one consolidated group) dated early, so recency alone would drop it."""
    rows = [
        make_claim(f"big{i:04d}", side="RU", value=20_000 + 37 * i, as_of=_day(i), start=100)
        for i in range(n - 3)
    ]
    rows += [
        make_claim(f"rep{i}", side="UA", value=7_777, as_of="2024-07-01", start=200)
        for i in range(3)
    ]
    return frame(*rows)


def _notes(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


def _labels_drawn(fig) -> set[str]:
    found: set[str] = set()
    for ax in fig.axes:
        for text in ax.texts:
            found |= set(LABEL.findall(text.get_text()))
    return found


def test_troops_chart_of_500_claims_draws_the_cap_and_says_how_many_are_left_out():
    claims = many_troop_claims()
    troops = views.troops(claims)
    fig = plots.troops_chart(troops, consolidate(claims))
    assert len(fig.axes[0].get_yticklabels()) == CAP
    assert len(_labels_drawn(fig)) <= CAP + 2  # the repeated figure's row carries 3 labels
    note = _notes(fig).replace("\n", " ")
    assert f"{498 - CAP} of 498 rows not drawn" in note
    assert "troops.csv lists every claim" in note
    assert f"and {500 - plots.MAX_NOTE_NAMES} more (see the table)" in note  # not all 500 ids
    assert "×3 articles" in "\n".join(t.get_text() for t in fig.axes[0].texts)
    table = plots.range_table(troops, "P")
    assert len(table) == 500 and table["label"].is_unique


def test_cap_keeps_most_cited_then_most_recent_rows_in_drawing_order():
    claims = many_troop_claims()
    rows = plots.range_rows(views.troops(claims), "P", consolidate(claims))
    drawn = plots.cap_rows(rows, 10)
    assert len(drawn) == 10
    assert drawn["n_articles"].iloc[0] == 3  # UA group first (side order), kept despite its date
    ru = drawn.loc[drawn["side"] == "RU", "as_of_earliest"]
    assert list(ru) == sorted(ru)  # still in chart order
    newest = rows.loc[rows["side"] == "RU", "as_of_earliest"].max()
    assert ru.max() == newest
    assert plots.cap_rows(rows, 10).equals(drawn)  # deterministic


def test_max_rows_keyword_overrides_the_module_cap():
    claims = many_troop_claims(60)
    fig = plots.troops_chart(views.troops(claims), max_rows=5)
    assert len(fig.axes[0].get_yticklabels()) == 5
    assert "55 of 60 rows not drawn" in _notes(fig).replace("\n", " ")


def test_charts_under_the_cap_are_unchanged(tmp_path):
    claims = many_troop_claims(12)
    troops, groups = views.troops(claims), consolidate(claims)
    rows = plots.range_rows(troops, "P", groups)
    assert plots.cap_rows(rows) is rows
    default = plots.troops_chart(troops, groups)
    roomy = plots.troops_chart(troops, groups, max_rows=10_000)
    assert "not drawn" not in _notes(default)
    a = plots.save_figure(default, tmp_path / "a", "t", ("png",))[0].read_bytes()
    b = plots.save_figure(roomy, tmp_path / "b", "t", ("png",))[0].read_bytes()
    assert a == b


def test_territory_chart_labels_at_most_the_cap_and_draws_the_rest_as_dots():
    rows = [
        make_claim(f"t{i:04d}", category="territory", measure="held", side="UA",
                   value=500 + i, unit="km2", as_of=_day(i))
        for i in range(500)
    ]  # fmt: skip
    territory = views.territory(frame(*rows))
    fig = plots.territory_chart(territory)
    assert len(_labels_drawn(fig)) == CAP
    dots = [c for c in fig.axes[0].collections if len(c.get_offsets()) == 500 - CAP]
    assert len(dots) == 1
    assert f"{500 - CAP} of 500 drawn points are small unlabelled dots" in _notes(fig).replace(
        "\n", " "
    )
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert sum(t.startswith("t0") for t in legend) == plots.MAX_LEGEND_SOURCES  # not 500
    assert len(plots.territory_table(territory)) == 500


def test_ratios_chart_caps_stated_rows_and_keeps_the_table_whole():
    rows = [
        make_claim(f"r{i:03d}", category="ratio", side="RU", value=2 + i / 100, unit="ratio",
                   as_of=_day(i), text="two to one")
        for i in range(60)
    ]  # fmt: skip
    stated = views.ratios(frame(*rows))
    implied = views.implied_ratios(views.troops(frame()))
    fig = plots.ratios_chart(stated, implied)
    assert len(fig.axes[0].get_yticklabels()) == CAP
    assert f"{60 - CAP} of 60 rows not drawn" in _notes(fig).replace("\n", " ")
    assert len(plots.ratio_rows(stated, implied)) == 60


def test_drone_heatmap_sums_the_least_mentioned_articles_into_one_column():
    mentions = validated(
        DRONE_MENTIONS,
        *[
            {"mention_id": f"d{i:03d}:{s}-{s + 3}", "article_id": f"d{i:03d}", "tactic": "fpv",
             "term": "FPV", "side": "RU", "section": "body", "in_scope": True,
             "sentence": "Crews flew an FPV at dawn.", "char_start": s, "char_end": s + 3}
            for i in range(100)
            for s in range(10, 10 + 10 * (1 + (i == 7)), 10)
        ],
    )  # fmt: skip
    counts = plots.drone_counts(mentions)
    capped = plots.cap_article_columns(counts)
    assert capped.shape[1] == plots.MAX_HEATMAP_ARTICLES
    assert "d007" in capped.columns  # the article with the most mentions is kept
    assert capped.columns[-1] == f"other {101 - plots.MAX_HEATMAP_ARTICLES} articles"
    assert int(capped.to_numpy().sum()) == int(counts.to_numpy().sum()) == 101
    fig = plots.drone_heatmap(mentions)
    assert "summed in the 'other' column" in _notes(fig).replace("\n", " ")
    few = counts.iloc[:, :5]
    assert plots.cap_article_columns(few) is few  # under the cap: the same table
