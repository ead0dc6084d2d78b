"""Worst-case timing: extraction on generated pathological inputs at growing sizes.

Usage: python benchmarks/pathological.py [--sizes 1,10,100,1000] [--shapes prose,digits]
                                         [--timeout 60]

Each shape is a kind of input that real scrapes produce and that once made extraction superlinear
(issue 8). Every (shape, size) runs in a fresh process under `--timeout` seconds, so one slow case
cannot stall the table; the time covers reading the file (decode, HTML, sections, publication
date), the claims, the drone mentions and the articles-table row. The table prints seconds and
milliseconds per KB at each size, so growth is visible: linear code keeps ms/KB flat.

The generators are deterministic (seeded) and also feed tests/test_pathological.py.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

KB = 1000  # decimal units: 5 MB is the loader's default size limit, 5,000,000 bytes
DEFAULT_SIZES_KB = (1, 10, 100, 1000)
HTML_PAGE_EXTRA_KB = 5000  # "a 5 MB HTML page"


def _words(text: str) -> list[str]:
    return text.split()


_PROSE = _words(
    "russian troops advanced near sudzha on tuesday while ukrainian forces said about 300 soldiers "
    "were killed and 12 tanks destroyed according to the ministry of defence in kyiv officials "
    "estimated that between 5,000 and 7,000 north korean troops held 40 square kilometres since "
    "march 2025 the general staff reported that fpv drones struck positions near the border"
)
_CYRILLIC = _words("войска продвинулись возле Суджи во вторник около 300 солдат Курской области")
_KOREAN = _words("러시아 군대 는 수요일 쿠르스크 근처 에서 약 300 명 의 병사 북한")
_EMOJI = ["🙂", "🔥", "🇺🇦", "💥", "🚀", "👍🏽", "❤️", "🛰️"]
_CONTROLS = ["\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\ufeff", "\t"]
_PUNCTUATION = [".", "…", "!", "?", "-", ",", ";", ":", "*", "•", "—"]


def _fill(make_piece: Callable[[random.Random], str], n_bytes: int) -> str:
    """Concatenate pieces until `n_bytes` UTF-8 bytes, then cut to exactly that (whole chars)."""
    rng = random.Random(n_bytes)
    parts, size = [], 0
    while size < n_bytes:
        piece = make_piece(rng)
        parts.append(piece)
        size += len(piece.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:n_bytes].decode("utf-8", errors="ignore")


def unpunctuated_prose(n_bytes: int) -> str:
    """One line of news-like words without a sentence end (markup carried the breaks)."""
    return _fill(lambda rng: rng.choice(_PROSE) + " ", n_bytes)


def digit_lists(n_bytes: int) -> str:
    """A flattened table: digit groups and number lists, separated by spaces and commas."""

    def piece(rng: random.Random) -> str:
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 8)))
        return digits + rng.choice([" ", " ", " ", ", ", " - ", " to ", "  "])

    return _fill(piece, n_bytes)


def punctuation_runs(n_bytes: int) -> str:
    """Leaders and separators: long runs of dots, with runs of other punctuation."""

    def piece(rng: random.Random) -> str:
        mark = "." if rng.random() < 0.6 else rng.choice(_PUNCTUATION)
        return mark * rng.randint(1, 2000) + rng.choice(["", "", " ", " A"])

    return _fill(piece, n_bytes)


def long_words(n_bytes: int) -> str:
    """Words of thousands of letters, capitalised or not, some with digits inside."""

    def piece(rng: random.Random) -> str:
        length = rng.randint(1000, 20000)
        letter = rng.choice("aAkKrR")
        body = (letter.lower() + rng.choice(["", "1", "'", "-"])) * (length // 2)
        return letter.upper() + body + rng.choice([" ", ". ", ", "])

    return _fill(piece, n_bytes)


def short_lines(n_bytes: int) -> str:
    """Thousands of short lines: numbers, headings, list items, fragments."""

    def piece(rng: random.Random) -> str:
        return rng.choice(
            ["12", "KURSK", "A.", "- 300 troops", "Read more:", "1.", "Sudzha", "…", "* 5 km", ""]
        ) + rng.choice(["\n", "\n", "\n\n"])

    return _fill(piece, n_bytes)


def nested_html(n_bytes: int) -> str:
    """An HTML page whose body is one deep nest of divs and spans around a little prose."""
    prose = "<p>" + " ".join(_PROSE) + ".</p>"
    head = "<!DOCTYPE html><html><head><title>Nested</title></head><body>"
    tail = "</body></html>"
    pair = len("<div><span>") + len("</span></div>")
    depth = max(1, (n_bytes - len(head) - len(tail) - len(prose)) // pair)
    return head + "<div><span>" * depth + prose + "</span></div>" * depth + tail


def html_page(n_bytes: int) -> str:
    """A large ordinary page: scripts, styles, navigation, many paragraphs and a table."""
    sentences = [
        "Russian troops advanced near Sudzha on Tuesday, the ministry said.",
        "About 300 soldiers were killed and 12 tanks destroyed, officials in Kyiv estimated.",
        "Between 5,000 and 7,000 North Korean troops held 40 square kilometres in March 2025.",
        "FPV drones struck positions near the border, the General Staff reported.",
    ]

    def piece(rng: random.Random) -> str:
        kind = rng.random()
        if kind < 0.1:
            return "<script>var x = [" + ",".join(str(i) for i in range(200)) + "];</script>\n"
        if kind < 0.2:
            return "<nav><ul>" + "<li><a href='/a'>Section</a></li>" * 20 + "</ul></nav>\n"
        if kind < 0.3:
            return "<table>" + "<tr><td>12</td><td>345</td></tr>" * 20 + "</table>\n"
        return "<p>" + " ".join(rng.choice(sentences) for _ in range(6)) + "</p>\n"

    head = "<!DOCTYPE html><html><head><title>Front line report</title></head><body><article>\n"
    tail = "</article></body></html>\n"
    return head + _fill(piece, n_bytes - len(head) - len(tail)) + tail


def mixed_scripts(n_bytes: int) -> str:
    """Cyrillic, Korean, emoji and English words with numbers and sentence ends, in lines."""

    def piece(rng: random.Random) -> str:
        pool = rng.choice([_CYRILLIC, _KOREAN, _EMOJI, _PROSE])
        end = rng.choice([" ", " ", ". ", "! ", "\n", "。"])
        return rng.choice(pool) + end

    return _fill(piece, n_bytes)


def control_characters(n_bytes: int) -> str:
    """Prose sprinkled with control and separator characters (kept under the binary threshold)."""

    def piece(rng: random.Random) -> str:
        word = rng.choice(_PROSE)
        return word + (rng.choice(_CONTROLS) if rng.random() < 0.08 else " ")

    return _fill(piece, n_bytes)


# Shape name → (file suffix, generator). The suffix decides how the loader reads the file.
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "prose": (".txt", unpunctuated_prose),
    "digits": (".txt", digit_lists),
    "punctuation": (".txt", punctuation_runs),
    "long_words": (".txt", long_words),
    "short_lines": (".txt", short_lines),
    "nested_html": (".html", nested_html),
    "html_page": (".html", html_page),
    "mixed_scripts": (".txt", mixed_scripts),
    "control_chars": (".txt", control_characters),
}


def write_shape(folder: Path, shape: str, n_bytes: int) -> Path:
    """Write one generated input into `folder`; returns its path."""
    suffix, generate = SHAPES[shape]
    path = folder / f"{shape}_{n_bytes}{suffix}"
    path.write_bytes(generate(n_bytes).encode("utf-8"))
    return path


def time_file(path: Path) -> dict[str, float]:
    """Seconds spent on each stage of one file's extraction, and the counts found."""
    from salient.extract.claims import extract_article
    from salient.extract.drones import extract_drone_mentions
    from salient.ingest.corpus import articles_table, read_article

    t0 = time.process_time()
    article, _ = read_article(path)
    t1 = time.process_time()
    if article is None:
        return {"read": t1 - t0, "claims": 0.0, "drones": 0.0, "table": 0.0, "skipped": 1}
    n_claims = len(extract_article(article))
    t2 = time.process_time()
    n_mentions = len(extract_drone_mentions(article))
    t3 = time.process_time()
    articles_table([article])
    t4 = time.process_time()
    return {
        "read": t1 - t0,
        "claims": t2 - t1,
        "drones": t3 - t2,
        "table": t4 - t3,
        "n_claims": n_claims,
        "n_mentions": n_mentions,
    }


