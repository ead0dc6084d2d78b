"""Claims from one article: category, side, measure, scope, as-of and attribution, in our own words."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.extract.claims import extract_article
from salient.ingest.sections import split_sections
from salient.model import Article, PublishedDate

PUBLISHED = PublishedDate(
    "2025-02-12", "manifest", "day", "2025-02-12", "2025-02-12"
)  # a Wednesday


def article(body: str, title: str = "Fighting in Kursk goes on") -> Article:
    text = f"{title}\n{body}"
    return Article(
        "a1", "a1.txt", "0" * 64, text, published=PUBLISHED, sections=split_sections(text)
    )


def only(body: str):
    claims = extract_article(article(body))
    claims = claims[claims.section == "body"]
    assert len(claims) == 1, claims[["quantity_text", "category"]]
    return claims.iloc[0]


def test_area_held_with_a_conversion_is_one_claim():
    c = only(
        "Kyiv's troops hold roughly 800 sq km (309 sq mi) near Sudzha, a brigade officer said."
    )
    assert (c.category, c.measure, c.side, c.value_best, c.unit, c.hedge) == (
        "territory",
        "held",
        "UA",
        800.0,
        "km2",
        "approx",
    )
    assert c.quantity_text == "800 sq km (309 sq mi)"
    assert c.attributed_to == "brigade officer"


def test_square_miles_are_converted_to_km2():
    c = only("Ukraine held about 200 square miles of the region in Kursk.")
    assert c.value_best == pytest.approx(518.0, abs=0.1)


def test_ground_retaken_by_russia_is_a_ukrainian_loss():
    c = only("Russian units retook 45 square kilometres near Sudzha last week.")
    assert (c.measure, c.side) == ("lost", "UA")


def test_the_subject_who_retakes_ground_decides_the_loser_not_the_nearest_side_word():
    c = only(
        "Russian units broke through Ukraine's defences in Kursk, regaining dozens of square kilometres."
    )
    assert (c.measure, c.side, c.hedge, c.in_scope) == ("lost", "UA", "vague", True)


def test_an_opening_according_to_frames_the_paragraph():
    claims = extract_article(
        article("According to a think tank, the front in Kursk moved. Ukraine held 90 sq km there.")
    )
    assert claims.iloc[0].attributed_to == "think tank"


def test_destroyed_equipment_belongs_to_the_side_that_lost_it():
    c = only("Russian drones destroyed 9 Ukrainian tanks near Sudzha.")
    assert (c.category, c.side, c.unit) == ("equipment", "UA", "tanks")


def test_a_topic_shift_leaves_the_theatre():
    c = only("Separately, a donor pledged 400 missiles to the navy.")
    assert not c.in_scope


def test_passive_recapture_is_a_loss_for_the_holder():
    c = only("Officials in Moscow say 14 villages were recaptured in the Kursk region.")
    assert (c.category, c.measure, c.side, c.unit) == ("territory", "lost", "UA", "settlements")


def test_casualties_are_not_troops():
    c = only("Kyiv says Russia has lost more than 9,000 soldiers killed and wounded in Kursk.")
    assert (c.category, c.side, c.hedge, c.value_low) == ("casualties", "RU", "at_least", 9000.0)


def test_north_korean_forces_after_the_number():
    c = only("Moscow has brought in three battalions of North Korean marines near Sudzha.")
    assert (c.category, c.side, c.unit, c.value_best) == ("troops", "KP", "battalions", 3.0)


def test_outnumbered_gives_the_advantage_to_the_other_side():
    c = only("Ukrainian defenders in Kursk were outnumbered four to one, a sergeant said.")
    assert (c.category, c.side, c.value_best) == ("ratio", "RU", 4.0)


def test_weekday_resolves_against_the_publication_date():
    c = only("On Monday the governor said 1,200 Ukrainian troops remained in Kursk.")
    assert (c.as_of, c.as_of_precision, c.as_of_basis) == ("2025-02-10", "day", "explicit")


def test_undated_claim_takes_the_publication_date():
    c = only("Analysts believe some 30,000 Russian troops are massed in Kursk.")
    assert (c.as_of, c.as_of_basis, c.attributed_to) == ("2025-02-12", "published", "Analysts")


def test_another_front_is_out_of_scope():
    c = only("Near Pokrovsk, Russia has gathered about 40,000 troops.")
    assert not c.in_scope and "Pokrovsk" in c.scope_reason


def test_section_heading_sets_the_place():
    claims = extract_article(
        article("KHERSON\nShelling wounded 12 people and 300 soldiers moved in.")
    )
    assert not claims[claims.section == "body"].in_scope.any()


def test_boilerplate_numbers_are_kept_but_out_of_scope():
    claims = extract_article(
        article("Ukraine holds 150 sq km in Kursk.\nRead more:\n- Russia fires 90 drones at Odesa")
    )
    boiler = claims[claims.section == "boilerplate"]
    assert len(boiler) == 1 and not boiler.in_scope.any()


def test_years_and_day_numbers_are_not_quantities():
    claims = extract_article(article("In 2024, on March 3, the unit was moved, an officer said."))
    assert claims.empty


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_never_raises_and_spans_point_at_numbers(body):
    a = article(body)
    claims = extract_article(a)
    for c in claims.itertuples():
        assert a.text[c.char_start : c.char_end] == c.quantity_text
        assert any(ch.isdigit() or ch.isalpha() for ch in c.quantity_text)


def test_an_appositive_names_the_source_not_the_role():
    c = only("Ivan Petrenko, the deputy mayor of Kursk, said 40 soldiers guarded the bridge.")
    assert c.attributed_to == "Ivan Petrenko"


def test_the_author_speaking_is_not_an_outside_source():
    c = only("From satellite images I put the Ukrainian-held area in Kursk at 410 sq km.")
    assert c.attributed_to == ""


def test_a_passive_estimate_names_no_source():
    c = only("By late May the Russian force in Kursk is put at some 45,000.")
    assert c.attributed_to == ""


def test_with_no_side_in_the_paragraph_the_reporting_sources_side_is_the_last_resort():
    c = only("Russian war bloggers said about 500 paratroopers took part in the raid near Sudzha.")
    assert (c.category, c.side, c.attributed_to) == ("troops", "RU", "Russian war bloggers")
