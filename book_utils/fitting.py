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
from .compute import FLOPS_PER_PARAM_TOKEN
from .laws import chinchilla_loss, power_law, saturating_power_law

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


def _solve_batch(model, theta0, logx, y, w, *, space, loss, delta, max_iter=300, ftol=1e-12, xtol=1e-7):
    """Minimise the weighted objective from each row of ``theta0`` (shape S x p). ``w`` has shape (S, n).

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
        diag = np.einsum("spp->sp", hess)
        damp = lam[active, None, None] * (diag[:, :, None] * eye + 1e-12 * eye)
        try:
            step = -np.linalg.solve(hess + damp, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular system: take a tiny gradient step instead
            step = -grad * 1e-6
        step = step.astype(theta.dtype, copy=False)
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
