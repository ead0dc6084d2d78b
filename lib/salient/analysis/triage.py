"""Which claims most need an analyst's look, first: the review notebook's worklist.

Reasons, with their weight in the ranking (a claim's priority is the sum of its reasons'):

- `contradiction` (4): its consolidated estimate cannot hold together with another of the same
  stock and date (salient.analysis.consolidate);
- `implausible` (3): a bound below zero, low above high, or a value beyond the limits of
  data/plausibility.csv for its category, unit and side (salient.extract.plausibility) (an extraction slip: a year read as a count, a unit read wrong);
- `outlier` (2): reported by a single article and more than `OUTLIER_FACTOR` times above or below
  the median of the other claims of its category, measure, side and unit (at least two others);
- `unknown_side` (1): the side could not be decided;
- `dated_by_publication` (1): no date in the text; the claim is placed at its article's
  publication date, which may not be when it held;
- `undated` (1): no date at all; the charts cannot place it.

Only claims the views draw (in scope, body, not rejected) that nobody reviewed yet are listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salient.analysis.views import scoped
from salient.extract import plausibility

WEIGHTS = {
    "contradiction": 4,
    "implausible": 3,
    "outlier": 2,
    "unknown_side": 1,
    "dated_by_publication": 1,
    "undated": 1,
}
OUTLIER_FACTOR = 3.0
COLUMNS = [
    "claim_id",
    "priority",
    "reasons",
    "category",
    "measure",
    "side",
    "value_low",
    "value_best",
    "value_high",
    "unit",
    "hedge",
    "as_of",
    "source_label",
    "quantity_text",
    "sentence",
]


def needs_look(
    claims: pd.DataFrame,
    consolidated: pd.DataFrame | None = None,
    articles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Unreviewed drawn claims with at least one reason, highest priority first (COLUMNS)."""
    view = scoped(claims, articles)
    view = view.loc[view["review"] == "unreviewed"].reset_index(drop=True)
    flags = pd.DataFrame(
        {
            "contradiction": view["claim_id"].isin(_contradicted(consolidated)),
            "implausible": _implausible(view),
            "outlier": _outlier(view, consolidated),
            "unknown_side": view["side"] == "unknown",
            "dated_by_publication": view["as_of_basis"] == "published",
            "undated": view["as_of_basis"] == "unknown",
        }
    )
    view["priority"] = sum(flags[name].astype(int) * weight for name, weight in WEIGHTS.items())
    view["reasons"] = [
        ", ".join(name for name, flagged in zip(WEIGHTS, row, strict=True) if flagged)
        for row in flags[list(WEIGHTS)].itertuples(index=False)
    ]
    picked = view.loc[view["priority"] > 0, COLUMNS]
    order = picked.sort_values("priority", ascending=False, kind="mergesort")
    return order.reset_index(drop=True)


def _contradicted(consolidated: pd.DataFrame | None) -> set[str]:
    if consolidated is None or consolidated.empty:
        return set()
    flagged = consolidated.loc[consolidated["contradiction"].astype(bool), "claim_ids"]
    return {claim_id for ids in flagged for claim_id in str(ids).split(";")}


def _implausible(view: pd.DataFrame) -> pd.Series:
    low, high = view["value_low"], view["value_high"]
    values = view[["value_low", "value_best", "value_high"]]
    bad = (values < 0).any(axis=1) | (low > high)
    beyond = [
        bool(plausibility.implausible("*", c, u, side, (lo, best, hi)))
        for c, u, side, lo, best, hi in zip(
            view["category"], view["unit"], view["side"], low, view["value_best"], high, strict=True
        )
    ]
    return bad | pd.Series(beyond, index=view.index, dtype=bool)


def _outlier(view: pd.DataFrame, consolidated: pd.DataFrame | None) -> pd.Series:
    """Single-article claims far from the median of the other claims of the same stock."""
    single = _single_article(view, consolidated)
    flags = pd.Series(False, index=view.index)
    for _, group in view.groupby(["category", "measure", "side", "unit"], sort=False):
        values = group["value_plot"].dropna()
        if len(values) < 3:  # a claim needs at least two others to be an outlier
            continue
        medians = pd.Series(medians_of_others(values.to_numpy(dtype=float)), index=values.index)
        ratio = np.maximum(values / medians, medians / values)
        far = (values > 0) & (medians > 0) & (ratio > OUTLIER_FACTOR)
        flags[far.index] = far & single[far.index]
    return flags


def medians_of_others(values: np.ndarray) -> np.ndarray:
    """For each value, the median of all the other values: one sort, not one median per value,
    so a stock reported by thousands of articles costs n log n.

    >>> medians_of_others(np.array([1.0, 2.0, 3.0, 10.0])).tolist()
    [3.0, 3.0, 2.0, 2.0]
    """
    order = np.argsort(values, kind="mergesort")
    ranked = values[order]
    others = len(values) - 1
    low, high = (others - 1) // 2, others // 2  # middle positions among the others
    positions = np.arange(len(values))
    # Removing the value at sorted position k shifts every later position down by one.
    below = np.where(low < positions, ranked[low], ranked[np.minimum(low + 1, others)])
    above = np.where(high < positions, ranked[high], ranked[np.minimum(high + 1, others)])
    result = np.empty(len(values))
    result[order] = (below + above) / 2
    return result


def _single_article(view: pd.DataFrame, consolidated: pd.DataFrame | None) -> pd.Series:
    """True for claims whose consolidated group has one article (or with no consolidation)."""
    if consolidated is None or consolidated.empty:
        return pd.Series(True, index=view.index)
    repeated = consolidated.loc[consolidated["n_articles"] > 1, "claim_ids"]
    ids = {claim_id for group in repeated for claim_id in str(group).split(";")}
    return ~view["claim_id"].isin(ids)
