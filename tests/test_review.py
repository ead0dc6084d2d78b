"""salient.analysis.review: reviews.csv applied after extraction; orphans, malformed files, library calls."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient.analysis import review, triage, views
from salient.analysis.consolidate import consolidate
from salient.analysis.views import build_views, territory, troops
from salient.run.pipeline import extract_corpus, write_tables
from salient.schemas import DRONE_MENTIONS

from tests.factories import frame, make_claim, validated

NO_MENTIONS = validated(DRONE_MENTIONS)

# Written for these tests: one territory and one troops claim about Kursk.
NOTE = (
    "Kursk front holds for now\n\n"
    "On March 3, 2025, Ukrainian forces held about 500 square kilometres of the Kursk region, "
    "the general staff said.\n"
    "Russia had gathered 50,000 troops around Kursk by then, according to a military analyst.\n"
)
AREA_ID = "kursk_note@73-94"
TROOPS_ID = "kursk_note@160-173"
HEADER = ",".join(review.FILE_COLUMNS)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "kursk_note.txt").write_text(NOTE, encoding="utf-8")
    return folder


def write_reviews(folder: Path, *rows: dict[str, str], header=review.FILE_COLUMNS) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = folder / "reviews.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def statuses(log: pd.DataFrame) -> list[tuple[int, str]]:
    return list(zip(log["line"], log["status"], strict=True))


# --- the three actions, end to end ----------------------------------------------------------


def test_without_a_review_file_every_claim_is_unreviewed(corpus):
    ex = extract_corpus(corpus)
    assert list(ex.claims["claim_id"]) == [AREA_ID, TROOPS_ID]
    assert set(ex.claims["review"]) == {"unreviewed"}
    assert ex.review_log.empty and ex.review_effects.empty
    assert list(ex.views["territory"]["review"]) == ["unreviewed"]


def test_reject_drops_the_claim_from_views_and_consolidation_but_keeps_it_marked(corpus):
    write_reviews(corpus, {"claim_id": AREA_ID, "action": "reject", "note": "a map label"})
    ex = extract_corpus(corpus)
    assert ex.views["territory"].empty
    rejected = ex.claims.set_index("claim_id").loc[AREA_ID]
    assert (rejected["review"], rejected["in_scope"], rejected["review_line"]) == (
        "rejected",
        False,
        2,
    )
    assert rejected["review_note"] == "a map label"
    assert AREA_ID not in ";".join(consolidate(ex.claims)["claim_ids"])
    assert ex.review_effects.to_dict("records") == [
        {
            "view": "territory",
            "claim_id": AREA_ID,
            "review": "rejected",
            "change": "removed",
            "before": "500 km2, UA, 2025-03-03",
            "after": "",
        }
    ]


def test_correct_takes_the_reviewed_values_side_date_and_source(corpus):
    write_reviews(
        corpus,
        {
            "claim_id": TROOPS_ID,
            "action": "correct",
            "side": "ua",
            "value_best": "45,000",
            "as_of": "2025-02",
            "attributed_to": "-",
            "reviewer": "ana",
            "reviewed_at": "2026-01-02T10:00:00Z",
        },
    )
    ex = extract_corpus(corpus)
    row = ex.views["troops"].iloc[0]
    assert (row["side"], row["value_low"], row["value_best"], row["value_high"]) == (
        "UA",
        45_000,
        45_000,
        45_000,
    )
    assert (row["as_of"], row["as_of_earliest"], row["as_of_latest"], row["as_of_basis"]) == (
        "2025-02",
        "2025-02-01",
        "2025-02-28",
        "reviewed",
    )
    assert pd.isna(row["attributed_to"]) and row["review"] == "corrected"
    assert row["review_changes"] == (
        "side: RU → UA; value_low: 50000 → 45000; value_best: 50000 → 45000; "
        "value_high: 50000 → 45000; as_of: 2025-03-03 → 2025-02; "
        "attributed_to: military analyst → (empty)"
    )
    assert (row["reviewer"], row["reviewed_at"]) == ("ana", "2026-01-02T10:00:00Z")
    assert ex.review_effects[["view", "change", "before", "after"]].values.tolist() == [
        ["troops", "changed", "50,000 persons, RU, 2025-03-03", "45,000 persons, UA, 2025-02"]
    ]


def test_correcting_the_category_moves_the_claim_between_views():
    claims = frame(make_claim("a", category="troops", value=3000, unit="persons"))
    read = review.ReviewFile([review.Review(5, "a:100-105", "correct", {"category": "casualties"})])
    applied = review.apply(claims, read)
    effects = review.review_effects(claims, applied.claims, lambda c: build_views(c, NO_MENTIONS))
    assert effects[["view", "change"]].values.tolist() == [
        ["troops", "removed"],
        ["casualties", "added"],
    ]


def test_confirm_marks_the_claim_and_changes_nothing_else(corpus):
    write_reviews(corpus, {"claim_id": AREA_ID, "action": "CONFIRM", "reviewer": "ana"})
    ex = extract_corpus(corpus)
    row = ex.views["territory"].iloc[0]
    assert (row["review"], row["value_best"], row["reviewer"]) == ("confirmed", 500, "ana")
    assert pd.isna(row["review_changes"])
    assert ex.review_effects.empty  # confirming changes no figure
    assert statuses(ex.review_log) == [(2, "applied")]


def test_the_later_of_two_reviews_of_a_claim_wins(corpus):
    write_reviews(
        corpus,
        {"claim_id": AREA_ID, "action": "reject"},
        {"claim_id": AREA_ID, "action": "correct", "value_best": "450"},
    )
    ex = extract_corpus(corpus)
    assert list(ex.views["territory"]["value_best"]) == [450]
    assert statuses(ex.review_log) == [(2, "superseded"), (3, "applied")]
    assert ex.review_log["message"][0] == "reviews.csv line 2: superseded by line 3"


# --- orphans ----------------------------------------------------------------------------------


def test_reviews_of_changed_articles_are_orphaned_never_moved_to_another_span(corpus, caplog):
    write_reviews(
        corpus,
        {"claim_id": AREA_ID, "action": "correct", "value_best": "450", "quantity_text": "500 square kilometres"},
        {"claim_id": TROOPS_ID, "action": "reject", "quantity_text": "50,000 troops"},
    )  # fmt: skip
    # The article gains a sentence at its top: every span moves, the first id now points elsewhere
    # (it does not exist), and the second id would land on other words.
    edited = NOTE.replace("now\n\n", "now\n\nFiled late.\n", 1)
    (corpus / "kursk_note.txt").write_text(edited, encoding="utf-8")
    ex = extract_corpus(corpus)
    assert set(ex.claims["review"]) == {"unreviewed"}
    assert list(ex.views["territory"]["value_best"]) == [500]
    assert len(ex.views["troops"]) == 1
    assert statuses(ex.review_log) == [(2, "orphan"), (3, "orphan")]
    assert ex.review_log["message"][0] == (
        f"reviews.csv line 2: orphan review of {AREA_ID}: article kursk_note has no claim at "
        "that span now (its text may have changed); not applied"
    )
    assert "line 3" in caplog.text and "orphan" in caplog.text


def test_a_span_that_reads_other_words_orphans_the_review():
    claims = frame(make_claim("a", value=3000, text="3,000"))
    read = review.ReviewFile([review.Review(2, "a:100-105", "reject", {}, quantity_text="5,000")])
    applied = review.apply(claims, read)
    assert applied.claims["review"].tolist() == ["unreviewed"]
    assert applied.orphans["message"].tolist() == [
        "reviews.csv line 2: orphan review of a:100-105: the span now reads '3,000', the review "
        "was made on '5,000'; not applied"
    ]


def test_an_unknown_claim_id_is_named_with_its_line(corpus):
    write_reviews(corpus, {"claim_id": "no_such_article@1-4", "action": "reject"})
    ex = extract_corpus(corpus)
    assert ex.review_log.to_dict("records") == [
        {
            "line": 2,
            "claim_id": "no_such_article@1-4",
            "action": "reject",
            "status": "orphan",
            "message": "reviews.csv line 2: orphan review of no_such_article@1-4: no such claim "
            "in this corpus (unknown id, or the article has gone); not applied",
        }
    ]


# --- malformed files ----------------------------------------------------------------------------


def test_malformed_lines_are_named_and_skipped_while_good_lines_apply(corpus):
    path = corpus / "reviews.csv"
    text = (
        f"{HEADER}\n"
        f"{AREA_ID},flag,,,,,,,,,,,,,,,\n"  # line 2: unknown action
        f'{TROOPS_ID},confirm,,,,,,,,,,,,,"a note\nover two lines",ana,\n'  # lines 3-4: fine
        f"{AREA_ID},correct,,,,,many,,,,,,,,,,\n"  # line 5: not a number
        f"{AREA_ID},correct\n"  # line 6: too few fields
        "\n"  # line 7: blank, ignored
        f"{AREA_ID},correct,,,,,,,,,31/12/2025,,,,,,\n"  # line 8: not ISO
        f"{AREA_ID},correct,,,,,,,,,,,,,,,\n"  # line 9: nothing corrected
        f",reject,,,,,,,,,,,,,,,\n"  # line 10: no id
        f"{AREA_ID},correct,,,north,,,,,,,,,,,,\n"  # line 11: bad side
    )
    path.write_text(text, encoding="utf-8")
    ex = extract_corpus(corpus)
    assert ex.review_log["message"].tolist() == [
        "reviews.csv line 2: action 'flag' is not one of reject, correct, confirm",
        f"reviews.csv line 3: confirmed {TROOPS_ID}",
        "reviews.csv line 5: value_best 'many' is not a number",
        "reviews.csv line 6: 2 fields, the header has 17",
        "reviews.csv line 8: as_of '31/12/2025' is not an ISO date (2025-03-12, 2025-03 or 2025)",
        "reviews.csv line 9: correct names no corrected field",
        "reviews.csv line 10: no claim_id",
        "reviews.csv line 11: side 'north' is not one of UA, RU, KP, unknown",
    ]
    assert ex.claims["review"].tolist() == ["unreviewed", "confirmed"]
    assert path.read_text(encoding="utf-8") == text  # nothing lost, nothing rewritten


def test_a_header_without_claim_id_applies_nothing_and_names_every_line(corpus):
    (corpus / "reviews.csv").write_text(f"id_of_claim,what\n{AREA_ID},reject\n", encoding="utf-8")
    ex = extract_corpus(corpus)
    assert statuses(ex.review_log) == [(1, "malformed"), (2, "malformed")]
    assert ex.review_log["message"][0].startswith(
        "reviews.csv line 1: the header lacks claim_id, action; no review applied"
    )
    assert len(ex.views["territory"]) == 1


def test_bytes_that_are_not_utf8_spoil_only_their_line(corpus):
    good = f"{TROOPS_ID},reject".encode()
    (corpus / "reviews.csv").write_bytes(
        b"claim_id,action\n" + AREA_ID.encode() + b",reject \xff\xfe\n" + good + b"\n"
    )
    ex = extract_corpus(corpus)
    assert ex.review_log["message"].tolist() == [
        "reviews.csv line 2: not UTF-8 text",
        f"reviews.csv line 3: rejected {TROOPS_ID}",
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*'ab,"\n\r-@x\x00é1', "claim_id,action\n"])).map("".join))
def test_any_file_content_is_read_without_raising(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("r") / "reviews.csv"
    path.write_text(content, encoding="utf-8", newline="")
    read = review.read_reviews(path)
    applied = review.apply(frame(make_claim("a")), read)
    assert len(applied.log) == len(read.reviews) + len(read.problems)
    assert all(message.startswith("reviews.csv") for message in applied.log["message"])


# --- library calls ----------------------------------------------------------------------------


def test_library_calls_append_lines_that_the_next_run_applies(corpus):
    ex = extract_corpus(corpus)
    path = review.use_corpus(corpus, ex.claims)
    review.reject(
        AREA_ID, note="counts a district, not the front", reviewer="ana", reviewed_at="T1"
    )
    review.correct(TROOPS_ID, side="UA", in_scope=True, reviewer="ana", reviewed_at="T2")
    review.confirm(TROOPS_ID, reviewer="ana", reviewed_at="T3")
    assert path.read_text(encoding="utf-8") == (
        f"{HEADER}\n"
        f'{AREA_ID},reject,,,,,,,,,,,,500 square kilometres,"counts a district, not the front",ana,T1\n'
        f'{TROOPS_ID},correct,,,UA,,,,,,,,true,"50,000 troops",,ana,T2\n'
        f'{TROOPS_ID},confirm,,,,,,,,,,,,"50,000 troops",,ana,T3\n'
    )
    rerun = extract_corpus(corpus)
    assert rerun.views["territory"].empty
    assert rerun.claims.set_index("claim_id").loc[TROOPS_ID, "review"] == "confirmed"


def test_library_refuses_unknown_ids_and_fields_and_leaves_the_file_alone(corpus):
    review.use_corpus(corpus, extract_corpus(corpus).claims)
    with pytest.raises(review.ReviewError, match="not a claim of this run"):
        review.reject("kursk_note@1-2")
    with pytest.raises(review.ReviewError, match="unknown field"):
        review.correct(AREA_ID, colour="red")
    with pytest.raises(review.ReviewError, match="is not a number"):
        review.correct(AREA_ID, value_best="lots")
    assert not (corpus / "reviews.csv").exists()


def test_library_appends_under_an_existing_header_and_refuses_a_broken_one(corpus):
    path = corpus / "reviews.csv"
    path.write_text("Claim_ID,Action,Note", encoding="utf-8")  # hand-made, no final newline
    review.reject(AREA_ID, note="dup", corpus=corpus, reviewer="", reviewed_at="")
    assert path.read_text(encoding="utf-8") == f"Claim_ID,Action,Note\n{AREA_ID},reject,dup\n"
    with pytest.raises(review.ReviewError, match="no column side"):
        review.correct(AREA_ID, side="RU", corpus=corpus, reviewer="", reviewed_at="")
    path.write_text("what,ever\n1,2\n", encoding="utf-8")
    with pytest.raises(review.ReviewError, match="line 1: the header lacks"):
        review.reject(AREA_ID, corpus=corpus)
    assert path.read_text(encoding="utf-8") == "what,ever\n1,2\n"


def test_the_review_file_is_not_read_as_an_article(corpus):
    write_reviews(corpus, {"claim_id": AREA_ID, "action": "confirm"})
    assert extract_corpus(corpus).ingest["file"].tolist() == ["kursk_note.txt"]


# --- reruns -------------------------------------------------------------------------------------


def test_reruns_with_reviews_write_byte_identical_tables(corpus, tmp_path):
    write_reviews(
        corpus,
        {"claim_id": AREA_ID, "action": "reject", "note": "é, “quoted”"},
        {"claim_id": TROOPS_ID, "action": "correct", "value_low": "40000", "value_high": "60000", "hedge": "range"},
        {"claim_id": "gone@1-2", "action": "confirm"},
    )  # fmt: skip
    first = write_tables(extract_corpus(corpus), tmp_path / "one")
    second = write_tables(extract_corpus(corpus), tmp_path / "two")
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))
    names = {p.name for p in first}
    assert {"review_log.csv", "review_effects.csv"} <= names
    assert "rejected" in (tmp_path / "one" / "claims.csv").read_text(encoding="utf-8")


def test_views_of_claims_without_review_columns_say_unreviewed():
    claims = frame(make_claim("a", category="territory", unit="km2", measure="held", side="UA"))
    view = territory(claims)
    assert (view["review"].tolist(), view["review_line"].tolist()) == (["unreviewed"], [0])
    assert troops(claims).empty and "review" in troops(claims)


def test_the_run_log_lists_orphaned_and_malformed_reviews(corpus, tmp_path, caplog):
    from salient.run import runner

    write_reviews(
        corpus,
        {"claim_id": AREA_ID, "action": "confirm"},
        {"claim_id": "gone@1-2", "action": "reject"},
        {"claim_id": AREA_ID, "action": "maybe"},
    )
    tables = tmp_path / "tables"
    write_tables(extract_corpus(corpus), tables)
    with caplog.at_level("WARNING", logger="salient.run.runner"):
        assert runner.log_review_problems(tables) == 2
    assert [r.getMessage() for r in caplog.records if r.name == "salient.run.runner"] == [
        "review not applied: reviews.csv line 3: orphan review of gone@1-2: no such claim in "
        "this corpus (unknown id, or the article has gone); not applied",
        "review not applied: reviews.csv line 4: action 'maybe' is not one of reject, correct, "
        "confirm",
    ]


# --- claims held back as implausible, end to end ------------------------------------------

# Written for these tests: a third sentence with a count beyond the Kursk theatre's limit.
BOAST = "A blogger claimed that Russia had massed 900,000 troops around Kursk that week.\n"
BOAST_ID = "kursk_note@270-284"


@pytest.fixture
def boast_corpus(corpus: Path) -> Path:
    (corpus / "kursk_note.txt").write_text(NOTE + BOAST, encoding="utf-8")
    return corpus


def test_a_held_back_claim_is_listed_then_drawn_once_confirmed_in_reviews_csv(boast_corpus):
    ex = extract_corpus(boast_corpus)
    flag = "more troops than fought in the whole Kursk theatre (900,000 > 250,000)"
    assert ex.claims.set_index("claim_id").at[BOAST_ID, "plausibility"] == flag
    assert list(ex.views["troops"]["claim_id"]) == [TROOPS_ID]
    look = triage.needs_look(ex.claims, consolidate(ex.claims), ex.articles)
    assert look.loc[look["held_back"], ["claim_id", "plausibility"]].values.tolist() == [
        [BOAST_ID, flag]
    ]
    assert "1 claim is held back as implausible" in review.review_summary(
        ex.claims, ex.review_log, ex.review_effects
    )

    review.use_corpus(boast_corpus, ex.claims)
    review.confirm(BOAST_ID, note="the blogger did say so; shown as his claim")
    ex = extract_corpus(boast_corpus)
    assert list(ex.views["troops"]["claim_id"]) == [TROOPS_ID, BOAST_ID]
    assert BOAST_ID not in set(triage.needs_look(ex.claims, consolidate(ex.claims))["claim_id"])
    assert ex.review_effects[["view", "claim_id", "change"]].values.tolist() == [
        ["troops", BOAST_ID, "added"]
    ]
    summary = review.review_summary(ex.claims, ex.review_log, ex.review_effects)
    assert summary.endswith("No claim is held back as implausible.")


def test_a_correction_is_checked_against_the_theatres_limits_again(boast_corpus):
    write_reviews(boast_corpus, {"claim_id": BOAST_ID, "action": "correct", "value_best": "90000"})
    ex = extract_corpus(boast_corpus)
    assert ex.claims.set_index("claim_id").at[BOAST_ID, "plausibility"] == ""
    assert list(ex.views["troops"]["claim_id"]) == [TROOPS_ID, BOAST_ID]
    # 300,000 is within every army's size but beyond the Kursk theatre's: still held back
    write_reviews(boast_corpus, {"claim_id": BOAST_ID, "action": "correct", "value_best": "300000"})
    ex = extract_corpus(boast_corpus)
    assert ex.claims.set_index("claim_id").at[BOAST_ID, "plausibility"] == (
        "more troops than fought in the whole Kursk theatre (300,000 > 250,000)"
    )
    assert list(ex.views["troops"]["claim_id"]) == [TROOPS_ID]
    assert list(views.held_back(ex.claims)["claim_id"]) == [BOAST_ID]
