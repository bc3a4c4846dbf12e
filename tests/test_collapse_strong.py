"""Chapter 5, notebook 04: strong model collapse (synthetic labels in the training set; random projections)."""

import numpy as np
import pytest

from book_utils.collapse import (
    RandomProjectionCollapse,
    _col4_wishart,
    mixture_error_floor,
    mixture_regression,
    mixture_regression_error,
    random_projection_collapse,
    random_projection_floor,
)


def z_score(samples, expected):
    return (samples.mean() - expected) / (samples.std(ddof=1) / np.sqrt(samples.size))


# --------------------------------------------------------------------------------------------------------------------
# The floor and the exact finite-n error of least squares on the mixture.
# --------------------------------------------------------------------------------------------------------------------


def test_floor_is_p_squared_times_the_shift():
    assert mixture_error_floor(0.01, 1.0) == pytest.approx(1e-4, rel=1e-14)
    assert mixture_error_floor(0.0, 5.0) == 0.0 and mixture_error_floor(1.0, 2.5) == 2.5
    assert np.allclose(mixture_error_floor([0.1, 0.2], [1.0, 4.0]), [0.01, 0.16])
    assert isinstance(mixture_error_floor(0.3, 2.0), float)


def test_exact_error_limits():
    n = np.array([12, 50, 1000, 10**6])
    # p = 0: the clean least-squares error sigma^2 d / (n - d - 1)
    assert np.allclose(mixture_regression_error(n, 10, 0.0, sigma=1.5), 2.25 * 10 / (n - 11), rtol=1e-14)
    # p = 1: least squares on w2's labels, ||Delta||^2 away from w1
    assert np.allclose(mixture_regression_error(n, 10, 1.0, shift_sq=3.0), 3.0 + 10 / (n - 11), rtol=1e-14)
    # n -> infinity: the floor; and the leading 1/n correction of eq. (col4-saturating)
    assert mixture_regression_error(10**12, 10, 0.01) == pytest.approx(1e-4, rel=1e-6)
    big = 10**7
    approx = 1e-4 + (10 + 0.01 * 0.99 * 11) / big
    assert mixture_regression_error(big, 10, 0.01) == pytest.approx(approx, rel=1e-6)
    # the realised fraction is round-half-up(p n) / n
    assert mixture_regression_error(150, 10, 0.01, sigma=0.0) == pytest.approx(
        mixture_regression_error(150, 10, 2 / 150, sigma=0.0), rel=1e-14)
    assert mixture_regression_error(149, 10, 0.01, sigma=0.0) == pytest.approx(
        mixture_regression_error(149, 10, 1 / 149, sigma=0.0), rel=1e-14)
    # broadcasting over n and p
    out = mixture_regression_error(np.array([[100], [1000]]), 5, [0.0, 0.1, 0.5])
    assert out.shape == (2, 3) and np.all(np.diff(out, axis=1) > 0) and np.all(out[1] < out[0])


@pytest.mark.parametrize(("n", "d", "p", "shift_sq", "sigma"), [
    (20, 3, 0.25, 2.0, 0.7),     # few samples, Bartlett for both blocks
    (30, 10, 1 / 3, 1.0, 1.0),   # synthetic block exactly d rows
    (12, 10, 0.5, 1.0, 0.3),     # both blocks below d rows: sampled directly
    (200, 5, 0.9, 4.0, 0.0),     # mostly synthetic, no noise
])
def test_simulation_matches_the_exact_error(n, d, p, shift_sq, sigma):
    err = mixture_regression(n, d, p, shift_sq=shift_sq, sigma=sigma, runs=40_000, seed=7)
    assert abs(z_score(err, mixture_regression_error(n, d, p, shift_sq=shift_sq, sigma=sigma))) < 4


def test_clean_simulation_is_ols():
    err = mixture_regression(40, 8, 0.0, sigma=2.0, runs=40_000, seed=3)
    assert abs(z_score(err, 4.0 * 8 / 31)) < 4


