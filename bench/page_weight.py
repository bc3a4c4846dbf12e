"""Weight of every page of the built book, as a reader's browser loads it, against the 3 MB budget.

Loads each page of ``_build/html`` (run ``make book`` first) in headless Chromium with the network blocked and sums
every resource it fetched: HTML, scripts, styles, fonts, figures and the explorers' frames (inside the HTML). Two
columns: bytes as served from disk, and bytes a static host sends with gzip on text resources (the budget applies to
this one: it is what a reader downloads).

Run: ``make bench`` (or ``.venv/bin/python bench/page_weight.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser_context, chromium_available, serve, visit  # noqa: E402

BUDGET = 3_000_000


def main():
    html = ROOT / "_build" / "html"
    if not (html / "index.html").exists():
        sys.exit("no built book: run `make book` first")
    if not chromium_available():
        sys.exit("chromium is not installed: run `make browser`")
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    print(f"{'page':<46}{'requests':>9}{'served (KB)':>13}{'gzipped (KB)':>14}{'of budget':>11}")
    print("-" * 93)
    heaviest = ("", 0)
    with serve(html) as base, browser_context(base) as context:
        for path in pages:
            page, rec = visit(context, base, path)
            page.close()
            heaviest = max(heaviest, (path, rec.transfer_weight), key=lambda t: t[1])
            print(f"{path:<46}{len(rec.resources):>9}{rec.weight / 1024:>13.0f}{rec.transfer_weight / 1024:>14.0f}"
                  f"{rec.transfer_weight / BUDGET:>10.0%}")
    print(f"\nheaviest page: {heaviest[0]}, {heaviest[1] / 1e6:.2f} MB transferred (budget {BUDGET / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
