"""Score predicted claims against a hand-made gold CSV.

Usage:
    python evaluation/score.py CORPUS_DIR GOLD_CSV [--claims CLAIMS_CSV] [--theatre Kursk] [--json]
        [--ignore-measure]

Without --claims the corpus is extracted with `salient.run.pipeline.extract_corpus`. The report goes to
stdout; the exit status is 0 whatever the scores (this is a measurement, not a gate).

Rules (the "Suggested scoring" of the devset README; see evaluation/README.md):

- Predictions are the in-scope body claims (`in_scope & section == "body"`). Everything is per
  article; values are compared within the gold row's unit family (`UNIT_FAMILIES`; a unit not
  listed is its own family), within `TOLERANCE` (1.5 %) of the gold value.
- Value rule by gold hedge: exact/approx → the prediction's best (else low, else high) is within
  1.5 %; range → its low and its high are each within 1.5 % of the gold ends; at_least → its low
  (else best) is within 1.5 % of the gold low; at_most → its high (else best) of the gold high;
  vague → the prediction has no value at all.
- Side: the gold side, empty read as "unknown". For territory the gold side is the holder and a
  trailing " [lost]" in `orig` means the holder lost the ground. A predicted gain by one side is a
  loss by the other (UA ↔ RU; KP counts as RU), so "RU gained 1,100 km2" matches "UA 1,100 [lost]".
  With `check_measure=False` (`--ignore-measure`) only the sides are compared.
- Recall: a gold row with in_scope 1 is found when a compatible prediction (same article, category,
  side, family, value) is matched to it; each prediction matches at most one gold row, and the
  matching is a maximum one-to-one matching (so the order of rows cannot lose a match) that
  prefers the prediction whose sentence the row's `orig` quotes, then the closest value. Reported
  for the scored categories (territory, troops, casualties) and for all categories.
- Precision (scored categories): a prediction is a true positive when it is compatible with any
  gold row of in_scope 1 or 2 (a prediction with no value may match a vague row). Repeating one
  gold figure twice is therefore not a false positive.
- Leaks: a gold row with in_scope 0 leaks when a prediction of its article has its value, in its
  category and unit family (any category for an `other` row; side is not compared), and cannot
  be read as a wanted row (compatible with a row of in_scope 1 or 2).
- On matched pairs: as-of accuracy (`as_of` strings equal, both empty counting as equal) and
  attribution accuracy (see `same_source`).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SCORED = ("territory", "troops", "casualties")
TOLERANCE = 0.015
LOST_MARKER = " [lost]"
UNIT_FAMILIES = {
    "tanks": "vehicles",
    "vehicles": "vehicles",
    "armoured vehicles": "vehicles",
    "armored vehicles": "vehicles",
}
"""Units scored as one family; every other unit is its own family."""
OPPONENT = {"UA": "RU", "RU": "UA", "KP": "UA"}
STOPWORDS = frozenset({"the", "of", "a", "an", "s", "and", "for", "in", "on", "to", "at", "its"})
GOLD_COLUMNS = (
    "article_id",
    "category",
    "side",
    "value_low",
    "value_high",
    "unit",
    "hedge",
    "as_of",
    "attributed_to",
    "in_scope",
    "orig",
)
PRED_COLUMNS = (
    "claim_id",
    "article_id",
    "category",
    "measure",
    "side",
    "value_low",
    "value_best",
    "value_high",
    "unit",
    "hedge",
    "quantity_text",
    "as_of",
    "attributed_to",
    "in_scope",
    "section",
    "sentence",
)


@dataclass
class ScoreReport:
    """Scores of one prediction against one gold file. Rates are NaN when undefined."""

    recall_scored: float
    precision_scored: float
    recall_all: float
    leaks: int
    per_category: pd.DataFrame
    misses: pd.DataFrame
    false_positives: pd.DataFrame
    as_of_accuracy: float
    attribution_accuracy: float
    counts: dict[str, int] = field(default_factory=dict)
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    leak_rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dict(self) -> dict:
        """JSON-ready summary with the tables as lists of records."""

        def records(df: pd.DataFrame) -> list[dict]:
            return json.loads(df.to_json(orient="records"))

        return {
            "recall_scored": _json_float(self.recall_scored),
            "precision_scored": _json_float(self.precision_scored),
            "recall_all": _json_float(self.recall_all),
            "leaks": self.leaks,
            "as_of_accuracy": _json_float(self.as_of_accuracy),
            "attribution_accuracy": _json_float(self.attribution_accuracy),
            "counts": self.counts,
            "per_category": records(self.per_category),
            "misses": records(self.misses),
            "false_positives": records(self.false_positives),
            "leak_rows": records(self.leak_rows),
        }


# ---------------------------------------------------------------------------- loading


def read_gold(path: str | Path) -> pd.DataFrame:
    """The gold CSV, checked for its columns, with normalised types and a `lost` flag."""
    gold = pd.read_csv(path, dtype={"value_low": float, "value_high": float}, keep_default_na=True)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"{path}: missing gold column(s) {', '.join(missing)}")
    return prepare_gold(gold)


def prepare_gold(gold: pd.DataFrame) -> pd.DataFrame:
    """Typed gold rows: text columns with "" for missing, in_scope int, `lost` from the marker."""
    out = gold.copy()
    for col in (
        "article_id",
        "category",
        "side",
        "unit",
        "hedge",
        "as_of",
        "attributed_to",
        "orig",
    ):
        out[col] = out[col].astype("str").fillna("")
    out["side"] = out["side"].replace("", "unknown")
    out["in_scope"] = out["in_scope"].astype(int)
    out["lost"] = out["orig"].str.endswith(LOST_MARKER)
    out["orig"] = out["orig"].str.removesuffix(LOST_MARKER)
    for col in ("value_low", "value_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out.reset_index(drop=True)


def prepare_pred(pred: pd.DataFrame) -> pd.DataFrame:
    """In-scope body claims with text columns filled ("" for missing) and booleans parsed."""
    missing = [c for c in PRED_COLUMNS if c not in pred.columns]
    if missing:
        raise ValueError(f"predicted claims lack column(s) {', '.join(missing)}")
    out = pred.copy()
    out["in_scope"] = _as_bool(out["in_scope"])
    out = out.loc[out["in_scope"] & (out["section"] == "body")]
    for col in ("measure", "side", "unit", "hedge", "as_of", "attributed_to", "quantity_text"):
        out[col] = out[col].astype("str").fillna("")
    for col in ("value_low", "value_best", "value_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out.reset_index(drop=True)


def _as_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype("str").str.strip().str.lower().isin(("true", "1", "yes"))


# ---------------------------------------------------------------------------- matching rules


def family(unit: str) -> str:
    """Unit family: tanks and vehicles are one; any other unit is its own."""
    return UNIT_FAMILIES.get(unit, unit)


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _close(pred: float | None, gold: float, tol: float) -> bool:
    return pred is not None and abs(pred - gold) <= tol * abs(gold) + 1e-9


def values_match(gold: dict, pred: dict, tol: float = TOLERANCE) -> bool:
    """The value rule of the module docstring, by gold hedge.

    Example: gold range 7000–9000 matches a prediction with low 7050 and high 9100 (both within
    1.5 %), not one with best 8000 only.
    """
    g_low, g_high = _num(gold["value_low"]), _num(gold["value_high"])
    p_low, p_best, p_high = (_num(pred[c]) for c in ("value_low", "value_best", "value_high"))
    hedge = gold["hedge"]
    if hedge == "vague" or (g_low is None and g_high is None):
        # Salient keeps a documented low/high for vague counts but never a best value.
        return pred.get("hedge") == "vague" or (p_low is None and p_best is None and p_high is None)
    if hedge == "range" and g_low is not None and g_high is not None:
        return _close(p_low, g_low, tol) and _close(p_high, g_high, tol)
    if hedge == "at_least":
        bound = g_low if g_low is not None else g_high
        return _close(p_low if p_low is not None else p_best, bound, tol)
    if hedge == "at_most":
        bound = g_high if g_high is not None else g_low
        return _close(p_high if p_high is not None else p_best, bound, tol)
    value = g_low if g_low is not None else g_high
    point = next((v for v in (p_best, p_low, p_high) if v is not None), None)
    return _close(point, value, tol)


def _territory_side(side: str) -> str:
    return "RU" if side == "KP" else side


def side_forms(pred: dict) -> set[tuple[str, bool]]:
    """(side, lost) readings of a prediction: territory gains by one side are losses by the other.

    Example: territory RU gained → {("RU", False), ("UA", True)}; troops UA → {("UA", False)}.
    """
    side, measure = pred["side"], pred["measure"]
    if pred["category"] != "territory":
        return {(side, False)}
    forms = {(_territory_side(side), measure == "lost")}
    if measure in ("gained", "lost") and side in OPPONENT:
        forms.add((_territory_side(OPPONENT[side]), measure == "gained"))
    return forms


def sides_match(gold: dict, pred: dict, *, check_measure: bool = True) -> bool:
    """Right side (and, for territory, right direction unless check_measure is False)."""
    if gold["category"] != "territory":
        return gold["side"] == pred["side"]
    forms = side_forms(pred)
    wanted = (_territory_side(gold["side"]), bool(gold["lost"]))
    if check_measure:
        return wanted in forms
    return any(side == wanted[0] for side, _ in forms)


def compatible(gold: dict, pred: dict, *, check_measure: bool = True) -> bool:
    """Same article, category, side, unit family and value: a prediction may stand for the row."""
    return (
        gold["article_id"] == pred["article_id"]
        and gold["category"] == pred["category"]
        and family(gold["unit"]) == family(pred["unit"])
        and sides_match(gold, pred, check_measure=check_measure)
        and values_match(gold, pred)
    )


def same_source(gold: str, pred: str) -> bool:
    """Attribution agreement: both empty, or they share a word.

    Words are lowercase letters/digits, ignoring a few function words (`STOPWORDS`), so
    "Russia's Defence Ministry" agrees with "Russian defence ministry" (defence, ministry) but
    "Russia" does not agree with "Russian officials". It is lenient: "Ukrainian officers" agrees
    with "Ukrainian analysts".
    """
    g, p = _tokens(gold), _tokens(pred)
    if not g or not p:
        return not g and not p
    return bool(g & p)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", (text or "").lower())) - STOPWORDS


# ---------------------------------------------------------------------------- scoring


def score(pred: pd.DataFrame, gold: pd.DataFrame, *, check_measure: bool = True) -> ScoreReport:
    """Score a claims frame against gold rows (as in gold.csv, or already prepared)."""
    gold = gold if "lost" in gold.columns else prepare_gold(gold)
    pred = prepare_pred(pred)
    preds = pred.to_dict("records")
    golds = gold.to_dict("records")
    by_article: dict[str, list[int]] = {}
    for j, p in enumerate(preds):
        by_article.setdefault(p["article_id"], []).append(j)

    def candidates(i: int) -> list[int]:
        g = golds[i]
        found = [
            j
            for j in by_article.get(g["article_id"], [])
            if compatible(g, preds[j], check_measure=check_measure)
        ]
        return sorted(found, key=lambda j: (not _quotes_orig(g, preds[j]), _error(g, preds[j]), j))

    required = [i for i, g in enumerate(golds) if g["in_scope"] == 1]
    pairs = _max_matching({i: candidates(i) for i in required})
    tp = [
        any(
            g["in_scope"] in (1, 2) and compatible(g, p, check_measure=check_measure)
            for g in golds
            if g["article_id"] == p["article_id"]
        )
        for p in preds
    ]
    leak_rows = _leaks(gold, pred)
    matches = _matches_frame(gold, pred, pairs)
    per_category = _per_category(gold, pred, pairs, tp)
    counts = _counts(gold, pred, pairs, tp)
    return ScoreReport(
        recall_scored=_rate(counts["found_scored"], counts["gold_scored"]),
        precision_scored=_rate(counts["true_pos_scored"], counts["pred_scored"]),
        recall_all=_rate(counts["found_all"], counts["gold_all"]),
        leaks=int(leak_rows["gold_row"].nunique()) if not leak_rows.empty else 0,
        per_category=per_category,
        misses=_misses(gold, pred, pairs, required),
        false_positives=_false_positives(pred, tp),
        as_of_accuracy=_mean(matches["as_of_ok"]) if not matches.empty else math.nan,
        attribution_accuracy=_mean(matches["source_ok"]) if not matches.empty else math.nan,
        counts=counts,
        matches=matches,
        leak_rows=leak_rows,
    )


def _error(gold: dict, pred: dict) -> float:
    """How far a compatible prediction is from the gold value (to prefer the closest)."""
    g = _num(gold["value_low"]) if _num(gold["value_low"]) is not None else _num(gold["value_high"])
    values = [_num(pred[c]) for c in ("value_best", "value_low", "value_high")]
    p = next((v for v in values if v is not None), None)
    if g is None or p is None:
        return 0.0
    return abs(p - g) / max(abs(g), 1e-9)


_NOTE = re.compile(r"\s*(?:\([^()]*\)|\[(?:lost|gained)\])\s*$")


def _plain(text: str) -> str:
    """Lower case, commas dropped, whitespace collapsed: how `orig` quotes the text."""
    return " ".join(str(text).replace(",", "").lower().split())


def _quotes_orig(gold: dict, pred: dict) -> bool:
    """The prediction's sentence holds a fragment of the gold row's `orig` (annotator notes and
    markers stripped, `...` elisions split). A figure an article repeats (a headline, a lead and
    the body) is then aligned with the sentence the gold row quotes, so as-of and attribution
    are compared on the right pair rather than on whichever repeat comes first."""
    orig = str(gold.get("orig", ""))
    for _ in range(3):
        orig = _NOTE.sub("", orig)
    fragments = [f.strip() for f in re.split(r"\.\.\.|…", _plain(orig)) if len(f.strip()) >= 4]
    sentence = _plain(pred.get("sentence", ""))
    return bool(fragments) and any(f in sentence for f in fragments)


def _max_matching(candidates: dict[int, list[int]]) -> dict[int, int]:
    """Maximum one-to-one matching gold → prediction (augmenting paths; rows are few per article).

    Candidates are tried closest first, so among maximum matchings the closest pairs win.
    """
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in sorted(candidates):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _leaks(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Gold in_scope=0 rows with a same-article prediction of their value, in their category and
    family (in any category for an `other` row), that cannot be read as a wanted row (one with
    in_scope 1 or 2): "37 drones over Kursk" is not a leak of "37 drones over Voronezh"."""
    rows = []
    preds = pred.to_dict("records")
    wanted = gold.loc[gold["in_scope"] > 0].to_dict("records")
    for i, g in gold.loc[gold["in_scope"] == 0].iterrows():
        for p in preds:
            if p["article_id"] != g["article_id"] or not values_match(g, p):
                continue
            kind_ok = g["category"] == "other" or (
                p["category"] == g["category"] and family(p["unit"]) == family(g["unit"])
            )
            readable = any(w["article_id"] == p["article_id"] and compatible(w, p) for w in wanted)
            if kind_ok and not readable:
                rows.append(_pair_row(i, g, p))
    return pd.DataFrame(rows, columns=_PAIR_COLUMNS)


