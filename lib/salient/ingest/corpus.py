"""A corpus folder → decoded `Article`s and the ingest table (one row per input file).

What it does, in reading order:
- lists the folder's top-level files, sorted by name (hidden files, `manifest.csv` and
  `reviews.csv` excluded);
- reads each one defensively: too large, binary, empty or unreadable files become ``skipped``
  rows with a human reason; nothing about a bad file raises;
- decodes UTF-8 (a BOM is stripped), else cp1252, else latin-1, with a warning for the fallbacks;
  line endings become ``\\n`` (offsets refer to the decoded, normalized text);
- takes HTML bodies, titles and meta dates from trafilatura (navigation, asides and footers left
  out); a ``.txt`` file holding HTML goes the same way, with a warning;
- merges the optional ``manifest.csv`` (``file,published,outlet,url,title``);
- labels sections (`salient.ingest.sections`) and dates each article: manifest, then HTML meta, then
  the body text (`salient.ingest.published.infer_publication_date`, boilerplate excluded).
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from salient.ingest.published import infer_publication_date
from salient.ingest.sections import split_sections
from salient.ingest.sentences import split_sentences
from salient.model import Article, PublishedDate, Section
from salient.schemas import ARTICLES, INGEST

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.csv"
REVIEWS_NAME = (
    "reviews.csv"  # the analysts' review record (salient.analysis.review), not an article
)
FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
BINARY_SAMPLE_BYTES = 65_536
BINARY_CONTROL_SHARE = 0.10  # above this share of control bytes a file is not text
MIN_HTML_BODY_WORDS = 5  # an extracted "body" without one line this long is navigation
# C0 control bytes other than tab, newline, vertical tab, form feed, carriage return and escape.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?")
_HTML_DATE_PARAMS = {"original_date": True, "outputformat": "%Y-%m-%d", "extensive_search": False}


class CorpusError(Exception):
    """The corpus folder itself cannot be read (missing, or not a folder)."""


@dataclass
class Corpus:
    """The readable articles (sorted by file name) and one ingest row per input file."""

    articles: list[Article]
    ingest: pd.DataFrame


@dataclass(frozen=True)
class ManifestEntry:
    """What `manifest.csv` says about one file; empty cells are None."""

    published: PublishedDate | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class _Decoded:
    """A file's text as read, before sections and dates."""

    text: str
    encoding: str
    source_format: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: PublishedDate | None = None
    warnings: list[str] = field(default_factory=list)


