"""Chapter 3: broken neural scaling laws, the baselines M1-M4, their fits, and the double-descent curve."""

import numpy as np
import pytest

from book_utils.fitting import (
    BASELINE_FORMS,
    BNSL_MIN_SHARPNESS,
    add_log_noise,
    compare_extrapolation,
    fit_baseline,
    fit_bnsl,
    fit_bnsl_reference,
)
from book_utils.lab import random_features_curve
from book_utils.laws import bnsl, bnsl_segments, m1, m2, m3, m4, saturating_power_law
from book_utils.published import BNSL_ARITHMETIC_SIMULATION, bnsl_kwargs

ONE = {"a": 0.1, "b": 3.0, "c0": 0.2, "c": [0.8], "d": [300.0], "f": [0.3]}
TWO = {"a": 0.05, "b": 2.0, "c0": 0.3, "c": [-1.2, 2.0], "d": [100.0, 3000.0], "f": [0.2, 0.3]}


def arithmetic():
    return bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)


def local_slope(x, y, a):
    return np.gradient(np.log(y - a), np.log(x))


# --------------------------------------------------------------------------------------------------------------------
# The law and its anatomy (hand-computed values).
# --------------------------------------------------------------------------------------------------------------------


def test_no_break_is_a_saturating_power_law():
    x = np.geomspace(1, 1e6, 13)
    assert np.allclose(bnsl(x, 1.69, 406.4, 0.34, [], [], []), saturating_power_law(x, 1.69, 406.4, 0.34), rtol=1e-13)


def test_factor_at_the_break_is_two_to_minus_c_f():
    # with a = 0, b = 1, c0 = 0 the curve is the break's factor: (1 + 1)^(-c f) at x = d
    for c, f in [(1.0, 1.0), (0.8, 0.3), (-1.5, 0.2), (5.66, 0.059)]:
        assert bnsl(250.0, 0.0, 1.0, 0.0, [c], [250.0], [f]) == pytest.approx(2.0 ** (-c * f), rel=1e-12)
    # and in general y(d_1) - a is b d_1^-c0 times that factor times the (nearly 1) factor of the far break
    y = bnsl(100.0, **TWO) - TWO["a"]
    second = (1 + (100 / 3000) ** (1 / 0.3)) ** -0.6
    assert y == pytest.approx(2.0 * 100.0**-0.3 * 2.0 ** (1.2 * 0.2) * second, rel=1e-12)


def test_slopes_between_breaks_are_cumulative_sums():
    law = {"a": 0.0, "b": 1.0, "c0": 0.3, "c": [0.5, -1.0], "d": [1e3, 1e7], "f": [0.05, 0.05]}
    x = np.geomspace(1, 1e10, 2001)
    s = local_slope(x, bnsl(x, **law), 0.0)
    at = lambda v: s[np.argmin(np.abs(x - v))]  # noqa: E731
    assert at(30) == pytest.approx(-0.3, abs=1e-6)  # before the first break
    assert at(1e5) == pytest.approx(-0.8, abs=1e-6)  # -(c0 + c1)
    assert at(1e9) == pytest.approx(0.2, abs=1e-6)  # -(c0 + c1 + c2): the curve now rises


def test_segments_are_the_asymptotes():
    law = {"b": 2.0, "c0": 0.3, "c": [0.5, 1.0], "d": [1e3, 1e6], "f": [0.1, 0.1]}
    B, s = bnsl_segments(**law)
    assert s.tolist() == pytest.approx([0.3, 0.8, 1.8])
    assert B.tolist() == pytest.approx([2.0, 2.0 * 1e3**0.5, 2.0 * 1e3**0.5 * 1e6**1.0])
    for k, x in enumerate([10.0, 3e4, 1e9]):  # deep inside each segment the law follows its asymptote
        assert bnsl(x, a=0.0, **law) == pytest.approx(B[k] * x ** -s[k], rel=1e-4)