_PAIR_COLUMNS = [
    "gold_row",
    "article_id",
    "category",
    "gold_side",
    "gold_value_low",
    "gold_value_high",
    "unit",
    "orig",
    "claim_id",
    "pred_side",
    "pred_measure",
    "pred_value_best",
    "quantity_text",
    "gold_as_of",
    "pred_as_of",
    "gold_attributed_to",
    "pred_attributed_to",
]


def _pair_row(i: int, g: dict, p: dict) -> dict:
    return {
        "gold_row": i,
        "article_id": g["article_id"],
        "category": g["category"],
        "gold_side": g["side"],
        "gold_value_low": g["value_low"],
        "gold_value_high": g["value_high"],
        "unit": g["unit"],
        "orig": g["orig"],
        "claim_id": p["claim_id"],
        "pred_side": p["side"],
        "pred_measure": p["measure"],
        "pred_value_best": p["value_best"],
        "quantity_text": p["quantity_text"],
        "gold_as_of": g["as_of"],
        "pred_as_of": p["as_of"],
        "gold_attributed_to": g["attributed_to"],
        "pred_attributed_to": p["attributed_to"],
    }


def _matches_frame(gold: pd.DataFrame, pred: pd.DataFrame, pairs: dict[int, int]) -> pd.DataFrame:
    rows = [_pair_row(i, gold.loc[i], pred.loc[j]) for i, j in sorted(pairs.items())]
    out = pd.DataFrame(rows, columns=_PAIR_COLUMNS)
    out["as_of_ok"] = out["gold_as_of"] == out["pred_as_of"]
    out["source_ok"] = [
        same_source(g, p)
        for g, p in zip(out["gold_attributed_to"], out["pred_attributed_to"], strict=True)
    ]
    return out


