"""Cold build time of the book and execution time of each notebook, against the book's budgets.

Budgets (DESIGN.md and the Foundation issue): each notebook executes in under 20 s on a 2-core machine; the book
builds, tests included, in under 10 minutes.

Run: ``make bench`` (or ``.venv/bin/python bench/build_time.py``). Builds into a temporary folder; the repository's
``_build`` is left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_BUDGET_S = 20.0


def execute(path: Path, static: bool) -> float:
    """Execute a notebook as the tests do (live explorers) or as the book build does (kernel-free frames)."""
    os.environ["BOOK_STATIC_WIDGETS"] = "1" if static else "0"  # inherited by the kernel
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def cold_build() -> float:
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([jb, "build", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going", "-q"],
                       check=True, capture_output=True, env={**os.environ, "BOOK_STATIC_WIDGETS": "1"})
        return time.perf_counter() - start


def main():
    notebooks = sorted((ROOT / "chapters").rglob("*.ipynb"))
    notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
    print(f"{'notebook':<48}{'live (s)':>10}{'kernel-free (s)':>17}{'budget (s)':>12}{'worst share':>13}")
    print("-" * 100)
    totals = [0.0, 0.0]
    for path in notebooks:
        live, static = execute(path, static=False), execute(path, static=True)
        totals = [totals[0] + live, totals[1] + static]
        print(f"{path.relative_to(ROOT)!s:<48}{live:>10.1f}{static:>17.1f}{NOTEBOOK_BUDGET_S:>12.0f}"
              f"{max(live, static) / NOTEBOOK_BUDGET_S:>12.0%}")
    print(f"{'all notebooks':<48}{totals[0]:>10.1f}{totals[1]:>17.1f}")
    print()
    seconds = cold_build()
    print(f"cold book build (jupyter-book build -W -n, into a fresh folder): {seconds:.1f} s")


if __name__ == "__main__":
    main()
