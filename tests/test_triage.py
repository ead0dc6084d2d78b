"""salient.analysis.triage: the claims that most need a look, highest priority first."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from salient.analysis import triage
from salient.analysis.consolidate import consolidate
from salient.analysis.views import with_review_columns

from tests.factories import frame, make_claim


def test_each_reason_is_found_and_ranked():
    claims = frame(
        # two troop counts of the same side and day that cannot both hold: a contradiction
        make_claim("a", value=10_000, start=100),
        make_claim("b", value=50_000, start=100),
        # a count no army reaches: implausible (and far from the others: an outlier)
        make_claim("c", value=90_000_000, start=100, as_of="2024-12-01"),
        make_claim("d", side="unknown", value=12_000, start=100, as_of="2024-10-01"),
        make_claim("e", value=11_000, start=100, as_of="2024-09-01", basis="published"),
        make_claim("f", value=10_500, start=100, as_of=None),
        make_claim("g", value=10_000, start=100, as_of="2024-08-01"),  # nothing to say
    )
    look = triage.needs_look(claims, consolidate(claims))
    # 50,000 is also over 3 times the median (10,500) of the other Russian counts: an outlier.
    # Equal priorities keep the views' order (by as-of date).
    assert look[["claim_id", "priority", "reasons"]].values.tolist() == [
        ["b:100-106", 6, "contradiction, outlier"],
        ["c:100-110", 5, "implausible, outlier"],
        ["a:100-106", 4, "contradiction"],
        ["e:100-106", 1, "dated_by_publication"],
        ["d:100-106", 1, "unknown_side"],
        ["f:100-106", 1, "undated"],
    ]


def test_reviewed_claims_are_not_listed_again():
    claims = with_review_columns(frame(make_claim("a", side="unknown")))
    assert len(triage.needs_look(claims)) == 1
    claims["review"] = "confirmed"
    assert triage.needs_look(claims).empty


@given(st.lists(st.integers(min_value=-50, max_value=50), min_size=2, max_size=40))
def test_medians_of_others_equal_the_median_without_each_value(values):
    array = np.array(values, dtype=float)
    expected = [np.median(np.delete(array, i)) for i in range(len(array))]
    assert triage.medians_of_others(array).tolist() == expected


def test_outliers_of_a_large_stock_are_found_in_linear_time():
    rows = [make_claim(f"a{i:04d}", side="RU", value=10_000 + i) for i in range(3_000)]
    rows.append(make_claim("far", side="RU", value=90_000))
    look = triage.needs_look(with_review_columns(frame(*rows)))
    outliers = look.loc[look["reasons"].str.contains("outlier"), "claim_id"]
    assert [claim_id.split(":")[0] for claim_id in outliers] == ["far"]
