"""Interactive charts and tables: their specs, the report's handling of them, and a hostile corpus
run end to end and opened in headless Chromium (hover shows the quote; no injected script runs)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from salient.analysis import review, views
from salient.output import interactive, report
from salient.run import pipeline, runner
from salient.schemas import DRONE_MENTIONS

from tests.factories import frame, make_claim, validated

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Written for these tests: markup and script where article text, sources, titles and URLs go.
MARKUP_ARTICLE = (
    "# Kursk update <script>window.__pwned = 1</script>\n\n"
    "On March 3, 2025, Ukrainian forces held about 500 square kilometres of the Kursk region "
    '<img src=x onerror="window.__pwned=2">, the general staff said.\n\n'
    "Russia had gathered 50,000 troops around Kursk <script>window.__pwned = 5</script> by then, "
    'according to <a href="javascript:window.__pwned=3">a military analyst</a>.\n\n'
    'Drone units flew FPV drones over Kursk <b onmouseover="window.__pwned=6">every night</b>.\n'
)
PLAIN_ARTICLE = (
    "Kursk note\n\n"
    "On March 5, 2025, Ukrainian forces held about 450 square kilometres of the Kursk region, "
    "the general staff said.\n"
)
MANIFEST = (
    "file,published,outlet,url,title\n"
    'kursk_markup.md,2025-03-04,"<img src=x onerror=window.__pwned=7>",'
    'javascript:window.__pwned=4,"<script>window.__pwned=8</script>"\n'
    "kursk_plain.txt,2025-03-06,Plain Outlet,https://example.org/kursk-note,Kursk note\n"
)
# Live markup from the articles: a tag (a real "<", not "&lt;") carrying their script.
INJECTED = re.compile(
    r"<script>window\.__pwned|<[a-z][^<>]*\b(?:onerror|onmouseover)=|<a\b[^<>]*javascript:", re.I
)


class LinkCollector(HTMLParser):
    """Every href and every on* attribute of the real tags in a page (text is not tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "href" and value is not None:
                self.hrefs.add(value)
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")


def write_hostile_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "kursk_markup.md").write_text(MARKUP_ARTICLE, encoding="utf-8")
    (folder / "kursk_plain.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    (folder / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    return folder


# --- specs and tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/a", None),
        ("https://example.org/a b", None),
        ('https://example.org/"onmouseover="x', None),
        ("ftp://example.org", None),
        ("", None),
        (float("nan"), None),
    ],
)
def test_only_http_urls_become_links(url, expected):
    assert interactive.safe_url(url) == expected


@pytest.fixture(scope="module")
def hostile_extraction(tmp_path_factory):
    return pipeline.extract_corpus(write_hostile_corpus(tmp_path_factory.mktemp("h") / "corpus"))


def test_claims_chart_carries_tooltips_links_and_selectors(hostile_extraction):
    ex = hostile_extraction
    chart = interactive.claims_chart(
        ex.views["territory"], ex.articles, title="Area", y_title="km²", name="territory"
    )
    spec = chart.to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [(v["quantity_text"], v["url"]) for v in values] == [
        ("500 square kilometres", None),  # its manifest URL is javascript: → no link
        ("450 square kilometres", "https://example.org/kursk-note"),
    ]
    assert values[0]["as_of_shown"] == "2025-03-03 (day precision, from explicit)"
    points = spec["layer"][1]["encoding"]
    assert [t["title"] for t in points["tooltip"]] == [
        "Value",
        "Range",
        "Hedge",
        "As of",
        "Source",
        "Quote",
        "Sentence",
        "Review",
        "Claim",
    ]
    assert points["href"] == {"field": "url", "type": "nominal"}
    assert [p["name"] for p in spec["params"]] == [
        "territory_side",
        "territory_source",
        "territory_hedge",
        "territory_zoom",
    ]
    assert spec["params"][1]["bind"]["options"] == [
        None,
        "<img src=x onerror=window.__pwned=7>",  # data, not markup: vega-tooltip escapes it
        "Plain Outlet",
    ]


def test_tables_escape_article_text_and_have_fixed_ids(hostile_extraction):
    html = interactive.table(hostile_extraction.views["troops"], "Troops view").data
    assert 'id="table-troops-view"' in html
    assert "&lt;script&gt;window.__pwned = 5&lt;/script&gt;" in html
    assert INJECTED.search(html) is None
    again = interactive.table(hostile_extraction.views["troops"], "Troops view").data
    assert again == html


def test_report_turns_charts_into_inert_json_and_inlines_each_bundle_once(tmp_path):
    spec = {"mark": "point", "data": {"values": [{"q": "</script><script>alert(1)</script>"}]}}
    init = new_output("display_data", data={"text/html": "<script>injectModule(x)</script>"})
    chart = new_output("display_data", data={report.VEGALITE_MIME: spec, "text/plain": "chart"})
    table = new_output("display_data", data={"text/html": "<table></table>new ITable(t)"})
    paths = []
    for name in ("01_a", "02_b"):
        nb = new_notebook(cells=[new_code_cell("x", outputs=[init, chart, table])])
        paths.append(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, paths[-1])
    html = report.render_report(paths, None, tmp_path / "report.html").read_text()
    assert html.count("injectModule(") == 2  # itables' own bundle: defined and called once
    assert html.count("vegaEmbed(el") == 1 and html.count('class="vega-chart"') == 2
    specs = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html)
    assert [name for name, _ in specs] == ["01-a-chart-1-spec", "02-b-chart-2-spec"]
    assert json.loads(specs[0][1]) == spec
    assert "alert(1)</script>" not in html
    second = report.render_report(paths, None, tmp_path / "again.html").read_text()
    assert second == html