def test_breaks_commute_and_shapes_are_kept():
    x = np.geomspace(1, 1e5, 12).reshape(3, 4)
    swapped = dict(TWO, c=TWO["c"][::-1], d=TWO["d"][::-1], f=TWO["f"][::-1])
    assert np.allclose(bnsl(x, **TWO), bnsl(x, **swapped), rtol=1e-13)
    assert bnsl(x, **TWO).shape == (3, 4) and isinstance(bnsl(10.0, **TWO), float)
    assert bnsl(10.0, 0.0, 1.0, 0.0, 1.0, 10.0, 1.0) == pytest.approx(0.5)  # scalars mean one break


def test_sharp_limit_is_a_corner():
    # f -> 0: the factor becomes 1 below d and (x/d)^-c above, exactly
    x = np.array([10.0, 50.0, 200.0, 1000.0])
    y = bnsl(x, 0.0, 1.0, 0.0, [2.0], [100.0], [1e-3])
    assert np.allclose(y, [1.0, 1.0, 0.25, 0.01], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": [1.0, -2.0]}, "x must be > 0"),
        ({"x": [1.0, np.nan]}, "x must be finite"),
        ({"b": 0.0}, "b must be > 0"),
        ({"d": [0.0]}, "d must be > 0"),
        ({"f": [-0.1]}, "f must be > 0"),
        ({"c": [1.0, 2.0]}, "one value per break"),
        ({"c": [[1.0]]}, "c must be a sequence"),
        ({"a": np.inf}, "a must be finite"),
    ],
)
def test_bnsl_bad_input(kwargs, message):
    args = {"x": [1.0, 10.0], "a": 0.0, "b": 1.0, "c0": 0.1, "c": [1.0], "d": [5.0], "f": [0.5]} | kwargs
    with pytest.raises(ValueError, match=message):
        bnsl(**args)
    if set(kwargs) <= {"b", "c", "d", "f"}:  # the segments validate the same way
        with pytest.raises(ValueError, match=message):
            bnsl_segments(**{k: args[k] for k in ("b", "c0", "c", "d", "f")})


def test_arithmetic_simulation_constants():
    law = arithmetic()
    assert (law["c"][0], law["d"][0], law["f"][0]) == pytest.approx((5.6629, 612.58, 0.05919), rel=1e-4)
    plateau = law["a"] + law["b"] * 405.0 ** -law["c0"]  # the first segment at the authors' last fitted point
    assert bnsl(405.0, **law) == pytest.approx(plateau, rel=1e-3)  # the break is invisible there
    assert bnsl(1000.0, **law) < 0.5 * bnsl(405.0, **law)  # and has halved the loss by x = 1000


# --------------------------------------------------------------------------------------------------------------------
# Baselines M1-M4.
# --------------------------------------------------------------------------------------------------------------------


def test_baseline_values_and_limits():
    x = np.geomspace(1, 1e8, 9)
    assert np.allclose(m1(x, 2.0, -0.5), 2.0 * x**-0.5)
    assert np.allclose(m2(x, 0.1, 2.0, -0.5), 0.1 + 2.0 * x**-0.5)
    assert m3(1e12, 2.0, 0.01, 0.5) == pytest.approx(2.0 * 0.01**0.5, rel=1e-5)  # saturates at beta gamma^c
    assert m3(1e-3, 2.0, 0.01, 0.5) == pytest.approx(2.0 * 1e3**0.5, rel=1e-5)  # a power law at small x
    e = m4(x, 0.1, 1.0, 2.0, -0.5, 1.5)
    assert np.allclose((e - 0.1) / (1.0 - e) ** 1.5, 2.0 * x**-0.5, rtol=1e-10)  # solves its defining equation
    assert np.all((e > 0.1) & (e < 1.0)) and np.all(np.diff(e) < 0)
    assert m4(1e-12, 0.1, 1.0, 2.0, -0.5, 1.5) == pytest.approx(1.0, abs=1e-3)  # random guess at small x
    assert m4(1e30, 0.1, 1.0, 2.0, -0.5, 1.5) == pytest.approx(0.1, abs=1e-6)  # floor at large x
    assert np.allclose(m4(x, 0.1, 1.0, 2.0, -0.5, 0.0), m2(x, 0.1, 2.0, -0.5))  # alpha = 0 is M2


