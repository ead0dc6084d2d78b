"""The docstring examples in the parsers are tests too."""

import doctest

import pytest
from salient import casefold, numbers, review


@pytest.mark.parametrize("module", [numbers, casefold, review])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