def _per_category(
    gold: pd.DataFrame, pred: pd.DataFrame, pairs: dict[int, int], tp: list[bool]
) -> pd.DataFrame:
    required = gold.loc[gold["in_scope"] == 1]
    found = gold.loc[list(pairs)]
    pred_tp = pred.assign(tp=tp)
    categories = sorted(set(required["category"]) | set(pred["category"]))
    rows = []
    for cat in categories:
        n_gold = int((required["category"] == cat).sum())
        n_found = int((found["category"] == cat).sum())
        cat_pred = pred_tp.loc[pred_tp["category"] == cat]
        n_tp = int(cat_pred["tp"].sum())
        rows.append(
            {
                "category": cat,
                "scored": cat in SCORED,
                "gold": n_gold,
                "found": n_found,
                "recall": _rate(n_found, n_gold),
                "predicted": len(cat_pred),
                "true_pos": n_tp,
                "false_pos": len(cat_pred) - n_tp,
                "precision": _rate(n_tp, len(cat_pred)),
            }
        )
    columns = [
        "category",
        "scored",
        "gold",
        "found",
        "recall",
        "predicted",
        "true_pos",
        "false_pos",
        "precision",
    ]
    return pd.DataFrame(rows, columns=columns)


def _counts(
    gold: pd.DataFrame, pred: pd.DataFrame, pairs: dict[int, int], tp: list[bool]
) -> dict[str, int]:
    required = gold.loc[gold["in_scope"] == 1]
    found = gold.loc[list(pairs)]
    scored_pred = pred["category"].isin(SCORED).to_numpy()
    return {
        "gold_scored": int(required["category"].isin(SCORED).sum()),
        "found_scored": int(found["category"].isin(SCORED).sum()),
        "gold_all": len(required),
        "found_all": len(found),
        "pred_scored": int(scored_pred.sum()),
        "true_pos_scored": int(sum(t for t, s in zip(tp, scored_pred, strict=True) if s)),
        "pred_all": len(pred),
        "matched_pairs": len(pairs),
    }


