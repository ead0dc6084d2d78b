"""The value types that flow between modules: files → articles → sentences → claims.

They are frozen dataclasses so that the per-article step stays a pure function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Vocabularies shared by extraction, schemas and views. Names are a contract with claims.csv.
CATEGORIES = (
    "territory",
    "troops",
    "casualties",
    "equipment",
    "drones",
    "distance",
    "ratio",
    "other",
)
SIDES = ("UA", "RU", "KP", "unknown")
CASUALTY_KINDS = ("killed", "wounded", "killed_or_wounded", "captured", "missing", "losses", "")
HEDGES = ("exact", "approx", "at_most", "at_least", "range", "vague")
PRECISIONS = ("day", "month", "year", "unknown")
MEASURES = ("held", "gained", "lost", "")
PUBLISHED_BASES = ("manifest", "html_meta", "text", "inferred", "unknown")
SECTION_LABELS = ("title", "body", "boilerplate")
AS_OF_BASES = ("explicit", "context", "published", "reviewed", "unknown")
REVIEW_STATES = ("unreviewed", "confirmed", "corrected", "rejected")


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """When an article was published, and how we know.

    `value` is ISO at its precision ("2025-03-14", "2025-03" or "2025"); `earliest`/`latest`
    are ISO days bounding it. An unknown date has value None and basis "unknown".
    """

    value: str | None
    basis: str = "unknown"
    precision: str = "unknown"
    earliest: str | None = None
    latest: str | None = None

    @classmethod
    def unknown(cls) -> PublishedDate:
        return cls(None)


@dataclass(frozen=True, slots=True)
class Section:
    """A labelled span of an article's text: `label` is title/body/boilerplate, `kind` says which
    sort (headline, body, read_more, related, comments, subscription, hashtags, pasted_story, ...)."""

    start: int
    end: int
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as offsets into its article's text, with its paragraph number."""

    start: int
    end: int
    paragraph: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One readable input file, decoded; `text` is what all character offsets refer to."""

    article_id: str
    file: str
    sha256: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: PublishedDate = field(default_factory=PublishedDate.unknown)
    encoding: str = "utf-8"
    source_format: str = "txt"
    sections: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()
