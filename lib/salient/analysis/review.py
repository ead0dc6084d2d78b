"""The analysts' review loop: `reviews.csv` in the corpus folder, applied after extraction.

An extractor is never right on every article, so analysts correct it once and every rerun
respects the correction. Each line of `reviews.csv` (schema `REVIEWS`) names a claim by its
stable id (`article@start-end`) and an action:

- **reject**: the claim stays in claims.csv marked `review = rejected` with `in_scope` False,
  so it leaves every view, figure and consolidated estimate;
- **correct**: the claim takes the non-empty corrected fields (category, measure, side, values,
  unit, hedge, as_of, attributed_to, in_scope; '-' clears a text field or the date);
  `review_changes` says what changed;
- **confirm**: the claim is marked `review = confirmed`, nothing else changes; a claim held back
  as implausible (its `plausibility` names the limit it exceeds) is then drawn in the views.

A correction that changes a claim's category, side, unit or values has its `plausibility`
checked again against data/plausibility.csv (for the run's theatre), so a claim corrected within
the limits is drawn and one corrected beyond them stays held back, with the new reason.

Rules that keep reviews trustworthy:

- The later of two lines about one claim wins; the earlier is logged as superseded.
- A review applies only to the very span it was made on. A claim id that is no longer present
  (the article's text changed, or the article left the corpus), or whose span now reads other
  words than the recorded `quantity_text`, makes the review an **orphan**: listed in the log and
  the report, never applied to another span.
- A malformed file or line (bad header, wrong field count, unknown action, a value that is not a
  number, ...) gets a message naming the line. Nothing here raises on bad input, and the file is
  only ever appended to (by `reject`, `correct` and `confirm`), so no review is lost.

`apply_reviews` is what the pipeline calls; `review_effects` compares the views with and without
the reviews ("how the figures changed").
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import getpass
import io
import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from salient.analysis.selection import is_held_back, with_review_columns
from salient.extract import plausibility
from salient.ingest.corpus import REVIEWS_NAME, parse_iso_date
from salient.model import CATEGORIES, HEDGES, MEASURES, SIDES
from salient.schemas import REVIEW_EFFECTS, REVIEW_LOG, REVIEWED_CLAIMS, REVIEWS

log = logging.getLogger(__name__)

ACTIONS = ("reject", "correct", "confirm")
STATE_OF_ACTION = {"reject": "rejected", "correct": "corrected", "confirm": "confirmed"}
FILE_COLUMNS = tuple(REVIEWS.columns)
REQUIRED_COLUMNS = ("claim_id", "action")
OPTIONAL_COLUMNS = ("quantity_text", "reviewer", "reviewed_at")
"""Left out when a hand-made file's header lacks them; any other field needs its column."""
COLUMN_ALIASES = {"attribution": "attributed_to", "id": "claim_id"}
CLEAR = "-"
"""Written in a text field or as_of, clears it (an empty cell keeps the extracted value)."""
VALUE_FIELDS = ("value_low", "value_best", "value_high")
PLAUSIBILITY_FIELDS = ("category", "side", "unit", *VALUE_FIELDS)
"""Corrected fields that make the claim's plausibility be checked again."""
ANY_THEATRE = "*"
"""Theatre for `apply` when none is given: only the limits every theatre shares are checked."""
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n"})


class ReviewError(ValueError):
    """A review the library refuses to write (unknown claim, bad field, unreadable file)."""


@dataclass(frozen=True)
class Review:
    """One well-formed line of reviews.csv."""

    line: int
    claim_id: str
    action: str
    changes: dict[str, object]  # claims column → new value (as_of expands to its four columns)
    quantity_text: str = ""
    note: str = ""
    reviewer: str = ""
    reviewed_at: str = ""


@dataclass
class ReviewFile:
    """What reading reviews.csv gave: the well-formed reviews and a log row per problem."""

    reviews: list[Review] = field(default_factory=list)
    problems: list[dict[str, object]] = field(default_factory=list)


