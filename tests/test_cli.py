"""salient.cli: argument parsing, `salient extract`, exit codes, and the runner's input parsing.

Nothing here starts a kernel; notebook execution is covered in test_runner.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from salient import cli
from salient.run import pipeline, runner


def fake_extraction(statuses: list[str], n_claims: int) -> pipeline.Extraction:
    """An Extraction whose ingest has one row per status; other tables are just long enough."""
    ingest = pd.DataFrame(
        {
            "file": [f"file_{i}.txt" for i in range(len(statuses))],
            "status": statuses,
            "reason": ["empty file" if s == "skipped" else "" for s in statuses],
        }
    )
    claims = pd.DataFrame({"value": range(n_claims)})
    return pipeline.Extraction(ingest, pd.DataFrame(), claims, pd.DataFrame())


@pytest.fixture
def fake_pipeline(monkeypatch):
    """Replace plan_corpus/extract_plan/write_tables; records the calls."""
    calls: dict[str, object] = {}

    def install(extraction: pipeline.Extraction) -> dict[str, object]:
        def plan_corpus(corpus, *, theatre):
            calls["extract"] = (Path(corpus), theatre)
            return SimpleNamespace(key="")

        def extract_plan(plan, *, cache, engine, article_budget_s=None):
            return extraction

        def write_tables(found, out_dir):
            calls["write"] = (found, Path(out_dir))
            return [Path(out_dir) / f"{name}.csv" for name in found.tables()]

        monkeypatch.setattr(pipeline, "plan_corpus", plan_corpus)
        monkeypatch.setattr(pipeline, "extract_plan", extract_plan)
        monkeypatch.setattr(pipeline, "write_tables", write_tables)
        return calls

    return install


# --- salient extract ---------------------------------------------------------------------------


def test_extract_prints_a_one_line_summary_and_exits_0_despite_skips(
    fake_pipeline, small_corpus, tmp_path, capsys
):
    extraction = fake_extraction(["parsed", "parsed_with_warnings", "skipped"], n_claims=7)
    calls = fake_pipeline(extraction)
    assert cli.main(["extract", str(small_corpus), "--out", str(tmp_path / "tables")]) == 0
    assert calls["extract"] == (small_corpus, "Kursk")
    assert calls["write"] == (extraction, tmp_path / "tables")
    out = capsys.readouterr().out
    assert out == f"2 parsed, 1 skipped, 7 claims; 6 tables written to {tmp_path / 'tables'}\n"


def test_extract_passes_the_theatre(fake_pipeline, small_corpus, tmp_path):
    calls = fake_pipeline(fake_extraction(["parsed"], n_claims=0))
    args = ["extract", str(small_corpus), "--out", str(tmp_path), "--theatre", "pokrovsk"]
    assert cli.main(args) == 0
    assert calls["extract"] == (small_corpus, "Pokrovsk")


def test_extract_refuses_an_unknown_theatre_with_the_known_ones(
    fake_pipeline, small_corpus, tmp_path, capsys
):
    calls = fake_pipeline(fake_extraction(["parsed"], n_claims=0))
    args = ["extract", str(small_corpus), "--out", str(tmp_path / "out"), "--theatre", "Donbas"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "unknown theatre 'Donbas'; known theatres: Kursk, Pokrovsk" in err
    assert calls == {}
    assert not (tmp_path / "out").exists()


def test_extract_with_nothing_readable_exits_2_and_writes_nothing(
    fake_pipeline, small_corpus, tmp_path, capsys
):
    calls = fake_pipeline(fake_extraction(["skipped", "skipped"], n_claims=0))
    assert cli.main(["extract", str(small_corpus), "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert "no readable article in" in err and "2 file(s) skipped" in err
    assert "file_0.txt: empty file" in err
    assert "write" not in calls


def test_extract_missing_corpus_exits_2(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert cli.main(["extract", str(missing), "--out", str(tmp_path / "t")]) == 2
    assert f"corpus folder {missing} does not exist" in capsys.readouterr().err


def test_extract_reports_corpus_errors_as_exit_2(monkeypatch, small_corpus, tmp_path, capsys):
    from salient.ingest.corpus import CorpusError

    def unreadable(corpus, *, theatre):
        raise CorpusError(f"cannot list {corpus}: permission denied")

    monkeypatch.setattr(pipeline, "plan_corpus", unreadable)
    assert cli.main(["extract", str(small_corpus), "--out", str(tmp_path)]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_extract_on_a_real_corpus_then_up_to_date(small_corpus, tmp_path, capsys):
    """End to end with the real pipeline and cache: the rerun writes nothing."""
    out, cache = tmp_path / "tables", tmp_path / "cache"
    args = ["extract", str(small_corpus), "--out", str(out), "--cache-dir", str(cache)]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert first.startswith("2 parsed, 0 skipped, ")
    assert first.endswith("; cache: 0 reused, 2 parsed\n")
    claims = (out / "claims.csv").read_bytes()
    assert cli.main(args) == 0
    assert capsys.readouterr().out.startswith(f"up to date: tables in {out}")
    assert cli.main([*args, "--force"]) == 0
    assert capsys.readouterr().out.endswith("; cache: 2 reused, 0 parsed\n")
    (out / "claims.csv").write_text("edited by hand\n")
    assert cli.main(args) == 0  # a changed table is not current: rewritten from the cache
    assert capsys.readouterr().out.endswith("; cache: 2 reused, 0 parsed\n")
    assert (out / "claims.csv").read_bytes() == claims
    (small_corpus / "reviews.csv").write_text("claim_id,action\n")  # reviews change the tables
    assert cli.main(args) == 0
    assert capsys.readouterr().out.endswith("; cache: 2 reused, 0 parsed\n")


def test_extract_no_cache_reads_and_writes_no_cache(small_corpus, tmp_path, capsys):
    cache = tmp_path / "cache"
    args = ["extract", str(small_corpus), "--out", str(tmp_path / "t"), "--cache-dir", str(cache)]
    assert cli.main([*args, "--no-cache", "--jobs", "1"]) == 0
    assert "cache:" not in capsys.readouterr().out
    assert not cache.exists()


def test_cache_clear_removes_the_cache_and_refuses_other_folders(small_corpus, tmp_path, capsys):
    cache = tmp_path / "cache"
    cli.main(
        ["extract", str(small_corpus), "--out", str(tmp_path / "t"), "--cache-dir", str(cache)]
    )
    capsys.readouterr()
    assert cli.main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    assert capsys.readouterr().out == f"removed {cache} (2 entries)\n"
    assert not cache.exists()
    assert cli.main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    assert capsys.readouterr().out == f"no cache at {cache}\n"
    assert cli.main(["cache", "clear", "--cache-dir", str(small_corpus)]) == 2
    assert "is not a Salient cache" in capsys.readouterr().err
    assert (small_corpus / "bridge_repairs.txt").is_file()


def test_scheduler_needs_the_dask_engine(small_corpus, tmp_path, capsys):
    args = ["extract", str(small_corpus), "--out", str(tmp_path), "--scheduler", "tcp://x:1"]
    assert cli.main(args) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


# --- argument parsing --------------------------------------------------------------------------


def test_run_defaults():
    args = cli.build_parser().parse_args(["run"])
    assert (args.corpus, args.out, args.build, args.notebooks) == (
        Path("seeds"),
        Path("figures"),
        Path("build"),
        Path("notebooks"),
    )
    assert (args.only, args.parameter, args.force) == (None, [], False)


def test_run_collects_repeated_parameters():
    args = cli.build_parser().parse_args(
        ["run", "-p", "theatre", "Donbas", "-p", "min_sources", "2", "--force"]
    )
    assert args.parameter == [["theatre", "Donbas"], ["min_sources", "2"]]
    assert args.force


def test_missing_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2


def test_python_dash_m_salient_runs_the_cli(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "salient", "run", "--corpus", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "corpus folder" in done.stderr and "does not exist" in done.stderr


# --- the runner's parsing of values, names and parameter cells ---------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("True", True),
        ("False", False),
        ("None", None),
        ("3", 3),
        ("-2", -2),
        ("0.5", 0.5),
        ("1e3", 1000.0),
        ("Kursk", "Kursk"),
        ("true", "true"),  # only the Python spellings are booleans, as in papermill
        ('["png", "pdf"]', ["png", "pdf"]),
    ],
)
def test_parse_value_types_like_papermill(text, value):
    parsed = runner.parse_value(text)
    assert parsed == value and type(parsed) is type(value)


def test_parse_value_rejects_a_broken_list():
    with pytest.raises(runner.UsageError, match="cannot read '\\[png' as a list"):
        runner.parse_value("[png")


def test_declared_parameters_reads_assignments_and_literal_defaults():
    source = (
        "# comment\n"
        'corpus_dir = "../seeds"\n'
        "min_sources: int = 2\n"
        'formats = ["png"]\n'
        "root = Path('.')\n"
        "a = b = 0.5\n"
        "print('not an assignment')\n"
    )
    declared = runner.declared_parameters(source)
    assert list(declared) == ["corpus_dir", "min_sources", "formats", "root", "a", "b"]
    assert declared["corpus_dir"] == "../seeds" and declared["min_sources"] == 2
    assert declared["formats"] == ["png"] and declared["b"] == 0.5


def test_declared_parameters_rejects_invalid_python():
    with pytest.raises(runner.UsageError, match="not valid Python"):
        runner.declared_parameters("x = = 1")


@pytest.mark.parametrize(
    ("value", "default", "fits"),
    [
        (3, 2, True),
        (3, 0.5, True),  # an int is fine where a float is expected
        (True, 2, False),  # a bool is not a count
        ("many", 2, False),
        (2.5, 2, False),
        (["svg"], ["png"], True),
        ("x", None, True),  # None default: anything goes
    ],
)
def test_check_type_against_the_notebook_default(value, default, fits):
    if fits:
        runner.check_type("01_x", "n", value, default)
    else:
        with pytest.raises(runner.UsageError, match="parameter n of 01_x expects"):
            runner.check_type("01_x", "n", value, default)


def _nb(name: str) -> runner.Notebook:
    return runner.Notebook(Path(f"/nb/{name}.ipynb"), {"output_dir": "x"}, parameters_cell=1)


@pytest.mark.parametrize("only", ["troops", "02_troops", "02_troops.ipynb"])
def test_only_accepts_short_and_full_names(only):
    notebooks = [_nb("01_territory"), _nb("02_troops"), _nb("03_drones")]
    assert [nb.name for nb in runner.select_notebooks(notebooks, only)] == ["02_troops"]


def test_only_unknown_name_lists_the_choices():
    with pytest.raises(runner.UsageError, match="choose one of: 01_territory, 02_troops"):
        runner.select_notebooks([_nb("01_territory"), _nb("02_troops")], "tanks")


def test_failure_message_maps_the_cell_index_back_to_the_source_notebook():
    # papermill counts the injected-parameters cell (placed after cell 1), so its 4 is our 3.
    error = SimpleNamespace(
        cell_index=4,
        exec_count=3,
        source="x = 1\n\ny = 2\nz = 3\nraise KeyError('region')",
        ename="KeyError",
        evalue="'region'",
    )
    message = runner.failure_message(_nb("02_troops"), error, Path("/b/02_troops.ipynb"))
    assert message.splitlines() == [
        "notebook 02_troops failed in cell 3 (execution count 3):",
        "    | x = 1",
        "    | y = 2",
        "    | z = 3",
        "    | … (1 more line)",
        "  KeyError: 'region'",
        "  executed notebook with the error: /b/02_troops.ipynb",
    ]
