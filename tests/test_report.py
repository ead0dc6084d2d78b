"""salient.output.report: one self-contained, deterministic HTML report from executed notebooks.

The notebooks here are built in memory with outputs already in place (as papermill leaves them),
so no kernel is needed. The browser test opens the report in headless Chromium with a small probe
script that records every image's load state, every error event and every network resource;
it is skipped, with the reason, where Chromium is not installed.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from salient.output.report import anchor_slug, ingest_summary, render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HIDDEN_SOURCE = "SOURCE_THAT_MUST_NOT_SHOW = 1"


def tiny_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one grey colour, made without any plotting library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def executed_notebook(folder: Path, name: str, *, title: str, random_id: str) -> Path:
    """A notebook as papermill leaves it: parameters, injected parameters, outputs."""
    png = base64.b64encode(tiny_png(40, 30)).decode()
    table = pd.DataFrame({"place": ["Harbour", "Bridge <north>"], "count": [3, 12]})
    (folder / f"{name}_map.png").write_bytes(tiny_png(20, 10))
    cells = [
        new_markdown_cell(f"# {title}\n\nCounts from two invented reports."),
        new_code_cell('output_dir = "figures"', metadata={"tags": ["parameters"]}),
        new_code_cell(
            'output_dir = "/tmp/staging-123"', metadata={"tags": ["injected-parameters"]}
        ),
        new_code_cell(
            HIDDEN_SOURCE,
            outputs=[
                new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
                new_output(
                    "execute_result",
                    data={"text/html": table.to_html(), "text/plain": "table"},
                    execution_count=2,
                ),
                new_output("stream", name="stdout", text="2 sources cited\n"),
            ],
            execution_count=2,
        ),
        new_code_cell("x = 1", execution_count=3),  # no output: must vanish entirely
        new_markdown_cell(
            f"Sources: [a report](https://example.org/{name}).\n\n![map]({name}_map.png)"
        ),
    ]
    nb = new_notebook(cells=cells, metadata={"papermill": {"start_time": "2025-03-14T10:00:00"}})
    nb.cells[2].id = random_id  # papermill gives the injected cell a random id
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


INGEST = pd.DataFrame(
    {
        "file": ["a.txt", "b.html", "c.txt"],
        "article_id": ["a", "b", ""],
        "status": ["parsed", "parsed_with_warnings", "skipped"],
        "reason": ["", "decoded as cp1252", "binary file <not text>"],
        "encoding": ["utf-8", "cp1252", ""],
        "format": ["txt", "html", "txt"],
        "n_bytes": [120, 3400, 2048],
    }
)


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "build"
    folder.mkdir()
    return [
        executed_notebook(folder, "01_territory", title="Territory", random_id="a1b2c3d4"),
        executed_notebook(folder, "02_troops", title="Troops", random_id="e5f6a7b8"),
    ]


@pytest.fixture
def report(notebooks, tmp_path) -> str:
    path = render_report(notebooks, INGEST, tmp_path / "figures" / "report.html")
    assert path == tmp_path / "figures" / "report.html"
    return path.read_text(encoding="utf-8")


def test_code_and_parameters_are_hidden(report):
    assert HIDDEN_SOURCE not in report
    assert "staging-123" not in report and 'output_dir = "figures"' not in report
    assert "In&nbsp;[" not in report and "Out[" not in report
    assert "x = 1" not in report


def test_outputs_prose_and_citations_are_shown_in_order(report):
    assert (
        report.index(">Territory</h1>")
        < report.index(">Troops</h1>")
        < report.index(">Ingest report</h2>")
    )
    assert "2 sources cited" in report
    assert "<td>Bridge &lt;north&gt;</td>" in report
    assert 'href="https://example.org/01_territory"' in report
    assert '<a href="#notebook-01-territory">Territory</a>' in report
    assert 'id="notebook-02-troops"' in report


def test_every_image_is_an_embedded_png(report):
    sources = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", report)
    assert len(sources) == 4  # one figure and one markdown image per notebook
    sizes = []
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.removeprefix("data:image/png;base64,"))
        sizes.append(struct.unpack(">II", png[16:24]))
    assert sorted(sizes) == [(20, 10), (20, 10), (40, 30), (40, 30)]


def test_nothing_is_fetched_from_the_network(report):
    assert "<script" not in report
    assert "<link" not in report
    assert not re.search(r"\bsrc=\"(?!data:)", report)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", report)
    assert "@import" not in report


def test_ingest_section_lists_every_file_with_status_and_reason(report):
    section = report[report.index('id="ingest-report"') :]
    assert "3 input files: 1 parsed, 1 parsed with warnings, 1 skipped." in section
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows[1:]]
    assert cells == [
        ["a.txt", "parsed", "", "txt", "utf-8", "120"],
        ["b.html", "parsed_with_warnings", "decoded as cp1252", "html", "cp1252", "3400"],
        ["c.txt", "skipped", "binary file &lt;not text&gt;", "txt", "", "2048"],
    ]
    assert 'class="status status-skipped"' in section


def test_two_renders_are_byte_identical_despite_random_cell_ids(notebooks, tmp_path, report):
    # Same notebooks with different random ids for the injected cell, as a rerun would have.
    again = tmp_path / "again"
    again.mkdir()
    rerun = [
        executed_notebook(again, "01_territory", title="Territory", random_id="ffff0000"),
        executed_notebook(again, "02_troops", title="Troops", random_id="0000ffff"),
    ]
    second = render_report(rerun, INGEST, tmp_path / "second.html").read_text(encoding="utf-8")
    assert second == report
    assert "a1b2c3d4" not in report and "2025-03-14" not in report


def test_report_without_ingest_says_so(notebooks, tmp_path):
    html = render_report(notebooks[:1], None, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No ingest table was given to the report." in html
    assert "from 1 executed notebook." in html


def test_small_helpers():
    assert anchor_slug("01_Territory map") == "01-territory-map"
    assert ingest_summary(INGEST.head(1)) == (
        "1 input file: 1 parsed, 0 parsed with warnings, 0 skipped."
    )


# --- in a real browser ----------------------------------------------------------------------

# Runs before anything else in the page: records error events (script errors and failed
# resource loads, which do not bubble, hence the capture phase), then on load writes every
# image's state and every fetched resource into a <pre> that --dump-dom prints.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  window.__errors.push(e.message || ("failed to load " + (e.target.src || e.target.href)));
}, true);
window.addEventListener("load", function () {
  var images = Array.prototype.map.call(document.images, function (img) {
    return {scheme: img.src.split(":")[0], complete: img.complete, width: img.naturalWidth};
  });
  var resources = performance.getEntriesByType("resource").map(function (r) { return r.name; });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify({images: images, errors: window.__errors, resources: resources});
  document.body.appendChild(pre);
});
</script>"""


