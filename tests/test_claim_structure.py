"""What the parse decides, in our own words: what is counted, whose it is, and which casualty kind.

One test per phrasing class of the accuracy issue (numbers, casualty kinds, victims, indirect
sides, equipment phrases, inventory lines, restated conversions).
"""

import pytest
from salient.extract.claims import extract_article
from salient.extract.numbers import find_numbers
from salient.ingest.sections import split_sections
from salient.model import Article, PublishedDate

PUBLISHED = PublishedDate("2025-03-10", "manifest", "day", "2025-03-10", "2025-03-10")


def claims_of(body: str):
    text = f"Fighting near Sudzha\n{body}"
    art = Article(
        "s1", "s1.txt", "0" * 64, text, published=PUBLISHED, sections=split_sections(text)
    )
    claims = extract_article(art)
    return claims[claims.section == "body"].reset_index(drop=True)


def one(body: str):
    claims = claims_of(body)
    assert len(claims) == 1, claims[["quantity_text", "category", "side"]]
    return claims.iloc[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("some 8 412 soldiers", 8412.0),
        ("some 46\u202f500 soldiers", 46500.0),
        ("about 1\u00a0100 km²", 1100.0),
        ("62 thousand men", 62000.0),
        ("27.4 thousand men", 27400.0),
        ("1.5 million shells", 1_500_000.0),
        ("12k troops", 12000.0),
        ("half a million soldiers", 500_000.0),
    ],
)
def test_number_forms(text, value):
    assert [n.best for n in find_numbers(text)] == [value]


def test_space_grouped_range_keeps_both_ends():
    (n,) = find_numbers("between 10 000 and 12 000 troops")
    assert (n.low, n.high, n.hedge) == (10000.0, 12000.0, "range")


@pytest.mark.parametrize(
    ("body", "kind", "side"),
    [
        ("Near Sudzha, 40 Russian soldiers were taken prisoner last week.", "captured", "RU"),
        ("Kyiv said 120 Ukrainian troops had surrendered near Sudzha.", "captured", "UA"),
        ("Some 300 Russian soldiers were wounded near Sudzha in March.", "wounded", "RU"),
        (
            "The number of North Korean soldiers killed and wounded near Sudzha has passed 2,500.",
            "killed_or_wounded",
            "KP",
        ),
        ("Russia lost 1,250 men around Sudzha in a month.", "losses", "RU"),
        ("At least 70 Ukrainian servicemen died in the shelling of Sudzha.", "killed", "UA"),
    ],
)
def test_casualty_kinds(body, kind, side):
    c = one(body)
    assert (c.category, c.casualty_kind, c.side) == ("casualties", kind, side)


def test_the_victim_of_an_active_verb_is_the_other_side():
    c = one("Ukrainian drone crews killed 900 soldiers around Sudzha in February.")
    assert (c.category, c.side, c.casualty_kind) == ("casualties", "RU", "killed")


def test_losses_that_amount_to_troops_are_casualties():
    c = one("Ukraine's total losses near Sudzha have reached roughly 2,300 troops.")
    assert (c.category, c.side, c.value_best) == ("casualties", "UA", 2300.0)


@pytest.mark.parametrize(
    ("body", "side"),
    [
        ("Pyongyang's soldiers, about 11,000 of them, arrived near Sudzha.", "KP"),
        ("About 11,000 DPRK troops are deployed near Sudzha.", "KP"),
        ("The Kremlin's forces massed 50,000 troops near Sudzha.", "RU"),
        ("Kim's men number about 11,000 near Sudzha.", "KP"),
        ("Kyiv's brigades kept some 12,000 troops near Sudzha.", "UA"),
    ],
)
def test_sides_named_indirectly(body, side):
    persons = claims_of(body)
    persons = persons[persons.unit == "persons"]
    assert persons.side.tolist() == [side]


def test_equipment_phrase_is_not_personnel():
    c = one("Near Sudzha the brigade destroyed 14 armored personnel carriers.")
    assert (c.category, c.unit) == ("equipment", "vehicles")


