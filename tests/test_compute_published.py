"""book_utils.compute and book_utils.published: FLOP accounting against the papers' numbers."""

import numpy as np
import pytest

from book_utils.compute import PF_DAY, flops_to_pf_days, pf_days_to_flops, training_flops
from book_utils.published import (
    CHINCHILLA,
    GOPHER,
    GPT3,
    HOFFMANN_APPROACH3,
    KAPLAN_ALPHA_N,
    LANDMARK_MODELS,
    Constant,
)


def test_chinchilla_flops_match_gopher_budget():
    # Hoffmann et al. train Chinchilla with Gopher's budget, 5.76e23 FLOPs; 6ND gives 5.88e23 (2% more).
    assert training_flops(CHINCHILLA.params, CHINCHILLA.tokens) == pytest.approx(5.88e23, rel=1e-12)
    assert training_flops(CHINCHILLA.params, CHINCHILLA.tokens) == pytest.approx(GOPHER.reported_flops, rel=0.025)
    # For Gopher itself 6ND = 5.04e23 undercounts the budget by 12.5%: 6ND is an approximation.
    assert training_flops(GOPHER.params, GOPHER.tokens) / GOPHER.reported_flops == pytest.approx(0.875, abs=1e-3)


def test_gpt3_six_nd_is_within_half_a_percent_of_reported():
    # 6ND = 3.15e23 against the 3.14e23 FLOPs of Brown et al.'s Table D.1.
    assert training_flops(GPT3.params, GPT3.tokens) == pytest.approx(GPT3.reported_flops, rel=5e-3)


def test_pf_day_conversions():
    assert PF_DAY == 8.64e19
    assert flops_to_pf_days(8.64e19) == 1.0
    assert np.allclose(pf_days_to_flops(flops_to_pf_days([1e20, 3e23])), [1e20, 3e23])
    # GPT-3: 3.14e23 FLOPs is about 3.6e3 PF-days (Brown et al. print 3.64e3 in Table D.1).
    assert flops_to_pf_days(GPT3.reported_flops) == pytest.approx(3.64e3, rel=2e-3)


def test_training_flops_broadcasts():
    out = training_flops(np.array([1e9, 1e10]), 2e10)
    assert out.shape == (2,)
    assert out[1] == pytest.approx(10 * out[0])


def test_tokens_per_param():
    assert CHINCHILLA.tokens_per_param == pytest.approx(20.0)
    assert GPT3.tokens_per_param == pytest.approx(300 / 175)


def test_every_published_number_has_a_source(root):
    bib = (root / "references.bib").read_text()
    for model in LANDMARK_MODELS:
        assert model.cite in bib and model.where
    for c in (KAPLAN_ALPHA_N, *HOFFMANN_APPROACH3.values()):
        assert isinstance(c, Constant) and c.cite in bib and c.where


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: training_flops(0, 1e9), "params must be > 0"),
        (lambda: training_flops(1e9, [1e9, np.nan]), "tokens must be finite"),
        (lambda: training_flops([1e9, 2e9], [1e9, 2e9, 3e9]), "broadcast"),
        (lambda: flops_to_pf_days(-1.0), ">= 0"),
        (lambda: pf_days_to_flops(np.inf), "finite"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_as_floats_gives_plain_numbers_in_the_order_asked():
    from book_utils.compute import compute_optimal
    from book_utils.published import EPOCH_FIT, as_floats

    law = as_floats(EPOCH_FIT)
    assert law == {"E": 1.82, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
    assert all(type(v) is float for v in law.values())
    assert list(as_floats(EPOCH_FIT, ("beta", "A"))) == ["beta", "A"]
    # a whole law can be passed to the frontier; E does not move it
    assert compute_optimal(1e24, **law) == compute_optimal(1e24, **as_floats(EPOCH_FIT, ("A", "B", "alpha", "beta")))
    with pytest.raises(ValueError, match="no 'gamma'"):
        as_floats(EPOCH_FIT, ("alpha", "gamma"))
    with pytest.raises(ValueError, match="dict of constants"):
        as_floats([1.0, 2.0])


def test_compute_optimal_rejects_a_bad_floor_it_does_not_use():
    from book_utils.compute import compute_optimal, compute_optimal_for_params

    ab = {"A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
    with pytest.raises(ValueError, match="E must be finite"):
        compute_optimal(1e23, E=float("nan"), **ab)
    with pytest.raises(ValueError, match="E must be > 0"):
        compute_optimal_for_params(1e9, E=-1.0, **ab)
