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

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from ._validation import as_float_array, as_int, as_scalar, one_of, paired_1d
from .compute import FLOPS_PER_PARAM_TOKEN
from .laws import (
    bnsl,
    bnsl_segments,
    chinchilla_loss,
    kaplan_nd_law,
    m1,
    m2,
    m3,
    m4,
    power_law,
    saturating_power_law,
)

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
    "ChinchillaFit",
    "ChinchillaBootstrap",
    "fit_chinchilla",
    "fit_chinchilla_reference",
    "hoffmann_starts",
    "Frontier",
    "isoflop_frontier",
    "envelope_frontier",
    "BNSLFit",
    "fit_bnsl",
    "fit_bnsl_reference",
    "BNSL_AUTHORS_GRID",
    "BNSL_MIN_SHARPNESS",
    "BaselineFit",
    "fit_baseline",
    "BASELINE_FORMS",
    "Extrapolation",
    "compare_extrapolation",
    "KaplanFit",
    "fit_kaplan",
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
        jac = np.empty((logy.shape[0], 2, logy.shape[1]), dtype=logy.dtype)
        jac[:, 0] = 1.0
        jac[:, 1] = -logx
        return logy, jac

    @staticmethod
    def to_natural(theta):
        return np.column_stack([np.exp(theta[:, 0]), theta[:, 1]])


class _ChinchillaModel:
    """log L = LSE(e, a - alpha log N, b - beta log D); theta = (e, a, b, alpha, beta), E = exp(e), A = exp(a),
    B = exp(b). ``x`` is the pair (log N, log D)."""

    names = ("E", "A", "B", "alpha", "beta")
    n_params = 5

    @staticmethod
    def log_pred_jac(theta, x, with_jac=True):
        logn, logd = x
        e, a, b, alpha, beta = (theta[:, j:j + 1] for j in range(5))
        ta, tb = a - alpha * logn, b - beta * logd
        m = np.maximum(np.maximum(e, ta), tb)
        pe, pa, pb = np.exp(e - m), np.exp(ta - m), np.exp(tb - m)
        total = pe + pa + pb
        logy = m + np.log(total)
        if not with_jac:
            return logy, None
        jac = np.empty((logy.shape[0], 5, logy.shape[1]), dtype=logy.dtype)
        np.divide(pe, total, out=jac[:, 0])  # each term's share of the prediction
        np.divide(pa, total, out=jac[:, 1])
        np.divide(pb, total, out=jac[:, 2])
        np.multiply(jac[:, 1], -logn, out=jac[:, 3])
        np.multiply(jac[:, 2], -logd, out=jac[:, 4])
        return logy, jac

    @staticmethod
    def to_natural(theta):
        return np.column_stack([np.exp(theta[:, 0]), np.exp(theta[:, 1]), np.exp(theta[:, 2]), theta[:, 3],
                                theta[:, 4]])


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
        jac = np.empty((logy.shape[0], 3, logy.shape[1]), dtype=logy.dtype)
        jac[:, 0] = w_e
        jac[:, 1] = w_t
        jac[:, 2] = -w_t * logx
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
        return pred - y, (jac * pred[:, None, :] if with_jac else None)


def _objective(model, theta, logx, logy, y, w, space, loss, delta):
    r, _ = _residuals(model, theta, logx, logy, y, space, with_jac=False)
    with np.errstate(invalid="ignore", over="ignore"):
        f = np.sum(w * _rho(r, loss, delta), axis=-1)
    return np.where(np.isfinite(f), f, np.inf)


def _solve_batch(model, theta0, logx, y, w, *, space, loss, delta, max_iter=300, ftol=1e-12, xtol=1e-7,
                 relative=False):
    """Minimise the weighted objective from each row of ``theta0`` (shape S x p). ``w`` has shape (S, n). A model
    with ``bounds = (lower, upper)`` (arrays of length p) is kept in that box: a parameter on a bound whose gradient
    points outward is held there for the step (its row and column of the Gauss-Newton system are decoupled), and
    trial points are clipped into the box. ``relative=True`` measures progress relative to the objective itself
    rather than to ``1 + objective``, for data fitted almost exactly (objectives far below 1).

    Returns (theta, objective, n_iter, converged) with one entry per row.
    """
    theta = np.array(theta0, dtype=np.float32 if np.asarray(theta0).dtype == np.float32 else float)
    S, p = theta.shape
    logy = np.log(y)
    lam = np.full(S, 1e-3)
    f = _objective(model, theta, logx, logy, y, w, space, loss, delta)
    n_iter = np.zeros(S, dtype=int)
    converged = np.zeros(S, dtype=bool)
    active = np.flatnonzero(np.isfinite(f))
    eye = np.eye(p)
    bounds = getattr(model, "bounds", None)
    for _ in range(max_iter):
        if active.size == 0:
            break
        th, wa = theta[active], w[active]
        r, jac = _residuals(model, th, logx, logy, y, space)
        if loss == "squared":
            psi, irls = r, np.ones_like(r)
        else:
            psi = np.clip(r, -delta, delta)
            irls = np.minimum(1.0, delta / np.maximum(np.abs(r), delta * 1e-6))
        grad = np.matmul(jac, (wa * psi)[..., None])[..., 0]  # jac has shape (rows, parameters, points)
        hess = np.matmul(jac * (wa * irls)[:, None, :], jac.transpose(0, 2, 1))
        if bounds is not None:
            pinned = ((th <= bounds[0]) & (grad > 0)) | ((th >= bounds[1]) & (grad < 0))
            free = ~pinned
            grad = np.where(pinned, 0.0, grad)
            hess = hess * (free[:, :, None] & free[:, None, :]) + pinned[:, :, None] * eye
        diag = np.einsum("spp->sp", hess)
        damp = lam[active, None, None] * (diag[:, :, None] * eye + 1e-12 * eye)
        try:
            step = -np.linalg.solve(hess + damp, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular system: take a tiny gradient step instead
            step = -grad * 1e-6
        step = step.astype(theta.dtype, copy=False)
        trial = th + step
        if bounds is not None:
            trial = np.clip(trial, bounds[0], bounds[1])
            step = trial - th
        f_old = f[active]
        f_new = _objective(model, trial, logx, logy, y, wa, space, loss, delta)
        accept = f_new < f_old
        theta[active[accept]] = trial[accept]
        f[active[accept]] = f_new[accept]
        lam[active] = np.where(accept, np.maximum(lam[active] / 3.0, 1e-12), lam[active] * 4.0)
        n_iter[active] += 1
        step_small = np.max(np.abs(step), axis=1) <= xtol * (1.0 + np.max(np.abs(th), axis=1))
        scale = f_old if relative else 1.0 + f_old
        small = accept & ((f_old - f_new <= ftol * scale) | step_small)
        stuck = lam[active] > 1e12  # no step downhill exists at machine precision: a (local) minimum
        grad_small = np.max(np.abs(grad), axis=1) <= 1e-12 * scale
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
        if name in ("A", "B", "E"):  # fitted through their logs; a floor that underflowed to 0 maps to a very low log
            theta[:, j] = np.log(np.maximum(theta[:, j], np.finfo(float).tiny))
    return theta


def _resample_counts(rng, n, n_resamples, usable):
    """Bootstrap resamples of ``n`` points as multinomial counts, one row per resample. Each resample is a
    reweighting of the original points, so all refits can run as one batch. Rows for which ``usable(mask of the
    points drawn)`` is false (too few distinct scales to fit the law) are redrawn."""
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_resamples).astype(float)
    for _ in range(100):
        bad = np.array([not usable(c > 0) for c in counts])
        if not bad.any():
            return counts
        counts[bad] = rng.multinomial(n, np.full(n, 1.0 / n), size=int(bad.sum()))
    raise ValueError("could not draw resamples with enough distinct x values; add data points")  # pragma: no cover


def _best_refits(model, starts, x, y, counts, *, space, loss, delta, max_iter=300):
    """Refit every resample (rows of ``counts``) from every row of ``starts`` in one batch; keep each resample's best.
    Rows of the batch are resample-major: resample r uses rows r*k ... r*k + k - 1."""
    k, n_resamples = starts.shape[0], counts.shape[0]
    theta, f, _, _ = _solve_batch(model, np.tile(starts, (n_resamples, 1)), x, y, np.repeat(counts, k, axis=0),
                                  space=space, loss=loss, delta=delta, max_iter=max_iter)
    best = np.argmin(f.reshape(n_resamples, k), axis=1)
    return theta.reshape(n_resamples, k, -1)[np.arange(n_resamples), best]


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
    counts = _resample_counts(np.random.default_rng(seed), fit.n_points, n_resamples,
                              lambda used: np.unique(fit.x[used]).size >= model.n_params)
    starts = fit._theta()[None, :]
    if multistart and model is _SaturatingModel:
        starts = np.vstack([starts, _default_saturating_starts(fit.x, fit.y, coarse=True)])
    theta = _best_refits(model, starts, np.log(fit.x), fit.y, counts, space=fit.space, loss=fit.loss,
                         delta=fit.delta)
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


