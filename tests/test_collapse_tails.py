"""book_utils.collapse, tails (chapter 5, notebook 02): Hutter's memoriser on tail-cut Zipf data.

Exact sums against brute force and against seeded simulations; the limits (no cut, infinite data, large k); the
delayed recovery with clean data; the generator trained on T0 draws; several generations; bad inputs.
"""

import numpy as np
import pytest
from scipy import special

from book_utils import _zipf
from book_utils.collapse import (
    GeneratorSample,
    TailCutSimulation,
    generations_plateau,
    median_largest_rank,
    plateau_crossing,
    simulate_generations,
    simulate_generator,
    simulate_tail_cut,
    tail_cut_error,
    tail_cut_plateau,
    tail_cut_rank,
    zipf_expected_support,
)

T_GRID = np.array([0.0, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5])


def brute(T, beta, k, pi, n=2_000_000):
    """sum_i p_i (1 - q_i)^T term by term up to n, plus the untouched mass beyond n (T q_n is negligible here)."""
    z = special.zeta(beta)
    i = np.arange(1, n + 1, dtype=float)
    p = i ** -beta / z
    if k is None:
        q = p
    else:
        head = special.zeta(beta) - special.zeta(beta, k + 1)
        q = np.where(i <= k, pi * p + (1 - pi) * p * z / head, pi * p)
    rest = special.zeta(beta, n + 1) / z
    return np.array([np.sum(p * np.exp(t * np.log1p(-q))) + rest for t in T])


# ---- the exact sum --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("beta", "k", "pi"), [(2.0, None, 0.0), (2.0, 50, 0.0), (1.5, 1000, 0.1), (3.0, 7, 0.5),
                                               (2.5, 1, 0.0)])
def test_exact_sum_matches_brute_force(beta, k, pi):
    np.testing.assert_allclose(tail_cut_error(T_GRID, beta, k, clean_fraction=pi), brute(T_GRID, beta, k, pi),
                               rtol=1e-6)


def test_shapes_and_scalars():
    assert isinstance(tail_cut_error(10, 2.0, 5), float)
    assert tail_cut_error(np.ones((2, 3)), 2.0, 5).shape == (2, 3)
    assert tail_cut_error(0.0, 2.0, 5) == pytest.approx(1.0)
    assert isinstance(tail_cut_rank(1e4, 2.0), int)
    assert tail_cut_rank([1e2, 1e4, 1e6], 2.0).shape == (3,)


# ---- limits ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [1.5, 2.0, 3.0])
def test_no_cut_is_hutters_clean_curve(beta):
    clean = tail_cut_error(T_GRID, beta, None)
    np.testing.assert_allclose(tail_cut_error(T_GRID, beta, np.inf), clean, rtol=1e-12)
    np.testing.assert_allclose(tail_cut_error(T_GRID, beta, 10, clean_fraction=1.0), clean, rtol=1e-12)
    # exponent c = 1 - 1/beta, and Hutter's constant Gamma(1 - 1/beta) / (beta zeta^(1/beta)) (integral, derived)
    e = tail_cut_error(np.array([1e9, 1e11]), beta, None)
    assert np.log10(e[0] / e[1]) / 2 == pytest.approx(1 - 1 / beta, abs=2e-3)
    const = special.gamma(1 - 1 / beta) / (beta * special.zeta(beta) ** (1 / beta))
    assert e[1] / (const * 1e11 ** -(1 - 1 / beta)) == pytest.approx(1.0, abs=5e-3)
    # a very large cut is the clean curve as long as T has not reached its plateau
    np.testing.assert_allclose(tail_cut_error(T_GRID, beta, 10**9), clean, rtol=1e-4)


@pytest.mark.parametrize(("beta", "k"), [(1.5, 30), (2.0, 1000), (3.0, 5)])
def test_infinite_data_reaches_the_plateau(beta, k):
    level = tail_cut_plateau(beta, k)
    assert level == pytest.approx(special.zeta(beta, k + 1) / special.zeta(beta), rel=1e-12)
    big = 1e4 * plateau_crossing(beta, k) * k      # every head item seen many times over
    assert tail_cut_error(big, beta, k) == pytest.approx(level, rel=1e-9)
    e = tail_cut_error(np.geomspace(1, big, 40), beta, k)
    assert np.all(np.diff(e) <= 0) and np.all(e >= level * (1 - 1e-12))
    assert tail_cut_plateau(beta, None) == 0.0


