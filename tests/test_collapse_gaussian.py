"""Chapter 5, notebook 01: recursion on a Gaussian and resampling a categorical distribution (book_utils.collapse)."""

import math

import numpy as np
import pytest
from scipy import special, stats

from book_utils.collapse import (
    CategoricalResampling,
    GaussianCollapse,
    GaussianCollapseTheory,
    categorical_resampling,
    expected_diversity,
    expected_support,
    gaussian_collapse,
    gaussian_collapse_expected_std,
    gaussian_collapse_moment,
    gaussian_collapse_theory,
    survival_probability,
    zipf_expected_support,
)


def within(sim, theory, se, k=4.0):
    """Simulated means agree with theory to ``k`` standard errors (deterministic: every simulation is seeded)."""
    sim, theory, se = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (sim, theory, se)))
    return np.all(np.abs(sim - theory) <= k * se), np.max(np.abs(sim - theory) / se)


# --------------------------------------------------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------------------------------------------------


def test_c_M_known_values():
    assert gaussian_collapse_expected_std(1, 2) == pytest.approx(math.sqrt(2 / math.pi), rel=1e-13)
    assert gaussian_collapse_expected_std(1, 3) == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-13)
    # M = 10: sqrt(2/9) * Gamma(5) / Gamma(4.5), Gamma(4.5) = 105 sqrt(pi) / 16
    c10 = math.sqrt(2 / 9) * 24 / (105 * math.sqrt(math.pi) / 16)
    assert gaussian_collapse_expected_std(1, 10) == pytest.approx(c10, rel=1e-13)
    assert gaussian_collapse_expected_std(3, 10, 2.5) == pytest.approx(2.5 * c10**3, rel=1e-13)
    # MLE: one more factor sqrt((M - 1) / M)
    assert gaussian_collapse_expected_std(1, 10, unbiased=False) == pytest.approx(
        float(gaussian_collapse_expected_std(1, 10)) * math.sqrt(0.9), rel=1e-13)


def test_c_M_large_M_and_vectorised():
    M = np.array([1e2, 1e4, 1e6, 1e8])
    c = gaussian_collapse_expected_std(1, M)
    assert np.all(np.isfinite(c)) and np.all(c < 1)
    # c_M = 1 - 1/(4M) + O(M^-2)
    assert np.allclose((1 - c) * 4 * M, 1, rtol=1e-2) and abs((1 - c[-1]) * 4e8 - 1) < 1e-6
    # the large-M branch joins the gammaln branch smoothly (M = 201 is where it switches)
    k = np.array([199.0, 200.0, 201.0]) / 2
    direct = np.exp(0.5 * np.log(2 / (2 * k)) + special.gammaln(k + 0.5) - special.gammaln(k))
    assert np.allclose(gaussian_collapse_expected_std(1, 2 * k + 1), direct, rtol=1e-12)
    grid = gaussian_collapse_expected_std(np.arange(4)[:, None], np.array([2, 10, 100]))
    assert grid.shape == (4, 3) and np.allclose(grid[0], 1.0)
    assert np.allclose(grid[3], grid[1] ** 3)


def test_moments_ladder():
    n = np.arange(0, 30)
    assert np.allclose(gaussian_collapse_moment(n, 7, 2.0), 1.0, rtol=1e-12)              # E[sigma^2] is conserved
    assert np.allclose(gaussian_collapse_moment(n, 7, 2.0, unbiased=False), (6 / 7) ** n, rtol=1e-12)
    assert np.allclose(gaussian_collapse_moment(n, 7, 4.0), (1 + 2 / 6) ** n, rtol=1e-12)  # E[sigma^4] grows
    assert np.all(np.diff(gaussian_collapse_moment(n, 7, 1.0)) < 0)
    assert np.all(np.diff(gaussian_collapse_moment(n, 7, 3.0)) > 0)
    # one generation: E[(chi2_k / k)^(p/2)] by numerical integration
    for M, p in [(5, 1.0), (5, -1.0), (12, 3.0), (3, 0.5)]:
        k = M - 1
        num = stats.chi2(k).expect(lambda x, p=p, k=k: (x / k) ** (p / 2))
        assert gaussian_collapse_moment(1, M, p) == pytest.approx(num, rel=1e-8)


