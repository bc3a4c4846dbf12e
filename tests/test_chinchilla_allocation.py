"""Chapter 2, notebook 3: the budget calculator and the embedding-parameter argument (book_utils.compute)."""

import numpy as np
import pytest

from book_utils.check import check
from book_utils.compute import (
    RECIPES,
    budget_allocations,
    compute_optimal,
    compute_optimal_for_params,
    gpu_hours_to_flops,
    kaplan_allocation,
    nonembedding_budget,
    nonembedding_local_exponent,
    nonembedding_optimum,
)
from book_utils.laws import chinchilla_loss
from book_utils.published import (
    CHINCHILLA,
    EPOCH_FIT,
    GOPHER,
    HOFFMANN_APPROACH3,
    HOFFMANN_APPROACH3_UNROUNDED,
    HOFFMANN_TABLE3,
    PEARCE_EMBEDDING_OMEGA,
    as_floats,
)


def params(law, keys=("A", "B", "alpha", "beta")):
    return as_floats(law, keys)


# -- gpu_hours_to_flops ------------------------------------------------------------------------------------------------


def test_gpu_hours_to_flops_is_hours_times_throughput():
    assert gpu_hours_to_flops(1.0, 1e12, 1.0) == pytest.approx(3.6e15)
    got = gpu_hours_to_flops([1e3, 2e3], 312e12, 0.5)
    assert got.shape == (2,) and got[1] == pytest.approx(2 * got[0])


@pytest.mark.parametrize("args, match", [((0.0, 1e12, 0.5), "gpu_hours must be > 0"),
                                         ((1.0, -1.0, 0.5), "peak_flops_per_s must be > 0"),
                                         ((1.0, 1e12, 40.0), "utilisation must be a fraction"),
                                         ((1.0, 1e12, np.nan), "utilisation must be finite"),
                                         (([1.0, 2.0], [1e12, 2e12, 3e12], 0.5), "must broadcast")])
def test_gpu_hours_to_flops_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        gpu_hours_to_flops(*args)


# -- budget_allocations -------------------------------------------------------------------------------------------


def test_every_recipe_spends_the_budget_and_matches_its_source():
    C = np.array([1e21, GOPHER.reported_flops, 1e25])
    out = budget_allocations(C)
    assert tuple(out) == RECIPES
    for a in out.values():
        np.testing.assert_allclose(6 * a.N * a.D, C, rtol=1e-12)
    np.testing.assert_allclose(out["Kaplan (Table 6)"].N, kaplan_allocation(C).N)
    for name, law in (("Approach 3, rounded", HOFFMANN_APPROACH3), ("Approach 3, unrounded",
                                                                     HOFFMANN_APPROACH3_UNROUNDED),
                      ("Epoch refit", EPOCH_FIT)):
        np.testing.assert_allclose(out[name].N, compute_optimal(C, **params(law))[0])
    np.testing.assert_allclose(out["20 tokens/param"].tokens_per_param, 20.0)


def test_published_splits_of_gophers_budget():
    out = budget_allocations(GOPHER.reported_flops)
    # the facts of chapter 2: 32.2B with rounded constants, 40.4B unrounded (Figure 4's "40B"); Epoch ~18 tokens/param
    assert out["Approach 3, rounded"].N == pytest.approx(32.2e9, rel=5e-3)
    assert out["Approach 3, unrounded"].N == pytest.approx(40.4e9, rel=5e-3)
    assert 17.5 < out["Epoch refit"].tokens_per_param < 19.5
    # Kaplan's recipe puts far more into the model: more parameters than Gopher's 280B, under one token per parameter
    assert out["Kaplan (Table 6)"].N > GOPHER.params and out["Kaplan (Table 6)"].tokens_per_param < 1


def test_the_judges_own_recipe_has_the_lowest_loss():
    C = np.geomspace(1e19, 1e26, 8)
    for judge, name in ((EPOCH_FIT, "Epoch refit"), (HOFFMANN_APPROACH3, "Approach 3, rounded")):
        out = budget_allocations(C, judge=judge)
        best = out[name].loss
        for other in out.values():
            assert np.all(other.loss >= best - 1e-12)
        expected = chinchilla_loss(out[name].N, out[name].D, **params(judge, ("E", "A", "B", "alpha", "beta")))
        np.testing.assert_allclose(best, expected)


def test_budget_allocations_rejects_bad_input():
    with pytest.raises(ValueError, match="C must be > 0"):
        budget_allocations([1e20, 0.0])
    with pytest.raises(ValueError, match="judge must be a dict"):
        budget_allocations(1e20, judge={"A": 1.0})


# -- Table 3 against Approach 3 -----------------------------------------------------------------------------------


