"""The extractor against the hand-made gold claims of the five seed articles."""

from pathlib import Path

import pytest
from salient.run.pipeline import extract_corpus

from evaluation.score import read_gold, score

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed_extraction():
    return extract_corpus(ROOT / "seeds")


@pytest.fixture(scope="module")
def report(seed_extraction):
    return score(seed_extraction.claims, read_gold(ROOT / "tests" / "gold" / "seed_claims.csv"))


def test_precision_and_recall_on_territory_and_troops_claims(report):
    assert report.recall_scored >= 0.95
    assert report.precision_scored >= 0.95


def test_no_number_from_pasted_stories_or_other_fronts_leaks(report):
    assert report.leaks == 0


def _view_rows(extraction, view, **where):
    frame = extraction.views[view]
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


def test_views_hold_the_headline_figures(seed_extraction):
    ex = seed_extraction
    area = _view_rows(ex, "territory", measure="held", side="UA")
    assert {1250.0, 300.0, 1295.0} <= set(area.value_best.round(0))
    nyt = area[area.value_best.round(0) == 1295.0].iloc[0]
    assert nyt.as_of == "2024-08" and nyt.quantity_text == "500 square miles"
    assert nyt.attributed_to == "New York Times"  # "According to ..." opens the paragraph
    troops = ex.views["troops"]
    kp = troops[(troops.side == "KP") & (troops.hedge == "range")].iloc[0]
    assert (kp.value_low, kp.value_high, kp.as_of) == (10000.0, 12000.0, "2024-11")
    assert (
        (troops.side == "RU") & (troops.value_high == 70000) & (troops.hedge == "at_most")
    ).any()
    assert ((troops.value_best == 60000) & (troops.attributed_to == "Samus")).any()
    losses = ex.views["casualties"]
    assert ((losses.value_best == 50000) & (losses.side == "RU")).all()
    assert not (troops.value_best == 50000).any()


def test_pasted_story_numbers_are_in_no_view(seed_extraction):
    for name, frame in seed_extraction.views.items():
        if "value_best" in frame:
            assert not frame.value_best.isin([6000, 1212, 49, 61, 631]).any(), name


def test_undated_articles_get_the_corpus_span_not_a_false_point(seed_extraction):
    articles = seed_extraction.articles.set_index("article_id")
    weak = articles.loc["002_167d472fdcc50300"]  # its text dates nothing but "early February"
    assert (weak.published_basis, weak.published_precision) == ("inferred", "unknown")
    assert weak.published_earliest < weak.published_latest
    area = seed_extraction.views["territory"]
    assert area[area.article_id == "001_a3a7f08c8399e12d"].is_interval.all()