def _misses(
    gold: pd.DataFrame, pred: pd.DataFrame, pairs: dict[int, int], required: list[int]
) -> pd.DataFrame:
    """Unfound in_scope=1 gold rows, each with the closest prediction of its article/category."""
    missed = gold.loc[[i for i in required if i not in pairs]].copy()
    nearest = [_nearest(g, pred) for g in missed.to_dict("records")]
    missed["nearest_quantity_text"] = [n.get("quantity_text", "") for n in nearest]
    missed["nearest_side"] = [n.get("side", "") for n in nearest]
    missed["nearest_value_best"] = [n.get("value_best", math.nan) for n in nearest]
    return missed.reset_index(names="gold_row")


def _nearest(g: dict, pred: pd.DataFrame) -> dict:
    same = pred.loc[(pred["article_id"] == g["article_id"]) & (pred["category"] == g["category"])]
    if same.empty:
        return {}
    errors = [_error(g, p) for p in same.to_dict("records")]
    return same.iloc[min(range(len(errors)), key=errors.__getitem__)].to_dict()


def _false_positives(pred: pd.DataFrame, tp: list[bool]) -> pd.DataFrame:
    keep = pred["category"].isin(SCORED).to_numpy() & ~pd.Series(tp, dtype=bool).to_numpy()
    columns = [
        c for c in PRED_COLUMNS if c not in ("as_of", "attributed_to", "in_scope", "section")
    ]
    return pred.loc[keep, columns].reset_index(drop=True)