# --------------------------------------------------------------------------------------------------------------------
# Chapter 2: Chinchilla's parametric fit (Hoffmann et al. 2022, Approach 3).
# --------------------------------------------------------------------------------------------------------------------


def hoffmann_starts():
    r"""Hoffmann et al.'s grid of 4,500 starting points (Appendix D.2 :cite:p:`hoffmann2022training`), as rows
    ``(e, a, b, alpha, beta)`` with :math:`E = e^e`, :math:`A = e^a`, :math:`B = e^b`:
    :math:`\alpha, \beta \in \{0, 0.5, \dots, 2\}`, :math:`e \in \{-1, -0.5, \dots, 1\}`,
    :math:`a, b \in \{0, 5, \dots, 25\}`.

    Examples
    --------
    >>> hoffmann_starts().shape
    (4500, 5)
    """
    exps = np.arange(0.0, 2.01, 0.5)
    logs_e = np.arange(-1.0, 1.01, 0.5)
    logs_ab = np.arange(0.0, 25.1, 5.0)
    grid = np.meshgrid(logs_e, logs_ab, logs_ab, exps, exps, indexing="ij")
    return np.column_stack([g.ravel() for g in grid])


@dataclass(frozen=True)
class ChinchillaFit:
    r"""Result of :func:`fit_chinchilla`: :math:`\hat L = E + A N^{-\alpha} + B D^{-\beta}`.

    Attributes
    ----------
    E, A, B, alpha, beta : float
        The fitted law (``E`` in the units of the loss).
    objective : float
        :math:`\sum_i \mathrm{Huber}_\delta(\log \hat L_i - \log L_i)` at the optimum (summed, not averaged).
    delta : float
        The Huber threshold used.
    n_starts : int
        Starting points tried.
    n_at_best : int
        Starts (after screening) that ended within 1e-9 (relative) of the best objective.
    converged : bool
        Whether the optimiser met its stopping rule at the best start.
    method : str
        ``"lm"`` (this book's batched Levenberg–Marquardt) or ``"l-bfgs-b"`` (scipy, one start at a time).
    N, D, loss : numpy.ndarray
        The fitted data.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    objective: float
    delta: float
    n_starts: int
    n_at_best: int
    converged: bool
    method: str
    N: np.ndarray = field(repr=False, compare=False)
    D: np.ndarray = field(repr=False, compare=False)
    loss: np.ndarray = field(repr=False, compare=False)

    names = _ChinchillaModel.names

    @property
    def params(self) -> dict:
        """``{"E", "A", "B", "alpha", "beta"}`` as a dict."""
        return {name: getattr(self, name) for name in self.names}

    @property
    def a(self) -> float:
        r"""Compute-optimal exponent of parameters, :math:`a = \beta/(\alpha+\beta)`."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        r"""Compute-optimal exponent of tokens, :math:`b = \alpha/(\alpha+\beta)`."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def n_points(self) -> int:
        """Number of runs fitted."""
        return int(self.N.size)

    def predict(self, N, D):
        """Predicted loss at parameters ``N`` and tokens ``D`` (broadcast; > 0)."""
        return chinchilla_loss(N, D, self.E, self.A, self.B, self.alpha, self.beta)

    def residuals(self) -> np.ndarray:
        """``log(prediction) - log(loss)`` at the fitted runs."""
        return np.log(self.predict(self.N, self.D)) - np.log(self.loss)

    def bootstrap(self, n_resamples=1000, *, seed=0):
        """Bootstrap this fit: resample the runs with replacement and refit, ``n_resamples`` times.

        Each refit starts from this fit's optimum and from the other local optima the multi-start search found
        (at most three in all), all resamples in one batch. Percentile intervals of the result are the
        procedure of Hoffmann et al. (who resampled 80% of the runs, Table 2) and of Besiroglu et al.
        :cite:p:`hoffmann2022training,besiroglu2024chinchilla`.

        Parameters
        ----------
        n_resamples : int
            Number of resamples, >= 10.
        seed : int
            Seed of the random generator.

        Returns
        -------
        ChinchillaBootstrap
        """
        n_resamples = as_int("n_resamples", n_resamples, minimum=10)
        counts = _resample_counts(np.random.default_rng(as_int("seed", seed)), self.n_points, n_resamples,
                                  lambda used: min(np.unique(self.N[used]).size, np.unique(self.D[used]).size) >= 2)
        starts = np.vstack([_natural_to_theta(_ChinchillaModel, np.array([[*self.params.values()]])),
                            self._other_optima])[:3]
        theta = _best_refits(_ChinchillaModel, starts, (np.log(self.N), np.log(self.D)), self.loss, counts,
                             space="log", loss="huber", delta=self.delta, max_iter=500)
        return ChinchillaBootstrap(fit=self, samples=_ChinchillaModel.to_natural(theta), names=self.names)

    _other_optima: np.ndarray = field(default_factory=lambda: np.empty((0, 5)), repr=False, compare=False)


@dataclass(frozen=True)
class ChinchillaBootstrap(Bootstrap):
    """Bootstrap distribution of a :class:`ChinchillaFit`. :meth:`interval` also accepts the derived exponents
    ``"a"`` and ``"b"`` of the compute-optimal frontier."""

    def _column(self, name):
        if name in ("a", "b"):
            alpha, beta = self.samples[:, 3], self.samples[:, 4]
            return (beta if name == "a" else alpha) / (alpha + beta)
        one_of("name", name, (*self.names, "a", "b"))
        return self.samples[:, self.names.index(name)]

    def interval(self, name: str, level: float = 0.9):
        """Percentile interval ``(lo, hi)`` of ``name`` (a parameter, ``"a"`` or ``"b"``) covering ``level``."""
        lo, hi = np.quantile(self._column(name), _quantiles(level))
        return float(lo), float(hi)

    def predict_samples(self, N, D) -> np.ndarray:
        """Loss predicted by every resampled fit at ``(N, D)``: shape ``(n_resamples,) + broadcast shape``."""
        N, D = np.broadcast_arrays(as_float_array("N", N, positive=True), as_float_array("D", D, positive=True))
        theta = _natural_to_theta(_ChinchillaModel, self.samples)
        logp, _ = _ChinchillaModel.log_pred_jac(theta, (np.log(N).reshape(1, -1), np.log(D).reshape(1, -1)),
                                                with_jac=False)
        return np.exp(logp).reshape((-1, *N.shape))

    def predict_interval(self, N, D, level: float = 0.9):
        """Pointwise percentile band ``(lo, hi)`` of the predicted loss at ``(N, D)``."""
        lo, hi = np.quantile(self.predict_samples(N, D), _quantiles(level), axis=0)
        return lo, hi


def _check_chinchilla_data(N, D, loss):
    N, D = paired_1d("N", N, "D", D, min_points=6)
    D, loss = paired_1d("D", D, "loss", loss, min_points=6)
    if np.unique(N).size < 2 or np.unique(D).size < 2:
        raise ValueError("need at least 2 distinct values of N and of D to fit their exponents")
    return N, D, loss


def _chinchilla_starts(starts):
    if isinstance(starts, str):
        one_of("starts", starts, ("hoffmann",))
        return hoffmann_starts()
    s = np.atleast_2d(as_float_array("starts", starts))
    if s.ndim != 2 or s.shape[1] != 5:
        raise ValueError(f"starts must be 'hoffmann' or rows (E, A, B, alpha, beta); got shape {np.shape(starts)}")
    if (s[:, :3] <= 0).any():
        raise ValueError("starts must have E, A, B > 0 in every row")
    return _natural_to_theta(_ChinchillaModel, s)


def _make_chinchilla_fit(theta, f, conv, N, D, loss, delta, n_starts, method, others=None):
    best = int(np.argmin(f))
    if not np.isfinite(f[best]):
        raise ValueError("no starting point gave a finite objective; check the data or pass `starts`")
    n_at_best = int(np.sum(f <= f[best] * (1 + 1e-9) + 1e-300))
    E, A, B, alpha, beta = _ChinchillaModel.to_natural(theta[best:best + 1])[0]
    if others is None:
        others = np.empty((0, 5))
    return ChinchillaFit(E=float(E), A=float(A), B=float(B), alpha=float(alpha), beta=float(beta),
                         objective=float(f[best]), delta=delta, n_starts=n_starts, n_at_best=n_at_best,
                         converged=bool(conv[best]), method=method, N=N, D=D, loss=loss, _other_optima=others)