# ---------------------------------------------------------------------------- reading


def read_reviews(path: str | Path) -> ReviewFile:
    """Parse reviews.csv; a missing file is no reviews. Never raises for the file's content.

    The csv module reads record by record, so one bad line is reported (with its line number)
    and skipped while the others still apply; pandas would reject the whole file.
    """
    path = Path(path)
    result = ReviewFile()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return result
    except OSError as error:
        result.problems.append(_problem(0, "", "", f"{path.name}: cannot be read: {error}"))
        return result
    text = raw.decode("utf-8-sig", errors="replace")
    records = _records(text, path.name, result)
    header = next(records, None)
    if header is None:
        return result
    columns = _header_columns(header[1], path.name, result)
    if columns is None:
        for line, cells in records:
            result.problems.append(
                _problem(
                    line,
                    _cell(cells, 0),
                    "",
                    f"{path.name} line {line}: not applied, the header is unusable",
                )
            )
        return result
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        review = _parse_record(line, cells, columns, path.name, result)
        if review is not None:
            result.reviews.append(review)
    return result


def _records(text: str, name: str, result: ReviewFile) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) per CSV record; unparseable records are logged and skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.problems.append(_problem(line, "", "", f"{name} line {line}: not CSV ({error})"))
            line = reader.line_num + 1
            continue
        if cells and "\ufffd" in "".join(cells):
            result.problems.append(
                _problem(line, _cell(cells, 0), "", f"{name} line {line}: not UTF-8 text")
            )
        else:
            yield line, cells
        line = reader.line_num + 1


def _header_columns(cells: list[str], name: str, result: ReviewFile) -> list[str] | None:
    """Normalized column names, or None (with a logged problem) when claim_id/action lack."""
    columns = [COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        message = (
            f"{name} line 1: the header lacks {', '.join(missing)}; no review applied "
            f"(expected columns: {', '.join(FILE_COLUMNS)})"
        )
        result.problems.append(_problem(1, "", "", message))
        return None
    unknown = [c for c in columns if c not in FILE_COLUMNS]
    if unknown:
        log.warning("%s line 1: unknown column(s) %s ignored", name, ", ".join(unknown))
    return columns


def _parse_record(
    line: int, cells: list[str], columns: list[str], name: str, result: ReviewFile
) -> Review | None:
    """One record → a Review, or None with a logged problem saying what is wrong."""
    claim_id = _cell(cells, columns.index("claim_id")).strip()
    action_raw = _cell(cells, columns.index("action")).strip()
    where = f"{name} line {line}"
    if len(cells) != len(columns):
        return _bad(
            result,
            line,
            claim_id,
            action_raw,
            f"{where}: {len(cells)} fields, the header has {len(columns)}",
        )
    row = {column: cell.strip() for column, cell in zip(columns, cells, strict=True)}
    if not claim_id:
        return _bad(result, line, claim_id, action_raw, f"{where}: no claim_id")
    action = action_raw.lower()
    if action not in ACTIONS:
        return _bad(
            result,
            line,
            claim_id,
            action_raw,
            f"{where}: action {action_raw!r} is not one of {', '.join(ACTIONS)}",
        )
    try:
        changes = parse_changes(row) if action == "correct" else {}
    except ValueError as error:
        return _bad(result, line, claim_id, action_raw, f"{where}: {error}")
    if action == "correct" and not changes:
        return _bad(
            result, line, claim_id, action_raw, f"{where}: correct names no corrected field"
        )
    return Review(
        line=line,
        claim_id=claim_id,
        action=action,
        changes=changes,
        quantity_text=row.get("quantity_text", ""),
        note=row.get("note", ""),
        reviewer=row.get("reviewer", ""),
        reviewed_at=row.get("reviewed_at", ""),
    )


def parse_changes(row: dict[str, str]) -> dict[str, object]:
    """The corrected fields of one line as claims-column values. Raises ValueError naming a field.

    >>> parse_changes({"side": "ru", "value_best": "1,200"})
    {'side': 'RU', 'value_best': 1200.0}
    """
    changes: dict[str, object] = {}
    for column, parse in FIELD_PARSERS.items():
        text = row.get(column, "")
        if text:
            changes |= parse(column, text)
    return changes


def _vocabulary(words: tuple[str, ...], *, upper: bool = False) -> Callable[[str, str], dict]:
    def parse(column: str, text: str) -> dict[str, object]:
        value = text.upper() if upper and text.lower() != "unknown" else text.lower()
        if column == "measure" and text == CLEAR:
            value = ""
        if value not in words:
            shown = ", ".join(w or "'-'" for w in words)
            raise ValueError(f"{column} {text!r} is not one of {shown}")
        return {column: value}

    return parse


def _number(column: str, text: str) -> dict[str, object]:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"{column} {text!r} is not a number")
    return {column: value}