def test_floor_is_reached_as_n_grows():
    # at n = 1e9 the variance terms are below 0.3% of the floor, and the simulated mean is the floor to 0.5%
    for p in (0.001, 0.01, 0.2):
        err = mixture_regression(10**9, 5, p, shift_sq=2.0, runs=10_000, seed=1)
        exact = mixture_regression_error(10**9, 5, p, shift_sq=2.0)
        assert exact == pytest.approx(mixture_error_floor(p, 2.0), rel=3e-3)
        assert err.mean() == pytest.approx(exact, rel=2e-3)
        assert err.mean() == pytest.approx(mixture_error_floor(p, 2.0), rel=5e-3)
    # and the error falls towards it monotonically in n
    means = [mixture_regression(n, 5, 0.05, runs=10_000, seed=2).mean() for n in (100, 10**4, 10**6, 10**8)]
    assert np.all(np.diff(means) < 0) and means[-1] == pytest.approx(0.0025, rel=5e-3)


def test_wishart_draws_have_the_right_moments():
    rng = np.random.default_rng(0)
    for k in (0, 3, 7, 50):           # zero, direct product (k < d), Bartlett (k >= d)
        W = _col4_wishart(rng, 40_000, 7, k)
        assert W.shape == (40_000, 7, 7) and np.allclose(W, np.swapaxes(W, 1, 2))
        assert np.allclose(W.mean(axis=0), k * np.eye(7), atol=0.06 * max(k, 1))
        if k:   # Var(W_11) = 2k, Var(W_12) = k
            assert W[:, 0, 0].var() == pytest.approx(2 * k, rel=0.05) and W[:, 0, 1].var() == pytest.approx(k, rel=0.05)


def test_mixture_regression_is_seeded():
    a = mixture_regression(100, 5, 0.1, runs=50, seed=4)
    assert np.array_equal(a, mixture_regression(100, 5, 0.1, runs=50, seed=4))
    assert not np.array_equal(a, mixture_regression(100, 5, 0.1, runs=50, seed=5))
    assert a.shape == (50,) and np.all(a > 0)


# --------------------------------------------------------------------------------------------------------------------
# Random projections of tunable width.
# --------------------------------------------------------------------------------------------------------------------

WIDTHS = [5, 12, 30, 60, 85, 120, 200, 500]


def test_random_projections_shapes_and_pairing():
    res = random_projection_collapse(100, 200, WIDTHS, [0.0, 0.1, 0.2], runs=6, seed=1)
    assert isinstance(res, RandomProjectionCollapse)
    assert res.errors.shape == (3, 6, 8) and res.clean_errors.shape == (6, 8) and res.limit_errors.shape == (3, 6)
    assert res.mean.shape == (3, 8) and res.gap.shape == (3, 8) and res.limit_gap.shape == (3,)
    assert np.allclose(res.errors[0], res.clean_errors, rtol=1e-12)
    assert np.allclose(res.limit_errors[0], res.clean_limit_errors, rtol=1e-12)
    assert list(res.synthetic_counts) == [0, 10, 20] and res.runs == 6 and res.n == 100 and res.d == 200
    # a scalar p gives the same runs as the same p inside a list (the runs do not depend on p)
    single = random_projection_collapse(100, 200, WIDTHS, 0.1, runs=6, seed=1)
    assert single.errors.shape == (6, 8) and single.p.shape == ()
    assert np.allclose(single.errors, res.errors[1], rtol=1e-10)


def test_random_projections_are_reproducible_by_seed():
    a = random_projection_collapse(60, 120, [10, 30, 90, 300], 0.2, runs=5, seed=3)
    b = random_projection_collapse(60, 120, [10, 30, 90, 300], 0.2, runs=5, seed=3)
    c = random_projection_collapse(60, 120, [10, 30, 90, 300], 0.2, runs=5, seed=4)
    assert np.array_equal(a.errors, b.errors) and np.array_equal(a.limit_errors, b.limit_errors)
    assert not np.array_equal(a.errors, c.errors)


