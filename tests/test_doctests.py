"""The docstring examples in the parsers are tests too."""

import doctest

import pytest
from salient import casefold, lexicon
from salient.analysis import review
from salient.extract import casualties, gazetteer, numbers, plausibility
from salient.output import interactive, report


@pytest.mark.parametrize(
    "module",
    [numbers, casefold, lexicon, gazetteer, review, casualties, plausibility, report, interactive],
)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
