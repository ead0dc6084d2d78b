"""The analysis frames the notebooks plot, each derived from the claims (and drone mentions) frame.

Every claim view keeps only in-scope body claims (`in_scope & section == "body"`) that were not
rejected in review and are not held back as implausible (a non-empty `plausibility`, unless a
reviewer confirmed the claim; `held_back` lists those), keeps all claims columns (with the review columns of salient.analysis.review, added
as "unreviewed" when the claims have none), sorts by as_of_earliest, article_id, char_start (missing dates last) and adds:

- `date_mid`: middle day of `as_of_earliest..as_of_latest` (ISO); empty without a date.
- `is_interval`: True when the date is only known to the month/year (`as_of_precision` is not
  day) or was not read from the text or set in review (`as_of_basis` is not
  explicit/context/reviewed); draw an interval.
- `value_plot`: one number to plot: best, else low (at_least), else high (at_most).
- `source_label`: `attributed_to`, else the article's outlet (when `articles` is given), else
  the article_id.
- `cite`: `article_id [char_start:char_end] “quantity_text”`.

`VIEWS` maps the CSV names the CLI writes to functions of `(claims, drone_mentions, articles)`;
`build_views` runs them all. `consolidated` (salient.analysis.consolidate: repeated figures merged
across articles, contradictions flagged) is one of them, so a run consolidates once and every
notebook reads the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from salient.analysis.consolidate import consolidate
from salient.analysis.selection import (
    candidates,
    flagged,
    is_held_back,
    with_review_columns,
)

SORT_KEYS = ["as_of_earliest", "article_id", "char_start"]
EXPLICIT_BASES = ("explicit", "context", "reviewed")
DRONE_CATEGORIES = ("drones", "distance", "equipment")
ATTACKERS = ("RU", "KP")
DEFENDERS = ("UA",)
REFERENCE_COLUMNS = ("date", "area_km2", "source")

ViewFn = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame | None], pd.DataFrame]


# ---------------------------------------------------------------------------- claim views


def scoped(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """In-scope body claims, sorted, with the plotting columns of the module docstring.

    Claims flagged as implausible stay out unless a reviewer confirmed them (see `held_back`)."""
    claims = with_review_columns(claims)
    return _plotted(claims, candidates(claims) & ~flagged(claims), articles)


def held_back(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claims `scoped` leaves out only because they are flagged implausible and no reviewer
    confirmed them, with the same columns and order, so an analyst can see what was held back
    (and confirm a true but surprising figure, which the views then draw, or reject it)."""
    claims = with_review_columns(claims)
    return _plotted(claims, is_held_back(claims), articles)


def _plotted(claims: pd.DataFrame, mask: pd.Series, articles: pd.DataFrame | None) -> pd.DataFrame:
    """The claims under `mask`, sorted by SORT_KEYS, with the plotting columns."""
    out = claims.loc[mask].copy()
    out = out.sort_values(SORT_KEYS, na_position="last", kind="mergesort").reset_index(drop=True)
    out["date_mid"] = _date_mid(out["as_of_earliest"], out["as_of_latest"])
    out["is_interval"] = (out["as_of_precision"] != "day") | ~out["as_of_basis"].isin(
        EXPLICIT_BASES
    )
    out["value_plot"] = out["value_best"].fillna(out["value_low"]).fillna(out["value_high"])
    out["source_label"] = _source_label(out, articles)
    out["cite"] = [
        f"{a} [{s}:{e}] “{q}”"
        for a, s, e, q in zip(
            out["article_id"], out["char_start"], out["char_end"], out["quantity_text"], strict=True
        )
    ]
    return out