def fit_chinchilla(N, D, loss, *, delta=1e-3, starts="hoffmann", screen_iter=10, keep=32):
    r"""Fit Chinchilla's parametric law the way Hoffmann et al. did (Approach 3, Appendix D.2
    :cite:p:`hoffmann2022training`): minimise

    .. math:: \sum_i \mathrm{Huber}_\delta\Bigl(\mathrm{LSE}\bigl(a - \alpha\log N_i,\; b - \beta\log D_i,\;
              e\bigr) - \log L_i\Bigr),\qquad A = e^a,\; B = e^b,\; E = e^e,

    from each start of a grid and keep the best. The straightforward procedure runs L-BFGS from every start
    (:func:`fit_chinchilla_reference`); here every start advances together in one batched Levenberg–Marquardt
    iteration (Huber by iteratively reweighted least squares, analytic Jacobian). The starts are *screened*: all of
    them take ``screen_iter`` iterations in single precision, then the ``keep`` best are polished in double precision
    to convergence. The tests and ``bench/fit_speed.py`` check that this finds the same best optimum as running every
    start to convergence.

    Parameters
    ----------
    N, D, loss : array_like
        Parameters, tokens and final loss of each run; > 0, 1-D, equal lengths, at least 6 runs.
    delta : float
        Huber threshold on log-loss residuals, > 0 (Hoffmann et al.: 1e-3).
    starts : "hoffmann" or array_like
        ``"hoffmann"`` for the 4,500-point grid (:func:`hoffmann_starts`), or rows ``(E, A, B, alpha, beta)``.
    screen_iter : int
        Iterations every start gets before screening, >= 1.
    keep : int
        Starts kept after screening, >= 1 (all are kept if there are no more than this).

    Returns
    -------
    ChinchillaFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> N = np.exp(rng.uniform(np.log(1e8), np.log(1e10), 60))
    >>> D = np.exp(rng.uniform(np.log(1e9), np.log(1e11), 60))
    >>> fit = fit_chinchilla(N, D, 1.69 + 406.4 * N**-0.34 + 410.7 * D**-0.28)
    >>> round(fit.alpha, 3), round(fit.beta, 3), round(fit.E, 3)
    (0.34, 0.28, 1.69)
    """
    N, D, loss = _check_chinchilla_data(N, D, loss)
    delta = as_scalar("delta", delta, positive=True)
    theta0 = _chinchilla_starts(starts)
    screen_iter, keep = as_int("screen_iter", screen_iter, minimum=1), as_int("keep", keep, minimum=1)
    x = (np.log(N), np.log(D))
    n_starts = theta0.shape[0]
    if n_starts > keep:
        f32 = np.float32
        theta_s, f_s, _, _ = _solve_batch(_ChinchillaModel, theta0.astype(f32), tuple(v.astype(f32) for v in x),
                                          loss.astype(f32), np.ones((n_starts, N.size), f32), space="log",
                                          loss="huber", delta=delta, max_iter=screen_iter)
        f_s = np.where(np.isfinite(f_s), f_s, np.inf)
        theta0 = theta_s[np.argsort(f_s, kind="stable")[:keep]].astype(float)
    theta, f, _, conv = _solve_batch(_ChinchillaModel, theta0, x, loss, np.ones((theta0.shape[0], N.size)),
                                     space="log", loss="huber", delta=delta, max_iter=2000)
    order = np.argsort(np.where(np.isfinite(f), f, np.inf), kind="stable")
    distinct = _distinct_optima(theta[order], f[order])
    return _make_chinchilla_fit(theta, f, conv, N, D, loss, delta, n_starts, "lm", others=distinct[1:])


def _distinct_optima(theta, f, rel=1e-3):
    """Rows of ``theta`` (sorted by objective ``f``) at distinct local optima: objectives more than ``rel`` apart."""
    keep = []
    for i in range(theta.shape[0]):
        if np.isfinite(f[i]) and all(abs(f[i] - f[j]) > rel * abs(f[j]) for j in keep):
            keep.append(i)
    return theta[keep]


def _huber_objective_grad(theta, x, logl, weights, delta):
    """Chinchilla's weighted Huber objective at one parameter vector ``theta`` (internal coordinates) and its
    gradient, for scipy's minimisers: the straightforward procedure that :func:`fit_chinchilla` is checked against."""
    logp, jac = _ChinchillaModel.log_pred_jac(np.asarray(theta, dtype=float)[None, :], x)
    r = logp[0] - logl
    return float(weights @ _rho(r, "huber", delta)), jac[0] @ (weights * np.clip(r, -delta, delta))


def fit_chinchilla_reference(N, D, loss, *, delta=1e-3, starts="hoffmann", reduce="sum", ftol=1e-15, gtol=1e-10,
                             maxiter=15000):
    r"""The straightforward procedure: scipy's L-BFGS-B from every start, one after the other, keeping the best.

    This is what Hoffmann et al. describe and what Besiroglu et al. re-ran :cite:p:`hoffmann2022training,
    besiroglu2024chinchilla`. It is slow (minutes for the 4,500-point grid) and is here as the reference that
    :func:`fit_chinchilla` is tested and benchmarked against, and to show what the optimiser's stopping rule does:
    with ``reduce="mean"`` the objective is divided by the number of runs, so scipy's default tolerances
    (``ftol=2.2e-9``, ``gtol=1e-5``) stop it early.

    Parameters
    ----------
    N, D, loss, delta, starts
        As in :func:`fit_chinchilla`.
    reduce : {"sum", "mean"}
        Minimise the summed or the averaged Huber objective (the reported ``objective`` is always the sum).
    ftol, gtol : float
        L-BFGS-B's relative-reduction and projected-gradient tolerances, > 0.
    maxiter : int
        Iteration limit per start.

    Returns
    -------
    ChinchillaFit
    """
    from scipy.optimize import minimize

    N, D, loss = _check_chinchilla_data(N, D, loss)
    delta = as_scalar("delta", delta, positive=True)
    one_of("reduce", reduce, ("sum", "mean"))
    ftol, gtol = as_scalar("ftol", ftol, positive=True), as_scalar("gtol", gtol, positive=True)
    maxiter = as_int("maxiter", maxiter, minimum=1)
    theta0 = _chinchilla_starts(starts)
    x = (np.log(N), np.log(D))
    logl = np.log(loss)
    weights = np.full(N.size, 1.0 / N.size if reduce == "mean" else 1.0)

    def fun(th):
        return _huber_objective_grad(th, x, logl, weights, delta)

    thetas, fs, convs = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for th0 in theta0:
            res = minimize(fun, th0, jac=True, method="L-BFGS-B",
                           options={"ftol": ftol, "gtol": gtol, "maxiter": maxiter})
            thetas.append(res.x)
            fs.append(res.fun / weights[0] if np.isfinite(res.fun) else np.inf)
            convs.append(res.success)
    return _make_chinchilla_fit(np.array(thetas), np.array(fs), np.array(convs), N, D, loss, delta,
                                theta0.shape[0], "l-bfgs-b")


# --------------------------------------------------------------------------------------------------------------------
# Chapter 2: the compute-optimal frontier from runs (Hoffmann et al.'s Approaches 1 and 2).
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frontier:
    r"""Compute-optimal model sizes estimated at a set of budgets, and the power law through them,
    :math:`N_\mathrm{opt} = k\,C^{a}` (least squares in log-log).

    Attributes
    ----------
    C : numpy.ndarray
        Budgets (FLOPs).
    N_opt : numpy.ndarray
        Estimated compute-optimal parameters at each budget.
    loss_opt : numpy.ndarray
        Estimated minimum loss at each budget.
    method : str
        ``"envelope"`` (Approach 1) or ``"isoflop"`` (Approach 2).
    coef : numpy.ndarray
        For ``"isoflop"``: the parabola of each profile, rows ``(c2, c1, c0)`` of
        :math:`L = c_2 u^2 + c_1 u + c_0`, :math:`u = \ln N`; empty for ``"envelope"``.
    """

    C: np.ndarray
    N_opt: np.ndarray
    loss_opt: np.ndarray
    method: str
    coef: np.ndarray = field(default_factory=lambda: np.empty((0, 3)), repr=False)

    @property
    def D_opt(self) -> np.ndarray:
        """Compute-optimal tokens, :math:`C / 6N_\\mathrm{opt}`."""
        return self.C / (FLOPS_PER_PARAM_TOKEN * self.N_opt)

    @property
    def _line(self):
        return np.polyfit(np.log(self.C), np.log(self.N_opt), 1)

    @property
    def a(self) -> float:
        """Exponent of :math:`N_\\mathrm{opt} \\propto C^a`."""
        return float(self._line[0])

    @property
    def b(self) -> float:
        """Exponent of :math:`D_\\mathrm{opt} \\propto C^b` (``1 - a`` under :math:`C = 6ND`)."""
        return 1.0 - self.a

    def predict_N(self, C):
        """:math:`N_\\mathrm{opt}` from the fitted power law at budget(s) ``C`` (> 0)."""
        C = as_float_array("C", C, positive=True)
        slope, icpt = self._line
        out = np.exp(icpt) * C ** slope
        return out if out.ndim else float(out)


