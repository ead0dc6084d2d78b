"""Short prose summaries generated from the analysis frames, so notebook text stays true on reruns.

Nothing here is typed in about a corpus: every number, tactic, source and article in a sentence
comes from the frame passed in, and an empty frame yields a sentence saying so.
"""

from __future__ import annotations

import math
import re

import pandas as pd

NUMBER_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"hundreds?|thousands?|half|third|quarter)\b",
    re.IGNORECASE,
)
"""A digit or a number word: a sentence that carries a quantity."""

DISTANCE_UNITS = ("km", "m")
SIDE_WORDS = {"UA": "Ukrainian", "RU": "Russian", "KP": "North Korean", "unknown": "unattributed"}


def fmt_value(value: float) -> str:
    """4500.0 → "4,500"; 12.5 → "12.5"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _side_breakdown(group: pd.DataFrame) -> str:
    """ "RU 4, unknown 1": mentions per side, largest first, ties by side code."""
    counts = group.groupby("side").size()
    ordered = sorted(counts.index, key=lambda s: (-int(counts[s]), str(s)))
    return ", ".join(f"{s} {int(counts[s])}" for s in ordered)


def drone_summary(
    mentions: pd.DataFrame, quantities: pd.DataFrame, *, top: int = 3, theatre: str | None = None
) -> str:
    """A few sentences on the drone frames: the most-mentioned tactics and the longest distance.

    Example: "Drones are mentioned 7 times in 2 articles. The most-mentioned tactics are fpv
    (4 mentions; RU 3, unknown 1) and fibre_optic (3 mentions; RU 3). The longest distance tied
    to drones is up to 20 km (“up to 20 km”, attributed to the army, article a1 [120:131])."
    """
    if mentions.empty:
        parts = ["No in-scope drone mentions were found."]
    else:
        n_articles = mentions["article_id"].nunique()
        parts = [
            f"Drones are mentioned {_plural(len(mentions), 'time')} in "
            f"{_plural(n_articles, 'article')}."
        ]
        counts = mentions.groupby("tactic").size()
        order = sorted(counts.index, key=lambda t: (-int(counts[t]), str(t)))[:top]
        items = [
            f"{t} ({_plural(int(counts[t]), 'mention')}; "
            f"{_side_breakdown(mentions.loc[mentions['tactic'] == t])})"
            for t in order
        ]
        lead = (
            "The most-mentioned tactic is" if len(items) == 1 else "The most-mentioned tactics are"
        )
        parts.append(f"{lead} {_join_words(items)}.")
    parts.append(_longest_distance_sentence(quantities))
    return _in_theatre(" ".join(parts), theatre)


def _join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _longest_distance_sentence(quantities: pd.DataFrame) -> str:
    """The longest distance in km tied to drones, with its hedge, source and citation."""
    if quantities.empty:
        return "No distance is tied to a drone mention."
    dist = quantities.loc[quantities["unit"] == "km"].copy()
    dist["reach"] = dist["value_high"].fillna(dist["value_best"]).fillna(dist["value_low"])
    dist = dist.loc[dist["reach"].notna()]
    if dist.empty:
        return "No distance is tied to a drone mention."
    dist = dist.sort_values(
        ["reach", "article_id", "char_start"], ascending=[False, True, True], kind="mergesort"
    )
    row = dist.iloc[0]
    source = (
        row["attributed_to"]
        if isinstance(row["attributed_to"], str) and row["attributed_to"]
        else None
    )
    who = f"attributed to {source}" if source else "unattributed"
    terms = row.get("drone_terms", "")
    near = ""
    if isinstance(terms, str) and terms:
        near = "; in a sentence that mentions " + ", ".join(f"“{t}”" for t in terms.split(";"))
    return (
        f"The longest distance tied to drones is {_hedged(row)} km "
        f"(“{row['quantity_text']}”, {who}, article {row['article_id']} "
        f"[{row['char_start']}:{row['char_end']}]{near})."
    )


def _hedged(row: pd.Series) -> str:
    """ "up to 20", "10–15", "about 5", "at least 3" from a claims row."""
    hedge, low, best, high = row["hedge"], row["value_low"], row["value_best"], row["value_high"]
    if hedge == "range" and pd.notna(low) and pd.notna(high):
        return f"{fmt_value(low)}–{fmt_value(high)}"
    if hedge == "at_most":
        return f"up to {fmt_value(high if pd.notna(high) else best)}"
    if hedge == "at_least":
        return f"at least {fmt_value(low if pd.notna(low) else best)}"
    prefix = "about " if hedge == "approx" else ""
    return prefix + fmt_value(best if pd.notna(best) else (high if pd.notna(high) else low))


# ---------------------------------------------------------------------------- quotes

QUOTE_COLUMNS = [
    "tactic",
    "rank",
    "article_id",
    "char_start",
    "char_end",
    "term",
    "side",
    "has_number",
    "n_terms",
    "quote",
    "cite",
]


def top_quotes(mentions: pd.DataFrame, per_tactic: int = 2) -> pd.DataFrame:
    """The most telling sentences per tactic, each cited by article id and the term's span.

    "Telling" is ranked, in order: (1) the sentence carries a quantity (a digit or a number
    word, `NUMBER_RE`); (2) it holds more distinct drone terms (from all tactics) than others;
    (3) it is shorter; then article id and offset break ties. A sentence is quoted at most once
    per tactic (its first mention of that tactic gives the span).
    """
    if mentions.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    m = mentions.copy()
    terms_per_sentence = m.groupby(["article_id", "sentence"])["term"].agg(
        lambda terms: len({t.lower() for t in terms})
    )
    m["n_terms"] = [
        terms_per_sentence[(a, s)] for a, s in zip(m["article_id"], m["sentence"], strict=True)
    ]
    m["has_number"] = m["sentence"].map(lambda s: bool(NUMBER_RE.search(s)))
    m["length"] = m["sentence"].str.len()
    m = m.sort_values(["article_id", "char_start"], kind="mergesort")
    m = m.drop_duplicates(["tactic", "article_id", "sentence"], keep="first")
    m = m.sort_values(
        ["tactic", "has_number", "n_terms", "length", "article_id", "char_start"],
        ascending=[True, False, False, True, True, True],
        kind="mergesort",
    )
    picked = m.groupby("tactic", sort=True).head(per_tactic).copy()
    picked["rank"] = picked.groupby("tactic").cumcount() + 1
    picked["quote"] = picked["sentence"]
    picked["cite"] = [
        f"{a} [{s}:{e}]"
        for a, s, e in zip(
            picked["article_id"], picked["char_start"], picked["char_end"], strict=True
        )
    ]
    return picked[QUOTE_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------- territory, troops


def territory_summary(view: pd.DataFrame, *, side: str = "UA", theatre: str | None = None) -> str:
    """One paragraph: how many area claims per measure, their range in km² and dates.

    Dates are the earliest and latest day the claims can refer to. Example: "3 claims of area
    held by UA, from 400 to 900 km² (dated 2024-08-20 to 2025-03-16), from 2 articles."
    """
    if view.empty:
        return _in_theatre("No in-scope territory claims in km² were found.", theatre)
    parts = []
    for measure in ("held", "gained", "lost"):
        sub = view.loc[(view["measure"] == measure) & view["value_plot"].notna()]
        if measure == "held":
            sub = sub.loc[sub["side"] == side]
        if sub.empty:
            continue
        what = f"area {measure}" + (f" by {side}" if measure == "held" else "")
        lo, hi = sub["value_plot"].min(), sub["value_plot"].max()
        values = (
            f"{fmt_value(lo)} km²" if lo == hi else f"from {fmt_value(lo)} to {fmt_value(hi)} km²"
        )
        span = _date_span(sub)
        parts.append(
            f"{_plural(len(sub), 'claim')} of {what}, {values}{span}, "
            f"from {_plural(sub['article_id'].nunique(), 'article')}."
        )
    return _in_theatre(
        " ".join(parts) if parts else "No territory claim in km² carries a number.", theatre
    )


def _date_span(sub: pd.DataFrame) -> str:
    """ " (dated 2024-08-01 to 2025-03-16)" from the earliest and latest as-of days; "" if none."""
    lo = sub["as_of_earliest"].dropna().astype(str)
    hi = sub["as_of_latest"].dropna().astype(str)
    lo, hi = sorted(d for d in lo if d), sorted(d for d in hi if d)
    if not lo or not hi:
        return ""
    if lo[0] == hi[-1]:
        return f" (as of {lo[0]})"
    return f" (dated {lo[0]} to {hi[-1]})"


def troops_summary(view: pd.DataFrame, *, theatre: str | None = None) -> str:
    """One line per side: number of estimates and their span in persons.

    Example: "RU: 2 estimates, 30,000 to 45,000 persons. UA: 1 estimate, about 8,000 persons."
    """
    if view.empty:
        return _in_theatre("No in-scope force-size claims in persons were found.", theatre)
    lines = []
    for side in ("UA", "RU", "KP", "unknown"):
        sub = view.loc[(view["side"] == side) & view["value_plot"].notna()]
        if sub.empty:
            continue
        lows = sub["value_low"].fillna(sub["value_plot"])
        highs = sub["value_high"].fillna(sub["value_plot"])
        lo, hi = lows.min(), highs.max()
        span = (
            f"{fmt_value(lo)} persons"
            if lo == hi
            else f"{fmt_value(lo)} to {fmt_value(hi)} persons"
        )
        lines.append(f"{side}: {_plural(len(sub), 'estimate')}, {span}.")
    return _in_theatre(
        " ".join(lines) if lines else "No force-size claim carries a number.", theatre
    )


def _in_theatre(text: str, theatre: str | None) -> str:
    """'In Kursk: ' before a summary when the theatre is given, so no reader mistakes its scope."""
    return f"In {theatre}: {text}" if theatre else text


def scope_summary(
    claims: pd.DataFrame, articles: pd.DataFrame, theatre: str, *, top_reasons: int = 3
) -> str:
    """What the analysis covers: the theatre, the articles, and how many claims are in scope.

    Example: "Theatre: Kursk. 5 articles; 15 of 58 claims are about Kursk and in an article's
    body (2 reviewed). The other 43 stay in claims.csv with their scope_reason (boilerplate 27;
    not a military quantity 11; about Crimea 1, 3 more reasons)."
    """
    in_scope = claims["in_scope"].astype(bool) & (claims["section"] == "body")
    if "review" in claims:
        in_scope &= claims["review"] != "rejected"
        reviewed = int((in_scope & (claims["review"] != "unreviewed")).sum())
    else:
        reviewed = 0
    n_in, n_all = int(in_scope.sum()), len(claims)
    text = (
        f"Theatre: {theatre}. {_plural(articles['article_id'].nunique(), 'article')}; "
        f"{n_in} of {_plural(n_all, 'claim')} are about {theatre} and in an article's body"
    )
    text += f" ({reviewed} reviewed)." if reviewed else "."
    if n_all > n_in:
        reasons = claims.loc[~in_scope, "scope_reason"].value_counts()
        top = [f"{reason} {int(n)}" for reason, n in reasons.head(top_reasons).items()]
        more = f", {len(reasons) - top_reasons} more reasons" if len(reasons) > top_reasons else ""
        text += (
            f" The other {n_all - n_in} stay in claims.csv with their scope_reason "
            f"({'; '.join(top)}{more})."
        )
    return text
