"""The library's layers import one way: ingest ← extract ← analysis ← output ← run.

A module may import the shared top-level modules and the layers before its own, never a later
layer, so the subpackages keep the data flow files → articles → sentences → claims → views →
figures visible in the code. Read from the source with `ast`, so nothing is imported to check.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import salient

PACKAGE = Path(salient.__file__).parent
LAYERS = ("ingest", "extract", "analysis", "output", "run")
SHARED = {"model", "schemas", "logs", "casefold", "dates", "data", "lexicon"}


def salient_imports(path: Path) -> set[str]:
    """The `salient.*` modules (or `salient.X` names) a source file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "salient":
                found |= {f"salient.{alias.name}" for alias in node.names}
            elif node.module.startswith("salient."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("salient.")}
    return found


def layer_modules() -> list[tuple[str, Path]]:
    """(layer, source file) for every module inside a layer subpackage."""
    return [(layer, p) for layer in LAYERS for p in sorted((PACKAGE / layer).glob("**/*.py"))]


def test_every_layer_has_modules_and_a_docstring():
    for layer in LAYERS:
        init = PACKAGE / layer / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), layer
        assert len(list((PACKAGE / layer).glob("*.py"))) > 1, layer


def test_no_flat_modules_left_beside_the_layers():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == SHARED - {"data"} | {"__init__", "__main__", "cli"}


@pytest.mark.parametrize(("layer", "path"), layer_modules(), ids=lambda v: getattr(v, "name", v))
def test_layer_imports_only_earlier_layers_and_shared_modules(layer: str, path: Path):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    for module in salient_imports(path):
        first = module.split(".")[1]
        assert first in SHARED or first in allowed, f"{path.name} imports {module}"


def test_shared_modules_import_no_layer():
    for name in SHARED - {"data"}:
        for module in salient_imports(PACKAGE / f"{name}.py"):
            assert module.split(".")[1] in SHARED, f"{name}.py imports {module}"
