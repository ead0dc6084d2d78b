"""salient fetch: feeds and URLs → corpus files and manifest rows, against a real local server.

One HTTP server on 127.0.0.1 (a thread) serves two overlapping feeds, their articles, a mirror
of one story under another URL, and pages that fail in every way a fetch must survive: 404,
500-then-200, no answer, not HTML, too large (declared and streamed), a redirect loop, a redirect
to file://, a path robots.txt disallows. The article texts were written for these tests.
"""

from __future__ import annotations

import contextlib
import csv
import doctest
import io
import itertools
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salient import cli
from salient.ingest import fetch, fetch_http
from salient.ingest.corpus import load_corpus
from salient.ingest.fetch_http import FetchOptions
from salient.run import runner

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 50_000
# Fast and still bounded: a page that never answers costs 2 × 0.4 s.
TEST_OPTIONS = FetchOptions(
    timeout_s=0.4,
    retries=1,
    backoff_s=0.01,
    host_delay_s=0.0,
    max_bytes=MAX_BYTES,
    allow_private=True,
)

RETREAT = (
    "Ukrainian units pull back from Sudzha",
    [
        "Ukrainian forces held about 400 square kilometres of the Kursk region on March 10, 2025, "
        "down from roughly 1,300 square kilometres in the autumn, the general staff said.",
        "Commanders described the withdrawal as orderly and said supply roads had come under "
        "constant drone fire during the previous week.",
    ],
)
ADVANCE = (
    "Moscow claims gains near the border",
    [
        "Russia said on March 12, 2025 that its troops had retaken 90 square kilometres near "
        "Sudzha in three days of fighting.",
        "The claim could not be checked independently, and Ukrainian officials did not comment "
        "on the figure on Wednesday evening.",
    ],
)
SUPPLY = (
    "Supply lines strained in Kursk",
    [
        "Drivers on the last open road into the Kursk salient said fibre-optic drones now hunt "
        "trucks at night as well as by day.",
        "Engineers are building covered corridors of netting over the route, a logistics officer "
        "told reporters on March 9, 2025.",
    ],
)
FLAKY = (
    "Evacuations continue from border villages",
    [
        "Local officials said on March 11, 2025 that about 2,000 residents had left villages close "
        "to the border since the start of the month.",
        "Buses leave twice a day from the main square, and volunteers bring those who cannot walk "
        "to the collection point.",
    ],
)
TALKS = (
    "Envoys prepare for ceasefire talks",
    [
        "Diplomats said on March 13, 2025 that a first round of talks on a partial ceasefire could "
        "take place within two weeks in a neutral capital.",
        "Both sides have set conditions that the other has so far rejected, according to people "
        "familiar with the preparations.",
    ],
)


def article_html(story: tuple[str, list[str]], *, extra_nav: str = "", charset: str = "") -> str:
    """A plain news page: navigation, headline, paragraphs, footer."""
    title, paragraphs = story
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a>{extra_nav}</nav>"
        f"<article><h1>{title}</h1>\n{body}\n</article>"
        "<footer>Test Gazette, all rights reserved.</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """RSS 2.0 with (link, title, pubDate) items; links may be relative to the feed."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for link, t, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>{entries}</channel></rss>"
    )


def atom(title: str, base: str, items: list[tuple[str, str, str]]) -> str:
    """Atom with (absolute link, title, RFC 3339 date) entries."""
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>{date}</updated>'
        "</entry>"
        for link, t, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>{base}/feeds/two.atom</id><updated>2025-03-13T00:00:00Z</updated>"
        f"{entries}</feed>"
    )


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True


@dataclass
class Site:
    """The routes of the local server: path → function of the hit count → Reply."""

    routes: dict[str, Callable[[int], Reply]] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    times: list[tuple[str, float]] = field(default_factory=list)  # (path, monotonic time)
    release: threading.Event = field(default_factory=threading.Event)
    base: str = ""

    def html(self, path: str, text: str, content_type: str = "text/html; charset=utf-8") -> None:
        self.routes[path] = lambda _: Reply(
            body=text.encode("utf-8"), headers={"Content-Type": content_type}
        )


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path  # routes ignore the query string
            site.hits[path] += 1
            site.times.append((path, time.monotonic()))
            route = site.routes.get(path)
            reply = route(site.hits[path]) if route else Reply(404, b"not here")
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.send_length:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (size limit): fine
                self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:  # keep pytest's output clean
            pass

    return Handler


def hang(site: Site) -> Callable[[int], Reply]:
    def reply(_: int) -> Reply:
        site.release.wait(5)  # answers only after the test is over
        return Reply(body=b"too late")

    return reply


