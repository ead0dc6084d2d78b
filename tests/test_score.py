"""The devset scoring rules, each on a tiny synthetic gold/prediction pair."""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from factories import frame, make_claim

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
scoring = importlib.import_module("evaluation.score")
score = scoring.score

AREA = {"category": "territory", "measure": "held", "side": "UA", "unit": "km2"}


def make_gold(
    article_id: str = "a1",
    *,
    category: str = "troops",
    side: str = "RU",
    low: float | None = 10_000,
    high: float | None = 10_000,
    unit: str = "persons",
    hedge: str = "exact",
    as_of: str = "2024-11-20",
    attributed_to: str = "",
    in_scope: int = 1,
    orig: str = "some words",
) -> dict:
    """One gold.csv row."""
    return {
        "article_id": article_id,
        "category": category,
        "side": side,
        "value_low": low,
        "value_high": high,
        "unit": unit,
        "hedge": hedge,
        "as_of": as_of,
        "attributed_to": attributed_to,
        "in_scope": in_scope,
        "orig": orig,
    }


def gold(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(scoring.GOLD_COLUMNS))


def test_tolerance_edge_is_one_and_a_half_percent():
    g = gold(make_gold(low=1000, high=1000))
    assert score(frame(make_claim(value=1015)), g).recall_scored == 1
    assert score(frame(make_claim(value=985)), g).recall_scored == 1
    assert score(frame(make_claim(value=1016)), g).recall_scored == 0


def test_range_needs_both_ends():
    g = gold(make_gold(low=7000, high=9000, hedge="range"))

    def ranged(low, high, best=None):
        return frame(make_claim(hedge="range", value=best, low=low, high=high))

    assert score(ranged(7000, 9100), g).recall_scored == 1
    assert score(ranged(7000, 9200), g).recall_scored == 0
    assert score(ranged(6800, 9000), g).recall_scored == 0
    assert score(frame(make_claim(value=8000)), g).recall_scored == 0


def test_at_least_and_at_most_compare_the_single_bound():
    at_least = gold(make_gold(low=20_000, high=None, hedge="at_least"))
    at_most = gold(make_gold(low=None, high=2000, hedge="at_most"))
    assert score(frame(make_claim(hedge="at_least", value=None, low=20_000)), at_least).recall_all
    assert score(frame(make_claim(value=20_200)), at_least).recall_all == 1
    assert (
        score(frame(make_claim(hedge="at_least", value=None, low=21_000)), at_least).recall_all == 0
    )
    assert score(frame(make_claim(hedge="at_most", value=None, high=2000)), at_most).recall_all
    assert score(frame(make_claim(hedge="at_most", value=None, high=2100)), at_most).recall_all == 0


def test_each_prediction_matches_at_most_one_gold_row():
    g = gold(make_gold(low=1000, high=1000), make_gold(low=1000, high=1000, orig="again"))
    report = score(frame(make_claim(value=1000)), g)
    assert report.recall_scored == 0.5
    assert report.counts["found_scored"] == 1
    assert len(report.misses) == 1


def test_matching_is_maximal_not_greedy():
    # 1,005 fits both rows and is closest to the first; 990 fits only the first.
    g = gold(make_gold(low=1000, high=1000), make_gold(low=1010, high=1010))
    preds = frame(make_claim(value=1005, start=1), make_claim(value=990, start=50))
    report = score(preds, g)
    assert report.recall_scored == 1
    assert sorted(report.matches["pred_value_best"]) == [990, 1005]


def test_side_category_and_article_must_agree():
    g = gold(make_gold(side="RU"))
    assert score(frame(make_claim(side="UA")), g).recall_all == 0
    assert score(frame(make_claim(category="casualties")), g).recall_all == 0
    assert score(frame(make_claim("a2")), g).recall_all == 0


def test_empty_gold_side_is_unknown():
    g = gold(make_gold(category="distance", side="", unit="km", low=40, high=40))
    pred = frame(make_claim(category="distance", side="unknown", unit="km", value=40))
    assert score(pred, g).recall_all == 1


