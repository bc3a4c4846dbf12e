"""Kaplan et al. 2020 in book_utils: every law against values computed by hand from the published constants."""

import math

import numpy as np
import pytest

from book_utils.compute import (
    PF_DAY,
    flops_to_pf_days,
    forward_flops_per_token,
    kaplan_allocation,
    training_flops,
    transformer_params,
)
from book_utils.laws import (
    critical_batch_size,
    kaplan_data_requirement,
    kaplan_loss_c,
    kaplan_loss_d,
    kaplan_loss_n,
    kaplan_loss_nd,
    kaplan_loss_ns,
    kaplan_overfitting,
)
from book_utils.published import GPT2_XL_SHAPE, GPT3_175B_SHAPE, KAPLAN


def test_single_variable_laws_by_hand():
    assert kaplan_loss_n(1e9) == pytest.approx((8.8e13 / 1e9) ** 0.076, rel=1e-12)
    assert kaplan_loss_d(1e10) == pytest.approx((5.4e13 / 1e10) ** 0.095, rel=1e-12)
    assert kaplan_loss_c(10 * 8.64e19) == pytest.approx((3.1e8 / 10) ** 0.050, rel=1e-12)
    assert kaplan_loss_c(10 * 8.64e19, minimal=False) == pytest.approx((1.6e7 / 10) ** 0.057, rel=1e-12)
    assert critical_batch_size(2.5) == pytest.approx(2e8 / 2.5 ** (1 / 0.21), rel=1e-12)
    assert kaplan_loss_ns(1e8, 1e4) == pytest.approx((6.5e13 / 1e8) ** 0.077 + (2.1e3 / 1e4) ** 0.76, rel=1e-12)


def test_combined_law_by_hand_and_its_limits():
    N, D = 3e8, 2e9
    assert kaplan_loss_nd(N, D) == pytest.approx(((6.4e13 / N) ** (0.076 / 0.103) + 1.8e13 / D) ** 0.103, rel=1e-12)
    assert kaplan_loss_nd(N, 1e30) == pytest.approx((6.4e13 / N) ** 0.076, rel=1e-9)  # infinite data
    assert kaplan_loss_nd(1e30, D) == pytest.approx((1.8e13 / D) ** 0.103, rel=1e-9)  # infinite model
    grid = kaplan_loss_nd(np.geomspace(1e6, 1e12, 5)[:, None], np.geomspace(1e8, 1e13, 4)[None, :])
    assert grid.shape == (5, 4) and np.all(np.diff(grid, axis=0) < 0) and np.all(np.diff(grid, axis=1) < 0)


def test_overfitting_penalty_and_data_requirement():
    N, D = 1e9, 1e10
    by_hand = (1 + (N / 6.4e13) ** (0.076 / 0.103) * 1.8e13 / D) ** 0.103 - 1
    assert kaplan_overfitting(N, D) == pytest.approx(by_hand, rel=1e-12)
    assert kaplan_overfitting(N, D) == pytest.approx(kaplan_loss_nd(N, D) / kaplan_loss_nd(N, 1e40) - 1, rel=1e-9)
    for n in [1e7, 1e9, 1e11]:
        d = kaplan_data_requirement(n, 0.02)
        assert kaplan_overfitting(n, d) == pytest.approx(0.02, rel=1e-9)  # exactly at the threshold
        # the paper's rule of thumb 5e3 N^0.74 (eq. 4.4) is within 15% of the exact requirement
        assert 5e3 * n**0.74 == pytest.approx(d, rel=0.15)


def test_allocation_matches_table_6_and_is_consistent():
    C_pf = np.array([1e-3, 1.0, 1e4])
    a = kaplan_allocation(C_pf * PF_DAY)
    assert np.allclose(a.N, 1.3e9 * C_pf**0.73) and np.allclose(a.D, 2e10 * C_pf**0.27)
    assert np.allclose(a.B, 2.0e6 * C_pf**0.24) and np.allclose(a.S_min, 5.4e3 * C_pf**0.03)
    exps = {k: float(v[1]) for k, v in KAPLAN["allocation"].items()}
    assert exps["N"] + exps["B"] + exps["S_min"] == pytest.approx(1.0)  # C = 6 N B S
    assert exps["N"] + exps["D"] == pytest.approx(1.0)  # C = 6 N D
    # D is the tokens of training at B_crit, which takes 2 S_min steps (eq. 5.4): D = 2 B S_min up to rounding
    assert np.allclose(a.D, 2 * a.B * a.S_min, rtol=0.1)
    # and so 6 N D is about twice C_min (eq. 5.5 at B = B_crit): 6 * 1.3e9 * 2e10 / 8.64e19 = 1.81, at every budget
    ratio = training_flops(a.N, a.D) / (C_pf * PF_DAY)
    assert np.allclose(ratio, 6 * 1.3e9 * 2e10 / 8.64e19) and np.allclose(ratio, 2.0, rtol=0.1)
    assert a.tokens_per_param == pytest.approx(a.D / a.N)


