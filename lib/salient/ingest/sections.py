"""An article's text → contiguous title, body and boilerplate spans.

Scraped articles carry web furniture: "Read more:" lists, related stories pasted below the
article, comment widgets, subscription pleas. Numbers in them must not count as claims, so each
line is labelled, driven by the marker lines in ``data/boilerplate.csv``:

- ``terminal`` markers ("Read more:", "Related Articles", "Comments (214)", "Hashtags") end the
  body: every later line is boilerplate, of the kind of the latest marker.
- ``aside`` markers ("Read also: <headline>", "Advertisement", "Most read") are boilerplate
  themselves, and so are the non-prose lines after them; the body resumes at the next prose line.
- ``story`` markers ("2 hours ago" alone on a line) start a pasted story below the body: the
  outlet line above it and everything after it is ``pasted_story``.

A terminal marker seen before any body prose acts as an aside, so a stray widget above the
article cannot swallow it. Blank lines belong to the section above them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from salient import lexicon
from salient.model import Section

TITLE_MAX_CHARS = 150  # a longer first line is a lede, not a headline
MARKDOWN_TITLE_MAX_CHARS = 300
MARKER_MAX_CHARS = 800  # longer lines are never markers: skip the regex work
PROSE_MIN_WORDS = 8
PROSE_ANY_WORDS = 20
STORY_OUTLET_MAX_WORDS = 8  # the outlet line above "2 hours ago"
STORY_LOOKAHEAD_LINES = 4  # a pasted story has prose within this many lines of its timestamp

_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”’»)\]*_]*$")
_PROSE_END = re.compile(r"[.!?…][\"'”’»)\]*_]*$")
_LIST_ITEM = re.compile(r"(?:[-*•–—·]|\d{1,3}[.)])\s")
_DECORATION = "*_ \t\r\f\v\u00a0"  # markdown emphasis and spaces around a line
_LINE = re.compile(r"[^\n]*\n?")
_HEADING = re.compile(r"\s*#{1,6}\s")


@dataclass(frozen=True, slots=True)
class Marker:
    """One row of data/boilerplate.csv."""

    kind: str
    role: str  # terminal, aside or story
    pattern: str
    example: str


@dataclass(slots=True)
class _Line:
    start: int
    text: str  # stripped of whitespace and markdown decoration
    heading: bool = False  # a markdown "# " heading
    label: str = "body"
    kind: str = "body"


@cache
def load_markers() -> tuple[Marker, ...]:
    """The boilerplate markers, in file order (the first matching row wins)."""
    return tuple(Marker(**row) for row in lexicon.data_rows("boilerplate.csv"))


@cache
def _marker_regex() -> re.Pattern[str]:
    """All markers as one alternation; group ``m<i>`` names the row that matched."""
    parts = [f"(?P<m{i}>{m.pattern})" for i, m in enumerate(load_markers())]
    return re.compile("|".join(parts), re.IGNORECASE)


def match_marker(line: str) -> Marker | None:
    """The marker a whole line is, after stripping markdown decoration.

    >>> match_marker("**Read more:**").kind
    'read_more'
    >>> match_marker("Russia said the road was cut.") is None
    True
    """
    text = _normalize(line)
    if not text or len(text) > MARKER_MAX_CHARS:
        return None
    found = _marker_regex().fullmatch(text)
    if found is None:
        return None
    index = next(int(name[1:]) for name, value in found.groupdict().items() if value is not None)
    return load_markers()[index]


def split_sections(text: str, *, title: str | None = None) -> tuple[Section, ...]:
    """Contiguous labelled spans covering all of `text` (empty text → no sections).

    `title` is the known headline (from a manifest or HTML); the first line is labelled
    ``title``/``headline`` when it equals `title` or looks like a headline.

    >>> [(s.label, s.kind) for s in split_sections("Troops pull back\\nThey left the town.\\n"
    ...                                            "Comments\\nNice story!")]
    [('title', 'headline'), ('body', 'body'), ('boilerplate', 'comments')]
    """
    if not text:
        return ()
    lines = [
        _Line(m.start(), _normalize(m.group()), bool(_HEADING.match(m.group())))
        for m in _LINE.finditer(text)
        if m.group()
    ]
    content = [line for line in lines if line.text]
    if content and _is_title(content, title):
        content[0].label, content[0].kind = "title", "headline"
        content = content[1:]
    _label_lines(content)
    return _merge(lines, len(text))


def _normalize(line: str) -> str:
    """A line without surrounding whitespace, markdown heading hashes or emphasis marks.

    >>> _normalize("## **Related Articles** ")
    'Related Articles'
    """
    text = line.strip()
    if _HEADING.match(text):
        text = text.lstrip("#")
    return text.strip(_DECORATION)


def _is_title(content: list[_Line], title: str | None) -> bool:
    """Whether the first non-blank line is the headline."""
    first = content[0]
    if title and _comparable(first.text) == _comparable(title):
        return True
    if len(content) < 2 or match_marker(first.text):
        return False
    if first.heading:
        return len(first.text) <= MARKDOWN_TITLE_MAX_CHARS
    return len(first.text) < TITLE_MAX_CHARS and not _SENTENCE_END.search(first.text)


def _comparable(text: str) -> str:
    """Case-, space- and final-punctuation-insensitive form for comparing headlines."""
    return " ".join(_normalize(text).rstrip(".!?:; ").casefold().split())


def _label_lines(content: list[_Line]) -> None:
    """Label each non-blank line after the title: the state machine described above."""
    state = "body"  # body, aside or tail
    kind = "body"
    seen_prose = False
    for i, line in enumerate(content):
        marker = match_marker(line.text)
        if marker and marker.role == "story":
            if seen_prose and kind != "comments" and _story_follows(content, i):
                _claim_outlet_line(content, i)
                state, kind = "tail", "pasted_story"
                _mark(line, kind)
                continue
            marker = None
        if marker and marker.role == "terminal" and seen_prose:
            state, kind = "tail", marker.kind
            _mark(line, kind)
        elif marker:
            _mark(line, marker.kind)
            if state != "tail":
                state, kind = "aside", marker.kind
        elif state == "tail" or (state == "aside" and not _is_prose(line.text)):
            _mark(line, kind)
        else:
            state, kind = "body", "body"
            seen_prose = seen_prose or _is_prose(line.text)


def _mark(line: _Line, kind: str) -> None:
    line.label, line.kind = "boilerplate", kind


def _story_follows(content: list[_Line], i: int) -> bool:
    """A timestamp line starts a pasted story only if prose follows within a few lines."""
    following = content[i + 1 : i + 1 + STORY_LOOKAHEAD_LINES]
    return any(_is_prose(line.text) for line in following)


def _claim_outlet_line(content: list[_Line], i: int) -> None:
    """Relabel the short outlet-name line just above a story's timestamp as part of the story."""
    if i == 0:
        return
    above = content[i - 1]
    if above.label == "title":
        return
    if len(above.text.split()) <= STORY_OUTLET_MAX_WORDS and not _SENTENCE_END.search(above.text):
        _mark(above, "pasted_story")


def _is_prose(text: str) -> bool:
    """A line that reads as running text: enough words and a sentence end, or many words."""
    if _LIST_ITEM.match(text):
        return False
    words = len(text.split())
    return words >= PROSE_ANY_WORDS or (words >= PROSE_MIN_WORDS and bool(_PROSE_END.search(text)))


def _merge(lines: list[_Line], length: int) -> tuple[Section, ...]:
    """Adjacent lines with the same label and kind → one section; blank lines join the one above."""
    sections: list[Section] = []
    current: tuple[str, str] | None = None
    start = 0
    for line in lines:
        if not line.text:
            continue
        key = (line.label, line.kind)
        if current is None:
            current = key
        elif key != current:
            sections.append(Section(start, line.start, *current))
            start, current = line.start, key
    if current is None:  # whitespace only
        current = ("body", "body")
    sections.append(Section(start, length, *current))
    return tuple(sections)
