"""salient.run.runner: executing notebooks with papermill, atomic publishing, fingerprints, exit codes.

Kernels cost ~1-3 s each, so notebook executions are few: one shared successful run (two
notebooks), one --force rerun, one run that fails half-way. Everything else is validation, which
never starts a kernel.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from salient import cli
from salient.run import runner


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) by relative name → bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(out: Path) -> list[str]:
    """Staging or backup folders the runner left next to `out`."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f"{out.name}."))


def run_args(ws: dict[str, Path], *extra: str) -> list[str]:
    return [
        "run",
        "--corpus", str(ws["corpus"]),
        "--out", str(ws["out"]),
        "--build", str(ws["build"]),
        "--notebooks", str(ws["notebooks"]),
        *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def good_run(tmp_path_factory, make_notebooks, make_corpus):
    """One successful run of two fixture notebooks on a corpus with two unreadable files."""
    root = tmp_path_factory.mktemp("good")
    ws = {
        "corpus": make_corpus(root / "corpus", with_bad_files=True),
        "notebooks": make_notebooks(root / "notebooks", "writes_figure", "writes_table"),
        "out": root / "figures",
        "build": root / "build",
    }
    progress = io.StringIO()
    started = time.perf_counter()
    result = runner.run_notebooks(
        corpus_dir=ws["corpus"],
        out_dir=ws["out"],
        build_dir=ws["build"],
        notebooks_dir=ws["notebooks"],
        progress=progress,
    )
    ws["seconds"] = time.perf_counter() - started
    return ws | {"result": result, "progress": progress.getvalue(), "first": snapshot(ws["out"])}


# --- a good run --------------------------------------------------------------------------------


def test_good_run_publishes_every_output(good_run):
    out = good_run["out"]
    assert good_run["result"].status == "ran"
    assert sorted(good_run["first"]) == [
        ".fingerprint",
        "corpus_sizes.csv",
        "corpus_sizes.png",
        "corpus_sizes.svg",
        "file_counts.csv",
        "ingest.csv",
        "report.html",
    ]
    assert (out / "corpus_sizes.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in (out / "corpus_sizes.svg").read_bytes()
    assert leftovers(out) == []


def test_notebooks_read_the_corpus_given_as_an_absolute_path(good_run):
    with (good_run["out"] / "corpus_sizes.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [row["file"] for row in rows] == [
        "bridge_repairs.txt",
        "empty.txt",
        "ferry_service.md",
        "photo.txt",
    ]
    assert rows[1]["n_bytes"] == "0" and rows[3]["n_bytes"] == "2048"
    counts = (good_run["out"] / "file_counts.csv").read_text()
    assert counts == "extension,n_files\n.md,1\n.txt,3\n"


def test_each_notebook_gets_only_the_parameters_it_declares(good_run):
    executed = nbformat.read(good_run["build"] / "02_writes_table.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert f'corpus_dir = "{good_run["corpus"].resolve()}"' in source
    assert 'theatre = "Kursk"' in source
    assert "figures.staging-" in source  # output_dir is the staging folder, not figures/
    assert "figure_formats" not in source  # not declared by this notebook


def test_progress_is_one_line_per_notebook(good_run):
    lines = good_run["progress"].splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"extract corpus … ok \(\d+\.\d s\)", lines[0])
    assert re.fullmatch(r"\[1/2\] 01_writes_figure … ok \(\d+\.\d s\)", lines[1])
    assert re.fullmatch(r"\[2/2\] 02_writes_table … ok \(\d+\.\d s\)", lines[2])


def test_run_log_names_notebooks_parameters_and_outcome(good_run):
    text = (good_run["build"] / "run.log").read_text()
    assert re.search(
        r"01_writes_figure: parameters \{.*\"figure_formats\": \[\"png\", \"svg\"\]", text
    )
    assert "01_writes_figure: ok in" in text and "02_writes_table: ok in" in text
    assert "Kursk: 4 files of at least 0 bytes" in text  # the notebook's own output, via papermill


def test_report_and_ingest_list_the_unreadable_files(good_run):
    with (good_run["out"] / "ingest.csv").open() as f:
        status = {row["file"]: (row["status"], row["reason"]) for row in csv.DictReader(f)}
    assert status == {
        "bridge_repairs.txt": ("parsed", ""),
        "empty.txt": ("skipped", "empty file"),
        "ferry_service.md": ("parsed", ""),
        "photo.txt": ("skipped", "binary file"),
    }
    report = (good_run["out"] / "report.html").read_text()
    assert "4 input files: 2 parsed, 0 parsed with warnings, 2 skipped." in report
    assert re.search(
        r"<td[^>]*>photo\.txt</td><td[^>]*>skipped</td><td[^>]*>binary file</td>", report
    )
    assert "Corpus file sizes" in report and "Corpus file counts" in report
    assert "data:image/png;base64," in report


def test_fingerprint_lists_every_output_with_its_hash(good_run):
    record = json.loads(good_run["first"][".fingerprint"])
    assert record["fingerprint"] == good_run["result"].fingerprint
    assert set(record["outputs"]) == set(good_run["first"]) - {".fingerprint"}


def test_kernels_see_a_fixed_date_for_file_metadata(good_run):
    # matplotlib stamps SVGs with SOURCE_DATE_EPOCH when set; the runner sets it to 0.
    svg = (good_run["out"] / "corpus_sizes.svg").read_text()
    assert "<dc:date>1970-01-01T00:00:00+00:00</dc:date>" in svg


def test_deterministic_environment_is_set_then_restored(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with runner.deterministic_environment():
        assert os.environ["PYTHONHASHSEED"] == "0"
        assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # a caller's value is respected
    assert "PYTHONHASHSEED" not in os.environ
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


# --- second run, --force -----------------------------------------------------------------------


def test_second_run_with_nothing_changed_is_skipped(good_run, capsys):
    mtimes = {p: p.stat().st_mtime_ns for p in good_run["out"].iterdir()}
    started = time.perf_counter()
    assert cli.main(run_args(good_run)) == 0
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    fingerprint = good_run["result"].fingerprint[:12]
    assert out == f"up to date (fingerprint {fingerprint}); use --force to rerun\n"
    assert err == ""  # no progress lines: nothing executed
    assert {p: p.stat().st_mtime_ns for p in good_run["out"].iterdir()} == mtimes
    assert elapsed < 2.0, elapsed


def test_up_to_date_needs_every_output_unchanged(good_run, tmp_path):
    copy = tmp_path / "figures"
    shutil.copytree(good_run["out"], copy)
    fingerprint = good_run["result"].fingerprint
    assert runner.outputs_up_to_date(copy, fingerprint)
    assert not runner.outputs_up_to_date(copy, "0" * 64)
    (copy / "corpus_sizes.png").write_bytes(b"edited by hand")
    assert not runner.outputs_up_to_date(copy, fingerprint)
    (copy / "corpus_sizes.png").unlink()
    assert not runner.outputs_up_to_date(copy, fingerprint)
    assert not runner.outputs_up_to_date(tmp_path / "missing", fingerprint)


def test_fingerprint_changes_with_corpus_bytes_and_parameters(good_run, tmp_path):
    notebooks = runner.discover_notebooks(good_run["notebooks"])
    plan = {nb.name: {"theatre": "Kursk"} for nb in notebooks}
    corpus = tmp_path / "corpus"
    shutil.copytree(good_run["corpus"], corpus)
    base = runner.compute_fingerprint(corpus, notebooks, plan, "python3")
    assert runner.compute_fingerprint(corpus, notebooks, plan, "python3") == base
    other_plan = {nb.name: {"theatre": "Donbas"} for nb in notebooks}
    assert runner.compute_fingerprint(corpus, notebooks, other_plan, "python3") != base
    (corpus / "empty.txt").write_bytes(b"x")
    assert runner.compute_fingerprint(corpus, notebooks, plan, "python3") != base


def test_force_reruns_and_gives_byte_identical_outputs(good_run, capsys):
    assert cli.main([*run_args(good_run), "--force"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ran 2 notebook(s) in ")
    assert "[1/2] 01_writes_figure … ok" in err and "[2/2] 02_writes_table … ok" in err
    assert snapshot(good_run["out"]) == good_run["first"]
    assert leftovers(good_run["out"]) == []


# --- failure -----------------------------------------------------------------------------------


def test_failure_half_way_names_the_cell_and_leaves_previous_outputs(
    tmp_path, make_notebooks, make_corpus, capsys
):
    ws = {
        "corpus": make_corpus(tmp_path / "corpus"),
        "notebooks": make_notebooks(tmp_path / "notebooks", "writes_figure", "broken_cell"),
        "out": tmp_path / "figures",
        "build": tmp_path / "build",
    }
    (ws["out"] / "old").mkdir(parents=True)
    (ws["out"] / "corpus_sizes.png").write_bytes(b"previous figure")
    (ws["out"] / "old" / "notes.csv").write_text("kept,as,is\n")
    before = snapshot(ws["out"])

    assert cli.main(run_args(ws)) == 1

    _, err = capsys.readouterr()
    assert "[1/2] 01_writes_figure … ok" in err
    assert re.search(r"\[2/2\] 02_broken_cell … FAILED \(\d+\.\d s\)", err)
    assert "notebook 02_broken_cell failed in cell 3 " in err  # index in the file on disk
    assert '| raise ValueError(f"fixture failure after {counted} steps")' in err
    assert "ValueError: fixture failure after 3 steps" in err
    assert snapshot(ws["out"]) == before
    assert leftovers(ws["out"]) == []
    kept = nbformat.read(ws["build"] / "02_broken_cell.ipynb", as_version=4)
    errors = [o for c in kept.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [(o.ename, o.evalue) for o in errors] == [
        ("ValueError", "fixture failure after 3 steps")
    ]
    assert "02_broken_cell" in (ws["build"] / "run.log").read_text()


# --- validation: exit 2 before any kernel starts ------------------------------------------------


@pytest.fixture
def table_ws(tmp_path, make_notebooks, make_corpus):
    return {
        "corpus": make_corpus(tmp_path / "corpus"),
        "notebooks": make_notebooks(tmp_path / "notebooks", "writes_figure", "writes_table"),
        "out": tmp_path / "figures",
        "build": tmp_path / "build",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-p", "colour", "red"], "unknown parameter colour: no selected notebook declares it"),
        (["-p", "min_bytes", "many"], "parameter min_bytes of 02_writes_table expects int"),
        (["-p", "figure_formats", "jpg"], "figure_formats must be a list of distinct formats"),
        (["-p", "figure_formats", "png,png"], "figure_formats must be a list of distinct formats"),
        (["-p", "output_dir", "/tmp/x"], "parameter output_dir is set by the runner; use --out"),
        (["-p", "theatre", "7"], "theatre must be a non-empty name; got 7"),
        (
            ["-p", "theatre", "Bakhmut"],
            "unknown theatre 'Bakhmut'; known theatres: Kursk, Pokrovsk",
        ),
        (["--only", "drones"], "no notebook named 'drones'; choose one of: 01_writes_figure,"),
        (["--only", "writes_table", "-p", "bar_colour", "red"], "unknown parameter bar_colour"),
    ],
)
def test_bad_input_exits_2_with_a_message(table_ws, capsys, extra, message):
    assert cli.main(run_args(table_ws, *extra)) == 2
    _, err = capsys.readouterr()
    assert message in err
    assert not table_ws["out"].exists()
    assert not table_ws["build"].exists()


def test_missing_corpus_exits_2(table_ws, capsys):
    table_ws["corpus"] = table_ws["corpus"].parent / "no_such_corpus"
    assert cli.main(run_args(table_ws)) == 2
    assert "no_such_corpus does not exist; pass --corpus DIR" in capsys.readouterr().err


def test_corpus_with_no_readable_article_exits_2(table_ws, capsys):
    for path in table_ws["corpus"].iterdir():
        path.write_bytes(b"")
    assert cli.main(run_args(table_ws)) == 2
    assert "no readable article in" in capsys.readouterr().err
    assert not table_ws["out"].exists()


def test_notebook_without_parameters_cell_exits_2(table_ws, make_notebooks, capsys):
    make_notebooks(table_ws["notebooks"], "writes_figure", "writes_table", "no_parameters")
    assert cli.main(run_args(table_ws)) == 2
    assert "03_no_parameters.ipynb has no cell tagged 'parameters'" in capsys.readouterr().err


def test_good_extra_parameter_is_typed_and_passed(table_ws):
    notebooks = runner.discover_notebooks(table_ws["notebooks"])
    shared = runner.shared_parameters(notebooks, {"min_bytes": 10, "figure_formats": "png,pdf"})
    assert shared == {"theatre": "Kursk", "figure_formats": ["png", "pdf"], "min_bytes": 10}
    figure, table = notebooks
    assert runner.notebook_parameters(figure, shared) == {
        "theatre": "Kursk",
        "figure_formats": ["png", "pdf"],
    }
    assert runner.notebook_parameters(table, shared) == {"theatre": "Kursk", "min_bytes": 10}


# --- one extraction per run ---------------------------------------------------------------------


def test_a_run_extracts_once_and_its_notebooks_read_the_tables(
    tmp_path, make_notebooks, make_corpus
):
    from salient.run.cache import ArticleCache

    corpus = make_corpus(tmp_path / "corpus")
    kwargs = {
        "corpus_dir": corpus,
        "out_dir": tmp_path / "out",
        "build_dir": tmp_path / "build",
        "notebooks_dir": make_notebooks(tmp_path / "notebooks", "reads_tables"),
        "cache": ArticleCache(tmp_path / "cache"),
    }
    progress = io.StringIO()
    runner.run_notebooks(**kwargs, progress=progress)
    tables = (tmp_path / "build" / "tables").resolve()
    assert progress.getvalue().startswith("extract corpus … ok, 0 cached, 2 parsed (")
    assert (tables / "claims.parquet").is_file() and (tables / "claims.csv").is_file()
    executed = nbformat.read(tmp_path / "build" / "01_reads_tables.ipynb", as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata["tags"])
    assert f'tables_dir = "{tables}"' in injected.source
    n_claims = len(pd.read_parquet(tables / "claims.parquet"))
    assert (tmp_path / "out" / "tables_source.csv").read_text() == (
        f"source,n_articles,n_claims\ntables,2,{n_claims}\n"
    )
    progress = io.StringIO()
    runner.run_notebooks(**kwargs, progress=progress, force=True)
    assert progress.getvalue().startswith("extract corpus … tables current (")


# --- notebooks side by side --------------------------------------------------------------------


def test_notebooks_run_side_by_side_and_report_in_notebook_order(
    tmp_path, make_notebooks, small_corpus
):
    """The first notebook ends only after the second has started: it needs both at once."""
    ws = {
        "corpus": small_corpus,
        "notebooks": make_notebooks(tmp_path / "nb", "waits_for_partner", "signals_partner"),
        "out": tmp_path / "figures",
        "build": tmp_path / "build",
    }
    progress = io.StringIO()
    result = runner.run_notebooks(
        corpus_dir=ws["corpus"], out_dir=ws["out"], build_dir=ws["build"],
        notebooks_dir=ws["notebooks"], jobs=2, progress=progress,
    )  # fmt: skip
    assert result.status == "ran"
    lines = progress.getvalue().splitlines()
    assert lines[1].startswith("[1/2] 01_waits_for_partner … ok")
    assert lines[2].startswith("[2/2] 02_signals_partner … ok")
    assert "notebooks: 2, 2 at a time" in (ws["build"] / "run.log").read_text()


def test_one_job_runs_notebooks_one_after_the_other(tmp_path, make_notebooks, small_corpus):
    notebooks = make_notebooks(tmp_path / "nb", "waits_for_partner", "signals_partner")
    with pytest.raises(runner.NotebookFailed, match="no partner flag after 1 s"):
        runner.run_notebooks(
            corpus_dir=small_corpus, out_dir=tmp_path / "figures", build_dir=tmp_path / "build",
            notebooks_dir=notebooks, jobs=1, parameters={"wait_s": 1},
        )  # fmt: skip
    assert not (tmp_path / "figures").exists()
