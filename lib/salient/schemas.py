"""pandera schemas for every dataframe Salient writes; the data dictionary is generated from them.

Column names are a contract with analysts, notebooks and downstream tools: add columns, do not
rename them. Each column carries a description, which `data_dictionary()` turns into docs.
"""

from __future__ import annotations

import pandera.pandas as pa

from salient.model import (
    AS_OF_BASES,
    CASUALTY_KINDS,
    CATEGORIES,
    HEDGES,
    MEASURES,
    PRECISIONS,
    PUBLISHED_BASES,
    REVIEW_STATES,
    SIDES,
)


def _str(
    description: str, *, nullable: bool = True, isin: tuple[str, ...] | None = None
) -> pa.Column:
    checks = [pa.Check.isin(list(isin))] if isin else None
    return pa.Column(str, checks=checks, nullable=nullable, description=description)


def _num(description: str) -> pa.Column:
    return pa.Column(float, nullable=True, coerce=True, description=description)


def _int(description: str) -> pa.Column:
    return pa.Column(int, coerce=True, description=description)


def _bool(description: str) -> pa.Column:
    return pa.Column(bool, coerce=True, description=description)


INGEST = pa.DataFrameSchema(
    {
        "file": _str("Input file name, relative to the corpus folder.", nullable=False),
        "article_id": _str("File stem; empty when the file was skipped."),
        "status": _str(
            "parsed, parsed_with_warnings or skipped.",
            nullable=False,
            isin=("parsed", "parsed_with_warnings", "skipped"),
        ),
        "reason": _str("Why the file was skipped, or the warnings it raised; empty if clean."),
        "encoding": _str("Encoding the text was decoded with (utf-8, utf-8-sig, cp1252, ...)."),
        "format": _str("txt, md or html; empty when skipped before reading."),
        "n_bytes": _int("Size of the file in bytes."),
    },
    strict=True,
    ordered=True,
)

ARTICLES = pa.DataFrameSchema(
    {
        "article_id": _str("File stem; the key every other table refers to.", nullable=False),
        "file": _str("Input file name.", nullable=False),
        "sha256": _str(
            "SHA-256 of the file's bytes: which version of the file was read.", nullable=False
        ),
        "title": _str("Title from the manifest, the HTML, or the first line of the text."),
        "outlet": _str("Publishing outlet, from the manifest or the HTML metadata."),
        "url": _str("Address of the article, from the manifest or the HTML metadata."),
        "published": _str("Publication date, ISO at its precision (YYYY-MM-DD, YYYY-MM or YYYY)."),
        "published_basis": _str(
            "Where the date comes from: manifest, html_meta, text, inferred or unknown.",
            nullable=False,
            isin=PUBLISHED_BASES,
        ),
        "published_precision": _str(
            "day, month, year or unknown.", nullable=False, isin=PRECISIONS
        ),
        "published_earliest": _str("Earliest possible publication day (ISO)."),
        "published_latest": _str("Latest possible publication day (ISO)."),
        "n_chars": _int("Characters in the decoded text that offsets refer to."),
        "n_body_sentences": _int("Sentences in the article body."),
        "n_boilerplate_sentences": _int(
            "Sentences in boilerplate (read-more lists, pasted stories, ...)."
        ),
    },
    strict=True,
    ordered=True,
)

CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": _str(
            "Stable id: article id and character span of the quantity.", nullable=False
        ),
        "article_id": _str("Article the claim was read from.", nullable=False),
        "category": _str("What is counted.", nullable=False, isin=CATEGORIES),
        "measure": _str(
            "For territory: held, gained or lost; empty otherwise.", nullable=False, isin=MEASURES
        ),
        "side": _str(
            "Whose forces, territory, losses or drones (KP = North Korea).",
            nullable=False,
            isin=SIDES,
        ),
        "casualty_kind": _str(
            "For casualties: killed, wounded, killed_or_wounded, captured, missing or losses "
            "(unspecified); empty otherwise. Charts never add different kinds together.",
            nullable=False,
            isin=CASUALTY_KINDS,
        ),
        "value_low": _num(
            "Lower bound in `unit`; empty when the text gives none (at_most, vague)."
        ),
        "value_best": _num("Best single value in `unit`; empty for vague quantities."),
        "value_high": _num("Upper bound in `unit`; empty when the text gives none (at_least)."),
        "unit": _str(
            "Canonical unit: km2, km, persons, vehicles, drones, battalions, percent, ratio, ...",
            nullable=False,
        ),
        "hedge": _str("How sure the text is.", nullable=False, isin=HEDGES),
        "hedge_text": _str("The hedging words as written (about, as many as, up to, ...)."),
        "quantity_text": _str(
            "The quantity as written: article_text[char_start:char_end].", nullable=False
        ),
        "as_of": _str("Date the claim refers to, ISO at its precision."),
        "as_of_precision": _str("day, month, year or unknown.", nullable=False, isin=PRECISIONS),
        "as_of_earliest": _str("Earliest day the claim can refer to (ISO)."),
        "as_of_latest": _str("Latest day the claim can refer to (ISO)."),
        "as_of_basis": _str(
            "explicit (a date in the sentence), context (an earlier sentence of the paragraph), "
            "published (the article's date), reviewed (set by an analyst in reviews.csv), or "
            "unknown.",
            nullable=False,
            isin=AS_OF_BASES,
        ),
        "attributed_to": _str("Who the text says the number comes from; empty if unattributed."),
        "place": _str("Place the claim is about, as named in the text or its heading."),
        "in_scope": _bool(
            "True when the claim is about the corpus' theatre and in the article body."
        ),
        "scope_reason": _str("Why the claim is in or out of scope.", nullable=False),
        "plausibility": _str(
            "Empty when the value is plausible; else why it is not (beyond the theatre's area or "
            "a side's force size, from data/plausibility.csv). Flagged claims stay here but are "
            "held back from every view and figure until confirmed in review; the review "
            "notebook lists them. A correction of the values, unit, side or category is checked "
            "again.",
            nullable=False,
        ),
        "section": _str(
            "title, body or boilerplate.", nullable=False, isin=("title", "body", "boilerplate")
        ),
        "sentence": _str("The whole sentence the quantity stands in.", nullable=False),
        "sentence_start": _int("Offset of the sentence in the article text."),
        "char_start": _int("Offset of the quantity's first character in the article text."),
        "char_end": _int("Offset just past the quantity's last character."),
    },
    strict=True,
    ordered=True,
)

REVIEW_COLUMNS = {
    "review": _str(
        "unreviewed, confirmed, corrected or rejected, from the corpus' reviews.csv. Rejected "
        "claims stay in claims.csv (with in_scope False) and leave every view.",
        nullable=False,
        isin=REVIEW_STATES,
    ),
    "review_changes": _str(
        "For corrected claims, what the review changed: 'side: unknown → RU; value_best: "
        "1000 → 1200'; empty otherwise."
    ),
    "review_note": _str("The reviewer's note."),
    "reviewer": _str("Who reviewed the claim."),
    "reviewed_at": _str("When, as written in reviews.csv (ISO time)."),
    "review_line": _int("Line of reviews.csv that applies to the claim; 0 when unreviewed."),
}

REVIEWED_CLAIMS = CLAIMS.add_columns(REVIEW_COLUMNS)
"""claims.csv as written: the extracted claims with the analysts' reviews applied (salient.analysis.review)."""

