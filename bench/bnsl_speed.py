"""Speed and quality of the one-break BNSL fit: ours (seeded random starts completed in closed form, then batched
bounded Levenberg–Marquardt) against Caballero et al.'s two-stage procedure as their code runs it
(``scipy.optimize.brute`` over 163,840 grid points, then ``curve_fit``), on the same data, in one run.

Both minimise the same objective, the mean squared error of log(y + 1) (the authors' choice). Curves of 15 points,
as in the authors' 4-digit-addition fit: a smooth break, a double-descent-like rise, a sharp emergence-like break
(the authors' own simulated law), a plain power law, each noiseless and with 2% and 5% noise. Ours is run twice:
with its default floor a >= 0, and with a free (``a_min=None``), as ``curve_fit`` leaves it; "<= ref" compares the
latter, the same problem. The reference grid search runs in one process by default (``--workers -1``: all cores, as
the authors ran it; on 2 cores it saves little, each evaluation being tiny).

``--arithmetic`` instead fits the authors' noiseless 4-digit-addition simulation on every whole number x <= 390
and x <= 405, as their script does, with their script's grid for it (about 1.8 million points, b and d1 as
1.25**p - 1 + 1e-8) and with ``fit_bnsl`` from four seeds, and prints each fit's c1, d1 and held-out RMSLE (minutes).

Run: ``make bench`` (or ``.venv/bin/python bench/bnsl_speed.py [--arithmetic]``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from book_utils.fitting import add_log_noise, fit_bnsl, fit_bnsl_reference
from book_utils.laws import bnsl
from book_utils.published import BNSL_ARITHMETIC_SIMULATION, bnsl_kwargs


def curves():
    sharp = bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)
    x_wide = np.geomspace(10, 1e5, 15)
    laws = [
        ("smooth break", x_wide, {"a": 0.5, "b": 5.0, "c0": 0.1, "c": [0.6], "d": [1e3], "f": [0.5]}),
        ("rise (negative c1)", x_wide, {"a": 0.05, "b": 2.0, "c0": 0.3, "c": [-1.5], "d": [1e3], "f": [0.2]}),
        ("sharp (authors' simulation)", np.linspace(160, 928, 15), sharp),
        ("power law, no break", np.geomspace(1e2, 1e6, 15), {"a": 0.0, "b": 2.0, "c0": 0.3, "c": [], "d": [], "f": []}),
    ]
    for k, (name, x, law) in enumerate(laws):
        y = bnsl(x, **law)
        yield name, x, y
        for sigma in (0.02, 0.05):
            yield f"{name}, {sigma:.0%} noise", x, add_log_noise(y, sigma, seed=k)


EXACT = 1e-20
"""Below this mean squared log error a fit reproduces noiseless data to about 1e-10 (relative): both are exact, and
which of two such numbers is smaller is rounding."""


def timed(f, *args, **kwargs):
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


SIMULATION_GRID = ((0.0, 2.5, 0.1), (0.0, 5.0, 0.25), (0.0, 0.2, 0.05), (0.0, 8.0, 0.5), (0.0, 35.0, 2.5),
                   (0.0, 0.2, 0.05))
"""The grid of the authors' script for the noiseless simulation (25 x 20 x 4 x 16 x 14 x 4 points)."""


def arithmetic(workers):
    law = bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)
    x = np.arange(1.0, 4096.0)
    y = bnsl(x, **law)
    print(f"{'fit of x <= k':<34}{'k':>5}{'time (s)':>10}{'MSLE':>11}{'c1':>8}{'d1':>8}{'held-out RMSLE':>16}")
    for k in (390, 405):
        runs = [("authors' grid + curve_fit", fit_bnsl_reference,
                 {"grid": SIMULATION_GRID, "shift": 1 - 1e-8, "workers": workers})]
        runs += [(f"fit_bnsl, seed {s}", fit_bnsl, {"seed": s}) for s in range(4)]
        for name, fitter, kwargs in runs:
            fit, t = timed(fitter, x[:k], y[:k], **kwargs)
            print(f"{name:<34}{k:>5}{t:>10.1f}{fit.objective:>11.1e}{fit.c[0]:>8.2f}{fit.d[0]:>8.1f}"
                  f"{fit.rmsle(x[k:], y[k:]):>16.3f}")
    print(f"truth: c1 = {law['c'][0]:.2f}, d1 = {law['d'][0]:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="processes for the reference grid search")
    parser.add_argument("--arithmetic", action="store_true", help="the 4-digit simulation at x <= 390 and 405")
    args = parser.parse_args()
    if args.arithmetic:
        arithmetic(-1 if args.workers == 1 else args.workers)
        return
    print(f"{'curve (15 points)':<38}{'ours (s)':>9}{'ref (s)':>9}{'ratio':>7}{'MSLE ours':>11}{'a free':>11}"
          f"{'MSLE ref':>11}{'<= ref':>8}")
    worst, n_ok, n = 0.0, 0, 0
    for name, x, y in curves():
        ours, t_ours = timed(fit_bnsl, x, y)
        free, t_free = timed(fit_bnsl, x, y, a_min=None)
        ref, t_ref = timed(fit_bnsl_reference, x, y, workers=args.workers)
        exact = max(free.objective, ref.objective) < EXACT  # both reproduce the data to rounding
        ok = exact or free.objective <= ref.objective * (1 + 1e-6)
        worst, n_ok, n = max(worst, t_ours, t_free), n_ok + ok, n + 1
        verdict = "tie" if exact else ("yes" if ok else "NO")
        print(f"{name:<38}{t_ours:>9.3f}{t_ref:>9.2f}{t_ref / t_ours:>7.0f}{ours.objective:>11.2e}"
              f"{free.objective:>11.2e}{ref.objective:>11.2e}{verdict:>8}")
    print(f"a free reaches the reference's objective or lower (or both fit exactly: 'tie', MSLE < {EXACT:g}) on "
          f"{n_ok} of {n} curves; slowest fit of ours: {worst:.3f} s; reference grid: 163,840 points, "
          f"workers={args.workers}")


if __name__ == "__main__":
    main()
