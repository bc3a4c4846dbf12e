"""Shared fixtures: the repository root, a headless matplotlib, and one book build for the build and browser tests.

The book build takes minutes and runs in one process. When a session needs it, it starts in the background as soon
as the tests are collected, so that it runs on the second core while the other tests run on the first; the
``built_book`` fixture waits for it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
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


_BUILD: dict = {}


def _start_build() -> None:
    """Start the book build, as `make book` does (warnings are errors, kernel-free explorers), into a temporary
    folder. Its output goes to a file, so a full pipe can never stall it."""
    if _BUILD or not (ROOT / "_vendor" / "widgets" / "embed.js").exists():
        return
    out = Path(tempfile.mkdtemp(prefix="book-"))
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    env = {**os.environ, "BOOK_STATIC_WIDGETS": "1"}
    log = open(out / "build.log", "w+")  # closed in pytest_sessionfinish
    proc = subprocess.Popen([jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
                            stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
    _BUILD.update(out=out, proc=proc, log=log)


def pytest_collection_modifyitems(session, config, items):
    """Tests that need the built book run last (in their usual order), so that the other tests keep the first core
    busy while the build runs on the second."""
    items.sort(key=lambda item: "built_book" in getattr(item, "fixturenames", ()))


def pytest_collection_finish(session):
    if not session.config.option.collectonly and any("built_book" in getattr(item, "fixturenames", ())
                                                     for item in session.items):
        _start_build()


def pytest_sessionfinish(session, exitstatus):
    if _BUILD:
        if _BUILD["proc"].poll() is None:
            _BUILD["proc"].kill()
            _BUILD["proc"].wait()
        _BUILD["log"].close()
        shutil.rmtree(_BUILD["out"], ignore_errors=True)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book, built once per session (started in the background after collection); its ``_build`` folder."""
    if not (ROOT / "_vendor" / "widgets" / "embed.js").exists():
        pytest.fail("the browser assets are missing: run `make vendor` (make test does)")
    _start_build()
    returncode = _BUILD["proc"].wait()
    _BUILD["log"].seek(0)
    output = _BUILD["log"].read()
    problems = [line for line in output.splitlines() if "WARNING:" in line or "ERROR:" in line or "Error" in line]
    assert returncode == 0, "\n".join(problems[:50]) + "\n...\n" + output[-3000:]
    return _BUILD["out"] / "_build"