REVIEWS = pa.DataFrameSchema(
    {
        "claim_id": _str("The reviewed claim's id (article@start-end).", nullable=False),
        "action": _str(
            "reject (drop from the views), correct (take the fields below), confirm (mark only; "
            "a claim held back as implausible is then drawn).",
            nullable=False,
            isin=("reject", "correct", "confirm"),
        ),
        "category": _str("Corrected category; empty keeps the extracted one."),
        "measure": _str("Corrected measure (held, gained, lost); '-' clears it."),
        "side": _str("Corrected side (UA, RU, KP, unknown)."),
        "value_low": _str("Corrected lower bound, in the claim's unit."),
        "value_best": _str(
            "Corrected best value; given alone, the bounds that equalled the old best follow it."
        ),
        "value_high": _str("Corrected upper bound."),
        "unit": _str("Corrected canonical unit (km2, persons, ...)."),
        "hedge": _str("Corrected hedge (exact, approx, at_most, at_least, range, vague)."),
        "as_of": _str(
            "Corrected date, ISO at its precision (2025-03-12, 2025-03 or 2025); '-' clears it."
        ),
        "attributed_to": _str("Corrected source ('attribution'); '-' clears it."),
        "in_scope": _str("Corrected scope: true or false."),
        "quantity_text": _str(
            "The quantity as written when it was reviewed; a claim whose span now reads "
            "otherwise (the article changed) orphans the review instead of taking it."
        ),
        "note": _str("Why: free text."),
        "reviewer": _str("Who reviewed."),
        "reviewed_at": _str("When (UTC, ISO)."),
    },
    strict=False,
    ordered=False,
)
"""reviews.csv in the corpus folder, as analysts (or salient.analysis.review.reject/correct/confirm) write
it. Only claim_id and action are required; empty cells keep the extracted values."""

REVIEW_LOG = pa.DataFrameSchema(
    {
        "line": _int("Line of reviews.csv the record starts on (1 = the header)."),
        "claim_id": _str("The claim id the line names (may be empty for a malformed line)."),
        "action": _str("The action the line names, as written."),
        "status": _str(
            "applied, superseded (a later line reviews the same claim), orphan (no such claim "
            "in this run, or its span now reads otherwise), or malformed (not applied).",
            nullable=False,
            isin=("applied", "superseded", "orphan", "malformed"),
        ),
        "message": _str("What happened, in words, naming the line.", nullable=False),
    },
    strict=True,
    ordered=True,
)

REVIEW_EFFECTS = pa.DataFrameSchema(
    {
        "view": _str("The view (and the figure drawn from it) that changed.", nullable=False),
        "claim_id": _str("The claim whose review changed the view.", nullable=False),
        "review": _str("The claim's review state.", nullable=False, isin=REVIEW_STATES),
        "change": _str(
            "removed, added (a correction moved the claim into this view) or changed.",
            nullable=False,
            isin=("removed", "added", "changed"),
        ),
        "before": _str("The row's plotted value, side and date before the review."),
        "after": _str("The same after the review; empty when removed."),
    },
    strict=True,
    ordered=True,
)

DRONE_MENTIONS = pa.DataFrameSchema(
    {
        "mention_id": _str("Stable id: article id and character span.", nullable=False),
        "article_id": _str("Article the mention was read from.", nullable=False),
        "tactic": _str("Tactic from the taxonomy (data/drone_taxonomy.csv).", nullable=False),
        "term": _str("The words as written.", nullable=False),
        "side": _str("Side using the drones or the tactic.", nullable=False, isin=SIDES),
        "section": _str(
            "title, body or boilerplate.", nullable=False, isin=("title", "body", "boilerplate")
        ),
        "in_scope": _bool("True when the sentence is about the corpus' theatre and in the body."),
        "sentence": _str("The whole sentence.", nullable=False),
        "char_start": _int("Offset of the term in the article text."),
        "char_end": _int("Offset just past the term."),
    },
    strict=True,
    ordered=True,
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "ingest": INGEST,
    "articles": ARTICLES,
    "claims": REVIEWED_CLAIMS,
    "drone_mentions": DRONE_MENTIONS,
    "reviews": REVIEWS,
    "review_log": REVIEW_LOG,
    "review_effects": REVIEW_EFFECTS,
}


def data_dictionary() -> str:
    """Markdown tables of every schema's columns and descriptions."""
    parts = []
    for name, schema in SCHEMAS.items():
        parts.append(f"## `{name}.csv`\n\n| column | type | description |\n|---|---|---|")
        for col, spec in schema.columns.items():
            parts.append(f"| `{col}` | {spec.dtype} | {spec.description or ''} |")
        parts.append("")
    return "\n".join(parts)


DICTIONARY_HEADER = (
    "# Data dictionary\n\nGenerated from `lib/salient/schemas.py` "
    "(`python -m salient.schemas > docs/data_dictionary.md`); a test keeps it in step.\n\n"
)

if __name__ == "__main__":
    print(DICTIONARY_HEADER + data_dictionary(), end="")
