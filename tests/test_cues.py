"""Cue words are data: every cue set code names is in data/claim_cues.csv, and an analyst's edit to
that file changes a decision. Edits go to a copy of the data folder (salient.lexicon.DATA points
at it for the test), with made-up words so no built-in cue can be what decides."""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from salient import lexicon
from salient.extract import claims, context, numbers
from salient.extract.claims import extract_article
from test_claims import article


@pytest.fixture
def add_cue(tmp_path: Path, monkeypatch):
    """add_cue(set, phrase): append a row to a copy of data/claim_cues.csv and use the copy."""
    for source in resources.files("salient.data").iterdir():
        if source.name.endswith(".csv"):
            shutil.copyfile(str(source), tmp_path / source.name)

    def forget() -> None:
        lexicon.clear_caches()
        for module in (claims, context, numbers):  # their memos read the cues too
            for memo in vars(module).values():
                if hasattr(memo, "cache_clear"):
                    memo.cache_clear()

    def add(cue: str, phrase: str) -> None:
        with (tmp_path / lexicon.CLAIM_CUES).open("a", encoding="utf-8") as fh:
            fh.write(f"{cue},{phrase},added by a test\n")
        forget()

    monkeypatch.setattr(lexicon, "DATA", tmp_path)
    forget()
    yield add
    monkeypatch.undo()
    forget()


def body_claim(body: str):
    found = extract_article(article(body))
    found = found[found.section == "body"]
    assert len(found) == 1, found[["quantity_text", "category"]]
    return found.iloc[0]


def decision(body: str) -> tuple[str, str, str, str]:
    c = body_claim(body)
    return c.quantity_text, c.category, c.measure, c.side


# --------------------------------------------------------------------------- the file and code


TEMPLATES = {**claims.CUE_TEMPLATES, **context.CUE_TEMPLATES}


def test_every_cue_set_code_names_is_in_the_data_file_and_compiles():
    sets = lexicon.cue_sets()
    named = {s for template, _ in TEMPLATES.values() for s in lexicon.set_names(template)}
    named |= {f"hedge_{hedge}" for hedge in numbers.HEDGE_SETS}
    assert named <= set(sets), named - set(sets)
    assert set(sets) <= named, f"sets no code reads: {set(sets) - named}"
    for module in (claims, context):
        for name in module.CUE_TEMPLATES:
            assert isinstance(module._cue(name), re.Pattern)
    assert all(sets[s] for s in named)
    assert not claims.CUE_TEMPLATES.keys() & context.CUE_TEMPLATES.keys()
    assert [hedge for _, hedge in numbers.hedges_before()] == ["at_most", "at_least", "approx"]


def test_every_row_names_a_set_and_a_phrase_and_notes_each_set():
    rows = lexicon.data_rows(lexicon.CLAIM_CUES)
    assert all(r["cue"].strip() and r["phrase"].strip() for r in rows)
    first_rows = {r["cue"]: r for r in reversed(rows)}  # each set's first row carries its note
    assert all(r["note"].strip() for r in first_rows.values()), first_rows


def test_a_trailing_star_is_a_word_stem_and_phrases_keep_word_boundaries():
    assert lexicon.phrase_pattern("recaptur*") == r"recaptur\w*"
    assert lexicon.phrase_pattern("won back") == "won back"
    loss = claims._cue("loss_verb")
    assert [m.group(0) for m in loss.finditer("They recaptured it; RECAPTURING it; recap.")] == [
        "recaptured",
        "RECAPTURING",
    ]
    assert loss.search("the closet") is None  # "lost" needs whole words: not inside "closet"


def test_a_missing_set_is_an_error_that_names_it():
    with pytest.raises(KeyError, match="no_such_set"):
        lexicon.cue_regex(r"\b(?:{no_such_set})\b")


def test_case_sensitive_sets_stay_case_sensitive():
    shift, verb = claims._cue("topic_shift"), context._cue("reporting_verb")
    assert shift.match("Separately, officials said") and not shift.match("separately, they said")
    assert verb.search("the officer said") and not verb.search("the officer SAID")
    assert claims._cue("cumulative").search("SO FAR this year")  # the others ignore case


