"""Regression, replace vs accumulate (chapter 5, notebook 03): book_utils.collapse.regression_collapse and theory."""

import numpy as np
import pytest

from book_utils.collapse import RegressionCollapse, regression_collapse, regression_collapse_theory

MODES_DESIGNS = [("replace", "fresh"), ("replace", "fixed"), ("accumulate", "fresh"), ("accumulate", "fixed")]


# ---- closed forms --------------------------------------------------------------------------------------------------


def test_theory_replace_is_linear_in_n():
    n = np.arange(0, 50)
    for design in ("fresh", "fixed"):
        e = regression_collapse_theory(32, 128, n, mode="replace", design=design)
        assert np.allclose(e, n * 32 / 95, rtol=1e-14, atol=0)
        assert np.allclose(np.diff(e), 32 / 95, rtol=1e-12)          # the slope: one real-data fit per generation


def test_theory_accumulate_matches_explicit_sums():
    n = np.arange(0, 301)
    i = np.arange(1, 301)
    for d, T in [(1, 3), (8, 12), (32, 128), (100, 1000)]:
        fixed = np.r_[0.0, np.cumsum(1 / i**2)] * d / (T - d - 1)
        fresh = np.r_[0.0, np.cumsum(1 / (i * (i * T - d - 1)))] * d
        assert np.allclose(regression_collapse_theory(d, T, n, mode="accumulate", design="fixed"), fixed, rtol=1e-12)
        assert np.allclose(regression_collapse_theory(d, T, n, mode="accumulate", design="fresh"), fresh, rtol=1e-11)


def test_theory_limits_and_bound():
    one = 32 / 95
    assert regression_collapse_theory(32, 128, np.inf, mode="accumulate", design="fixed") == pytest.approx(
        one * np.pi**2 / 6, rel=1e-14)
    i = np.arange(1, 2_000_001)
    fresh_sum = 32 * np.sum(1 / (i * (i * 128.0 - 33))) + 32 / (128 * i[-1])     # + the tail beyond 2e6 terms
    assert regression_collapse_theory(32, 128, np.inf, mode="accumulate") == pytest.approx(fresh_sum, rel=1e-8)
    assert regression_collapse_theory(32, 128, np.inf, mode="replace") == np.inf
    n = np.r_[np.arange(0, 1000), 10**6, np.inf]
    for d, T in [(1, 3), (8, 12), (32, 128), (64, 66)]:
        one = d / (T - d - 1)
        fixed = regression_collapse_theory(d, T, n, mode="accumulate", design="fixed")
        fresh = regression_collapse_theory(d, T, n, mode="accumulate", design="fresh")
        assert (fixed <= one * np.pi**2 / 6 * (1 + 1e-14)).all() and (np.diff(fixed) > 0).all()
        assert (np.diff(fresh) > 0).all() and (fresh[2:] < fixed[2:]).all()   # fresh inputs: strictly below for n >= 2
        assert fresh[1] == pytest.approx(one, rel=1e-12) and fixed[1] == pytest.approx(one, rel=1e-12)
        assert fixed[0] == 0 and fresh[0] == 0


def test_theory_shapes_and_sigma():
    assert isinstance(regression_collapse_theory(8, 20, 3), float)
    out = regression_collapse_theory(8, 20, [[1, 2], [3, 4]], mode="accumulate")
    assert out.shape == (2, 2)
    for mode, design in MODES_DESIGNS:
        base = regression_collapse_theory(8, 20, [1, 5], mode=mode, design=design)
        scaled = regression_collapse_theory(8, 20, [1, 5], mode=mode, design=design, sigma=0.5)
        assert np.allclose(scaled, 0.25 * base, rtol=1e-14)


# ---- simulation against the closed forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "design"), MODES_DESIGNS)
def test_simulation_matches_theory(mode, design):
    sim = regression_collapse(6, 16, 8, mode=mode, design=design, runs=30_000, seed=11)
    theory = sim.theory()
    assert sim.mean[0] == 0 and sim.sem[0] == 0
    z = (sim.mean[1:] - theory[1:]) / sim.sem[1:]
    assert np.abs(z).max() < 4.5, z
    assert np.abs(sim.mean[1:] / theory[1:] - 1).max() < 0.03


def test_replace_slope_from_simulation():
    sim = regression_collapse(8, 40, 12, mode="replace", runs=10_000, seed=5)
    slope = np.polyfit(sim.n, sim.mean, 1)[0]
    assert slope == pytest.approx(8 / 31, rel=0.02)


def test_accumulate_stays_below_pi2_over_6():
    sim = regression_collapse(8, 40, 20, mode="accumulate", design="fixed", runs=8_000, seed=6)
    bound = np.pi**2 / 6 * 8 / 31
    assert (sim.mean < bound + 4 * sim.sem).all()
    assert sim.mean[-1] == pytest.approx(regression_collapse_theory(8, 40, 20, mode="accumulate", design="fixed"),
                                         rel=0.03)
    fresh = regression_collapse(8, 40, 20, mode="accumulate", design="fresh", runs=8_000, seed=6)
    assert fresh.mean[-1] < sim.mean[-1]            # fresh inputs: below the sum over 1/i^2


