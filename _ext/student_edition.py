"""The student edition: every notebook of the book without its solutions, as runnable notebooks plus a zip.

    python _ext/student_edition.py [--out _build/student]     (what ``make student`` runs)

For each notebook listed in ``_toc.yml``:

- ``{solution}`` directives are removed from the markdown, and so are code cells tagged ``solution``;
- the hidden ``remove-cell`` cells are removed: they assert the exercises' answers;
- after each exercise whose prompt names a self-check, ``check("<id>", value)``, a code cell is inserted for the
  student's answer. As shipped it raises ``NotImplementedError`` with the exercise's label, so running the whole
  notebook stops nowhere else; once the student replaces the ``raise`` line by ``answer = ...``, the cell checks it;
- a note under the title says what changed. Outputs are cleared and cell ids renumbered.

The zip holds the notebooks under ``chapters/``, the ``book_utils`` package, ``requirements.txt`` and
``pyproject.toml``, and a README that says how to install and run them.
"""

from __future__ import annotations

import argparse
import copy
import re
import zipfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "scaling-laws-student-edition.zip"

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>.*)$")
_CHECK = re.compile(r"""check\(\s*["']([\w.\-]+)["']""")
_LABEL = re.compile(r"^:label:\s*(\S+)", re.MULTILINE)

BANNER = """```{note}
**Student edition.** The solutions are removed. Each exercise with a self-check is followed by a code cell for your
answer: replace its `raise NotImplementedError(...)` line by `answer = ...` and run it. Until you do, the cell stops
with `NotImplementedError`; the other cells run as in the book.
```"""

README = """# Scaling Laws: an interactive textbook (student edition)

The notebooks of the book without their solutions. To run them you need Python 3.11 or later:

    python3 -m venv .venv
    .venv/bin/pip install -r requirements.txt
    .venv/bin/pip install --no-deps -e .
    .venv/bin/jupyter lab chapters        # JupyterLab is not in requirements.txt: pip install jupyterlab first

Each exercise with a self-check has a code cell after it: replace `raise NotImplementedError(...)` by
`answer = <your value or expression>` and run the cell; `check` says whether you are right, and if not, how you are
off (a factor of ten, the sign, a few percent), without giving the answer away.
"""


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The book's notebooks in reading order (``_toc.yml`` entries that are ``.ipynb`` files)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [root / f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").exists()]


def split_directives(text: str) -> list[tuple[str, str | None, str | None]]:
    """Split markdown into ``(text, directive, label)`` pieces: plain text has ``directive=None``.

    Only top-level ``{exercise}`` and ``{solution}`` blocks are separated (fenced by backticks or colons, closed by
    the same fence alone on a line); everything else stays in the plain pieces.
    """
    pieces: list[tuple[str, str | None, str | None]] = []
    plain: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m and m["name"] in ("exercise", "solution"):
            fence = m["fence"]
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), None)
            if end is None:
                raise ValueError(f"unclosed {{{m['name']}}} directive: {lines[i]!r}")
            if plain:
                pieces.append(("\n".join(plain), None, None))
                plain = []
            block = "\n".join(lines[i:end + 1])
            label = _LABEL.search(block)
            pieces.append((block, m["name"], label.group(1) if label else m["arg"].strip() or None))
            i = end + 1
        else:
            plain.append(lines[i])
            i += 1
    if plain:
        pieces.append(("\n".join(plain), None, None))
    return pieces


def answer_cell_source(label: str, check_ids: list[str]) -> str:
    """Code of the cell a student fills in for exercise ``label`` with self-checks ``check_ids``."""
    names = ["answer"] if len(check_ids) == 1 else [f"answer_{chr(ord('a') + i)}" for i in range(len(check_ids))]
    assign = ", ".join(names)
    lines = [f"# Exercise {label}: replace the `raise` line by `{assign} = ...` (your value or expression), then run.",
             "from book_utils.check import check",
             "",
             f'raise NotImplementedError("Exercise {label}: your answer goes here; '
             f'replace this line by `{assign} = ...`")']
    lines += [f'check("{ex}", {name})' for ex, name in zip(check_ids, names, strict=True)]
    return "\n".join(lines)


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solutions and hidden checks, with an answer cell after each self-checked exercise."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"remove-cell", "solution"}:
            continue
        if cell.cell_type != "markdown":
            new = copy.deepcopy(cell)
            if new.cell_type == "code":
                new.outputs, new.execution_count = [], None
            cells.append(new)
            continue
        text: list[str] = []
        for block, directive, label in split_directives(cell.source):
            if directive == "solution":
                continue
            text.append(block)
            ids = list(dict.fromkeys(_CHECK.findall(block))) if directive == "exercise" else []
            if ids:
                cells.append(nbformat.v4.new_markdown_cell("\n".join(text).strip("\n")))
                cells.append(nbformat.v4.new_code_cell(answer_cell_source(label or "?", ids),
                                                       metadata={"tags": ["student-answer"]}))
                text = []
        source = re.sub(r"\n{3,}", "\n\n", "\n".join(text)).strip("\n")
        if source:
            cells.append(nbformat.v4.new_markdown_cell(source))
    cells.insert(1, nbformat.v4.new_markdown_cell(BANNER))
    for i, cell in enumerate(cells):
        cell["id"] = f"student-{i:03d}"
    out.cells = cells
    return out


def build(out_dir: Path, root: Path = ROOT) -> list[Path]:
    """Write the student notebooks under ``out_dir/chapters`` and the zip; return the notebooks' paths."""
    written = []
    for src in toc_notebooks(root):
        dest = out_dir / src.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_notebook(nbformat.read(src, as_version=4)), dest)
        written.append(dest)
    (out_dir / "README.md").write_text(README)
    with zipfile.ZipFile(out_dir / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in written:
            zf.write(path, path.relative_to(out_dir))
        zf.write(out_dir / "README.md", "README.md")
        for name in ("requirements.txt", "pyproject.toml"):
            zf.write(root / name, name)
        for path in sorted((root / "book_utils").rglob("*.py")):
            zf.write(path, path.relative_to(root))
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student", help="output folder")
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"Student edition: {len(written)} notebooks in {args.out}/chapters, zip {args.out / ZIP_NAME}")


if __name__ == "__main__":
    main()