def test_theory_fields():
    t = gaussian_collapse_theory(np.arange(6), 10, sigma0=2.0)
    assert isinstance(t, GaussianCollapseTheory)
    assert np.allclose(t.mean_var, 4.0) and np.allclose(t.var_mu, 4.0 * np.arange(6) / 10)
    assert np.allclose(t.var_var, 16.0 * ((1 + 2 / 9) ** np.arange(6) - 1))
    a = special.digamma(4.5) + np.log(2 / 9)
    assert np.allclose(t.mean_log_var, np.log(4.0) + a * np.arange(6))
    assert np.allclose(t.sd_log_var, np.sqrt(np.arange(6) * special.polygamma(1, 4.5)))
    assert np.allclose(t.geometric_mean_var, np.exp(t.mean_log_var))
    assert np.allclose(t.mean_std, gaussian_collapse_expected_std(np.arange(6), 10, 2.0))
    # E[log sigma^2] per generation is below -1/(M-1) (Jensen) and tends to it for large M
    M = np.array([3, 10, 100, 10_000])
    per = gaussian_collapse_theory(1, M).mean_log_var
    assert np.all(per < -1 / (M - 1)) and per[-1] == pytest.approx(-1 / 9999, rel=1e-3)
    mle = gaussian_collapse_theory(np.arange(50), 10, unbiased=False)
    assert np.allclose(mle.mean_var, 0.9 ** np.arange(50))
    assert np.allclose(mle.var_mu, 1 - 0.9 ** np.arange(50)) and mle.var_mu.max() < 1
    assert np.allclose(mle.var_var, (99 / 100) ** np.arange(50) - 0.81 ** np.arange(50))
    assert np.allclose(mle.mean_log_var, (a + np.log(0.9)) * np.arange(50))


# --------------------------------------------------------------------------------------------------------------------
# Simulation against the closed forms
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unbiased", [True, False])
def test_statistics_method_matches_theory(unbiased):
    M, G, R = 20, 10, 200_000
    sim = gaussian_collapse(M, G, R, unbiased=unbiased, sigma0=1.5, seed=3, method="statistics")
    n = np.arange(G + 1)
    t = gaussian_collapse_theory(n, M, unbiased=unbiased, sigma0=1.5)
    se = lambda x: x.std(axis=0) / np.sqrt(R)  # noqa: E731
    for simulated, theory in [(sim.sigma, t.mean_std), (sim.var, t.mean_var), (np.log(sim.var), t.mean_log_var),
                              (sim.mu**2, t.var_mu)]:
        ok, worst = within(simulated.mean(axis=0)[1:], theory[1:], se(simulated)[1:])
        assert ok, worst
    # spread of log sigma^2 and of sigma^2: relative agreement
    assert np.allclose(np.log(sim.var).std(axis=0)[1:], t.sd_log_var[1:], rtol=1e-2)
    assert np.allclose(sim.var.var(axis=0)[1:], t.var_var[1:], rtol=5e-2)


@pytest.mark.parametrize("unbiased", [True, False])
def test_samples_method_matches_theory(unbiased):
    M, G, R = 8, 6, 40_000
    sim = gaussian_collapse(M, G, R, unbiased=unbiased, seed=5)
    t = gaussian_collapse_theory(np.arange(G + 1), M, unbiased=unbiased)
    for simulated, theory in [(sim.sigma, t.mean_std), (sim.var, t.mean_var), (np.log(sim.var), t.mean_log_var),
                              (sim.mu**2, t.var_mu)]:
        ok, worst = within(simulated.mean(axis=0)[1:], theory[1:], simulated.std(axis=0)[1:] / np.sqrt(R))
        assert ok, worst


def test_samples_and_statistics_agree_in_distribution():
    a = gaussian_collapse(5, 4, 20_000, seed=1)
    b = gaussian_collapse(5, 4, 20_000, seed=2, method="statistics")
    for g in (1, 4):
        assert stats.ks_2samp(np.log(a.sigma[:, g]), np.log(b.sigma[:, g])).pvalue > 1e-3
        assert stats.ks_2samp(a.mu[:, g], b.mu[:, g]).pvalue > 1e-3


def test_variance_collapses_while_its_mean_is_conserved():
    # after many generations almost every run has collapsed, yet E[sigma^2] = sigma0^2 exactly
    sim = gaussian_collapse(10, 300, 2000, seed=0, method="statistics")
    t = gaussian_collapse_theory(300, 10)
    assert np.median(sim.var[:, -1]) < 1e-10 and float(t.mean_var) == 1.0
    assert np.median(np.log(sim.var[:, -1])) == pytest.approx(float(t.mean_log_var), rel=0.05)
    # the mean drifts: Var(mu_n) = n sigma0^2 / M, though mu_n itself freezes once sigma_n is tiny
    assert np.mean(np.abs(sim.mu[:, -1] - sim.mu[:, -50]) < 1e-3) > 0.95
    assert sim.mu[:, -1].var() > 1.0   # frozen at a random place: spread wider than the original sigma0 = 1


