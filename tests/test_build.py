"""The book builds with warnings as errors, executes every notebook without a traceback, and renders its content."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_checks import ROOT, chapter_notebooks, tracebacks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    proc = subprocess.run([jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return out / "_build"


def test_index_and_every_notebook_page_exist(built):
    html = built / "html"
    assert (html / "index.html").exists()
    for nb in chapter_notebooks():
        page = html / nb.relative_to(ROOT).with_suffix(".html")
        assert page.exists(), page


def test_executed_notebooks_have_no_tracebacks(built):
    executed = sorted((built / "jupyter_execute").rglob("*.ipynb"))
    assert len(executed) == len(chapter_notebooks())
    for path in executed:
        nb = json.loads(path.read_text())
        assert tracebacks(nb) == [], (path.name, tracebacks(nb))
        assert nb["metadata"].get("widgets"), f"{path.name}: widget state was saved"


def test_foundations_pages_render_figures_math_exercises(built):
    for nb in chapter_notebooks():
        if "00_foundations" not in nb.parts:
            continue
        page = (built / "html" / nb.relative_to(ROOT).with_suffix(".html")).read_text()
        assert page.count('<img alt="') >= 1, f"{nb.name}: a figure with alt text"
        assert re.search(r'class="math', page), f"{nb.name}: math"
        assert page.count('class="admonition exercise') >= 3 or page.count("exercise") >= 3
        assert "dropdown" in page and "solution" in page
        assert "application/vnd.jupyter.widget-view+json" in page, f"{nb.name}: an explorer"
        assert "Traceback" not in page
        assert not re.search(r"\(eq-|\{cite|\{eq\}|\{numref\}", page), f"{nb.name}: an unresolved role"