# --- a hostile corpus through `salient run`, then in a browser -----------------------------------


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("run")
    result = runner.run_notebooks(
        corpus_dir=write_hostile_corpus(root / "corpus"),
        out_dir=root / "figures",
        build_dir=root / "build",
        notebooks_dir=NOTEBOOKS,
    )
    return result.report


def test_report_holds_no_live_markup_from_articles(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    assert INJECTED.search(html) is None
    assert "450 square kilometres" in html and "500 square kilometres" in html
    links = LinkCollector()
    links.feed(html)
    assert {h for h in links.hrefs if not h.startswith("#")} == {
        "https://itables.org/",  # itables' own links in its no-JavaScript fallback
        "https://itables.org/troubleshooting.html",
        "https://itables.org/fallbacks/static_preview.html",
    }
    assert links.handlers == []
    kib = hostile_report.stat().st_size / 1024
    assert kib < 4096, f"report is {kib:.0f} KiB"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_in_chromium_shows_the_quote_on_hover_and_runs_no_injected_script(
    hostile_report, tmp_path
):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors, dialogs, requests = [], [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(hostile_report.as_uri())
        page.wait_for_selector("div.vega-chart svg g.mark-symbol.role-mark path")
        page.wait_for_function("document.querySelectorAll('table.dataTable').length > 0")
        chart = page.locator("#notebook-01-territory div.vega-chart").first
        chart.scroll_into_view_if_needed()
        points = chart.locator("g.mark-symbol.role-mark path")
        assert points.count() == 2
        points.nth(1).hover(force=True)
        tooltip = page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible")
        text = tooltip.inner_text()
        page.screenshot(path=str(tmp_path / "hover.png"))
        # Hover every point and row too: onmouseover in article text must stay text.
        points.nth(0).hover(force=True)
        page.locator("table.dataTable td").first.hover()
        pwned = page.evaluate("window.__pwned")
        browser.close()
    assert "450 square kilometres" in text and "Plain Outlet" in text
    assert pwned is None
    assert dialogs == [] and errors == []
    assert [r for r in requests if not r.startswith(("file:", "blob:", "data:"))] == []


def test_report_names_the_theatre_in_scope_titles_and_summaries(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    assert "Theatre: Kursk. 2 articles;" in html
    assert "Area held in Kursk, per claim" in html  # the interactive chart's title
    assert "In Kursk: 2 claims of area held by UA" in html


def test_a_reviewed_point_says_what_the_review_changed():
    claims = frame(make_claim("a", value=3000, text="3,000"))
    read = review.ReviewFile([review.Review(2, "a:100-105", "correct", {"value_best": 2500.0})])
    view = views.troops(review.apply(claims, read).claims)
    assert interactive.chart_rows(view)["review"].tolist() == [
        "corrected: value_low: 3000 → 2500; value_best: 3000 → 2500; value_high: 3000 → 2500"
    ]


def _day(i: int) -> str:
    return (date(2024, 8, 1) + timedelta(days=i % 200)).isoformat()


def test_claims_chart_embeds_at_most_the_cap_and_says_how_many_are_left_out():
    rows = [
        make_claim(f"c{i:04d}", side="RU", value=20_000 + i, as_of=_day(i), start=100)
        for i in range(interactive.MAX_INTERACTIVE_POINTS + 50)
    ]
    rows += [make_claim(f"old{i}", side="UA", value=7_777, as_of="2023-01-01") for i in range(2)]
    troops = views.troops(frame(*rows))
    spec = interactive.claims_chart(troops, title="T", y_title="p", name="troops").to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == interactive.MAX_INTERACTIVE_POINTS
    assert sum(v["value_plot"] == 7_777 for v in values) == 2  # repeated: kept despite its age
    newest = max(r["as_of"] for r in rows)
    assert any(v["date"] == newest for v in values)
    assert spec["title"]["subtitle"].startswith(
        f"{interactive.MAX_INTERACTIVE_POINTS} of {len(rows)} claims shown"
    )
    few = interactive.claims_chart(views.troops(frame(*rows[:3])), title="T", y_title="p", name="t")
    assert few.to_dict()["title"] == "T"  # under the cap: no subtitle


def test_drone_chart_shows_the_most_mentioning_articles_and_counts_the_rest():
    cap = interactive.MAX_INTERACTIVE_ARTICLES
    mentions = validated(
        DRONE_MENTIONS,
        *[
            {"mention_id": f"d{i:03d}:{s}-{s + 3}", "article_id": f"d{i:03d}", "tactic": "fpv",
             "term": "FPV", "side": "RU", "section": "body", "in_scope": True,
             "sentence": "Crews flew an FPV at dawn.", "char_start": s, "char_end": s + 3}
            for i in range(cap + 40)
            for s in range(10, 10 + 10 * (1 + (i == 99)), 10)
        ],
    )  # fmt: skip
    spec = interactive.drone_chart(mentions, title="Drones").to_dict()
    shown = {v["article"] for v in next(iter(spec["datasets"].values()))}
    assert len(shown) == cap and "d099" in shown  # the one with two mentions is kept
    assert spec["title"]["subtitle"].startswith("40 articles with fewer mentions not shown")
