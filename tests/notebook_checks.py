"""Helpers for the notebook and build tests: find tracebacks in executed notebooks, list the book's notebooks."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "Traceback\u001b", "Error\u001b[0m", '"output_type": "error"')


def chapter_notebooks() -> list[Path]:
    """Every notebook of the book, in order."""
    return sorted(p for p in (ROOT / "chapters").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def tracebacks(nb: dict) -> list[str]:
    """Where an executed notebook (as parsed JSON) holds a Python traceback: error outputs, tracebacks printed into
    any output, or tracebacks inside the saved widget state (an explorer's callback error is shown there)."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            elif any(m in json.dumps(out) for m in TRACEBACK_MARKERS[:3]):
                found.append(f"cell {i}: traceback in output")
    state = json.dumps(nb.get("metadata", {}).get("widgets", {}))
    if any(m in state for m in TRACEBACK_MARKERS):
        found.append("widget state holds a traceback")
    return found
