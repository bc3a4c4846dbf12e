"""Chapter 2, notebook 4 (beyond compute-optimal): data-constrained and inference-aware scaling."""

import math

import numpy as np
import pytest

from book_utils.check import check
from book_utils.compute import (
    compute_optimal,
    compute_optimal_for_params,
    implied_inference_tokens,
    inference_optimal,
)
from book_utils.laws import chinchilla_loss, data_constrained_loss, effective_data
from book_utils.published import (
    HOFFMANN_APPROACH3,
    LLAMA2_7B,
    LLAMA3_8B,
    MUENNIGHOFF_FIT,
    SARDANA_CHINCHILLA,
    SARDANA_FIGURE1,
    as_floats,
)

SARDANA = as_floats(SARDANA_CHINCHILLA)
AB = {k: SARDANA[k] for k in ("A", "B", "alpha", "beta")}
R_D_STAR = float(MUENNIGHOFF_FIT["R_D_star"])


# --- effective data and the data-constrained law (Muennighoff et al.) ---------------------------------------------

def test_effective_data_is_fresh_data_without_repetition_and_saturates():
    assert effective_data(5e10, 1e11) == 5e10 and effective_data(1e11, 1e11) == 1e11
    D = np.geomspace(1e11, 1e13, 200)
    eff = effective_data(D, 1e11)
    assert np.all(np.diff(eff) > 0) and np.all(eff <= D) and np.all(eff < 1e11 * (1 + R_D_STAR))
    assert effective_data(1e16, 1e11) == pytest.approx(1e11 * (1 + R_D_STAR), rel=1e-9)  # the ceiling U_D (1 + R*)


def test_effective_data_small_repetition_is_almost_fresh():
    # first-order expansion: D' = D - U_D R^2 / (2 R*) for R << R*
    R = 0.01
    assert effective_data((1 + R) * 1e9, 1e9) == pytest.approx(1e9 * (1 + R - R**2 / (2 * R_D_STAR)), rel=1e-8)
    assert effective_data(4e11, 1e11) / 4e11 == pytest.approx(0.931, abs=1e-3)  # 4 epochs worth 93% of fresh data


def test_data_constrained_loss_matches_the_authors_readme():
    # README of github.com/huggingface/datablations, "Parametric Fit": the two models of their Figure 1 (right)
    assert data_constrained_loss(6.34e9, 242e9, 25e9) == pytest.approx(2.2256440889984477, rel=1e-4)
    assert data_constrained_loss(8.67e9, 178e9, 25e9) == pytest.approx(2.2269634075087867, rel=1e-4)
    assert data_constrained_loss(6.34e9, 242e9, 25e9) < data_constrained_loss(8.67e9, 178e9, 25e9)


def test_data_constrained_loss_reduces_to_the_chinchilla_form_with_fresh_data():
    p = {k: float(MUENNIGHOFF_FIT[k]) for k in ("E", "A", "B", "alpha", "beta")}
    N, D = np.geomspace(1e8, 1e11, 5), np.geomspace(1e10, 1e13, 5)
    # U_D = D: nothing repeated; N at or below the optimum for D: no excess parameters
    assert np.allclose(data_constrained_loss(N, D, D), chinchilla_loss(N, D, **p), rtol=1e-12)


def test_repetition_and_excess_parameters_raise_the_loss():
    fresh = data_constrained_loss(1e10, 4e11, 4e11)
    four = data_constrained_loss(1e10, 4e11, 1e11)
    forty = data_constrained_loss(1e10, 4e11, 1e10)
    assert fresh < four < forty
    assert four / fresh - 1 < 0.02  # "negligible" at 4 epochs, a few percent of loss at most
    # excess parameters decay: a much larger model on few unique tokens gains little
    gains = np.diff(data_constrained_loss(np.geomspace(1e7, 1e12, 6), 1e11, 1e9))
    assert np.all(gains <= 0) and gains[0] < 0 and abs(gains[-1]) < 0.01 * abs(gains[0])


def test_data_constrained_bad_input():
    with pytest.raises(ValueError, match="U_D must be > 0"):
        effective_data(1e9, 0.0)
    with pytest.raises(ValueError, match="R_star must be > 0"):
        effective_data(1e9, 1e8, R_star=-1.0)
    with pytest.raises(ValueError, match="must broadcast"):
        data_constrained_loss(np.ones(3) * 1e9, np.ones(2) * 1e10, 1e10)
    with pytest.raises(ValueError, match="unknown parameter"):
        data_constrained_loss(1e9, 1e10, 1e10, gamma=1.0)
    with pytest.raises(ValueError, match="R_N_star must be > 0"):
        data_constrained_loss(1e9, 1e10, 1e10, R_N_star=0.0)


# --- inference-aware allocation (Sardana et al.) ------------------------------------------------------------------

def _figure1():
    n_c = float(SARDANA_FIGURE1["N_chinchilla"])
    C, D = compute_optimal_for_params(n_c, **AB)
    ell = chinchilla_loss(n_c, D, **SARDANA)
    d_inf = float(SARDANA_FIGURE1["inference_tokens"])
    return n_c, C, ell, d_inf, inference_optimal(ell, d_inf, **SARDANA)