@pytest.mark.parametrize(
    ("fn", "args", "message"),
    [
        (m1, (0.0, -0.5), "beta must be > 0"),
        (m2, (-0.1, 1.0, -0.5), "eps_inf must be >= 0"),
        (m3, (1.0, -0.1, 0.5), "gamma must be >= 0"),
        (m4, (0.5, 0.4, 1.0, -0.5, 1.0), "eps0 .* must exceed eps_inf"),
        (m4, (0.1, 1.0, 1.0, -0.5, -1.0), "alpha must be >= 0"),
    ],
)
def test_baseline_bad_input(fn, args, message):
    with pytest.raises(ValueError, match=message):
        fn([1.0, 2.0], *args)
    with pytest.raises(ValueError, match="x must be > 0"):
        m1([0.0], 1.0, -0.5)


# --------------------------------------------------------------------------------------------------------------------
# Fitting.
# --------------------------------------------------------------------------------------------------------------------


def test_fit_recovers_one_break():
    x = np.geomspace(10, 1e4, 15)
    fit = fit_bnsl(x, bnsl(x, **ONE))
    assert fit.objective < 1e-16 and fit.n_breaks == 1
    for key in ("a", "b", "c0"):
        assert getattr(fit, key) == pytest.approx(ONE[key], rel=1e-4)
    for key in ("c", "d", "f"):
        assert getattr(fit, key)[0] == pytest.approx(ONE[key][0], rel=1e-4)
    assert np.mean((np.log(fit.predict(x) + 1) - np.log(bnsl(x, **ONE) + 1)) ** 2) == pytest.approx(
        fit.objective, rel=1e-6, abs=1e-30)


def test_fit_recovers_two_breaks_including_a_rise():
    x = np.geomspace(3, 1e5, 30)
    fit = fit_bnsl(x, bnsl(x, **TWO), n_breaks=2)
    assert fit.objective < 1e-14
    assert fit.d == pytest.approx(TWO["d"], rel=1e-3) and fit.c == pytest.approx(TWO["c"], rel=1e-3)
    assert list(fit.d) == sorted(fit.d)  # reported by location
    assert fit.segments()[1].tolist() == pytest.approx([0.3, -0.9, 1.1], abs=1e-3)


def test_fit_with_noise_is_close_and_reproducible():
    x = np.geomspace(10, 1e5, 25)
    y = add_log_noise(bnsl(x, **ONE), 0.01, seed=3)
    fit = fit_bnsl(x, y, seed=5)
    assert fit.converged and fit.train_rmsle < 0.02
    assert fit.c[0] == pytest.approx(0.8, rel=0.1) and fit.d[0] == pytest.approx(300.0, rel=0.3)
    again = fit_bnsl(x, y, seed=5)
    assert again.params == fit.params
    assert fit_bnsl(x, y, offset=0.0).offset == 0.0


def test_fit_respects_bounds():
    x = np.geomspace(10, 1e4, 12)
    fit = fit_bnsl(x, 2.0 * x**-0.3, n_breaks=1)  # a pure power law: the break is not needed
    assert fit.a >= 0.0 and fit.f[0] >= BNSL_MIN_SHARPNESS * (1 - 1e-12)
    span = np.log(1e4 / 10)
    assert np.log(10) - span - 1e-9 <= np.log(fit.d[0]) <= np.log(1e4) + span + 1e-9
    assert fit.train_rmsle < 1e-6