@pytest.mark.parametrize("beta", [1.5, 2.0, 3.0])
def test_plateau_scales_as_k_to_the_minus_beta_minus_one(beta):
    k = 10_000
    approx = k ** -(beta - 1) / ((beta - 1) * special.zeta(beta))
    assert tail_cut_plateau(beta, k) == pytest.approx(approx, rel=1e-3 * beta)
    assert tail_cut_plateau(beta, 2 * k) / tail_cut_plateau(beta, k) == pytest.approx(2 ** -(beta - 1), rel=1e-3)


def test_plateau_crossing():
    for beta, k in [(1.5, 10), (2.0, 1000), (3.0, 300)]:
        x = plateau_crossing(beta, k)
        assert tail_cut_error(x, beta, None) == pytest.approx(tail_cut_plateau(beta, k), rel=1e-10)
    x = plateau_crossing(2.0, 1000)
    g = special.gamma(0.5)
    assert x == pytest.approx((g / 2) ** 2 * special.zeta(2.0) * 1000**2, rel=0.01)     # asymptote (derived)
    assert plateau_crossing(2.0, 2000) / x == pytest.approx(4.0, rel=2e-3)                # x* ~ k^beta


# ---- the delayed recovery with clean data ---------------------------------------------------------------------------

@pytest.mark.parametrize("pi", [0.01, 0.1, 0.5])
def test_delayed_recovery(pi):
    beta, k = 2.0, 1000
    x, level = plateau_crossing(beta, k), tail_cut_plateau(beta, k)
    early, late = tail_cut_error(np.array([0.1, 10.0]) * x / pi, beta, k, clean_fraction=pi)
    if pi <= 0.1:                                            # still on the plateau a decade before x*/pi
        assert early / level == pytest.approx(1.0, abs=0.2)
    assert late / tail_cut_error(10.0 * x, beta, None) == pytest.approx(1.0, abs=1e-3)  # the clean curve at pi T
    T = np.geomspace(1, 1e12, 60)
    mix = tail_cut_error(T, beta, k, clean_fraction=pi)
    assert np.all(np.diff(mix) < 0)
    # never worse than its clean draws alone: sum p_i (1 - pi p_i)^T, termwise
    assert np.all(mix <= _zipf.unseen_mass(T, beta, w_head=pi) * (1 + 1e-9))
    # and it leaves the pure tail cut's plateau: below it for good once T >> x*/pi
    assert tail_cut_error(100 * x / pi, beta, k, clean_fraction=pi) < 0.2 * level


def test_one_percent_synthetic_costs_about_one_percent_of_the_data():
    beta, k, pi = 2.0, 1000, 0.99
    T = np.geomspace(1, 1e14, 57)
    ratio = tail_cut_error(T, beta, k, clean_fraction=pi) / tail_cut_error(T, beta, None)
    bound = (1 / pi) ** (1 - 1 / beta)                       # the clean curve at 0.99 T, for large T
    assert ratio.max() <= bound + 1e-6 and ratio[-1] == pytest.approx(bound, rel=1e-4)


# ---- simulation against the exact sum -------------------------------------------------------------------------------

@pytest.mark.parametrize(("beta", "k", "pi"), [(2.0, None, 0.0), (2.0, 30, 0.0), (1.5, 20, 0.1), (3.0, 5, 0.5),
                                               (1.5, 3_000_000, 0.2)])   # the last: k beyond the CDF table
def test_simulation_matches_exact(beta, k, pi):
    T = np.array([0, 1, 3, 10, 30, 100, 300, 1000, 3000])
    sim = simulate_tail_cut(T, beta, k, clean_fraction=pi, n_runs=500, seed=7)
    exact = tail_cut_error(T, beta, k, clean_fraction=pi)
    assert isinstance(sim, TailCutSimulation) and sim.errors.shape == (500, T.size)
    assert np.all(np.abs(sim.mean - exact) <= 4 * sim.sem + 1e-9), (sim.mean, exact, sim.sem)
    z = (sim.mean[1:] - exact[1:]) / sim.sem[1:]
    assert np.mean(z**2) < 3.0, z                            # no systematic bias (about 1 for an unbiased mean)
    assert np.all(np.diff(sim.errors, axis=1) <= 1e-15)     # a learning curve: nested prefixes of one sequence