def test_inventory_lines_take_their_label():
    claims = claims_of("Losses near Sudzha: tanks - 14, trucks - 453, mortars - 9.")
    assert claims[["unit", "value_best"]].values.tolist() == [
        ["tanks", 14.0],
        ["vehicles", 453.0],
        ["mortars", 9.0],
    ]


def test_a_restated_conversion_between_dashes_is_one_claim():
    c = one("Russia has retaken 100 square kilometres — almost 40 square miles — near Sudzha.")
    assert (c.value_best, c.unit) == (100.0, "km2")


def test_civilians_are_never_troops_or_casualties():
    c = one("The offensive left about 2,000 Russian citizens near Sudzha.")
    assert c.category == "other"


def test_a_running_total_is_as_of_its_telling_not_an_earlier_date():
    claims = claims_of(
        "Fighting began near Sudzha in August 2024. Since then Russia has retaken 800 sq km, "
        "the ministry said."
    )
    area = claims[claims.unit == "km2"].iloc[0]
    assert (area.as_of, area.as_of_basis) == ("2025-03-10", "published")


def test_source_spellings_are_one_name():
    c = one("Oleksandr Syrsky said Ukrainian troops held 400 square kilometres near Sudzha.")
    assert c.attributed_to == "Oleksandr Syrskyi"


def test_the_subject_of_the_reporting_verb_is_the_source():
    c = one(
        "The mapping group, which tracks the front, estimates that Kyiv holds 300 sq km near Sudzha."
    )
    assert c.attributed_to == "mapping group"


@pytest.mark.parametrize(
    ("body", "reason_word"),
    [
        (
            "Near Sudzha, officials said Moscow fields over 600,000 soldiers along the entire front.",
            "front",
        ),
        ("Pyongyang's army counts well over a million men, Sudzha residents were told.", "army"),
        ("The Kursk province of about 29,000 square kilometres borders Sumy.", "region"),
        ("Air defences shot down 90 drones over several regions including Kursk.", "several"),
        ("Russia lost some 6,000 troops in the Chechen War, a Sudzha veteran recalled.", "war"),
    ],
)
def test_figures_beyond_the_theatre_are_out_of_scope(body, reason_word):
    claims = claims_of(body)
    numbered = claims[claims.category != "other"]
    assert len(numbered) == 1
    assert not numbered.iloc[0].in_scope
    assert reason_word in numbered.iloc[0].scope_reason


def test_the_numbers_own_clause_decides_its_place():
    claims = claims_of(
        "Ukraine holds 300 sq km near Sudzha, while Russia took 50 sq km in Donetsk."
    )
    assert claims[["value_best", "in_scope"]].values.tolist() == [[300.0, True], [50.0, False]]


def test_an_impossible_area_is_flagged_and_kept_out_of_the_views():
    from salient.analysis.views import territory

    claims = claims_of("Ukraine holds some 45,000 square kilometres near Sudzha, he claimed.")
    (flag,) = claims.plausibility.tolist()
    assert flag.startswith("more ground than the theatre's whole area (45,000 > 29,997)")
    assert territory(claims).empty


def test_a_plausible_area_is_not_flagged():
    assert claims_of(
        "Ukraine holds some 450 square kilometres near Sudzha."
    ).plausibility.tolist() == [""]


def test_every_sentence_of_a_quotation_takes_its_closing_source():
    claims = claims_of(
        "Fighting went on, the Russian Defence Ministry said on Monday. “Near Sudzha the enemy lost "
        "120 soldiers. Another 40 soldiers were captured,” the ministry said."
    )
    persons = claims[claims.unit == "persons"]
    assert persons.attributed_to.tolist() == ["Russian Defence Ministry"] * 2


def test_a_reporting_clause_split_off_by_a_line_break_still_attributes():
    from salient.extract.context import quote_sources

    sources = quote_sources(["Ukraine lost 900 soldiers near Sudzha", ", the ministry added."])
    assert sources == {0: "ministry"}