def _rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else math.nan


def _mean(values: Iterable[bool]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else math.nan


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


# ---------------------------------------------------------------------------- report


def format_report(report: ScoreReport, *, mismatches: bool = False) -> str:
    """A readable plain-text report: headline rates, per-category table, misses, false positives;
    with `mismatches`, also every matched pair whose as-of or attribution disagrees with the gold."""
    c = report.counts
    scored = ", ".join(SCORED)
    lines = [
        f"Scored categories ({scored})",
        f"  recall     {_ratio(c['found_scored'], c['gold_scored'])}",
        f"  precision  {_ratio(c['true_pos_scored'], c['pred_scored'])}",
        "All categories",
        f"  recall     {_ratio(c['found_all'], c['gold_all'])}",
        f"Leaks (gold in_scope=0 rows matched by an in-scope claim): {report.leaks}",
        f"On {c['matched_pairs']} matched pairs: as-of accuracy {_pct(report.as_of_accuracy)}, "
        f"attribution accuracy {_pct(report.attribution_accuracy)}",
        "",
        "Per category",
        report.per_category.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
        "",
        f"Missed gold rows ({len(report.misses)})",
    ]
    for m in report.misses.to_dict("records"):
        near = f" | nearest: “{m['nearest_quantity_text']}”" if m["nearest_quantity_text"] else ""
        lines.append(
            f"  {m['article_id']}  {m['category']} {m['side']} {_gold_value(m)} {m['unit']} "
            f"({m['hedge']}{', lost' if m['lost'] else ''})  “{m['orig']}”{near}"
        )
    lines += ["", f"False positives, scored categories ({len(report.false_positives)})"]
    for f in report.false_positives.to_dict("records"):
        lines.append(
            f"  {f['claim_id']}  {f['category']} {f['side']} {f['measure'] or '-'} "
            f"“{f['quantity_text']}” in: {_short(f['sentence'])}"
        )
    if not report.leak_rows.empty:
        lines += ["", f"Leaks ({report.leaks})"]
        for r in report.leak_rows.to_dict("records"):
            lines.append(f"  {r['article_id']}  gold “{r['orig']}” ← {r['claim_id']}")
    if mismatches:
        lines += _mismatch_lines(report.matches)
    return "\n".join(lines)


def _mismatch_lines(matches: pd.DataFrame) -> list[str]:
    """Matched pairs whose as-of or attribution disagrees with the gold, one line each."""
    if matches.empty:
        return []
    lines = []
    for label, ok, gold_col, pred_col in (
        ("As-of", "as_of_ok", "gold_as_of", "pred_as_of"),
        ("Attribution", "source_ok", "gold_attributed_to", "pred_attributed_to"),
    ):
        wrong = matches.loc[~matches[ok]].to_dict("records")
        lines += ["", f"{label} mismatches on matched pairs ({len(wrong)})"]
        for r in wrong:
            lines.append(
                f"  {r['claim_id']}  gold “{r[gold_col]}” predicted “{r[pred_col]}”  "
                f"({r['category']}: {_short(r['orig'], 80)})"
            )
    return lines


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator} = {_pct(_rate(numerator, denominator))}"


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f} %"


