"""A printable PDF of the built book, made by the same headless Chromium that the browser tests use.

    python _ext/print_pdf.py [--html _build/html] [--out _build/pdf/scaling-laws.pdf]     (what ``make pdf`` runs)

Every page of ``_toc.yml`` is opened offline from the built HTML, after MathJax and the widgets have rendered, and
printed with the theme's print styles (no navigation bars); the API reference and the execution-status page stay
online only. An explorer prints as the frame its controls show when the page opens, its default. Solutions stay
folded, as on the page. The pages are joined into one PDF with an outline
(one bookmark per page, nested by chapter). Needs the Python packages ``playwright`` and ``pypdf`` and
``/usr/bin/chromium``; never downloads a browser.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser_context, chromium_available, serve, visit  # noqa: E402

SKIP = {"chapters/appendix/api.html", "chapters/appendix/execution.html"}  # reference pages for the screen: the API
# (about 175 printed pages of docstrings) and the build's execution times; the printed book links to neither
PAGE = {"format": "A4", "print_background": True, "scale": 0.8,  # 0.8: wide equations and tables fit the page
        "margin": {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}}


def toc_pages(root: Path = ROOT) -> list[tuple[str, int]]:
    """``(html path, depth)`` of every page of the book in reading order (less :data:`SKIP`); depth 0 is a chapter's
    first page."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [(f"{toc['root']}.html", 0)]

    def walk(entries, depth):
        for entry in entries or []:
            pages.append((f"{entry['file']}.html", depth))
            walk(entry.get("sections"), depth + 1)

    for part in toc.get("parts", []):
        walk(part.get("chapters"), 0)
    return [(path, depth) for path, depth in pages if path not in SKIP]


def print_pages(context, base: str, pages: list[tuple[str, int]], *, progress=print):
    """Print ``pages`` of the book served at ``base`` with an open browser ``context``; return a ``PdfWriter``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    parents: list = []
    start = time.perf_counter()
    for i, (path, depth) in enumerate(pages, 1):
        page, _ = visit(context, base, path)
        page.emulate_media(media="print")
        title = page.title().split(" — ")[0].split(" | ")[0].strip() or path
        first = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(page.pdf(**PAGE))))
        page.close()
        parents[depth:] = []
        parent = parents[-1] if parents else None
        parents.append(writer.add_outline_item(title=title, page_number=first, parent=parent))
        elapsed = time.perf_counter() - start
        progress(f"[{i:2d}/{len(pages)}] {path}  ({len(writer.pages)} PDF pages so far, {elapsed:.0f} s)")
    writer.add_metadata({"/Title": "Scaling Laws: an interactive textbook"})
    return writer


def print_book(html: Path, out: Path, pages: list[tuple[str, int]] | None = None, *, progress=print) -> int:
    """Print ``pages`` (default: the whole book) of the built ``html`` into the PDF ``out``; return its page count."""
    pages = toc_pages() if pages is None else pages
    missing = [p for p, _ in pages if not (html / p).exists()]
    if missing:
        raise FileNotFoundError(f"not built: {', '.join(missing)}; run `make book` first")
    with serve(html) as base, browser_context(base) as context:
        writer = print_pages(context, base, pages, progress=progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return len(writer.pages)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "scaling-laws.pdf", help="the PDF")
    args = parser.parse_args(argv)
    if not chromium_available():
        sys.exit("make pdf needs /usr/bin/chromium (Debian's chromium package; `make browser` installs it)")
    n = print_book(args.html, args.out)
    print(f"Wrote {args.out} ({n} pages, {args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