def build_site(site: Site) -> None:
    base = site.base
    site.routes["/robots.txt"] = lambda _: Reply(
        body=b"User-agent: salient\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n",
        headers={"Content-Type": "text/plain"},
    )
    site.html("/news/retreat", article_html(RETREAT))
    site.html("/news/advance", article_html(ADVANCE))
    site.html("/news/supply", article_html(SUPPLY))
    site.html("/news/talks", article_html(TALKS))
    # The retreat story again under another URL, with different page furniture.
    site.html(
        "/mirror/retreat-story", article_html(RETREAT, extra_nav=" <a href='/sport'>Sport</a>")
    )
    site.routes["/news/flaky"] = lambda hit: (
        Reply(500, b"busy")
        if hit == 1
        else Reply(body=article_html(FLAKY).encode(), headers={"Content-Type": "text/html"})
    )
    site.html("/private/memo", article_html(TALKS))
    site.routes["/hang"] = hang(site)
    site.routes["/report.pdf"] = lambda _: Reply(
        body=b"%PDF-1.4 fake", headers={"Content-Type": "application/pdf"}
    )
    huge = b"<html><body>" + b"<p>words words words</p>" * 4000 + b"</body></html>"
    site.routes["/huge"] = lambda _: Reply(body=huge, headers={"Content-Type": "text/html"})
    site.routes["/huge-stream"] = lambda _: Reply(
        body=huge, headers={"Content-Type": "text/html"}, send_length=False
    )
    site.routes["/loop-a"] = lambda _: Reply(302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = lambda _: Reply(302, headers={"Location": f"{base}/loop-a"})
    site.routes["/to-file"] = lambda _: Reply(302, headers={"Location": "file:///etc/passwd"})
    kyiv = timezone(timedelta(hours=2))
    one = rss(
        "Test Gazette",
        [
            (
                "/news/retreat?utm_source=rss",
                RETREAT[0],
                format_datetime(datetime(2025, 3, 11, 1, 30, tzinfo=kyiv)),
            ),
            ("/news/advance", ADVANCE[0], "Wed, 12 Mar 2025 18:00:00 +0000"),
            ("/news/flaky", FLAKY[0], "Tue, 11 Mar 2025 09:00:00 +0000"),
            ("/news/missing", "A story that was taken down", "Tue, 11 Mar 2025 10:00:00 +0000"),
            ("/private/memo", "A page robots.txt keeps out", "Tue, 11 Mar 2025 11:00:00 +0000"),
        ],
    )
    two = atom(
        "Border Monitor",
        base,
        [
            (f"{base}/news/advance#comments", ADVANCE[0], "2025-03-12T18:00:00Z"),
            (f"{base}/news/supply", SUPPLY[0], "2025-03-09T12:00:00+02:00"),
            (f"{base}/mirror/retreat-story", RETREAT[0], "2025-03-11T08:00:00Z"),
        ],
    )
    site.routes["/feeds/one.rss"] = lambda _: Reply(
        body=one.encode(), headers={"Content-Type": "application/rss+xml"}
    )
    site.routes["/feeds/two.atom"] = lambda _: Reply(
        body=two.encode(), headers={"Content-Type": "application/atom+xml"}
    )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    """The local server, running for the whole module."""
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_port}"
    build_site(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.release.set()
    server.shutdown()
    server.server_close()


FAILING = ["/hang", "/report.pdf", "/huge", "/huge-stream", "/loop-a", "/to-file"]


def feeds_file(folder: Path, site: Site) -> Path:
    path = folder / "feeds.txt"
    path.write_text(
        "# outlets we follow\n"
        f"{site.base}/feeds/one.rss  Test Gazette (English)\n"
        "\n"
        f"{site.base}/feeds/two.atom\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def first(site: Site, tmp_path_factory) -> dict:
    """One fetch of both feeds plus the failing URLs into a new corpus folder."""
    root = tmp_path_factory.mktemp("fetch")
    corpus = root / "corpus"
    progress = io.StringIO()
    feeds = fetch.read_feeds_file(feeds_file(root, site))
    started = time.perf_counter()
    summary = fetch.fetch_corpus(
        corpus,
        feeds=feeds,
        urls=[site.base + path for path in FAILING],
        options=TEST_OPTIONS,
        progress=progress,
    )
    seconds = time.perf_counter() - started
    return {
        "root": root,
        "corpus": corpus,
        "summary": summary,
        "progress": progress.getvalue(),
        "seconds": seconds,
    }


def manifest_rows(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# --- the first fetch ----------------------------------------------------------------------------


def test_new_articles_are_saved_once_each_with_their_feed_metadata(first, site):
    rows = {row["url"].removeprefix(site.base): row for row in manifest_rows(first["corpus"])}
    assert sorted(rows) == ["/news/advance", "/news/flaky", "/news/retreat", "/news/supply"]
    retreat = rows["/news/retreat"]
    assert retreat["file"] == fetch.article_file_name(RETREAT[0], site.base + "/news/retreat")
    assert retreat["file"].startswith("ukrainian-units-pull-back-from-sudzha_")
    # 01:30 in Kyiv is still the 10th in UTC: the outlet's own date is kept.
    assert retreat["published"] == "2025-03-11"
    assert retreat["outlet"] == "Test Gazette (English)"  # the feeds file names the outlet
    assert retreat["title"] == RETREAT[0]
    assert retreat["http_status"] == "200"
    # The URL asked for (tracking parameter dropped), then the mirror found to carry the same text.
    assert retreat["requested_url"] == f"{site.base}/news/retreat {site.base}/mirror/retreat-story"
    assert rows["/news/supply"]["outlet"] == "Border Monitor"  # the Atom feed's own title
    assert rows["/news/supply"]["published"] == "2025-03-09"
    assert rows["/news/advance"]["outlet"] == "Test Gazette (English)"  # first feed listing it wins
    for row in rows.values():
        assert (first["corpus"] / row["file"]).read_bytes() == site.routes[
            row["url"].removeprefix(site.base)
        ](2).body
        assert len(row["content_sha256"]) == 64
        assert datetime.strptime(row["fetched_at"], "%Y-%m-%dT%H:%M:%SZ")


def test_manifest_columns_start_with_those_corpus_reads(first):
    header = (first["corpus"] / "manifest.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (
        header
        == "file,published,outlet,url,title,fetched_at,http_status,content_sha256,requested_url"
    )
    assert sorted(p.name for p in first["corpus"].iterdir()) == sorted(
        [row["file"] for row in manifest_rows(first["corpus"])] + ["manifest.csv"]
    )  # no temporary file left behind


def test_summary_counts_new_had_and_failed_with_reasons(first, site):
    summary = first["summary"]
    assert len(summary.new) == 4
    assert summary.already_had == [site.base + "/mirror/retreat-story"]
    reasons = {url.removeprefix(site.base): reason for url, reason in summary.failed}
    assert reasons == {
        "/news/missing": "HTTP 404 Not Found",
        "/private/memo": "disallowed by robots.txt",
        "/hang": "timed out after 0.4 s (2 attempts)",
        "/report.pdf": "not HTML (content type application/pdf)",
        "/huge": f"response too large (96026 bytes > {MAX_BYTES})",
        "/huge-stream": f"response too large (over {MAX_BYTES} bytes)",
        "/loop-a": f"redirect loop (2 hops back to {site.base}/loop-a)",
        "/to-file": "not an http(s) URL: file:///etc/passwd",
    }
    text = fetch.format_summary(summary, first["corpus"])
    assert text.splitlines()[0] == f"4 new, 1 already had, 8 failed (corpus {first['corpus']})"
    assert f"  failed: {site.base}/news/missing: HTTP 404 Not Found" in text
    assert fetch.exit_code(summary) == 0  # failures are listed; the run can go on


def test_server_errors_are_retried_and_robots_is_read_once(first, site):
    assert site.hits["/news/flaky"] == 2  # 500, then 200 on the retry
    assert site.hits["/news/missing"] == 1  # a 404 is not retried
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/memo"] == 0
    assert site.hits["/loop-a"] == 1 and site.hits["/loop-b"] == 1


def test_progress_goes_one_line_per_feed_and_url(first, site):
    lines = first["progress"].splitlines()
    assert lines[0] == f"feed {site.base}/feeds/one.rss: 5 entries"
    assert lines[1] == f"feed {site.base}/feeds/two.atom: 3 entries"
    assert len(lines) == 2 + 13  # 5 + 3 entries, 1 shared, plus 6 URLs given
    assert lines[-1].startswith("[13/13] FAILED  ") and lines[-1].endswith(
        "not an http(s) URL: file:///etc/passwd"
    )
    assert first["seconds"] < 5


def test_fetched_corpus_reads_with_the_manifest_metadata(first):
    corpus = load_corpus(first["corpus"])
    assert list(corpus.ingest["status"]) == ["parsed"] * 4
    by_title = {article.title: article for article in corpus.articles}
    retreat = by_title[RETREAT[0]]
    assert retreat.published.basis == "manifest" and retreat.published.value == "2025-03-11"
    assert retreat.outlet == "Test Gazette (English)"
    assert "about 400 square kilometres" in retreat.text


# --- the second fetch ---------------------------------------------------------------------------


def test_second_fetch_adds_nothing_and_leaves_the_manifest_untouched(first, site, capsys):
    before = snapshot(first["corpus"])
    article_hits = site.hits["/news/retreat"]
    build = first["root"] / "build"
    args = ["fetch", "--corpus", str(first["corpus"]), "--feeds", str(first["root"] / "feeds.txt"),
            "--build", str(build), "--delay", "0", "--allow-private"]  # fmt: skip
    assert cli.main(args) == 0
    assert snapshot(first["corpus"]) == before
    assert site.hits["/news/retreat"] == article_hits  # known URLs are not downloaded again
    out = capsys.readouterr()
    assert out.out.startswith("0 new, 5 already had, 2 failed")  # the 404 and robots.txt
    assert site.hits["/mirror/retreat-story"] == 1  # remembered as the retreat story's alias
    assert "[1/7] had     " in out.err
    log = (build / "fetch.log").read_text(encoding="utf-8")
    assert "already had" in log and "failed" in log and "done: 0 new" in log


def test_loopback_is_refused_unless_allowed(site, tmp_path):
    summary = fetch.fetch_corpus(
        tmp_path / "c", urls=[site.base + "/news/talks"], options=FetchOptions(host_delay_s=0)
    )
    [(_, reason)] = summary.failed
    assert (
        reason
        == "127.0.0.1 is a private or loopback address (127.0.0.1); allow it with --allow-private"
    )
    assert fetch.exit_code(summary) == 1  # everything asked for failed
    assert not (tmp_path / "c" / "manifest.csv").exists()


def test_requests_to_one_host_are_spaced_by_the_delay(site, tmp_path):
    urls = [site.base + "/news/talks", site.base + "/news/supply"]
    started = len(site.times)
    fetch.fetch_corpus(tmp_path, urls=urls, options=replace(TEST_OPTIONS, host_delay_s=0.3))
    paths, times = zip(*site.times[started:], strict=True)
    assert paths == ("/robots.txt", "/news/talks", "/news/supply")
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.29


def test_a_feed_that_fails_is_reported_and_the_rest_goes_on(site, tmp_path):
    feeds = [
        fetch.FeedSpec(site.base + "/feeds/gone.rss"),
        fetch.FeedSpec(site.base + "/news/talks"),
    ]
    summary = fetch.fetch_corpus(
        tmp_path, feeds=feeds, urls=[site.base + "/news/supply"], options=TEST_OPTIONS
    )
    assert summary.failed == [
        (site.base + "/feeds/gone.rss", "feed: HTTP 404 Not Found"),
        (
            site.base + "/news/talks",
            "feed: not a feed: text/html; charset=utf-8 is not an XML media type",
        ),
    ]
    assert len(summary.new) == 1 and fetch.exit_code(summary) == 0


def test_bad_input_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["fetch", "--corpus", str(tmp_path / "c"), "--build", str(tmp_path)]) == 2
    assert "nothing to fetch" in capsys.readouterr().err
    args = [
        "fetch",
        "--corpus",
        str(tmp_path),
        "--feeds",
        str(tmp_path / "nope.txt"),
        "--build",
        str(tmp_path),
    ]
    assert cli.main(args) == 2
    assert "cannot read feeds file" in capsys.readouterr().err


def test_existing_manifest_rows_and_columns_are_kept(site, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "old.txt").write_text("Bridge repairs finished early, the council said on Monday.\n")
    (corpus / "manifest.csv").write_text(
        'File,URL,basis\nold.txt,,"typed in, by hand"\n', encoding="utf-8"
    )
    summary = fetch.fetch_corpus(corpus, urls=[site.base + "/news/talks"], options=TEST_OPTIONS)
    assert len(summary.new) == 1
    lines = (corpus / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert (
        lines[0]
        == "File,URL,basis,published,outlet,title,fetched_at,http_status,content_sha256,requested_url"
    )
    assert lines[1] == 'old.txt,,"typed in, by hand"'
    assert lines[2].startswith(f"{summary.new[0]},{site.base}/news/talks,,,,,")
    assert load_corpus(corpus).ingest["status"].tolist() == ["parsed", "parsed"]


def test_declared_charset_is_saved_as_utf8(site, tmp_path):
    story = (
        "Зведення з Курщини",
        ["Українські підрозділи утримували близько 400 квадратних кілометрів, повідомили в штабі."]
        * 2,
    )
    site.routes["/uk/story"] = lambda _: Reply(
        body=article_html(story, charset="windows-1251").encode("cp1251"),
        headers={"Content-Type": "text/html"},
    )
    summary = fetch.fetch_corpus(tmp_path, urls=[site.base + "/uk/story"], options=TEST_OPTIONS)
    [name] = summary.new
    assert name.startswith("zvedennia-z-kurshchini_")
    assert "близько 400 квадратних" in (tmp_path / name).read_text(encoding="utf-8")


# --- interrupted --------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupted_fetch_leaves_a_valid_manifest_of_complete_files(site, tmp_path, signum):
    """Ctrl-C or a kill (sent by the server) arrives while the third article is downloading."""
    site.routes["/feeds/interrupt.rss"] = lambda _: Reply(
        body=rss("Test Gazette", [
            ("/news/talks", TALKS[0], ""), ("/news/supply", SUPPLY[0], ""),
            ("/ctrl-c", "The page during which the analyst presses Ctrl-C", ""),
            ("/news/advance", ADVANCE[0], ""),
        ]).encode(),
        headers={"Content-Type": "application/rss+xml"},
    )  # fmt: skip
    process: dict[str, subprocess.Popen] = {}

    def interrupt(_: int) -> Reply:
        process["fetch"].send_signal(signum)
        time.sleep(0.2)
        return Reply(body=article_html(FLAKY).encode(), headers={"Content-Type": "text/html"})

    site.routes["/ctrl-c"] = interrupt
    corpus = tmp_path / "corpus"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(site.base + "/feeds/interrupt.rss\n", encoding="utf-8")
    process["fetch"] = subprocess.Popen(
        [sys.executable, "-m", "salient", "fetch", "--corpus", str(corpus), "--feeds", str(feeds),
         "--build", str(tmp_path), "--delay", "0", "--allow-private"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    out, err = process["fetch"].communicate(timeout=30)
    assert process["fetch"].returncode == 130, err
    assert out.startswith("2 new, 0 already had, 0 failed")
    assert "interrupted; the manifest lists only complete files" in err
    rows = manifest_rows(corpus)
    assert [row["url"] for row in rows] == [site.base + "/news/talks", site.base + "/news/supply"]
    assert sorted(p.name for p in corpus.iterdir()) == sorted(
        [r["file"] for r in rows] + ["manifest.csv"]
    )
    assert (corpus / rows[0]["file"]).read_bytes() == site.routes["/news/talks"](1).body


# --- the fetched corpus runs --------------------------------------------------------------------


def test_run_on_the_fetched_corpus_produces_figures(first, tmp_path):
    result = runner.run_notebooks(
        corpus_dir=first["corpus"],
        out_dir=tmp_path / "figures",
        build_dir=tmp_path / "build",
        notebooks_dir=ROOT / "notebooks",
        only="territory",
    )
    assert result.status == "ran"
    assert (tmp_path / "figures" / "territory.png").stat().st_size > 10_000
    with (tmp_path / "figures" / "territory.csv").open(encoding="utf-8") as handle:
        claims = list(csv.DictReader(handle))
    retreat = fetch.article_file_name(RETREAT[0], "").rsplit("_", 1)[0]
    assert any(
        row["article_id"].startswith(retreat) and float(row["value_best"]) == 400 for row in claims
    )
    ingest = (tmp_path / "figures" / "ingest.csv").read_text(encoding="utf-8")
    assert ingest.count(",parsed,") == 4


# --- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [fetch, fetch_http])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_feeds_file_lines_comments_and_outlets(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text(
        "\ufeff# comment\nhttps://a.example/rss\n  https://b.example/feed.xml   Border Monitor  # daily\n\n",
        encoding="utf-8",
    )
    assert fetch.read_feeds_file(path) == [
        fetch.FeedSpec("https://a.example/rss", ""),
        fetch.FeedSpec("https://b.example/feed.xml", "Border Monitor"),
    ]


@settings(max_examples=100, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
    host=st.from_regex(r"[A-Za-z0-9.-]{0,20}", fullmatch=True),
    rest=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40),
)
def test_canonical_url_never_raises_and_is_stable(scheme, host, rest):
    url = f"{scheme}://{host}/{rest}"
    once = fetch.canonical_url(url)
    assert "#" not in once  # fragments never make two URLs differ
    assert fetch.canonical_url(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_entry_date_is_an_iso_day_or_empty(raw):
    value = fetch.entry_date({"published": raw})
    assert value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