# --------------------------------------------------------------------------- an edit decides


def test_an_added_loss_verb_makes_ground_a_loss_of_the_other_side(add_cue):
    body = "Russian units zorbled 45 square kilometres near Sudzha last week."
    assert decision(body) == ("45 square kilometres", "territory", "held", "RU")
    add_cue("territory_loss_verb", "zorbled")
    assert decision(body) == ("45 square kilometres", "territory", "lost", "UA")


def test_an_added_gain_verb_makes_ground_a_gain(add_cue):
    body = "Russian units zorbled 45 square kilometres near Sudzha last week."
    add_cue("territory_gain_verb", "zorbled")
    assert decision(body) == ("45 square kilometres", "territory", "gained", "RU")


def test_an_added_stem_matches_every_ending(add_cue):
    add_cue("territory_loss_verb", "zorbl*")
    body = "Russian units zorbling 45 square kilometres near Sudzha last week."
    assert decision(body)[2:] == ("lost", "UA")


def test_an_added_territory_noun_makes_a_fraction_ground(add_cue):
    body = "Russia holds a third of the zorble in Kursk."
    assert decision(body)[:2] == ("a third", "other")
    add_cue("territory_noun", "zorble")
    assert decision(body)[:3] == ("a third", "territory", "held")


def test_an_added_passive_participle_makes_ground_lost(add_cue):
    body = "About 45 square kilometres near Sudzha were zorbled last week."
    assert decision(body)[2:] == ("held", "UA")
    add_cue("passive_loss_participle", "zorbled")
    assert decision(body)[2:] == ("lost", "UA")


def test_an_added_back_reference_makes_ground_part_of_a_loss(add_cue):
    body = "Some 45 square kilometres of that zorble were near Sudzha."
    assert decision(body)[2:] == ("held", "UA")
    add_cue("loss_back_reference", "of that zorble")
    assert decision(body)[2:] == ("lost", "UA")


def test_an_added_land_noun_makes_a_side_word_whose_land_not_who_holds(add_cue):
    body = "Kyiv holds 400 km² of Russian zorbland, down from 1,300 in the autumn."
    sides = lambda: list(extract_article(article(body)).query("section == 'body'").side)  # noqa: E731
    assert sides() == ["UA", "RU"]
    add_cue("land_noun", "zorbland")
    assert sides() == ["UA", "UA"]


def test_an_added_force_word_makes_a_bare_number_troops(add_cue):
    body = "In Kursk the zorblers numbered 5000 by March."
    assert decision(body)[1] == "other"
    add_cue("force", "zorblers")
    assert decision(body)[1] == "troops"


def test_an_added_casualty_word_makes_a_count_of_persons_losses(add_cue):
    body = "In Kursk the troops' zorbles reached 5000 by March."
    assert decision(body)[1] == "troops"
    add_cue("casualty", "zorbles")
    c = body_claim(body)
    assert (c.category, c.casualty_kind) == ("casualties", "losses")


def test_an_added_civilian_word_keeps_a_count_out_of_the_forces(add_cue):
    body = "In Kursk the troops counted 5000, zorblers included."
    assert decision(body)[1] == "troops"
    add_cue("civilian", "zorblers")
    assert decision(body)[1] == "other"


def test_an_added_destroy_verb_makes_equipment_the_other_sides_loss(add_cue):
    body = "Ukrainian forces zorbled 12 tanks near Sudzha."
    assert decision(body) == ("12 tanks", "equipment", "", "UA")
    add_cue("destroy_verb", "zorbled")
    assert decision(body) == ("12 tanks", "equipment", "", "RU")


def test_an_added_outnumbered_word_gives_the_ratio_to_the_other_side(add_cue):
    body = "Ukrainian units near Sudzha are zorbled 3 to 1."
    assert decision(body) == ("3 to 1", "ratio", "", "UA")
    add_cue("outnumbered", "zorbled")
    assert decision(body) == ("3 to 1", "ratio", "", "RU")


