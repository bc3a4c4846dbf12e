"""Structure of every chapter notebook: the anatomy of DESIGN.md, committed without outputs.

(Execution itself is tested by nbval, `pytest --nbval-lax chapters`, and by the book build in test_build.py.)
"""

import json
import re

import pytest
from notebook_checks import chapter_notebooks, tracebacks

from book_utils.check import exercise_ids

NOTEBOOKS = chapter_notebooks()


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = load(path)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_anatomy(path):
    nb = load(path)
    cells = nb["cells"]
    md = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    assert source(cells[0]).startswith("# "), "starts with a title"
    assert "You will learn" in md and "Prerequisites" in md and "Time:" in md, "objectives, prerequisites, time"
    assert "{cite:p}" in md, "cites the literature"
    assert md.count("{exercise}") >= 3, "at least 3 exercises"
    assert md.count("{solution}") == md.count("{exercise}") and md.count(":class: dropdown") >= md.count("{solution}")
    assert "## Summary" in md
    assert any(re.search(r"_explorer\(\)\s*$", c.strip()) for c in code), "an explorer made in one line"
    assert re.search(r"\*\*Try:?\*\*", md), "a 'what to try' prompt"
    last = cells[-1]
    assert last["cell_type"] == "code" and "remove-cell" in last["metadata"].get("tags", [])
    assert "assert" in source(last) and "sweep(" in source(last), "hidden cell asserts and drives the explorers"
    for i, cell in enumerate(cells[:-1]):
        if cell["cell_type"] == "code" and re.search(r"_explorer\(\)\s*$", source(cell).strip()):
            before = "\n".join(source(c) for c in cells[max(0, i - 2):i] if c["cell_type"] == "markdown")
            assert "{margin} Precomputed here, live in Jupyter" in before, "a margin note by every explorer"
    explorers = set(re.findall(r"(\w+_explorer)\(\)", "\n".join(code[:-1])))
    assert explorers <= set(re.findall(r"(\w+_explorer)\b", source(last))), "every explorer shown is swept"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_self_checks_name_real_exercises(path):
    text = path.read_text()
    used = set(re.findall(r'check\(\\?"([\w.-]+)\\?"', text))
    assert used, "at least one self-checking exercise"
    assert used <= set(exercise_ids()), used - set(exercise_ids())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_random_numbers_are_seeded(path):
    code = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code")
    assert "np.random.seed" not in code
    assert not re.search(r"default_rng\(\s*\)", code), "every generator gets a seed"


def test_traceback_scan_finds_errors():
    clean = {"cells": [{"outputs": [{"output_type": "stream", "text": "ok"}]}], "metadata": {}}
    error = {"cells": [{"outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "x"}]}]}
    widget = {"cells": [], "metadata": {"widgets": {"state": {"value": "<pre>Traceback (most recent call last):"}}}}
    assert tracebacks(clean) == []
    assert tracebacks(error) and tracebacks(widget)