def isoflop_frontier(N, loss, budget):
    r"""Approach 2 of Hoffmann et al. :cite:p:`hoffmann2022training`: for each budget, fit a parabola to loss
    against :math:`\ln N` (the *IsoFLOP profile*) and take its vertex as :math:`N_\mathrm{opt}`.

    Parameters
    ----------
    N : array_like
        Parameters of each run, > 0.
    loss : array_like
        Final loss of each run, > 0.
    budget : array_like
        The budget (FLOPs) each run belongs to, > 0; runs with equal budgets form one profile, which needs at least
        3 distinct sizes and must curve upward.

    Returns
    -------
    Frontier

    Examples
    --------
    >>> N = np.tile(np.geomspace(1e8, 1e10, 7), 2)
    >>> C = np.repeat([1e19, 1e20], 7)
    >>> L = 1.7 + 400 * N**-0.34 + 400 * (C / (6 * N))**-0.28
    >>> fr = isoflop_frontier(N, L, C)
    >>> bool(fr.N_opt[1] > fr.N_opt[0])
    True
    """
    N, loss = paired_1d("N", N, "loss", loss, min_points=3)
    N, budget = paired_1d("N", N, "budget", budget, min_points=3)
    Cs = np.unique(budget)
    rows, n_opt, l_opt = [], [], []
    for C in Cs:
        sel = budget == C
        u = np.log(N[sel])
        if np.unique(u).size < 3:
            raise ValueError(f"the profile at budget {C:.3g} has {np.unique(u).size} distinct sizes; need 3")
        c2, c1, c0 = np.polyfit(u, loss[sel], 2)
        if c2 <= 0:
            raise ValueError(f"the profile at budget {C:.3g} curves downward (no minimum); add smaller and larger "
                             "models around its lowest loss")
        u_opt = -c1 / (2 * c2)
        rows.append((c2, c1, c0))
        n_opt.append(np.exp(u_opt))
        l_opt.append(c0 - c1 * c1 / (4 * c2))
    return Frontier(C=Cs, N_opt=np.array(n_opt), loss_opt=np.array(l_opt), method="isoflop", coef=np.array(rows))


def envelope_frontier(N, curve_C, curve_loss, C):
    r"""Approach 1 of Hoffmann et al. :cite:p:`hoffmann2022training`: at each budget in ``C``, the run whose training
    curve reaches the lowest loss there (the lower envelope of all curves, interpolated linearly in log-log between
    recorded points) gives :math:`N_\mathrm{opt}`.

    Parameters
    ----------
    N : array_like
        Parameters of each run, > 0, shape ``(runs,)``.
    curve_C : array_like
        Compute spent at each recorded point, > 0 and increasing along each row, shape ``(runs, points)``.
    curve_loss : array_like
        Loss at those points, > 0, same shape.
    C : array_like
        Budgets at which to read the envelope, > 0; each must lie within at least one curve.

    Returns
    -------
    Frontier
    """
    N = as_float_array("N", N, positive=True).ravel()
    cc = np.atleast_2d(as_float_array("curve_C", curve_C, positive=True))
    cl = np.atleast_2d(as_float_array("curve_loss", curve_loss, positive=True))
    C = as_float_array("C", C, positive=True).ravel()
    if cc.shape != cl.shape or cc.shape[0] != N.size:
        raise ValueError(f"curve_C and curve_loss must both have shape (runs, points) with {N.size} runs; got "
                         f"{cc.shape} and {cl.shape}")
    if np.any(np.diff(cc, axis=1) < 0):
        raise ValueError("curve_C must increase along each run")
    lc, ll, lC = np.log(cc), np.log(cl), np.log(C)
    vals = np.full((N.size, C.size), np.inf)
    for i in range(N.size):
        inside = (lC >= lc[i, 0]) & (lC <= lc[i, -1])
        vals[i, inside] = np.interp(lC[inside], lc[i], ll[i])
    if np.any(~np.isfinite(vals.min(axis=0))):
        raise ValueError("some budgets in C lie outside every training curve")
    best = np.argmin(vals, axis=0)
    return Frontier(C=C, N_opt=N[best], loss_opt=np.exp(vals[best, np.arange(C.size)]), method="envelope")


# --------------------------------------------------------------------------------------------------------------------
# Chapter 3: fitting broken neural scaling laws (Caballero et al. 2023) and the baselines M1-M4
# (Alabdulmohsin et al. 2022), all by the same objective: the mean squared error of log(y + offset).
# --------------------------------------------------------------------------------------------------------------------


class _OffsetLog:
    """Wrap a model that predicts y (``pred_jac``) into one that predicts log(y + offset), for :func:`_solve_batch`."""

    def __init__(self, model, offset):
        self.model, self.offset = model, offset
        self.bounds = getattr(model, "bounds", None)

    def log_pred_jac(self, theta, logx, with_jac=True):
        pred, jac = self.model.pred_jac(theta, logx, with_jac)
        shifted = pred + self.offset
        with np.errstate(invalid="ignore", divide="ignore"):
            logp = np.where(shifted > 0, np.log(np.where(shifted > 0, shifted, 1.0)), np.nan)
            return logp, (jac / shifted[:, None, :] if with_jac else None)


BNSL_MIN_SHARPNESS = 1e-3
"""Smallest break sharpness ``f`` :func:`fit_bnsl` considers: a break that sharp is already a corner at any
practical spacing of the data in ``log x``, and sharper ones differ from it only in where the optimiser drifts."""


class _BNSLModel:
    """y = a + exp(log b - c0 log x - sum_i c_i f_i softplus((log x - log d_i)/f_i)).

    theta = (a, log b, c0, c_1..c_n, log d_1..log d_n, log f_1..log f_n); ``a`` is kept >= a_min by a bound."""

    def __init__(self, n_breaks, logx, a_min=0.0):
        self.n = n_breaks
        self.a_min = -np.inf if a_min is None else a_min
        self.n_params = 3 + 3 * n_breaks
        lo, hi = logx.min(), logx.max()
        span = max(hi - lo, 1e-12)
        self.d_range = (lo - span, hi + span)  # a break further out than this is not identified by the data
        n = np.ones(n_breaks)
        self.bounds = (np.r_[self.a_min, -np.inf, -np.inf, -np.inf * n, self.d_range[0] * n,
                             np.log(BNSL_MIN_SHARPNESS) * n],
                       np.r_[np.inf, np.inf, np.inf, np.inf * n, self.d_range[1] * n, np.inf * n])

    def split(self, theta):
        n = self.n
        return (theta[:, 0:1], theta[:, 1:2], theta[:, 2:3], theta[:, 3:3 + n], theta[:, 3 + n:3 + 2 * n],
                theta[:, 3 + 2 * n:])

    def excess(self, theta, logx, with_parts=False):
        """log(y - a) for each row of theta (shape S x points), optionally with each break's u and softplus(u)."""
        _, logb, c0, c, logd, logf = self.split(theta)
        f = np.exp(logf)[:, :, None]
        u = (logx[None, None, :] - logd[:, :, None]) / f  # (S, breaks, points)
        sp = np.logaddexp(0.0, u)
        L = logb - c0 * logx - np.sum(c[:, :, None] * f * sp, axis=1)
        return (L, u, sp, f) if with_parts else L

    def pred_jac(self, theta, logx, with_jac=True):
        a, _, _, c, _, _ = self.split(theta)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            L, u, sp, f = self.excess(theta, logx, with_parts=True)
            g = np.exp(L)
            pred = a + g
            if not with_jac:
                return pred, None
            n, S = self.n, theta.shape[0]
            jac = np.empty((S, self.n_params, logx.size))
            jac[:, 0] = 1.0
            jac[:, 1] = g
            jac[:, 2] = -g * logx
            sig = np.exp(u - sp)  # logistic(u)
            cg = c[:, :, None] * g[:, None, :]
            jac[:, 3:3 + n] = -g[:, None, :] * f * sp
            jac[:, 3 + n:3 + 2 * n] = cg * sig
            jac[:, 3 + 2 * n:] = -cg * f * (sp - sig * u)
        return pred, jac