@pytest.mark.parametrize("mode", ["replace", "accumulate"])
def test_samples_method_agrees_with_statistics(mode):
    a = regression_collapse(4, 9, 5, mode=mode, runs=30_000, seed=1, method="statistics")
    b = regression_collapse(4, 9, 5, mode=mode, runs=30_000, seed=2, method="samples")
    z = (a.mean - b.mean)[1:] / np.hypot(a.sem, b.sem)[1:]
    assert np.abs(z).max() < 4.5, z


def test_sigma_scales_errors_exactly():
    for mode, design in MODES_DESIGNS:
        a = regression_collapse(5, 12, 4, mode=mode, design=design, runs=50, seed=3)
        b = regression_collapse(5, 12, 4, mode=mode, design=design, runs=50, seed=3, sigma=3.0)
        assert np.allclose(b.errors, 9 * a.errors, rtol=1e-8)


# ---- structure, seeding ----------------------------------------------------------------------------------------------


def test_result_structure():
    sim = regression_collapse(4, 10, 3, mode="accumulate", runs=7, seed=0)
    assert isinstance(sim, RegressionCollapse)
    assert sim.errors.shape == (7, 4) and sim.runs == 7 and sim.generations == 3
    assert np.array_equal(sim.n, [0, 1, 2, 3])
    assert sim.mean.shape == sim.sem.shape == (4,)
    assert (sim.errors[:, 0] == 0).all() and (sim.errors[:, 1:] > 0).all()
    assert (sim.d, sim.T, sim.mode, sim.design, sim.sigma) == (4, 10, "accumulate", "fresh", 1.0)
    with pytest.raises(ValueError):
        sim.errors[0, 0] = 1.0                          # read-only


def test_seeding_and_prefix_consistency():
    a = regression_collapse(5, 12, 6, runs=20, seed=4)
    b = regression_collapse(5, 12, 6, runs=20, seed=4)
    c = regression_collapse(5, 12, 6, runs=20, seed=5)
    assert np.array_equal(a.errors, b.errors) and not np.array_equal(a.errors, c.errors)
    short = regression_collapse(5, 12, 3, runs=20, seed=4)
    assert np.array_equal(short.errors, a.errors[:, :4])
    for method in ("statistics", "samples"):           # generation 1 (real data) is the same fit in every setting
        firsts = [regression_collapse(5, 12, 2, mode=m, design=g, runs=20, seed=9, method=method).errors[:, 1]
                  for m, g in MODES_DESIGNS]
        assert all(np.array_equal(firsts[0], f) for f in firsts[1:])


def test_excess_test_mse_is_the_squared_weight_error():
    # for x ~ N(0, I), E_x[(x . (w - w*))^2] = ||w - w*||^2: the error the simulation reports is the excess test MSE
    rng = np.random.default_rng(0)
    delta = rng.standard_normal(6)
    x = rng.standard_normal((400_000, 6))
    assert np.mean((x @ delta) ** 2) == pytest.approx(delta @ delta, rel=0.01)


# ---- bad inputs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"d": 0}, "d must be >= 1"),
    ({"d": 2.5}, "d must be an integer"),
    ({"T": 9}, "T must be >= d \\+ 2"),
    ({"T": 4}, "T must be >= d \\+ 2"),
    ({"T": 20.0}, "T must be an integer"),
    ({"generations": 0}, "generations must be >= 1"),
    ({"mode": "mix"}, "mode must be one of"),
    ({"design": "random"}, "design must be one of"),
    ({"sigma": 0.0}, "sigma must be > 0"),
    ({"sigma": float("nan")}, "sigma must be finite"),
    ({"runs": 1}, "runs must be >= 2"),
    ({"seed": -1}, "seed must be >= 0"),
    ({"method": "exact"}, "method must be one of"),
])
def test_simulation_rejects_bad_inputs(kwargs, match):
    args = {"d": 8, "T": 20, "generations": 3, "runs": 10} | kwargs
    with pytest.raises(ValueError, match=match):
        regression_collapse(args.pop("d"), args.pop("T"), args.pop("generations"), **args)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"d": -3}, "d must be >= 1"),
    ({"T": 9}, "T must be >= d \\+ 2"),
    ({"n": -1}, "n must be non-negative integers"),
    ({"n": 1.5}, "n must be non-negative integers"),
    ({"n": [1, float("nan")]}, "n must be non-negative integers"),
    ({"n": "ten"}, "n must be non-negative integers"),
    ({"n": []}, "n must be non-negative integers"),
    ({"mode": "both"}, "mode must be one of"),
    ({"design": "same"}, "design must be one of"),
    ({"sigma": -1.0}, "sigma must be > 0"),
])
def test_theory_rejects_bad_inputs(kwargs, match):
    args = {"d": 8, "T": 20, "n": 3} | kwargs
    with pytest.raises(ValueError, match=match):
        regression_collapse_theory(args.pop("d"), args.pop("T"), args.pop("n"), **args)