def _unit(column: str, text: str) -> dict[str, object]:
    return {column: text}


def _as_of(column: str, text: str) -> dict[str, object]:
    if text == CLEAR:
        return {"as_of": None, "as_of_precision": "unknown", "as_of_earliest": None,
                "as_of_latest": None, "as_of_basis": "unknown"}  # fmt: skip
    parsed = parse_iso_date(text, basis="reviewed")
    if parsed is None:
        raise ValueError(f"as_of {text!r} is not an ISO date (2025-03-12, 2025-03 or 2025)")
    return {
        "as_of": parsed.value,
        "as_of_precision": parsed.precision,
        "as_of_earliest": parsed.earliest,
        "as_of_latest": parsed.latest,
        "as_of_basis": "reviewed",
    }


def _text(column: str, text: str) -> dict[str, object]:
    return {column: None if text == CLEAR else text}


def _flag(column: str, text: str) -> dict[str, object]:
    word = text.lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"{column} {text!r} is not true or false")
    return {column: word in TRUE_WORDS}


FIELD_PARSERS: dict[str, Callable[[str, str], dict[str, object]]] = {
    "category": _vocabulary(CATEGORIES),
    "measure": _vocabulary(MEASURES),
    "side": _vocabulary(SIDES, upper=True),
    "value_low": _number,
    "value_best": _number,
    "value_high": _number,
    "unit": _unit,
    "hedge": _vocabulary(HEDGES),
    "as_of": _as_of,
    "attributed_to": _text,
    "in_scope": _flag,
}
"""reviews.csv column → parser giving the claims columns it sets."""


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _problem(
    line: int, claim_id: str, action: str, message: str, status: str = "malformed"
) -> dict:
    return {
        "line": line,
        "claim_id": claim_id,
        "action": action,
        "status": status,
        "message": message,
    }


def _bad(result: ReviewFile, line: int, claim_id: str, action: str, message: str) -> None:
    result.problems.append(_problem(line, claim_id, action, message))
    return None


# ---------------------------------------------------------------------------- applying


@dataclass
class Applied:
    """Reviewed claims (schema REVIEWED_CLAIMS) and the log of every review line (REVIEW_LOG)."""

    claims: pd.DataFrame
    log: pd.DataFrame

    @property
    def orphans(self) -> pd.DataFrame:
        """Log rows of reviews that found no claim (or a changed span)."""
        return self.log.loc[self.log["status"] == "orphan"].reset_index(drop=True)

    @property
    def problems(self) -> pd.DataFrame:
        """Log rows that were not applied: orphans and malformed lines."""
        return self.log.loc[self.log["status"].isin(["orphan", "malformed"])].reset_index(drop=True)


def apply_reviews(
    claims: pd.DataFrame, corpus: str | Path, *, theatre: str = ANY_THEATRE
) -> Applied:
    """Apply `corpus`/reviews.csv to the extracted claims; every problem is logged, none raised.

    `theatre` is the run's: corrected values are checked against its limits too."""
    path = Path(corpus) / REVIEWS_NAME
    read = read_reviews(path)
    applied = apply(claims, read, path.name, theatre=theatre)
    for row in applied.problems.itertuples():
        log.warning("%s", row.message)
    return applied