def test_the_error_and_the_synthetic_harm_peak_at_the_interpolation_threshold():
    res = random_projection_collapse(100, 200, WIDTHS, 0.2, sigma=0.5, runs=40, seed=0)
    peak = WIDTHS.index(85)                   # the widths nearest m = n = 100 are 85 and 120
    assert np.argmax(res.clean_mean) in (peak, peak + 1) and np.argmax(res.gap) in (peak, peak + 1)
    assert np.all(np.diff(res.gap[: peak + 1]) > 0)            # larger models amplify below the threshold
    assert res.gap[-1] < 0.5 * res.gap[peak]                  # and mitigate beyond it
    assert res.gap[-1] > 5 * res.gap[0] and res.limit_gap > 0  # without preventing it


def test_the_figure_sweep_is_the_explorers():
    from book_utils.widgets import STRONG_COLLAPSE_P, STRONG_COLLAPSE_WIDTHS, strong_collapse_sweep

    res = random_projection_collapse(100, 200, STRONG_COLLAPSE_WIDTHS, STRONG_COLLAPSE_P, sigma=0.5, runs=40, seed=0)
    assert np.array_equal(res.errors, strong_collapse_sweep().errors)


def test_far_below_the_threshold_the_synthetic_part_grows_like_m_over_d():
    res = random_projection_collapse(10_000, 20, [2, 5, 10, 15, 20, 40], 0.2, runs=40, seed=1)
    expected = random_projection_floor(res.widths, 20, 0.2) - random_projection_floor(res.widths, 20, 0.0)
    assert np.allclose(expected, 0.04 * np.minimum(res.widths, 20) / 20, rtol=1e-12)
    se = (res.errors - res.clean_errors).std(axis=0, ddof=1) / np.sqrt(res.runs)
    assert np.all(np.abs(res.gap - expected) < 3 * se + 1e-3)
    assert np.allclose(res.mean, random_projection_floor(res.widths, 20, 0.2), atol=0.06)
    # with d < n, a width >= d is least squares on x itself: the same fit as the infinitely wide limit
    assert np.allclose(res.errors[:, -1], res.limit_errors) and np.allclose(res.errors[:, -2], res.limit_errors)


def test_very_wide_models_approach_the_infinitely_wide_limit():
    res = random_projection_collapse(20, 40, [4000, 40_000], [0.0, 0.3], runs=4, seed=2)
    # S^T S / (m / d) -> I with fluctuations of order sqrt(d / m)
    assert np.all(np.abs(res.errors[..., -1] / res.limit_errors - 1) < 0.02)
    assert np.all(np.abs(res.errors[..., 0] / res.limit_errors - 1) < 0.1)


def test_ridge_allows_the_threshold_and_shrinks_to_zero():
    res = random_projection_collapse(50, 100, [49, 50, 51], 0.2, ridge=0.05, runs=5, seed=0)
    assert np.all(np.isfinite(res.errors))
    huge = random_projection_collapse(50, 100, [10, 200], 0.2, ridge=1e9, signal_sq=2.0, runs=3, seed=0)
    assert np.allclose(huge.errors, 2.0, rtol=1e-5)     # v = 0: the error of the zero predictor, ||w1||^2
    weak = random_projection_collapse(50, 100, [10, 200], 0.2, ridge=1e-10, runs=3, seed=0)
    plain = random_projection_collapse(50, 100, [10, 200], 0.2, runs=3, seed=0)
    assert np.allclose(weak.errors, plain.errors, rtol=1e-5)


