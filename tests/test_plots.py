"""Chart style, deterministic writers, chart functions and generated summaries on synthetic frames.

The fake-data helpers build claims and drone_mentions frames that follow `salient.schemas`, so
charts are tested without the extractor. Sentences are invented for these tests.
"""

from __future__ import annotations

import hashlib
import re

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from factories import frame, make_claim, validated
from salient.analysis import summary, views
from salient.analysis.consolidate import consolidate
from salient.output import plots
from salient.schemas import DRONE_MENTIONS

matplotlib.use("Agg")

# ---------------------------------------------------------------------------- fake data


def fake_claim(article_id: str = "art1", **overrides) -> dict:
    """A claims row for charts: by default an area held by Ukraine (see factories.make_claim)."""
    fields = {
        "category": "territory",
        "measure": "held",
        "side": "UA",
        "value": 1000.0,
        "unit": "km2",
        "as_of": "2024-08-20",
    } | overrides
    if "text" not in fields:
        value = fields["value"]
        fields["text"] = f"{value:,.0f} {fields['unit']}" if value is not None else "a lot"
    fields.setdefault("sentence", f"Observers put it at {fields['text']} that week.")
    fields.setdefault("sentence_start", fields.get("start", 100) - 20)
    return make_claim(article_id, **fields)


def claims_frame(*rows: dict) -> pd.DataFrame:
    return frame(*rows)


def fake_mention(
    article_id: str = "art1",
    *,
    start: int = 50,
    term: str = "FPV drones",
    tactic: str = "fpv",
    side: str = "RU",
    sentence: str | None = None,
) -> dict:
    return {
        "mention_id": f"{article_id}:{start}-{start + len(term)}",
        "article_id": article_id,
        "tactic": tactic,
        "term": term,
        "side": side,
        "section": "body",
        "in_scope": True,
        "sentence": sentence or f"Crews sent {term} over the road.",
        "char_start": start,
        "char_end": start + len(term),
    }


def mentions_frame(*rows: dict) -> pd.DataFrame:
    return validated(DRONE_MENTIONS, *rows)


TROOPS = {"category": "troops", "measure": "", "unit": "persons"}


def sample_claims() -> pd.DataFrame:
    """A small invented corpus: areas over time, a loss, troop estimates, a ratio, drones."""
    month = {"precision": "month", "earliest": "2024-11-01", "latest": "2024-11-30"}
    return claims_frame(
        fake_claim("art1", value=1250, hedge="approx", as_of="2024-08-20", attributed_to="General Staff"),
        fake_claim("art2", value=1250, as_of="2024-08-21", start=300),
        fake_claim("art2", value=800, as_of="2024-11", start=400, **month),
        fake_claim("art3", value=None, low=None, high=100, hedge="at_most", as_of="2025-03-12", start=20),
        fake_claim("art3", measure="lost", value=400, as_of="2025-03-10", start=90),
        fake_claim("art1", value=None, as_of=None, start=700, hedge="vague", text="large areas"),
        fake_claim("art1", **TROOPS, side="UA", value=10_000, hedge="approx", as_of="2024-11", start=800, **month),
        fake_claim("art2", **TROOPS, side="UA", value=10_000, as_of="2024-11-15", start=900),
        fake_claim("art2", **TROOPS, side="RU", value=None, low=50_000, hedge="at_least", as_of="2024-11-20", start=950),
        fake_claim("art3", **TROOPS, side="KP", value=None, low=10_000, high=12_000, hedge="range", as_of="2024-11-20", start=990),
        fake_claim("art3", **TROOPS, side="UA", value=30_000, as_of="2024-11-15", start=1100),
        fake_claim("art3", category="ratio", measure="", side="RU", value=3, unit="ratio", as_of="2024-11-20", start=1200, text="three to one"),
        fake_claim("art3", category="casualties", measure="", side="KP", value=4000, unit="persons", hedge="approx", as_of="2025-01-10", start=1300),
        fake_claim("art3", category="distance", measure="", side="RU", value=None, high=20, unit="km", hedge="at_most", as_of="2025-03-01", start=1400, text="up to 20 km", sentence="Fibre-optic drones reach up to 20 km behind the line."),
        fake_claim("art2", category="distance", measure="", side="RU", value=None, low=10, high=15, unit="km", hedge="range", as_of="2025-02-01", start=1500, text="10-15 km", sentence="FPV drones hunt trucks 10-15 km from the border."),
    )  # fmt: skip