class _Skip(Exception):
    """Internal: this file is skipped, for the reason given; carries what is known so far."""

    def __init__(self, reason: str, *, encoding: str = "", source_format: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.encoding = encoding
        self.source_format = source_format


def load_corpus(path: str | Path, *, max_bytes: int = 5_000_000) -> Corpus:
    """Read every article file at the top level of the folder `path`.

    Raises `CorpusError` only when the folder itself is missing or cannot be listed; a folder
    without one readable article gives a `Corpus` with no articles (the caller decides what
    that means).
    """
    folder = Path(path)
    files = input_files(folder)
    manifest, rows = read_manifest(folder)
    articles = []
    for file in files:
        article, row = read_article(file, manifest.get(file.name), max_bytes=max_bytes)
        rows.append(row)
        if article is not None:
            articles.append(article)
    rows += missing_rows(manifest, files)
    return Corpus(articles=articles, ingest=ingest_table(rows))


def input_files(folder: Path) -> list[Path]:
    """Top-level entries that are not folders, hidden files, the manifest or the review file,
    sorted by name.

    Raises `CorpusError` when the folder is missing or cannot be listed.
    """
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise CorpusError(f"corpus folder {str(folder)!r} {what}")
    try:
        entries = [
            entry
            for entry in folder.iterdir()
            if not (
                entry.name.startswith(".")
                or entry.name in (MANIFEST_NAME, REVIEWS_NAME)
                or entry.is_dir()
            )
        ]
    except OSError as error:
        raise CorpusError(f"corpus folder {str(folder)!r} cannot be listed: {error}") from error
    return sorted(entries, key=lambda p: p.name)


def missing_rows(manifest: dict[str, ManifestEntry], files: list[Path]) -> list[dict[str, object]]:
    """Skipped ingest rows for the files the manifest lists but the folder lacks."""
    present = {file.name for file in files}
    rows = []
    for name in sorted(set(manifest) - present):
        log.warning("%s: listed in manifest but missing", name)
        rows.append(_row(name, status="skipped", reason="listed in manifest but missing"))
    return rows


def ingest_table(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Ingest rows → the validated ingest table, sorted by file name."""
    ingest = _frame(rows, INGEST).sort_values("file", kind="stable", ignore_index=True)
    return INGEST.validate(ingest)


def read_article(
    file: Path, entry: ManifestEntry | None = None, *, max_bytes: int = 5_000_000
) -> tuple[Article | None, dict[str, object]]:
    """One file → its Article (None when skipped) and its ingest row. Never raises for the file."""
    raw, skipped = screen_file(file, entry, max_bytes=max_bytes)
    if raw is None:
        return None, skipped
    return article_from_bytes(file.name, raw, entry)


def screen_file(
    file: Path, entry: ManifestEntry | None = None, *, max_bytes: int = 5_000_000
) -> tuple[bytes | None, dict[str, object] | None]:
    """The checks `read_article` makes before decoding: (the file's bytes, None), or (None, the
    skipped row). Lets a caller hash the bytes (e.g. for a cache) before deciding to decode them."""
    source_format = FORMATS.get(file.suffix.lower())
    try:
        n_bytes = file.stat().st_size
    except OSError as error:
        return None, _skipped(file.name, _os_reason(error))
    if source_format is None:
        return None, _skipped(file.name, "unsupported extension", n_bytes=n_bytes)
    if entry is None and file.stem.upper() in ("README", "LICENSE", "CHANGELOG"):
        return None, _skipped(file.name, "documentation file, not an article", n_bytes=n_bytes)
    try:
        return _read_bytes(file, n_bytes, max_bytes), None
    except _Skip as skip:
        return None, _skipped(file.name, skip.reason, n_bytes=n_bytes)
    except OSError as error:
        return None, _skipped(file.name, _os_reason(error), n_bytes=n_bytes)


def article_from_bytes(
    name: str, raw: bytes, entry: ManifestEntry | None = None
) -> tuple[Article | None, dict[str, object]]:
    """A file's name and bytes → its Article (None when skipped) and its ingest row.

    Needs no file system, so it runs the same in a worker process or on a Dask worker.
    """
    source_format = FORMATS.get(Path(name).suffix.lower(), "txt")
    n_bytes = len(raw)
    try:
        decoded = _decode_file(raw, source_format)
    except _Skip as skip:
        return None, _skipped(
            name, skip.reason, n_bytes=n_bytes, encoding=skip.encoding, fmt=skip.source_format
        )
    article = _build_article(name, raw, decoded, entry or ManifestEntry())
    for warning in article.warnings:
        log.warning("%s: %s", name, warning)
    row = _row(
        name,
        article_id=article.article_id,
        status="parsed_with_warnings" if article.warnings else "parsed",
        reason="; ".join(article.warnings),
        encoding=article.encoding,
        fmt=article.source_format,
        n_bytes=n_bytes,
    )
    return article, row


def _read_bytes(file: Path, n_bytes: int, max_bytes: int) -> bytes:
    """The file's bytes, reading at most `max_bytes` + 1 of them."""
    if n_bytes > max_bytes:
        raise _Skip(f"file too large ({n_bytes} bytes > {max_bytes})")
    with file.open("rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:  # grew since stat
        raise _Skip(f"file too large (over {max_bytes} bytes)")
    return raw


def _decode_file(raw: bytes, source_format: str) -> _Decoded:
    """Bytes → text, format and warnings; raises `_Skip` for binary, empty or bodiless files."""
    if not raw.strip():
        raise _Skip("empty file", source_format=source_format)
    if not raw.startswith(_UTF16_BOMS) and looks_binary(raw):
        raise _Skip("binary file", source_format=source_format)
    text, encoding, warnings = decode_text(raw)
    if not text.strip():
        raise _Skip("empty file", encoding=encoding, source_format=source_format)
    if source_format != "html" and _HTML_START.match(text):
        warnings.append(f"HTML content in a .{source_format} file, read as HTML")
        source_format = "html"
    if source_format == "html":
        decoded = _from_html(text, encoding)
        decoded.warnings[:0] = warnings
        return decoded
    return _Decoded(text, encoding, source_format, warnings=warnings)


def looks_binary(raw: bytes) -> bool:
    """NUL bytes, or more than 10% control bytes in the first 64 KB, mean "not text".

    >>> looks_binary(b"plain words\\n"), looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    (False, True)
    """
    if b"\x00" in raw:
        return True
    sample = raw[:BINARY_SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > BINARY_CONTROL_SHARE * len(sample)


def decode_text(raw: bytes) -> tuple[str, str, list[str]]:
    """Bytes → (text with ``\\n`` line ends, encoding name, warnings).

    UTF-8 (a BOM is stripped) or BOM-marked UTF-16 first, then cp1252, then latin-1 (which
    decodes anything), with a warning for the fallbacks.

    >>> decode_text("café".encode("cp1252"))
    ('café', 'cp1252', ['decoded as cp1252'])
    """
    warnings: list[str] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif raw.startswith(_UTF16_BOMS):
        encoding = "utf-16"  # the BOM gives the byte order; NUL bytes are expected here
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        try:
            encoding, text = "cp1252", raw.decode("cp1252")
        except UnicodeDecodeError:
            encoding, text = "latin-1", raw.decode("latin-1")
        warnings.append(f"decoded as {encoding}")
    return normalize_newlines(text), encoding, warnings


def normalize_newlines(text: str) -> str:
    r"""CRLF and lone CR → LF, so that every line ends the same way.

    >>> normalize_newlines("a\r\nb\rc")
    'a\nb\nc'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _from_html(html: str, encoding: str) -> _Decoded:
    """The article body of an HTML page (trafilatura), its title, outlet, URL and meta date."""
    import trafilatura  # imported here: ~0.3 s that plain-text corpora never pay

    try:
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_HTML_DATE_PARAMS,
        )
    except Exception as error:  # a third-party parser on arbitrary input: never fail the run
        reason = f"HTML could not be parsed: {error}"
        raise _Skip(reason, encoding=encoding, source_format="html") from error
    body = normalize_newlines(document.text or "") if document is not None else ""
    title = _clean(document.title) if document is not None else None
    if not _has_prose(body, title):
        raise _Skip("no article body found in HTML", encoding=encoding, source_format="html")
    lines = body.strip().split("\n")
    if title and lines[0].strip() != title:
        lines.insert(0, title)
    decoded = _Decoded("\n".join(lines) + "\n", encoding, "html", title=title)
    decoded.outlet = _clean(document.sitename)
    decoded.url = _clean(document.url)
    if document.date:
        decoded.published = parse_iso_date(document.date, basis="html_meta")
        if decoded.published is None:
            decoded.warnings.append(f"bad HTML meta date {document.date!r}")
    return decoded


def _has_prose(body: str, title: str | None) -> bool:
    """Whether an extracted body has one line, other than the title, of a few words."""
    return any(
        len(line.split()) >= MIN_HTML_BODY_WORDS and line.strip() != title
        for line in body.split("\n")
    )


def _build_article(name: str, raw: bytes, decoded: _Decoded, entry: ManifestEntry) -> Article:
    """Assemble the Article: manifest fields first, then the file's own, then sections and date."""
    title = entry.title or decoded.title
    sections = split_sections(decoded.text, title=title)
    if title is None:
        title = _title_from_sections(decoded.text, sections)
    warnings = [*decoded.warnings, *entry.warnings]
    published = entry.published or decoded.published or _date_from_body(decoded.text, sections)
    return Article(
        article_id=Path(name).stem,
        file=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=decoded.text,
        title=title,
        outlet=entry.outlet or decoded.outlet,
        url=entry.url or decoded.url,
        published=published,
        encoding=decoded.encoding,
        source_format=decoded.source_format,
        sections=sections,
        warnings=tuple(warnings),
    )


def _title_from_sections(text: str, sections: tuple[Section, ...]) -> str | None:
    """The headline line when sections found one, without markdown decoration."""
    for section in sections:
        if section.label == "title":
            return text[section.start : section.end].strip().lstrip("#").strip(" *_") or None
    return None


def body_text(text: str, sections: tuple[Section, ...]) -> str:
    """The body sections joined by newlines: the text minus its title and boilerplate."""
    return "\n".join(text[s.start : s.end] for s in sections if s.label == "body")


def _date_from_body(text: str, sections: tuple[Section, ...]) -> PublishedDate:
    """The publication date the body text states or implies (pasted stories carry other dates)."""
    return infer_publication_date(body_text(text, sections))


# --- manifest ---------------------------------------------------------------------------------


def read_manifest(folder: Path) -> tuple[dict[str, ManifestEntry], list[dict[str, object]]]:
    """`manifest.csv` → entries by file name, and ingest rows for problems with the manifest itself.

    Column names are matched case-insensitively; columns other than file, published, outlet,
    url and title are ignored. A missing manifest is fine (no entries).
    """
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}, []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            records = list(reader)
            columns = [name.strip().lower() for name in reader.fieldnames or []]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return {}, [_manifest_problem(f"manifest unreadable: {error}")]
    if records and "file" not in columns:
        return {}, [_manifest_problem("manifest has no 'file' column; ignored")]
    entries: dict[str, ManifestEntry] = {}
    for record in records:
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items()}
        name = cells.get("file", "")
        if not name:
            continue
        if name in entries:
            log.warning("manifest lists %s twice; the first row is used", name)
            continue
        entries[name] = _manifest_entry(cells)
    return entries, []


def _manifest_problem(reason: str) -> dict[str, object]:
    log.warning("%s: %s", MANIFEST_NAME, reason)
    return _row(MANIFEST_NAME, status="skipped", reason=reason)


def _manifest_entry(cells: dict[str, str]) -> ManifestEntry:
    """One manifest row → its entry; a date that cannot be read becomes a warning."""
    raw_date = cells.get("published", "")
    published = parse_iso_date(raw_date, basis="manifest") if raw_date else None
    warnings = (f"bad manifest date {raw_date!r}",) if raw_date and published is None else ()
    return ManifestEntry(
        published=published,
        outlet=cells.get("outlet") or None,
        url=cells.get("url") or None,
        title=cells.get("title") or None,
        warnings=warnings,
    )


def parse_iso_date(value: str, *, basis: str) -> PublishedDate | None:
    """An ISO day, month or year (a time part is ignored) → PublishedDate; None if unreadable.

    >>> parse_iso_date("2025-02", basis="manifest").latest
    '2025-02-28'
    >>> parse_iso_date("14/03/2025", basis="manifest") is None
    True
    """
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            iso = date(year, month, day).isoformat()
            return PublishedDate(iso, basis, "day", iso, iso)
        if month is not None:
            first = date(year, month, 1)
            last = first.replace(day=calendar.monthrange(year, month)[1])
            return PublishedDate(f"{year:04d}-{month:02d}", basis, "month", str(first), str(last))
        return PublishedDate(str(year), basis, "year", f"{year:04d}-01-01", f"{year:04d}-12-31")
    except (ValueError, calendar.IllegalMonthError):
        return None


# --- tables -----------------------------------------------------------------------------------


def _row(
    file: str,
    *,
    status: str,
    reason: str = "",
    article_id: str = "",
    encoding: str = "",
    fmt: str = "",
    n_bytes: int = 0,
) -> dict[str, object]:
    """One ingest row, columns as in `salient.schemas.INGEST`."""
    return {
        "file": file,
        "article_id": article_id,
        "status": status,
        "reason": reason,
        "encoding": encoding,
        "format": fmt,
        "n_bytes": n_bytes,
    }


def _skipped(
    file: str, reason: str, *, n_bytes: int = 0, encoding: str = "", fmt: str = ""
) -> dict[str, object]:
    log.warning("%s: skipped: %s", file, reason)
    return _row(file, status="skipped", reason=reason, encoding=encoding, fmt=fmt, n_bytes=n_bytes)


def skipped_row(name: str, reason: str, *, n_bytes: int = 0) -> dict[str, object]:
    """The ingest row of a file left out for `reason` (logged as a warning)."""
    return _skipped(name, reason, n_bytes=n_bytes)


def _os_reason(error: OSError) -> str:
    """An OSError as a short reason without the path (the row names the file).

    >>> _os_reason(PermissionError(13, "Permission denied", "/x/a.txt"))
    'cannot read file: Permission denied'
    """
    return f"cannot read file: {error.strerror or error}"


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def articles_table(articles: list[Article]) -> pd.DataFrame:
    """One row per article, validated by `salient.schemas.ARTICLES`.

    Sentence counts come from `split_sentences` over each section: body sections count as body,
    boilerplate sections as boilerplate, and the title counts as neither.
    """
    return articles_from_rows([article_row(article) for article in articles])


def articles_from_rows(rows: list[dict[str, object]]) -> pd.DataFrame:
    """`article_row` results → the validated articles table (as `articles_table` gives)."""
    return ARTICLES.validate(_frame(rows, ARTICLES))


def _frame(rows: list[dict[str, object]], schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Rows → a frame with the schema's column order and pandas' own str/int64 dtypes, so that
    empty tables and all-missing columns have the same dtypes as any other."""
    dtypes = {
        name: "int64" if str(column.dtype).startswith("int") else "str"
        for name, column in schema.columns.items()
    }
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)


def article_row(article: Article) -> dict[str, object]:
    sections = article.sections or split_sections(article.text, title=article.title)
    counts = {"body": 0, "boilerplate": 0, "title": 0}
    for section in sections:
        counts[section.label] += len(split_sentences(article.text, section.start, section.end))
    published = article.published
    return {
        "article_id": article.article_id,
        "file": article.file,
        "sha256": article.sha256,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": published.value,
        "published_basis": published.basis,
        "published_precision": published.precision,
        "published_earliest": published.earliest,
        "published_latest": published.latest,
        "n_chars": len(article.text),
        "n_body_sentences": counts["body"],
        "n_boilerplate_sentences": counts["boilerplate"],
    }
