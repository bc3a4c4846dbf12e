"""Shared fixtures: the repository root, a headless matplotlib, and one book build for the build and browser tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
# Notebook kernels started by the tests inherit this (as under `make`): one BLAS thread, see the Makefile.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the book once per test session, as `make book` does (warnings are errors, kernel-free explorers), into
    a temporary folder; returns its ``_build`` folder."""
    if not (ROOT / "_vendor" / "widgets" / "embed.js").exists():
        pytest.fail("the browser assets are missing: run `make vendor` (make test does)")
    out = tmp_path_factory.mktemp("book")
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    env = {**os.environ, "BOOK_STATIC_WIDGETS": "1"}
    proc = subprocess.run([jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return out / "_build"