def test_unit_families():
    tanks = gold(make_gold(category="equipment", side="UA", unit="tanks", low=12, high=12))
    vehicles = frame(make_claim(category="equipment", side="UA", unit="vehicles", value=12))
    assert score(vehicles, tanks).recall_all == 1
    area = gold(make_gold(**{k: v for k, v in AREA.items() if k != "measure"}, low=74, high=74))
    settlements = frame(make_claim(**(AREA | {"unit": "settlements"}), value=74))
    assert score(settlements, area).recall_all == 0


def test_territory_lost_marker_and_gains_by_the_other_side():
    g = gold(
        make_gold(
            category="territory", side="UA", unit="km2", low=1100, high=1100, orig="won back [lost]"
        )
    )
    kw = {"category": "territory", "unit": "km2", "value": 1100}
    assert score(frame(make_claim(side="RU", measure="gained", **kw)), g).recall_scored == 1
    assert score(frame(make_claim(side="KP", measure="gained", **kw)), g).recall_scored == 1
    assert score(frame(make_claim(side="UA", measure="lost", **kw)), g).recall_scored == 1
    held = frame(make_claim(side="UA", measure="held", **kw))
    assert score(held, g).recall_scored == 0
    assert score(held, g, check_measure=False).recall_scored == 1
    assert score(frame(make_claim(side="UA", measure="gained", **kw)), g).recall_scored == 0


def test_precision_counts_scored_in_scope_body_predictions():
    g = gold(
        make_gold(low=10_000, high=10_000),
        make_gold(category="casualties", low=300, high=300, in_scope=2),
    )
    preds = frame(
        make_claim(value=10_000, start=1),  # true positive
        make_claim(value=10_000, start=30),  # repeats it: still compatible, not a false positive
        make_claim(category="casualties", value=300, start=60),  # optional row: fine
        make_claim(value=777, start=90, text="777"),  # false positive
        make_claim(category="distance", unit="km", value=5, start=120),  # not scored
        make_claim(value=888, start=150, in_scope=False),  # not a prediction
        make_claim(value=999, start=180, section="boilerplate"),  # not a prediction
    )
    report = score(preds, g)
    assert report.counts["pred_scored"] == 4
    assert report.precision_scored == 0.75
    assert report.false_positives["quantity_text"].tolist() == ["777"]
    assert "sentence" in report.false_positives.columns


def test_prediction_without_value_may_match_a_vague_optional_row():
    vague_row = make_gold(category="casualties", low=None, high=None, hedge="vague", in_scope=2)
    pred = frame(make_claim(category="casualties", hedge="vague", value=None))
    assert score(pred, gold(vague_row)).precision_scored == 1
    assert score(pred, gold(vague_row | {"side": "UA"})).precision_scored == 0
    assert score(pred, gold(make_gold(category="casualties"))).precision_scored == 0


def test_leaks_match_category_and_value_in_the_article_but_not_side():
    g = gold(
        make_gold(
            category="casualties", low=740_000, high=None, hedge="at_least", in_scope=0, orig="x"
        )
    )
    leak = frame(
        make_claim(category="casualties", side="UA", hedge="at_least", value=None, low=740_000)
    )
    assert score(leak, g).leaks == 1
    assert score(leak, g).leak_rows["orig"].tolist() == ["x"]
    other_article = frame(
        make_claim("a2", category="casualties", hedge="at_least", value=None, low=740_000)
    )
    assert score(other_article, g).leaks == 0
    dropped = frame(make_claim(category="casualties", value=740_000, in_scope=False))
    assert score(dropped, g).leaks == 0


def test_recall_scored_and_all_and_per_category():
    g = gold(
        make_gold(low=10_000, high=10_000),
        make_gold(category="casualties", low=300, high=300),
        make_gold(category="distance", side="UA", unit="km", low=12, high=12),
        make_gold(category="distance", side="UA", unit="km", low=40, high=40),
    )
    preds = frame(
        make_claim(value=10_000, start=1),
        make_claim(category="distance", side="UA", unit="km", value=12, start=40),
    )
    report = score(preds, g)
    assert report.recall_scored == 0.5
    assert report.recall_all == 0.5
    table = report.per_category.set_index("category")
    assert table.loc["distance", "gold"] == 2
    assert table.loc["distance", "found"] == 1
    assert table.loc["casualties", "recall"] == 0
    assert table.loc["troops", "precision"] == 1
    assert bool(table.loc["distance", "scored"]) is False
    assert set(report.misses["orig"]) == {"some words"}
    assert len(report.misses) == 2


