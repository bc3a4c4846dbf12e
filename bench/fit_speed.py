"""Speed of Chinchilla's parametric fit: ours (batched, screened Levenberg–Marquardt) against the straightforward
procedure (scipy L-BFGS-B from each of the 4,500 starts of Hoffmann et al.'s grid, one after the other), in one run.

Two data sets of Chinchilla's size: 250 synthetic runs drawn from Besiroglu et al.'s coefficients with 1% noise, and
the scaling lab's IsoFLOP sweep and training-curve runs of chapter 2. For each: the full fit (and whether both reach
the same optimum), then 4,000 bootstrap refits (ours: one batch; reference: L-BFGS-B per resample from the original
optimum).

Run: ``make bench`` (or ``.venv/bin/python bench/fit_speed.py``; ``--quick`` times the reference bootstrap on 200
resamples and scales it to 4,000).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import minimize

from book_utils import fitting
from book_utils.fitting import fit_chinchilla, fit_chinchilla_reference
from book_utils.lab import ScalingLab
from book_utils.laws import chinchilla_loss
from book_utils.published import EPOCH_FIT


def synthetic(n=250, seed=0):
    rng = np.random.default_rng(seed)
    N = np.exp(rng.uniform(np.log(7e7), np.log(1.6e10), n))
    D = np.exp(rng.uniform(np.log(5e9), np.log(5e11), n))
    p = {k: float(v) for k, v in EPOCH_FIT.items()}
    return N, D, chinchilla_loss(N, D, **p) * np.exp(rng.normal(0.0, 0.01, n))


def lab_runs():
    lab = ScalingLab()
    iso = lab.isoflop_sweep(10 ** np.arange(6, 8.01, 0.25), n_records=2)
    sizes = np.unique(np.round(2.0 ** (np.arange(6, 22) / 2)))
    N = np.repeat(sizes, 6)
    D = N * np.tile([10, 20, 40, 80, 160, 320], sizes.size)
    keep = (6 * N * D >= 3e5) & (6 * N * D <= 3e8)
    cur = lab.train(N[keep], D[keep], n_records=2)
    return (np.concatenate([iso.N, cur.N]), np.concatenate([iso.D, cur.D]), np.concatenate([iso.loss, cur.loss]))


def reference_bootstrap(fit, n_resamples, seed=0):
    """L-BFGS-B refit of each resample from the original optimum: the straightforward bootstrap."""
    rng = np.random.default_rng(seed)
    n = fit.n_points
    x = (np.log(fit.N), np.log(fit.D))
    logl = np.log(fit.loss)
    theta0 = fitting._natural_to_theta(fitting._ChinchillaModel, np.array([[*fit.params.values()]]))[0]
    out = []
    for _ in range(n_resamples):
        w = rng.multinomial(n, np.full(n, 1.0 / n)).astype(float)

        out.append(minimize(fitting._huber_objective_grad, theta0, args=(x, logl, w, fit.delta), jac=True,
                            method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 15000}).x)
    return np.array(out)


def timed(f, *args, **kwargs):
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time the reference bootstrap on 200 resamples only")
    args = parser.parse_args()
    n_ref_boot = 200 if args.quick else 4000
    rows = []
    for name, make in [("synthetic (Epoch coefficients)", synthetic), ("scaling lab (chapter 2)", lab_runs)]:
        N, D, L = make()
        ours, t_ours = timed(fit_chinchilla, N, D, L)
        ref, t_ref = timed(fit_chinchilla_reference, N, D, L)
        rel = abs(ours.objective - ref.objective) / ref.objective
        dpar = max(abs(getattr(ours, k) / getattr(ref, k) - 1) for k in ours.names)
        boot, t_boot = timed(ours.bootstrap, 4000, seed=0)
        _, t_rboot = timed(reference_bootstrap, ours, n_ref_boot)
        t_rboot *= 4000 / n_ref_boot
        rows.append((name, N.size, t_ours, t_ref, rel, dpar, t_boot, t_rboot, ours.a, boot.interval("a", 0.9)))
    print(f"{'data':<32}{'runs':>5}{'fit ours (s)':>14}{'fit ref (s)':>13}{'ratio':>8}{'obj rel diff':>14}"
          f"{'max param diff':>16}{'4000 boot ours (s)':>20}{'ref (s)':>10}{'ratio':>8}")
    for name, n, t1, t2, rel, dpar, t3, t4, _a, _ci in rows:
        print(f"{name:<32}{n:>5}{t1:>14.2f}{t2:>13.1f}{t2 / t1:>8.0f}{rel:>14.1e}{dpar:>16.1e}{t3:>20.1f}"
              f"{t4:>10.0f}{t4 / t3:>8.0f}")
    for name, *_, a, ci in rows:
        print(f"{name}: a = {a:.3f}, 90% bootstrap interval ({ci[0]:.3f}, {ci[1]:.3f})")
    if args.quick:
        print(f"(reference bootstrap timed on {n_ref_boot} resamples and scaled to 4,000)")


if __name__ == "__main__":
    main()