def test_an_added_topic_shift_takes_a_sentence_out_of_the_paragraphs_scope(add_cue):
    body = "Fighting went on near Sudzha. Zorbly, 300 troops arrived at the border."
    assert bool(body_claim(body).in_scope) is True
    add_cue("topic_shift", "Zorbly")
    c = body_claim(body)
    assert (bool(c.in_scope), c.scope_reason) == (False, "the sentence turns to another story")


def test_an_added_cumulative_word_dates_a_count_the_day_it_is_told(add_cue):
    body = (
        "On February 3, fighting raged near Sudzha. "
        "Russia has lost 900 soldiers zorbly, Ukrainian officials said."
    )
    assert body_claim(body).as_of == "2025-02-03"
    add_cue("cumulative", "zorbly")
    assert body_claim(body).as_of == "2025-02-12"  # the publication day


def test_an_added_entry_preposition_keeps_a_side_word_from_holding_ground(add_cue):
    body = "Ukrainian troops crossed zorb Russia and hold 400 km² near Sudzha."
    assert decision(body) == ("400 km²", "territory", "held", "RU")
    add_cue("entry_preposition", "zorb")
    assert decision(body) == ("400 km²", "territory", "held", "UA")


def test_an_added_source_noun_makes_a_side_word_a_source(add_cue):
    text = "Russian zorblers put Ukraine's losses at 900."
    assert [side for *_, side in context.side_mentions(text)] == ["RU", "UA"]
    add_cue("source_noun", "zorblers")
    assert [side for *_, side in context.side_mentions(text)] == ["UA"]
    assert context.source_side_before(text, len(text)) == "RU"


def test_an_added_source_modifier_may_stand_before_a_source_noun(add_cue):
    text = "Russian zorbling officials put Ukraine's losses at 900."
    assert [side for *_, side in context.side_mentions(text)] == ["RU", "UA"]
    add_cue("source_modifier", "zorbling")
    assert [side for *_, side in context.side_mentions(text)] == ["UA"]


def test_an_added_reporting_verb_names_its_subject_the_source(add_cue):
    text = "General Petrenko zorbled that 900 soldiers were killed."
    assert context.speaker(text) == ""
    add_cue("reporting_verb", "zorbled")
    assert context.speaker(text) == "General Petrenko"


def test_an_added_said_name_verb_names_the_capitalised_name_after_it(add_cue):
    text = "Losses are high, Kyiv said; about 900 soldiers were killed, zorbled Ivan Petrenko."
    assert context.speaker(text) == "Kyiv"
    add_cue("said_name_verb", "zorbled")
    assert context.speaker(text) == "Ivan Petrenko"


def test_an_added_role_noun_credits_the_speaker_the_next_sentence_names(add_cue):
    body = (
        "Russia lost 900 soldiers near Sudzha, a senior Ukrainian zorbler claimed. "
        "Gen. Ivan Petrenko told reporters the fighting went on."
    )
    assert body_claim(body).attributed_to == ""
    add_cue("described_source_role", "zorbler")
    assert body_claim(body).attributed_to == "Gen. Ivan Petrenko"


def test_an_added_earlier_statement_verb_dates_a_claim_to_the_publication_month(add_cue):
    body = (
        "On February 3, fighting raged near Sudzha. "
        "Petrenko had zorbled that 900 Russian soldiers were killed near Sudzha."
    )
    assert (body_claim(body).as_of, body_claim(body).as_of_precision) == ("2025-02-03", "day")
    add_cue("earlier_statement_verb", "zorbled")
    assert (body_claim(body).as_of, body_claim(body).as_of_precision) == ("2025-02", "month")


@pytest.mark.parametrize("hedge", ["at_most", "at_least", "approx"])
def test_an_added_hedge_word_hedges_the_number_after_it(add_cue, hedge):
    body = "Russia lost zorbly 300 soldiers near Sudzha, Ukrainian officials said."
    assert body_claim(body).hedge == "exact"
    add_cue(f"hedge_{hedge}", "zorbly")
    assert body_claim(body).hedge == hedge