def apply(
    claims: pd.DataFrame,
    read: ReviewFile,
    name: str = REVIEWS_NAME,
    *,
    theatre: str = ANY_THEATRE,
) -> Applied:
    """Apply parsed reviews to claims: the pure core of `apply_reviews`."""
    out = with_review_columns(claims).copy()
    rows = list(read.problems)
    latest = _latest_per_claim(read.reviews)
    index = pd.Index(out["claim_id"])
    known_articles = set(out["article_id"])
    for review in read.reviews:
        entry = _problem(review.line, review.claim_id, review.action, "", status="applied")
        if latest[review.claim_id] is not review:
            later = latest[review.claim_id].line
            entry |= {
                "status": "superseded",
                "message": f"{name} line {review.line}: superseded by line {later}",
            }
        elif (reason := _orphan_reason(review, out, index, known_articles)) is not None:
            entry |= {
                "status": "orphan",
                "message": f"{name} line {review.line}: orphan review of {review.claim_id}: {reason}; not applied",
            }
        else:
            entry["message"] = _apply_one(
                out, index.get_loc(review.claim_id), review, name, theatre
            )
        rows.append(entry)
    table = pd.DataFrame(rows, columns=list(REVIEW_LOG.columns))
    table = table.sort_values(["line", "claim_id"], kind="mergesort").reset_index(drop=True)
    return Applied(_typed(out, REVIEWED_CLAIMS), _typed(table, REVIEW_LOG))