def territory(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Territory claims in km² (held, gained or lost)."""
    return _select(claims, articles, category="territory", unit="km2")


def territory_other(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Territory claims in any unit but km²: settlements, percent, ..."""
    return _select(claims, articles, category="territory", unit="km2", unit_in=False)


def troops(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Force sizes in persons."""
    return _select(claims, articles, category="troops", unit="persons")


def formations(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Force sizes counted in formations (brigades, battalions, companies, ...)."""
    return _select(claims, articles, category="troops", unit="persons", unit_in=False)


def casualties(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Casualty claims only; never mixed with force sizes."""
    return _select(claims, articles, category="casualties")


def ratios(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Force ratios as stated in the text (side = the side with the advantage, N as in N:1)."""
    return _select(claims, articles, category="ratio")


def _select(
    claims: pd.DataFrame,
    articles: pd.DataFrame | None,
    *,
    category: str,
    unit: str | None = None,
    unit_in: bool = True,
) -> pd.DataFrame:
    out = scoped(claims, articles)
    keep = out["category"] == category
    if unit is not None:
        keep &= (out["unit"] == unit) if unit_in else (out["unit"] != unit)
    return out.loc[keep].reset_index(drop=True)


def _date_mid(earliest: pd.Series, latest: pd.Series) -> pd.Series:
    """Middle day of each interval as ISO; one known end stands for both."""
    lo = pd.to_datetime(earliest, format="%Y-%m-%d", errors="coerce")
    hi = pd.to_datetime(latest, format="%Y-%m-%d", errors="coerce")
    lo, hi = lo.fillna(hi), hi.fillna(lo)
    mid = lo + pd.to_timedelta(((hi - lo).dt.days // 2), unit="D")
    return mid.dt.strftime("%Y-%m-%d").astype("str")


def _source_label(claims: pd.DataFrame, articles: pd.DataFrame | None) -> pd.Series:
    fallback = claims["article_id"].astype("str")
    if articles is not None and "outlet" in articles:
        outlets = articles.drop_duplicates("article_id").set_index("article_id")["outlet"]
        outlet = claims["article_id"].map(outlets)
        fallback = outlet.where(outlet.notna() & (outlet != ""), fallback)
    attributed = claims["attributed_to"]
    return attributed.where(attributed.notna() & (attributed != ""), fallback).astype("str")


# ---------------------------------------------------------------------------- implied ratios


def implied_ratios(troops_view: pd.DataFrame) -> pd.DataFrame:
    """Attacker:defender ratios implied by force estimates of the same calendar month.

    Pairing rule: only claims whose as-of interval lies inside one calendar month are used (a
    year-level "12,000 in 2024" says nothing about a given month); that month is the window. In a
    window, each side's estimate is the median of its claims' `value_plot`, its low the smallest
    low (else value_plot) and its high the largest high (else value_plot). The attacker is RU plus
    KP (KP added when the window has a KP estimate; a window needs an RU estimate), the defender
    UA. ratio_best = attacker_best / defender_best, ratio_low = attacker_low / defender_high,
    ratio_high = attacker_high / defender_low. Windows without both sides are left out.

    Caveat: an RU figure that already includes the North Korean contingent is double-counted.
    """
    dated = troops_view.loc[troops_view["value_plot"].notna()].copy()
    dated["window"] = _single_month(dated["as_of_earliest"], dated["as_of_latest"])
    dated = dated.loc[dated["window"].notna()]
    rows = [_window_ratio(window, group) for window, group in dated.groupby("window", sort=True)]
    columns = [
        "window",
        "window_start",
        "window_end",
        "attacker_best",
        "attacker_low",
        "attacker_high",
        "defender_best",
        "defender_low",
        "defender_high",
        "ratio_best",
        "ratio_low",
        "ratio_high",
        "includes_kp",
        "n_attacker_claims",
        "n_defender_claims",
        "claim_ids",
    ]
    return pd.DataFrame([r for r in rows if r is not None], columns=columns)


def _single_month(earliest: pd.Series, latest: pd.Series) -> pd.Series:
    """ "YYYY-MM" when both ends fall in the same month, else missing."""
    lo = earliest.astype("str").str[:7]
    hi = latest.astype("str").str[:7]
    same = earliest.notna() & latest.notna() & (lo == hi)
    return lo.where(same)


def _side_estimate(group: pd.DataFrame) -> tuple[float, float, float]:
    """(best, low, high) of one side's claims in a window."""
    points = group["value_plot"]
    return (
        float(points.median()),
        float(group["value_low"].fillna(points).min()),
        float(group["value_high"].fillna(points).max()),
    )


def _window_ratio(window: str, group: pd.DataFrame) -> dict | None:
    ru, kp, ua = (group.loc[group["side"] == s] for s in ("RU", "KP", "UA"))
    if ru.empty or ua.empty:
        return None
    attacker = np.array(_side_estimate(ru))
    if not kp.empty:
        attacker = attacker + np.array(_side_estimate(kp))
    d_best, d_low, d_high = _side_estimate(ua)
    start = pd.Timestamp(f"{window}-01")
    used = pd.concat([ru, kp, ua])
    return {
        "window": window,
        "window_start": start.strftime("%Y-%m-%d"),
        "window_end": (start + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d"),
        "attacker_best": attacker[0],
        "attacker_low": attacker[1],
        "attacker_high": attacker[2],
        "defender_best": d_best,
        "defender_low": d_low,
        "defender_high": d_high,
        "ratio_best": _div(attacker[0], d_best),
        "ratio_low": _div(attacker[1], d_high),
        "ratio_high": _div(attacker[2], d_low),
        "includes_kp": not kp.empty,
        "n_attacker_claims": len(ru) + len(kp),
        "n_defender_claims": len(ua),
        "claim_ids": ";".join(sorted(used["claim_id"])),
    }


def _div(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


# ---------------------------------------------------------------------------- drones


def drones(drone_mentions: pd.DataFrame) -> pd.DataFrame:
    """In-scope body drone mentions, sorted by article and offset, with a `cite` column."""
    mask = drone_mentions["in_scope"].astype(bool) & (drone_mentions["section"] == "body")
    out = drone_mentions.loc[mask].sort_values(["article_id", "char_start"], kind="mergesort")
    out = out.reset_index(drop=True)
    out["cite"] = [
        f"{a} [{s}:{e}] “{t}”"
        for a, s, e, t in zip(
            out["article_id"], out["char_start"], out["char_end"], out["term"], strict=True
        )
    ]
    return out


def drone_quantities(
    claims: pd.DataFrame, drone_mentions: pd.DataFrame, articles: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Drone, distance and equipment claims whose sentence contains a drone mention.

    A mention is in a claim's sentence when it has the same article_id and its char_start lies in
    [sentence_start, sentence_start + len(sentence)). Adds `drone_tactics`, `drone_terms` and
    `drone_mention_ids` (";"-joined, distinct, sorted).
    """
    picked = scoped(claims, articles)
    picked = picked.loc[picked["category"].isin(DRONE_CATEGORIES)].reset_index(drop=True)
    pairs = picked[["claim_id", "article_id", "sentence_start", "sentence"]].merge(
        drone_mentions[["article_id", "mention_id", "tactic", "term", "char_start"]],
        on="article_id",
    )
    end = pairs["sentence_start"] + pairs["sentence"].str.len()
    inside = pairs.loc[
        (pairs["char_start"] >= pairs["sentence_start"]) & (pairs["char_start"] < end)
    ]
    joined = pd.DataFrame(
        {
            "drone_tactics": _joined_per_claim(inside, "tactic"),
            "drone_terms": _joined_per_claim(inside, "term"),
            "drone_mention_ids": _joined_per_claim(inside, "mention_id"),
        }
    )
    out = picked.loc[picked["claim_id"].isin(joined.index)].reset_index(drop=True)
    return out.join(joined, on="claim_id")


def _joined_per_claim(pairs: pd.DataFrame, column: str) -> pd.Series:
    """claim_id → its distinct `column` values, sorted and ";"-joined (one pass over plain
    Python strings: a pandas aggregation per claim cost seconds at 50,000 claims)."""
    values: dict[str, set[str]] = {}
    for claim_id, value in zip(pairs["claim_id"], pairs[column].astype("str"), strict=True):
        values.setdefault(claim_id, set()).add(value)
    ids = sorted(values)
    return pd.Series(
        [";".join(sorted(values[i])) for i in ids], index=pd.Index(ids, dtype="str"), dtype="str"
    )


# ---------------------------------------------------------------------------- registry

VIEWS: dict[str, ViewFn] = {
    "territory": lambda claims, mentions, articles: territory(claims, articles),
    "troops": lambda claims, mentions, articles: troops(claims, articles),
    "casualties": lambda claims, mentions, articles: casualties(claims, articles),
    "ratios": lambda claims, mentions, articles: ratios(claims, articles),
    "drones": lambda claims, mentions, articles: drones(mentions),
    "consolidated": lambda claims, mentions, articles: consolidate(claims),
}
"""CSV name → view of (claims, drone_mentions, articles-or-None)."""


def build_views(
    claims: pd.DataFrame, drone_mentions: pd.DataFrame, articles: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Every view in `VIEWS`, keyed by CSV name."""
    return {name: fn(claims, drone_mentions, articles) for name, fn in VIEWS.items()}


# ---------------------------------------------------------------------------- reference


def read_reference(path: str | Path) -> pd.DataFrame:
    """An analyst's reference area series (`date,area_km2,source`), checked and sorted by date.

    Raises ValueError naming the file and the column that is missing or holds a bad value.
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as err:
        raise ValueError(
            f"{path}: empty file; expected columns {', '.join(REFERENCE_COLUMNS)}"
        ) from err
    missing = [c for c in REFERENCE_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(REFERENCE_COLUMNS)}, found {', '.join(raw.columns)}"
        )
    dates = pd.to_datetime(raw["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    _reject(path, "date", raw["date"], dates.isna(), "an ISO day (YYYY-MM-DD)")
    area = pd.to_numeric(raw["area_km2"].str.strip(), errors="coerce")
    _reject(path, "area_km2", raw["area_km2"], area.isna(), "a number")
    out = raw.assign(date=dates.dt.strftime("%Y-%m-%d").astype("str"), area_km2=area.astype(float))
    return out.sort_values("date", kind="mergesort").reset_index(drop=True)


def _reject(path: str | Path, column: str, raw: pd.Series, bad: pd.Series, expected: str) -> None:
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(
            f"{path}: column {column!r}, data row {row + 1}: {raw.iloc[row]!r} is not {expected}"
        )


def deviation_from_reference(territory_view: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Each claim against the reference area at its `date_mid`.

    The reference is interpolated linearly between its dates (several rows on one date are
    averaged) and not extrapolated: outside its date range, `reference_km2` is NaN. Adds
    `reference_km2`, `deviation_km2` (value_best − reference) and `deviation_pct` (percent of
    the reference).
    """
    if "date_mid" not in territory_view:
        raise ValueError("deviation_from_reference expects the frame returned by territory(claims)")
    ref = reference.assign(day=_day_number(reference["date"])).dropna(subset=["day", "area_km2"])
    ref = ref.groupby("day", sort=True)["area_km2"].mean()
    days = _day_number(territory_view["date_mid"])
    out = territory_view.copy()
    if ref.empty:
        out["reference_km2"] = np.nan
    else:
        interp = np.interp(days.fillna(0), ref.index, ref.to_numpy(), left=np.nan, right=np.nan)
        out["reference_km2"] = np.where(days.isna(), np.nan, interp)
    out["deviation_km2"] = out["value_best"] - out["reference_km2"]
    ref_km2 = out["reference_km2"].where(out["reference_km2"] != 0)
    out["deviation_pct"] = 100 * out["deviation_km2"] / ref_km2
    return out


def _day_number(iso: pd.Series) -> pd.Series:
    """Days since 1970-01-01 as floats; NaN for missing or unreadable dates."""
    stamps = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    return (stamps - pd.Timestamp("1970-01-01")).dt.days.astype(float)
