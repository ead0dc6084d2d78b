"""salient.analysis.triage: the claims that most need a look, highest priority first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from salient.analysis import review, triage, views
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


# --- claims held back as implausible --------------------------------------------------------

TOO_MANY = "more troops than fought in the whole Kursk theatre (900,000 > 250,000)"
TOO_LARGE = "more ground than the theatre's whole area (46,000 > 29,997)"


def held_back_case(category: str) -> tuple[pd.DataFrame, str]:
    """Two drawn claims of a stock and one claim of it held back as implausible (its id)."""
    if category == "troops":
        rows = [
            make_claim("a", value=10_000, as_of="2024-11-01"),
            make_claim("b", value=12_000, as_of="2024-11-15"),
            make_claim("c", value=900_000, as_of="2024-11-20", plausibility=TOO_MANY),
        ]
    else:
        area = {"category": "territory", "measure": "held", "side": "UA", "unit": "km2"}
        rows = [
            make_claim("a", value=1_100, as_of="2024-11-01", **area),
            make_claim("b", value=1_000, as_of="2024-11-15", **area),
            make_claim("c", value=46_000, as_of="2024-11-20", plausibility=TOO_LARGE, **area),
        ]
    claims = with_review_columns(frame(*rows))
    return claims, claims["claim_id"].iloc[2]


def reviewed(claims: pd.DataFrame, claim_id: str, action: str) -> pd.DataFrame:
    """The claims after one line of reviews.csv, applied as a run applies it."""
    line = review.Review(line=2, claim_id=claim_id, action=action, changes={})
    return review.apply(claims, review.ReviewFile(reviews=[line])).claims


def test_an_implausible_claim_is_listed_with_the_limit_it_exceeds():
    claims, held_id = held_back_case("troops")
    look = triage.needs_look(claims, consolidate(claims))
    # held back from the figures, yet on the worklist: implausible (3) and 75 times the median
    # of the two drawn counts (2)
    assert held_id not in set(views.troops(claims)["claim_id"])
    assert look[["claim_id", "priority", "reasons", "plausibility", "held_back"]].to_dict(
        "records"
    ) == [
        {
            "claim_id": held_id,
            "priority": 5,
            "reasons": "implausible, outlier",
            "plausibility": TOO_MANY,
            "held_back": True,
        }
    ]
    assert list(views.held_back(claims)["claim_id"]) == [held_id]


@pytest.mark.parametrize(
    ("category", "view"), [("troops", views.troops), ("territory", views.territory)]
)
def test_confirming_an_implausible_claim_draws_it_and_takes_it_off_the_list(category, view):
    claims, held_id = held_back_case(category)
    before = list(view(claims)["claim_id"])
    confirmed = reviewed(claims, held_id, "confirm")
    assert list(view(confirmed)["claim_id"]) == [*before, held_id]
    assert triage.needs_look(confirmed, consolidate(confirmed)).empty
    assert views.held_back(confirmed).empty
    # the flag stays on the claim: the table still says why it was held back
    assert (
        confirmed.set_index("claim_id").at[held_id, "plausibility"]
        == claims["plausibility"].iloc[2]
    )


def test_rejecting_an_implausible_claim_takes_it_off_the_list_and_out_of_the_views():
    claims, held_id = held_back_case("territory")
    rejected = reviewed(claims, held_id, "reject")
    assert triage.needs_look(rejected, consolidate(rejected)).empty
    assert views.held_back(rejected).empty
    assert held_id not in set(views.territory(rejected)["claim_id"])


def test_held_back_claims_leave_the_drawn_claims_ranking_unchanged():
    drawn = [
        make_claim("a", value=10_000, start=100),
        make_claim("b", value=50_000, start=100),
        make_claim("d", side="unknown", value=12_000, start=100, as_of="2024-10-01"),
        make_claim("e", value=11_000, start=100, as_of="2024-09-01", basis="published"),
        make_claim("f", value=10_500, start=100, as_of=None),
        make_claim("g", value=10_000, start=100, as_of="2024-08-01"),
    ]
    # held back: on the days of drawn claims, of the same stock, far above them all, and one
    # undated (sorted among the drawn undated claims)
    held = [
        make_claim("h", value=900_000, start=100, plausibility=TOO_MANY),
        make_claim("i", value=2_000_000, start=100, as_of="2024-08-01", plausibility=TOO_MANY),
        make_claim("j", value=400_000, start=100, as_of=None, plausibility=TOO_MANY),
    ]
    alone, both = frame(*drawn), frame(*drawn, *held)
    before = triage.needs_look(alone, consolidate(alone))
    after = triage.needs_look(both, consolidate(both))
    assert after.loc[~after["held_back"]].reset_index(drop=True).equals(before)
    # g (10,000 on the day i says 2,000,000) is not contradicted: held-back claims take no part
    # in consolidation. Equal priorities keep the views' order (by as-of date, undated last).
    assert after[["claim_id", "priority", "reasons"]].values.tolist() == [
        ["b:100-106", 6, "contradiction, outlier"],
        ["j:100-107", 6, "implausible, outlier, undated"],
        ["i:100-109", 5, "implausible, outlier"],
        ["h:100-107", 5, "implausible, outlier"],
        ["a:100-106", 4, "contradiction"],
        ["e:100-106", 1, "dated_by_publication"],
        ["d:100-106", 1, "unknown_side"],
        ["f:100-106", 1, "undated"],
    ]