def test_width_floor_closed_form():
    assert random_projection_floor(50, 200, 0.1) == pytest.approx(0.75 + 0.01 * 0.25, rel=1e-14)
    assert random_projection_floor(150, 200, 0.2, shift_sq=4.0, signal_sq=1.0) == pytest.approx(0.37, rel=1e-14)
    # at m >= d it is the mixture floor of least squares
    assert random_projection_floor([200, 900], 200, 0.3, shift_sq=2.0) == pytest.approx([0.18, 0.18], rel=1e-14)
    out = random_projection_floor(np.array([[10], [100]]), 100, [0.0, 0.5])
    assert out.shape == (2, 2) and out[0, 0] == pytest.approx(0.9)


# --------------------------------------------------------------------------------------------------------------------
# Bad inputs.
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "match"), [
    (lambda: mixture_error_floor(1.5, 1.0), "fraction of synthetic samples"),
    (lambda: mixture_error_floor(-0.1, 1.0), "fraction of synthetic samples"),
    (lambda: mixture_error_floor(0.1, -1.0), "shift_sq must be >= 0"),
    (lambda: mixture_error_floor(np.nan, 1.0), "p must be finite"),
    (lambda: mixture_regression(11, 10, 0.1), "n must be >= d \\+ 2"),
    (lambda: mixture_regression(100, 0, 0.1), "d must be >= 1"),
    (lambda: mixture_regression(100, 5, 1.2), "p must be <= 1"),
    (lambda: mixture_regression(100.0, 5, 0.1), "n must be an integer"),
    (lambda: mixture_regression(100, 5, 0.1, sigma=-1.0), "sigma must be >= 0"),
    (lambda: mixture_regression(100, 5, 0.1, runs=0), "runs must be >= 1"),
    (lambda: mixture_regression(100, 5, 0.1, seed=1.5), "seed must be an integer"),
    (lambda: mixture_regression_error([100, 11], 10, 0.1), "every n must be >= d \\+ 2"),
    (lambda: mixture_regression_error(100.5, 10, 0.1), "whole numbers"),
    (lambda: mixture_regression_error(100, 10, 0.1, shift_sq=-2.0), "shift_sq must be >= 0"),
    (lambda: random_projection_collapse(100, 200, [50, 100], 0.1), "interpolation threshold"),
    (lambda: random_projection_collapse(100, 200, [50, 101], 0.1), "within 1 of n"),
    (lambda: random_projection_collapse(100, 200, [50, 40], 0.1), "strictly increasing"),
    (lambda: random_projection_collapse(100, 200, [0, 40], 0.1), "widths must be > 0"),
    (lambda: random_projection_collapse(100, 200, [10.5], 0.1), "whole numbers"),
    (lambda: random_projection_collapse(100, 200, [[10, 20]], 0.1), "1-D"),
    (lambda: random_projection_collapse(100, 200, [10], [0.1, 2.0]), "fraction of synthetic samples"),
    (lambda: random_projection_collapse(100, 200, [10], 0.1, ridge=-1.0), "ridge must be >= 0"),
    (lambda: random_projection_collapse(100, 200, [10], 0.1, signal_sq=-1.0), "signal_sq must be >= 0"),
    (lambda: random_projection_collapse(1, 200, [10], 0.1), "n must be >= 2"),
    (lambda: random_projection_collapse(100, 200, [10, 10**6], 0.1, runs=100), "numbers at once"),
    (lambda: random_projection_floor(10.5, 100, 0.1), "whole numbers"),
    (lambda: random_projection_floor(10, 0, 0.1), "d must be >= 1"),
    (lambda: random_projection_floor(10, 100, 0.1, signal_sq=-1.0), "signal_sq must be >= 0"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_threshold_is_allowed_when_inputs_are_low_dimensional():
    # with d < n - 1 no width interpolates: widths near n are least squares on x, with a finite error
    res = random_projection_collapse(100, 20, [99, 100, 101], 0.1, runs=3, seed=0)
    assert np.allclose(res.errors, res.limit_errors[..., None])