def browser_probe(html_path: Path, tmp_path: Path) -> dict:
    """Load `html_path` (with PROBE injected) in headless Chromium and return the probe record."""
    probed = html_path.with_name("probed.html")
    probed.write_text(
        html_path.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1),
        encoding="utf-8",
    )
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        probed.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.DOTALL)
    assert match, f"no probe output; chromium exited {done.returncode}: {done.stderr[-2000:]}"
    text = match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return json.loads(text.replace("&amp;", "&"))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_loads_in_a_browser_with_every_image_and_no_errors(notebooks, tmp_path):
    path = render_report(notebooks, INGEST, tmp_path / "figures" / "report.html")
    probe = browser_probe(path, tmp_path)
    assert probe["errors"] == []
    assert probe["resources"] == []  # nothing fetched: data URIs are not network requests
    assert sorted((i["scheme"], i["complete"], i["width"]) for i in probe["images"]) == [
        ("data", True, 20),
        ("data", True, 20),
        ("data", True, 40),
        ("data", True, 40),
    ]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_browser_probe_catches_a_broken_image(tmp_path):
    """The probe itself can fail: a missing image file shows up as an error and width 0."""
    path = tmp_path / "broken.html"
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body><img src="missing.png" alt="gone"></body></html>',
        encoding="utf-8",
    )
    probe = browser_probe(path, tmp_path)
    assert probe["images"] == [{"scheme": "file", "complete": True, "width": 0}]
    assert len(probe["errors"]) == 1 and "missing.png" in probe["errors"][0]


def test_tiny_png_is_valid():
    png = tiny_png(3, 2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and struct.unpack(">II", png[16:24]) == (3, 2)