def test_alpha_c_min_from_the_other_exponents():
    # eq. 6.4's theory: 1/alpha_C^min = 1/alpha_S + 1/alpha_B + 1/alpha_N
    alpha = 1 / (1 / 0.76 + 1 / 0.21 + 1 / 0.076)
    assert alpha == pytest.approx(0.052, abs=5e-4) and abs(alpha - float(KAPLAN["C_min"]["alpha"])) < 0.005


def test_parameter_and_flop_counting_on_real_shapes():
    gpt3 = transformer_params(GPT3_175B_SHAPE.n_layer, GPT3_175B_SHAPE.d_model)
    assert gpt3 == 12 * 96 * 12288**2 and gpt3 == pytest.approx(175e9, rel=0.01)
    gpt2 = transformer_params(GPT2_XL_SHAPE.n_layer, GPT2_XL_SHAPE.d_model)
    assert gpt2 == pytest.approx(1.47e9, rel=0.01)  # 1.5B with embeddings
    assert transformer_params(2, 10, d_attn=5, d_ff=20) == 2 * 10 * 2 * (2 * 5 + 20)
    fwd = forward_flops_per_token(96, 12288, 2048)
    assert fwd == 2 * gpt3 + 2 * 96 * 2048 * 12288
    assert (fwd - 2 * gpt3) / (2 * gpt3) == pytest.approx(2048 / (12 * 12288))  # attention share n_ctx/(12 d_model)
    assert flops_to_pf_days(PF_DAY * 3) == 3.0


def test_breakdown_point_from_the_laws():
    # eq. 6.8: L(C_min) falls below what the allocated data allow, L(D(C_min)), near 1e4 PF-days and L ~ 1.7
    C = np.geomspace(1e2, 1e6, 4001) * PF_DAY
    gap = kaplan_loss_c(C) - kaplan_loss_d(kaplan_allocation(C).D)
    i = int(np.argmax(gap < 0))
    assert 0 < i and 0.5e4 < C[i] / PF_DAY < 2e4 and kaplan_loss_c(C[i]) == pytest.approx(1.7, abs=0.05)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: kaplan_loss_n(0), "N must be > 0"),
        (lambda: kaplan_loss_d([1e9, np.nan]), "D must be finite"),
        (lambda: kaplan_loss_c(-1.0), "C must be > 0"),
        (lambda: kaplan_loss_nd([1e9, 2e9], [1e9, 2e9, 3e9]), "broadcast"),
        (lambda: kaplan_loss_ns(1e9, 0), "S_min must be > 0"),
        (lambda: kaplan_loss_ns([1e9, 2e9], [1.0, 2.0, 3.0]), "broadcast"),
        (lambda: critical_batch_size(0.0), "L must be > 0"),
        (lambda: kaplan_overfitting(1e9, -1), "D must be > 0"),
        (lambda: kaplan_overfitting([1e9, 2e9], [1e9, 2e9, 3e9]), "broadcast"),
        (lambda: kaplan_data_requirement(1e9, 0.0), "max_penalty must be > 0"),
        (lambda: kaplan_allocation(0), "C_flops must be > 0"),
        (lambda: transformer_params(0, 128), "n_layer must be > 0"),
        (lambda: forward_flops_per_token(12, 768, -1), "n_ctx must be > 0"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_constants_cite_the_paper(root):
    bib = (root / "references.bib").read_text()
    for group in KAPLAN.values():
        for value in group.values():
            for c in value if isinstance(value, tuple) else (value,):
                assert c.cite == "kaplan2020scaling" and c.cite in bib and c.where
    assert math.isclose(float(KAPLAN["N"]["alpha"]) / float(KAPLAN["ND"]["alpha_D"]), 0.738, abs_tol=1e-3)