def test_simulation_of_the_plateau_and_the_order_of_T():
    k = 10
    sim = simulate_tail_cut([5000, 0, 20], 2.0, k, n_runs=200, seed=1)    # T need not be sorted
    assert np.all(sim.errors[:, 1] == 1.0)
    np.testing.assert_allclose(sim.errors[:, 0], tail_cut_plateau(2.0, k), rtol=1e-9)    # all 10 items seen
    assert np.all(sim.errors[:, 2] >= sim.errors[:, 0])


def test_simulation_is_seeded():
    a = simulate_tail_cut([10, 100], 2.0, 20, clean_fraction=0.3, n_runs=20, seed=3).errors
    b = simulate_tail_cut([10, 100], 2.0, 20, clean_fraction=0.3, n_runs=20, seed=3).errors
    c = simulate_tail_cut([10, 100], 2.0, 20, clean_fraction=0.3, n_runs=20, seed=4).errors
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    g1, g2 = simulate_generator(100, 2.0, n_runs=5, seed=0), simulate_generator(100, 2.0, n_runs=5, seed=0)
    assert np.array_equal(g1.missing_mass, g2.missing_mass)
    assert np.array_equal(simulate_generations(100, 2.0, 3, n_runs=5, seed=2),
                          simulate_generations(100, 2.0, 3, n_runs=5, seed=2))


def test_sampler_tail_beyond_the_table():
    # beta = 1.1: most of the mass lies beyond the 4096-rank table; P(rank > 4096) must still be exact
    sim = simulate_tail_cut([1], 1.1, None, n_runs=20000, seed=5)
    assert sim.mean[0] == pytest.approx(tail_cut_error(1, 1.1, None), abs=4 * sim.sem[0])


# ---- the generator trained on T0 draws ------------------------------------------------------------------------------

@pytest.mark.parametrize("beta", [1.5, 2.0, 3.0])
def test_tail_cut_rank(beta):
    for T0 in (10.0, 1e3, 1e6):
        k = tail_cut_rank(T0, beta)
        target = tail_cut_error(T0, beta, None)
        assert tail_cut_plateau(beta, k) <= target
        assert k == 1 or tail_cut_plateau(beta, k - 1) > target
    c = (beta / ((beta - 1) * special.gamma(1 - 1 / beta))) ** (1 / (beta - 1))
    assert tail_cut_rank(1e8, beta) / (c * (1e8 / special.zeta(beta)) ** (1 / beta)) == pytest.approx(1.0, abs=0.01)
    assert tail_cut_rank(0.01, beta) == 1


def test_generator_support():
    T0, beta = 20_000, 2.0
    g = simulate_generator(T0, beta, n_runs=300, seed=11)
    assert isinstance(g, GeneratorSample) and g.T0 == T0
    sem = g.missing_mass.std(ddof=1) / np.sqrt(g.missing_mass.size)
    assert abs(g.missing_mass.mean() - tail_cut_error(T0, beta, None)) < 4 * sem
    assert abs(g.missing_mass.mean() - tail_cut_plateau(beta, tail_cut_rank(T0, beta))) < 4 * sem + 1e-6
    # support size ~ Gamma(1 - 1/beta) (T0/zeta)^(1/beta), up to O(1); the largest rank seen lies far beyond k
    assert g.n_distinct.mean() == pytest.approx(float(zipf_expected_support(T0, beta)), rel=0.02)
    assert np.median(g.largest_rank) > 20 * tail_cut_rank(T0, beta)


def test_generations():
    T0, beta = 10_000, 2.0
    m = simulate_generations(T0, beta, 12, n_runs=200, seed=0)
    assert m.shape == (12, 200) and np.all(np.diff(m, axis=0) >= -1e-15)     # lost items never come back
    theory = generations_plateau(T0, beta, 12)
    assert theory[0] == pytest.approx(tail_cut_error(T0, beta, None), rel=1e-12)
    sem = m.std(axis=1, ddof=1) / np.sqrt(m.shape[1])
    assert np.all(np.abs(m.mean(axis=1) - theory) < 4 * sem + 0.03 * theory)
    # large n: s_t ~ 2/t, so the plateau ~ E_clean(2 T0 / n) ~ n^(1 - 1/beta)
    far = generations_plateau(T0, beta, 400)
    assert far[-1] / tail_cut_error(2 * T0 / 400, beta, None) == pytest.approx(1.0, abs=0.03)


