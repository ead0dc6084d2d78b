"""Drone mentions by tactic, side and span, in our own sentences."""

from salient.extract.drones import extract_drone_mentions, taxonomy
from salient.ingest.sections import split_sections
from salient.model import Article


def mentions(body: str):
    text = f"Drone war near Kursk\n{body}"
    article = Article("d1", "d1.txt", "0" * 64, text, sections=split_sections(text))
    found = extract_drone_mentions(article)
    return found[found.section == "body"], text


def test_tactics_sides_and_spans():
    found, text = mentions(
        "Russian crews flew fibre-optic drones past the jammers near Sudzha. "
        "Ukrainian FPV pilots answered with interceptor drones."
    )
    by_term = {row.term: row for row in found.itertuples()}
    assert by_term["fibre-optic"].tactic == "fiber_optic"
    assert by_term["fibre-optic"].side == "RU"
    assert by_term["jammers"].tactic == "electronic_warfare"
    assert by_term["FPV"].side == "UA" and by_term["FPV"].tactic == "fpv"
    assert by_term["interceptor drones"].tactic == "interception"
    for row in found.itertuples():
        assert text[row.char_start : row.char_end] == row.term


def test_short_acronyms_count_only_in_capitals():
    found, _ = mentions("The new EW post near Sudzha was quiet; a crew member said ew, mud.")
    assert list(found.term) == ["EW"]


def test_other_fronts_are_out_of_scope():
    found, _ = mentions("Near Pokrovsk a Lancet loitering munition hit a gun.")
    assert not found.in_scope.any()
    assert set(found.tactic) == {"loitering_munition"}


def test_taxonomy_is_data_with_known_tactics():
    assert {"fpv", "fiber_optic", "electronic_warfare", "drone_unit", "interception"} <= set(
        taxonomy().values()
    )
