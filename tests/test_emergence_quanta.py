"""Chapter 4, notebook 03: the quantization model and Hutter's learning curve (book_utils.emergence, second half).

Closed forms against hand-computed values and brute-force sums, the asymptotic laws and their exponents, the
simulation against the exact expectation, seeding, and every bad input.
"""

import math

import numpy as np
import pytest
from scipy import special, stats

from book_utils.emergence import (
    QuantaSimulation,
    hutter_error,
    learned_probability,
    quanta_data_loss,
    quanta_data_loss_asymptotic,
    quanta_frequencies,
    quanta_learning_times,
    quanta_loss,
    quanta_loss_asymptotic,
    simulate_quanta,
)


def zipf(alpha, n):
    p = np.arange(1, n + 1, dtype=float) ** -(alpha + 1)
    return p / p.sum()


def local_slope(x, y):
    return np.diff(np.log(y)) / np.diff(np.log(x))


# --------------------------------------------------------------------------------------------------------------------
# Loss after learning the n most frequent quanta.
# --------------------------------------------------------------------------------------------------------------------


def test_frequencies_are_zipf_and_normalised():
    assert quanta_frequencies(1, 1.0) == pytest.approx(6 / np.pi**2, rel=1e-14)
    np.testing.assert_allclose(quanta_frequencies(np.arange(1, 101), 0.7, n_quanta=100), zipf(0.7, 100), rtol=1e-12)
    assert quanta_frequencies(np.arange(1, 101), 0.7, n_quanta=100).sum() == pytest.approx(1.0, rel=1e-12)
    assert quanta_frequencies([[1, 2], [3, 4]], 0.5).shape == (2, 2)


def test_quanta_loss_closed_forms():
    assert quanta_loss(0, 0.5) == pytest.approx(1.0, rel=1e-14)
    assert quanta_loss(1, 1.0) == pytest.approx(1 - 6 / np.pi**2, rel=1e-12)
    # the tail mass: one minus the first n frequencies
    for alpha in (0.3, 1.0, 2.5):
        n = np.array([0, 1, 5, 50, 500])
        head = np.array([quanta_frequencies(np.arange(1, m + 1), alpha).sum() if m else 0.0 for m in n])
        np.testing.assert_allclose(quanta_loss(n, alpha), 1 - head, rtol=1e-8)
    # a real n interpolates monotonically
    y = quanta_loss(np.linspace(0, 10, 41), 0.5)
    assert np.all(np.diff(y) < 0)


def test_quanta_loss_asymptotics():
    for alpha in (0.2, 0.5, 1.0, 2.0):
        n = np.array([10.0, 100.0, 1e4, 1e6])
        ratio = quanta_loss(n, alpha) / quanta_loss_asymptotic(n, alpha)
        # midpoint rule: the next term of the Euler-Maclaurin series is alpha (alpha + 1) / (24 n^2)
        assert np.all(np.abs(ratio / (1 + 1 / (2 * n)) ** -alpha - 1) < alpha * (alpha + 1) / (20 * n**2) + 1e-12)
        assert abs(ratio[-1] - 1) < alpha / 1e6
        # the log-log slope in n tends to -alpha (alpha_N = alpha with n proportional to N)
        assert local_slope(n[-2:], quanta_loss(n[-2:], alpha))[0] == pytest.approx(-alpha, rel=5e-5)
    assert quanta_loss_asymptotic(100, 1.0) == pytest.approx(0.01 * 6 / np.pi**2, rel=1e-14)


# --------------------------------------------------------------------------------------------------------------------
# Hutter's expected error and the data loss with a threshold tau.
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.0])
def test_hutter_error_matches_a_brute_force_sum(alpha):
    n_items = 100_000
    theta = zipf(alpha, n_items)
    n = np.array([0.0, 1.0, 10.0, 1e3, 1e5])
    brute = np.array([np.sum(theta * (1 - theta) ** m) for m in n])
    np.testing.assert_allclose(hutter_error(n, alpha, n_items=n_items), brute, rtol=1e-7)
    assert hutter_error(3, 1.0, n_items=1) == 0.0  # one item: seen at the first sample


