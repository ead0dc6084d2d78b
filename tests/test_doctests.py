"""The docstring examples in the parsers are tests too."""

import doctest

import pytest
from salient import casefold, casualties, gazetteer, numbers, plausibility, review


@pytest.mark.parametrize("module", [numbers, casefold, gazetteer, review, casualties, plausibility])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
