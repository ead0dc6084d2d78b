"""Cross-article merging and contradiction flags, on small hand-made claims frames."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import frame, make_claim
from hypothesis import given
from hypothesis import strategies as st
from salient.analysis.consolidate import (
    CONSOLIDATED,
    MAX_NOTED_CONFLICTS,
    _accepts,
    _candidate,
    _Group,
    consolidate,
    dates_compatible,
    group_id,
    same_values,
    value_interval,
)
from salient.schemas import CLAIMS  # noqa: F401


def test_helper_builds_valid_claims():
    df = frame(make_claim(), make_claim("a2", hedge="at_least", value=5, low=5))
    assert len(df) == 2


def test_same_claim_in_two_articles_becomes_one_group_with_hedge_compatibility():
    out = consolidate(
        frame(
            make_claim("a1", value=10_000, hedge="approx", attributed_to="Kyiv"),
            make_claim("a2", value=10_000, hedge="exact", attributed_to="analysts"),
        )
    )
    assert len(out) == 1
    row = out.iloc[0]
    assert row["n_articles"] == 2
    assert row["n_claims"] == 2
    assert row["article_ids"] == "a1;a2"
    assert row["sources"] == "Kyiv;analysts"
    assert row["hedge"] == "approx"
    assert row["claim_ids"] == "a1:100-106;a2:100-106"
    assert row["group_id"] == group_id(["a2:100-106", "a1:100-106"])
    assert "2 claims in 2 articles agree" in row["note"]
    assert "hedges differ" in row["note"]


def test_group_id_is_sha1_prefix_of_sorted_ids():
    assert group_id(["b", "a"]) == group_id(["a", "b"])
    assert group_id(["a", "b"]).startswith("g-")
    assert len(group_id(["a"])) == 12


def test_values_within_rel_tol_merge_and_outside_do_not():
    near = consolidate(frame(make_claim("a1", value=1000), make_claim("a2", value=1019)))
    far = consolidate(frame(make_claim("a1", value=1000), make_claim("a2", value=1030)))
    assert len(near) == 1
    assert near.iloc[0]["value_low"] == 1000
    assert near.iloc[0]["value_high"] == 1019
    assert near.iloc[0]["value_best"] == pytest.approx(1009.5)
    assert len(far) == 2


def test_rel_tol_is_a_parameter():
    rows = frame(make_claim("a1", value=1000), make_claim("a2", value=1030))
    assert len(consolidate(rows, rel_tol=0.05)) == 1


def test_complete_linkage_does_not_chain():
    rows = frame(
        make_claim("a1", value=1000, start=1),
        make_claim("a2", value=1015, start=2),
        make_claim("a3", value=1030, start=3),
    )
    out = consolidate(rows)
    assert sorted(out["n_claims"]) == [1, 2]


def test_different_key_fields_never_merge():
    base = {"value": 500}
    rows = frame(
        make_claim("a1", **base),
        make_claim("a2", side="UA", **base),
        make_claim("a3", unit="km2", category="territory", measure="held", **base),
        make_claim("a4", unit="km2", category="territory", measure="lost", **base),
    )
    assert len(consolidate(rows)) == 4


def test_ranges_merge_only_when_both_ends_agree():
    rows = frame(
        make_claim("a1", hedge="range", value=8000, low=7000, high=9000),
        make_claim("a2", hedge="range", value=8000, low=7000, high=9000),
        make_claim("a3", hedge="range", value=8500, low=7000, high=10_000),
    )
    out = consolidate(rows)
    assert sorted(out["n_claims"]) == [1, 2]


def test_at_least_is_not_the_same_claim_as_exact():
    rows = frame(
        make_claim("a1", hedge="at_least", value=5000, low=5000),
        make_claim("a2", hedge="exact", value=5000),
    )
    assert len(consolidate(rows)) == 2


def test_vague_claims_merge_on_nulls():
    rows = frame(
        make_claim("a1", hedge="vague", value=None, category="drones", unit="drones"),
        make_claim("a2", hedge="vague", value=None, category="drones", unit="drones"),
    )
    out = consolidate(rows)
    assert len(out) == 1
    assert pd.isna(out.iloc[0]["value_best"])


def test_disjoint_as_of_intervals_keep_claims_apart():
    rows = frame(
        make_claim("a1", as_of="2024-08-12"),
        make_claim("a2", as_of="2024-11-20"),
    )
    assert len(consolidate(rows)) == 2


def test_month_claim_merges_with_a_day_inside_it_and_takes_the_day():
    rows = frame(
        make_claim(
            "a1", as_of="2024-11", precision="month", earliest="2024-11-01", latest="2024-11-30"
        ),
        make_claim("a2", as_of="2024-11-20"),
    )
    out = consolidate(rows)
    assert len(out) == 1
    assert out.iloc[0]["as_of"] == "2024-11-20"
    assert out.iloc[0]["as_of_precision"] == "day"
    assert out.iloc[0]["as_of_earliest"] == "2024-11-20"


def test_missing_as_of_is_compatible():
    rows = frame(make_claim("a1", as_of=None), make_claim("a2", as_of="2024-11-20"))
    out = consolidate(rows)
    assert len(out) == 1
    assert out.iloc[0]["as_of"] == "2024-11-20"


def test_out_of_scope_and_non_body_claims_are_dropped():
    rows = frame(
        make_claim("a1", in_scope=False),
        make_claim("a2", section="title"),
        make_claim("a3", section="boilerplate"),
        make_claim("a4"),
    )
    out = consolidate(rows)
    assert out["article_ids"].tolist() == ["a4"]


def test_conflicting_held_territory_is_flagged_both_ways():
    kw = {"category": "territory", "measure": "held", "side": "UA", "unit": "km2"}
    rows = frame(
        make_claim("a1", value=1000, hedge="approx", **kw),
        make_claim("a2", value=400, hedge="approx", **kw),
    )
    out = consolidate(rows).set_index("value_best")
    assert out["contradiction"].tolist() == [True, True]
    assert out.loc[400.0, "contradicts"] == out.loc[1000.0, "group_id"]
    assert out.loc[1000.0, "contradicts"] == out.loc[400.0, "group_id"]
    assert "about 400 km2" in out.loc[1000.0, "note"]


def test_approx_tolerance_makes_near_estimates_compatible():
    kw = {"category": "territory", "measure": "held", "side": "UA", "unit": "km2"}
    rows = frame(
        make_claim("a1", value=1000, hedge="approx", **kw),
        make_claim("a2", value=1150, hedge="approx", **kw),
    )
    out = consolidate(rows)
    assert len(out) == 2
    assert not out["contradiction"].any()


def test_exact_values_beyond_rel_tol_contradict():
    rows = frame(make_claim("a1", value=1000), make_claim("a2", value=1100))
    out = consolidate(rows)
    assert out["contradiction"].tolist() == [True, True]


def test_bounds_contradict_only_when_they_exclude_the_other():
    rows = frame(
        make_claim("a1", hedge="at_least", value=60_000, low=60_000, high=None),
        make_claim("a2", hedge="at_most", value=50_000, low=None, high=50_000, start=7),
        make_claim("a3", hedge="approx", value=65_000, start=9),
    )
    out = consolidate(rows).set_index("hedge")
    ids = out["group_id"]

    def conflicts(hedge):
        return set(out.loc[hedge, "contradicts"].split(";"))

    # [60000, inf) and about 65,000 overlap; [0, 50000] excludes both.
    assert conflicts("at_least") == {ids["at_most"]}
    assert conflicts("approx") == {ids["at_most"]}
    assert conflicts("at_most") == {ids["at_least"], ids["approx"]}


def test_changes_never_contradict_holdings_or_each_other():
    kw = {"category": "territory", "side": "UA", "unit": "km2"}
    rows = frame(
        make_claim("a1", value=1000, measure="held", **kw),
        make_claim("a2", value=200, measure="lost", **kw),
        make_claim("a3", value=50, measure="lost", **kw),
    )
    assert not consolidate(rows)["contradiction"].any()


def test_claims_without_dates_do_not_contradict():
    rows = frame(make_claim("a1", value=1000, as_of=None), make_claim("a2", value=5000))
    assert not consolidate(rows)["contradiction"].any()


def test_casualties_are_not_stocks_by_default_but_can_be():
    kw = {"category": "casualties", "side": "RU"}
    rows = frame(make_claim("a1", value=15_000, **kw), make_claim("a2", value=38_000, **kw))
    assert not consolidate(rows)["contradiction"].any()
    flagged = consolidate(rows, stocks=[("casualties", None)])
    assert flagged["contradiction"].all()


def test_value_interval_rules():
    def rec(hedge, low=None, best=None, high=None):
        return {"hedge": hedge, "value_low": low, "value_best": best, "value_high": high}

    assert value_interval(rec("approx", 100, 100, 100)) == pytest.approx((90, 110))
    assert value_interval(rec("exact", 100, 100, 100), 0.02) == pytest.approx((98, 102))
    assert value_interval(rec("at_least", 5, 5)) == (5, float("inf"))
    assert value_interval(rec("at_most", None, 5, 5)) == (0.0, 5)
    assert value_interval(rec("range", 7, 8, 9)) == (7, 9)
    assert value_interval(rec("vague")) == (float("-inf"), float("inf"))


def test_same_values_treats_null_as_equal_only_to_null():
    a = {"hedge": "range", "value_low": 1.0, "value_best": None, "value_high": 2.0}
    b = {"hedge": "range", "value_low": 1.0, "value_best": 1.5, "value_high": 2.0}
    assert same_values(a, dict(a))
    assert not same_values(a, b)


def test_output_is_sorted_and_deterministic():
    rows = [
        make_claim("a3", category="troops", side="UA", value=2000, start=5),
        make_claim("a1", category="casualties", side="RU", value=300, start=6),
        make_claim("a2", category="troops", side="RU", value=50_000, as_of="2024-08-01", start=7),
        make_claim("a4", category="troops", side="RU", value=40_000, as_of="2024-08-01", start=8),
        make_claim("a5", category="troops", side="RU", value=1, as_of=None, start=9),
    ]
    out = consolidate(frame(*rows))
    again = consolidate(frame(*reversed(rows)))
    pd.testing.assert_frame_equal(out, again)
    assert list(zip(out["category"], out["side"], out["value_best"], strict=True)) == [
        ("casualties", "RU", 300),
        ("troops", "RU", 40_000),
        ("troops", "RU", 50_000),
        ("troops", "RU", 1),
        ("troops", "UA", 2000),
    ]


def test_empty_input_gives_empty_valid_frame():
    out = consolidate(frame())
    assert out.empty
    assert list(out.columns) == list(CONSOLIDATED.columns)


def test_claims_read_back_from_csv_consolidate(tmp_path):
    path = tmp_path / "claims.csv"
    frame(make_claim("a1", as_of=None), make_claim("a2", as_of=None)).to_csv(path, index=False)
    out = consolidate(pd.read_csv(path))
    assert out["n_articles"].tolist() == [2]
    assert out["sources"].tolist() == [""]


HEDGE_CHOICES = ["exact", "approx", "range", "at_least", "at_most", "vague"]


@st.composite
def claim_records(draw) -> dict:
    """A claim as consolidate's records hold it: values (some null), a hedge, an as-of span."""
    value = st.one_of(st.none(), st.sampled_from([0.0, 98.0, 99.0, 100.0, 101.0, 103.0, -5.0]))
    start = draw(st.integers(1, 9))
    span = draw(st.one_of(st.none(), st.tuples(st.just(start), st.integers(start, 9))))
    return {
        "hedge": draw(st.sampled_from(HEDGE_CHOICES)),
        "value_low": draw(value),
        "value_best": draw(value),
        "value_high": draw(value),
        "as_of_earliest": f"2025-03-0{span[0]}" if span else None,
        "as_of_latest": f"2025-03-0{span[1]}" if span else None,
    }


@given(st.lists(claim_records(), min_size=1, max_size=6), claim_records())
def test_group_bounds_accept_exactly_what_every_member_accepts(members, candidate):
    group = _Group()
    for member in members:
        group.add(member)
    every_member = all(
        same_values(m, candidate) and dates_compatible(m, candidate) for m in members
    )
    assert _accepts(group, _candidate(candidate), 0.02) == every_member


def test_a_note_names_at_most_five_conflicts_and_counts_the_rest():
    claims = frame(
        *[make_claim(f"a{i}", value=1_000 * (i + 1), start=100) for i in range(8)],
    )
    notes = consolidate(claims)["note"]
    assert notes.str.count("conflicts with").max() == MAX_NOTED_CONFLICTS
    assert notes.str.contains("and 2 more (see contradicts)", regex=False).sum() == 8