def test_result_object_and_seeding():
    sim = gaussian_collapse(4, 7, 3, sigma0=2.0, seed=11)
    assert isinstance(sim, GaussianCollapse)
    assert sim.mu.shape == sim.sigma.shape == (3, 8) and sim.runs == 3 and sim.generations == 7
    assert np.all(sim.sigma[:, 0] == 2.0) and np.all(sim.mu[:, 0] == 0.0) and np.allclose(sim.var, sim.sigma**2)
    again = gaussian_collapse(4, 7, 3, sigma0=2.0, seed=11)
    other = gaussian_collapse(4, 7, 3, sigma0=2.0, seed=12)
    assert np.array_equal(sim.sigma, again.sigma) and np.array_equal(sim.mu, again.mu)
    assert not np.array_equal(sim.sigma, other.sigma)
    zero = gaussian_collapse(4, 0, 2)
    assert zero.sigma.shape == (2, 1)
    with pytest.raises(AttributeError):
        sim.M = 5  # frozen


def test_runs_are_vectorised_not_sequential():
    # run r of a 1-run simulation is not required to match, but runs of one simulation must be independent draws
    sim = gaussian_collapse(10, 1, 50_000, seed=0)
    assert abs(np.corrcoef(sim.mu[:, 1], sim.var[:, 1])[0, 1]) < 0.02  # Gaussian: sample mean and variance independent


# --------------------------------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, match", [
    ({"M": 1}, "M must be >= 2"),
    ({"M": 2.5}, "M must be an integer"),
    ({"generations": -1}, "generations must be >= 0"),
    ({"runs": 0}, "runs must be >= 1"),
    ({"sigma0": 0.0}, "sigma0 must be > 0"),
    ({"sigma0": float("nan")}, "sigma0 must be finite"),
    ({"unbiased": "yes"}, "unbiased must be True"),
    ({"method": "exact"}, "method must be one of"),
])
def test_gaussian_collapse_bad_inputs(kwargs, match):
    args = {"M": 5, "generations": 3, "runs": 2} | kwargs
    M, G, R = args.pop("M"), args.pop("generations"), args.pop("runs")
    with pytest.raises(ValueError, match=match):
        gaussian_collapse(M, G, R, **args)


def test_closed_form_bad_inputs():
    with pytest.raises(ValueError, match="M must be an integer >= 2"):
        gaussian_collapse_expected_std(1, 1)
    with pytest.raises(ValueError, match="M must be an integer >= 2"):
        gaussian_collapse_theory(1, 10.5)
    with pytest.raises(ValueError, match="n must be >= 0"):
        gaussian_collapse_expected_std(-1, 10)
    with pytest.raises(ValueError, match="sigma0 must be > 0"):
        gaussian_collapse_expected_std(1, 10, -1.0)
    with pytest.raises(ValueError, match="p must be > -"):
        gaussian_collapse_moment(1, 3, -2.0)
    with pytest.raises(ValueError, match="unbiased must be"):
        gaussian_collapse_theory(1, 10, unbiased=1)


# --------------------------------------------------------------------------------------------------------------------
# The discrete case: Wright–Fisher resampling
# --------------------------------------------------------------------------------------------------------------------


def zipf(K, beta):
    p = np.arange(1, K + 1.0) ** -beta
    return p / p.sum()


def test_categorical_resampling_structure_and_seeding():
    p = zipf(50, 1.5)
    res = categorical_resampling(p, 40, 30, 25, seed=4)
    assert isinstance(res, CategoricalResampling)
    assert res.freqs.shape == (25, 50) and res.lost_at.shape == (25, 50) and res.diversity.shape == (25, 31)
    assert res.runs == 25 and res.generations == 30 and res.M == 40
    assert np.allclose(res.freqs.sum(axis=1), 1.0) and np.all(res.freqs * 40 == np.round(res.freqs * 40))
    alive = res.n_alive
    assert np.all(alive[:, 0] == 50) and np.all(np.diff(alive, axis=1) <= 0) and np.all(alive >= 1)
    assert np.array_equal(alive[:, -1], (res.freqs > 0).sum(axis=1))           # lost categories never return
    assert np.array_equal(res.alive(30), res.freqs > 0) and res.alive(0).all()
    assert np.array_equal(alive[:, 7], res.alive(7).sum(axis=1))
    again = categorical_resampling(p, 40, 30, 25, seed=4)
    assert np.array_equal(res.freqs, again.freqs) and np.array_equal(res.lost_at, again.lost_at)
    assert not np.array_equal(res.lost_at, categorical_resampling(p, 40, 30, 25, seed=5).lost_at)
    zero = categorical_resampling([0.0, 0.5, 0.5], 4, 2, 3)
    assert np.all(zero.lost_at[:, 0] == 0) and np.all(zero.n_alive[:, 0] == 2)