def test_as_of_and_attribution_accuracy_on_matched_pairs():
    g = gold(
        make_gold(low=100, high=100, as_of="2024-11-20", attributed_to="Russia's Defence Ministry"),
        make_gold(low=200, high=200, as_of="2024-11", attributed_to=""),
    )
    preds = frame(
        make_claim(value=100, as_of="2024-11-20", attributed_to="Russian defence ministry"),
        make_claim(value=200, as_of="2024-11-20", attributed_to="analysts", start=50),
    )
    report = score(preds, g)
    assert report.as_of_accuracy == 0.5
    assert report.attribution_accuracy == 0.5


def test_a_repeated_figure_is_aligned_with_the_sentence_the_gold_quotes():
    g = gold(
        make_gold(
            as_of="2024-11-18",
            attributed_to="the army chief",
            orig="the army chief said on Monday that 10000 troops (restated in the body) [lost]",
        )
    )
    headline = make_claim(start=5, sentence="Enemy masses 10,000 troops near the river")
    body = make_claim(
        start=80,
        as_of="2024-11-18",
        attributed_to="army chief",
        sentence="Later, the army chief said on Monday that 10,000 troops were waiting.",
    )
    report = score(frame(headline, body), g)
    assert report.matches["claim_id"].tolist() == [body["claim_id"]]
    assert report.as_of_accuracy == 1.0
    assert report.attribution_accuracy == 1.0


def test_mismatch_listing_names_each_disagreeing_pair():
    g = gold(
        make_gold(low=100, high=100, as_of="2024-11-20", attributed_to="the army"),
        make_gold(low=200, high=200, as_of="2024-11", attributed_to="", orig="two hundred men"),
    )
    preds = frame(
        make_claim(value=100, as_of="2024-11-20", attributed_to="army"),
        make_claim(value=200, as_of="2024-11-20", attributed_to="analysts", start=50),
    )
    report = score(preds, g)
    assert "mismatches" not in scoring.format_report(report)
    text = scoring.format_report(report, mismatches=True)
    assert "As-of mismatches on matched pairs (1)" in text
    assert "gold “2024-11” predicted “2024-11-20”" in text
    assert "Attribution mismatches on matched pairs (1)" in text
    assert "gold “” predicted “analysts”" in text


def test_same_source_rule():
    assert scoring.same_source("", "")
    assert not scoring.same_source("Kyiv", "")
    assert scoring.same_source("South Korea's spy agency", "South Korean intelligence agency")
    assert not scoring.same_source("Russia", "Russian officials")
    assert not scoring.same_source("the ministry", "the army")


def test_no_predictions_gives_zero_recall_and_undefined_precision():
    report = score(frame(), gold(make_gold()))
    assert report.recall_scored == 0
    assert math.isnan(report.precision_scored)
    assert math.isnan(report.as_of_accuracy)


def test_cli_scores_a_claims_csv(tmp_path, capsys):
    gold_path = tmp_path / "gold.csv"
    claims_path = tmp_path / "claims.csv"
    gold(make_gold(), make_gold(low=5, high=5, orig="five men")).to_csv(gold_path, index=False)
    frame(make_claim(value=10_000)).to_csv(claims_path, index=False)
    assert scoring.main([str(tmp_path), str(gold_path), "--claims", str(claims_path)]) == 0
    text = capsys.readouterr().out
    assert "recall     1/2 = 50.0 %" in text
    assert "“five men”" in text
    assert (
        scoring.main([str(tmp_path), str(gold_path), "--claims", str(claims_path), "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["recall_scored"] == 0.5
    assert data["precision_scored"] == 1
    assert data["misses"][0]["orig"] == "five men"


def test_read_gold_names_missing_columns(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("article_id,category\nx,troops\n")
    with pytest.raises(ValueError, match=r"gold\.csv.*side"):
        scoring.read_gold(path)
