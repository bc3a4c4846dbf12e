"""The student edition (``make student``): no solution survives, every self-checked exercise gets an answer cell
that works, and the student notebooks execute, stopping only at the answers left for the student."""

from __future__ import annotations

import importlib.util
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from book_utils import check as check_module

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("student_edition", ROOT / "_ext" / "student_edition.py")
student_edition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_edition)

SOURCES = student_edition.toc_notebooks()
RAISE = re.compile(r"^raise NotImplementedError\(.*\)$", re.MULTILINE)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    written = student_edition.build(out)
    return out, {src: nbformat.read(dest, as_version=4) for src, dest in zip(SOURCES, written, strict=True)}


def _blocks(nb, kind):
    return [(block, label) for cell in nb.cells if cell.cell_type == "markdown"
            for block, directive, label in student_edition.split_directives(cell.source) if directive == kind]


def _answer_cells(nb):
    return [c for c in nb.cells if "student-answer" in c.metadata.get("tags", [])]


def test_every_book_notebook_is_in_the_edition(edition):
    out, books = edition
    assert len(SOURCES) >= 14 and len(books) == len(SOURCES)
    names = set(zipfile.ZipFile(out / student_edition.ZIP_NAME).namelist())
    for src in SOURCES:
        assert str(src.relative_to(ROOT)) in names
    assert {"README.md", "requirements.txt", "pyproject.toml", "book_utils/__init__.py", "book_utils/check.py"} <= names


def test_no_solution_text_survives(edition):
    _, books = edition
    for src, student in books.items():
        original = nbformat.read(src, as_version=4)
        text = "\n".join(c.source for c in student.cells)
        assert "{solution}" not in text, src.name
        assert not any({"remove-cell", "solution"} & set(c.metadata.get("tags", [])) for c in student.cells)
        solutions = _blocks(original, "solution")
        assert len(solutions) >= 3, src.name
        elsewhere = "\n".join(c.source for c in original.cells)  # lines a solution shares with the rest are fine
        for block, _ in solutions:
            elsewhere = elsewhere.replace(block, "")
        for block, _ in solutions:
            for line in block.split("\n")[1:-1]:
                line = line.strip()
                if len(line) >= 25 and not line.startswith(":") and line not in elsewhere:
                    assert line not in text, (src.name, line)


def test_exercise_prompts_stay_and_self_checks_get_answer_cells(edition):
    _, books = edition
    for src, student in books.items():
        original = nbformat.read(src, as_version=4)
        exercises = _blocks(original, "exercise")
        assert len(exercises) >= 3, src.name
        assert [label for _, label in _blocks(student, "exercise")] == [label for _, label in exercises]
        wanted = [ex for block, _ in exercises for ex in dict.fromkeys(student_edition._CHECK.findall(block))]
        cells = _answer_cells(student)
        got = [ex for c in cells for ex in student_edition._CHECK.findall(c.source)]
        assert got == wanted and len(wanted) >= 1, src.name
        assert all(len(RAISE.findall(c.source)) == 1 for c in cells)


def test_an_answer_cell_checks_the_students_answer(edition):
    """Replacing the raise line by the right answer passes each check; a wrong one fails."""
    _, books = edition
    cells = [c for nb in books.values() for c in _answer_cells(nb)]
    assert len(cells) >= 20
    for cell in cells:
        ids = student_edition._CHECK.findall(cell.source)
        names = re.search(r"`([\w, ]+) = \.\.\.`", cell.source).group(1).split(", ")
        for factor, expect in ((1.0, True), (3.0, False)):
            values = [factor * float(check_module._EXERCISES[ex].compute()) for ex in ids]
            code = RAISE.sub(f"{', '.join(names)} = {tuple(values)!r}" if len(names) > 1 else
                             f"{names[0]} = {values[0]!r}", cell.source)
            lines = code.split("\n")
            lines[-len(ids):] = [f"results.append({line})" for line in lines[-len(ids):]]
            namespace = {"results": []}
            exec("\n".join(lines), namespace)  # the edition's own cell, with a computed answer
            assert [r.correct for r in namespace["results"]] == [expect] * len(ids), (ids, factor)


def _execute(path: Path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def test_student_notebooks_execute_stopping_only_at_the_answers(edition):
    out, books = edition
    paths = [out / src.relative_to(ROOT) for src in books]
    os.environ.pop("BOOK_STATIC_WIDGETS", None)
    with ThreadPoolExecutor(max_workers=2) as pool:  # one kernel per core
        executed = list(pool.map(_execute, paths))
    for path, nb in zip(paths, executed, strict=True):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.outputs if o.output_type == "error"]
            if "student-answer" in cell.metadata.get("tags", []):
                assert [e.ename for e in errors] == ["NotImplementedError"], (path.name, cell.source[:80])
                assert "your answer goes here" in errors[0].evalue
            else:
                assert not errors, (path.name, cell.source[:200], errors and errors[0].evalue)