def _warm_up(folder: Path) -> None:
    """Import and compile everything once, so the first timed size pays no start-up costs."""
    page = folder / "warm.html"
    page.write_text(html_page(3000), encoding="utf-8")
    time_file(page)
    prose = folder / "warm.txt"
    prose.write_text("Russian troops held 40 square kilometres, officials said.\n" * 3)
    time_file(prose)


def _one(shape: str, n_bytes: int) -> None:
    """Child process: time one (shape, size) and print the result as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        _warm_up(Path(tmp))
        path = write_shape(Path(tmp), shape, n_bytes)
        print(json.dumps(time_file(path)))


def measure(shape: str, n_bytes: int, timeout: float) -> dict[str, float] | None:
    """Time one case in a fresh process; None when it ran past `timeout` seconds."""
    command = [sys.executable, __file__, "--one", shape, str(n_bytes)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(result: dict[str, float] | None, n_bytes: int, timeout: float) -> str:
    if result is None:
        return f"> {timeout:.0f} s".rjust(20)
    total = sum(result[k] for k in ("read", "claims", "drones", "table"))
    return f"{total:8.3f} s {1000 * total / (n_bytes / KB):7.3f}".rjust(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES_KB))
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    parser.add_argument("--detail", action="store_true", help="print per-stage seconds")
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], int(args.one[1]))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print("time per case: seconds, then ms per KB (flat = linear)")
    print(f"{'shape':<14}" + "".join(f"{str(s) + ' KB':>20}" for s in sizes))
    for shape in args.shapes.split(","):
        shape_sizes = sizes + ([HTML_PAGE_EXTRA_KB] if shape == "html_page" else [])
        cells, details, timed_out = [], [], False
        for size in shape_sizes:
            n_bytes = size * KB
            result = None if timed_out else measure(shape, n_bytes, args.timeout)
            timed_out = result is None  # a larger size would time out too
            cells.append(_cell(result, n_bytes, args.timeout))
            details.append((size, result))
        extra = (
            f"   ({HTML_PAGE_EXTRA_KB} KB: {cells.pop().strip()})" if shape == "html_page" else ""
        )
        print(f"{shape:<14}" + "".join(cells) + extra, flush=True)
        if args.detail:
            for size, result in details:
                if result:
                    stages = ", ".join(f"{k} {v:.3f}" for k, v in result.items())
                    print(f"    {size} KB: {stages}")


if __name__ == "__main__":
    main()
