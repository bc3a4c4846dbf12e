"""book_utils._zipf: the Zipf unseen-mass sum against brute-force sums and its closed-form limits."""

import numpy as np
import pytest
from scipy import special

from book_utils import _zipf

N_BRUTE = 2_000_000
T = np.array([0.0, 1.0, 10.0, 1e3, 1e5, 1e7])


def brute(s, weights, n=N_BRUTE):
    i = np.arange(1, n + 1, dtype=float)
    p = i ** -s / _zipf.norm(s, n)
    q = weights(i) * p
    return np.array([np.sum(p * np.exp(t * np.log1p(-q))) for t in T])


@pytest.mark.parametrize("s", [1.3, 2.0, 3.0])
def test_memoriser_sum_matches_brute_force(s):
    got = _zipf.unseen_mass(T, s, n_items=N_BRUTE)  # the integral covers ranks 20,001..2,000,000
    np.testing.assert_allclose(got, brute(s, lambda i: np.ones_like(i)), rtol=1e-7)


@pytest.mark.parametrize("s", [1.5, 2.5])
def test_cut_and_mixed_tails_match_brute_force(s):
    k, clean = 1000, 0.1
    head = _zipf.mass(s, 1, k, _zipf.norm(s, N_BRUTE))
    w_head = clean + (1 - clean) / head
    got = _zipf.unseen_mass(T, s, k=k, w_head=w_head, w_tail=clean, n_items=N_BRUTE)
    np.testing.assert_allclose(got, brute(s, lambda i: np.where(i <= k, w_head, clean)), rtol=1e-7)
    cut = _zipf.unseen_mass(T, s, k=k, w_head=1 / head, w_tail=0.0, n_items=N_BRUTE)
    np.testing.assert_allclose(cut, brute(s, lambda i: np.where(i <= k, 1 / head, 0.0)), rtol=1e-12)


def test_limits():
    s = 2.0
    assert _zipf.norm(s) == pytest.approx(np.pi**2 / 6)
    assert _zipf.unseen_mass(0.0, s) == pytest.approx(1.0)                    # nothing seen
    assert _zipf.unseen_mass(1.0, s) == pytest.approx(1 - special.zeta(2 * s) / special.zeta(s) ** 2)  # 1 - sum p^2
    tail = _zipf.mass(s, 11, None, _zipf.norm(s))
    assert _zipf.unseen_mass(1e12, s, k=10, w_head=1 / (1 - tail), w_tail=0.0) == pytest.approx(tail, rel=1e-9)
    # Hutter: E ~ n^(-alpha/(1+alpha)) with s = alpha + 1; at alpha = 1 the slope over two decades is -1/2
    e = _zipf.unseen_mass(np.array([1e6, 1e8]), s)
    assert np.log10(e[0] / e[1]) / 2 == pytest.approx(0.5, abs=1e-3)
    assert _zipf.unseen_mass(np.ones((2, 3)), s).shape == (2, 3)


def test_a_single_item_is_seen_at_the_first_draw_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(_zipf.unseen_mass(np.array([0.0, 1.0, 5.0]), 2.0, n_items=1), [1.0, 0.0, 0.0])
