"""Unit spellings and factors are data; pint is the authority on every factor."""

import pint
import pytest
from salient.extract.units import noun_after, unit_after, unit_spellings

UREG = pint.UnitRegistry()
CANONICAL = {"km2": "km**2", "km": "km"}


@pytest.mark.parametrize("spelling", sorted(unit_spellings()))
def test_every_factor_agrees_with_pint(spelling):
    entry = unit_spellings()[spelling]
    if entry.unit not in CANONICAL:
        assert entry.factor == 1.0
        return
    expected = UREG.Quantity(1, entry.pint_unit).to(CANONICAL[entry.unit]).magnitude
    assert entry.factor == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "unit", "factor"),
    [
        (" sq km of farmland", "km2", 1.0),
        (" km² held", "km2", 1.0),
        (" square miles (", "km2", 2.589988110336),
        ("-km stretch", "km", 1.0),
        (" kilometres of cable", "km", 1.0),
        ("% of the area", "percent", 1.0),
    ],
)
def test_unit_spellings_after_a_number(text, unit, factor):
    found, _ = unit_after(text)
    assert (found.unit, found.factor) == (unit, factor)


def test_count_nouns_reach_past_adjectives_but_not_other_numbers():
    assert noun_after(" Russian marine troops were")[:2] == ("persons", "troops")
    assert noun_after(" tank companies")[:2] == ("companies", "troops")
    assert noun_after(" of the 12 tanks") is None