@dataclass(frozen=True)
class _CurveFit:
    """Shared by the fits of chapter 3: the objective, predictions and the RMSLE score."""

    objective: float
    offset: float
    converged: bool
    n_iter: int
    x: np.ndarray = field(repr=False, compare=False)
    y: np.ndarray = field(repr=False, compare=False)

    def predict(self, x):  # pragma: no cover  (each subclass defines it)
        raise NotImplementedError

    def rmsle(self, x, y) -> float:
        r"""Root mean squared log error of the fit on ``(x, y)``,
        :math:`\sqrt{\mathrm{mean}_i(\log\hat y(x_i) - \log y_i)^2}`, the score Caballero et al. and
        Alabdulmohsin et al. report for extrapolation :cite:p:`caballero2023broken,alabdulmohsin2022revisiting`.
        ``inf`` if the fit predicts a value <= 0 anywhere in ``x``.

        Parameters
        ----------
        x, y : array_like
            Points to score, > 0, 1-D, of equal length (e.g. the held-out larger ``x``).
        """
        x, y = paired_1d("x", x, "y", y, min_points=1)
        pred = self.predict(x)
        if np.any(pred <= 0):
            return float("inf")
        return float(np.sqrt(np.mean((np.log(pred) - np.log(y)) ** 2)))

    @property
    def train_rmsle(self) -> float:
        """:meth:`rmsle` on the fitted points."""
        return self.rmsle(self.x, self.y)


@dataclass(frozen=True)
class BNSLFit(_CurveFit):
    r"""Result of :func:`fit_bnsl` (or :func:`fit_bnsl_reference`): the law of :func:`book_utils.laws.bnsl`,

    .. math:: \hat y = a + b\,x^{-c_0} \prod_{i=1}^{n} \bigl(1 + (x/d_i)^{1/f_i}\bigr)^{-c_i f_i}.

    Attributes
    ----------
    a, b, c0 : float
        Limit, amplitude and first slope.
    c, d, f : tuple of float
        Per break (sorted by location ``d``): change of slope, location (units of ``x``), sharpness.
    objective : float
        The training objective at the optimum, :math:`\mathrm{mean}_i(\log(\hat y_i + o) - \log(y_i + o))^2` with
        ``o = offset``.
    offset : float
        The offset ``o`` inside the logarithms of the objective (1 in Caballero et al.'s code).
    converged : bool
        Whether the optimiser met its stopping rule at the best start.
    n_iter : int
        Iterations at the best start.
    n_starts : int
        Candidate starting points screened.
    method : str
        ``"multistart-lm"`` (:func:`fit_bnsl`) or ``"brute+curve_fit"`` (:func:`fit_bnsl_reference`).
    x, y : numpy.ndarray
        The fitted data.

    Methods
    -------
    rmsle(x, y)
        Root mean squared log error :math:`\sqrt{\mathrm{mean}(\log\hat y - \log y)^2}` on ``(x, y)``, the score
        of an extrapolation (``inf`` if the law predicts a value <= 0 there); the property ``train_rmsle`` gives it
        on the fitted points.
    """

    a: float = 0.0
    b: float = 1.0
    c0: float = 0.0
    c: tuple = ()
    d: tuple = ()
    f: tuple = ()
    n_starts: int = 0
    method: str = "multistart-lm"

    @property
    def n_breaks(self) -> int:
        """Number of breaks."""
        return len(self.c)

    @property
    def params(self) -> dict:
        """The fitted law as keyword arguments of :func:`book_utils.laws.bnsl`."""
        return {"a": self.a, "b": self.b, "c0": self.c0, "c": list(self.c), "d": list(self.d), "f": list(self.f)}

    def predict(self, x):
        """The fitted law at ``x`` (> 0)."""
        return bnsl(x, **self.params)

    def segments(self):
        """Amplitudes and slopes of the power-law segments (:func:`book_utils.laws.bnsl_segments`)."""
        return bnsl_segments(self.b, self.c0, self.c, self.d, self.f)


def _check_curve(x, y, n_params, offset):
    x, y = paired_1d("x", x, "y", y, min_points=n_params + 1)
    _check_distinct(x, n_params + 1)
    offset = as_scalar("offset", offset, nonnegative=True)
    return x, y, offset


def _msle(model, theta, logx, y, offset):
    """The objective mean((log(pred + o) - log(y + o))^2) of each row of ``theta``; inf where undefined."""
    logp, _ = _OffsetLog(model, offset).log_pred_jac(theta, logx, with_jac=False)
    with np.errstate(invalid="ignore"):
        f = np.mean((logp - np.log(y + offset)) ** 2, axis=-1)
    return np.where(np.isfinite(f), f, np.inf)


def _polish(model, starts, logx, y, offset, keep, max_iter=300):
    """Screen ``starts`` by the objective, run the batched Levenberg–Marquardt solver from the ``keep`` best,
    return (theta, objective, n_iter, converged) of the best."""
    f0 = _msle(model, starts, logx, y, offset)
    order = np.argsort(f0)[:keep]
    order = order[np.isfinite(f0[order])]
    if order.size == 0:
        raise ValueError("no starting point gives a finite objective; check that y is a sensible curve")
    w = np.full((order.size, y.size), 1.0 / y.size)
    theta, f, n_iter, conv = _solve_batch(_OffsetLog(model, offset), starts[order], logx, y + offset, w,
                                          space="log", loss="squared", delta=1.0, relative=True, max_iter=max_iter)
    best = int(np.argmin(f))
    # the solver minimises sum_i w_i r_i^2 / 2; the objective reported is mean_i r_i^2
    return theta[best], 2.0 * float(f[best]), int(n_iter[best]), bool(conv[best])


def _bnsl_starts(model, logx, y, offset, n_starts, rng):
    r"""Random candidate starts for the nonlinear parameters, each completed by the floor and amplitude that best fit
    it: for fixed slopes, locations and sharpnesses the law is linear in (a, b), solved in closed form by least
    squares weighted by 1/(y + o)^2 (first order in the log residuals), with a >= a_min and b > 0."""
    n = model.n
    lo, hi = logx.min(), logx.max()
    span = hi - lo
    theta = np.empty((n_starts, model.n_params))
    theta[:, 2] = rng.uniform(-1.0, 2.0, n_starts)  # c0
    theta[:, 3:3 + n] = rng.uniform(-4.0, 8.0, (n_starts, n))  # c_i
    theta[:, 3 + n:3 + 2 * n] = np.sort(rng.uniform(lo - 0.25 * span, hi + 0.25 * span, (n_starts, n)), axis=1)
    theta[:, 3 + 2 * n:] = rng.uniform(np.log(0.01), np.log(5.0), (n_starts, n))  # log f_i
    theta[:, 1] = 0.0
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        h = np.exp(model.excess(theta, logx))  # y = a + b h
        w = 1.0 / (y + offset) ** 2
        sw, sh, shh = w.sum(), h @ w, (h * h) @ w
        sy, shy = w @ y, (h * y) @ w
        det = sw * shh - sh * sh
        b = (sw * shy - sh * sy) / det
        a = (sy - b * sh) / sw
        if np.isfinite(model.a_min):  # below the bound: refit b with a on the bound
            clip = ~(a >= model.a_min)
            b = np.where(clip, (shy - model.a_min * sh) / shh, b)
            a = np.where(clip, model.a_min, a)
    ok = np.isfinite(a) & np.isfinite(b) & (b > 0)
    theta[:, 0] = a
    theta[:, 1] = np.log(np.where(ok, b, 1.0))
    return theta[ok]


def _bnsl_fit(model, theta, f, n_iter, conv, x, y, offset, n_starts, method):
    a, logb, c0, c, logd, logf = (v[0] for v in model.split(theta[None, :]))
    order = np.argsort(logd)
    return BNSLFit(objective=f, offset=offset, converged=conv, n_iter=n_iter, x=x, y=y, a=float(a[0]),
                   b=float(np.exp(logb[0])), c0=float(c0[0]), c=tuple(map(float, c[order])),
                   d=tuple(map(float, np.exp(logd[order]))), f=tuple(map(float, np.exp(logf[order]))),
                   n_starts=n_starts, method=method)


