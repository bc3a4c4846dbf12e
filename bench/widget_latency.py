"""Callback latency of every explorer: ours (blitted redraw) against a straightforward full redraw.

Each explorer is driven through every position of every control (book_utils.widgets.sweep) and each callback is
timed: update the artists, render, encode the PNG. The reference re-runs the same sweep with a full
``canvas.draw()`` per callback, which is what a naive implementation does.

Run: ``make bench`` (or ``.venv/bin/python bench/widget_latency.py``).
"""

from __future__ import annotations

import time

import matplotlib
import numpy as np

matplotlib.use("Agg")

from book_utils import widgets

EXPLORERS = {name: getattr(widgets, name) for name in widgets.__all__ if name.endswith("_explorer")}
"""Every chapter's explorer, in the order book_utils.widgets lists them."""


def full_redraw(ex: widgets.Explorer) -> widgets.Explorer:
    """Make ``ex`` redraw its whole figure on every callback: the reference implementation."""
    update = ex._update

    def naive(**values):
        update(**values)
        return None

    ex._update = naive
    return ex


def measure(make, reference: bool):
    t0 = time.perf_counter()
    ex = make(static=False)
    build_ms = 1e3 * (time.perf_counter() - t0)
    if reference:
        full_redraw(ex)
    report = widgets.sweep(ex)
    assert report.ok, report
    ms = np.array(report.callback_ms)
    return build_ms, np.median(ms), np.percentile(ms, 90), ms.size


def main():
    header = f"{'explorer':<28}{'callbacks':>10}{'build (ms)':>12}{'median (ms)':>13}{'p90 (ms)':>10}" \
             f"{'full redraw median (ms)':>25}{'speed-up':>10}"
    print(header)
    print("-" * len(header))
    for name, make in EXPLORERS.items():
        build, med, p90, n = measure(make, reference=False)
        _, ref_med, _, _ = measure(make, reference=True)
        print(f"{name:<28}{n:>10}{build:>12.0f}{med:>13.1f}{p90:>10.1f}{ref_med:>25.1f}{ref_med / med:>9.1f}x")


if __name__ == "__main__":
    main()
