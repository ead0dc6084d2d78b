"""Executed notebooks + the ingest table → one self-contained HTML report.

The report is what a reader opens from disk: code hidden, every chart embedded as a data URI (or
inline SVG), each notebook's tables and citations, and an "Ingest report" listing every input file
with its status and reason. It loads nothing from the network (no script, stylesheet or font
links) and holds nothing volatile (no timestamps, no random cell ids), so two renders of the same
notebooks are byte-identical.

Interactive outputs (salient.output.interactive) are made self-contained too: each Vega-Lite chart
becomes a `<div>` plus its spec as inert JSON (`<script type="application/json">`, with `<`, `>`
and `&` escaped so no article text can close the tag), and the JavaScript they need is inlined
once at the end of the page: Vega, Vega-Lite and vega-embed (vl-convert's bundle) when there is
a chart, itables' offline bundle when there is a table. Notebooks' own copies of the itables
bundle are dropped, so it appears once however many notebooks load it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from nbconvert import HTMLExporter

import salient

TEMPLATES = Path(__file__).parent / "templates"
REPORT_TEMPLATE = "report.html.j2"
REPORT_TITLE = "Salient report"
# Cells that never belong in a reader's report: parameter plumbing and papermill's error banners.
HIDDEN_CELL_TAGS = frozenset(
    {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell"}
)
INGEST_COLUMNS = ("file", "status", "reason", "format", "encoding", "n_bytes")
INGEST_STATUSES = ("parsed", "parsed_with_warnings", "skipped")
_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
VEGALITE_VERSION = "5.20"  # the Vega-Lite that Altair 5.5 writes specs for
ITABLES_INIT_MARK = "injectModule("  # only itables' offline init output defines this
ITABLES_TABLE_MARK = "new ITable("
CHART_LOADER = """<script>
document.querySelectorAll("div.vega-chart").forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, {actions: false, renderer: "svg", logLevel: 1}).catch(function (error) {  // logLevel 1: errors only
    el.textContent = "This chart could not be drawn: " + error;
    console.error(error);
  });
});
</script>"""


@dataclass(frozen=True)
class NotebookSection:
    """One notebook as the report shows it."""

    anchor: str
    file: str
    title: str
    body: str


@dataclass
class Interactive:
    """What the notebooks' interactive outputs need from the page: charts and/or tables."""

    charts: int = 0
    tables: int = 0
    seen: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class IngestSection:
    """The ingest table as rows of display strings, plus a one-line summary."""

    columns: tuple[str, ...]
    rows: list[dict[str, str]]
    classes: dict[str, str]
    summary: str


def render_report(
    executed_notebooks: list[Path], ingest: pd.DataFrame | None, out_path: Path
) -> Path:
    """Write the HTML report for `executed_notebooks` (in the given order) to `out_path`."""
    needs = Interactive()
    sections = [notebook_section(Path(path), needs) for path in executed_notebooks]
    html = render_html(
        sections, ingest_section(ingest) if ingest is not None else None, page_scripts(needs)
    )
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8", newline="\n")
    return out_path