def test_fit_is_no_worse_than_the_authors_procedure():
    # the authors' grid (163,840 points) and curve_fit, on a 15-point curve with noise; same objective
    x = np.geomspace(10, 1e5, 15)
    y = add_log_noise(bnsl(x, 0.05, 2.0, 0.3, [-1.5], [1e3], [0.2]), 0.02, seed=2)
    ours, ref = fit_bnsl(x, y), fit_bnsl_reference(x, y)
    assert ref.n_starts == 163_840 and ref.method == "brute+curve_fit"
    assert ours.objective <= ref.objective * (1 + 1e-6)


def test_a_free_floor_matches_the_authors_where_they_go_negative():
    # with 5% noise curve_fit (all constants free) prefers a negative floor; fit_bnsl holds a >= 0 unless asked not to
    x = np.geomspace(10, 1e5, 20)[:14]
    y = add_log_noise(bnsl(np.geomspace(10, 1e5, 20), 0.05, 0.8, 0.1, [0.6], [1e3], [0.5]), 0.05, seed=0)[:14]
    ref, held, free = fit_bnsl_reference(x, y), fit_bnsl(x, y), fit_bnsl(x, y, a_min=None)
    assert ref.a < 0 and held.a == 0.0 and free.a < 0
    assert free.objective <= ref.objective * (1 + 1e-6) and held.objective > ref.objective
    with pytest.raises(ValueError, match="a_min must be finite"):
        fit_bnsl(x, y, a_min=np.nan)