def fit_bnsl(x, y, n_breaks=1, *, seed=0, offset=1.0, a_min=0.0, n_starts=None, keep=32):
    r"""Fit a broken neural scaling law (:func:`book_utils.laws.bnsl`) with ``n_breaks`` breaks.

    Minimises Caballero et al.'s objective, the mean squared log error
    :math:`\mathrm{mean}_i\bigl(\log(\hat y_i + o) - \log(y_i + o)\bigr)^2` with :math:`o = 1`
    :cite:p:`caballero2023broken`. They search a grid of about 160,000 points (:func:`fit_bnsl_reference`) and
    polish the best with ``scipy.optimize.curve_fit``. Here:

    1. ``n_starts`` random slopes, locations and sharpnesses (seeded), each completed by the floor and amplitude
       that fit it best (the law is linear in them: a weighted least-squares solve in closed form, batched);
    2. the ``keep`` best candidates are polished together by a batched Levenberg–Marquardt iteration with the
       analytic Jacobian, the sharpnesses and locations in logarithms (so they stay positive), the floor
       held at :math:`a \ge` ``a_min`` (default 0: a loss or error cannot fall below zero; the authors'
       ``curve_fit`` leaves it free, as ``a_min=None`` does), each sharpness at :math:`f_i \ge`
       :data:`BNSL_MIN_SHARPNESS`, and each break within one data span (in :math:`\log x`) of the data: the data
       say nothing about a break further out.

    Breaks commute (the factors multiply), so the result lists them by increasing location.

    Parameters
    ----------
    x : array_like
        Scale of each point, > 0, 1-D, at least ``3*n_breaks + 4`` distinct values.
    y : array_like
        Measured loss or error, > 0, same length.
    n_breaks : int
        Number of breaks, >= 0 (0 fits :math:`a + b x^{-c_0}`).
    seed : int
        Seed of the random starts.
    offset : float
        The ``o`` inside the logarithms, >= 0. With 1 (the authors' choice) errors of ``y`` much below 1 count
        nearly linearly; with 0 they count relatively (pure log space).
    a_min : float or None
        Lower bound of the limit ``a`` (0: a loss or error cannot fall below zero). ``None`` leaves ``a`` free, as
        the authors' ``curve_fit`` does; a noisy curve can then be fitted slightly better by a law that predicts
        negative values at large ``x``.
    n_starts : int, optional
        Candidate starts; default ``2000 * 4**n_breaks`` (8,000 for one break).
    keep : int
        Candidates polished, >= 1.

    Returns
    -------
    BNSLFit

    Examples
    --------
    >>> import numpy as np
    >>> from book_utils.laws import bnsl
    >>> x = np.geomspace(10, 1e4, 15)
    >>> y = bnsl(x, a=0.1, b=3.0, c0=0.2, c=[0.8], d=[300.0], f=[0.3])
    >>> fit = fit_bnsl(x, y)
    >>> round(fit.d[0]), round(fit.c[0], 2), fit.objective < 1e-12
    (300, 0.8, True)
    """
    n_breaks = as_int("n_breaks", n_breaks)
    x, y, offset = _check_curve(x, y, 3 + 3 * n_breaks, offset)
    if a_min is not None:
        a_min = as_scalar("a_min", a_min)
    model = _BNSLModel(n_breaks, np.log(x), a_min)
    n_starts = 2000 * 4 ** n_breaks if n_starts is None else as_int("n_starts", n_starts, minimum=1)
    keep = as_int("keep", keep, minimum=1)
    logx = np.log(x)
    starts = _bnsl_starts(model, logx, y, offset, n_starts, np.random.default_rng(as_int("seed", seed)))
    theta, f, n_iter, conv = _polish(model, starts, logx, y, offset, keep)
    return _bnsl_fit(model, theta, f, n_iter, conv, x, y, offset, n_starts, "multistart-lm")


BNSL_AUTHORS_GRID = ((0.0, 1.0, 0.1), (0.0, 40.0, 2.5), (0.0, 1.0, 0.25), (0.0, 1.0, 0.25), (0.0, 40.0, 2.5),
                     (0.0, 1.0, 0.25))
"""The grid of Caballero et al.'s one-break fit, ``(start, stop, step)`` for ``(a, p_b, c0, c1, p_d, f1)`` with
``b = 1.25**p_b - 0.9`` and ``d1`` likewise: 10 x 16 x 4 x 4 x 16 x 4 = 163,840 points (the script fitting
4-digit addition in the authors' code repository :cite:p:`caballero2023broken`)."""


def _bnsl1(x, a, b, c0, c1, d1, f1):
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        return a + b * x ** (-c0) * (1.0 + (x / d1) ** (1.0 / f1)) ** (-c1 * f1)