def test_frequencies_are_martingales_and_diversity_decays():
    p = zipf(20, 1.2)
    M, G, R = 30, 25, 40_000
    res = categorical_resampling(p, M, G, R, seed=0)
    se = res.freqs.std(axis=0) / np.sqrt(R) + 1e-12
    ok, worst = within(res.freqs.mean(axis=0), p, se)
    assert ok, worst
    theory = expected_diversity(p, M, np.arange(G + 1))
    ok, worst = within(res.diversity.mean(axis=0)[1:], theory[1:], res.diversity.std(axis=0)[1:] / np.sqrt(R))
    assert ok, worst


def test_one_generation_survival_and_support():
    p = zipf(200, 2.0)
    M, R = 100, 20_000
    res = categorical_resampling(p, M, 1, R, seed=1)
    frac = res.alive(1).mean(axis=0)
    q = survival_probability(p, M)
    assert np.all(np.abs(frac - q) <= 4 * np.sqrt(q * (1 - q) / R) + 1e-9)
    n1 = res.n_alive[:, 1]
    assert abs(n1.mean() - expected_support(p, M)) < 4 * n1.std() / np.sqrt(R)


def test_fixation_probability_equals_initial_frequency():
    # absorbing states are single categories; a martingale absorbed at 0 or 1 fixes with probability p_i
    p = np.array([0.6, 0.3, 0.1])
    R = 20_000
    res = categorical_resampling(p, 6, 200, R, seed=2)
    assert np.all(res.n_alive[:, -1] == 1)
    winner = res.freqs.argmax(axis=1)
    counts = np.bincount(winner, minlength=3) / R
    assert np.all(np.abs(counts - p) <= 4 * np.sqrt(p * (1 - p) / R))


def test_survival_support_and_diversity_closed_forms():
    assert np.allclose(survival_probability([0.0, 1.0, 0.5], 3), [0.0, 1.0, 0.875])
    assert survival_probability(1e-12, 1000) == pytest.approx(1e-9, rel=1e-6)  # accurate for tiny q
    K, M = 7, 5
    assert expected_support(np.full(K, 1 / K), M) == pytest.approx(K * (1 - (1 - 1 / K) ** M), rel=1e-13)
    assert expected_support([1.0], 10) == 1.0
    assert np.allclose(expected_diversity([0.2] * 5, 10, [0, 3]), [0.8, 0.8 * 0.9**3])
    # Zipf: sum minus integral tends to -1/2 (Euler–Maclaurin), so the M^(1/beta) law holds with its constant
    for beta in (2.0, 3.0):
        p = zipf(2_000_000, beta)
        for M in (1_000, 100_000):
            assert expected_support(p, M) == pytest.approx(float(zipf_expected_support(M, beta)) - 0.5, abs=0.05)
    assert zipf_expected_support(np.array([1e3, 1e5]), 2.0) == pytest.approx(np.sqrt(6 * np.array([1e3, 1e5]) / np.pi))


def test_discrete_bad_inputs():
    with pytest.raises(ValueError, match="probs must sum to 1"):
        categorical_resampling([0.5, 0.6], 5, 2, 2)
    with pytest.raises(ValueError, match="probs must be >= 0"):
        categorical_resampling([1.5, -0.5], 5, 2, 2)
    with pytest.raises(ValueError, match="probs must be 1-D"):
        categorical_resampling([[0.5, 0.5]], 5, 2, 2)
    with pytest.raises(ValueError, match="M must be >= 1"):
        categorical_resampling([0.5, 0.5], 0, 2, 2)
    with pytest.raises(ValueError, match="runs must be >= 1"):
        categorical_resampling([0.5, 0.5], 3, 2, 0)
    with pytest.raises(ValueError, match="n must be <= generations"):
        categorical_resampling([0.5, 0.5], 3, 2, 2).alive(3)
    with pytest.raises(ValueError, match="q must be a frequency"):
        survival_probability(1.5, 3)
    with pytest.raises(ValueError, match="M must be >= 1"):
        survival_probability(0.5, 0)
    with pytest.raises(ValueError, match="beta must be > 1"):
        zipf_expected_support(100, 1.0)
    with pytest.raises(ValueError, match="probs must sum to 1"):
        expected_support([0.2, 0.2], 3)
    with pytest.raises(ValueError, match="n must be >= 0"):
        expected_diversity([0.5, 0.5], 3, -1)


# --------------------------------------------------------------------------------------------------------------------
# The notebook's explorer (book_utils.widgets)
# --------------------------------------------------------------------------------------------------------------------


def test_gaussian_collapse_explorer_responds_and_fits_the_frame_budget():
    from book_utils.widgets import gaussian_collapse_explorer, sweep

    ex = gaussian_collapse_explorer(static=False)
    report = sweep(ex, every=False)
    assert report.ok, report
    assert np.prod([spec.n for spec in ex.specs.values()]) <= 64
    v = ex.values
    assert v["generations"] == pytest.approx(160) and v["M"] == pytest.approx(32) and v["estimator"] == "unbiased"