# ---- bad inputs -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "message"), [
    (lambda: tail_cut_error(10, 1.0, 5), "beta must be > 1"),
    (lambda: tail_cut_error(10, np.nan, 5), "beta must be finite"),
    (lambda: tail_cut_error(-1, 2.0, 5), "T must be >= 0"),
    (lambda: tail_cut_error([1, np.inf], 2.0, 5), "T must be finite"),
    (lambda: tail_cut_error(10, 2.0, 0), "k .* whole number >= 1"),
    (lambda: tail_cut_error(10, 2.0, 2.5), "k .* whole number >= 1"),
    (lambda: tail_cut_error(10, 2.0, -np.inf), "k .* whole number >= 1"),
    (lambda: tail_cut_error(10, 2.0, "10"), "k .* whole number >= 1"),
    (lambda: tail_cut_error(10, 2.0, True), "k .* whole number >= 1"),
    (lambda: tail_cut_error(10, 2.0, 5, clean_fraction=1.5), "clean_fraction must be <= 1"),
    (lambda: tail_cut_error(10, 2.0, 5, clean_fraction=-0.1), "clean_fraction must be >= 0"),
    (lambda: tail_cut_plateau(0.5, 5), "beta must be > 1"),
    (lambda: tail_cut_rank(0, 2.0), "T0 must be > 0"),
    (lambda: plateau_crossing(2.0, None), "finite cut rank"),
    (lambda: simulate_tail_cut([1.5], 2.0, 5), "whole numbers"),
    (lambda: simulate_tail_cut([[1, 2]], 2.0, 5), "1-D"),
    (lambda: simulate_tail_cut([10], 2.0, 5, n_runs=0), "n_runs must be >= 1"),
    (lambda: simulate_tail_cut([10**6], 2.0, 5, n_runs=1000), "too many"),
    (lambda: simulate_generator(0, 2.0), "T0 must be >= 1"),
    (lambda: simulate_generator(10**7, 2.0, n_runs=100), "too many"),
    (lambda: simulate_generations(100, 2.0, 0), "generations must be >= 1"),
    (lambda: generations_plateau(-1, 2.0, 3), "T0 must be > 0"),
])
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_explorer_responds_and_fits_the_kernel_free_budget():
    from book_utils.widgets import MAX_STATIC_FRAMES, sweep, tail_collapse_explorer

    ex = tail_collapse_explorer(static=False)
    assert int(np.prod([spec.n for spec in ex.specs.values()])) <= MAX_STATIC_FRAMES
    assert sweep(ex, every=False).ok


@pytest.mark.parametrize("beta", [1.5, 2.0, 3.0])
def test_median_largest_rank(beta):
    """The exact median of the largest of T0 draws: its defining inequality, a simulation, and its growth."""
    T0 = 200
    m = median_largest_rank(T0, beta)
    cdf = lambda k: (1 - tail_cut_plateau(beta, k)) ** T0  # noqa: E731 - P(largest rank <= k)
    assert cdf(m) >= 0.5 > cdf(m - 1)
    largest = simulate_generator(T0, beta, n_runs=20_000, seed=1).largest_rank
    assert np.mean(largest <= m) >= 0.5 - 0.015 and np.mean(largest <= m - 1) < 0.5 + 0.015
    assert (median_largest_rank(1, beta) == 1) == (1 / special.zeta(beta) >= 0.5)  # one draw: rank 1 iff p_1 >= 1/2
    grows = median_largest_rank([1e4, 1e6], beta)
    assert grows[1] / grows[0] == pytest.approx(100 ** (1 / (beta - 1)), rel=0.02)  # m ~ T0^(1/(beta-1))
    assert grows[0] > tail_cut_rank(1e4, beta)


@pytest.mark.parametrize("args, message", [((0.5, 2.0), "T0 must be >= 1"), ((-1, 2.0), "T0 must be > 0"),
                                           ((10, 1.0), "beta")])
def test_median_largest_rank_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        median_largest_rank(*args)
