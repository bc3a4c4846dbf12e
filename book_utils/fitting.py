r"""Fitting scaling laws to noisy measurements.

Introduced in chapter 0 (Foundations, "Fitting scaling laws"). Two forms so far, both fitted by minimising

.. math::

    \sum_i w_i\, \rho\bigl(r_i(\theta)\bigr), \qquad
    r_i = \log \hat y(x_i; \theta) - \log y_i \quad\text{(log space)}\quad\text{or}\quad
    r_i = \hat y(x_i; \theta) - y_i \quad\text{(linear space)},

with :math:`\rho(r) = r^2/2` (least squares) or the Huber loss
:math:`\rho_\delta(r) = r^2/2` for :math:`|r| \le \delta`, :math:`\delta(|r| - \delta/2)` otherwise. Huber on log
loss with :math:`\delta = 10^{-3}` is how Hoffmann et al. fitted Chinchilla's parametric law
:cite:p:`hoffmann2022training`; least squares in log space is maximum likelihood when the noise is multiplicative
and log-normal.

Amplitudes and floors are fitted through their logarithms (:math:`A = e^{a}`, :math:`E = e^{e}`), so they stay
positive without bounds and the saturating law's log prediction is a log-sum-exp,
:math:`\log(E + A x^{-\alpha}) = \mathrm{LSE}(e,\; a - \alpha\log x)`, as in Hoffmann et al.'s Appendix D.2.

The optimiser is a Levenberg–Marquardt iteration on the (Huber-weighted) Gauss–Newton model, run on a whole batch
of problems at once: all starts of a multi-start fit, or all resamples of a bootstrap, advance together in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from ._validation import as_float_array, as_int, as_scalar, one_of, paired_1d
from .laws import power_law, saturating_power_law

__all__ = [
    "PowerLawFit",
    "SaturatingPowerLawFit",
    "Bootstrap",
    "fit_power_law",
    "fit_saturating_power_law",
    "bootstrap",
    "huber",
    "add_log_noise",
    "prediction_halfwidth",
]

LOSSES = ("squared", "huber")
SPACES = ("log", "linear")


def huber(r, delta):
    r"""Huber loss :math:`\rho_\delta(r)`, quadratic within :math:`\pm\delta` and linear outside.

    :math:`\rho_\delta(r) = r^2/2` if :math:`|r| \le \delta`, else :math:`\delta\,(|r| - \delta/2)`
    :cite:p:`huber1964robust`. Hoffmann et al. use :math:`\delta = 10^{-3}` on residuals of log loss
    :cite:p:`hoffmann2022training`.

    Parameters
    ----------
    r : array_like
        Residuals (any finite values; units of the fitted quantity).
    delta : float
        Threshold between the quadratic and linear parts, > 0, in the units of ``r``.

    Returns
    -------
    numpy.ndarray or float
        The loss for each residual.

    Examples
    --------
    >>> huber([0.5, 3.0], delta=1.0).tolist()
    [0.125, 2.5]
    """
    r = as_float_array("r", r)
    delta = as_scalar("delta", delta, positive=True)
    out = _rho(r, "huber", delta)
    return out if out.ndim else float(out)


def add_log_noise(y, sigma, *, seed=0):
    r"""Simulated measurements: ``y`` times log-normal noise, :math:`y_i\,e^{\varepsilon_i}`,
    :math:`\varepsilon_i \sim \mathcal N(0, \sigma^2)`.

    Multiplicative noise is the natural model for losses measured on a log scale: a run-to-run scatter of 1% is
    ``sigma = 0.01`` whatever the size of the loss. Under this model least squares in log space is maximum likelihood.

    Parameters
    ----------
    y : array_like
        Noise-free values, > 0.
    sigma : float
        Standard deviation of the noise in log space (0.01 is about 1% scatter), >= 0.
    seed : int
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray
        Noisy values, same shape as ``y``.

    Examples
    --------
    >>> add_log_noise([2.0, 3.0], 0.0).tolist()
    [2.0, 3.0]
    """
    y = as_float_array("y", y, positive=True)
    sigma = as_scalar("sigma", sigma, nonnegative=True)
    rng = np.random.default_rng(as_int("seed", seed))
    return y * np.exp(rng.normal(0.0, sigma, size=y.shape))


# --------------------------------------------------------------------------------------------------------------------
# Models: log prediction and its Jacobian with respect to the internal parameters, batched over rows of theta.
# --------------------------------------------------------------------------------------------------------------------


class _PowerLawModel:
    """log y = a - alpha log x; theta = (a, alpha) with A = exp(a)."""

    names = ("A", "alpha")
    n_params = 2

    @staticmethod
    def log_pred_jac(theta, logx, with_jac=True):
        a, alpha = theta[:, 0:1], theta[:, 1:2]
        logy = a - alpha * logx
        if not with_jac:
            return logy, None
        jac = np.empty((*logy.shape, 2))
        jac[..., 0] = 1.0
        jac[..., 1] = -logx
        return logy, jac

    @staticmethod
    def to_natural(theta):
        return np.column_stack([np.exp(theta[:, 0]), theta[:, 1]])


class _SaturatingModel:
    """log y = LSE(e, a - alpha log x); theta = (e, a, alpha) with E = exp(e), A = exp(a)."""

    names = ("E", "A", "alpha")
    n_params = 3

    @staticmethod
    def log_pred_jac(theta, logx, with_jac=True):
        e, a, alpha = theta[:, 0:1], theta[:, 1:2], theta[:, 2:3]
        t = a - alpha * logx
        logy = np.logaddexp(e, t)
        if not with_jac:
            return logy, None
        w_e = np.exp(e - logy)  # share of the floor in the prediction
        w_t = 1.0 - w_e  # share of the reducible term
        jac = np.empty((*logy.shape, 3))
        jac[..., 0] = w_e
        jac[..., 1] = w_t
        jac[..., 2] = -w_t * logx
        return logy, jac

    @staticmethod
    def to_natural(theta):
        return np.column_stack([np.exp(theta[:, 0]), np.exp(theta[:, 1]), theta[:, 2]])


# --------------------------------------------------------------------------------------------------------------------
# The batched Levenberg–Marquardt solver.
# --------------------------------------------------------------------------------------------------------------------


def _rho(r, loss, delta):
    if loss == "squared":
        return 0.5 * r * r
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def _residuals(model, theta, logx, logy, y, space, with_jac=True):
    with np.errstate(invalid="ignore", over="ignore"):  # a trial step may overflow; the objective rejects it
        logp, jac = model.log_pred_jac(theta, logx, with_jac)
        if space == "log":
            return logp - logy, jac
        pred = np.exp(logp)
        return pred - y, (jac * pred[..., None] if with_jac else None)


def _objective(model, theta, logx, logy, y, w, space, loss, delta):
    r, _ = _residuals(model, theta, logx, logy, y, space, with_jac=False)
    with np.errstate(invalid="ignore", over="ignore"):
        f = np.sum(w * _rho(r, loss, delta), axis=-1)
    return np.where(np.isfinite(f), f, np.inf)


def _solve_batch(model, theta0, logx, y, w, *, space, loss, delta, max_iter=300, ftol=1e-12, xtol=1e-7):
    """Minimise the weighted objective from each row of ``theta0`` (shape S x p). ``w`` has shape (S, n).

    Returns (theta, objective, n_iter, converged) with one entry per row.
    """
    theta = np.array(theta0, dtype=float)
    S, p = theta.shape
    logy = np.log(y)
    lam = np.full(S, 1e-3)
    f = _objective(model, theta, logx, logy, y, w, space, loss, delta)
    n_iter = np.zeros(S, dtype=int)
    converged = np.zeros(S, dtype=bool)
    active = np.flatnonzero(np.isfinite(f))
    eye = np.eye(p)
    for _ in range(max_iter):
        if active.size == 0:
            break
        th, wa = theta[active], w[active]
        r, jac = _residuals(model, th, logx, logy, y, space)
        if loss == "squared":
            psi, irls = r, np.ones_like(r)
        else:
            psi = np.clip(r, -delta, delta)
            irls = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-300))
        grad = np.einsum("snp,sn->sp", jac, wa * psi)
        hess = np.einsum("snp,snq->spq", jac * (wa * irls)[..., None], jac)
        diag = np.einsum("spp->sp", hess)
        damp = lam[active, None, None] * (diag[:, :, None] * eye + 1e-12 * eye)
        try:
            step = -np.linalg.solve(hess + damp, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular system: take a tiny gradient step instead
            step = -grad * 1e-6
        trial = th + step
        f_old = f[active]
        f_new = _objective(model, trial, logx, logy, y, wa, space, loss, delta)
        accept = f_new < f_old
        theta[active[accept]] = trial[accept]
        f[active[accept]] = f_new[accept]
        lam[active] = np.where(accept, np.maximum(lam[active] / 3.0, 1e-12), lam[active] * 4.0)
        n_iter[active] += 1
        step_small = np.max(np.abs(step), axis=1) <= xtol * (1.0 + np.max(np.abs(th), axis=1))
        small = accept & ((f_old - f_new <= ftol * (1.0 + f_old)) | step_small)
        stuck = lam[active] > 1e12  # no step downhill exists at machine precision: a (local) minimum
        grad_small = np.max(np.abs(grad), axis=1) <= 1e-12 * (1.0 + f_old)
        done = small | stuck | grad_small
        converged[active[done]] = True
        active = active[~done]
    return theta, f, n_iter, converged


# --------------------------------------------------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FitBase:
    loss: str
    space: str
    delta: float
    objective: float
    converged: bool
    n_iter: int
    x: np.ndarray = field(repr=False, compare=False)
    y: np.ndarray = field(repr=False, compare=False)

    _model = None

    @property
    def n_points(self) -> int:
        """Number of data points fitted."""
        return int(self.x.size)

    @property
    def params(self) -> dict:
        """The fitted parameters as a ``{name: value}`` dict."""
        return {name: getattr(self, name) for name in self._model.names}

    def residuals(self, space: str | None = None) -> np.ndarray:
        """Residuals ``log(prediction) - log(y)`` (``space="log"``) or ``prediction - y`` at the fitted points."""
        space = one_of("space", space or self.space, SPACES)
        pred = self.predict(self.x)
        return np.log(pred) - np.log(self.y) if space == "log" else pred - self.y

    def _theta(self) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover  (each subclass defines its internal parameters)

    def predict(self, x):  # pragma: no cover  (each subclass defines it)
        raise NotImplementedError


@dataclass(frozen=True)
class PowerLawFit(_FitBase):
    r"""Result of :func:`fit_power_law`: :math:`\hat y = A x^{-\alpha}`.

    Attributes
    ----------
    A, alpha : float
        Fitted amplitude (units of ``y``) and exponent (dimensionless).
    loss, space, delta : str, str, float
        The objective that was minimised.
    objective : float
        Its value at the optimum.
    converged : bool
        Whether the optimiser met its stopping rule.
    n_iter : int
        Iterations used.
    x, y : numpy.ndarray
        The data that were fitted.
    """

    A: float = np.nan
    alpha: float = np.nan
    _model = _PowerLawModel

    def predict(self, x):
        """Predicted ``y`` at scale(s) ``x`` (> 0)."""
        return power_law(x, self.A, self.alpha)

    def _theta(self):
        return _natural_to_theta(self._model, np.array([[self.A, self.alpha]]))[0]


@dataclass(frozen=True)
class SaturatingPowerLawFit(_FitBase):
    r"""Result of :func:`fit_saturating_power_law`: :math:`\hat y = E + A x^{-\alpha}`.

    Attributes
    ----------
    E, A, alpha : float
        Fitted floor (units of ``y``), amplitude and exponent.
    n_starts : int
        Number of starting points tried.
    n_at_best : int
        How many starts ended within 1e-9 (relative) of the best objective: a small number warns of a rugged
        objective where a single start would likely have failed.
    loss, space, delta, objective, converged, n_iter, x, y
        As in :class:`PowerLawFit`.
    """

    E: float = np.nan
    A: float = np.nan
    alpha: float = np.nan
    n_starts: int = 1
    n_at_best: int = 1
    _model = _SaturatingModel

    def predict(self, x):
        """Predicted ``y`` at scale(s) ``x`` (> 0)."""
        return saturating_power_law(x, self.E, self.A, self.alpha)

    def _theta(self):
        return _natural_to_theta(self._model, np.array([[self.E, self.A, self.alpha]]))[0]


# --------------------------------------------------------------------------------------------------------------------
# Public fitting functions.
# --------------------------------------------------------------------------------------------------------------------


def _check_options(loss, space, delta):
    one_of("loss", loss, LOSSES)
    one_of("space", space, SPACES)
    return as_scalar("delta", delta, positive=True)


def _check_distinct(x, k):
    if np.unique(x).size < k:
        raise ValueError(f"need at least {k} distinct x values for this fit, got {np.unique(x).size}")


def fit_power_law(x, y, *, loss="squared", space="log", delta=1e-3):
    r"""Fit :math:`y = A x^{-\alpha}` to data.

    In log space with squared loss this is ordinary least squares on :math:`(\log x, \log y)`, the maximum-likelihood
    fit under multiplicative log-normal noise; in linear space the largest values of ``y`` dominate the fit. With
    ``loss="huber"`` a few outlying runs (a diverged training run, say) lose their grip on the line.

    Parameters
    ----------
    x : array_like
        Scales, > 0, 1-D, at least 3 points with at least 2 distinct values.
    y : array_like
        Measured values (e.g. loss in nats/token), > 0, same length as ``x``.
    loss : {"squared", "huber"}
        The loss on residuals.
    space : {"log", "linear"}
        Where residuals are taken: ``log(prediction) - log(y)`` or ``prediction - y``.
    delta : float
        Huber threshold, > 0, in the units of the residuals (ignored for ``loss="squared"``).

    Returns
    -------
    PowerLawFit

    Examples
    --------
    >>> x = np.array([1e6, 1e7, 1e8, 1e9])
    >>> fit = fit_power_law(x, 20 * x**-0.1)
    >>> round(fit.alpha, 6), round(fit.A, 4)
    (0.1, 20.0)
    """
    x, y = paired_1d("x", x, "y", y, min_points=3)
    delta = _check_options(loss, space, delta)
    _check_distinct(x, 2)
    logx, logy = np.log(x), np.log(y)
    slope, intercept = np.polyfit(logx, logy, 1)  # the exact answer for squared loss in log space: a start otherwise
    theta0 = np.array([[intercept, -slope]])
    theta, f, n_iter, conv = _solve_batch(_PowerLawModel, theta0, logx, y, np.ones((1, x.size)),
                                          space=space, loss=loss, delta=delta)
    A, alpha = _PowerLawModel.to_natural(theta)[0]
    return PowerLawFit(loss=loss, space=space, delta=delta, objective=float(f[0]), converged=bool(conv[0]),
                       n_iter=int(n_iter[0]), x=x, y=y, A=float(A), alpha=float(alpha))


def _default_saturating_starts(x, y, coarse=False):
    """A grid of starts: floors E below min(y), exponents from 0.05 to 2, and for each pair the amplitude that best
    fits log(y - E) = log A - alpha log x in the mean. 48 starts, or 12 if ``coarse`` (for bootstrap refits)."""
    alphas = np.geomspace(0.05, 2.0, 4 if coarse else 8)
    fractions = np.array([1e-3, 0.5, 0.9] if coarse else [1e-3, 0.25, 0.5, 0.75, 0.9, 0.97])
    E = fractions * y.min()
    EE, AL = np.meshgrid(E, alphas, indexing="ij")
    EE, AL = EE.ravel(), AL.ravel()
    a = np.mean(np.log(y[None, :] - EE[:, None]) + AL[:, None] * np.log(x)[None, :], axis=1)
    return np.column_stack([np.log(EE), a, AL])


def fit_saturating_power_law(x, y, *, loss="squared", space="log", delta=1e-3, starts=None):
    r"""Fit :math:`y = E + A x^{-\alpha}` to data, from many starting points.

    The objective is not convex: a fit from one start can stop at a floor :math:`E` that is too low with an exponent
    that is too small (the two trade off along a curved valley). All starts are run together and the best is kept,
    the recipe of Hoffmann et al. :cite:p:`hoffmann2022training` (who used a 4,500-point grid and L-BFGS).

    Parameters
    ----------
    x : array_like
        Scales, > 0, 1-D, at least 4 points with at least 3 distinct values.
    y : array_like
        Measured values, > 0, same length as ``x``.
    loss : {"squared", "huber"}
        The loss on residuals.
    space : {"log", "linear"}
        Where residuals are taken.
    delta : float
        Huber threshold, > 0, in the units of the residuals.
    starts : array_like, optional
        Starting points as rows ``(E, A, alpha)`` with ``E, A > 0``. Default: 48 starts, floors from 0.1% to 97% of
        ``min(y)`` times exponents from 0.05 to 2, each with its best-matching amplitude.

    Returns
    -------
    SaturatingPowerLawFit

    Examples
    --------
    >>> x = np.geomspace(1e6, 1e10, 9)
    >>> fit = fit_saturating_power_law(x, 1.7 + 400 * x**-0.34)
    >>> round(fit.E, 4), round(fit.alpha, 4)
    (1.7, 0.34)
    """
    x, y = paired_1d("x", x, "y", y, min_points=4)
    delta = _check_options(loss, space, delta)
    _check_distinct(x, 3)
    if starts is None:
        theta0 = _default_saturating_starts(x, y)
    else:
        s = as_float_array("starts", starts)
        s = np.atleast_2d(s)
        if s.ndim != 2 or s.shape[1] != 3:
            raise ValueError(f"starts must have rows (E, A, alpha); got shape {np.shape(starts)}")
        if (s[:, :2] <= 0).any():
            raise ValueError("starts must have E > 0 and A > 0 in every row")
        theta0 = np.column_stack([np.log(s[:, 0]), np.log(s[:, 1]), s[:, 2]])
    logx = np.log(x)
    w = np.ones((theta0.shape[0], x.size))
    theta, f, n_iter, conv = _solve_batch(_SaturatingModel, theta0, logx, y, w, space=space, loss=loss, delta=delta)
    best = int(np.argmin(f))
    if not np.isfinite(f[best]):
        raise ValueError("no starting point gave a finite objective; check the data or pass `starts`")
    n_at_best = int(np.sum(f <= f[best] * (1 + 1e-9) + 1e-300))
    E, A, alpha = _SaturatingModel.to_natural(theta[best:best + 1])[0]
    return SaturatingPowerLawFit(loss=loss, space=space, delta=delta, objective=float(f[best]),
                                 converged=bool(conv[best]), n_iter=int(n_iter[best]), x=x, y=y,
                                 E=float(E), A=float(A), alpha=float(alpha),
                                 n_starts=int(theta0.shape[0]), n_at_best=n_at_best)


# --------------------------------------------------------------------------------------------------------------------
# Bootstrap.
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bootstrap:
    """Bootstrap distribution of a fit: :func:`bootstrap` refits the law to ``n_resamples`` resampled data sets.

    Attributes
    ----------
    fit : PowerLawFit or SaturatingPowerLawFit
        The fit to the original data.
    samples : numpy.ndarray
        Shape ``(n_resamples, n_params)``: the refitted parameters, columns in the order of ``names``.
    names : tuple of str
        Parameter names, e.g. ``("E", "A", "alpha")``.
    """

    fit: _FitBase
    samples: np.ndarray = field(repr=False)
    names: tuple

    @property
    def n_resamples(self) -> int:
        """Number of resamples."""
        return int(self.samples.shape[0])

    def interval(self, name: str, level: float = 0.9):
        """Percentile interval ``(lo, hi)`` of parameter ``name`` covering ``level`` (in (0, 1)) of the resamples."""
        one_of("name", name, self.names)
        q = _quantiles(level)
        lo, hi = np.quantile(self.samples[:, self.names.index(name)], q)
        return float(lo), float(hi)

    def predict_samples(self, x) -> np.ndarray:
        """Predictions of every resampled fit at ``x``: shape ``(n_resamples,) + shape(x)``."""
        x = as_float_array("x", x, positive=True)
        model = self.fit._model
        theta = _natural_to_theta(model, self.samples)
        logp, _ = model.log_pred_jac(theta, np.log(x).reshape(1, -1), with_jac=False)
        return np.exp(logp).reshape((-1, *x.shape))

    def predict_interval(self, x, level: float = 0.9):
        """Pointwise percentile band ``(lo, hi)`` of the prediction at ``x`` covering ``level`` of the resamples."""
        q = _quantiles(level)
        lo, hi = np.quantile(self.predict_samples(x), q, axis=0)
        return lo, hi


def _quantiles(level):
    level = as_scalar("level", level)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), e.g. 0.9 for a 90% interval; got {level}")
    return [(1 - level) / 2, (1 + level) / 2]


def _natural_to_theta(model, natural):
    theta = np.array(natural, dtype=float)
    for j, name in enumerate(model.names):
        if name in ("A", "E"):  # fitted through their logs; a floor that underflowed to 0 maps to a very low log
            theta[:, j] = np.log(np.maximum(theta[:, j], np.finfo(float).tiny))
    return theta


def bootstrap(fit, n_resamples=500, *, seed=0, multistart=True):
    """Bootstrap a fit: resample the data points with replacement and refit, ``n_resamples`` times.

    Each resample is a multinomial reweighting of the original points, so all refits run as one batch. A refit of
    the saturating law starts from the original optimum *and* (if ``multistart``) from a coarse grid of 12 further
    starts, keeping the best: a resample's optimum can lie far along the E-alpha valley from the original one, and
    refits started only at the original optimum then give intervals that are too narrow. (The power law in log space
    is a linear problem and needs one start.) The spread of the refitted parameters estimates their sampling
    uncertainty; the percentile intervals of :class:`Bootstrap` are the simplest honest confidence intervals for a
    nonlinear fit :cite:p:`efron1993introduction`. They assume the runs are exchangeable; they cannot see a
    systematic error such as the wrong functional form.

    Parameters
    ----------
    fit : PowerLawFit or SaturatingPowerLawFit
        A fit returned by :func:`fit_power_law` or :func:`fit_saturating_power_law`.
    n_resamples : int
        Number of bootstrap resamples, >= 10.
    seed : int
        Seed of the random generator (the result is reproducible).
    multistart : bool
        Refit the saturating law from 13 starts instead of 1 (about ten times slower, and honest intervals when the
        floor is poorly determined).

    Returns
    -------
    Bootstrap

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = np.geomspace(1e6, 1e9, 12)
    >>> fit = fit_power_law(x, 20 * x**-0.1 * np.exp(rng.normal(0, 0.01, x.size)))
    >>> lo, hi = bootstrap(fit, 200).interval("alpha", 0.9)
    >>> bool(lo < 0.1 < hi)
    True
    """
    if not isinstance(fit, _FitBase) or fit._model is None:
        raise ValueError(f"fit must be a result of fit_power_law or fit_saturating_power_law, got {type(fit).__name__}")
    n_resamples = as_int("n_resamples", n_resamples, minimum=10)
    seed = as_int("seed", seed)
    model = fit._model
    rng = np.random.default_rng(seed)
    n = fit.n_points
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_resamples).astype(float)
    # A resample needs as many distinct x values as the law has parameters; redraw the rare ones that do not.
    for _ in range(100):
        distinct = np.array([np.unique(fit.x[c > 0]).size for c in counts])
        bad = distinct < model.n_params
        if not bad.any():
            break
        counts[bad] = rng.multinomial(n, np.full(n, 1.0 / n), size=int(bad.sum()))
    else:  # pragma: no cover  (only reachable with pathological data)
        raise ValueError("could not draw resamples with enough distinct x values; add data points")
    starts = fit._theta()[None, :]
    if multistart and model is _SaturatingModel:
        starts = np.vstack([starts, _default_saturating_starts(fit.x, fit.y, coarse=True)])
    k = starts.shape[0]  # rows are resample-major: resample r uses rows r*k ... r*k + k - 1
    theta, f, _, _ = _solve_batch(model, np.tile(starts, (n_resamples, 1)), np.log(fit.x), fit.y,
                                  np.repeat(counts, k, axis=0), space=fit.space, loss=fit.loss, delta=fit.delta)
    best = np.argmin(f.reshape(n_resamples, k), axis=1)
    theta = theta.reshape(n_resamples, k, -1)[np.arange(n_resamples), best]
    return Bootstrap(fit=fit, samples=model.to_natural(theta), names=model.names)


def prediction_halfwidth(x, x_new, sigma, level=0.9):
    r"""Half-width, in log space, of the ``level`` interval of a power-law prediction fitted by least squares in log
    space, with known noise :math:`\sigma` (the classical regression result, chapter 0 "Extrapolation"):

    .. math:: z\,\sigma \sqrt{\frac{1}{n} + \frac{(u_* - \bar u)^2}{\sum_i (u_i - \bar u)^2}},
              \qquad u = \log x,\; u_* = \log x_*,

    with :math:`z` the two-sided normal quantile of ``level``. It grows linearly in the number of decades between
    :math:`x_*` and the centre of the data. A half-width ``h`` means the interval runs from :math:`e^{-h}` to
    :math:`e^{h}` times the prediction.

    Parameters
    ----------
    x : array_like
        Scales of the fitted runs, > 0, 1-D, at least 3 points with at least 2 distinct values.
    x_new : array_like
        Scales to predict at, > 0.
    sigma : float
        Noise standard deviation in log space, >= 0.
    level : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    numpy.ndarray or float
        Half-widths (dimensionless, in log space), same shape as ``x_new``.

    Examples
    --------
    >>> x = np.geomspace(1e7, 1e10, 10)
    >>> h = prediction_halfwidth(x, [1e10, 1e12, 1e14], sigma=0.02)
    >>> bool(np.all(np.diff(h) > 0))
    True
    """
    x = as_float_array("x", x, positive=True)
    if x.ndim != 1 or x.size < 3:
        raise ValueError(f"x must be 1-D with at least 3 points, got shape {x.shape}")
    _check_distinct(x, 2)
    x_new = as_float_array("x_new", x_new, positive=True)
    sigma = as_scalar("sigma", sigma, nonnegative=True)
    z = norm.ppf(_quantiles(level)[1])  # two-sided: the upper quantile of (1 + level) / 2
    u, u_star = np.log(x), np.log(x_new)
    out = z * sigma * np.sqrt(1.0 / u.size + (u_star - u.mean()) ** 2 / np.sum((u - u.mean()) ** 2))
    return out if out.ndim else float(out)