def _gold_value(row: dict) -> str:
    low, high = _num(row["value_low"]), _num(row["value_high"])
    if low is None and high is None:
        return "(no value)"
    if low is not None and high is not None and low != high:
        return f"{low:g}–{high:g}"
    return f"{low if low is not None else high:g}"


def _short(text: str, width: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------- CLI


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score extracted claims against a gold CSV.")
    parser.add_argument("corpus", help="corpus folder (extracted unless --claims is given)")
    parser.add_argument("gold", help="gold CSV (columns as in the devset README)")
    parser.add_argument("--claims", help="score this claims.csv instead of extracting the corpus")
    parser.add_argument("--theatre", default=None, help="theatre for extraction (default: Kursk)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--mismatches",
        action="store_true",
        help="also list matched pairs whose as-of or attribution disagrees with the gold",
    )
    parser.add_argument(
        "--ignore-measure",
        action="store_true",
        help="do not require territory held/lost direction to match the gold [lost] marker",
    )
    return parser.parse_args(argv)


def _predicted_claims(args: argparse.Namespace) -> pd.DataFrame:
    if args.claims:
        return pd.read_csv(args.claims)
    from salient.run.pipeline import extract_corpus

    kwargs = {"theatre": args.theatre} if args.theatre else {}
    return extract_corpus(args.corpus, **kwargs).claims


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    report = score(
        _predicted_claims(args), read_gold(args.gold), check_measure=not args.ignore_measure
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, mismatches=args.mismatches))
    return 0


if __name__ == "__main__":
    sys.exit(main())
