"""Analysis views: filtering, plotting columns, implied ratios, drone joins and the reference."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from factories import frame, make_claim, validated
from salient.analysis.views import (
    VIEWS,
    build_views,
    casualties,
    deviation_from_reference,
    drone_quantities,
    drones,
    formations,
    implied_ratios,
    ratios,
    read_reference,
    territory,
    territory_other,
    troops,
)
from salient.schemas import DRONE_MENTIONS

AREA = {"category": "territory", "measure": "held", "side": "UA", "unit": "km2"}
MONTH = {"precision": "month", "earliest": "2024-11-01", "latest": "2024-11-30"}


def make_mention(
    article_id: str = "a1",
    *,
    start: int = 100,
    term: str = "FPV drones",
    tactic: str = "fpv",
    side: str = "RU",
    in_scope: bool = True,
    section: str = "body",
) -> dict:
    """One valid drone_mentions row."""
    return {
        "mention_id": f"{article_id}:{start}-{start + len(term)}",
        "article_id": article_id,
        "tactic": tactic,
        "term": term,
        "side": side,
        "section": section,
        "in_scope": in_scope,
        "sentence": f"They flew {term} there.",
        "char_start": start,
        "char_end": start + len(term),
    }


def mentions(*rows: dict) -> pd.DataFrame:
    return validated(DRONE_MENTIONS, *rows)


def test_territory_keeps_in_scope_body_km2_and_sorts():
    claims = frame(
        make_claim("b", as_of="2024-08-12", start=50, **AREA),
        make_claim("a", as_of="2024-08-12", start=90, **AREA),
        make_claim("a", as_of="2024-08-12", start=10, **AREA),
        make_claim("a", as_of="2024-08-01", start=70, **AREA),
        make_claim("c", as_of=None, start=5, **AREA),
        make_claim("d", in_scope=False, **AREA),
        make_claim("e", section="boilerplate", **AREA),
        make_claim("f", **(AREA | {"unit": "settlements"})),
        make_claim("g"),
    )
    view = territory(claims)
    assert list(zip(view["article_id"], view["char_start"], strict=True)) == [
        ("a", 70),
        ("a", 10),
        ("a", 90),
        ("b", 50),
        ("c", 5),
    ]
    assert territory_other(claims)["article_id"].tolist() == ["f"]


def test_plotting_columns():
    claims = frame(
        make_claim("a", as_of="2024-11-20", basis="explicit", attributed_to="Kyiv", **AREA),
        make_claim("b", as_of="2024-11", basis="explicit", start=7, **AREA, **MONTH),
        make_claim("c", as_of="2024-11-20", basis="published", start=9, **AREA),
        make_claim("d", as_of=None, start=11, **AREA),
    )
    articles = pd.DataFrame({"article_id": ["b", "c"], "outlet": ["Daily Example", ""]})
    view = territory(claims, articles).set_index("article_id")
    assert view.loc["a", "date_mid"] == "2024-11-20"
    assert view.loc["b", "date_mid"] == "2024-11-15"
    assert pd.isna(view.loc["d", "date_mid"])
    assert view["is_interval"].to_dict() == {"a": False, "b": True, "c": True, "d": True}
    assert view["source_label"].to_dict() == {
        "a": "Kyiv",
        "b": "Daily Example",
        "c": "c",
        "d": "d",
    }
    assert view.loc["a", "cite"] == "a [100:106] “10,000”"


def test_cite_format_is_exact():
    claims = frame(make_claim("art", start=40, text="about 800 sq km", value=800, **AREA))
    assert territory(claims)["cite"].tolist() == ["art [40:55] “about 800 sq km”"]


def test_value_plot_falls_back_to_bounds():
    claims = frame(
        make_claim("a", hedge="at_least", value=None, low=60_000),
        make_claim("b", hedge="at_most", value=None, high=2000, start=3),
        make_claim("c", hedge="vague", value=None, start=5),
    )
    view = troops(claims).set_index("article_id")
    assert view.loc["a", "value_plot"] == 60_000
    assert view.loc["b", "value_plot"] == 2000
    assert math.isnan(view.loc["c", "value_plot"])


def test_category_views_do_not_mix():
    claims = frame(
        make_claim("a", category="troops", unit="persons"),
        make_claim("b", category="troops", unit="brigades", value=2),
        make_claim("c", category="casualties", unit="persons"),
        make_claim("d", category="ratio", unit="ratio", value=3),
    )
    assert troops(claims)["article_id"].tolist() == ["a"]
    assert formations(claims)["article_id"].tolist() == ["b"]
    assert casualties(claims)["article_id"].tolist() == ["c"]
    assert ratios(claims)["article_id"].tolist() == ["d"]


def test_implied_ratio_pairs_same_month_and_adds_kp_to_ru():
    claims = frame(
        make_claim("a", side="RU", value=50_000, hedge="approx", **MONTH, as_of="2024-11"),
        make_claim("b", side="KP", value=11_000, as_of="2024-11-20", start=3),
        make_claim("c", side="UA", hedge="range", value=25_000, low=20_000, high=30_000, start=5),
        # A year-level estimate says nothing about November.
        make_claim(
            "d",
            side="UA",
            value=90_000,
            as_of="2024",
            precision="year",
            earliest="2024-01-01",
            latest="2024-12-31",
            start=7,
        ),
        # August has RU only: no window.
        make_claim("e", side="RU", value=40_000, as_of="2024-08-20", start=9),
    )
    out = implied_ratios(troops(claims))
    assert out["window"].tolist() == ["2024-11"]
    row = out.iloc[0]
    assert row["window_start"] == "2024-11-01"
    assert row["window_end"] == "2024-11-30"
    assert row["attacker_best"] == 61_000
    assert row["defender_low"] == 20_000
    assert row["defender_high"] == 30_000
    assert row["ratio_best"] == pytest.approx(61_000 / 25_000)
    assert row["ratio_low"] == pytest.approx(61_000 / 30_000)
    assert row["ratio_high"] == pytest.approx(61_000 / 20_000)
    assert bool(row["includes_kp"]) is True
    assert row["n_attacker_claims"] == 2
    assert row["n_defender_claims"] == 1


def test_implied_ratio_needs_ru_not_only_kp():
    claims = frame(
        make_claim("a", side="KP", value=11_000),
        make_claim("b", side="UA", value=20_000, start=3),
    )
    assert implied_ratios(troops(claims)).empty


def test_drones_view_filters_and_cites():
    out = drones(
        mentions(
            make_mention("b", start=5),
            make_mention("a", start=30, term="fibre-optic drones"),
            make_mention("a", start=3, in_scope=False),
            make_mention("a", start=1, section="boilerplate"),
        )
    )
    assert out["cite"].tolist() == ["a [30:48] “fibre-optic drones”", "b [5:15] “FPV drones”"]


def test_drone_quantities_match_mentions_inside_the_sentence():
    sentence = "Crews flew 40 FPV drones at the road."
    kw = {"sentence": sentence, "sentence_start": 200}
    claims = frame(
        make_claim("a", category="drones", unit="drones", value=40, start=211, text="40", **kw),
        # Same article, other sentence: the mention is outside it.
        make_claim("a", category="distance", unit="km", value=15, start=400, text="15 km"),
        # Other article, same offsets: no match.
        make_claim("b", category="drones", unit="drones", value=40, start=211, text="40", **kw),
        make_claim("a", category="troops", value=500, start=220, text="500", **kw),
    )
    found = drone_quantities(
        claims,
        mentions(
            make_mention("a", start=214, term="FPV drones", tactic="fpv"),
            make_mention("a", start=236, term="drones", tactic="generic"),  # last char of sentence
            make_mention("a", start=237, term="drones", tactic="late"),  # just past it
        ),
    )
    assert found["claim_id"].tolist() == ["a:211-213"]
    assert found.iloc[0]["drone_tactics"] == "fpv;generic"
    assert found.iloc[0]["drone_mention_ids"] == "a:214-224;a:236-242"


def test_views_registry_names_and_build():
    assert {"territory", "troops", "drones", "casualties", "ratios"} <= set(VIEWS)
    built = build_views(frame(make_claim(**AREA)), mentions(make_mention()))
    assert len(built["territory"]) == 1
    assert built["troops"].empty
    assert len(built["drones"]) == 1


def test_views_accept_empty_claims():
    assert territory(frame()).empty
    assert implied_ratios(troops(frame())).empty
    assert drone_quantities(frame(), mentions()).empty


def test_deviation_interpolates_inside_the_reference_only():
    claims = frame(
        make_claim("a", value=900, as_of="2024-08-11", **AREA),
        make_claim("b", value=1100, as_of="2024-08-21", start=3, **AREA),
        make_claim("c", value=500, as_of="2024-07-01", start=5, **AREA),
        make_claim("d", value=500, as_of=None, start=7, **AREA),
    )
    reference = pd.DataFrame(
        {
            "date": ["2024-08-06", "2024-08-16", "2024-08-26"],
            "area_km2": [0.0, 1000.0, 1200.0],
            "source": ["x", "x", "x"],
        }
    )
    out = deviation_from_reference(territory(claims), reference).set_index("article_id")
    assert out.loc["a", "reference_km2"] == pytest.approx(500)
    assert out.loc["a", "deviation_km2"] == pytest.approx(400)
    assert out.loc["a", "deviation_pct"] == pytest.approx(80)
    assert out.loc["b", "reference_km2"] == pytest.approx(1100)
    assert out.loc["b", "deviation_pct"] == pytest.approx(0)
    assert math.isnan(out.loc["c", "reference_km2"])
    assert math.isnan(out.loc["d", "reference_km2"])


def test_deviation_needs_the_territory_view():
    with pytest.raises(ValueError, match="territory"):
        deviation_from_reference(frame(), pd.DataFrame(columns=["date", "area_km2", "source"]))


def test_read_reference_reads_and_sorts(tmp_path):
    path = tmp_path / "ref.csv"
    path.write_text("date,area_km2,source\n2024-09-01,1300,ISW\n2024-08-20,1250.5,ISW\n")
    ref = read_reference(path)
    assert ref["date"].tolist() == ["2024-08-20", "2024-09-01"]
    assert ref["area_km2"].tolist() == [1250.5, 1300.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("day,area_km2,source\n2024-09-01,1300,ISW\n", "missing column.*date"),
        ("date,area,source\n2024-09-01,1300,ISW\n", "missing column.*area_km2"),
        ("date,area_km2,source\n01/09/2024,1300,ISW\n", "'date'.*row 1.*01/09/2024"),
        ("date,area_km2,source\n2024-09-01,1300,ISW\n2024-09-02,lots,ISW\n", "'area_km2'.*row 2"),
        ("", "empty file"),
    ],
)
def test_read_reference_errors_name_file_and_column(tmp_path, text, message):
    path = tmp_path / "bad_ref.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as err:
        read_reference(path)
    assert "bad_ref.csv" in str(err.value)


def test_views_work_on_claims_read_back_from_csv(tmp_path):
    path = tmp_path / "claims.csv"
    frame(
        make_claim("a", as_of=None, **AREA),
        make_claim("b", as_of=None, start=9, **AREA),
    ).to_csv(path, index=False)
    back = pd.read_csv(path)
    view = territory(back)
    assert view["source_label"].tolist() == ["a", "b"]
    assert view["date_mid"].isna().all()
    assert implied_ratios(troops(back)).empty
