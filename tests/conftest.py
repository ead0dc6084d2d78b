"""Shared test fixtures.

`collect_ignore` keeps pytest (and nbval, with --nbval/--nbval-lax) from collecting anything under
tests/fixtures: the fixture notebooks there are executed by the runner tests, not tested
themselves (one of them fails on purpose).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

collect_ignore = ["fixtures"]

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"

# Two short articles written for these tests, plus two files the loader must skip.
BRIDGE_ARTICLE = (
    "Bridge repairs finish early\n\n"
    "Crews reopened the river bridge on Tuesday, two weeks ahead of schedule, the council said.\n"
    "About 40 workers took part in the repairs, which cost less than planned.\n"
)
FERRY_ARTICLE = (
    "# Ferry service resumes\n\n"
    "The island ferry made its first crossing in a month on Friday after storm damage to the pier "
    "was fixed, the operator said. Two boats will run daily until the summer timetable starts.\n"
)


def copy_notebooks(folder: Path, *fixture_names: str) -> Path:
    """Copy fixture notebooks into `folder` as 01_<name>.ipynb, 02_<name>.ipynb, ... (run order)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(fixture_names, start=1):
        shutil.copy(FIXTURE_NOTEBOOKS / f"{name}.ipynb", folder / f"{number:02d}_{name}.ipynb")
    return folder


def write_corpus(folder: Path, *, with_bad_files: bool = False) -> Path:
    """A tiny corpus: two readable articles, optionally an empty and a binary file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bridge_repairs.txt").write_text(BRIDGE_ARTICLE, encoding="utf-8")
    (folder / "ferry_service.md").write_text(FERRY_ARTICLE, encoding="utf-8")
    if with_bad_files:
        (folder / "empty.txt").write_bytes(b"")
        (folder / "photo.txt").write_bytes(bytes(range(256)) * 8)
    return folder


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Two readable articles and nothing else."""
    return write_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def make_notebooks():
    """`make_notebooks(folder, "writes_figure", ...)`: a notebooks folder in run order."""
    return copy_notebooks


@pytest.fixture(scope="session")
def make_corpus():
    """`make_corpus(folder, with_bad_files=...)`: the tiny corpus above."""
    return write_corpus
