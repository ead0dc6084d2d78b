"""Feeds and URLs → HTML files in a corpus folder, each with its manifest row (`salient fetch`).

In order, `fetch_corpus`:
1. reads the existing `manifest.csv` (every row and column kept as it is) to know which URLs and
   contents the corpus already has;
2. reads each RSS/Atom feed (feedparser) for its entries' link, title, published date and outlet;
3. downloads each new URL through `salient.ingest.fetch_http.PoliteClient` (robots.txt, per-host rate,
   timeouts, bounded retries, size limit, http(s) and public addresses only);
4. saves each new HTML page as ``<slug>_<hash>.html`` (slug of the title, hash of the URL) in
   UTF-8, then rewrites the manifest atomically with its row added, so that at any moment (a
   crash, Ctrl-C) every manifest row names a complete file.

Deduplication: by canonical URL (normalized by courlan; the page's ``<link rel=canonical>``
and the URL after redirects count too) and by a hash of the article text as trafilatura extracts
it, so the same story under two URLs is saved once. A second fetch of the same feeds adds
nothing and leaves the manifest untouched, so `salient run` then finds its outputs up to date.

The body is not kept as extracted text here: `salient.ingest.corpus.load_corpus` reads the saved HTML.
One URL failing (HTTP error, timeout, not HTML, too large, ...) is reported and skipped.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import logging
import os
import re
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urldefrag, urlsplit

from salient import logs
from salient.ingest.corpus import MANIFEST_NAME
from salient.ingest.fetch_http import FetchFailed, FetchOptions, PoliteClient, Response, describe

log = logging.getLogger(__name__)

# The columns corpus.py reads, then those only fetch uses (corpus.py ignores them).
MANIFEST_COLUMNS = ("file", "published", "outlet", "url", "title")
FETCH_COLUMNS = ("fetched_at", "http_status", "content_sha256", "requested_url")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
UNTYPED = frozenset({"", "application/octet-stream"})  # servers that do not say: sniff the body
SLUG_MAX_CHARS = 60
URL_HASH_CHARS = 16
LOG_NAME = "fetch.log"
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


class FetchError(Exception):
    """Bad input found before anything was fetched (exit code 2, as `salient run` does)."""

    exit_code = 2


@dataclass(frozen=True)
class FeedSpec:
    """One line of the feeds file: the feed URL and, optionally, the outlet's name."""

    url: str
    outlet: str = ""


@dataclass(frozen=True)
class Source:
    """One article URL to fetch, with what its feed said about it."""

    url: str
    title: str = ""
    published: str = ""  # ISO day, or ""
    outlet: str = ""
    origin: str = "command line"  # the feed URL it came from


@dataclass
class FetchSummary:
    """What a fetch did: files added, URLs the corpus already had, failures with reasons."""

    new: list[str] = field(default_factory=list)  # file names
    already_had: list[str] = field(default_factory=list)  # URLs
    failed: list[tuple[str, str]] = field(default_factory=list)  # (URL, reason)


class FetchInterrupted(Exception):
    """Ctrl-C (or SIGTERM, see `sigterm_as_interrupt`) during a fetch; carries the summary so
    far. Every file named in the manifest is complete."""

    def __init__(self, summary: FetchSummary) -> None:
        super().__init__("fetch interrupted")
        self.summary = summary


# --- inputs -----------------------------------------------------------------------------------


def read_feeds_file(path: Path) -> list[FeedSpec]:
    """Feed URLs, one a line, optionally followed by the outlet's name; '#' starts a comment.

    A missing or unreadable file raises `FetchError`.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FetchError(f"cannot read feeds file {path}: {error}") from error
    feeds = []
    for line in lines:
        line = re.split(r"\s#", line, maxsplit=1)[0].strip()
        if not line or line.startswith("#"):
            continue
        url, *outlet = line.split(maxsplit=1)
        feeds.append(FeedSpec(url, " ".join(" ".join(outlet).split())))
    return feeds


def read_feed(client: PoliteClient, spec: FeedSpec) -> list[Source]:
    """A feed's entries as `Source`s (entries without a link are left out)."""
    import feedparser  # imported here: only fetch needs it

    response = client.get(spec.url)
    parsed = feedparser.parse(
        response.content,
        response_headers={
            "content-type": response.headers.get("content-type", ""),
            "content-location": response.url,  # base for relative entry links
        },
    )
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = getattr(parsed, "bozo_exception", None) or "no RSS or Atom entries"
        raise FetchFailed(f"not a feed: {reason}")
    outlet = spec.outlet or _text(parsed.feed.get("title"))
    sources = []
    for entry in parsed.entries:
        link = _text(entry.get("link"))
        if link:
            title = _text(entry.get("title"))
            sources.append(Source(link, title, entry_date(entry), outlet, origin=spec.url))
    return sources