@pytest.mark.parametrize(
    ("x", "y", "kwargs", "message"),
    [
        (np.arange(1.0, 7.0), np.ones(6), {}, "need at least 7 points"),
        (np.arange(1.0, 10.0), np.ones(9), {"n_breaks": 2}, "need at least 10 points"),
        (np.arange(0.0, 9.0), np.ones(9), {}, "x must be > 0"),
        (np.arange(1.0, 10.0), np.r_[np.ones(8), 0.0], {}, "y must be > 0"),
        (np.arange(1.0, 10.0), np.r_[np.ones(8), np.nan], {}, "y must be finite"),
        (np.r_[np.ones(5), np.arange(2.0, 6.0)], np.ones(9), {}, "distinct x"),
        (np.arange(1.0, 10.0), np.ones(9), {"n_breaks": -1}, "n_breaks must be >= 0"),
        (np.arange(1.0, 10.0), np.ones(9), {"offset": -1.0}, "offset must be >= 0"),
        (np.arange(1.0, 10.0), np.ones(8), {}, "same length"),
    ],
)
def test_fit_bnsl_bad_input(x, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit_bnsl(x, y, **kwargs)


@pytest.mark.parametrize(
    ("form", "truth", "eps0"),
    [
        ("M1", {"beta": 3.0, "c": -0.4}, None),
        ("M2", {"eps_inf": 0.2, "beta": 3.0, "c": -0.5}, None),
        ("M3", {"beta": 2.0, "gamma": 1e-3, "c": 0.6}, None),
        ("M4", {"eps_inf": 0.1, "beta": 20.0, "c": -0.6, "alpha": 1.5}, 1.0),
    ],
)
def test_baseline_fits_recover_their_own_curves(form, truth, eps0):
    x = np.geomspace(10, 1e5, 15)
    fn = {"M1": m1, "M2": m2, "M3": m3, "M4": m4}[form]
    y = fn(x, **truth, **({"eps0": eps0} if eps0 else {}))
    fit = fit_baseline(form, x, y, eps0=eps0)
    assert fit.form == form and fit.train_rmsle < 1e-6
    for key, value in truth.items():
        assert fit.params[key] == pytest.approx(value, rel=1e-3), key


def test_baseline_bad_input_for_fits():
    x = np.geomspace(10, 1e4, 8)
    with pytest.raises(ValueError, match="form must be one of"):
        fit_baseline("M5", x, x**-0.5)
    with pytest.raises(ValueError, match="M4 needs eps0"):
        fit_baseline("M4", x, x**-0.5)
    with pytest.raises(ValueError, match="eps0 must exceed every y"):
        fit_baseline("M4", x, x**-0.5, eps0=0.1)
    with pytest.raises(ValueError, match="parameter of M4 only"):
        fit_baseline("M2", x, x**-0.5, eps0=2.0)
    with pytest.raises(ValueError, match="need at least 5 points"):
        fit_baseline("M4", x[:4], x[:4] ** -0.5, eps0=2.0)


def test_compare_extrapolation_picks_the_form_that_knows_the_break():
    x = np.geomspace(10, 1e5, 20)
    y = bnsl(x, 0.5, 5.0, 0.1, [0.6], [1e3], [0.5])  # the break is inside the first 14 points
    result = compare_extrapolation(x[::-1], y[::-1], 14, eps0=10.0)  # sorted by x inside
    assert set(result.fits) == {"BNSL", *BASELINE_FORMS}
    assert result.best == "BNSL" and result.test_rmsle["BNSL"] < 1e-4
    assert all(result.test_rmsle[k] > 0.05 for k in BASELINE_FORMS)
    assert set(compare_extrapolation(x, y, 14).fits) == {"BNSL", "M1", "M2", "M3"}  # M4 only with eps0
    with pytest.raises(ValueError, match="n_train must leave points"):
        compare_extrapolation(x, y, 20)
    with pytest.raises(ValueError, match="form must be one of"):
        compare_extrapolation(x, y, 14, forms=("BNSL", "power"))


def test_rmsle_scores_held_out_points():
    x = np.geomspace(10, 1e4, 12)
    fit = fit_baseline("M1", x, 2.0 * x**-0.5)
    assert fit.rmsle([1e6], [2.0 * 1e6**-0.5 * np.e]) == pytest.approx(1.0, rel=1e-6)  # off by a factor e
    with pytest.raises(ValueError, match="same length"):
        fit.rmsle([1.0, 2.0], [1.0])


# --------------------------------------------------------------------------------------------------------------------
# The double-descent curve.
# --------------------------------------------------------------------------------------------------------------------


def test_random_features_curve_has_its_peak_at_the_interpolation_threshold():
    widths = [10, 40, 80, 95, 105, 120, 400, 1600]
    curve = random_features_curve(widths, n_train=100, n_draws=6, seed=1)
    err = curve.test_error
    assert np.argmax(err) in (3, 4)  # next to width = n_train
    assert err[1] < err[3] and err[-1] < err[1]  # falls, rises to the peak, falls below the first minimum
    assert np.all(curve.train_error[4:] < 1e-12) and np.all(curve.train_error[:4] > 1e-3)  # interpolation
    assert curve.test_error_draws.shape == (6, 8) and curve.n_train == 100
    ridged = random_features_curve(widths, n_train=100, n_draws=6, seed=1, ridge=1e-2)
    assert ridged.test_error[3:5].max() < 0.5 * err[3:5].max()  # a ridge flattens the peak
    again = random_features_curve(widths, n_train=100, n_draws=6, seed=1)
    assert np.array_equal(again.test_error, err)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"widths": [10.5]}, "whole numbers"),
        ({"widths": [0]}, "widths must be > 0"),
        ({"widths": [30_000]}, "at most 20,000"),
        ({"n_train": 1}, "n_train must be >= 2"),
        ({"noise": -0.1}, "noise must be >= 0"),
        ({"ridge": -1.0}, "ridge must be >= 0"),
    ],
)
def test_random_features_curve_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        random_features_curve(**({"widths": [10, 20]} | kwargs))


def test_fit_with_no_break_is_the_saturating_law():
    x = np.geomspace(10, 1e6, 12)
    fit = fit_bnsl(x, saturating_power_law(x, 0.3, 5.0, 0.4), n_breaks=0)
    assert fit.n_breaks == 0 and (fit.c, fit.d, fit.f) == ((), (), ())
    assert (fit.a, fit.b, fit.c0) == pytest.approx((0.3, 5.0, 0.4), rel=1e-5)