def test_table3_is_about_20_tokens_per_parameter_and_approach3_is_not():
    N, flops, _, D = np.array(HOFFMANN_TABLE3).T
    ratio = D / N
    assert np.all((ratio > 19.5) & (ratio < 23))
    _, D3 = compute_optimal_for_params(N, **params(HOFFMANN_APPROACH3))
    assert np.all(np.diff(D3 / N) > 0) and D3[0] / N[0] > 30   # Approach 3's ratio grows with N
    np.testing.assert_allclose(6 * N * D / flops, 1, atol=0.05)   # the table is consistent with C = 6ND


# -- the embedding-parameter argument ---------------------------------------------------------------------------------


@pytest.mark.parametrize("law", [HOFFMANN_APPROACH3_UNROUNDED, EPOCH_FIT], ids=["hoffmann", "epoch"])
def test_local_exponent_has_both_closed_form_limits(law):
    p = params(law)
    a, b = p["alpha"], p["beta"]
    small, large = nonembedding_local_exponent([1e-3, 1e20], alpha=a, beta=b)
    assert small == pytest.approx(b / (a / 3 + b), rel=1e-4)
    assert large == pytest.approx(b / (a + b), rel=1e-4)
    assert nonembedding_local_exponent(1e5, alpha=a, beta=b, omega=0.0) == pytest.approx(b / (a + b))


@pytest.mark.parametrize("law", [HOFFMANN_APPROACH3_UNROUNDED, EPOCH_FIT], ids=["hoffmann", "epoch"])
def test_numeric_optimum_agrees_with_closed_forms(law):
    p = params(law)
    N = np.geomspace(1e3, 1e12, 10)
    C, D = nonembedding_budget(N, **p)
    opt = nonembedding_optimum(C, **p)
    np.testing.assert_allclose(opt.N_nonemb, N, rtol=1e-6)
    np.testing.assert_allclose(opt.D, D, rtol=1e-6)
    np.testing.assert_allclose(opt.N_total, N + float(PEARCE_EMBEDDING_OMEGA) * np.cbrt(N))
    # the closed-form local exponent is the slope of the numeric frontier
    h = 1e-3
    up = nonembedding_optimum(C * np.exp(h), **p).N_nonemb
    down = nonembedding_optimum(C * np.exp(-h), **p).N_nonemb
    np.testing.assert_allclose(np.log(up / down) / (2 * h), opt.local_exponent, atol=2e-3)


def test_without_embeddings_it_is_chinchillas_frontier():
    p = params(HOFFMANN_APPROACH3)
    C = np.geomspace(1e15, 1e25, 5)
    np.testing.assert_allclose(nonembedding_optimum(C, omega=0.0, **p).N_nonemb, compute_optimal(C, **p)[0],
                               rtol=1e-6)
    np.testing.assert_allclose(nonembedding_budget(1e9, omega=0.0, **p)[0], compute_optimal_for_params(1e9, **p)[0])


@pytest.mark.parametrize("law, lo, hi", [(HOFFMANN_APPROACH3_UNROUNDED, 0.70, 0.78), (EPOCH_FIT, 0.74, 0.80)],
                         ids=["hoffmann", "epoch"])
def test_fitting_kaplans_range_gives_kaplans_exponent(law, lo, hi):
    p = params(law)
    C = np.geomspace(1e13, 5e20, 40)            # Kaplan's range of budgets, as Pearce & Song simulate it
    opt = nonembedding_optimum(C, **p)
    slope = np.polyfit(np.log(C), np.log(opt.N_nonemb), 1)[0]
    assert lo < slope < hi
    big = np.geomspace(1e24, 1e28, 10)          # at large scale the same counting recovers Chinchilla's exponent
    slope_big = np.polyfit(np.log(big), np.log(nonembedding_optimum(big, **p).N_nonemb), 1)[0]
    assert slope_big == pytest.approx(p["beta"] / (p["alpha"] + p["beta"]), abs=0.01)


def test_nonembedding_functions_reject_bad_input():
    p = params(EPOCH_FIT)
    with pytest.raises(ValueError, match="omega must be >= 0"):
        nonembedding_optimum(1e20, omega=-1.0, **p)
    with pytest.raises(ValueError, match="C must be > 0"):
        nonembedding_optimum([1e20, -1.0], **p)
    with pytest.raises(ValueError, match="N_nonemb must be finite"):
        nonembedding_local_exponent([1e6, np.inf], alpha=0.3, beta=0.3)
    with pytest.raises(ValueError, match="beta must be > 0"):
        nonembedding_budget(1e9, A=1.0, B=1.0, alpha=0.3, beta=0.0)


# -- self-checks of the notebook's exercises ------------------------------------------------------------------------


def test_exercise_answers():
    assert check("chinchilla.calculator-tokens", 18.4).correct
    assert check("chinchilla.nonemb-exponent", 0.759).correct
    assert not check("chinchilla.nonemb-exponent", 0.513).correct
    flops = 512 * 14 * 24 * 3600 * 312e12 * 0.4
    assert check("chinchilla.gpu-budget", np.sqrt(flops / 120)).correct
    assert check("chinchilla.approach3-67b", 7.26e12).correct
    assert CHINCHILLA.tokens_per_param == pytest.approx(20)