def entry_date(entry: Any) -> str:
    """A feed entry's publication day (ISO), as the outlet's own clock had it; '' if none.

    The raw RFC 822 (RSS) or RFC 3339 (Atom) string is read first, so that a story posted at
    01:00 in Kyiv keeps its Kyiv date; feedparser's UTC time is the fallback for other formats.
    """
    raw = _text(entry.get("published") or entry.get("updated"))
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            return parse(raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            continue
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else ""


def canonical_url(url: str) -> str:
    """The URL normalized for deduplication (courlan: lower-case host, default port and
    tracking parameters removed, query sorted), without its fragment.

    >>> canonical_url("HTTPS://Example.org:443/news/a?utm_source=rss&b=2&a=1#top")
    'https://example.org/news/a?a=1&b=2'
    """
    from courlan import normalize_url

    try:
        return urldefrag(normalize_url(url.strip())).url
    except ValueError:  # courlan cannot parse it: keep it as given, the fetch will say why
        return urldefrag(url.strip()).url


# --- the manifest -----------------------------------------------------------------------------


@dataclass
class Manifest:
    """`manifest.csv` as rows of cells: existing rows and columns are written back unchanged.

    `requested_url` holds every URL (space-separated) that led to the row's file: the one
    fetched, then any later one found to carry the same page or text, so that none of them is
    downloaded again.
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    known_urls: dict[str, str] = field(default_factory=dict)  # canonical URL → file
    known_hashes: dict[str, str] = field(default_factory=dict)  # content hash → file

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read `folder`/manifest.csv (absent: an empty one); unreadable raises `FetchError`."""
        path = folder / MANIFEST_NAME
        if not path.exists():
            return cls(path, list(MANIFEST_COLUMNS + FETCH_COLUMNS), [])
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                records = list(csv.reader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise FetchError(f"cannot read {path} (left as it is): {error}") from error
        header = records[0] if records else list(MANIFEST_COLUMNS)
        if "file" not in _lowered(header):
            raise FetchError(f"{path} has no 'file' column; fix it or move it aside")
        header += [
            name for name in MANIFEST_COLUMNS + FETCH_COLUMNS if name not in _lowered(header)
        ]
        manifest = cls(path, header, records[1:])
        for row in manifest.rows:
            manifest._remember(manifest._cells(row))
        return manifest

    def add(self, cells: dict[str, str]) -> None:
        """Append a row (keys are our lower-case column names) and rewrite the file atomically."""
        self.rows.append([cells.get(name, "") for name in _lowered(self.header)])
        self._remember(cells)
        self.write()

    def alias(self, file: str, url: str) -> None:
        """Record that `url` (canonical) leads to `file` too, and rewrite the file atomically."""
        column = _lowered(self.header).index("requested_url")
        for row in self.rows:
            if self._cells(row).get("file", "").strip() == file:
                row.extend([""] * (column + 1 - len(row)))
                row[column] = " ".join(filter(None, (row[column].strip(), url)))
                break
        else:
            return
        self.known_urls.setdefault(url, file)
        self.write()

    def write(self) -> None:
        """Write the whole manifest next to it, then rename it into place (`write_atomically`):
        readers see the old manifest or the new one, never a part."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        write_atomically(self.path, buffer.getvalue().encode("utf-8"))

    def _cells(self, row: list[str]) -> dict[str, str]:
        return dict(zip(_lowered(self.header), row, strict=False))

    def _remember(self, cells: dict[str, str]) -> None:
        file = cells.get("file", "").strip()
        urls = [cells.get("url", ""), *cells.get("requested_url", "").split()]
        for url in filter(None, (url.strip() for url in urls)):
            self.known_urls.setdefault(canonical_url(url), file)
        if cells.get("content_sha256", "").strip():
            self.known_hashes.setdefault(cells["content_sha256"].strip(), file)


def _lowered(header: list[str]) -> list[str]:
    return [name.strip().lower() for name in header]


# --- one page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A downloaded HTML page, ready to save: UTF-8 bytes and what identifies it."""

    html: bytes
    url: str  # the page's canonical URL: its <link rel=canonical>, else the URL after redirects
    title: str
    content_sha256: str


def read_page(response: Response) -> Page:
    """Check that `response` is HTML and describe it; otherwise `FetchFailed`."""
    kind = response.content_type
    if kind not in HTML_TYPES and not (kind in UNTYPED and _HTML_START.match(response.content)):
        raise FetchFailed(f"not HTML (content type {kind or 'unknown'})")
    html = to_utf8(response.content, response.headers.get("content-type", ""))
    text = html.decode("utf-8", errors="replace")
    declared, title = _head_links(text)
    url = canonical_url(declared or response.url)
    return Page(html, url, title, content_sha256(text))


def to_utf8(content: bytes, content_type: str) -> bytes:
    """The page re-encoded as UTF-8 when the server or the page declares another charset.

    `salient.ingest.corpus` decodes files as UTF-8, then cp1252: a windows-1251 or KOI8-U page saved as
    it came would be read as mojibake. Undeclared or undecodable pages are kept as they are.
    """
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    label = match.group(1) if match else None
    if label is None:
        meta = _META_CHARSET.search(content[:4096])
        label = meta.group(1).decode("ascii", errors="replace") if meta else None
    try:
        encoding = codecs.lookup(label).name if label else "utf-8"
    except LookupError:
        return content
    if encoding in ("utf-8", "utf-8-sig"):
        return content
    if encoding == "iso8859-1":
        encoding = "cp1252"  # as browsers do (WHATWG Encoding): latin-1 labels mean windows-1252
    try:
        return content.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        return content


def content_sha256(html: str) -> str:
    """sha256 of the article text (trafilatura), case and spacing folded; of the page if none.

    Two URLs carrying the same story in different page furniture get the same hash.
    """
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True)
    except Exception:  # a third-party parser on arbitrary input: fall back to the page itself
        text = None
    basis = " ".join((text or html).split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _head_links(html: str) -> tuple[str, str]:
    """The page's declared canonical URL (http(s) only) and its <title>; '' when absent."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, TypeError, lxml.etree.ParserError):
        return "", ""
    canonical = ""
    for href in root.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    ):
        if urlsplit(str(href).strip()).scheme in ("http", "https"):
            canonical = str(href).strip()
            break
    titles = root.xpath("//title/text()")
    return canonical, " ".join(str(titles[0]).split()) if titles else ""


def article_file_name(title: str, url: str) -> str:
    """``<slug of the title>_<16 hex of sha256(url)>.html``: stable for a URL, readable, unique.

    python-slugify transliterates (Cyrillic titles give Latin slugs).

    >>> article_file_name("Бої під Суджею: 40 км² за тиждень", "https://example.org/a")
    'boi-pid-sudzheiu-40-km2-za-tizhden_b5b10dd0429e69ac.html'
    """
    from slugify import slugify

    slug = slugify(title, max_length=SLUG_MAX_CHARS, word_boundary=True) or _url_slug(url)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:URL_HASH_CHARS]
    return f"{slug or 'article'}_{digest}.html"


def _url_slug(url: str) -> str:
    from slugify import slugify

    last = [part for part in urlsplit(url).path.split("/") if part]
    stem = last[-1].rsplit(".", 1)[0] if last else urlsplit(url).netloc
    return slugify(stem, max_length=SLUG_MAX_CHARS, word_boundary=True)


def write_atomically(path: Path, payload: bytes) -> None:
    """Write `payload` to a hidden temporary file next to `path`, then rename it into place."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with temporary.open("wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# --- the fetch --------------------------------------------------------------------------------


def fetch_corpus(
    corpus: str | Path,
    *,
    feeds: Sequence[FeedSpec] = (),
    urls: Sequence[str] = (),
    options: FetchOptions | None = None,
    progress: TextIO | None = None,
) -> FetchSummary:
    """Fetch new articles from `feeds` and `urls` into the folder `corpus` (created if missing).

    Raises `FetchError` for bad input (nothing to fetch, a corpus path that is a file, an
    unreadable manifest) and `FetchInterrupted` on KeyboardInterrupt; a failing feed or URL
    only adds a line to the summary's `failed`.
    """
    folder = Path(corpus)
    if not feeds and not urls:
        raise FetchError("nothing to fetch: give --feeds FILE or one or more URLs")
    if folder.exists() and not folder.is_dir():
        raise FetchError(f"corpus {folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.load(folder)
    options = options or FetchOptions()
    log.info(
        "fetch into %s: %d feed(s), %d URL(s); %s", folder, len(feeds), len(urls), describe(options)
    )
    summary = FetchSummary()
    try:
        with PoliteClient(options) as client:
            sources = _gather_sources(client, feeds, urls, summary, progress)
            for number, source in enumerate(sources, start=1):
                label = f"[{number}/{len(sources)}]"
                _fetch_source(client, source, folder, manifest, summary, label, progress)
    except KeyboardInterrupt as interrupt:
        log.warning("interrupted: %d new so far", len(summary.new))
        raise FetchInterrupted(summary) from interrupt
    log.info("done: %s", summary_line(summary))
    return summary


def _gather_sources(
    client: PoliteClient,
    feeds: Sequence[FeedSpec],
    urls: Sequence[str],
    summary: FetchSummary,
    progress: TextIO | None,
) -> list[Source]:
    """Every feed's entries then the URLs given, each canonical URL once (first seen wins)."""
    sources: list[Source] = []
    for spec in feeds:
        try:
            entries = read_feed(client, spec)
        except FetchFailed as error:
            _failed(summary, spec.url, f"feed: {error.reason}", progress, "feed")
            continue
        _say(progress, f"feed {spec.url}: {len(entries)} entries")
        log.info("feed %s: %d entries", spec.url, len(entries))
        sources.extend(entries)
    sources.extend(Source(url) for url in urls)
    unique: dict[str, Source] = {}
    for source in sources:
        unique.setdefault(canonical_url(source.url), source)
    return list(unique.values())


def _fetch_source(
    client: PoliteClient,
    source: Source,
    folder: Path,
    manifest: Manifest,
    summary: FetchSummary,
    label: str,
    progress: TextIO | None,
) -> None:
    """Fetch one article and save it, or record why it was not (never raises for the URL)."""
    requested = canonical_url(source.url)
    if requested in manifest.known_urls:
        _had(
            summary,
            source.url,
            f"in the manifest: {manifest.known_urls[requested]}",
            progress,
            label,
        )
        return
    try:
        response = client.get(source.url)
        page = read_page(response)
    except FetchFailed as error:
        _failed(summary, source.url, error.reason, progress, label)
        return
    same = manifest.known_urls.get(page.url) or manifest.known_hashes.get(page.content_sha256)
    if same is not None:
        why = "same page" if page.url in manifest.known_urls else "same text"
        manifest.alias(same, requested)
        _had(summary, source.url, f"{why} as {same}", progress, label)
        return
    name = article_file_name(source.title or page.title, page.url)
    write_atomically(folder / name, page.html)
    manifest.add(
        {
            "file": name,
            "published": source.published,
            "outlet": source.outlet,
            "url": page.url,
            "title": source.title,
            "fetched_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "http_status": str(response.status),
            "content_sha256": page.content_sha256,
            "requested_url": requested,
        }
    )
    summary.new.append(name)
    _say(progress, f"{label} new     {name}  <- {source.url}")
    log.info("new %s from %s (%d bytes)", name, source.url, len(page.html))


def _had(summary: FetchSummary, url: str, why: str, progress: TextIO | None, label: str) -> None:
    summary.already_had.append(url)
    _say(progress, f"{label} had     {url} ({why})")
    log.info("already had %s: %s", url, why)


def _failed(
    summary: FetchSummary, url: str, reason: str, progress: TextIO | None, label: str
) -> None:
    summary.failed.append((url, reason))
    _say(progress, f"{label} FAILED  {url}: {reason}")
    log.warning("failed %s: %s", url, reason)


# --- reporting --------------------------------------------------------------------------------


def summary_line(summary: FetchSummary) -> str:
    """'3 new, 2 already had, 1 failed'."""
    return f"{len(summary.new)} new, {len(summary.already_had)} already had, {len(summary.failed)} failed"


def format_summary(summary: FetchSummary, corpus: Path) -> str:
    """The closing report: the counts, then each failure with its reason."""
    lines = [f"{summary_line(summary)} (corpus {corpus})"]
    lines += [f"  failed: {url}: {reason}" for url, reason in summary.failed]
    return "\n".join(lines)


def exit_code(summary: FetchSummary) -> int:
    """0 when the fetch got through (some URLs may have failed: they are listed), 1 when
    everything asked for failed (the network, or every feed, is down)."""
    return 1 if summary.failed and not summary.new and not summary.already_had else 0


def log_to(path: Path) -> contextlib.AbstractContextManager[None]:
    """Append this module's and the HTTP client's log records to `path` (folder created)."""
    return logs.log_to(path, log.name, "salient.ingest.fetch_http")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a cron timeout, `kill`) like Ctrl-C, so the fetch stops between two atomic
    writes and still prints its summary."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _say(stream: TextIO | None, text: str) -> None:
    if stream is not None:
        stream.write(text + "\n")
        stream.flush()


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""