def test_reproduces_sardana_figure_1():
    n_c, C, ell, d_inf, opt = _figure1()
    base = C + 2 * n_c * d_inf
    assert round(opt.N / 1e9) == float(SARDANA_FIGURE1["N_optimal"]) / 1e9  # "a 7B model"
    assert float(f"{base - opt.total_flops:.1e}") == float(SARDANA_FIGURE1["flops_saved"])  # 1.7e22
    assert round(1 - opt.total_flops / base, 2) == float(SARDANA_FIGURE1["fraction_saved"])  # 17%
    assert chinchilla_loss(opt.N, opt.D_train, **SARDANA) == pytest.approx(ell, rel=1e-12)


def test_inference_optimal_agrees_with_a_brute_force_grid():
    _, _, ell, _, _ = _figure1()
    for d_inf in (0.0, 1e11, 2e12, 1e14):
        opt = inference_optimal(ell, d_inf, **SARDANA)
        x = SARDANA["A"] * np.geomspace(1e9, 1e11, 400_001) ** -SARDANA["alpha"]
        N = np.geomspace(1e9, 1e11, 400_001)[x < ell - SARDANA["E"]]
        D = (SARDANA["B"] / (ell - SARDANA["E"] - SARDANA["A"] * N ** -SARDANA["alpha"])) ** (1 / SARDANA["beta"])
        cost = 6 * N * D + 2 * N * d_inf
        assert opt.N == pytest.approx(N[np.argmin(cost)], rel=1e-3)
        assert opt.total_flops == pytest.approx(cost.min(), rel=1e-9)
        assert opt.total_flops <= cost.min() * (1 + 1e-12)


def test_no_inference_gives_the_compute_optimal_allocation():
    C = np.array([1e20, 1e22, 1e24])
    N, D = compute_optimal(C, **AB)
    opt = inference_optimal(chinchilla_loss(N, D, **SARDANA), 0.0, **SARDANA)
    assert np.allclose(opt.N, N, rtol=1e-8) and np.allclose(opt.D_train, D, rtol=1e-8)
    assert np.allclose(opt.train_flops, C, rtol=1e-8) and np.all(opt.inference_flops == 0)


def test_more_inference_means_smaller_models_trained_longer():
    _, _, ell, _, _ = _figure1()
    opt = inference_optimal(ell, np.geomspace(1e9, 1e16, 30), **SARDANA)
    assert np.all(np.diff(opt.N) < 0) and np.all(np.diff(opt.tokens_per_param) > 0)
    assert opt.N.shape == (30,) and np.allclose(opt.total_flops, opt.train_flops + opt.inference_flops)


def test_implied_inference_tokens_inverts_inference_optimal():
    _, _, ell, _, _ = _figure1()
    d_inf = np.array([0.0, 1e10, 2e12, 1e15])
    opt = inference_optimal(ell, d_inf, **SARDANA)
    assert np.allclose(implied_inference_tokens(opt.N, opt.D_train, **AB), d_inf, rtol=1e-6, atol=1e3)
    # an under-trained model (Gopher: 280B on 300B tokens) has negative implied demand
    assert implied_inference_tokens(280e9, 300e9, **AB) < 0


def test_overtrained_models_of_the_notebook():
    h = {k: float(HOFFMANN_APPROACH3[k]) for k in ("A", "B", "alpha", "beta")}
    assert LLAMA2_7B.tokens_per_param == pytest.approx(285.7, abs=0.1) and LLAMA3_8B.tokens_per_param == 1875
    assert 0 < implied_inference_tokens(LLAMA2_7B.params, LLAMA2_7B.tokens, **h) < implied_inference_tokens(
        LLAMA3_8B.params, LLAMA3_8B.tokens, **h)


def test_inference_optimal_bad_input():
    with pytest.raises(ValueError, match="above the irreducible loss"):
        inference_optimal(1.5, 1e12, **SARDANA)
    with pytest.raises(ValueError, match="inference_tokens must be >= 0"):
        inference_optimal(2.0, -1.0, **SARDANA)
    with pytest.raises(ValueError, match="must broadcast"):
        inference_optimal(np.array([2.0, 2.1]), np.array([1e9, 1e10, 1e11]), **SARDANA)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        inference_optimal(2.0, 1e12, **{**SARDANA, "alpha": 0.0})
    with pytest.raises(ValueError, match="N must be > 0"):
        implied_inference_tokens(0.0, 1e12, **AB)


# --- self-checks -------------------------------------------------------------------------------------------------

def test_exercise_answers():
    assert check("chinchilla.effective-data-4-epochs", effective_data(4e11, 1e11)).correct
    assert check("chinchilla.half-value-epochs", 1 + R_D_STAR * math.log(2)).correct
    assert not check("chinchilla.half-value-epochs", R_D_STAR * math.log(2)).correct  # repetitions, not epochs
    _, D70 = compute_optimal_for_params(70e9, **AB)
    n = inference_optimal(chinchilla_loss(70e9, D70, **SARDANA), 2e13, **SARDANA).N
    assert check("chinchilla.inference-optimal-N", n).correct
    assert not check("chinchilla.inference-optimal-N", 70e9).correct
    h = {k: float(HOFFMANN_APPROACH3[k]) for k in ("A", "B", "alpha", "beta")}
    assert check("chinchilla.llama3-implied-demand", implied_inference_tokens(8e9, 15e12, **h)).correct