def _typed(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """Validated by `schema`, text columns as str first (an empty or all-missing column is object)."""
    text = [c for c, spec in schema.columns.items() if "str" in str(spec.dtype) and c in frame]
    return schema.validate(frame.astype({c: "str" for c in text}))


def _latest_per_claim(reviews: list[Review]) -> dict[str, Review]:
    latest: dict[str, Review] = {}
    for review in reviews:
        latest[review.claim_id] = review  # file order: the later line wins
    return latest


def _orphan_reason(
    review: Review, claims: pd.DataFrame, index: pd.Index, known_articles: set[str]
) -> str | None:
    """Why a review cannot apply to this run's claims, or None when it can."""
    if review.claim_id not in index:
        article = review.claim_id.rpartition("@")[0] or review.claim_id
        if article in known_articles:
            return f"article {article} has no claim at that span now (its text may have changed)"
        return "no such claim in this corpus (unknown id, or the article has gone)"
    if not index.is_unique and review.claim_id in index[index.duplicated()]:
        return "the id names several claims"
    current = claims.at[index.get_loc(review.claim_id), "quantity_text"]
    if review.quantity_text and current != review.quantity_text:
        return f"the span now reads {current!r}, the review was made on {review.quantity_text!r}"
    return None


def _apply_one(out: pd.DataFrame, row: int, review: Review, name: str, theatre: str) -> str:
    """Apply one review to row `row` of `out` in place; returns the log message."""
    changes = _with_bounds(out, row, review.changes)
    changed = [  # in the reviewer's terms: as_of, not the four date columns it sets
        f"{column}: {_shown(out.at[row, column])} → {_shown(changes[column])}"
        for column in FIELD_PARSERS
        if column in changes and not _same(out.at[row, column], changes[column])
    ]
    for column, value in changes.items():
        out.at[row, column] = value
    if any(column in changes for column in PLAUSIBILITY_FIELDS):
        out.at[row, "plausibility"] = _plausibility(out, row, theatre)
    if review.action == "reject":
        out.at[row, "in_scope"] = False
        out.at[row, "scope_reason"] = f"rejected in review ({name} line {review.line})"
    out.at[row, "review"] = STATE_OF_ACTION[review.action]
    out.at[row, "review_changes"] = "; ".join(changed) or None
    out.at[row, "review_note"] = review.note or None
    out.at[row, "reviewer"] = review.reviewer or None
    out.at[row, "reviewed_at"] = review.reviewed_at or None
    out.at[row, "review_line"] = review.line
    what = f": {'; '.join(changed)}" if changed else ""
    return f"{name} line {review.line}: {STATE_OF_ACTION[review.action]} {review.claim_id}{what}"


def _plausibility(out: pd.DataFrame, row: int, theatre: str) -> str:
    """The plausibility reason of row `row` as it now reads ('' when within every limit)."""
    values = tuple(None if _missing(v) else float(v) for v in out.loc[row, list(VALUE_FIELDS)])
    return plausibility.implausible(
        theatre,
        str(out.at[row, "category"]),
        str(out.at[row, "unit"]),
        str(out.at[row, "side"]),
        values,
    )


def _with_bounds(out: pd.DataFrame, row: int, changes: dict[str, object]) -> dict[str, object]:
    """A value_best corrected alone carries the bounds that equalled the old best along with it.

    "about 70,000" (low = best = high) corrected to 65,000 becomes 65,000 throughout; "up to
    70,000" (no low, high = best) keeps no low and moves its high.
    """
    if [c for c in VALUE_FIELDS if c in changes] != ["value_best"]:
        return changes
    best = out.at[row, "value_best"]
    moved = {
        b: changes["value_best"] for b in ("value_low", "value_high") if out.at[row, b] == best
    }
    return changes | moved


def _same(a: object, b: object) -> bool:
    if _missing(a) and _missing(b):
        return True
    return not _missing(a) and not _missing(b) and a == b


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _shown(value: object) -> str:
    if _missing(value) or value == "":
        return "(empty)"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


# ---------------------------------------------------------------------------- effects


def review_effects(
    before: pd.DataFrame,
    after: pd.DataFrame,
    views_of: Callable[[pd.DataFrame], dict[str, pd.DataFrame]],
) -> pd.DataFrame:
    """How each claim view (hence its figure) changed because of reviews (schema REVIEW_EFFECTS).

    `views_of(claims)` gives the claim views by name, e.g. `lambda c: build_views(c, m, a)`;
    views without a claim_id column (drone mentions) are skipped.
    """
    reviewed = after.loc[after["review"] != "unreviewed"]
    if reviewed.empty:
        return _effects_frame([])
    states = reviewed.set_index("claim_id")["review"]
    views_before, views_after = views_of(before), views_of(after)
    rows = []
    for name, view_after in views_after.items():
        view_before = views_before[name]
        if "claim_id" not in view_after or "value_plot" not in view_after:
            continue
        rows += _view_changes(name, view_before, view_after, states)
    return _effects_frame(rows)


def _view_changes(
    name: str, before: pd.DataFrame, after: pd.DataFrame, states: pd.Series
) -> list[dict]:
    old = before.loc[before["claim_id"].isin(states.index)].set_index("claim_id")
    new = after.loc[after["claim_id"].isin(states.index)].set_index("claim_id")
    rows = []
    for claim_id in sorted(set(old.index) | set(new.index)):
        was = _point(old.loc[claim_id]) if claim_id in old.index else ""
        now = _point(new.loc[claim_id]) if claim_id in new.index else ""
        if was == now:
            continue
        change = "removed" if not now else "added" if not was else "changed"
        rows.append({"view": name, "claim_id": claim_id, "review": states[claim_id],
                     "change": change, "before": was, "after": now})  # fmt: skip
    return rows


def _point(row: pd.Series) -> str:
    """A view row as the figure shows it: value (unit), side, date."""
    value = row["value_plot"]
    shown = "no value" if _missing(value) else f"{value:,.0f}" if value >= 100 else f"{value:g}"
    date = row.get("as_of") if not _missing(row.get("as_of")) else "undated"
    return f"{shown} {row['unit']}, {row['side']}, {date}"


def _effects_frame(rows: list[dict]) -> pd.DataFrame:
    return _typed(pd.DataFrame(rows, columns=list(REVIEW_EFFECTS.columns)), REVIEW_EFFECTS)


def review_counts(claims: pd.DataFrame, log_table: pd.DataFrame) -> dict[str, int]:
    """Counts for the report: claims per review state, review lines per status, and claims held
    back as implausible (`held_back`: drawn in no view until confirmed)."""
    states = claims["review"].value_counts() if "review" in claims else pd.Series(dtype=int)
    counts = {state: int(states.get(state, 0)) for state in ("confirmed", "corrected", "rejected")}
    statuses = log_table["status"].value_counts()
    counts |= {
        status: int(statuses.get(status, 0)) for status in ("orphan", "malformed", "superseded")
    }
    counts["held_back"] = int(is_held_back(claims).sum()) if "plausibility" in claims else 0
    return counts


# ---------------------------------------------------------------------------- writing


@dataclass
class _Session:
    corpus: Path | None = None
    claims: pd.DataFrame | None = None


_session = _Session()


def use_corpus(corpus: str | Path, claims: pd.DataFrame | None = None) -> Path:
    """Say which corpus the calls `reject`, `correct` and `confirm` write to.

    With `claims` (e.g. `ex.claims`), a call naming an id that is not a claim is refused at
    once, and the review records the quantity it was made on. Returns the review file's path.
    """
    _session.corpus = Path(corpus)
    _session.claims = claims
    return _session.corpus / REVIEWS_NAME


def reject(claim_id: str, note: str = "", **options: object) -> dict[str, str]:
    """Record that a claim is wrong and must leave the views. Returns the line written."""
    return record(claim_id, "reject", note=note, **options)


def confirm(claim_id: str, note: str = "", **options: object) -> dict[str, str]:
    """Record that a claim was checked against its sentence and is right."""
    return record(claim_id, "confirm", note=note, **options)


def correct(claim_id: str, note: str = "", **fields: object) -> dict[str, str]:
    """Record corrected fields for a claim, e.g. `correct(cid, side="RU", value_best=1200)`.

    Fields: category, measure, side, value_low, value_best, value_high, unit, hedge, as_of,
    attributed_to, in_scope; '-' clears a text field or the date.
    """
    return record(claim_id, "correct", note=note, **fields)


def record(
    claim_id: str,
    action: str,
    *,
    note: str = "",
    corpus: str | Path | None = None,
    reviewer: str | None = None,
    reviewed_at: str | None = None,
    **fields: object,
) -> dict[str, str]:
    """Append one review line to the corpus' reviews.csv (atomically). Raises ReviewError."""
    folder = Path(corpus) if corpus is not None else _session.corpus
    if folder is None:
        raise ReviewError("say which corpus: corpus=... or review.use_corpus(corpus_dir) first")
    unknown = sorted(set(fields) - set(FIELD_PARSERS))
    if unknown:
        raise ReviewError(f"unknown field(s) {', '.join(unknown)}; use {', '.join(FIELD_PARSERS)}")
    row = {"claim_id": claim_id, "action": action, "note": note}
    row |= {name: _written(value) for name, value in fields.items()}
    row["quantity_text"] = _quantity_text(claim_id, corpus)
    row["reviewer"] = reviewer if reviewer is not None else _user()
    row["reviewed_at"] = (
        reviewed_at
        if reviewed_at is not None
        else dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    if action not in ACTIONS:
        raise ReviewError(f"action {action!r} is not one of {', '.join(ACTIONS)}")
    try:
        changes = parse_changes(row)
    except ValueError as error:
        raise ReviewError(str(error)) from error
    if action == "correct" and not changes:
        raise ReviewError("correct needs at least one corrected field, e.g. side='RU'")
    append_review(folder / REVIEWS_NAME, row)
    return row


def _written(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return CLEAR
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _quantity_text(claim_id: str, corpus: str | Path | None) -> str:
    """The claim's quantity as written, from the session's claims; '' when unknown."""
    claims = _session.claims
    if claims is None or (corpus is not None and Path(corpus) != _session.corpus):
        return ""
    match = claims.loc[claims["claim_id"] == claim_id, "quantity_text"]
    if match.empty:
        raise ReviewError(f"{claim_id!r} is not a claim of this run; check the id in claims.csv")
    return str(match.iloc[0])


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def append_review(path: Path, row: dict[str, str]) -> None:
    """Append `row` under the file's own header (created with FILE_COLUMNS when new).

    Written as a temporary file renamed into place, under an exclusive lock, so a crash or a
    second writer never leaves half a file. An existing file whose header cannot hold the row
    is refused, untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        old = path.read_bytes() if path.exists() else b""
        header = _existing_header(old, path)
        needed = [n for n, v in row.items() if v and n not in header and n not in OPTIONAL_COLUMNS]
        if needed:
            raise ReviewError(
                f"{path} line 1: the header has no column {', '.join(needed)}; add it to the "
                "header (the file was left as it was)"
            )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if not old:
            writer.writerow(header)
        writer.writerow([row.get(name, "") for name in header])
        joint = b"" if not old or old.endswith(b"\n") else b"\n"
        _atomic_write(path, old + joint + buffer.getvalue().encode("utf-8"))


def _existing_header(old: bytes, path: Path) -> list[str]:
    if not old.strip():
        return list(FILE_COLUMNS)
    first = next(csv.reader(io.StringIO(old.decode("utf-8-sig", errors="replace"))), [])
    columns = [COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in first]
    if not all(c in columns for c in REQUIRED_COLUMNS):
        raise ReviewError(
            f"{path} line 1: the header lacks claim_id or action; fix it before adding reviews "
            "(the file was left as it was)"
        )
    return columns


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself, so no lock file lands in the corpus."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _atomic_write(path: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------- summary


def review_summary(claims: pd.DataFrame, log_table: pd.DataFrame, effects: pd.DataFrame) -> str:
    """One paragraph for the notebook and report: what was reviewed, what it changed, orphans.

    >>> empty = pd.DataFrame(columns=["review", "status", "view", "change"])
    >>> print(review_summary(empty, empty, empty))
    No claim has been reviewed yet (no line in the corpus folder's reviews.csv applies).
    """
    counts = review_counts(claims, log_table)
    reviewed = counts["confirmed"] + counts["corrected"] + counts["rejected"]
    if reviewed:
        states = ", ".join(f"{counts[s]} {s}" for s in ("confirmed", "corrected", "rejected"))
        parts = [f"{_count(reviewed, 'claim')} reviewed: {states}."]
    else:
        parts = [
            "No claim has been reviewed yet (no line in the corpus folder's reviews.csv applies)."
        ]
    if not effects.empty:
        per_view = effects.groupby("view", sort=False)["change"].value_counts(sort=False)
        changed = "; ".join(
            f"{view}: " + ", ".join(f"{n} {change}" for (_, change), n in group.items())
            for view, group in per_view.groupby(level=0, sort=False)
        )
        parts.append(f"Figures changed by reviews: {changed}.")
    elif reviewed:
        parts.append("No figure changed because of reviews.")
    unapplied = [f"{_count(counts[s], s + ' line')}" for s in ("orphan", "malformed") if counts[s]]
    if unapplied:
        parts.append(f"Not applied: {' and '.join(unapplied)} (listed below and in the run log).")
    if "plausibility" in claims:
        parts.append(held_back_sentence(counts["held_back"]))
    return " ".join(parts)


def held_back_sentence(n: int) -> str:
    """What the summary says about `n` claims held back as implausible (said even when none, so
    a reader knows the check ran).

    >>> held_back_sentence(0)
    'No claim is held back as implausible.'
    """
    if not n:
        return "No claim is held back as implausible."
    verb, them = ("is", "it") if n == 1 else ("are", "them")
    return (
        f"{_count(n, 'claim')} {verb} held back as implausible (beyond a limit of "
        f"data/plausibility.csv): no figure draws {them} until a reviewer confirms {them} "
        '(see "Held back as implausible").'
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
