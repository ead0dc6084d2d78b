"""The theatre named by the notebooks' `theatre` parameter appears in scope lines and summaries."""

from __future__ import annotations

from salient.analysis import summary, views

from tests.factories import frame, make_claim


def articles(*ids: str):
    import pandas as pd

    return pd.DataFrame({"article_id": list(ids)})


def test_scope_summary_names_the_theatre_and_counts_what_is_left_out():
    claims = frame(
        make_claim("a", start=100),
        make_claim("a", start=200),
        make_claim("b", start=300, in_scope=False, section="boilerplate"),
    )
    claims["scope_reason"] = ["theatre named", "theatre named", "boilerplate"]
    assert summary.scope_summary(claims, articles("a", "b"), "Kursk") == (
        "Theatre: Kursk. 2 articles; 2 of 3 claims are about Kursk and in an article's body. "
        "The other 1 stay in claims.csv with their scope_reason (boilerplate 1)."
    )


def test_scope_summary_counts_reviews_and_leaves_rejected_claims_out():
    claims = frame(make_claim("a", start=100), make_claim("a", start=200))
    claims = views.with_review_columns(claims)
    claims["review"] = ["confirmed", "rejected"]
    claims["scope_reason"] = ["theatre named", "rejected in review (reviews.csv line 2)"]
    assert summary.scope_summary(claims, articles("a"), "Donbas") == (
        "Theatre: Donbas. 1 article; 1 of 2 claims are about Donbas and in an article's body "
        "(1 reviewed). The other 1 stay in claims.csv with their scope_reason "
        "(rejected in review (reviews.csv line 2) 1)."
    )


def test_summaries_say_which_theatre_they_are_about():
    troops = views.troops(frame(make_claim("a", side="RU", value=5000)))
    assert summary.troops_summary(troops, theatre="Donbas") == (
        "In Donbas: RU: 1 estimate, 5,000 persons."
    )
    assert summary.troops_summary(troops) == "RU: 1 estimate, 5,000 persons."
    assert summary.territory_summary(troops.iloc[:0], theatre="Donbas") == (
        "In Donbas: No in-scope territory claims in km² were found."
    )