def sample_mentions() -> pd.DataFrame:
    return mentions_frame(
        fake_mention("art3", start=1380, term="Fibre-optic drones", tactic="fibre_optic",
                     sentence="Fibre-optic drones reach up to 20 km behind the line."),
        fake_mention("art2", start=1485, term="FPV drones", tactic="fpv",
                     sentence="FPV drones hunt trucks 10-15 km from the border."),
        fake_mention("art1", start=40, term="FPV drones", tactic="fpv", side="unknown"),
        fake_mention("art1", start=90, term="FPV", tactic="fpv",
                     sentence="An FPV and a Shahed both flew; the FPV hit first."),
        fake_mention("art1", start=100, term="Shahed", tactic="long_range", side="RU",
                     sentence="An FPV and a Shahed both flew; the FPV hit first."),
        fake_mention("art2", start=10, term="drone strikes", tactic="strike", side="UA"),
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------- style


def test_apply_style_sets_fixed_salt_palette_and_font():
    matplotlib.rcParams["svg.hashsalt"] = None
    plots.apply_style()
    assert matplotlib.rcParams["svg.hashsalt"] == plots.SVG_HASHSALT
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert colours[:3] == list(plots.SOURCE_PALETTE[:3])


def test_side_colours_and_hedge_markers_cover_the_vocabularies():
    from salient.model import HEDGES, SIDES

    assert set(plots.SIDE_COLOURS) == set(SIDES)
    assert set(plots.HEDGE_MARKERS) == set(HEDGES)
    assert len(set(plots.SIDE_COLOURS.values())) == len(SIDES)
    assert len(set(plots.HEDGE_MARKERS.values())) == len(HEDGES)


def test_source_colours_depend_only_on_the_set_of_labels():
    a = plots.source_colours(["b", "a", "c", "a"])
    b = plots.source_colours(["c", "b", "a"])
    assert a == b
    assert a["a"] == plots.SOURCE_PALETTE[0]
    assert a["c"] == plots.SOURCE_PALETTE[2]


# ---------------------------------------------------------------------------- writers


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_saves_of_the_same_figure_are_byte_identical(tmp_path):
    claims = sample_claims()
    fig = plots.territory_chart(views.territory(claims), consolidate(claims))
    first = plots.save_figure(fig, tmp_path / "one", "territory")
    second = plots.save_figure(fig, tmp_path / "two", "territory")
    assert [p.name for p in first] == ["territory.png", "territory.svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    # A fresh figure drawn from the same data gives the same bytes too.
    fig2 = plots.territory_chart(views.territory(claims), consolidate(claims))
    third = plots.save_figure(fig2, tmp_path / "three", "territory")
    assert [_digest(p) for p in third] == [_digest(p) for p in first]


def test_saved_files_carry_no_timestamp_or_software_version(tmp_path):
    fig, (ax,) = plots.new_figure()
    ax.plot([0, 1], [0, 1])
    png, svg = plots.save_figure(fig, tmp_path, "line")
    svg_text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in svg_text
    assert "Matplotlib v" not in svg_text
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", svg_text)
    png_bytes = png.read_bytes()
    assert b"Software" not in png_bytes
    assert b"tIME" not in png_bytes
    assert b"matplotlib" not in png_bytes.lower()


def test_save_figure_uses_fixed_size_and_dpi(tmp_path):
    fig, (ax,) = plots.new_figure(size=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title long enough that a tight box would change the canvas size" * 2)
    (png,) = plots.save_figure(fig, tmp_path, "size", formats=("png",))
    header = png.read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    assert (width, height) == (4 * plots.DPI, 3 * plots.DPI)


def test_save_figure_leaves_no_temporary_files(tmp_path):
    fig, _ = plots.new_figure()
    plots.save_figure(fig, tmp_path / "new" / "dir", "x")
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == ["x.png", "x.svg"]


def test_save_table_is_lf_terminated_stable_and_formats_floats(tmp_path):
    df = pd.DataFrame({"b": [2.0, 1.0], "a": [1 / 3, 1250.0], "c": ["y", "x"]})
    path = plots.save_table(df, tmp_path, "t", sort_by=["c"])
    text = path.read_bytes().decode("utf-8")
    assert "\r" not in text
    assert text == "b,a,c\n1,1250,x\n2,0.3333333333,y\n"
    again = plots.save_table(df, tmp_path / "again", "t", sort_by=["c"])
    assert again.read_bytes() == path.read_bytes()


# ---------------------------------------------------------------------------- labels and tables


def test_territory_points_label_sort_sign_and_skip_reasons():
    pts = plots.territory_points(views.territory(sample_claims()))
    assert list(pts["label"]) == [f"T{i}" for i in range(1, len(pts) + 1)]
    by_text = pts.set_index("quantity_text")
    assert by_text.loc["400 km2", "panel"] == "change"
    assert by_text.loc["400 km2", "y"] == -400
    assert by_text.loc["large areas", "plotted"] == "no: no number"
    assert by_text.loc["800 km2", "is_interval"]
    # sorted by as-of date: the August claims come first
    assert list(pts["as_of_earliest"].iloc[:2]) == ["2024-08-20", "2024-08-21"]


def test_gains_claimed_for_the_other_side_are_losses():
    view = views.territory(
        claims_frame(fake_claim("a", side="RU", measure="gained", value=300, as_of="2025-03-01"))
    )
    pts = plots.territory_points(view, side="UA")
    assert pts["y"].tolist() == [-300]


def test_territory_table_has_a_quote_and_citation_per_label():
    table = plots.territory_table(views.territory(sample_claims()))
    assert table.columns[0] == "label"
    assert {"sentence", "cite", "article_id", "plotted"} <= set(table.columns)
    assert table["cite"].str.contains(r"\[\d+:\d+\]").all()
    assert (table["plotted"] == "yes").sum() == 5


def test_range_rows_merge_repeats_and_flag_contradictions():
    claims = sample_claims()
    rows = plots.range_rows(views.troops(claims), "P", consolidate(claims))
    ua = rows.loc[rows["side"] == "UA"]
    merged = ua.loc[ua["n_articles"] == 2]
    assert len(merged) == 1
    assert merged["labels"].iloc[0].count("P") == 2
    assert ua["contradiction"].any()
    assert list(rows["side"]) == ["UA", "UA", "RU", "KP"]


def test_ratio_rows_put_stated_and_implied_on_one_scale():
    claims = sample_claims()
    stated = views.ratios(claims)
    implied = views.implied_ratios(views.troops(claims))
    rows = plots.ratio_rows(stated, implied)
    assert list(rows["kind"]) == ["stated", "implied"]
    assert rows.loc[0, "value_best"] == 3
    assert rows.loc[1, "labels"] == "I1"


def test_a_stated_ratio_in_ukraines_favour_is_inverted():
    stated = views.ratios(
        claims_frame(fake_claim(category="ratio", measure="", side="UA", value=2, unit="ratio"))
    )
    rows = plots.ratio_rows(stated, views.implied_ratios(views.troops(claims_frame())))
    assert rows["value_best"].tolist() == [0.5]


def test_drone_counts_orders_tactics_by_count_then_name():
    counts = plots.drone_counts(views.drones(sample_mentions()))
    assert list(counts.index) == ["fpv", "fibre_optic", "long_range", "strike"]
    assert list(counts.columns) == ["art1", "art2", "art3"]
    assert counts.loc["fpv"].tolist() == [2, 1, 0]


# ---------------------------------------------------------------------------- charts


def _texts(fig) -> str:
    parts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.texts]
        parts += [t.get_text() for t in ax.get_yticklabels()]
    for legend in fig.legends:
        parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def test_territory_chart_has_two_panels_labels_reference_and_source_note():
    claims = sample_claims()
    reference = pd.DataFrame(
        {
            "date": ["2024-08-15", "2025-03-15"],
            "area_km2": [1100.0, 50.0],
            "source": ["MapDesk"] * 2,
        }
    )
    fig = plots.territory_chart(views.territory(claims), consolidate(claims), reference)
    assert len(fig.axes) == 2
    text = _texts(fig)
    assert "km²" in fig.axes[0].get_ylabel()
    assert "held by Ukraine" in fig.axes[0].get_title()
    assert "reference: MapDesk" in text
    assert "best estimate (consolidated)" in text
    assert "Sources: 3 article(s): art1, art2, art3" in text
    assert "T6" in text  # the undated vague claim is named as not drawn
    for label in ("T1", "T2", "T3"):
        assert label in text
    assert "lost 400 km²" in text


def test_territory_chart_draws_interval_claims_as_horizontal_bars():
    view = views.territory(
        claims_frame(
            fake_claim("a", value=800, as_of="2024-11", precision="month",
                       earliest="2024-11-01", latest="2024-11-30")
        )
    )  # fmt: skip
    fig = plots.territory_chart(view)
    segments = [
        seg
        for coll in fig.axes[0].collections
        for seg in coll.get_segments()
        if len(seg) == 2 and seg[0][1] == seg[1][1] == 800
    ]
    assert segments, "expected a horizontal bar at 800 km²"
    assert segments[0][1][0] - segments[0][0][0] == 29  # 1 to 30 November


def test_charts_accept_empty_frames():
    empty = claims_frame()
    no_mentions = mentions_frame()
    figs = [
        plots.territory_chart(views.territory(empty), consolidate(empty)),
        plots.troops_chart(views.troops(empty), consolidate(empty)),
        plots.casualties_chart(views.casualties(empty)),
        plots.ratios_chart(views.ratios(empty), views.implied_ratios(views.troops(empty))),
        plots.drone_heatmap(views.drones(no_mentions)),
        plots.drone_sides_chart(views.drones(no_mentions)),
        plots.drone_quantities_chart(views.drone_quantities(empty, no_mentions)),
    ]
    for fig in figs:
        assert "Sources: no claims" in _texts(fig)


def test_troops_chart_marks_repeats_contradictions_and_open_ends():
    claims = sample_claims()
    fig = plots.troops_chart(views.troops(claims), consolidate(claims))
    text = _texts(fig)
    assert "×2 articles" in text
    assert "contradicts another estimate" in text
    assert "troops (persons)" in text
    arrows = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 1  # the at-least Russian estimate


def test_casualties_chart_is_separate_from_force_sizes():
    claims = sample_claims()
    fig = plots.casualties_chart(views.casualties(claims))
    text = _texts(fig)
    assert "not force sizes" in fig.axes[0].get_title()
    assert "C1" in text
    assert "10,000" not in text  # no troop estimate leaks in


def test_drone_charts_show_counts_and_sides():
    mentions = views.drones(sample_mentions())
    heat = plots.drone_heatmap(mentions)
    cells = sorted(t.get_text() for t in heat.axes[0].texts)
    assert cells.count("2") == 1 and cells.count("1") == 4
    sides = plots.drone_sides_chart(mentions)
    assert {"Russia", "Ukraine", "side unknown"} <= set(_texts(sides).split("\n"))


def test_drone_quantities_chart_has_a_panel_per_unit():
    claims = sample_claims()
    q = views.drone_quantities(claims, sample_mentions())
    fig = plots.drone_quantities_chart(q)
    assert [ax.get_xlabel() for ax in fig.axes] == ["km"]
    assert "Q1" in _texts(fig) and "Q2" in _texts(fig)


# ---------------------------------------------------------------------------- summaries


def test_drone_summary_names_top_tactics_sides_and_longest_distance():
    claims = sample_claims()
    mentions = views.drones(sample_mentions())
    q = views.drone_quantities(claims, sample_mentions())
    text = summary.drone_summary(mentions, q)
    assert text.startswith("Drones are mentioned 6 times in 3 articles.")
    assert "fpv (3 mentions; RU 2, unknown 1)" in text
    assert "The longest distance tied to drones is up to 20 km" in text
    assert "article art3 [1400:1411]" in text
    assert "unattributed" in text


def test_drone_summary_on_empty_frames_says_so():
    text = summary.drone_summary(mentions_frame(), pd.DataFrame(columns=["unit"]))
    assert text == "No in-scope drone mentions were found. No distance is tied to a drone mention."


def test_top_quotes_prefers_sentences_with_numbers_then_more_terms():
    mentions = views.drones(sample_mentions())
    quotes = summary.top_quotes(mentions, per_tactic=2)
    fpv = quotes.loc[quotes["tactic"] == "fpv"]
    assert len(fpv) == 2
    assert fpv.iloc[0]["quote"].startswith("FPV drones hunt trucks 10-15 km")
    assert fpv.iloc[1]["n_terms"] == 2  # the sentence with both FPV and Shahed
    assert fpv.iloc[0]["cite"] == "art2 [1485:1495]"
    assert list(quotes["tactic"]) == sorted(quotes["tactic"])


def test_top_quotes_quotes_a_sentence_once_per_tactic():
    m = mentions_frame(
        fake_mention("a", start=0, term="FPV", sentence="One FPV chased another FPV."),
        fake_mention("a", start=20, term="FPV", sentence="One FPV chased another FPV."),
    )
    quotes = summary.top_quotes(views.drones(m), per_tactic=3)
    assert len(quotes) == 1
    assert quotes["char_start"].tolist() == [0]


def test_territory_and_troops_summaries_report_ranges():
    claims = sample_claims()
    text = summary.territory_summary(views.territory(claims))
    assert text.startswith(
        "4 claims of area held by UA, from 100 to 1,250 km² (dated 2024-08-20 to 2025-03-12)"
    )
    assert "1 claim of area lost, 400 km² (as of 2025-03-10), from 1 article." in text
    troops = summary.troops_summary(views.troops(claims))
    assert "UA: 3 estimates, 10,000 to 30,000 persons." in troops
    assert "RU: 1 estimate, 50,000 persons." in troops
    assert "KP: 1 estimate, 10,000 to 12,000 persons." in troops


def test_pdf_saves_are_byte_identical_and_carry_no_dates(tmp_path):
    fig, (ax,) = plots.new_figure()
    ax.plot([0, 1], [1, 0])
    (a,) = plots.save_figure(fig, tmp_path / "a", "p", formats=("pdf",))
    (b,) = plots.save_figure(fig, tmp_path / "b", "p", formats=("pdf",))
    assert a.read_bytes() == b.read_bytes()
    assert b"CreationDate" not in a.read_bytes()


def test_stagger_gives_close_points_distinct_label_slots():
    assert plots.stagger([0, 0.1, 5, 0.2], [0, 0, 0, 0], x_tol=1, y_tol=1) == [0, 1, 0, 2]
