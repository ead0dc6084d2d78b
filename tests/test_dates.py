"""Tests for salient.dates: date mentions in running text (publication dates: test_published).

Every sentence here is written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.dates import (
    DateMention,
    find_dates,
    month_interval,
    to_iso,
    year_interval,
)
from salient.ingest.published import infer_publication_date
from salient.model import PublishedDate

FRIDAY = dt.date(2025, 3, 14)  # a Friday


def only(text: str, reference: dt.date | None = FRIDAY) -> DateMention:
    mentions = find_dates(text, reference)
    assert len(mentions) == 1, mentions
    return mentions[0]


def summary(text: str, reference: dt.date | None = FRIDAY) -> list[tuple[str, str | None]]:
    return [(m.text, m.value) for m in find_dates(text, reference)]


# --------------------------------------------------------------------------- helpers


def test_month_interval_handles_leap_years_and_december():
    assert month_interval(2024, 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_interval(2025, 2) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert month_interval(2024, 12) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))


def test_year_interval():
    assert year_interval(2023) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.mark.parametrize(
    ("precision", "expected"),
    [("day", "2025-03-04"), ("month", "2025-03"), ("year", "2025"), ("unknown", None)],
)
def test_to_iso_writes_the_precision(precision, expected):
    assert to_iso(dt.date(2025, 3, 4), precision) == expected


def test_to_iso_of_none_is_none():
    assert to_iso(None, "day") is None


# --------------------------------------------------------------------------- full dates


@pytest.mark.parametrize(
    ("sentence", "surface", "value"),
    [
        ("They pulled out by March 16, 2025, officers said.", "March 16, 2025", "2025-03-16"),
        ("Fighting began on 6 August 2024 near the border.", "6 August 2024", "2024-08-06"),
        ("A second push came on 20 November 2024.", "20 November 2024", "2024-11-20"),
        ("2025-03-12 — the general ordered a withdrawal.", "2025-03-12", "2025-03-12"),
        ("The town changed hands on 13 March 2025.", "13 March 2025", "2025-03-13"),
        ("The envoy arrived on Sept. 3, 2024 for talks.", "Sept. 3, 2024", "2024-09-03"),
        ("A cable dated 12 Aug. 2024 was leaked.", "12 Aug. 2024", "2024-08-12"),
        ("Shelling resumed on August 6th, 2024.", "August 6th, 2024", "2024-08-06"),
        ("The 5th of January 2025 was quiet.", "5th of January 2025", "2025-01-05"),
    ],
)
def test_dates_with_a_year_are_exact_days(sentence, surface, value):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, "day")
    assert mention.earliest == mention.latest == value
    assert sentence[mention.start : mention.end] == surface


@pytest.mark.parametrize(
    ("sentence", "surface", "value"),
    [
        ("Observers counted the vehicles on March 13 at dawn.", "March 13", "2025-03-13"),
        ("Engineers blew the bridge on Aug. 12 before leaving.", "Aug. 12", "2024-08-12"),
        ("KYIV, Aug 14 (Example Wire) - troops advanced.", "Aug 14", "2024-08-14"),
        ("The convoy was hit on Sept. 3 outside the town.", "Sept. 3", "2024-09-03"),
        ("A report on March 14 said the line held.", "March 14", "2025-03-14"),
        ("A report on March 15 said the line held.", "March 15", "2024-03-15"),
    ],
)
def test_month_day_takes_the_most_recent_year_not_after_the_reference(sentence, surface, value):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, "day")


def test_february_29_without_a_year_goes_back_to_a_leap_year():
    assert only("Records from February 29 were lost.").value == "2024-02-29"
    assert only("Records from February 29 were lost.", dt.date(2027, 1, 1)).value == "2024-02-29"


def test_an_impossible_day_is_reported_but_unresolved():
    mention = only("The memo of February 30, 2025 was forged.")
    assert (mention.value, mention.precision, mention.earliest) == (None, "unknown", None)


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "earliest", "latest"),
    [
        ("Reinforcements came in November 2024.", "November 2024", "2024-11", "2024-11-01",
         "2024-11-30"),
        ("In early February the pocket still held.", "early February", "2025-02", "2025-02-01",
         "2025-02-10"),
        ("By mid-October the salient had shrunk.", "mid-October", "2024-10", "2024-10-11",
         "2024-10-20"),
        ("The rains arrived in late April.", "late April", "2024-04", "2024-04-21", "2024-04-30"),
        ("Assault groups moved in early March 2025.", "early March 2025", "2025-03",
         "2025-03-01", "2025-03-10"),
        ("At the late-August peak the line was longest.", "late-August", "2024-08", "2024-08-21",
         "2024-08-31"),
        ("Losses grew in the first half of November.", "the first half of November", "2024-11",
         "2024-11-01", "2024-11-15"),
        ("Supplies ran low by the end of February.", "the end of February", "2025-02",
         "2025-02-21", "2025-02-28"),
        ("The bridge fell in March.", "March", "2025-03", "2025-03-01", "2025-03-31"),
        ("Everything changed in Nov. 2024 when winter came.", "Nov. 2024", "2024-11",
         "2024-11-01", "2024-11-30"),
    ],
)  # fmt: skip
def test_month_expressions_have_month_precision(sentence, surface, value, earliest, latest):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, "month")
    assert (mention.earliest, mention.latest) == (earliest, latest)


def test_a_bare_month_is_the_most_recent_not_after_the_reference_month():
    assert only("Sudzha in March was quiet.").value == "2025-03"
    assert only("Sudzha in April was quiet.").value == "2024-04"


@pytest.mark.parametrize(
    ("reference", "value"),
    [
        (dt.date(2025, 3, 14), "2024-08"),
        (dt.date(2024, 9, 2), "2024-08"),
        (dt.date(2024, 8, 20), "2023-08"),
    ],
)
def test_last_august_is_strictly_before_the_reference_month(reference, value):
    assert only("The raid of last August surprised Moscow.", reference).value == value


def test_this_and_next_month_name():
    assert only("Elections are due this October.").value == "2025-10"
    assert only("Elections are due next February.").value == "2026-02"
    assert only("Elections are due next April.").value == "2025-04"


def test_possessive_last_august_keeps_its_span():
    text = "At the peak of last August's offensive the area was larger."
    mention = only(text)
    assert (mention.text, mention.value, mention.relation) == ("last August", "2024-08", "at")


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "earliest", "latest"),
    [
        ("Prices doubled in 2024, analysts said.", "2024", "2024", "2024-01-01", "2024-12-31"),
        ("The pocket formed in late 2024.", "late 2024", "2024", "2024-09-01", "2024-12-31"),
        ("Plans changed by mid-2023 at the latest.", "mid-2023", "2023", "2023-05-01",
         "2023-08-31"),
        ("Since early 2022 the plant has been idle.", "early 2022", "2022", "2022-01-01",
         "2022-04-30"),
        ("The 2022 invasion reshaped the region.", "2022", "2022", "2022-01-01", "2022-12-31"),
        ("After 2014's annexation the border hardened.", "2014", "2014", "2014-01-01",
         "2014-12-31"),
        ("The reserve was raised by the end of 2024.", "the end of 2024", "2024", "2024-09-01",
         "2024-12-31"),
    ],
)  # fmt: skip
def test_year_expressions_have_year_precision(sentence, surface, value, earliest, latest):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, "year")
    assert (mention.earliest, mention.latest) == (earliest, latest)


def test_since_a_year_has_relation_since():
    mention = only("The unit has fought there since 2023.")
    assert (mention.value, mention.relation) == ("2023", "since")


def test_a_year_span_is_two_range_mentions():
    mentions = find_dates("The brigade rotated through the sector in 2021-2022 twice.")
    assert [(m.text, m.value, m.relation) for m in mentions] == [
        ("2021", "2021", "range_start"),
        ("2022", "2022", "range_end"),
    ]
    short = find_dates("The 2023–24 winter was mild.")
    assert [m.value for m in short] == ["2023", "2024"]


@pytest.mark.parametrize(
    "sentence",
    [
        "A force of 2000 troops crossed the river.",
        "They counted 1,2024 items in the ledger.",
        "Some 1999 soldiers signed the letter.",
        "In 2000 villages the lights went out.",
        "The total was 2024.5 tonnes of grain.",
        "A 2000-strong column moved north.",
        "Turnout reached 2010 percent of the quota.",
    ],
)
def test_four_digit_counts_are_not_years(sentence):
    assert find_dates(sentence) == []


# --------------------------------------------------------------------------- ranges


def test_month_to_month_range_borrows_the_year():
    mentions = find_dates("Late October to November 2024 saw the first arrivals.")
    assert [(m.text, m.value, m.relation) for m in mentions] == [
        ("Late October", "2024-10", "range_start"),
        ("November 2024", "2024-11", "range_end"),
    ]
    assert mentions[0].earliest == "2024-10-21"


def test_range_across_new_year_borrows_the_previous_year():
    mentions = find_dates("From November to February 2025 the front barely moved.")
    assert [(m.value, m.relation) for m in mentions] == [
        ("2024-11", "range_start"),
        ("2025-02", "range_end"),
    ]


def test_between_and_is_a_range_but_plain_and_is_not():
    ranged = find_dates("Between 3 May 2024 and 9 May 2024 the shelling stopped.")
    assert [m.relation for m in ranged] == ["range_start", "range_end"]
    listed = find_dates("Troops arrived on 3 January and 5 February.")
    assert [m.relation for m in listed] == ["at", "at"]
    repeated = find_dates("Troops arrived in January and in March.")
    assert [m.relation for m in repeated] == ["at", "at"]


def test_two_whole_months_after_one_preposition_are_one_period():
    # "sent 3,000 troops in January and February": a count over both months, as of the second
    period = find_dates("Troops arrived in January and February.")
    assert [m.relation for m in period] == ["range_start", "range_end"]


def test_day_range_in_one_month():
    mentions = find_dates("Talks ran March 7-12, 2025 in the capital.")
    assert [(m.text, m.value, m.relation) for m in mentions] == [
        ("March 7", "2025-03-07", "range_start"),
        ("12, 2025", "2025-03-12", "range_end"),
    ]


# --------------------------------------------------------------------------- relative forms


@pytest.mark.parametrize(
    ("sentence", "surface", "value"),
    [
        ("Ukraine said on Tuesday that the road was cut.", "Tuesday", "2025-03-11"),
        ("The attack started on Sunday morning near the village.", "Sunday morning",
         "2025-03-09"),
        ("Officials said Monday the bridge was down.", "Monday", "2025-03-10"),
        ("Officials said Friday the bridge was down.", "Friday", "2025-03-14"),
        ("The ministry said early Saturday it had repelled a raid.", "early Saturday",
         "2025-03-08"),
        ("Ministers met last Friday in the capital.", "last Friday", "2025-03-07"),
        ("Ministers meet next Monday in the capital.", "next Monday", "2025-03-17"),
        ("The convoy was hit yesterday at dusk.", "yesterday", "2025-03-13"),
        ("The town is quiet today, residents say.", "today", "2025-03-14"),
        ("As of Thursday the pocket was closed.", "Thursday", "2025-03-13"),
        ("Shelling stopped three days ago, locals said.", "three days ago", "2025-03-11"),
    ],
)  # fmt: skip
def test_day_level_relative_forms(sentence, surface, value):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, "day")


@pytest.mark.parametrize(
    ("sentence", "surface", "value", "precision", "earliest", "latest"),
    [
        ("Talks happened this week in the Gulf.", "this week", "2025-03", "month", "2025-03-10",
         "2025-03-16"),
        ("Losses rose last week, analysts said.", "last week", "2025-03", "month", "2025-03-03",
         "2025-03-09"),
        ("Drone strikes doubled this month, pilots said.", "this month", "2025-03", "month",
         "2025-03-01", "2025-03-31"),
        ("Drone strikes doubled last month, pilots said.", "last month", "2025-02", "month",
         "2025-02-01", "2025-02-28"),
        ("The brigade was formed last year in the west.", "last year", "2024", "year",
         "2024-01-01", "2024-12-31"),
        ("The budget grew this year, officials said.", "this year", "2025", "year",
         "2025-01-01", "2025-12-31"),
        ("Morale fell by the end of last year, he said.", "the end of last year", "2024", "year",
         "2024-09-01", "2024-12-31"),
        ("Two months ago the road was still open.", "Two months ago", "2025-01", "month",
         "2025-01-01", "2025-01-31"),
    ],
)  # fmt: skip
def test_period_level_relative_forms(sentence, surface, value, precision, earliest, latest):
    mention = only(sentence)
    assert (mention.text, mention.value, mention.precision) == (surface, value, precision)
    assert (mention.earliest, mention.latest) == (earliest, latest)


def test_a_week_is_named_by_the_month_of_its_thursday():
    # Reference Monday 2025-03-03: last week ran 24 Feb–2 Mar, its Thursday is 27 Feb.
    mention = only("Losses rose last week.", dt.date(2025, 3, 3))
    assert (mention.value, mention.earliest, mention.latest) == ("2025-02", "2025-02-24",
                                                                 "2025-03-02")  # fmt: skip


@pytest.mark.parametrize(
    "sentence",
    [
        "Ukraine said on Tuesday that the road was cut.",
        "The convoy was hit yesterday at dusk.",
        "Losses rose last week, analysts said.",
        "The raid of last August surprised Moscow.",
        "Observers counted the vehicles on March 13 at dawn.",
        "By mid-October the salient had shrunk.",
    ],
)
def test_relative_forms_without_a_reference_are_unknown_but_kept(sentence):
    mention = only(sentence, None)
    assert mention.text
    assert (mention.value, mention.precision, mention.earliest, mention.latest) == (
        None,
        "unknown",
        None,
        None,
    )


def test_dates_with_a_year_resolve_without_a_reference():
    assert summary("It ended on 16 March 2025 and in late 2024.", None) == [
        ("16 March 2025", "2025-03-16"),
        ("late 2024", "2024"),
    ]


# --------------------------------------------------------------------------- relations


@pytest.mark.parametrize(
    ("sentence", "relation"),
    [
        ("As of Thursday the pocket was closed.", "at"),
        ("By mid-January the reserves were spent.", "at"),
        ("Troops had left by March 16, 2025.", "at"),
        ("The unit has held the ridge since August.", "since"),
        ("From October on, supplies came by night.", "since"),
        ("The road stayed open until late February.", "until"),
        ("The crossing was closed before 2023.", "until"),
        ("In November 2024 the contingent arrived.", "at"),
    ],
)
def test_relation_comes_from_the_word_before(sentence, relation):
    assert only(sentence).relation == relation


def test_since_the_start_of_an_event_is_a_since_mention_without_a_value():
    mention = only("Russia has lost 900 tanks since the start of the war, Kyiv says.")
    assert (mention.text, mention.value, mention.relation) == (
        "the start of the war",
        None,
        "since",
    )


def test_since_the_start_of_the_year_resolves():
    mention = only("Casualties have doubled since the start of the year.")
    assert (mention.value, mention.precision, mention.relation) == ("2025", "year", "since")
    assert mention.earliest == "2025-01-01"


# --------------------------------------------------------------------------- non-dates


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia may be forced to pull back.",
        "We have no choice, a commander said.",
        "Now the road is cut.",
        "The troops will march on regardless.",
        "March on, the sergeant shouted.",
        "A second battalion joined the attack.",
        "He named one of the four regions.",
        "The 30-day ceasefire collapsed.",
        "The depth was about 5-7 km.",
        "Shelling began at 10 a.m. local time.",
        "Mark and Jan Smith wrote the report.",
        "June Carter sang at the concert.",
        "The Sunday Times published the leak.",
        "USA Today carried the story.",
        "Over the last year the front barely moved.",
        "May brought no relief to the town.",
        "August 45 soldiers remained.",
    ],
)
def test_homonyms_and_numbers_are_not_dates(sentence):
    assert find_dates(sentence) == []


def test_month_name_as_a_month_after_a_cue():
    assert summary("Sudzha in March was the last big town.") == [("March", "2025-03")]
    assert summary("August was the worst month.") == [("August", "2024-08")]
    assert summary("Voters went to the polls in May.") == [("May", "2024-05")]


def test_a_full_month_does_not_swallow_the_sentence_stop():
    assert summary("Transit ended on 1 January. Then prices rose.") == [("1 January", "2025-01-01")]


# --------------------------------------------------------------------------- properties


_PIECES = [
    *"0123456789 -–,./'’()aeilnorstuy\n",
    "March ", "May ", "Aug. ", "since ", "last ", "week", "mid-", "2024", "Sunday", "the ",
    "start of ", "between ", " and ", " to ", "February 29", "31 ", "ago", "in ", "2000",
]  # fmt: skip
_DATEISH_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_DATEISH_TEXT, st.one_of(st.none(), st.dates(dt.date(1901, 1, 1), dt.date(2098, 12, 31))))
def test_find_dates_never_raises_and_mentions_are_consistent(text, reference):
    for mention in find_dates(text, reference):
        assert mention.text == text[mention.start : mention.end]
        assert mention.precision in ("day", "month", "year", "unknown")
        assert mention.relation in ("at", "since", "until", "range_start", "range_end")
        if mention.value is None:
            assert mention.precision == "unknown"
            continue
        pattern = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[mention.precision]
        dt.datetime.strptime(mention.value, pattern)
        assert mention.earliest is not None and mention.latest is not None
        assert dt.date.fromisoformat(mention.earliest) <= dt.date.fromisoformat(mention.latest)


def test_agrees_with_dateparser_on_full_dates():
    """Cross-check the normalisation of explicit dates against dateparser, if it is installed."""
    dateparser = pytest.importorskip("dateparser")
    for phrase in ["March 16, 2025", "6 August 2024", "Sept. 3, 2024", "20 November 2024"]:
        parsed = dateparser.parse(phrase, languages=["en"])
        assert only(phrase).value == parsed.date().isoformat()


# --------------------------------------------------------------------------- publication date


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe(text):
    for mention in find_dates(text, FRIDAY):
        assert mention.text == text[mention.start : mention.end]
    assert isinstance(infer_publication_date(text), PublishedDate)