@pytest.mark.parametrize("alpha", [0.25, 0.5, 1.0, 2.0])
def test_hutter_error_slope_is_minus_alpha_over_one_plus_alpha(alpha):
    n = np.array([1e8, 1e10])
    assert local_slope(n, hutter_error(n, alpha))[0] == pytest.approx(-alpha / (1 + alpha), abs=2e-4)
    # and its constant: Gamma(1 + c) / (alpha zeta(alpha + 1)^(1/(alpha + 1)))
    assert hutter_error(1e10, alpha) / quanta_data_loss_asymptotic(1e10, alpha) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("tau", [2, 10, 40])
def test_data_loss_matches_a_brute_force_binomial_sum(alpha, tau):
    K = 200_000  # beyond 5,000 quanta: an exact head of 1,000 terms and the Poisson integral
    p = zipf(alpha, K)
    D = np.array([0.0, 5.0, 30.0, 1e3, 1e5, 1e7])
    brute = np.array([np.sum(p * stats.binom.cdf(tau - 1, d, p)) for d in D])
    np.testing.assert_allclose(quanta_data_loss(D, alpha, tau=tau, n_quanta=K), brute, rtol=3e-6)
    small = zipf(alpha, 3000)  # up to 5,000 quanta every term is exact
    brute_small = np.array([np.sum(small * stats.binom.cdf(tau - 1, d, small)) for d in D])
    np.testing.assert_allclose(quanta_data_loss(D, alpha, tau=tau, n_quanta=3000), brute_small, rtol=1e-10)


def test_data_loss_with_tau_one_is_hutter_and_limits():
    D = np.geomspace(1, 1e9, 10)
    np.testing.assert_allclose(quanta_data_loss(D, 0.7, tau=1), hutter_error(D, 0.7), rtol=1e-14)
    assert quanta_data_loss(0, 1.0, tau=7) == pytest.approx(1.0, rel=1e-12)
    assert quanta_data_loss(6, 1.0, tau=7) == pytest.approx(1.0, rel=1e-9)  # fewer samples than tau
    assert quanta_data_loss(D, 1.0, tau=3).shape == D.shape
    y = quanta_data_loss(np.geomspace(1, 1e9, 200), 0.5, tau=5)
    assert np.all(np.diff(y) <= 0)
    # the infinite sum is the limit of finite ones (at D = 1e4, 2e6 quanta are plenty)
    assert quanta_data_loss(1e4, 1.0, tau=5, n_quanta=2_000_000) == pytest.approx(quanta_data_loss(1e4, 1.0, tau=5),
                                                                                  rel=5e-5)


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.0])
@pytest.mark.parametrize("tau", [1, 5, 30])
def test_data_loss_asymptote_and_exponent(alpha, tau):
    D = np.array([1e9, 1e11])
    exact = quanta_data_loss(D, alpha, tau=tau)
    assert local_slope(D, exact)[0] == pytest.approx(-alpha / (alpha + 1), abs=1e-3)
    np.testing.assert_allclose(exact / quanta_data_loss_asymptotic(D, alpha, tau=tau), 1.0, atol=2e-3)
    # the constant against Michaud et al.'s threshold rule, where tau^c replaces Gamma(tau + c) / Gamma(tau)
    c = alpha / (alpha + 1)
    threshold = 1 / (alpha * special.zeta(alpha + 1)) * (1e9 / (tau * special.zeta(alpha + 1))) ** -c
    ratio = math.gamma(tau + c) / math.gamma(tau) / tau**c
    assert quanta_data_loss_asymptotic(1e9, alpha, tau=tau) / threshold == pytest.approx(ratio, rel=1e-12)


def test_learned_probability():
    p = 0.2
    assert learned_probability(3, 2, 1.0, n_quanta=2) == pytest.approx(1 - (1 - p) ** 3, rel=1e-12)
    D = np.array([0, 4, 5, 20, 200])
    pk = quanta_frequencies(7, 0.5)
    np.testing.assert_allclose(learned_probability(D, 7, 0.5, tau=5), stats.binom.sf(4, D, pk), rtol=1e-9, atol=1e-300)
    grid = learned_probability(np.array([10.0, 1e3, 1e5])[:, None], np.array([1, 10, 100])[None, :], 1.0, tau=3)
    assert grid.shape == (3, 3) and np.all(np.diff(grid, axis=0) >= 0) and np.all(np.diff(grid, axis=1) <= 0)
    # tiny probabilities keep their relative precision (the complement form)
    small = learned_probability(1e3, 10_000, 1.0, tau=2)
    assert small == pytest.approx(stats.binom.sf(1, 1000, quanta_frequencies(10_000, 1.0)), rel=1e-8)