def _authors_grid_objective(p, x, y, shift):
    a, pb, c0, c1, pd, f1 = p
    yhat = _bnsl1(x, a, 1.25 ** pb - shift, c0, c1, 1.25 ** pd - shift, f1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean((np.log(yhat + 1) - np.log(y + 1)) ** 2)


def fit_bnsl_reference(x, y, *, grid=BNSL_AUTHORS_GRID, shift=0.9, workers=1):
    r"""Caballero et al.'s two-stage fit of a one-break BNSL, re-implemented as their code describes it
    :cite:p:`caballero2023broken`: ``scipy.optimize.brute`` over ``grid`` minimising
    :math:`\mathrm{mean}(\log(\hat y+1) - \log(y+1))^2`, then ``scipy.optimize.curve_fit`` of
    :math:`\log(\hat y+1)` to :math:`\log(y+1)` from the best grid point, all parameters free.

    The reference for :func:`fit_bnsl` (same objective, ``offset=1``) in ``bench/bnsl_speed.py`` and the tests.

    Parameters
    ----------
    x, y : array_like
        Data, > 0, 1-D, at least 7 distinct ``x``.
    grid : sequence of 6 (start, stop, step)
        Grid for ``(a, p_b, c0, c1, p_d, f1)`` (:data:`BNSL_AUTHORS_GRID`); ``b`` and ``d1`` enter as
        ``1.25**p - shift``.
    shift : float
        0.9 in the script that fits the 4-digit-addition data (whose grid is :data:`BNSL_AUTHORS_GRID`), so that
        ``b`` and ``d1`` start at 0.1; the script of the noiseless simulation uses ``1 - 1e-8`` with another grid.
    workers : int
        Processes for the grid search (``-1``: all cores, as the authors ran it).

    Returns
    -------
    BNSLFit
        With ``method="brute+curve_fit"``; ``converged`` is whether ``curve_fit`` returned without an error.
    """
    from scipy.optimize import OptimizeWarning, brute, curve_fit

    x, y, _ = _check_curve(x, y, 6, 1.0)
    if len(grid) != 6 or any(len(g) != 3 for g in grid):
        raise ValueError("grid must give (start, stop, step) for each of a, p_b, c0, c1, p_d, f1")
    slices = tuple(slice(*g) for g in grid)
    n_grid = int(np.prod([np.arange(*g).size for g in grid]))
    shift = as_scalar("shift", shift)
    p = brute(_authors_grid_objective, slices, args=(x, y, shift), full_output=False, finish=None, workers=workers)
    p0 = [p[0], 1.25 ** p[1] - shift, p[2], p[3], 1.25 ** p[4] - shift, p[5]]

    def log1p_model(x_, *q):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(_bnsl1(x_, *q) + 1)

    try:
        with warnings.catch_warnings():  # "covariance could not be estimated" is expected at a degenerate start
            warnings.simplefilter("ignore", OptimizeWarning)
            popt, _ = curve_fit(log1p_model, x, np.log(y + 1), p0=p0, maxfev=100_000)
        ok = True
    except RuntimeError:
        popt, ok = np.asarray(p0), False
    a, b, c0, c1, d1, f1 = map(float, popt)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = float(np.mean((np.log(_bnsl1(x, *popt) + 1) - np.log(y + 1)) ** 2))
    return BNSLFit(objective=f if np.isfinite(f) else float("inf"), offset=1.0, converged=ok, n_iter=0, x=x, y=y,
                   a=a, b=b, c0=c0, c=(c1,), d=(d1,), f=(f1,), n_starts=n_grid, method="brute+curve_fit")


class _M1Model:
    """y = exp(log beta + c log x); theta = (log beta, c)."""

    n_params = 2

    @staticmethod
    def pred_jac(theta, logx, with_jac=True):
        with np.errstate(over="ignore"):
            pred = np.exp(theta[:, 0:1] + theta[:, 1:2] * logx)
        return pred, (np.stack([pred, pred * logx], axis=1) if with_jac else None)

    @staticmethod
    def params(t):
        return {"beta": float(np.exp(t[0])), "c": float(t[1])}

    @staticmethod
    def starts(logx, y, eps0):
        c = np.linspace(-3.0, 1.0, 41)
        return np.column_stack([np.mean(np.log(y) - c[:, None] * logx, axis=1), c])


class _M2Model:
    """y = eps_inf + exp(log beta + c log x); theta = (eps_inf, log beta, c), eps_inf >= 0 by a bound."""

    n_params = 3

    @staticmethod
    def pred_jac(theta, logx, with_jac=True):
        with np.errstate(over="ignore"):
            g = np.exp(theta[:, 1:2] + theta[:, 2:3] * logx)
        pred = theta[:, 0:1] + g
        return pred, (np.stack([np.ones_like(g), g, g * logx], axis=1) if with_jac else None)

    bounds = (np.array([0.0, -np.inf, -np.inf]), np.full(3, np.inf))

    @staticmethod
    def params(t):
        return {"eps_inf": float(t[0]), "beta": float(np.exp(t[1])), "c": float(t[2])}

    @staticmethod
    def starts(logx, y, eps0):
        e, c = np.meshgrid(y.min() * np.array([0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99]), np.linspace(-3, 0.5, 36))
        e, c = e.ravel(), c.ravel()
        logb = np.mean(np.log(y - e[:, None]) - c[:, None] * logx, axis=1)
        return np.column_stack([e, logb, c])


class _M3Model:
    """y = exp(log beta + c log(1/x + gamma)); theta = (log beta, log gamma, c)."""

    n_params = 3

    @staticmethod
    def pred_jac(theta, logx, with_jac=True):
        gamma = np.exp(theta[:, 1:2])
        v = np.exp(-logx) + gamma
        with np.errstate(over="ignore"):
            pred = np.exp(theta[:, 0:1] + theta[:, 2:3] * np.log(v))
        if not with_jac:
            return pred, None
        return pred, np.stack([pred, pred * theta[:, 2:3] * gamma / v, pred * np.log(v)], axis=1)

    @staticmethod
    def params(t):
        return {"beta": float(np.exp(t[0])), "gamma": float(np.exp(t[1])), "c": float(t[2])}

    @staticmethod
    def starts(logx, y, eps0):
        g, c = np.meshgrid(np.geomspace(1e-3 * np.exp(-logx.max()), 1e2 * np.exp(-logx.min()), 21),
                           np.linspace(-1.0, 3.0, 41))
        g, c = g.ravel(), c.ravel()
        logv = np.log(np.exp(-logx) + g[:, None])
        return np.column_stack([np.mean(np.log(y) - c[:, None] * logv, axis=1), np.log(g), c])


_M4_MAX_ALPHA = 10.0
_M4_MAX_LOG_BETA = 300.0


class _M4Model:
    """(y - eps_inf)/(eps0 - y)^alpha = exp(log beta + c log x); theta = (eps_inf, log beta, c, alpha) with
    0 <= eps_inf < eps0 and alpha >= 0 by bounds; derivatives by implicit differentiation."""

    n_params = 4

    def __init__(self, eps0):
        self.eps0 = eps0
        # alpha and beta can run off together to infinity along a valley of near-equal fits: keep them finite
        self.bounds = (np.array([0.0, -_M4_MAX_LOG_BETA, -np.inf, 0.0]),
                       np.array([eps0 * (1 - 1e-9), _M4_MAX_LOG_BETA, np.inf, _M4_MAX_ALPHA]))

    def pred_jac(self, theta, logx, with_jac=True):
        from .laws import _m4_solve

        e_inf, alpha = theta[:, 0:1], theta[:, 3:4]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pred = _m4_solve(theta[:, 1:2] + theta[:, 2:3] * logx, e_inf, self.eps0, alpha)
            if not with_jac:
                return pred, None
            u, v = pred - e_inf, self.eps0 - pred
            g_eps = 1.0 / u + np.where(alpha > 0, alpha / v, 0.0)
            log_v = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), 0.0)
            jac = np.stack([1.0 / u, np.ones_like(u), np.broadcast_to(logx, u.shape), log_v], axis=1) / g_eps[:, None]
        return pred, jac


    @staticmethod
    def params(t):
        return {"eps_inf": float(t[0]), "beta": float(np.exp(t[1])), "c": float(t[2]), "alpha": float(t[3])}

    @staticmethod
    def starts(logx, y, eps0):
        e, al, c = np.meshgrid(y.min() * np.array([0.0, 0.4, 0.8, 0.95]), [0.0, 0.1, 0.3, 1.0, 3.0],
                               np.linspace(-3, 0.5, 36))
        e, al, c = e.ravel(), al.ravel(), c.ravel()
        logb = np.mean(np.log(y - e[:, None]) - al[:, None] * np.log(eps0 - y) - c[:, None] * logx, axis=1)
        return np.column_stack([e, logb, c, al])


_BASELINES = {"M1": (_M1Model, m1), "M2": (_M2Model, m2), "M3": (_M3Model, m3), "M4": (_M4Model, m4)}
BASELINE_FORMS = tuple(_BASELINES)
"""Names of the baselines of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting`: ``"M1"`` to ``"M4"``."""


@dataclass(frozen=True)
class BaselineFit(_CurveFit):
    r"""Result of :func:`fit_baseline`: one of the forms M1–M4 of Alabdulmohsin et al.
    (:func:`book_utils.laws.m1` to :func:`book_utils.laws.m4`).

    Attributes
    ----------
    form : str
        ``"M1"``, ``"M2"``, ``"M3"`` or ``"M4"``.
    params : dict
        The fitted parameters as keyword arguments of the form's function in :mod:`book_utils.laws` (``eps0``
        included for M4).
    objective, offset, converged, n_iter, x, y
        As in :class:`BNSLFit`.

    Methods
    -------
    rmsle(x, y)
        As for :class:`BNSLFit` (and the property ``train_rmsle``).
    """

    form: str = "M1"
    params: dict = field(default_factory=dict)

    def predict(self, x):
        """The fitted law at ``x`` (> 0)."""
        return _BASELINES[self.form][1](x, **self.params)


