"""Number expressions: each phrasing in our own words, values and spans asserted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from salient.extract.numbers import find_numbers


@pytest.mark.parametrize(
    ("text", "quantity", "low", "best", "high", "hedge"),
    [
        ("a unit of 4,500 men", "4,500", 4500, 4500, 4500, "exact"),
        ("roughly 2.5 km away", "2.5", 2.5, 2.5, 2.5, "approx"),
        ("some eleven thousand sailors", "eleven thousand", 11000, 11000, 11000, "approx"),
        ("three hundred and twelve cars", "three hundred and twelve", 312, 312, 312, "exact"),
        ("from 3,000 to 4,000 recruits", "3,000 to 4,000", 3000, None, 4000, "range"),
        ("between 40,000 and 45,000 men", "40,000 and 45,000", 40000, None, 45000, "range"),
        (
            "between forty and fifty thousand men",
            "forty and fifty thousand",
            40000,
            None,
            50000,
            "range",
        ),
        ("patrols of 3-4 vehicles", "3-4", 3, None, 4, "range"),
        ("a 6–8 km push", "6–8", 6, None, 8, "range"),
        ("up to 900 shells", "900", None, 900, 900, "at_most"),
        ("as many as 30 tanks", "30", None, 30, 30, "at_most"),
        ("more than 700 strikes", "700", 700, 700, None, "at_least"),
        ("outgunned four to one", "four to one", 4, 4, 4, "exact"),
        ("a 3:1 edge", "3:1", 3, 3, 3, "exact"),
        ("a three-fold rise", "three-fold", 3, 3, 3, "exact"),
        ("two-thirds of the ground", "two-thirds", 66.7, 66.7, 66.7, "exact"),
        ("three dozen boats", "three dozen", 36, 36, 36, "exact"),
        ("hundreds of trucks", "hundreds", 200, None, 999, "vague"),
        ("several hundred sappers", "several hundred", 300, None, 999, "vague"),
        ("tens of thousands of conscripts", "tens of thousands", 20000, None, 99999, "vague"),
        ("a few thousand marines", "a few thousand", 2000, None, 5000, "vague"),
        ("a €2bn grant", "€2bn", 2e9, 2e9, 2e9, "exact"),
    ],
)
def test_each_phrasing(text, quantity, low, best, high, hedge):
    (number,) = find_numbers(text)
    assert number.text == quantity
    assert text[number.start : number.end] == quantity
    assert (number.low, number.best, number.high, number.hedge) == (low, best, high, hedge)


def test_model_names_are_not_numbers():
    assert find_numbers("an Su-25 and a T-90 tank") == []


@given(st.text(max_size=300))
def test_any_text_never_raises_and_spans_point_at_numbers(text):
    for number in find_numbers(text):
        assert text[number.start : number.end] == number.text
        assert number.text.strip()
