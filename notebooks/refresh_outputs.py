"""Re-execute the notebooks and store only the outputs nbval checks.

Cells marked `# NBVAL_CHECK_OUTPUT` keep their text output (the reference nbval compares against);
every other cell is stored without outputs, so the committed notebooks carry no volatile output
(timings, images, object ids). Run after a change that moves the seed results: `make notebooks`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
MARK = "NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    """Execute `path` in its folder and rewrite it with only the checked outputs."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    ).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if MARK in cell.source:
            cell.execution_count = 1
            cell.outputs = [o for o in cell.outputs if o.get("output_type") == "stream"]
            for output in cell.outputs:
                output.pop("metadata", None)
        else:
            cell.execution_count = None
            cell.outputs = []
    nb.metadata = {
        "kernelspec": nb.metadata.get("kernelspec", {}),
        "language_info": {"name": "python"},
    }
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"refreshing {path.name}", file=sys.stderr)
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