# --------------------------------------------------------------------------------------------------------------------
# Simulations.
# --------------------------------------------------------------------------------------------------------------------


def test_learning_times_follow_the_negative_binomial():
    k, tau = np.array([1, 5, 30]), 8
    t = quanta_learning_times(k, 1.0, tau=tau, runs=40_000, seed=3)
    p = quanta_frequencies(k, 1.0)
    mean, sd = tau / p, np.sqrt(tau * (1 - p)) / p
    assert t.dtype == np.int64 and t.shape == (40_000, 3) and t.min() >= tau
    assert np.all(np.abs(t.mean(axis=0) - mean) < 5 * sd / np.sqrt(40_000))
    np.testing.assert_allclose(t.std(axis=0), sd, rtol=0.02)
    # the fraction learned by D is learned_probability
    D = np.array([100.0, 300.0])
    frac = (t[:, 2:3] <= D).mean(axis=0)
    np.testing.assert_allclose(frac, learned_probability(D, 30, 1.0, tau=tau), atol=0.01)
    np.testing.assert_array_equal(t, quanta_learning_times(k, 1.0, tau=tau, runs=40_000, seed=3))
    assert not np.array_equal(t, quanta_learning_times(k, 1.0, tau=tau, runs=40_000, seed=4))


@pytest.mark.parametrize("tau", [1, 6])
def test_simulation_mean_matches_the_exact_expectation(tau):
    D = np.unique(np.geomspace(1, 3e4, 12).round())
    sim = simulate_quanta(300, 0.8, D, tau=tau, runs=3000, seed=11)
    assert isinstance(sim, QuantaSimulation) and sim.runs == 3000 and sim.loss.shape == (3000, D.size)
    se = sim.loss.std(axis=0) / np.sqrt(sim.runs)
    assert np.all(np.abs(sim.mean_loss - sim.expected) <= 4 * se + 1e-12)  # 4 standard errors at every checkpoint
    np.testing.assert_allclose(sim.mean_loss, sim.expected, rtol=0.01, atol=5e-4)
    if tau == 1:
        np.testing.assert_allclose(sim.expected, hutter_error(D, 0.8, n_items=300), rtol=1e-12)
    # per-quantum skill curves: 0/1 steps whose average is learned_probability
    skill = sim.skill(5)
    assert set(np.unique(skill)) <= {0.0, 1.0} and np.all(np.diff(skill, axis=1) >= 0)
    np.testing.assert_allclose(skill.mean(axis=0), learned_probability(D, 5, 0.8, tau=tau, n_quanta=300), atol=0.03)
    # the loss is the mass of the unlearned quanta, run by run
    learned = np.arange(D.size)[None, :, None] >= sim.first_learned[:, None, :]
    np.testing.assert_allclose(sim.loss, 1 - learned @ sim.p, atol=1e-12)
    assert np.array_equal(sim.n_learned, learned.sum(axis=2))


def test_simulation_follows_the_data_exponent():
    D = np.unique(np.geomspace(1e2, 1e5, 13).round())
    sim = simulate_quanta(2000, 1.0, D, tau=10, runs=200, seed=0)
    slope = np.polyfit(np.log(D), np.log(sim.mean_loss), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.02)
    assert np.all(sim.loss[:, 0] <= 1.0) and np.all(np.diff(sim.loss, axis=1) <= 1e-15)


def test_simulation_is_seeded():
    D = [0, 10, 100, 1000]
    a = simulate_quanta(100, 1.0, D, tau=3, runs=5, seed=7)
    b = simulate_quanta(100, 1.0, D, tau=3, runs=5, seed=7)
    c = simulate_quanta(100, 1.0, D, tau=3, runs=5, seed=8)
    assert np.array_equal(a.first_learned, b.first_learned) and np.array_equal(a.loss, b.loss)
    assert not np.array_equal(a.first_learned, c.first_learned)
    assert np.all(a.loss[:, 0] == 1.0)


