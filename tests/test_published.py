"""salient.ingest.published: an article's publication date from its dateline or its dates."""

from __future__ import annotations

import datetime as dt

import pytest
from salient.ingest.published import infer_publication_date
from salient.model import PublishedDate


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Headline about a river\n\nODESA, 4 February 2025 — Boats were seen.", "2025-02-04"),
        ("Title\n\nKHARKIV/KYIV, 9 June 2024 — Sirens sounded.", "2024-06-09"),
        ("# A thread\n\n*Posted 2 December 2024 · a blogger*\n\nThe front moved.", "2024-12-02"),
        ("Title\nPublished: 2025-01-15\nThe bridge held.", "2025-01-15"),
        ("Title\n\nMarch 3, 2025\n\nA quiet night on the front.", "2025-03-03"),
        ("Title\nBy Ann Example | Tuesday, March 4, 2025\nThe front held.", "2025-03-04"),
    ],
)
def test_datelines_give_a_text_basis_day(text, value):
    assert infer_publication_date(text) == PublishedDate(value, "text", "day", value, value)


def test_a_dateline_without_a_year_takes_the_year_from_the_text():
    text = (
        "Title\n\nLVIV, Sept 2 (Example Wire) - Trains were delayed. The line was first hit in "
        "June 2024, officials said."
    )
    assert infer_publication_date(text).value == "2024-09-02"


def test_a_dateline_without_any_year_is_unknown():
    text = "Title\n\nLVIV, Sept 2 (Example Wire) - Trains were delayed on Monday."
    assert infer_publication_date(text) == PublishedDate.unknown()


def test_a_timeline_entry_is_not_a_dateline():
    text = "A TIMELINE\n\n4 May 2024 — Troops moved.\n\n9 July 2024 — The town fell."
    published = infer_publication_date(text)
    assert (published.basis, published.value) == ("inferred", "2024-07-09")


def test_inferred_from_the_latest_stated_day():
    text = "Troops entered on 2 May 2024. By June 10, 2024, they had left the town."
    assert infer_publication_date(text) == PublishedDate(
        "2024-06-10", "inferred", "day", "2024-06-10", "2024-07-10"
    )


def test_a_whole_named_month_means_the_month_is_over():
    text = "Officials said the raid happened last August. Reinforcements came in November 2024."
    assert infer_publication_date(text) == PublishedDate(
        "2024-12", "inferred", "month", "2024-12-01", "2024-12-31"
    )


def test_a_whole_named_year_means_the_year_is_over_unless_dated_inside():
    assert infer_publication_date("Prices doubled in 2023.").value == "2024"
    text = "Prices doubled in 2023, peaking on 3 May 2023."
    assert infer_publication_date(text).value == "2023-05-03"


def test_yearless_days_after_stated_dates_move_into_the_next_year():
    text = (
        "On March 7 the commander spoke. The offensive began in August 2024 and met its "
        "goals for 2024. On March 12 the town fell."
    )
    assert infer_publication_date(text).value == "2025-03-12"


def test_yearless_days_in_a_timeline_follow_the_preceding_entry():
    text = (
        "4 May 2024 — Troops moved.\nMay 9 — A bridge fell.\nDecember 2024 — Snow.\n"
        "mid-January — A lull.\n2 February 2025 — Talks."
    )
    published = infer_publication_date(text)
    assert (published.value, published.precision) == ("2025-02-02", "day")


def test_a_yearless_day_just_before_its_anchor_stays_in_its_year():
    text = "By March 16, 2025, the town was empty. Reports on March 15 had warned of it."
    assert infer_publication_date(text).value == "2025-03-16"


def test_a_yearless_since_looks_back_to_its_last_start():
    text = (
        "Losses have mounted since January, the governor said. Shelling hit the bridge on "
        "9 April 2025."
    )
    assert infer_publication_date(text) == PublishedDate(
        "2025-04-09", "inferred", "day", "2025-04-09", "2025-05-09"
    )  # not January 2026, the next January after the stated day


def test_future_dates_and_relative_forms_do_not_count():
    text = "The line held in May 2024. Talks will resume on 3 October 2024. Aid comes next week."
    assert infer_publication_date(text).value == "2024-06"


def test_a_date_after_today_is_ignored():
    text = "The pact signed on 2 March 2024 runs to 2031 and was reviewed in 2031."
    published = infer_publication_date(text, today=dt.date(2025, 1, 1))
    assert published.value == "2024-03-02"


def test_no_dates_means_unknown():
    assert infer_publication_date("Troops held on Tuesday; more came last week.") == (
        PublishedDate.unknown()
    )
