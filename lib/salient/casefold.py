"""Case-folding that keeps character offsets, for fast case-free regex scans.

Alternations under re.IGNORECASE are several times slower than the same pattern on lower-cased
text (shared/notes/extraction-libraries.md §6); offsets must survive so spans still cite the
original text.
"""

from __future__ import annotations


def fold_case(text: str) -> str:
    """`text` lower-cased, same length: letters whose lower case is longer are left as they are.

    >>> fold_case("Sudzha İ")
    'sudzha İ'
    """
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