def render_html(
    notebooks: list[NotebookSection], ingest: IngestSection | None, scripts: str = ""
) -> str:
    """Fill the report template; pure, so the same inputs give the same bytes."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template(REPORT_TEMPLATE)
    return template.render(
        title=REPORT_TITLE,
        notebooks=notebooks,
        ingest=ingest,
        version=salient.__version__,
        scripts=scripts,
    )


def notebook_section(path: Path, needs: Interactive | None = None) -> NotebookSection:
    """Read one executed notebook and convert its outputs and prose to an HTML fragment."""
    nb = nbformat.read(path, as_version=4)
    nb = self_contained_outputs(nb, path.stem, needs if needs is not None else Interactive())
    nb = reader_cells(nb, path.stem)
    return NotebookSection(
        anchor=f"notebook-{anchor_slug(path.stem)}",
        file=path.name,
        title=notebook_title(nb, path.stem),
        body=notebook_body_html(nb, path.parent),
    )


def reader_cells(nb: nbformat.NotebookNode, stem: str) -> nbformat.NotebookNode:
    """Keep only cells a reader sees, with ids that depend on position, not on chance.

    papermill gives its injected-parameters cell a random id, which nbconvert writes into the
    HTML; renumbering makes two renders identical. Code cells without outputs would render as
    empty boxes once their input is hidden, so they go too.
    """
    kept = [
        cell
        for cell in nb.cells
        if not HIDDEN_CELL_TAGS & set(cell.get("metadata", {}).get("tags", []))
        and (cell.cell_type != "code" or cell.get("outputs"))
    ]
    for index, cell in enumerate(kept):
        cell["id"] = f"{anchor_slug(stem)}-{index}"
        cell["metadata"] = {}
    nb.cells = kept
    nb.metadata = {
        key: nb.metadata[key] for key in ("kernelspec", "language_info") if key in nb.metadata
    }
    return nb


def self_contained_outputs(
    nb: nbformat.NotebookNode, stem: str, needs: Interactive
) -> nbformat.NotebookNode:
    """Charts as placeholders with inert JSON specs; itables' bundle outputs dropped; `needs`
    counts what the page must load."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if VEGALITE_MIME in data:
                needs.charts += 1
                chart_id = f"{anchor_slug(stem)}-chart-{needs.charts}"
                output["data"] = {"text/html": chart_html(chart_id, data[VEGALITE_MIME])}
            elif ITABLES_INIT_MARK in html:
                continue
            elif ITABLES_TABLE_MARK in html:
                needs.tables += 1
            kept.append(output)
        cell["outputs"] = kept
    return nb


def chart_html(chart_id: str, spec: dict) -> str:
    """A chart placeholder and its spec as JSON that no text inside can break out of."""
    return (
        f'<div class="vega-chart" data-spec="{chart_id}-spec"></div>'
        f'<script type="application/json" id="{chart_id}-spec">{script_json(spec)}</script>'
    )


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: <, >, & and the JS line separators escaped.

    >>> print(script_json({"q": "</script><b>&"}))
    {"q": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page_scripts(needs: Interactive) -> str:
    """The inlined JavaScript the interactive outputs need; empty when there are none."""
    parts = []
    if needs.tables:
        parts.append(itables_bundle())
    if needs.charts:
        parts.append(f"<script>{vega_bundle()}</script>")
        parts.append(CHART_LOADER)
    return "\n".join(parts)


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (vl-convert builds it, offline)."""
    import vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)
    return bundle.replace("</script", "<\\/script")


@functools.cache
def itables_bundle() -> str:
    """itables' offline init: DataTables and its CSS inlined (no CDN)."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return generate_init_offline_itables_html(options.dt_bundle)


def notebook_body_html(nb: nbformat.NotebookNode, folder: Path) -> str:
    """The notebook as an HTML fragment: prose and outputs, no code, no prompts.

    nbconvert's 'basic' template emits the body only, so none of the full templates'
    require.js, MathJax or widget scripts (fetched from a CDN) reach the report.
    `embed_images` turns images referenced from markdown into data URIs too.
    """
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(folder)}})
    return body.strip()


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first top-level markdown heading, e.g. '# Territory' → 'Territory'; else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (match := _HEADING.search(cell.source)):
            return match.group(1)
    return fallback


def anchor_slug(text: str) -> str:
    """A fragment id from a name: '01_territory' → '01-territory'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "notebook"


def ingest_section(ingest: pd.DataFrame) -> IngestSection:
    """Every input file with its status and reason, plus counts by status."""
    columns = tuple(column for column in INGEST_COLUMNS if column in ingest.columns)
    rows = [{column: _display(row[column]) for column in columns} for _, row in ingest.iterrows()]
    classes = {column: "number" if column == "n_bytes" else column for column in columns}
    return IngestSection(
        columns=columns, rows=rows, classes=classes, summary=ingest_summary(ingest)
    )


def ingest_summary(ingest: pd.DataFrame) -> str:
    """'6 input files: 4 parsed, 1 parsed with warnings, 1 skipped.'"""
    counts = ingest["status"].value_counts() if "status" in ingest.columns else pd.Series()
    parts = [
        f"{int(counts.get(status, 0))} {status.replace('_', ' ')}" for status in INGEST_STATUSES
    ]
    noun = "file" if len(ingest) == 1 else "files"
    return f"{len(ingest)} input {noun}: {', '.join(parts)}."


def _display(value: object) -> str:
    """A cell value as text; missing values show as empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
