"""Simulations and closed forms of model collapse (chapter 5).

Four settings, one per notebook:

- **Recursion on a Gaussian** :cite:p:`shumailov2024curse`: fit, sample, refit; the variance estimate's decay.
- **Tails** :cite:p:`dohmatob2024tale`: Zipf data, Hutter's memoriser :cite:p:`hutter2021learning`, and a generator
  that cuts the tail; the scaling law's plateau and the delayed recovery with clean data.
- **Replace or accumulate** :cite:p:`dohmatob2024demystified,gerstgrasser2024accumulate`: linear regression trained
  on the previous generation's labels.
- **Strong model collapse** :cite:p:`dohmatob2025strong`: a fixed fraction of synthetic labels, and how model width
  interacts with it.

Every simulation is seeded and vectorised across runs. Pure numpy/scipy; no plotting.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_int, as_scalar

__all__ = [
    # ---- recursion on a Gaussian (notebook 01) ----
    "gaussian_collapse", "gaussian_collapse_expected_std", "GaussianCollapse", "gaussian_collapse_moment",
    "gaussian_collapse_theory", "GaussianCollapseTheory", "categorical_resampling", "CategoricalResampling",
    "survival_probability", "expected_support", "zipf_expected_support", "expected_diversity",
    # ---- tails (notebook 02) ----
    "tail_cut_error", "tail_cut_plateau", "tail_cut_rank", "median_largest_rank", "plateau_crossing",
    "simulate_tail_cut", "TailCutSimulation", "simulate_generator", "GeneratorSample", "simulate_generations",
    "generations_plateau",
    # ---- replace or accumulate (notebook 03) ----
    "regression_collapse", "regression_collapse_theory", "RegressionCollapse",
    # ---- strong model collapse (notebook 04) ----
    "mixture_error_floor", "mixture_regression", "mixture_regression_error", "random_projection_collapse",
    "RandomProjectionCollapse", "random_projection_floor",
]


# ====================================================================================================================
# Recursion on a Gaussian (Shumailov et al. 2024): notebook 01
# ====================================================================================================================

from dataclasses import dataclass  # this section's imports (the module's top imports are shared)

from scipy import special

from ._validation import one_of

_COL1_METHODS = ("samples", "statistics")


def _col1_sample_size(name: str, M) -> np.ndarray:
    """Sample sizes as a float array of integers >= 2 (the unbiased variance needs two points)."""
    arr = as_float_array(name, M)
    if (arr < 2).any() or (arr != np.round(arr)).any():
        raise ValueError(f"{name} must be an integer >= 2 (samples per generation), got {M!r}")
    return arr


def _col1_unbiased(unbiased) -> bool:
    if not isinstance(unbiased, (bool, np.bool_)):
        raise ValueError(f"unbiased must be True (divide by M - 1) or False (the MLE, divide by M), got {unbiased!r}")
    return bool(unbiased)


class _PerGeneration:
    """The shape accessors of a simulation result with one row per run and one column per generation (0, 1, ...);
    ``_TRAJECTORY`` names such an array."""

    _TRAJECTORY = ""

    @property
    def runs(self) -> int:
        """Number of independent runs."""
        return getattr(self, self._TRAJECTORY).shape[0]

    @property
    def generations(self) -> int:
        """Number of generations after the original (generation 0)."""
        return getattr(self, self._TRAJECTORY).shape[1] - 1


@dataclass(frozen=True)
class GaussianCollapse(_PerGeneration):
    """Trajectories of the fitted Gaussian, returned by :func:`gaussian_collapse`.

    Attributes
    ----------
    mu : ndarray, shape (runs, generations + 1)
        Fitted mean ``mu_n`` of each run at each generation; column 0 is the original ``mu_0 = 0``.
    sigma : ndarray, shape (runs, generations + 1)
        Fitted standard deviation ``sigma_n``; column 0 is ``sigma0``. Same unit as ``sigma0``.
    M : int
        Samples drawn per generation.
    unbiased : bool
        Whether the variance was estimated with ``M - 1`` (True) or ``M`` (the MLE) in the denominator.
    sigma0 : float
        The original standard deviation.
    """

    _TRAJECTORY = "mu"

    mu: np.ndarray
    sigma: np.ndarray
    M: int
    unbiased: bool
    sigma0: float

    @property
    def var(self) -> np.ndarray:
        """Fitted variances ``sigma_n^2``, shape (runs, generations + 1)."""
        return self.sigma**2



def gaussian_collapse(M, generations, runs, *, unbiased=True, sigma0=1.0, seed=0,
                      method="samples") -> GaussianCollapse:
    """Fit a Gaussian, sample from the fit, refit, for many generations: the recursion of :cite:p:`shumailov2024curse`.

    Generation 0 is ``N(0, sigma0^2)``. Generation ``n + 1`` draws ``M`` points from ``N(mu_n, sigma_n^2)`` and fits
    them by the sample mean and the sample variance:

    .. math:: \\mu_{n+1} = \\bar x, \\qquad \\sigma_{n+1}^2 = \\frac{1}{M - 1} \\sum_{j=1}^{M} (x_j - \\bar x)^2
              \\quad (\\text{or } \\tfrac{1}{M}\\sum_j \\dots \\text{ for the MLE}).

    This is the single-Gaussian case of the "theoretical intuition" of Shumailov et al. (their analysis uses the
    unbiased estimators; the MLE is the variant with ``1/M``). All runs are simulated at once.

    Parameters
    ----------
    M : int
        Samples per generation, >= 2.
    generations : int
        Number of generations after the original, >= 0.
    runs : int
        Independent repetitions of the whole recursion, >= 1.
    unbiased : bool
        True: variance with ``1/(M - 1)`` (unbiased); False: with ``1/M`` (maximum likelihood).
    sigma0 : float
        Standard deviation of the original Gaussian, > 0 (any unit; the output is in the same unit).
    seed : int
        Seed of ``np.random.default_rng``.
    method : {"samples", "statistics"}
        ``"samples"`` (default) draws the ``(runs, M)`` points of every generation and fits them, literally.
        ``"statistics"`` draws the fitted mean and variance directly from their exact laws,
        ``mu_{n+1} ~ N(mu_n, sigma_n^2 / M)`` and ``(M - 1) s^2 / sigma_n^2 ~ chi^2_{M-1}``, independent (Cochran's
        theorem): the same process in distribution, at a cost that does not grow with ``M``.

    Returns
    -------
    GaussianCollapse
        Frozen dataclass with ``mu`` and ``sigma`` of shape ``(runs, generations + 1)``.

    Examples
    --------
    >>> sim = gaussian_collapse(10, 3, 5, seed=1)
    >>> sim.sigma.shape, float(sim.sigma[0, 0]), float(sim.mu[0, 0])
    ((5, 4), 1.0, 0.0)
    """
    M = as_int("M", M, minimum=2)
    generations = as_int("generations", generations, minimum=0)
    runs = as_int("runs", runs, minimum=1)
    unbiased = _col1_unbiased(unbiased)
    sigma0 = as_scalar("sigma0", sigma0, positive=True)
    one_of("method", method, _COL1_METHODS)
    rng = np.random.default_rng(seed)
    mu = np.zeros((runs, generations + 1))
    sigma = np.empty((runs, generations + 1))
    sigma[:, 0] = sigma0
    ddof = 1 if unbiased else 0
    if method == "statistics":  # no loop: the variance is a cumulative product, the mean a cumulative sum
        factors = rng.chisquare(M - 1, (runs, generations)) / (M - ddof)
        steps = rng.standard_normal((runs, generations)) / np.sqrt(M)
        with np.errstate(under="ignore"):
            sigma[:, 1:] = sigma0 * np.sqrt(np.cumprod(factors, axis=1))
            mu[:, 1:] = np.cumsum(sigma[:, :-1] * steps, axis=1)
        return GaussianCollapse(mu, sigma, M, unbiased, sigma0)
    for n in range(generations):
        x = mu[:, n, None] + sigma[:, n, None] * rng.standard_normal((runs, M))
        mu[:, n + 1] = x.mean(axis=1)
        sigma[:, n + 1] = x.std(axis=1, ddof=ddof)
    return GaussianCollapse(mu, sigma, M, unbiased, sigma0)


def gaussian_collapse_moment(n, M, p, *, unbiased=True, sigma0=1.0) -> np.ndarray:
    """Expected ``p``-th power of the fitted standard deviation after ``n`` generations, ``E[sigma_n^p]``.

    Each generation multiplies the variance by an independent ``chi^2_{M-1} / d`` (``d = M - 1`` unbiased, ``d = M``
    MLE), so with ``k = M - 1`` and ``E[(chi^2_k)^s] = 2^s Gamma(k/2 + s) / Gamma(k/2)``,

    .. math:: E[\\sigma_n^p] = \\sigma_0^p \\left(\\frac{2^{p/2}\\,\\Gamma\\!\\left(\\frac{M-1+p}{2}\\right)}
              {d^{p/2}\\,\\Gamma\\!\\left(\\frac{M-1}{2}\\right)}\\right)^{n}.

    Derived here from the recursion of :cite:p:`shumailov2024curse` (see :func:`gaussian_collapse`). For the unbiased
    estimator the factor is < 1 for ``0 < p < 2`` (the moment decays), exactly 1 at ``p = 2`` and > 1 for ``p > 2``.

    Parameters
    ----------
    n : array_like
        Generations, >= 0 (real values are allowed for smooth curves).
    M : array_like
        Samples per generation, integers >= 2; broadcast against ``n``.
    p : float
        Power, > -(M - 1) (the moment is infinite below).
    unbiased : bool
        Variance estimator: ``1/(M - 1)`` (True) or ``1/M`` (False, MLE).
    sigma0 : float
        Original standard deviation, > 0.

    Returns
    -------
    ndarray
        ``E[sigma_n^p]`` in units of ``sigma0^p``, shape ``broadcast(n, M)``.

    Examples
    --------
    >>> float(gaussian_collapse_moment(7, 10, 2.0))          # the unbiased variance keeps its mean
    1.0
    >>> round(float(gaussian_collapse_moment(3, 10, 2.0, unbiased=False)), 6)   # 0.9 ** 3
    0.729
    """
    n = as_float_array("n", n, nonnegative=True)
    M = _col1_sample_size("M", M)
    p = as_scalar("p", p)
    unbiased = _col1_unbiased(unbiased)
    sigma0 = as_scalar("sigma0", sigma0, positive=True)
    k = M - 1.0
    if (p <= -k).any():
        raise ValueError(f"p must be > -(M - 1) for a finite moment, got p = {p} with M down to {int(M.min())}")
    d = k if unbiased else M
    log_factor = 0.5 * p * np.log(k / d) + _col1_log_gamma_ratio(k / 2, p / 2)
    return sigma0**p * np.exp(n * log_factor)


def _col1_log_gamma_ratio(x: np.ndarray, a: float) -> np.ndarray:
    """``log Gamma(x + a) - log Gamma(x) - a log x``, accurate for large ``x`` too (where it is ~ a(a-1)/(2x)).

    Below ``x = 100`` the difference of ``gammaln``; above it the asymptotic series in Bernoulli polynomials,
    ``sum_m (-1)^(m+1) [B_{m+1}(a) - B_{m+1}(0)] / (m (m+1) x^m)``, to ``m = 5`` (error below 1e-13 there).
    """
    big = x >= 100.0
    xs = np.where(big, 1.0, x)
    direct = special.gammaln(xs + a) - special.gammaln(xs) - a * np.log(xs)
    xb = np.where(big, x, 100.0)
    b = [a * a - a,                                                 # B_{m+1}(a) - B_{m+1}(0), m = 1..5
         a**3 - 1.5 * a**2 + 0.5 * a,
         a**4 - 2 * a**3 + a**2,
         a**5 - 2.5 * a**4 + 5 / 3 * a**3 - a / 6,
         a**6 - 3 * a**5 + 2.5 * a**4 - 0.5 * a**2]
    series = sum((-1) ** (m + 1) * b[m - 1] / (m * (m + 1) * xb**m) for m in range(1, 6))
    return np.where(big, series, direct)


def gaussian_collapse_expected_std(n, M, sigma0=1.0, *, unbiased=True) -> np.ndarray:
    """Expected fitted standard deviation after ``n`` generations: ``E[sigma_n] = sigma0 c_M^n``.

    .. math:: c_M = \\sqrt{\\frac{2}{M - 1}}\\,\\frac{\\Gamma(M/2)}{\\Gamma((M - 1)/2)} < 1

    for the unbiased variance (``c_M`` is the classical bias factor of the sample standard deviation,
    ``E[s] = c_M \\sigma``); for the MLE the factor is ``c_M \\sqrt{(M - 1)/M}``. Derived here from the recursion of
    :cite:p:`shumailov2024curse`; computed with ``gammaln``, so large ``M`` is fine. For large ``M``,
    ``c_M ≈ 1 - 1/(4M)``: the expected standard deviation halves after about ``4 M ln 2`` generations.
    The special case ``p = 1`` of :func:`gaussian_collapse_moment`.

    Parameters
    ----------
    n : array_like
        Generations, >= 0.
    M : array_like
        Samples per generation, integers >= 2 (broadcast against ``n``).
    sigma0 : float
        Original standard deviation, > 0; the result is in its unit.
    unbiased : bool
        Variance estimator: ``1/(M - 1)`` (True) or ``1/M`` (False, MLE).

    Examples
    --------
    >>> round(float(gaussian_collapse_expected_std(1, 10)), 4)    # c_10
    0.9727
    >>> gaussian_collapse_expected_std([0, 1], 2).round(4)          # c_2 = sqrt(2 / pi)
    array([1.    , 0.7979])
    """
    return gaussian_collapse_moment(n, M, 1.0, unbiased=unbiased, sigma0=sigma0)


@dataclass(frozen=True)
class GaussianCollapseTheory:
    """Closed forms of the Gaussian recursion after ``n`` generations, from :func:`gaussian_collapse_theory`.

    Every attribute is an array of shape ``broadcast(n, M)``. Lengths are in the unit of ``sigma0``.

    Attributes
    ----------
    mean_std : ndarray
        ``E[sigma_n]`` (:func:`gaussian_collapse_expected_std`).
    mean_var : ndarray
        ``E[sigma_n^2]``: ``sigma0^2`` (unbiased) or ``sigma0^2 ((M - 1)/M)^n`` (MLE).
    var_var : ndarray
        ``Var[sigma_n^2]``: ``sigma0^4 [(1 + 2/(M - 1))^n - 1]`` (unbiased) or
        ``sigma0^4 [((M^2 - 1)/M^2)^n - ((M - 1)/M)^(2n)]`` (MLE).
    mean_log_var : ndarray
        ``E[log sigma_n^2] = log sigma0^2 + n [psi((M - 1)/2) + log(2/(M - 1))]``, plus ``n log((M - 1)/M)`` for
        the MLE.
    sd_log_var : ndarray
        Standard deviation of ``log sigma_n^2``, ``sqrt(n psi'((M - 1)/2))`` (both estimators).
    geometric_mean_var : ndarray
        ``exp(E[log sigma_n^2])``, the typical variance: for large ``n`` the median of ``sigma_n^2`` (``log sigma_n^2``
        is a sum of ``n`` independent terms, nearly normal).
    var_mu : ndarray
        ``Var[mu_n]``: ``n sigma0^2 / M`` (unbiased) or ``sigma0^2 [1 - ((M - 1)/M)^n]`` (MLE).
    """

    mean_std: np.ndarray
    mean_var: np.ndarray
    var_var: np.ndarray
    mean_log_var: np.ndarray
    sd_log_var: np.ndarray
    geometric_mean_var: np.ndarray
    var_mu: np.ndarray


def gaussian_collapse_theory(n, M, *, unbiased=True, sigma0=1.0) -> GaussianCollapseTheory:
    """Closed forms for the moments of ``mu_n`` and ``sigma_n`` in the Gaussian recursion :cite:p:`shumailov2024curse`.

    With ``k = M - 1``, each generation multiplies the variance by an independent ``chi^2_k / d`` (``d = k`` for the
    unbiased estimator, ``d = M`` for the MLE) and moves the mean by ``sigma_n Z / sqrt(M)``. Hence

    .. math::
        E[\\sigma_n^2] = \\sigma_0^2 (k/d)^n, \\qquad
        E[\\log \\sigma_n^2] = \\log\\sigma_0^2 + n\\,[\\psi(k/2) + \\log(2/d)], \\qquad
        \\operatorname{Var}[\\mu_n] = \\frac{1}{M}\\sum_{i<n} E[\\sigma_i^2],

    using ``E[log chi^2_k] = psi(k/2) + log 2`` and ``Var[log chi^2_k] = psi'(k/2)``. Shumailov et al. state the
    qualitative result (the variance collapses almost surely, the distance to the original diverges); the exact
    moments are derived here.

    Parameters
    ----------
    n : array_like
        Generations, >= 0.
    M : array_like
        Samples per generation, integers >= 2 (broadcast against ``n``).
    unbiased : bool
        Variance estimator: ``1/(M - 1)`` (True) or ``1/M`` (False, MLE).
    sigma0 : float
        Original standard deviation, > 0.

    Returns
    -------
    GaussianCollapseTheory

    Examples
    --------
    >>> t = gaussian_collapse_theory(20, 10)
    >>> float(t.mean_var), round(float(t.var_mu), 6), round(float(t.mean_log_var), 4)
    (1.0, 2.0, -2.3041)
    """
    n = as_float_array("n", n, nonnegative=True)
    M = _col1_sample_size("M", M)
    unbiased = _col1_unbiased(unbiased)
    sigma0 = as_scalar("sigma0", sigma0, positive=True)
    n, M = np.broadcast_arrays(n, M)
    k = M - 1.0
    d = k if unbiased else M
    ratio = k / d                                   # E[chi^2_k / d]
    second = k * (k + 2.0) / d**2                   # E[(chi^2_k / d)^2]
    mean_var = sigma0**2 * ratio**n
    var_var = sigma0**4 * (second**n - ratio ** (2 * n))
    mean_log_var = np.log(sigma0**2) + n * (special.digamma(k / 2) + np.log(2.0 / d))
    sd_log_var = np.sqrt(n * special.polygamma(1, k / 2))
    if unbiased:
        var_mu = n * sigma0**2 / M
    else:                                           # geometric sum: sigma0^2 / M * (1 - r^n) / (1 - r), r = k / M
        var_mu = sigma0**2 * -np.expm1(n * np.log(ratio))
    return GaussianCollapseTheory(
        mean_std=gaussian_collapse_expected_std(n, M, sigma0, unbiased=unbiased),
        mean_var=mean_var, var_var=var_var, mean_log_var=mean_log_var, sd_log_var=sd_log_var,
        geometric_mean_var=np.exp(mean_log_var), var_mu=var_mu)


# ---- the discrete case: resampling a categorical distribution (Wright–Fisher drift) ---------------------------------


def _col1_distribution(name: str, probs) -> np.ndarray:
    p = as_float_array(name, probs, nonnegative=True)
    if p.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one probability per category), got shape {p.shape}")
    if not np.isclose(p.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"{name} must sum to 1 (a probability distribution), got sum {p.sum()!r}")
    return p / p.sum()


@dataclass(frozen=True)
class CategoricalResampling(_PerGeneration):
    """Result of :func:`categorical_resampling`.

    Attributes
    ----------
    probs : ndarray, shape (K,)
        The original distribution (generation 0).
    freqs : ndarray, shape (runs, K)
        Each run's category frequencies after the last generation (counts / M).
    lost_at : ndarray of int, shape (runs, K)
        The generation at which each category first had zero samples (0 if its original probability is 0); a
        lost category never returns. ``generations + 1`` if it survived to the end.
    diversity : ndarray, shape (runs, generations + 1)
        Gini–Simpson diversity ``1 - sum_i p_i^2`` of each run at each generation (the population geneticists'
        heterozygosity).
    M : int
        Samples per generation.
    """

    _TRAJECTORY = "diversity"

    probs: np.ndarray
    freqs: np.ndarray
    lost_at: np.ndarray
    diversity: np.ndarray
    M: int


    def alive(self, n) -> np.ndarray:
        """Boolean ``(runs, K)`` mask of the categories still present at generation ``n`` (0 <= n <= generations)."""
        n = as_int("n", n, minimum=0)
        if n > self.generations:
            raise ValueError(f"n must be <= generations = {self.generations}, got {n}")
        return self.lost_at > n

    @property
    def n_alive(self) -> np.ndarray:
        """Number of surviving categories of each run at each generation, shape ``(runs, generations + 1)``."""
        counts = np.zeros((self.runs, self.generations + 2), dtype=int)
        np.add.at(counts, (np.arange(self.runs)[:, None], self.lost_at), 1)
        return self.probs.size - np.cumsum(counts, axis=1)[:, : self.generations + 1]


def categorical_resampling(probs, M, generations, runs, *, seed=0) -> CategoricalResampling:
    """Resample a categorical distribution from its own empirical frequencies, generation after generation.

    Generation ``n + 1`` draws ``M`` samples from generation ``n``'s distribution and takes their frequencies as the
    new distribution (the maximum-likelihood fit of a categorical): ``counts ~ Multinomial(M, p_n)``,
    ``p_{n+1} = counts / M``. This is the discrete case of :cite:p:`shumailov2024curse` (a Markov chain whose
    absorbing states are single categories) and exactly the neutral Wright–Fisher model of population genetics: each
    ``p_{n,i}`` is a martingale, a category that draws no sample is lost for ever, and eventually one category is left.
    Runs are simulated at once (one multinomial draw of shape ``(runs, K)`` per generation).

    Parameters
    ----------
    probs : array_like, shape (K,)
        The original distribution: non-negative, summing to 1.
    M : int
        Samples per generation, >= 1.
    generations : int
        Number of resampling generations, >= 0.
    runs : int
        Independent repetitions, >= 1.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    CategoricalResampling

    Examples
    --------
    >>> res = categorical_resampling([0.5, 0.3, 0.2], 5, 50, 4, seed=0)
    >>> res.n_alive.shape, res.n_alive[:, 0].tolist()
    ((4, 51), [3, 3, 3, 3])
    >>> bool(np.all(np.diff(res.n_alive, axis=1) <= 0))   # categories are only ever lost
    True
    """
    p0 = _col1_distribution("probs", probs)
    M = as_int("M", M, minimum=1)
    generations = as_int("generations", generations, minimum=0)
    runs = as_int("runs", runs, minimum=1)
    rng = np.random.default_rng(seed)
    p = np.tile(p0, (runs, 1))
    lost_at = np.where(p > 0, generations + 1, 0)
    diversity = np.empty((runs, generations + 1))
    diversity[:, 0] = 1.0 - np.sum(p0**2)
    for n in range(1, generations + 1):
        p = rng.multinomial(M, p) / M
        newly = (p == 0) & (lost_at > n)
        lost_at[newly] = n
        diversity[:, n] = 1.0 - np.sum(p**2, axis=1)
    return CategoricalResampling(p0, p, lost_at, diversity, M)


def survival_probability(q, M) -> np.ndarray:
    """Probability that a category of frequency ``q`` is drawn at least once in ``M`` samples: ``1 - (1 - q)^M``.

    The chance that it survives one generation of :func:`categorical_resampling`. For ``q << 1`` it is about
    ``1 - exp(-M q)``: categories with ``q`` well below ``1/M`` are lost at once, which is why the tails go first
    :cite:p:`shumailov2024curse`.

    Parameters
    ----------
    q : array_like
        Frequencies in [0, 1].
    M : array_like
        Samples per generation, >= 1 (broadcast against ``q``).

    Examples
    --------
    >>> survival_probability([0.0, 0.001, 0.5, 1.0], 1000).round(4)
    array([0.    , 0.6323, 1.    , 1.    ])
    """
    q = as_float_array("q", q, nonnegative=True)
    if (q > 1).any():
        raise ValueError(f"q must be a frequency in [0, 1], got a maximum of {q.max()!r}")
    M = as_float_array("M", M)
    if (M < 1).any():
        raise ValueError(f"M must be >= 1 (samples per generation), got {M!r}")
    with np.errstate(divide="ignore"):  # q = 1: log(0) = -inf, and 1 - 0^M = 1
        return -np.expm1(M * np.log1p(-q))


def expected_support(probs, M) -> float:
    """Expected number of distinct categories in ``M`` samples from ``probs``: ``sum_i [1 - (1 - p_i)^M]``.

    The expected support after one generation of :func:`categorical_resampling` (linearity of expectation over
    :func:`survival_probability`).

    Parameters
    ----------
    probs : array_like, shape (K,)
        A distribution (non-negative, sums to 1).
    M : int
        Samples, >= 1.

    Examples
    --------
    >>> round(expected_support([0.25] * 4, 2), 6)     # two draws from four equal categories
    1.75
    """
    p = _col1_distribution("probs", probs)
    M = as_int("M", M, minimum=1)
    return float(np.sum(survival_probability(p, M)))


def zipf_expected_support(M, beta) -> np.ndarray:
    """Large-``M`` limit of :func:`expected_support` for an infinite Zipf law ``p_i = i^(-beta) / zeta(beta)``.

    .. math:: \\sum_i \\left[1 - e^{-M p_i}\\right] \\approx
              \\int_0^\\infty \\left[1 - e^{-(M/\\zeta(\\beta)) x^{-\\beta}}\\right] dx
              = \\Gamma(1 - 1/\\beta)\\,\\left(\\frac{M}{\\zeta(\\beta)}\\right)^{1/\\beta}.

    A sample of size ``M`` keeps about ``M^(1/beta)`` ranks, up to the constant (derived here; the sum differs from
    the integral by O(1)). For ``beta = 2`` it is ``sqrt(6 M / pi)``.

    Parameters
    ----------
    M : array_like
        Samples, > 0.
    beta : float
        Zipf exponent, > 1.

    Examples
    --------
    >>> round(float(zipf_expected_support(1000, 2.0)), 3)    # sqrt(6000 / pi)
    43.702
    """
    M = as_float_array("M", M, positive=True)
    beta = as_scalar("beta", beta)
    if beta <= 1:
        raise ValueError(f"beta must be > 1 (a normalisable Zipf law), got {beta}")
    return special.gamma(1 - 1 / beta) * (M / special.zeta(beta, 1)) ** (1 / beta)


def expected_diversity(probs, M, n) -> np.ndarray:
    """Expected Gini–Simpson diversity after ``n`` generations of resampling: ``(1 - sum_i p_i^2) (1 - 1/M)^n``.

    One multinomial generation gives ``E[p'_i^2 | p] = p_i^2 + p_i (1 - p_i) / M``, so ``E[1 - sum p'^2] =
    (1 - sum p^2)(1 - 1/M)``: the Wright–Fisher decay of heterozygosity. The same factor ``(M - 1)/M`` per
    generation as the MLE variance of the Gaussian recursion (:func:`gaussian_collapse_theory`). Derived here.

    Parameters
    ----------
    probs : array_like, shape (K,)
        The original distribution.
    M : int
        Samples per generation, >= 1.
    n : array_like
        Generations, >= 0.

    Examples
    --------
    >>> expected_diversity([0.5, 0.5], 2, [0, 1, 2]).round(4)
    array([0.5  , 0.25 , 0.125])
    """
    p = _col1_distribution("probs", probs)
    M = as_int("M", M, minimum=1)
    n = as_float_array("n", n, nonnegative=True)
    return (1.0 - np.sum(p**2)) * (1.0 - 1.0 / M) ** n


# ====================================================================================================================
# Tails and the change of scaling laws (Dohmatob et al. 2024, "A Tale of Tails"): notebook 02
# ====================================================================================================================

from dataclasses import dataclass  # noqa: E402  (this section's imports; the module's top imports are shared)

from scipy.special import gamma as _col2_gamma  # noqa: E402
from scipy.special import zeta as _col2_zeta  # noqa: E402

from . import _zipf  # noqa: E402

_COL2_TABLE = 4096          # ranks up to this are drawn from an explicit CDF table, beyond it by inverting the tail
_COL2_TABLE_MAX = 1 << 20    # largest table (a cut at a larger k uses the tail formula up to k)
_COL2_BLOCK = 2_000_000     # draws held in memory at once by the simulations (runs are processed in blocks)
_COL2_MAX_DRAWS = 50_000_000  # most draws (runs x samples) one simulation call may make


def _col2_beta(beta) -> float:
    b = as_scalar("beta", beta)
    if not b > 1:
        raise ValueError(f"beta must be > 1 (a Zipf law p_i ∝ i^-beta with a finite normaliser), got {b!r}")
    return b


def _col2_k(k):
    """``None`` (no cut) for ``None`` or ``+inf``; otherwise a whole number >= 1, returned as int."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)):
        raise ValueError(f"k (the last rank the generator keeps) must be a whole number >= 1, None or inf; got {k!r}")
    if np.isposinf(k):
        return None
    if not np.isfinite(k) or float(k) != int(k) or k < 1:
        raise ValueError(f"k (the last rank the generator keeps) must be a whole number >= 1, None or inf; got {k!r}")
    return int(k)


def _col2_fraction(clean_fraction) -> float:
    return as_scalar("clean_fraction", clean_fraction, lo=0.0, hi=1.0)


def _col2_weights(beta: float, k, clean_fraction: float):
    """``(k, w_head, w_tail)`` of ``book_utils._zipf.unseen_mass`` for a cut at ``k`` mixed with clean data.

    Training law: ``q_i = pi p_i + (1 - pi) p_i / P_k`` for ``i <= k`` and ``pi p_i`` beyond, with ``P_k`` the mass
    of ranks ``<= k``.
    """
    if k is None or clean_fraction == 1.0:
        return None, 1.0, 1.0
    head = _zipf.mass(beta, 1, k, _zipf.norm(beta))
    return k, clean_fraction + (1.0 - clean_fraction) / head, clean_fraction


def _col2_scalar_out(arr: np.ndarray, like):
    return float(arr) if np.ndim(like) == 0 else arr


def tail_cut_error(T, beta, k, *, clean_fraction=0.0):
    """Expected test error of Hutter's memoriser trained on ``T`` draws whose tail beyond rank ``k`` was cut.

    Test data follow a Zipf law ``p_i = i^(-beta) / zeta(beta)``, ``i = 1, 2, ...`` (each ``i`` an item, e.g. a
    fact with its one correct answer). The memoriser :cite:p:`hutter2021learning` answers item ``i`` correctly iff
    ``i`` occurred among its training draws, so its expected test error is the test mass of the items it never saw,

    .. math:: E(T) = \\sum_i p_i \\, (1 - q_i)^T ,

    where ``q`` is the training law. A generator that cut the tail at ``k`` :cite:p:`dohmatob2024tale` emits
    ``p_i / P_k`` for ``i <= k`` (``P_k = sum_{i <= k} p_i``) and nothing beyond; a fraction ``pi`` of clean draws
    mixed in (each draw independently clean with probability ``pi``) gives

    .. math:: q_i = \\pi p_i + (1 - \\pi)\\, p_i / P_k \\ (i \\le k), \\qquad q_i = \\pi p_i \\ (i > k).

    Dohmatob et al. give the pure tail cut's rate, ``E ≍ T^(-c) + k^(-(beta - 1))`` with ``c = 1 - 1/beta``
    (:cite:p:`dohmatob2024tale`, §2, the infinite-memory model); this function is the exact sum, computed by
    ``book_utils._zipf.unseen_mass`` (explicit head, incomplete-gamma tail; relative error below about 1e-6).

    Parameters
    ----------
    T : array_like of float
        Training draws, >= 0 (the result has the shape of ``T``; a float for a scalar).
    beta : float
        Zipf exponent of the data, > 1.
    k : int, None or inf
        Last rank the generator keeps, a whole number >= 1; ``None`` or ``np.inf``: no cut (Hutter's clean curve).
    clean_fraction : float
        Probability ``pi`` in [0, 1] that a training draw is clean (from ``p``) rather than synthetic (from the cut
        law). 0: all synthetic; 1: all clean.

    Returns
    -------
    float or ndarray
        Expected test error: the probability that a test item was never seen in training.

    Examples
    --------
    >>> round(tail_cut_error(0, 2.0, 10), 6)                          # nothing seen: every answer wrong
    1.0
    >>> round(tail_cut_error(1e12, 2.0, 1000) / tail_cut_plateau(2.0, 1000), 6)   # plateau: the lost tail
    1.0
    >>> tail_cut_error([1e4, 1e6], 2.0, None).round(5)                 # Hutter's clean curve, ~ T^(-1/2)
    array([0.00691, 0.00069])
    """
    T_arr = as_float_array("T", T, nonnegative=True)
    beta = _col2_beta(beta)
    k = _col2_k(k)
    pi = _col2_fraction(clean_fraction)
    kk, w_head, w_tail = _col2_weights(beta, k, pi)
    out = _zipf.unseen_mass(T_arr, beta, k=kk, w_head=w_head, w_tail=w_tail)
    return _col2_scalar_out(out, T)


def tail_cut_plateau(beta, k) -> float:
    """The test error that no amount of tail-cut data removes: the mass beyond rank ``k``.

    .. math:: E(\\infty) = \\sum_{i > k} p_i = \\frac{\\zeta(\\beta, k + 1)}{\\zeta(\\beta)}
              \\approx \\frac{k^{-(\\beta - 1)}}{(\\beta - 1)\\,\\zeta(\\beta)} ,

    the ``k^(-(beta - 1))`` term of the tail-cut law of :cite:p:`dohmatob2024tale`, §2 (the limit of
    :func:`tail_cut_error` as ``T -> infinity`` with no clean data; the approximation is the tail's integral, derived
    here).

    Parameters
    ----------
    beta : float
        Zipf exponent, > 1.
    k : int, None or inf
        Last rank kept, a whole number >= 1 (``None`` or ``inf``: no cut, plateau 0).

    Examples
    --------
    >>> round(tail_cut_plateau(2.0, 1000) * 1e4, 3)        # 1 / (1000.5 zeta(2)), almost
    6.076
    """
    beta = _col2_beta(beta)
    k = _col2_k(k)
    return 0.0 if k is None else _zipf.mass(beta, k + 1, None, _zipf.norm(beta))


def tail_cut_rank(T0, beta):
    """The tail cut equivalent to a generator trained on ``T0`` clean draws: same lost mass.

    A generator that learned its law from ``T0`` draws (the memoriser, or the empirical distribution of the draws)
    can only emit items it saw. However much data it then produces, a memoriser trained on them misses exactly the
    items the ``T0`` draws missed, whose expected mass is Hutter's clean error at ``T0``. This function returns the
    smallest ``k`` whose cut loses no more:

    .. math:: k(T_0) = \\min\\{k \\ge 1 : \\textstyle\\sum_{i > k} p_i \\le E_{\\text{clean}}(T_0)\\}
              \\approx \\left[\\frac{\\beta}{(\\beta - 1)\\,\\Gamma(1 - 1/\\beta)}\\right]^{1/(\\beta - 1)}
              \\left(\\frac{T_0}{\\zeta(\\beta)}\\right)^{1/\\beta} ,

    the scale ``k ≍ T0^(1/beta)`` of :cite:p:`dohmatob2024tale` (§2) made precise (derived here: equate the tail
    integral with the clean curve's asymptote). It is not the largest rank seen, which is far larger and random
    (:func:`simulate_generator`): the seen set has gaps, and it is their total mass that the cut matches.

    Parameters
    ----------
    T0 : array_like of float
        Draws the generator learned from, > 0.
    beta : float
        Zipf exponent, > 1.

    Returns
    -------
    int or ndarray of int
        The equivalent cut rank(s), >= 1.

    Examples
    --------
    >>> tail_cut_rank(1e6, 2.0)
    880
    """
    T0_arr = as_float_array("T0", T0, positive=True)
    beta = _col2_beta(beta)
    out = _col2_rank_with_tail_at_most(beta, _zipf.unseen_mass(T0_arr, beta)).reshape(T0_arr.shape)
    return int(out) if np.ndim(T0) == 0 else out


def _col2_rank_with_tail_at_most(beta, target):
    """Smallest integer ``k >= 1`` with ``sum_{i > k} p_i <= target``, for each entry of ``target`` (0 < target < 1)."""
    z = _zipf.norm(beta)
    target = np.asarray(target, dtype=float).reshape(-1)

    def tail(kk):                                   # sum_{i > k} p_i, vectorised over k
        return _col2_zeta(beta, kk + 1.0) / z

    guess = ((beta - 1.0) * z * target) ** (-1.0 / (beta - 1.0)) - 0.5   # midpoint rule for the tail sum
    k = np.maximum(np.ceil(guess), 1.0)
    for _ in range(64):                             # a few exact corrections of the estimate (usually none)
        up = tail(k) > target
        down = (k > 1) & (tail(k - 1.0) <= target)
        if not (up.any() or down.any()):
            break
        k = k + up - down
    return k.astype(np.int64)


def median_largest_rank(T0, beta):
    r"""Median of the largest rank among ``T0`` independent Zipf(``beta``) draws.

    The largest rank is at most ``m`` with probability :math:`(1 - \sum_{i > m} p_i)^{T_0}`, so the median is the
    smallest ``m`` whose tail mass is at most :math:`1 - 2^{-1/T_0}` (derived here). It grows like
    :math:`T_0^{1/(\beta - 1)}`, far faster than the equivalent cut :func:`tail_cut_rank`, ``≍ T0^(1/beta)``:
    the generator's support reaches deep into the tail, with gaps.

    Parameters
    ----------
    T0 : array_like of float
        Number of draws, >= 1.
    beta : float
        Zipf exponent, > 1.

    Returns
    -------
    int or ndarray of int
        The median largest rank(s).

    Examples
    --------
    >>> median_largest_rank(1, 2.0)
    1
    """
    T0_arr = as_float_array("T0", T0, positive=True)
    if (T0_arr < 1).any():
        raise ValueError(f"T0 must be >= 1 draw, got {T0!r}")
    beta = _col2_beta(beta)
    out = _col2_rank_with_tail_at_most(beta, -np.expm1(-np.log(2.0) / T0_arr)).reshape(T0_arr.shape)
    return int(out) if np.ndim(T0) == 0 else out


def plateau_crossing(beta, k) -> float:
    """Clean draws at which Hutter's clean curve falls to the plateau of a cut at ``k``.

    Solves ``E_clean(x) = sum_{i > k} p_i`` for ``x``. With the asymptote
    ``E_clean(x) ≈ Gamma(1 - 1/beta) / (beta zeta(beta)^(1/beta)) x^(-(1 - 1/beta))`` and the tail integral,

    .. math:: x^* \\approx \\left[\\frac{(\\beta - 1)\\,\\Gamma(1 - 1/\\beta)}{\\beta}\\right]^{\\beta/(\\beta - 1)}
              \\zeta(\\beta)\\, k^{\\beta} ,

    so ``x* ≍ k^beta`` (derived here). A mixture with clean fraction ``pi`` stays on the plateau until its clean
    draws, ``pi T``, approach ``x*``, that is until ``T ≈ x* / pi``, and then follows the clean curve at ``pi T``:
    the delayed recovery that :cite:p:`dohmatob2024tale` (§3) call grokking-like.

    Parameters
    ----------
    beta : float
        Zipf exponent, > 1.
    k : int
        Cut rank, a whole number >= 1.

    Returns
    -------
    float
        ``x*``, in clean training draws (solved on the exact clean curve, :func:`tail_cut_error`, to a relative
        1e-12 in the error).

    Examples
    --------
    >>> round(plateau_crossing(2.0, 1000) / 1e6, 3)
    1.293
    """
    beta = _col2_beta(beta)
    k = _col2_k(k)
    if k is None:
        raise ValueError("k must be a finite cut rank (a whole number >= 1): with no cut there is no plateau")
    level = np.log(tail_cut_plateau(beta, k))
    g = _col2_gamma(1.0 - 1.0 / beta)
    guess = ((beta - 1.0) * g / beta) ** (beta / (beta - 1.0)) * _zipf.norm(beta) * float(k) ** beta

    def gap(log_x):                                  # log E_clean(x) - log plateau: falls with x, slope about -c
        return float(np.log(_zipf.unseen_mass(np.exp(log_x), beta))) - level

    # secant iteration in log-log coordinates, where the clean curve is almost a straight line of slope -c
    x0, x1 = np.log(guess), np.log(guess) + 0.1
    g0, g1 = gap(x0), gap(x1)
    for _ in range(100):
        if abs(g1) < 1e-13:
            break
        slope = (g1 - g0) / (x1 - x0) if x1 != x0 and g1 != g0 else -(1.0 - 1.0 / beta)
        x0, g0 = x1, g1
        x1 = x1 - g1 / min(slope, -1e-3)
        g1 = gap(x1)
    else:
        raise RuntimeError(f"plateau_crossing did not converge for beta={beta}, k={k}")  # pragma: no cover
    return float(np.exp(x1))


def _col2_ranks(u: np.ndarray, beta: float, z: float, cdf: np.ndarray) -> np.ndarray:
    """Zipf ranks (as floats) for uniforms ``u`` in [0, 1): CDF inversion on the table ``cdf``, the tail beyond.

    Beyond the table's ``size`` ranks, ``P(I >= m) = zeta(beta, m) / z`` is replaced by its midpoint-rule value
    ``(m - 1/2)^(1 - beta) / ((beta - 1) z)`` (relative error ~ size^-2), which inverts in closed form.
    """
    size = cdf.size
    r = np.searchsorted(cdf, u, side="right").astype(float) + 1.0
    far = r > size
    if far.any():
        v = 1.0 - u[far]
        r[far] = np.maximum(np.floor(0.5 + ((beta - 1.0) * z * v) ** (-1.0 / (beta - 1.0))), size + 1.0)
    return r


def _col2_draws(rng, shape, beta: float, z: float, k, pi: float) -> np.ndarray:
    """Training draws: each clean (Zipf) with probability ``pi``, else from the law cut at ``k``."""
    size = _COL2_TABLE if k is None else min(max(_COL2_TABLE, k), _COL2_TABLE_MAX)
    cdf = np.cumsum(np.arange(1, size + 1, dtype=float) ** -beta) / z
    u = rng.random(shape)
    synthetic = None
    if k is not None and pi < 1.0:
        head = cdf[k - 1] if k <= size else _zipf.mass(beta, 1, k, z)   # the table's own P_k where it reaches k
        synthetic = rng.random(shape) >= pi
        u[synthetic] *= head
    r = _col2_ranks(u, beta, z, cdf)
    if synthetic is not None and k > size:
        r[synthetic] = np.minimum(r[synthetic], k)                     # the tail formula's rounding at rank k
    return r


def _col2_blocks(n_runs: int, draws_per_run: int):
    per = max(1, _COL2_BLOCK // max(draws_per_run, 1))
    return [(a, min(a + per, n_runs)) for a in range(0, n_runs, per)]


def _col2_first_seen(ranks: np.ndarray):
    """Per run (row) of draws: each distinct rank, its run, the draw index where it first occurs and its count."""
    order = np.argsort(ranks, axis=1, kind="stable")
    s = np.take_along_axis(ranks, order, axis=1)
    new = np.ones_like(s, dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    rows = np.nonzero(new)[0]
    counts = np.diff(np.append(np.flatnonzero(new), new.size))    # every row starts a new item: no run crossing
    return rows, s[new], order[new], counts


@dataclass(frozen=True)
class TailCutSimulation:
    """What :func:`simulate_tail_cut` measured.

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Training draws, as requested.
    errors : ndarray, shape (n_runs, n_T)
        Test error of each run's memoriser (the mass of the items it never saw) after the first ``T`` draws.
    """

    T: np.ndarray
    errors: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """Mean test error over runs, shape (n_T,)."""
        return self.errors.mean(axis=0)

    @property
    def sem(self) -> np.ndarray:
        """Standard error of :attr:`mean`, shape (n_T,)."""
        n = self.errors.shape[0]
        return self.errors.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(self.errors.shape[1], np.nan)


def simulate_tail_cut(T, beta, k, *, clean_fraction=0.0, n_runs=200, seed=0) -> TailCutSimulation:
    """Simulate Hutter's memoriser on tail-cut (and optionally clean) Zipf data; the check of :func:`tail_cut_error`.

    Each run draws ``max(T)`` items independently: with probability ``clean_fraction`` from the Zipf law
    ``p_i = i^(-beta) / zeta(beta)`` on all ranks ``i >= 1`` (no truncation: ranks are drawn by inverting the CDF,
    exactly up to rank 4096 or ``k`` and through the tail's midpoint-rule integral beyond), otherwise from the law
    cut at ``k``, ``p_i / P_k`` for ``i <= k`` :cite:p:`dohmatob2024tale`. The memoriser :cite:p:`hutter2021learning`
    is the set of items seen; its test error is the ``p``-mass of the unseen ones, ``1 - sum_{seen} p_i``, recorded
    after the first ``T_j`` draws of the same sequence (a learning curve per run). Runs are vectorised (processed in
    blocks of about two million draws).

    Parameters
    ----------
    T : array_like of int
        Training draws at which the error is recorded, whole numbers >= 0 (1-D).
    beta : float
        Zipf exponent, > 1.
    k : int, None or inf
        Last rank the generator keeps (``None`` or ``inf``: no cut).
    clean_fraction : float
        Probability in [0, 1] that a draw is clean.
    n_runs : int
        Independent runs, >= 1; ``n_runs * max(T)`` may not exceed 5e7.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    TailCutSimulation
        ``errors`` of shape ``(n_runs, len(T))``, with ``mean`` and ``sem``.

    Examples
    --------
    >>> sim = simulate_tail_cut([0, 100], 2.0, 10, n_runs=50, seed=0)
    >>> sim.errors.shape, float(sim.mean[0])
    ((50, 2), 1.0)
    """
    T_arr = as_float_array("T", T, nonnegative=True)
    if T_arr.ndim != 1 or np.any(T_arr != np.round(T_arr)):
        raise ValueError(f"T must be a 1-D list of whole numbers of draws >= 0, got {T!r}")
    beta = _col2_beta(beta)
    k = _col2_k(k)
    pi = _col2_fraction(clean_fraction)
    n_runs = as_int("n_runs", n_runs, minimum=1)
    t_max = int(T_arr.max())
    if n_runs * t_max > _COL2_MAX_DRAWS:
        raise ValueError(f"n_runs * max(T) = {n_runs * t_max:.3g} draws is too many for one call (at most "
                         f"{_COL2_MAX_DRAWS:.0e}); use fewer runs or a smaller T")
    rng = np.random.default_rng(seed)
    z = _zipf.norm(beta)
    order = np.argsort(T_arr, kind="stable")
    t_sorted = T_arr[order]
    errors = np.ones((n_runs, T_arr.size))
    if t_max > 0:
        seen = np.empty((n_runs, T_arr.size))
        for a, b in _col2_blocks(n_runs, t_max):
            ranks = _col2_draws(rng, (b - a, t_max), beta, z, k, pi)
            rows, items, first, _ = _col2_first_seen(ranks)
            # the item counts from the first T_j with T_j >= first + 1 on: bin j, then a cumulative sum over j
            bins = np.searchsorted(t_sorted, first + 1.0, side="left")
            mass = np.bincount(rows * (T_arr.size + 1) + bins, weights=items ** -beta / z,
                               minlength=(b - a) * (T_arr.size + 1)).reshape(b - a, T_arr.size + 1)
            seen[a:b] = np.cumsum(mass, axis=1)[:, :-1]
        errors[:, order] = np.clip(1.0 - seen, 0.0, 1.0)
    return TailCutSimulation(T=T_arr, errors=errors)


@dataclass(frozen=True)
class GeneratorSample:
    """What :func:`simulate_generator` measured, one entry per run.

    Attributes
    ----------
    T0 : int
        Draws the generator learned from.
    n_distinct : ndarray of int
        Distinct ranks among the draws: the size of the generator's support.
    largest_rank : ndarray of float
        Largest rank drawn (a float: in the far tail it can exceed the range of 64-bit integers' exact floats).
    missing_mass : ndarray of float
        ``p``-mass of the ranks never drawn: the plateau of a memoriser trained on this generator's output.
    """

    T0: int
    n_distinct: np.ndarray
    largest_rank: np.ndarray
    missing_mass: np.ndarray


def simulate_generator(T0, beta, *, n_runs=200, seed=0) -> GeneratorSample:
    """Draw ``T0`` items from the Zipf law and describe the support of a generator that learned them.

    A generator that learned from ``T0`` draws (the memoriser, or their empirical distribution) emits only the items
    it saw: its support is the set of distinct draws. This returns, per run, the size of that set, its largest
    rank and the ``p``-mass outside it (the plateau its synthetic data impose, whose expectation is
    ``tail_cut_error(T0, beta, None)``). Compare :func:`tail_cut_rank`, the cut that loses the same mass in
    expectation, and :func:`book_utils.collapse.zipf_expected_support`, the expected size of the set. The paper
    models the generator's output as cut at ``k ≍ T0^(1/beta)`` :cite:p:`dohmatob2024tale`; this is the sample it
    would come from. Ranks are drawn as in :func:`simulate_tail_cut`; runs are vectorised.

    Parameters
    ----------
    T0 : int
        Draws, a whole number >= 1; ``n_runs * T0`` may not exceed 5e7.
    beta : float
        Zipf exponent, > 1.
    n_runs : int
        Independent runs, >= 1.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    GeneratorSample

    Examples
    --------
    >>> g = simulate_generator(1, 2.0, n_runs=3, seed=0)
    >>> g.n_distinct.tolist()
    [1, 1, 1]
    """
    T0 = as_int("T0", T0, minimum=1)
    beta = _col2_beta(beta)
    n_runs = as_int("n_runs", n_runs, minimum=1)
    if n_runs * T0 > _COL2_MAX_DRAWS:
        raise ValueError(f"n_runs * T0 = {n_runs * T0:.3g} draws is too many for one call (at most "
                         f"{_COL2_MAX_DRAWS:.0e}); use fewer runs or a smaller T0")
    rng = np.random.default_rng(seed)
    z = _zipf.norm(beta)
    n_distinct = np.empty(n_runs, dtype=np.int64)
    largest = np.empty(n_runs)
    missing = np.empty(n_runs)
    for a, b in _col2_blocks(n_runs, T0):
        ranks = _col2_draws(rng, (b - a, T0), beta, z, None, 1.0)
        rows, items, _, _ = _col2_first_seen(ranks)
        n_distinct[a:b] = np.bincount(rows, minlength=b - a)
        largest[a:b] = ranks.max(axis=1)
        missing[a:b] = 1.0 - np.bincount(rows, weights=items ** -beta / z, minlength=b - a)
    return GeneratorSample(T0=T0, n_distinct=n_distinct, largest_rank=largest, missing_mass=np.clip(missing, 0, 1))


def simulate_generations(T0, beta, generations, *, n_runs=100, seed=0) -> np.ndarray:
    """Plateau after repeated generations: each generator learns from ``T0`` draws of the previous one.

    Generation 1 learns from ``T0`` clean Zipf draws (as in :func:`simulate_generator`); generation ``n + 1`` learns
    from ``T0`` draws of generation ``n``'s empirical distribution (a multinomial resampling of its counts: the
    Wright–Fisher drift of notebook 01). Items lost are never regained, so the support shrinks and the plateau it
    imposes on a memoriser trained on its output, the ``p``-mass outside the support, rises. This is this book's toy
    version of the multi-generation setting of :cite:p:`dohmatob2024tale`, whose generator model and law this book
    has not checked; the simulation is ours (:func:`generations_plateau` is its approximation).

    Parameters
    ----------
    T0 : int
        Draws per generation, a whole number >= 1; ``n_runs * T0`` may not exceed 5e7.
    beta : float
        Zipf exponent, > 1.
    generations : int
        Number of generations, >= 1.
    n_runs : int
        Independent runs, >= 1.
    seed : int
        Seed of ``np.random.default_rng``.

    Returns
    -------
    ndarray, shape (generations, n_runs)
        Row ``n - 1``: the missing mass of generation ``n``'s support (row 0: that of the clean sample).

    Examples
    --------
    >>> m = simulate_generations(100, 2.0, 3, n_runs=20, seed=0)
    >>> m.shape, bool(np.all(np.diff(m, axis=0) >= 0))             # the plateau never falls
    ((3, 20), True)
    """
    T0 = as_int("T0", T0, minimum=1)
    beta = _col2_beta(beta)
    generations = as_int("generations", generations, minimum=1)
    n_runs = as_int("n_runs", n_runs, minimum=1)
    if n_runs * T0 > _COL2_MAX_DRAWS:
        raise ValueError(f"n_runs * T0 = {n_runs * T0:.3g} draws is too many for one call (at most "
                         f"{_COL2_MAX_DRAWS:.0e}); use fewer runs or a smaller T0")
    rng = np.random.default_rng(seed)
    z = _zipf.norm(beta)
    ranks = _col2_draws(rng, (n_runs, T0), beta, z, None, 1.0)
    rows, items, _, n = _col2_first_seen(ranks)
    slot = np.arange(rows.size) - np.searchsorted(rows, rows)       # position of each distinct item within its run
    width = int(slot.max()) + 1
    p_items = np.zeros((n_runs, width))
    p_items[rows, slot] = items ** -beta / z
    counts = np.zeros((n_runs, width))
    counts[rows, slot] = n
    out = np.empty((generations, n_runs))
    out[0] = 1.0 - p_items.sum(axis=1)
    for g in range(1, generations):
        counts = rng.multinomial(T0, counts / T0).astype(float)
        out[g] = 1.0 - (p_items * (counts > 0)).sum(axis=1)
    return np.clip(out, 0.0, 1.0)


def generations_plateau(T0, beta, generations) -> np.ndarray:
    """Expected plateau after ``n`` generations of :func:`simulate_generations`, by a branching approximation.

    An item drawn ``m`` times in generation 1 (``m ≈ Poisson(T0 p_i)``) is passed on by multinomial resampling;
    while rare, each copy leaves about Poisson(1) copies in the next generation (a critical branching process), so
    the line of one copy is still alive after ``t`` resamplings with probability ``s_t``,

    .. math:: s_0 = 1, \\qquad s_{t+1} = 1 - e^{-s_t} \\quad (s_t \\approx 2/t \\text{ for large } t),

    and item ``i`` is lost by generation ``n`` with probability ``exp(-T0 p_i s_{n-1})``. Hence

    .. math:: E_n \\approx \\sum_i p_i\\, e^{-T_0 s_{n-1} p_i} \\approx E_{\\text{clean}}(T_0\\, s_{n-1})
              \\approx E_{\\text{clean}}(2 T_0 / n) \\propto (n / T_0)^{1 - 1/\\beta} ,

    computed here as ``tail_cut_error(T0 * s_{n-1}, beta, None)`` (exact at ``n = 1``). Derived in this book, not
    taken from :cite:p:`dohmatob2024tale`; it assumes the lost items are rare (``T0 p_i`` small against ``T0``).

    Parameters
    ----------
    T0 : float
        Draws per generation, > 0.
    beta : float
        Zipf exponent, > 1.
    generations : int
        Number of generations ``n_max``, >= 1.

    Returns
    -------
    ndarray, shape (generations,)
        Entry ``n - 1``: the approximate expected plateau of generation ``n``.

    Examples
    --------
    >>> e = generations_plateau(1e4, 2.0, 3)
    >>> bool(np.isclose(e[0], tail_cut_error(1e4, 2.0, None))), bool(np.all(np.diff(e) > 0))
    (True, True)
    """
    T0 = as_scalar("T0", T0, positive=True)
    beta = _col2_beta(beta)
    generations = as_int("generations", generations, minimum=1)
    s = np.ones(generations)
    for t in range(1, generations):
        s[t] = -np.expm1(-s[t - 1])
    return tail_cut_error(T0 * s, beta, None)


# ====================================================================================================================
# Regression, replace vs accumulate (Dohmatob et al. 2024; Gerstgrasser et al. 2024): notebook 03
# ====================================================================================================================

_COL3_MODES = ("replace", "accumulate")
_COL3_DESIGNS = ("fresh", "fixed")
_COL3_METHODS = ("statistics", "samples")


def _col3_sizes(d, T) -> tuple[int, int]:
    """Validate the dimension and the samples per generation: OLS needs T >= d, a finite mean error T > d + 1."""
    d = as_int("d", d, minimum=1)
    T = as_int("T", T, minimum=1)
    if T < d + 2:
        raise ValueError(f"T must be >= d + 2 = {d + 2} (samples per generation; the expected error of least squares, "
                         f"sigma^2 d / (T - d - 1), is finite only for T > d + 1), got T={T}")
    return d, T


def _col3_wishart_factor(rng, runs: int, d: int, T: int) -> np.ndarray:
    """Bartlett factors ``L`` (runs, d, d), lower triangular, so that ``L L^T ~ Wishart_d(T, I)``, i.e. is distributed
    like ``X^T X`` for a (T, d) matrix ``X`` of independent standard normals."""
    L = np.zeros((runs, d * d))
    rows, cols = np.tril_indices(d, -1)
    L[:, rows * d + cols] = rng.standard_normal((runs, rows.size))
    L[:, np.arange(d) * (d + 1)] = np.sqrt(rng.chisquare(T - np.arange(d), size=(runs, d)))
    return L.reshape(runs, d, d)


def _col3_draw(rng, runs, d, T, method, X=None):
    """One sample of ``T`` inputs per run: returns ``(X^T X, X^T noise, X)`` for unit-variance label noise, where
    ``X`` is the drawn (runs, T, d) design for ``method="samples"`` (reused if given) or, for ``"statistics"``, the
    Bartlett factor ``L`` of ``X^T X`` (reused if given: a fixed design). Given ``X^T X = L L^T``, ``X^T noise`` is
    ``N(0, X^T X)``, drawn as ``L z``."""
    if method == "samples":
        X = rng.standard_normal((runs, T, d)) if X is None else X
        return np.swapaxes(X, 1, 2) @ X, np.einsum("rtd,rt->rd", X, rng.standard_normal((runs, T))), X
    L = _col3_wishart_factor(rng, runs, d, T) if X is None else X
    return L @ np.swapaxes(L, 1, 2), (L @ rng.standard_normal((runs, d, 1)))[..., 0], L


@dataclass(frozen=True)
class RegressionCollapse(_PerGeneration):
    """Test errors of least squares trained generation after generation, returned by :func:`regression_collapse`.

    Attributes
    ----------
    errors : ndarray, shape (runs, generations + 1)
        ``||w_n - w*||^2`` of each run at each generation ``n`` (units of ``sigma^2``, the label noise variance).
        Column 0 is the true weights themselves (error 0); column 1 the fit on real data; column ``n >= 2`` the fit
        on data labelled by generation ``n - 1``. For isotropic Gaussian inputs this is the excess test MSE,
        ``E_x[(x . (w_n - w*))^2]``.
    d, T : int
        Dimension and samples per generation.
    mode, design : str
        ``"replace"`` or ``"accumulate"``; ``"fresh"`` or ``"fixed"`` inputs (see :func:`regression_collapse`).
    sigma : float
        Standard deviation of the label noise.
    """

    _TRAJECTORY = "errors"

    errors: np.ndarray
    d: int
    T: int
    mode: str
    design: str
    sigma: float


    @property
    def n(self) -> np.ndarray:
        """Generation numbers ``0, 1, ..., generations``."""
        return np.arange(self.generations + 1)

    @property
    def mean(self) -> np.ndarray:
        """Mean test error over the runs at each generation, shape (generations + 1,)."""
        return self.errors.mean(axis=0)

    @property
    def sem(self) -> np.ndarray:
        """Standard error of :attr:`mean` (sample standard deviation over the runs / sqrt(runs)); 0 at n = 0."""
        return self.errors.std(axis=0, ddof=1) / np.sqrt(self.runs)

    def theory(self) -> np.ndarray:
        """The exact expectation at each generation, :func:`regression_collapse_theory` with these settings."""
        return regression_collapse_theory(self.d, self.T, self.n, mode=self.mode, design=self.design,
                                          sigma=self.sigma)


def regression_collapse(d, T, generations, *, mode="replace", design="fresh", sigma=1.0, runs=1000, seed=0,
                        method="statistics") -> RegressionCollapse:
    """Fit least squares, label new data with the fit, refit, for many generations, replacing or accumulating the data.

    The regression setting of :cite:p:`dohmatob2024demystified` (replace) and :cite:p:`gerstgrasser2024accumulate`
    (replace and accumulate). Inputs are isotropic Gaussian, ``x ~ N(0, I_d)``; the true weights ``w*`` are drawn
    once per run from ``N(0, I_d / d)`` (the errors do not depend on them). Generation ``n >= 1`` draws ``T`` inputs
    ``X_n`` and labels them with the previous generation's weights plus fresh noise,

    .. math:: y_n = X_n \\hat w_{n-1} + \\varepsilon_n, \\quad \\varepsilon_n \\sim N(0, \\sigma^2 I_T),
              \\quad \\hat w_0 = w^*,

    so generation 1 is trained on real data. It then fits ordinary least squares on

    - ``mode="replace"``: its own sample only, :math:`\\hat w_n = (X_n^T X_n)^{-1} X_n^T y_n`;
    - ``mode="accumulate"``: all samples so far, each with the labels it was given (``nT`` points):
      :math:`\\hat w_n = (\\sum_{k \\le n} X_k^T X_k)^{-1} \\sum_{k \\le n} X_k^T y_k`.

    The test error is :math:`\\|\\hat w_n - w^*\\|^2`, which for isotropic inputs is the excess test MSE (the test
    MSE on noisy labels is this plus :math:`\\sigma^2`). All runs are solved at once as ``(runs, d, d)`` stacks; the
    only loop is over generations. Prefix-consistent: the first ``k`` generations do not depend on ``generations``.

    Parameters
    ----------
    d : int
        Input dimension (number of weights), >= 1.
    T : int
        Samples per generation, >= d + 2 (the expected error is finite only for T > d + 1).
    generations : int
        Number of fitted generations, >= 1.
    mode : {"replace", "accumulate"}
        Train each generation on its own sample, or on all samples so far.
    design : {"fresh", "fixed"}
        ``"fresh"`` (default): new inputs ``X_n`` every generation. ``"fixed"``: one input matrix ``X`` drawn per run
        and reused by every generation with new labels (the setting in which the sum over ``1/i^2`` of
        :func:`regression_collapse_theory` is exact in accumulate mode).
    sigma : float
        Standard deviation of the label noise, > 0 (the errors scale as ``sigma^2``).
    runs : int
        Independent repetitions, >= 2.
    seed : int
        Seed of ``np.random.default_rng``.
    method : {"statistics", "samples"}
        Least squares needs only ``X^T X`` and ``X^T y``. ``"statistics"`` (default) draws them from their exact joint
        law: ``X^T X ~ Wishart_d(T, I)`` by the Bartlett decomposition ``L L^T``, and ``X^T eps = sigma L z`` with
        ``z ~ N(0, I_d)``; cost independent of ``T``. ``"samples"`` draws the ``(runs, T, d)`` inputs and the labels
        literally (memory ``runs * T * d`` floats). Same process in distribution, different random streams.

    Returns
    -------
    RegressionCollapse
        Frozen dataclass: per-run ``errors`` (runs, generations + 1) with ``mean``, ``sem`` and ``theory()``.

    Examples
    --------
    >>> sim = regression_collapse(4, 10, 3, runs=5, seed=1)
    >>> sim.errors.shape, float(sim.mean[0]), bool((sim.errors[:, 1:] > 0).all())
    ((5, 4), 0.0, True)
    """
    d, T = _col3_sizes(d, T)
    generations = as_int("generations", generations, minimum=1)
    one_of("mode", mode, _COL3_MODES)
    one_of("design", design, _COL3_DESIGNS)
    sigma = as_scalar("sigma", sigma, positive=True)
    runs = as_int("runs", runs, minimum=2)
    seed = as_int("seed", seed, minimum=0)
    one_of("method", method, _COL3_METHODS)
    rng = np.random.default_rng(seed)
    w_true = rng.standard_normal((runs, d)) / np.sqrt(d)
    w = w_true.copy()
    errors = np.zeros((runs, generations + 1))
    gram, moment, design_draw = np.zeros((runs, d, d)), np.zeros((runs, d)), None
    for n in range(1, generations + 1):
        xtx, xte, drawn = _col3_draw(rng, runs, d, T, method, design_draw)
        if design == "fixed":
            design_draw = drawn
        xty = (xtx @ w[..., None])[..., 0] + sigma * xte          # X^T y with y = X w_{n-1} + eps
        if mode == "replace":
            gram, moment = xtx, xty
        else:
            gram, moment = gram + xtx, moment + xty
        w = np.linalg.solve(gram, moment[..., None])[..., 0]
        errors[:, n] = np.sum((w - w_true) ** 2, axis=1)
    errors.setflags(write=False)
    return RegressionCollapse(errors, d, T, mode, design, sigma)


def regression_collapse_theory(d, T, n, *, mode="replace", design="fresh", sigma=1.0):
    """Expected test error ``E||w_n - w*||^2`` after ``n`` generations of :func:`regression_collapse`, exactly.

    Generation ``n`` adds to the error of generation ``n - 1`` an independent, zero-mean term, so the expectations
    add. With ``E[(X^T X)^{-1}] = I / (T - d - 1)`` for a (T, d) standard Gaussian ``X`` (inverse Wishart mean):

    - replace (either design), :cite:p:`dohmatob2024demystified,gerstgrasser2024accumulate`:
      :math:`E_n = n\\,\\sigma^2 d / (T - d - 1)`, growing without bound;
    - accumulate, fixed design: the increment is :math:`(X^T X)^{-1} X^T \\varepsilon_n / n`, so
      :math:`E_n = \\frac{\\sigma^2 d}{T - d - 1} \\sum_{i=1}^{n} \\frac{1}{i^2}
      \\le \\frac{\\sigma^2 d}{T - d - 1} \\frac{\\pi^2}{6}`, the bound of :cite:p:`gerstgrasser2024accumulate`;
    - accumulate, fresh design (derived in chapter 5, notebook 03): the increment is
      :math:`S_n^{-1} X_n^T \\varepsilon_n` with
      :math:`S_n = \\sum_{k \\le n} X_k^T X_k \\sim \\mathrm{Wishart}_d(nT, I)`, so
      :math:`E_n = \\sigma^2 d \\sum_{i=1}^{n} \\frac{1}{i\\,(iT - d - 1)}
      = \\frac{\\sigma^2 d}{d + 1}\\bigl[\\psi(n + 1 - a) - \\psi(n + 1) - \\psi(1 - a) + \\psi(1)\\bigr]`,
      :math:`a = (d + 1)/T`, below the fixed-design value for every ``n >= 2``.

    Generation 0 (the true weights) has error 0 and generation 1 (real data) :math:`\\sigma^2 d/(T - d - 1)` in
    every case. Evaluated with the trigamma/digamma functions, so any ``n`` (including ``np.inf``, the limit) is
    cheap.

    Parameters
    ----------
    d : int
        Input dimension, >= 1.
    T : int
        Samples per generation, >= d + 2.
    n : array_like
        Generations: non-negative integers, or ``np.inf`` for the limit (infinite in replace mode).
    mode : {"replace", "accumulate"}
    design : {"fresh", "fixed"}
        As in :func:`regression_collapse` (only accumulate mode depends on it).
    sigma : float
        Standard deviation of the label noise, > 0.

    Returns
    -------
    ndarray or float
        Expected ``||w_n - w*||^2`` (units of ``sigma^2``), shaped like ``n`` (a float for scalar ``n``).

    Examples
    --------
    >>> round(float(regression_collapse_theory(32, 128, 10)), 4)                       # 10 * 32 / 95
    3.3684
    >>> round(float(regression_collapse_theory(32, 128, np.inf, mode="accumulate", design="fixed")), 4)
    0.5541
    >>> regression_collapse_theory(32, 128, [0, 1, 2], mode="accumulate").round(4)
    array([0.    , 0.3368, 0.4086])
    """
    d, T = _col3_sizes(d, T)
    one_of("mode", mode, _COL3_MODES)
    one_of("design", design, _COL3_DESIGNS)
    sigma = as_scalar("sigma", sigma, positive=True)
    try:
        n_arr = np.asarray(n, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"n must be non-negative integers (generations) or np.inf, got {n!r}") from exc
    finite = np.isfinite(n_arr)
    bad = n_arr.size == 0 or np.isnan(n_arr).any() or (n_arr < 0).any()
    if bad or (n_arr[finite] != np.round(n_arr[finite])).any():
        raise ValueError(f"n must be non-negative integers (generations) or np.inf, got {n!r}")
    one_shot = sigma**2 * d / (T - d - 1)
    if mode == "replace":
        out = one_shot * n_arr
    elif design == "fixed":
        # sum_{i <= n} 1/i^2 = pi^2/6 - trigamma(n + 1); the tail vanishes at n = inf
        tail = np.where(finite, special.polygamma(1, np.where(finite, n_arr, 0.0) + 1.0), 0.0)
        out = one_shot * (np.pi**2 / 6 - tail)
    else:
        a = (d + 1) / T
        m = np.where(finite, n_arr, 0.0) + 1.0
        tail = np.where(finite, special.digamma(m - a) - special.digamma(m), 0.0)   # -> 0 as n -> inf
        out = sigma**2 * d / (d + 1) * (tail - special.digamma(1 - a) + special.digamma(1.0))
    out = np.where(n_arr == 0, 0.0, out)
    return float(out) if out.ndim == 0 else out


# ====================================================================================================================
# Strong model collapse (Dohmatob et al. 2025): notebook 04
# ====================================================================================================================

from dataclasses import dataclass  # noqa: E402  (this section's imports; the module's top imports are shared)

from scipy.linalg import cho_solve as _col4_cho_solve  # noqa: E402

_COL4_MAX_ELEMENTS = 80_000_000
"""Most array elements one :func:`random_projection_collapse` call may hold at once (about 0.6 GB of float64)."""


def _col4_fractions(p) -> np.ndarray:
    """Validate fractions of synthetic samples: finite, in [0, 1]; any shape."""
    arr = as_float_array("p", p)
    if (arr < 0).any() or (arr > 1).any():
        raise ValueError(f"p is the fraction of synthetic samples and must lie in [0, 1], got {p!r}")
    return arr


def _col4_sizes(n, d) -> tuple[int, int]:
    """Validate a sample size and dimension for least squares: n >= d + 2, so that the mean error is finite."""
    d = as_int("d", d, minimum=1)
    n = as_int("n", n, minimum=1)
    if n < d + 2:
        raise ValueError(f"n must be >= d + 2 = {d + 2} (least squares needs n >= d samples, and its expected error "
                         f"sigma^2 d / (n - d - 1) is finite only for n > d + 1), got n={n}")
    return n, d


def _col4_n_array(n, d: int) -> np.ndarray:
    """Validate an array of sample sizes: whole numbers >= d + 2."""
    arr = as_float_array("n", n, positive=True)
    if np.any(arr != np.round(arr)):
        raise ValueError(f"n must be whole numbers of samples, got {n!r}")
    if (arr < d + 2).any():
        raise ValueError(f"every n must be >= d + 2 = {d + 2} (the expected error of least squares is finite only for "
                         f"n > d + 1), got min(n) = {arr.min():g}")
    return arr


def _col4_count(p, n):
    """Synthetic samples among ``n``: ``p n`` rounded half up (half of 5 samples is 3, where ``round`` gives 2)."""
    return np.floor(np.asarray(p) * np.asarray(n) + 0.5).astype(np.int64)


def _col4_spd_solve(G, Y):
    """Solve ``G X = Y`` for a stack of symmetric positive-definite matrices ``G`` (..., k, k). Small systems go to
    ``numpy.linalg.solve`` (one C loop over the stack); large ones to a Cholesky factorisation and
    ``scipy.linalg.cho_solve``, which, unlike ``numpy.linalg.solve``, stays fast when OpenBLAS threads compete on a
    busy machine (it loops over the stack in Python, a cost that only matters for many small systems)."""
    if G.shape[-1] <= 64:
        return np.linalg.solve(G, Y)
    return _col4_cho_solve((np.linalg.cholesky(G), True), Y)


def _col4_wishart(rng, runs: int, d: int, k: int) -> np.ndarray:
    """``runs`` draws distributed as ``X^T X`` for a (k, d) matrix ``X`` of independent standard normals, shape
    (runs, d, d): by the Bartlett decomposition when ``k >= d``, as the product itself when ``0 < k < d`` (then
    singular), zeros when ``k = 0``. The cost does not grow with ``k``."""
    if k == 0:
        return np.zeros((runs, d, d))
    if k < d:
        X = rng.standard_normal((runs, k, d))
        return np.swapaxes(X, 1, 2) @ X
    L = np.zeros((runs, d, d))
    rows, cols = np.tril_indices(d, -1)
    L[:, rows, cols] = rng.standard_normal((runs, rows.size))
    diag = np.arange(d)
    L[:, diag, diag] = np.sqrt(rng.chisquare(k - diag, size=(runs, d)))
    return L @ np.swapaxes(L, 1, 2)


def mixture_error_floor(p, shift_sq):
    r"""The test error that no amount of data removes when a fraction ``p`` of the labels is synthetic:
    :math:`p^2 \lVert w_2 - w_1 \rVert_\Sigma^2`.

    Setting of :cite:p:`dohmatob2025strong` (§2; their results for it are in §3.1): real samples are labelled by
    the true weights :math:`w_1`, synthetic ones by a shifted model :math:`w_2`. Least squares on the mixture
    converges, as the number of samples grows with ``p`` fixed, to the minimiser of the mixed population risk,
    :math:`(1-p) w_1 + p w_2 = w_1 + p\Delta` (derived in chapter 5, notebook 04), whose excess error against
    :math:`w_1` is

    .. math:: \lim_{n\to\infty} E_\mathrm{test} = \lVert p\Delta \rVert_\Sigma^2 = p^2 \lVert w_2 - w_1\rVert_\Sigma^2 .

    Parameters
    ----------
    p : float or array_like
        Fraction of synthetic samples, in [0, 1].
    shift_sq : float or array_like
        :math:`\lVert w_2 - w_1 \rVert_\Sigma^2 = (w_2 - w_1)^\top \Sigma (w_2 - w_1)`, >= 0: how far the synthetic
        labeller is from the truth, in units of squared label (the test error's unit).

    Returns
    -------
    float or ndarray
        The floor, broadcast over ``p`` and ``shift_sq``.

    Examples
    --------
    >>> float(mixture_error_floor(0.01, 1.0))      # 1% synthetic data, a unit shift
    0.0001
    """
    p_arr = _col4_fractions(p)
    s = as_float_array("shift_sq", shift_sq, nonnegative=True)
    out = p_arr**2 * s
    return float(out) if out.ndim == 0 else out


def mixture_regression(n, d, p, *, shift_sq=1.0, sigma=1.0, runs=1000, seed=0) -> np.ndarray:
    r"""Test errors of least squares trained on ``n`` samples of which a fraction ``p`` carries synthetic labels.

    The classical linear setting of :cite:p:`dohmatob2025strong` (§2, with isotropic inputs and no ridge). Inputs
    are :math:`x \sim N(0, I_d)`. Of the ``n`` samples, :math:`k = \lfloor pn + 1/2 \rfloor` are synthetic, labelled
    :math:`y = x^\top w_2 + \varepsilon`; the others are real, :math:`y = x^\top w_1 + \varepsilon`, with
    :math:`\varepsilon \sim N(0, \sigma^2)` and :math:`\lVert w_2 - w_1 \rVert^2` = ``shift_sq``. Ordinary least
    squares :math:`\hat w = (X^\top X)^{-1} X^\top y` is fitted on all ``n`` samples, and the test error against the
    real distribution, :math:`E_x[(x^\top \hat w - x^\top w_1)^2] = \lVert \hat w - w_1 \rVert^2`, is returned.

    The simulation draws sufficient statistics, not samples: with :math:`A`, :math:`B` the Gram matrices
    :math:`X^\top X` of the real and synthetic rows (independent Wishart matrices, drawn by the Bartlett
    decomposition) and :math:`M = A + B = CC^\top`,
    :math:`\hat w - w_1 = M^{-1}(B\Delta + X^\top\varepsilon)` with :math:`X^\top \varepsilon \sim N(0, \sigma^2 M)`,
    drawn as :math:`\sigma C g`. This is exact in distribution, and costs :math:`O(d^3)` per run whatever ``n``, so
    ``n`` can be 10^9. The errors do not depend on :math:`w_1` nor on the direction of :math:`\Delta` (rotation
    invariance); :math:`\Delta` is taken along the first axis.

    Parameters
    ----------
    n : int
        Training samples, >= d + 2.
    d : int
        Input dimension, >= 1.
    p : float
        Fraction of synthetic samples, in [0, 1] (the count is rounded half up).
    shift_sq : float
        :math:`\lVert w_2 - w_1 \rVert^2`, >= 0, in squared label units.
    sigma : float
        Standard deviation of the label noise, >= 0.
    runs : int
        Independent training sets, >= 1.
    seed : int
        Seed of the random generator.

    Returns
    -------
    ndarray, shape (runs,)
        :math:`\lVert \hat w - w_1\rVert^2` of each run. Its mean is :func:`mixture_regression_error`.

    Examples
    --------
    >>> err = mixture_regression(10**6, 10, 0.01, sigma=1.0, runs=2000)
    >>> bool(abs(err.mean() / mixture_regression_error(10**6, 10, 0.01) - 1) < 0.05)
    True
    """
    n, d = _col4_sizes(n, d)
    p = as_scalar("p", p, lo=0.0, hi=1.0)
    shift_sq = as_scalar("shift_sq", shift_sq, nonnegative=True)
    sigma = as_scalar("sigma", sigma, nonnegative=True)
    runs = as_int("runs", runs, minimum=1)
    rng = np.random.default_rng(as_int("seed", seed))
    k = int(_col4_count(p, n))
    M = _col4_wishart(rng, runs, d, n - k)
    B = _col4_wishart(rng, runs, d, k)
    M += B
    C = np.linalg.cholesky(M)
    delta = np.zeros(d)
    delta[0] = np.sqrt(shift_sq)
    rhs = B @ delta + sigma * (C @ rng.standard_normal((runs, d, 1)))[..., 0]
    err = _col4_spd_solve(M, rhs[..., None])[..., 0]
    return np.sum(err**2, axis=1)


def mixture_regression_error(n, d, p, *, shift_sq=1.0, sigma=1.0):
    r"""The exact expected test error of :func:`mixture_regression`.

    With :math:`q = k/n` the realised synthetic fraction (:math:`k = \lfloor pn + 1/2\rfloor`), isotropic Gaussian
    inputs and :math:`n \ge d + 2` (derived in chapter 5, notebook 04; checked by simulation in the tests):

    .. math::
        E\lVert \hat w - w_1\rVert^2 = q^2 \lVert\Delta\rVert^2
            + q(1-q)\lVert\Delta\rVert^2\,\kappa(n, d) + \frac{\sigma^2 d}{n - d - 1},
        \qquad
        \kappa(n, d) = \frac{1}{n-1}\left[\frac{n(n-2)(d+2)}{(n+2)(n-d-1)} - 1\right] \approx \frac{d+1}{n} .

    The first term is the floor :func:`mixture_error_floor` (the bias of the mixture); the second, the scatter of
    the synthetic rows' share of the fit, acts like extra label noise of variance about
    :math:`q(1-q)\lVert\Delta\rVert^2 (d+1)/d`; the third is the clean error of least squares. It is exact at
    ``p = 0`` (clean data) and ``p = 1`` (least squares on :math:`w_2`'s labels).

    Parameters
    ----------
    n : int or array_like of int
        Training samples, each >= d + 2.
    d : int
        Input dimension, >= 1.
    p : float or array_like
        Fraction of synthetic samples, in [0, 1]; broadcast with ``n``.
    shift_sq : float
        :math:`\lVert w_2 - w_1 \rVert^2`, >= 0.
    sigma : float
        Standard deviation of the label noise, >= 0.

    Returns
    -------
    float or ndarray
        The expected test error, broadcast over ``n`` and ``p``.

    Examples
    --------
    >>> round(mixture_regression_error(111, 10, 0.0), 6)       # clean: sigma^2 d / (n - d - 1)
    0.1
    >>> round(mixture_regression_error(10**9, 10, 0.01), 7)    # the floor p^2 ||Delta||^2 = 1e-4, nearly
    0.0001
    """
    d = as_int("d", d, minimum=1)
    n_arr = _col4_n_array(n, d)
    p_arr = _col4_fractions(p)
    s = as_scalar("shift_sq", shift_sq, nonnegative=True)
    sigma = as_scalar("sigma", sigma, nonnegative=True)
    q = _col4_count(p_arr, n_arr) / n_arr
    kappa = (n_arr * (n_arr - 2) * (d + 2) / ((n_arr + 2) * (n_arr - d - 1)) - 1.0) / (n_arr - 1)
    out = q**2 * s + q * (1 - q) * s * kappa + sigma**2 * d / (n_arr - d - 1)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class RandomProjectionCollapse:
    """Test errors of random-projection models of several widths, returned by :func:`random_projection_collapse`.

    All arrays are paired: the runs share their inputs, projections, weights and noise across widths and across
    values of ``p`` (only the labels of the synthetic rows differ), so differences such as :attr:`gap` are far less
    noisy than the errors themselves.

    Attributes
    ----------
    widths : ndarray of int, shape (W,)
        The model widths ``m`` (numbers of random projections).
    p : ndarray
        The fractions of synthetic samples, as given (0-d for a scalar).
    errors : ndarray, shape p.shape + (runs, W)
        Test error :math:`\\lVert S^\\top \\hat v - w_1 \\rVert^2` of each run and width, trained on the mixture.
    clean_errors : ndarray, shape (runs, W)
        The same runs trained on real labels only (``p = 0``).
    limit_errors : ndarray, shape p.shape + (runs,)
        The infinitely wide limit: minimum-norm least squares on the inputs themselves (ordinary least squares when
        ``d < n``), trained on the mixture.
    clean_limit_errors : ndarray, shape (runs,)
        The infinitely wide limit trained on real labels.
    n, d : int
        Training samples and input dimension; the interpolation threshold is ``m = n`` (when ``d >= n``).
    ridge : float
        The ridge penalty used (0: least squares, minimum-norm when ``m >= n``).
    """

    widths: np.ndarray
    p: np.ndarray
    errors: np.ndarray
    clean_errors: np.ndarray
    limit_errors: np.ndarray
    clean_limit_errors: np.ndarray
    n: int
    d: int
    ridge: float

    @property
    def runs(self) -> int:
        """Number of independent runs."""
        return self.clean_errors.shape[0]

    @property
    def synthetic_counts(self) -> np.ndarray:
        """Synthetic samples among the ``n``, ``floor(p n + 1/2)``, shape p.shape."""
        return _col4_count(self.p, self.n)

    @property
    def mean(self) -> np.ndarray:
        """Mean test error over the runs, shape p.shape + (W,)."""
        return self.errors.mean(axis=-2)

    @property
    def clean_mean(self) -> np.ndarray:
        """Mean test error over the runs with real labels only, shape (W,)."""
        return self.clean_errors.mean(axis=0)

    @property
    def gap(self) -> np.ndarray:
        """Mean extra test error caused by the synthetic labels, :attr:`mean` - :attr:`clean_mean` (paired runs),
        shape p.shape + (W,)."""
        return self.mean - self.clean_mean

    @property
    def limit_gap(self) -> np.ndarray:
        """The same extra error for the infinitely wide limit, shape p.shape."""
        return self.limit_errors.mean(axis=-1) - self.clean_limit_errors.mean()


def _col4_widths(widths) -> np.ndarray:
    arr = as_float_array("widths", widths, positive=True)
    if arr.ndim != 1:
        raise ValueError(f"widths must be a 1-D list of model widths, got shape {arr.shape}")
    if np.any(arr != np.round(arr)):
        raise ValueError(f"widths must be whole numbers of random projections, got {widths!r}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"widths must be strictly increasing (wider models reuse narrower ones' projections), "
                         f"got {widths!r}")
    return arr.astype(np.int64)


def random_projection_collapse(n, d, widths, p, *, shift_sq=1.0, signal_sq=1.0, sigma=0.5, ridge=0.0, runs=20,
                               seed=0) -> RandomProjectionCollapse:
    r"""Random-projection models of several widths trained on a mixture of real and synthetic labels.

    A simulation of our own, inspired by the random projections model of :cite:p:`dohmatob2025strong` (§2.2;
    results in §3.2), a simplified neural network whose size can be tuned; it does not implement their formulas.
    Inputs are
    :math:`x \sim N(0, I_d)`; of the ``n`` training samples, the first :math:`k = \lfloor pn + 1/2 \rfloor` are
    synthetic, :math:`y = x^\top w_2 + \varepsilon`, the rest real, :math:`y = x^\top w_1 + \varepsilon`, with
    :math:`\varepsilon \sim N(0, \sigma^2)`, :math:`w_2 = w_1 + \Delta`, :math:`\lVert w_1\rVert^2` = ``signal_sq``
    and :math:`\lVert \Delta \rVert^2` = ``shift_sq`` (directions uniform, independent, drawn per run). A model of
    width :math:`m` is

    .. math:: f(x) = v^\top S x, \qquad S \in \mathbb R^{m \times d},\ S_{ij} \sim N(0, 1/d),

    with :math:`S` random and fixed and :math:`v \in \mathbb R^m` fitted by least squares on the features
    :math:`z = Sx` (the minimum-norm solution when :math:`m \ge n`), or by ridge regression,
    :math:`\min_v \lVert Zv - y\rVert^2/n + \lambda\lVert v\rVert^2`, if ``ridge`` :math:`= \lambda > 0`. Its
    test error against the real distribution is exact, with no test sample:
    :math:`E_x[(f(x) - x^\top w_1)^2] = \lVert S^\top v - w_1 \rVert^2`.

    The features have rank :math:`\min(m, n, d)`: with ``d >= n`` the least-squares fit interpolates the training
    set from :math:`m = n` on (the interpolation threshold, where the error peaks); with ``d < n`` every width
    :math:`m \ge d` is ordinary least squares on :math:`x`. Each run draws one :math:`S` for the largest width, and
    width :math:`m` uses its first :math:`m` rows (a nested family, like adding neurons); the same runs are used
    for every ``p`` (paired), see :class:`RandomProjectionCollapse`.

    Parameters
    ----------
    n : int
        Training samples, >= 2.
    d : int
        Input dimension, >= 1.
    widths : array_like of int
        Model widths :math:`m`, strictly increasing, >= 1. With ``ridge = 0`` and ``d >= n - 1`` none may be within
        1 of ``n`` (the expected error is infinite at :math:`m \in \{n-1, n, n+1\}`); with ``d < n - 1`` no width
        interpolates and any is allowed.
    p : float or array_like
        Fraction(s) of synthetic samples, in [0, 1].
    shift_sq : float
        :math:`\lVert w_2 - w_1\rVert^2`, >= 0.
    signal_sq : float
        :math:`\lVert w_1 \rVert^2`, >= 0 (the test error of the zero predictor).
    sigma : float
        Standard deviation of the label noise, >= 0.
    ridge : float
        Ridge penalty :math:`\lambda` >= 0.
    runs : int
        Independent runs, >= 1.
    seed : int
        Seed of the random generator.

    Returns
    -------
    RandomProjectionCollapse

    Examples
    --------
    >>> res = random_projection_collapse(40, 80, [10, 30, 60, 400], [0.0, 0.2], runs=8)
    >>> res.errors.shape, res.clean_errors.shape
    ((2, 8, 4), (8, 4))
    >>> bool(np.allclose(res.errors[0], res.clean_errors))     # p = 0 is the clean fit
    True
    """
    n = as_int("n", n, minimum=2)
    d = as_int("d", d, minimum=1)
    widths = _col4_widths(widths)
    p_arr = _col4_fractions(p)
    shift_sq = as_scalar("shift_sq", shift_sq, nonnegative=True)
    signal_sq = as_scalar("signal_sq", signal_sq, nonnegative=True)
    sigma = as_scalar("sigma", sigma, nonnegative=True)
    ridge = as_scalar("ridge", ridge, nonnegative=True)
    runs = as_int("runs", runs, minimum=1)
    seed = as_int("seed", seed)
    if ridge == 0 and d >= n - 1 and np.any(np.abs(widths - n) <= 1):
        raise ValueError(f"with ridge = 0 no width may be within 1 of n = {n} (the interpolation threshold, where "
                         f"the expected error is infinite); got widths {widths.tolist()}: move them or set ridge > 0")
    # with ridge = 0 and d < n, a width m >= d spans every linear function of x: its fit is least squares on x
    as_ols = (ridge == 0) & (d < n) & (widths >= d)
    primal = widths[(widths < n) & ~as_ols]
    dual = widths[(widths >= n) & ~as_ols]
    m_max, m_p = int(widths[-1]), int(primal[-1]) if primal.size else 0
    size = runs * (n * d + m_max * d + n * m_max + m_p * m_p + (n * n if dual.size or d >= n else d * d))
    if size > _COL4_MAX_ELEMENTS:
        raise ValueError(f"this simulation would hold about {size:.2g} numbers at once (more than "
                         f"{_COL4_MAX_ELEMENTS:.0e}): use fewer runs, a smaller largest width, or smaller n or d")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((runs, n, d))
    w1, delta = rng.standard_normal((2, runs, d))
    w1 *= np.sqrt(signal_sq) / np.linalg.norm(w1, axis=1, keepdims=True)
    delta *= np.sqrt(shift_sq) / np.linalg.norm(delta, axis=1, keepdims=True)
    noise = sigma * rng.standard_normal((runs, n))
    S = rng.standard_normal((runs, m_max, d)) / np.sqrt(d)

    # right-hand sides: column 0 the clean labels; column 1 + j the synthetic shift x . Delta on the first k_j rows
    # (least squares is linear in the labels, so the fit on the mixture is the sum of the two columns' fits)
    counts = _col4_count(p_arr.ravel(), n)
    Y = np.empty((runs, n, 1 + counts.size))
    Y[:, :, 0] = np.einsum("rnd,rd->rn", X, w1) + noise
    Y[:, :, 1:] = np.einsum("rnd,rd->rn", X, delta)[:, :, None] * (np.arange(n)[:, None] < counts[None, :])

    def errors_of(W):  # W: (runs, d, 1 + P) fitted input-space weights -> clean (runs,), mixed (runs, P)
        clean = W[:, :, 0] - w1
        return np.sum(clean**2, axis=1), np.sum((clean[:, :, None] + W[:, :, 1:]) ** 2, axis=1)

    # the infinitely wide limit: S^T S -> (m/d) I, so S^T v -> the minimum-norm least-squares fit on x itself
    Xt = np.swapaxes(X, 1, 2)
    W_lim = Xt @ _col4_spd_solve(X @ Xt, Y) if d >= n else _col4_spd_solve(Xt @ X, Xt @ Y)
    Z = X @ np.swapaxes(S, 1, 2)                      # (runs, n, m_max): the features of every width
    if m_p:
        Zp = Z[:, :, :m_p]
        G_primal, R_primal = np.swapaxes(Zp, 1, 2) @ Zp, np.swapaxes(Zp, 1, 2) @ Y
    G_dual, filled = (np.zeros((runs, n, n)) if dual.size else None), 0
    clean_err = np.empty((runs, widths.size))
    mixed_err = np.empty((runs, widths.size, counts.size))
    for j, m in enumerate(widths):
        if as_ols[j]:
            W = W_lim
        elif m < n:   # primal: an (m, m) system, a block of the largest primal width's Gram matrix
            V = _col4_spd_solve(G_primal[:, :m, :m] + ridge * n * np.eye(m), R_primal[:, :m])
            W = np.swapaxes(S[:, :m], 1, 2) @ V
        else:         # dual: V = Z^T (Z Z^T + n ridge I)^{-1} Y, with Z Z^T updated by the new columns only
            G_dual += Z[:, :, filled:m] @ np.swapaxes(Z[:, :, filled:m], 1, 2)
            filled = m
            V = np.swapaxes(Z[:, :, :m], 1, 2) @ _col4_spd_solve(G_dual + ridge * n * np.eye(n), Y)
            W = np.swapaxes(S[:, :m], 1, 2) @ V
        clean_err[:, j], mixed_err[:, j] = errors_of(W)
    clean_lim, mixed_lim = errors_of(W_lim)
    shape = p_arr.shape
    return RandomProjectionCollapse(
        widths=widths, p=p_arr, errors=np.moveaxis(mixed_err, 2, 0).reshape(*shape, runs, widths.size),
        clean_errors=clean_err, limit_errors=mixed_lim.T.reshape(*shape, runs), clean_limit_errors=clean_lim,
        n=n, d=d, ridge=ridge)


def random_projection_floor(widths, d, p, *, shift_sq=1.0, signal_sq=1.0):
    r"""Expected test error of a width-``m`` random-projection model trained by least squares on unlimited data of
    which a fraction ``p`` is synthetic: the floor that more data cannot lower (derived in chapter 5, notebook 04).

    As :math:`n \to \infty` the least-squares fit of :func:`random_projection_collapse` converges to the best model
    of its class for the mixed distribution: :math:`S^\top v = P_S (w_1 + p\Delta)`, with :math:`P_S` the
    orthogonal projection onto the row space of :math:`S`. Its error against :math:`w_1` splits into two orthogonal
    parts, :math:`\lVert (I - P_S) w_1\rVert^2 + p^2 \lVert P_S \Delta\rVert^2`, and since the row space of a
    Gaussian :math:`S` is a uniformly random :math:`\min(m, d)`-dimensional subspace,
    :math:`E\lVert P_S u\rVert^2 = \frac{\min(m,d)}{d}\lVert u\rVert^2`:

    .. math:: E_\infty(m) = \Bigl(1 - \frac{\min(m, d)}{d}\Bigr)\lVert w_1\rVert^2
              + p^2\,\frac{\min(m, d)}{d}\,\lVert \Delta\rVert^2 .

    The first term (what the model cannot represent) falls with the width; the second, the synthetic floor, grows
    with it: a wider model represents more of the synthetic shift. At :math:`m \ge d` it is
    :func:`mixture_error_floor`. Valid for ``ridge = 0``; far below the interpolation threshold (``m << n``) it is
    also what finite, large ``n`` approaches.

    Parameters
    ----------
    widths : int or array_like of int
        Model widths :math:`m` >= 1.
    d : int
        Input dimension, >= 1.
    p : float or array_like
        Fraction of synthetic samples, in [0, 1]; broadcast with ``widths``.
    shift_sq, signal_sq : float
        :math:`\lVert w_2 - w_1\rVert^2` and :math:`\lVert w_1\rVert^2`, >= 0.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(random_projection_floor(50, 200, 0.1), 6)    # 0.75 unrepresented + 0.01 * 0.25 synthetic
    0.7525
    """
    m = as_float_array("widths", widths, positive=True)
    if np.any(m != np.round(m)):
        raise ValueError(f"widths must be whole numbers of random projections, got {widths!r}")
    d = as_int("d", d, minimum=1)
    p_arr = _col4_fractions(p)
    shift_sq = as_scalar("shift_sq", shift_sq, nonnegative=True)
    signal_sq = as_scalar("signal_sq", signal_sq, nonnegative=True)
    r = np.minimum(m, d) / d
    out = (1 - r) * signal_sq + p_arr**2 * r * shift_sq
    return float(out) if out.ndim == 0 else out