# --------------------------------------------------------------------------------------------------------------------
# Bad inputs.
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: quanta_loss(10, 0.0), "alpha must be > 0"),
        (lambda: quanta_loss(10, -1.0), "alpha must be > 0"),
        (lambda: quanta_loss(-1, 0.5), "n must be >= 0"),
        (lambda: quanta_loss([1, np.nan], 0.5), "n must be finite"),
        (lambda: quanta_loss_asymptotic(0, 0.5), "n must be > 0"),
        (lambda: hutter_error(-3, 1.0), "n must be >= 0"),
        (lambda: hutter_error(10, 1.0, n_items=0), "n_items must be >= 1"),
        (lambda: hutter_error(10, 1.0, n_items=2.5), "n_items must be an integer"),
        (lambda: hutter_error(10, np.inf), "alpha must be finite"),
        (lambda: quanta_frequencies(0, 1.0), "k must be > 0"),
        (lambda: quanta_frequencies(1.5, 1.0), "integer ranks"),
        (lambda: quanta_frequencies(11, 1.0, n_quanta=10), "k must be <= n_quanta"),
        (lambda: quanta_data_loss(-1, 1.0), "D must be >= 0"),
        (lambda: quanta_data_loss(10, 1.0, tau=0), "tau must be >= 1"),
        (lambda: quanta_data_loss(10, 1.0, tau=2.0), "tau must be an integer"),
        (lambda: quanta_data_loss_asymptotic(0, 1.0), "D must be > 0"),
        (lambda: learned_probability(10, 0, 1.0), "k must be > 0"),
        (lambda: quanta_learning_times([[1, 2]], 1.0), "k must be 1-D"),
        (lambda: quanta_learning_times([1], 1.0, runs=0), "runs must be >= 1"),
        (lambda: quanta_learning_times([1], 1.0, seed=-1), "seed must be >= 0"),
        (lambda: simulate_quanta(0, 1.0, [1, 2]), "n_quanta must be >= 1"),
        (lambda: simulate_quanta(10, 0.0, [1, 2]), "alpha must be > 0"),
        (lambda: simulate_quanta(10, 1.0, [2, 1]), "strictly increasing"),
        (lambda: simulate_quanta(10, 1.0, [1.5, 2]), "strictly increasing integers"),
        (lambda: simulate_quanta(10, 1.0, [-1, 2]), "samples must be >= 0"),
        (lambda: simulate_quanta(10, 1.0, [1, 2], tau=0), "tau must be >= 1"),
        (lambda: simulate_quanta(10, 1.0, [1, 2], runs=0), "runs must be >= 1"),
        (lambda: simulate_quanta(10**6, 1.0, [1, 2], runs=100), "too large"),
        (lambda: simulate_quanta(10, 1.0, [1, 2]).skill(11), "k must be <="),
    ],
)
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------------------------------------------------
# The notebook's explorer (book_utils.widgets.quanta_explorer).
# --------------------------------------------------------------------------------------------------------------------


def test_quanta_explorer_responds_and_has_32_positions():
    from book_utils.widgets import QUANTA_EXPLORER_TAU, quanta_explorer

    ex = quanta_explorer(static=False)
    assert ex.values == {"alpha": 1.0, "D": 1e4} and QUANTA_EXPLORER_TAU == 10
    assert np.prod([spec.n for spec in ex.specs.values()]) == 32
    first = ex.set(alpha=1.0, D=10.0)
    assert ex.set(alpha=1.0, D=1e8) != first and ex.set(alpha=2.0, D=10.0) != first   # both controls move it
    # the readout states the model's numbers
    ex.set(alpha=2.0, D=1e8)
    note = [t.get_text() for ax in ex.figure.axes for t in ax.texts][-1]
    assert "α_D = α/(α+1) = 0.67" in note and f"{quanta_data_loss(1e8, 2.0, tau=10):.3g}" in note
