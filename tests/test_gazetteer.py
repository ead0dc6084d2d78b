"""salient.extract.gazetteer: place names from GeoNames plus data files, and theatres as data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.extract import gazetteer
from salient.extract.gazetteer import (
    Place,
    PlaceMention,
    find_places,
    in_theatre,
    region_of,
    theatre_spec,
)

POKROVSK = theatre_spec("Pokrovsk")
KURSK = theatre_spec("Kursk")


def surfaces(text: str) -> list[str]:
    return [m.surface for m in find_places(text)]


def only(text: str) -> PlaceMention:
    (mention,) = find_places(text)
    return mention


# --- names: spellings, renamings, regions ------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "admin1"),
    [
        ("Sudzha", "Kursk"),
        ("Sudja", "Kursk"),
        ("Kurakhove", "Donetsk"),
        ("Kurakhovo", "Donetsk"),
        ("Selydove", "Donetsk"),
        ("Selidovo", "Donetsk"),
        ("Avdiivka", "Donetsk"),
        ("Avdeevka", "Donetsk"),
        ("Bakhmut", "Donetsk"),
        ("Artemovsk", "Donetsk"),
        ("Vovchansk", "Kharkiv"),
        ("Kupiansk", "Kharkiv"),
        ("Rylsk", "Kursk"),
        ("Lgov", "Kursk"),
        ("Glushkovo", "Kursk"),
        ("Tetkino", "Kursk"),
        ("Malaya Loknya", "Kursk"),
        ("Novohrodivka", "Donetsk"),
        ("Dobropillia", "Donetsk"),
        ("Pokrovske", "Dnipropetrovsk"),
    ],
)
def test_spellings_news_use_are_found_with_their_oblast(spelling, admin1):
    mention = only(f"Shells fell on {spelling} overnight, local officials said.")
    assert mention.surface == spelling
    assert admin1 in {place.admin1 for place in mention.candidates}


@pytest.mark.parametrize(
    ("current", "old"),
    [("Pokrovsk", "Krasnoarmiys'k"), ("Myrnohrad", "Dymytrov"), ("Toretsk", "Dzerzhyns'k")],
)
def test_renamed_towns_are_one_place_under_both_names(current, old):
    new_name = only(f"Troops left {current} in the end.").candidates
    old_name = only(f"Troops left {old} in the end.").candidates
    donetsk = [place for place in new_name if place.admin1 == "Donetsk"]
    assert donetsk == [place for place in old_name if place.admin1 == "Donetsk"]
    assert donetsk[0].name == current  # the place carries today's name, not the 2016 one


def test_region_names_and_donbas():
    mentions = find_places("Drones hit the Kursk region and Belgorod Oblast; Donbas stayed quiet.")
    assert [m.surface for m in mentions] == ["Kursk region", "Belgorod Oblast", "Donbas"]
    assert mentions[0].candidates[0].admin1 == "Kursk"
    assert {place.admin1 for place in mentions[2].candidates} == {"Donetsk", "Luhansk"}


def test_scope_phrases_carry_a_pseudo_region_whatever_the_case():
    mentions = find_places("Front line reports differ; losses across Ukraine grew.")
    assert [m.surface for m in mentions] == ["Front line", "across Ukraine"]
    assert [region_of(m) for m in mentions] == ["Ukraine (country-wide)"] * 2


# --- matching: case, whole words, longest match ------------------------------------------------


def test_english_words_and_people_are_not_places():
    assert surfaces("Marks on the map. Never again, said Vladimir Putin's aide Anna.") == []


def test_lower_case_is_never_a_place():
    assert surfaces("the sudzha road and the kursk train") == []


def test_whole_words_only():
    assert surfaces("Pokrovskiy Prospekt and Sudzhansky district") == []
    assert surfaces("the Pokrovsk-Myrnohrad pocket") == ["Pokrovsk", "Myrnohrad"]
    assert surfaces("Sudzha's market") == ["Sudzha"]


def test_longest_match_wins():
    assert surfaces("Fighting in Malaya Loknya continued.") == ["Malaya Loknya"]
    assert surfaces("Refugees from Kursk Oblast arrived.") == ["Kursk Oblast"]
    assert surfaces("Chasiv Yar held.") == ["Chasiv Yar"]


# --- theatres ----------------------------------------------------------------------------------


def test_the_two_shipped_theatres():
    assert list(gazetteer.load_theatres()) == ["Kursk", "Pokrovsk"]
    assert (KURSK.regions, KURSK.default_holder, KURSK.total_area_km2) == (("Kursk",), "UA", 29997)
    assert KURSK.radius_km is None
    assert (POKROVSK.regions, POKROVSK.default_holder, POKROVSK.radius_km) == (
        ("Donetsk",),
        "UA",
        30,
    )


def test_theatre_names_are_case_insensitive_and_unknown_ones_list_the_known():
    assert theatre_spec(" kursk ") is KURSK
    with pytest.raises(gazetteer.UnknownTheatreError, match="known theatres: Kursk, Pokrovsk"):
        theatre_spec("Zaporizhzhia")


def theatre_row(**changes: str) -> dict[str, str]:
    row = {
        "theatre": "Chasiv Yar",
        "default_holder": "UA",
        "regions": "Donetsk",
        "centre_lat": "48.59",
        "centre_lon": "37.86",
        "radius_km": "15",
        "total_area_km2": "",
        "note": "an analyst's row",
    }
    return row | changes


def test_an_analyst_adds_a_theatre_with_a_row():
    (spec,) = gazetteer.parse_theatres([theatre_row()]).values()
    assert spec.total_area_km2 is None
    assert in_theatre(only("Assaults on Chasiv Yar went on."), spec)
    assert not in_theatre(only("Assaults on Pokrovsk went on."), spec)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"regions": "Donetsk Oblast"}, "names region\\(s\\) Donetsk Oblast that no place has"),
        ({"regions": " ; "}, "theatre Chasiv Yar has no regions"),
        ({"radius_km": ""}, "needs all of centre_lat, centre_lon, radius_km or none"),
    ],
)
def test_a_bad_theatre_row_is_refused_with_the_reason(changes, message):
    with pytest.raises(gazetteer.GazetteerError, match=message):
        gazetteer.parse_theatres([theatre_row(**changes)])


def test_pokrovsk_in_yakutia_alone_is_not_in_the_pokrovsk_theatre():
    yakutia = Place("Pokrovsk", "Sakha", "RU", 61.47768, 129.13699)
    assert not POKROVSK.contains(yakutia)
    assert not in_theatre(PlaceMention(0, 8, "Pokrovsk", (yakutia,)), POKROVSK)
    mention = only("Pokrovsk was shelled again.")
    assert yakutia in mention.candidates  # the same name elsewhere does not pull it out
    assert in_theatre(mention, POKROVSK)
    assert region_of(mention) == "Pokrovsk"


def test_korenevo_is_in_kursk_although_a_korenevo_lies_near_moscow():
    mention = only("Korenevo changed hands twice.")
    assert {place.admin1 for place in mention.candidates} == {"Kursk", "Moskovskaya"}
    assert in_theatre(mention, KURSK)
    assert not in_theatre(mention, POKROVSK)


@pytest.mark.parametrize(
    ("town", "inside"),
    [
        ("Myrnohrad", True),
        ("Selydove", True),
        ("Novohrodivka", True),
        ("Dobropillia", True),
        ("Kurakhove", False),
        ("Toretsk", False),
        ("Bakhmut", False),
        ("Vuhledar", False),
        ("Kostiantynivka", False),
        ("Pokrovske", False),
    ],
)
def test_pokrovsk_theatre_is_the_circle_around_the_town(town, inside):
    assert in_theatre(only(f"Units near {town} reported contact."), POKROVSK) is inside


def test_a_name_whose_only_candidates_are_elsewhere_stays_out():
    mention = only("Tanks rolled through Kramatorsk.")
    assert not in_theatre(mention, KURSK)
    assert not in_theatre(mention, POKROVSK)
    assert region_of(mention) == "Donetsk Oblast, UA"


def test_region_label_for_a_place_outside_every_theatre():
    assert region_of(only("A plant in Voronezh burned.")) == "Voronezh Oblast, RU"


def test_distance_km_matches_a_known_pair():
    # Pokrovsk to Dobropillia is about 21 km as the crow flies.
    assert gazetteer.distance_km(48.28198, 37.17585, 48.46147, 37.08524) == pytest.approx(
        21.1, abs=0.2
    )


# --- robustness --------------------------------------------------------------------------------


PIECES = [
    "Pokrovsk",
    "Sudzha",
    "Kursk",
    " Oblast",
    "Malaya",
    " Loknya",
    "'",
    "’",
    "-",
    "_",
    " ",
    "é",
    "\u0130",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_find_places_never_crashes_and_spans_are_in_the_text(text):
    previous_end = 0
    for mention in find_places(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.start >= previous_end  # ordered, non-overlapping
        assert text[mention.start : mention.end] == mention.surface
        assert mention.candidates
        previous_end = mention.end


@given(st.text())
def test_find_places_takes_any_text(text):
    for mention in find_places(text):
        assert text[mention.start : mention.end] == mention.surface


def test_a_megabyte_of_text_is_scanned():
    paragraph = "Units west of Pokrovsk fell back toward Dobropillia, while Sudzha stayed calm. "
    text = paragraph * (1_000_000 // len(paragraph))
    mentions = find_places(text)
    assert len(mentions) == 3 * (1_000_000 // len(paragraph))