def fit_baseline(form, x, y, *, eps0=None, offset=1.0, keep=16):
    r"""Fit one of the baselines M1–M4 of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting` by the same
    objective as :func:`fit_bnsl`, :math:`\mathrm{mean}_i(\log(\hat y_i + o) - \log(y_i + o))^2`, so that
    extrapolation compares forms rather than fitting procedures. (Alabdulmohsin et al. fit each form their own
    way; the forms, not their estimators, are what this book compares.)

    A grid of starts (exponents, floors, and for M4 the shape :math:`\alpha`), each completed by the amplitude
    that matches the data on average, is screened and the best ``keep`` are polished by the batched
    Levenberg–Marquardt solver, floors kept in range by bounds (and for M4, :math:`0 \le \alpha \le 10` and
    :math:`|\log\beta| \le 300`: without them the fit can drift along a valley where both grow without limit).

    Parameters
    ----------
    form : {"M1", "M2", "M3", "M4"}
        The functional form (:func:`book_utils.laws.m1` ... :func:`book_utils.laws.m4`).
    x, y : array_like
        Data, > 0, 1-D, with more distinct ``x`` than the form has parameters.
    eps0 : float, optional
        M4 only (required there): the random-guess error or loss, > max(y).
    offset : float
        The ``o`` inside the logarithms, >= 0 (1, as for the BNSL fits).
    keep : int
        Starts polished, >= 1.

    Returns
    -------
    BaselineFit

    Examples
    --------
    >>> import numpy as np
    >>> x = np.geomspace(10, 1e4, 12)
    >>> fit = fit_baseline("M2", x, 0.2 + 3.0 * x**-0.5)
    >>> {k: round(v, 4) for k, v in fit.params.items()}
    {'eps_inf': 0.2, 'beta': 3.0, 'c': -0.5}
    """
    one_of("form", form, BASELINE_FORMS)
    cls = _BASELINES[form][0]
    if form == "M4":
        if eps0 is None:
            raise ValueError("M4 needs eps0, the error or loss of a random guess (the curve's ceiling)")
        eps0 = as_scalar("eps0", eps0, positive=True)
        model = cls(eps0)
    else:
        if eps0 is not None:
            raise ValueError(f"eps0 is a parameter of M4 only; got eps0={eps0!r} for {form}")
        model = cls()
    x, y, offset = _check_curve(x, y, model.n_params, offset)
    if form == "M4" and eps0 <= y.max():
        raise ValueError(f"eps0 must exceed every y (it is the random-guess ceiling); got eps0={eps0!r}, "
                         f"max(y)={y.max()!r}")
    keep = as_int("keep", keep, minimum=1)
    logx = np.log(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        starts = model.starts(logx, y, eps0)
    starts = starts[np.all(np.isfinite(starts), axis=1)]
    theta, f, n_iter, conv = _polish(model, starts, logx, y, offset, keep)
    params = model.params(theta) | ({"eps0": eps0} if form == "M4" else {})
    return BaselineFit(objective=f, offset=offset, converged=conv, n_iter=n_iter, x=x, y=y, form=form,
                       params=params)


@dataclass(frozen=True)
class Extrapolation:
    """Result of :func:`compare_extrapolation`: every form fitted to the first ``n_train`` points and scored on
    the rest.

    Attributes
    ----------
    n_train : int
        Points fitted (the smallest ``x``); the others are held out.
    fits : dict
        ``{form: fit}``, a :class:`BNSLFit` under ``"BNSL"`` and :class:`BaselineFit` under ``"M1"`` ... ``"M4"``.
    train_rmsle, test_rmsle : dict
        ``{form: RMSLE}`` on the fitted and on the held-out points.
    """

    n_train: int
    fits: dict
    train_rmsle: dict
    test_rmsle: dict

    @property
    def best(self) -> str:
        """The form with the lowest held-out RMSLE."""
        return min(self.test_rmsle, key=self.test_rmsle.get)


def compare_extrapolation(x, y, n_train, *, forms=None, n_breaks=1, eps0=None, offset=1.0, seed=0):
    r"""Caballero et al.'s extrapolation test :cite:p:`caballero2023broken`: fit each form to the points with the
    ``n_train`` smallest ``x`` and score its RMSLE (the fits' ``rmsle`` method) on the larger, held-out ones.

    Parameters
    ----------
    x, y : array_like
        The whole curve, > 0, 1-D (sorted here by ``x``).
    n_train : int
        Points to fit; at least one more than the largest form has parameters and fewer than ``len(x)``.
    forms : sequence of str, optional
        Among ``"BNSL"``, ``"M1"`` ... ``"M4"``; default all (M4 only if ``eps0`` is given).
    n_breaks : int
        Breaks of the BNSL fit.
    eps0 : float, optional
        Random-guess error for M4.
    offset : float
        The ``o`` of the fitting objective (:func:`fit_bnsl`).
    seed : int
        Seed of the BNSL fit's starts.

    Returns
    -------
    Extrapolation
    """
    x, y = paired_1d("x", x, "y", y, min_points=2)
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    n_train = as_int("n_train", n_train, minimum=1)
    if n_train >= x.size:
        raise ValueError(f"n_train must leave points to extrapolate to; got n_train={n_train} of {x.size} points")
    if forms is None:
        forms = ("BNSL", *BASELINE_FORMS[:3], *(("M4",) if eps0 is not None else ()))
    forms = tuple(forms)
    for form in forms:
        one_of("form", form, ("BNSL", *BASELINE_FORMS))
    fits = {}
    for form in forms:
        if form == "BNSL":
            fits[form] = fit_bnsl(x[:n_train], y[:n_train], n_breaks, seed=seed, offset=offset)
        else:
            fits[form] = fit_baseline(form, x[:n_train], y[:n_train], eps0=eps0 if form == "M4" else None,
                                      offset=offset)
    train = {k: fit.train_rmsle for k, fit in fits.items()}
    test = {k: fit.rmsle(x[n_train:], y[n_train:]) for k, fit in fits.items()}
    return Extrapolation(n_train=n_train, fits=fits, train_rmsle=train, test_rmsle=test)


# --------------------------------------------------------------------------------------------------------------------
# Kaplan et al.'s L(N, D), eq. 4.1, fitted to a reader's runs (used by ``python -m book_utils fit --law kaplan``).
# --------------------------------------------------------------------------------------------------------------------


class _KaplanNDModel:
    """log L = alpha_D * LSE(u, v), u = (alpha_N/alpha_D)(log N_c - log N), v = log D_c - log D;
    theta = (log N_c, log D_c, alpha_N, alpha_D). ``x`` is the pair (log N, log D)."""

    names = ("N_c", "D_c", "alpha_N", "alpha_D")
    n_params = 4
    bounds = (np.array([-np.inf, -np.inf, 1e-4, 1e-4]), np.full(4, np.inf))

    @staticmethod
    def log_pred_jac(theta, x, with_jac=True):
        logn, logd = x
        lnc, ldc, an, ad = (theta[:, j:j + 1] for j in range(4))
        gap = lnc - logn
        u, v = (an / ad) * gap, ldc - logd
        S = np.logaddexp(u, v)
        logy = ad * S
        if not with_jac:
            return logy, None
        su, sv = np.exp(u - S), np.exp(v - S)
        jac = np.stack([an * su, ad * sv, su * gap, S - su * u], axis=1)
        return logy, jac


@dataclass(frozen=True)
class KaplanFit:
    r"""Result of :func:`fit_kaplan`: :math:`\hat L = [(N_c/N)^{\alpha_N/\alpha_D} + D_c/D]^{\alpha_D}`.

    Attributes
    ----------
    N_c, D_c : float
        Scales of the parameter and data terms (parameters, tokens).
    alpha_N, alpha_D : float
        Exponents.
    objective : float
        Mean squared error of :math:`\log \hat L - \log L` at the optimum.
    converged : bool
        Whether the optimiser met its stopping rule at the best start.
    N, D, loss : numpy.ndarray
        The fitted data.
    """

    N_c: float
    D_c: float
    alpha_N: float
    alpha_D: float
    objective: float
    converged: bool
    N: np.ndarray = field(repr=False, compare=False)
    D: np.ndarray = field(repr=False, compare=False)
    loss: np.ndarray = field(repr=False, compare=False)

    names = _KaplanNDModel.names

    @property
    def params(self) -> dict:
        """The fitted constants as a ``{name: value}`` dict."""
        return {name: getattr(self, name) for name in self.names}

    def predict(self, N, D):
        """The fitted law at ``(N, D)`` (> 0, broadcast)."""
        return kaplan_nd_law(N, D, **self.params)


def fit_kaplan(N, D, loss, *, keep=16):
    r"""Fit Kaplan et al.'s joint law of model size and data, eq. 4.1 :cite:p:`kaplan2020scaling`,

    .. math:: L(N, D) = \left[\left(\frac{N_c}{N}\right)^{\alpha_N/\alpha_D} + \frac{D_c}{D}\right]^{\alpha_D},

    by least squares on :math:`\log L` (:func:`book_utils.laws.kaplan_loss_nd` has their constants). A grid of
    720 starts (exponents around Kaplan's, scales from the data's largest ``N`` and ``D`` up to 30 e-folds beyond)
    is screened and the ``keep`` best are polished by the batched Levenberg–Marquardt solver. The law has no
    irreducible term: it suits runs far from their entropy floor, as Kaplan et al.'s were.

    Parameters
    ----------
    N, D, loss : array_like
        Parameters, tokens and final loss of each run, > 0, 1-D, equal length, at least 5 runs.
    keep : int
        Starts polished, >= 1.

    Returns
    -------
    KaplanFit
    """
    N, loss_ = paired_1d("N", N, "loss", loss, min_points=5)
    D, _ = paired_1d("D", D, "loss", loss, min_points=5)
    keep = as_int("keep", keep, minimum=1)
    x = (np.log(N), np.log(D))
    an, ad, gn, gd = np.meshgrid([0.03, 0.076, 0.15, 0.3, 0.6], [0.05, 0.103, 0.2, 0.4],
                                 [0.0, 2.0, 5.0, 10.0, 20.0, 30.0], [0.0, 2.0, 5.0, 10.0, 20.0, 30.0])
    starts = np.column_stack([x[0].max() + gn.ravel(), x[1].max() + gd.ravel(), an.ravel(), ad.ravel()])
    w_all = np.full((starts.shape[0], N.size), 1.0 / N.size)
    f0 = _objective(_KaplanNDModel, starts, x, np.log(loss_), loss_, w_all, "log", "squared", 1.0)
    order = np.argsort(f0)[:keep]
    w = np.full((order.size, N.size), 1.0 / N.size)
    theta, f, _, conv = _solve_batch(_KaplanNDModel, starts[order], x, loss_, w, space="log", loss="squared",
                                     delta=1.0, relative=True)
    best = int(np.argmin(f))
    lnc, ldc, a_n, a_d = theta[best]
    return KaplanFit(N_c=float(np.exp(lnc)), D_c=float(np.exp(ldc)), alpha_N=float(a_n), alpha_D=float(a_d),
                     objective=2.0 * float(f[best]), converged=bool(conv[best]), N=N, D=D, loss=loss_)
