r"""A scaling lab: real training runs, in seconds, with a known ground truth.

Introduced in chapter 2 (Chinchilla, "Three ways to find the compute-optimal frontier"). Hoffmann et al. trained over
400 language models to find how parameters and tokens should grow with compute :cite:p:`hoffmann2022training`; a
reader can run the same experiments here on a model family whose scaling law can be derived with pen and paper.

**The data.** Inputs :math:`x \in \mathbb R^\infty` have independent Gaussian features with variances
:math:`\lambda_k = k^{-\nu}` (the *spectrum*, :math:`\nu > 1`); the target is a linear teacher plus noise,

.. math:: y = \sum_{k\ge1} w^*_k x_k + \varepsilon, \qquad \lambda_k (w^*_k)^2 = k^{-\rho}, \qquad
          \varepsilon \sim \mathcal N(0, \sigma^2),

so feature :math:`k` carries signal power :math:`k^{-\rho}` (:math:`\rho > 1`, the *signal* exponent) and no model
can beat the loss :math:`E = \sigma^2`. This is the power-law "teacher" of the random-feature models of Maloney,
Roberts & Sully and Bahri et al. :cite:p:`maloney2022solvable,bahri2021explaining`, in its eigenbasis.

**The model family.** A model of size :math:`N` is linear in the first :math:`N` features,
:math:`\hat y = \sum_{k\le N} w_k x_k`: :math:`N` parameters. Its loss is the mean squared error on fresh data,
computed exactly from the weights,

.. math:: L(w) = \sigma^2 + \sum_{k>N} k^{-\rho} + \sum_{k\le N} \lambda_k (w_k - w^*_k)^2 .

**Training.** One pass of mini-batch SGD from :math:`w = 0` over :math:`D` fresh samples (every sample seen once,
as every token is in a large language-model run), batch size :math:`b`, a cosine learning-rate schedule from
:math:`\eta_0` down to :math:`\eta_0/10` over the run's own length (as Hoffmann et al. do). Compute is counted as
for a transformer, :math:`C = 6ND` "FLOPs".

**The ground truth.** In the gradient-flow limit mode :math:`k` decays as :math:`e^{-2\lambda_k\tau}` after
"time" :math:`\tau = \bar\eta D / b` (:math:`\bar\eta` the schedule's mean). Summing over modes (continuum limit):

.. math:: L(N, D) = E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}}\,
          Q\!\left(\beta,\; 2\tau N^{-\nu}\right),\qquad
          \alpha = \rho - 1,\quad \beta = \frac{\rho-1}{\nu},\quad A = \frac1\alpha,\quad
          B = \frac{\Gamma(\beta)}{\nu}\Bigl(\frac{2\bar\eta}{b}\Bigr)^{-\beta},

with :math:`Q` the regularised upper incomplete gamma function (:math:`Q \to 1` when the model is much larger than
what the data can fill). With :math:`Q = 1` this is exactly Chinchilla's form; near the compute-optimal frontier,
though, :math:`Q` is well below 1 (a model there has nearly learned all it can hold), so the loss behaves more like
the larger of the two terms than their sum, and fitting the additive form to the lab biases its exponents (chapter 2
measures by how much). Gradient noise adds a few percent that the law leaves out: :meth:`ScalingLab.expected_loss`
computes the exact mean of the SGD runs. The law is homogeneous,
:math:`L - E = N^{-\alpha} F(D/N^{\nu})`, so under :math:`C = 6ND` the compute-optimal size grows as
:math:`N_\mathrm{opt} \propto C^{a}` with :math:`a = 1/(1+\nu) = \beta/(\alpha+\beta)` exactly, and
:math:`D_\mathrm{opt} \propto C^{1-a}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import gamma, gammaincc, zeta

from ._validation import as_float_array, as_int, as_scalar
from .compute import FLOPS_PER_PARAM_TOKEN

__all__ = ["ScalingLab", "Runs", "FeatureCurve", "random_features_curve"]

_FINAL_LR_FRACTION = 0.1  # cosine decay to 10% of the peak, as Hoffmann et al.
_MEAN_LR_FACTOR = (1 + _FINAL_LR_FRACTION) / 2  # mean of that schedule over the run, as a fraction of the peak


@dataclass(frozen=True)
class Runs:
    """Training runs of the lab: one row per run.

    Attributes
    ----------
    N : numpy.ndarray
        Model sizes (parameters), integers.
    D : numpy.ndarray
        Training samples ("tokens") of each run, a whole number of batches.
    loss : numpy.ndarray
        Final loss of each run (exact population loss of its final weights).
    budget : numpy.ndarray
        The nominal compute budget of the sweep each run belongs to (FLOPs); ``nan`` for runs outside a sweep.
    curve_D : numpy.ndarray
        Shape ``(n_runs, n_records)``: samples seen at each recorded point of each run (the last column is ``D``).
    curve_loss : numpy.ndarray
        Shape ``(n_runs, n_records)``: loss at those points. Midway through a run the learning rate has not yet
        decayed, so these are *not* the losses of shorter runs.
    seed : int
        The seed of the data stream (all runs of one call see the same samples in the same order).
    """

    N: np.ndarray
    D: np.ndarray
    loss: np.ndarray
    budget: np.ndarray
    curve_D: np.ndarray = field(repr=False)
    curve_loss: np.ndarray = field(repr=False)
    seed: int = 0

    @property
    def C(self) -> np.ndarray:
        """Compute of each run, :math:`6ND` FLOPs."""
        return FLOPS_PER_PARAM_TOKEN * self.N * self.D

    @property
    def curve_C(self) -> np.ndarray:
        """Compute spent at each recorded point, :math:`6N \\times` samples seen."""
        return FLOPS_PER_PARAM_TOKEN * self.N[:, None] * self.curve_D

    @property
    def budgets(self) -> np.ndarray:
        """The distinct nominal budgets of the sweep, ascending."""
        return np.unique(self.budget[np.isfinite(self.budget)])

    def __len__(self) -> int:
        return int(self.N.size)

    def select(self, mask) -> Runs:
        """The runs where boolean ``mask`` (one entry per run) is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != self.N.shape:
            raise ValueError(f"mask must have one entry per run ({self.N.size}), got shape {mask.shape}")
        return Runs(self.N[mask], self.D[mask], self.loss[mask], self.budget[mask], self.curve_D[mask],
                    self.curve_loss[mask], self.seed)


@dataclass(frozen=True)
class ScalingLab:
    r"""The lab's data process, model family and optimiser (see the module docstring for the model).

    Parameters
    ----------
    spectrum : float
        :math:`\nu`, decay of the feature variances :math:`\lambda_k = k^{-\nu}`; in (1, 4]. Sets the
        compute-optimal exponent :math:`a = 1/(1+\nu)`.
    signal : float
        :math:`\rho`, decay of the signal power per feature, :math:`k^{-\rho}`; in (1, 4]. Sets
        :math:`\alpha = \rho - 1`.
    noise : float
        :math:`\sigma^2 = E`, the irreducible loss; > 0.
    batch_size : int
        Samples per SGD step, >= 1.
    lr : float
        Peak learning rate :math:`\eta_0`; the run is stable when :math:`\eta_0 < 2` (the largest feature variance
        is 1) and the gradient noise is small, :math:`\eta_0 \zeta(\nu) / b < 1/2`.

    Examples
    --------
    >>> lab = ScalingLab()
    >>> round(lab.alpha, 3), round(lab.beta, 3), round(lab.a, 4)
    (0.4, 0.32, 0.4444)
    >>> runs = lab.train([16, 64], [2048, 2048])
    >>> bool(runs.loss[1] < runs.loss[0])   # same data, the bigger model learns more
    True
    """

    spectrum: float = 1.25
    signal: float = 1.4
    noise: float = 0.5
    batch_size: int = 16
    lr: float = 1.5

    def __post_init__(self):
        nu = as_scalar("spectrum", self.spectrum, lo=1.0, hi=4.0)
        rho = as_scalar("signal", self.signal, lo=1.0, hi=4.0)
        if nu == 1.0 or rho == 1.0:
            raise ValueError("spectrum and signal must be > 1 (the sums of feature variances and of signal power "
                             f"must converge); got spectrum={nu}, signal={rho}")
        as_scalar("noise", self.noise, positive=True)
        b = as_int("batch_size", self.batch_size, minimum=1)
        lr = as_scalar("lr", self.lr, positive=True)
        if lr >= 2.0:
            raise ValueError(f"lr must be < 2 (the largest feature variance is 1, so SGD diverges above 2); got {lr}")
        if lr * zeta(nu) / b >= 0.5:
            raise ValueError(f"gradient noise too large: lr * zeta(spectrum) / batch_size = {lr * zeta(nu) / b:.3g} "
                             "must be < 0.5; lower lr or raise batch_size")

    # ---- the ground truth ------------------------------------------------------------------------------------------

    @property
    def E(self) -> float:
        """Irreducible loss :math:`\\sigma^2`."""
        return float(self.noise)

    @property
    def alpha(self) -> float:
        """Parameter exponent :math:`\\alpha = \\rho - 1`."""
        return float(self.signal) - 1.0

    @property
    def beta(self) -> float:
        """Data exponent :math:`\\beta = (\\rho - 1)/\\nu`."""
        return self.alpha / float(self.spectrum)

    @property
    def a(self) -> float:
        """Compute-optimal exponent of parameters, :math:`N_\\mathrm{opt} \\propto C^a`, :math:`a = 1/(1+\\nu)`."""
        return 1.0 / (1.0 + float(self.spectrum))

    @property
    def b(self) -> float:
        """Compute-optimal exponent of data, :math:`D_\\mathrm{opt} \\propto C^b`, :math:`b = 1 - a`."""
        return 1.0 - self.a

    @property
    def A(self) -> float:
        """Amplitude of the parameter term, :math:`1/\\alpha` (continuum limit of :math:`\\sum_{k>N} k^{-\\rho}`)."""
        return 1.0 / self.alpha

    @property
    def B(self) -> float:
        """Amplitude of the data term, :math:`\\Gamma(\\beta)\\,\\nu^{-1} (2\\bar\\eta/b)^{-\\beta}`."""
        return float(gamma(self.beta) / self.spectrum * (2 * self._lr_per_sample) ** -self.beta)

    @property
    def chinchilla_params(self) -> dict:
        """``{E, A, B, alpha, beta}`` of the lab's law in Chinchilla's additive form (the :math:`Q = 1` limit)."""
        return {"E": self.E, "A": self.A, "B": self.B, "alpha": self.alpha, "beta": self.beta}

    @property
    def _lr_per_sample(self) -> float:
        return _MEAN_LR_FACTOR * self.lr / self.batch_size

    def fill_data(self, N):
        r"""Samples after which a model of size ``N`` has learned about all it can hold: where the argument of
        :math:`Q` in :meth:`law` reaches 1, :math:`2\bar\eta D/(b N^{\nu}) = 1`, so
        :math:`D = N^{\nu} b / (2\bar\eta)`. Below it the run is data-limited; above it, model-limited.

        Parameters
        ----------
        N : array_like
            Model sizes, > 0.

        Returns
        -------
        numpy.ndarray or float
            Samples.

        Examples
        --------
        >>> round(ScalingLab().fill_data(64))
        1755
        """
        N = as_float_array("N", N, positive=True)
        out = N ** self.spectrum / (2 * self._lr_per_sample)
        return out if out.ndim else float(out)

    def law(self, N, D):
        r"""The lab's scaling law in the gradient-flow, continuum limit (module docstring):
        :math:`E + A N^{-\alpha} + B D^{-\beta} Q(\beta, 2\tau N^{-\nu})`, vectorised (``N``, ``D`` broadcast).

        Parameters
        ----------
        N : array_like
            Model sizes, > 0.
        D : array_like
            Training samples, > 0.

        Returns
        -------
        numpy.ndarray or float
            Predicted final loss.
        """
        N = as_float_array("N", N, positive=True)
        D = as_float_array("D", D, positive=True)
        two_tau = 2 * self._lr_per_sample * D
        out = (self.E + self.A * N ** -self.alpha
               + self.B * D ** -self.beta * gammaincc(self.beta, two_tau * N ** -float(self.spectrum)))
        return out if out.ndim else float(out)

    # ---- training ---------------------------------------------------------------------------------------------------

    def train(self, N, D, *, seed=0, n_records=24, budget=None):
        """Train one model per ``(N[i], D[i])`` pair by one pass of mini-batch SGD; all runs see the same data stream.

        Runs advance together, one batch at a time, so a sweep of dozens of runs costs little more than its longest
        run. The loss is recorded at ``n_records`` points of each run (log-spaced in samples seen, ending at ``D``).

        Parameters
        ----------
        N : array_like of int
            Model sizes (number of features used), >= 1, at most 20,000.
        D : array_like
            Training samples per run, > 0; rounded to a whole number of batches (at least one).
        seed : int
            Seed of the data stream.
        n_records : int
            Points recorded along each run, >= 1.
        budget : array_like, optional
            Nominal compute budget of each run (stored in :attr:`Runs.budget`); default ``nan``.

        Returns
        -------
        Runs
        """
        N, steps, budget = self._check_runs(N, D, budget)
        n_records = as_int("n_records", n_records, minimum=1)
        rng = np.random.default_rng(as_int("seed", seed))
        rec_steps = _record_steps(steps, n_records)
        losses = self._run(N, steps, rec_steps, rng=rng)
        D = steps * self.batch_size
        curve_D = (rec_steps + 1) * self.batch_size
        return Runs(N.astype(float), D.astype(float), losses[:, -1].copy(), budget, curve_D.astype(float), losses,
                    int(seed))

    def isoflop_sweep(self, budgets, *, sizes=None, tokens_per_param=(2.0, 800.0), seed=0, n_records=24):
        r"""An IsoFLOP sweep, as in Hoffmann et al.'s Approach 2: for each budget :math:`C`, train every model size
        whose run :math:`D = C/(6N)` gives between ``tokens_per_param[0]`` and ``tokens_per_param[1]`` samples per
        parameter (so each profile spans the region around its minimum without knowing where it is).

        Parameters
        ----------
        budgets : array_like
            Compute budgets in FLOPs (:math:`6ND`), > 0.
        sizes : array_like of int, optional
            Candidate model sizes; default :math:`\lfloor 2^{k/2} \rceil` for k = 4 ... 26 (4 to 8,192).
        tokens_per_param : (float, float)
            The window of :math:`D/N`, ``0 < lo < hi``.
        seed, n_records : int
            As in :meth:`train`.

        Returns
        -------
        Runs
            With :attr:`Runs.budget` set to each run's budget. ``D`` is rounded to whole batches, so ``6ND`` is within
            half a batch of the budget.
        """
        budgets = np.unique(as_float_array("budgets", budgets, positive=True))
        if sizes is None:
            sizes = np.unique(np.round(2.0 ** (np.arange(4, 27) / 2)))
        sizes = as_float_array("sizes", sizes, positive=True).ravel()
        if np.ndim(tokens_per_param) != 1 or len(tokens_per_param) != 2:
            raise ValueError(f"tokens_per_param must be a pair (lo, hi), got {tokens_per_param!r}")
        lo, hi = (as_scalar("tokens_per_param", t, positive=True) for t in tokens_per_param)
        if not lo < hi:
            raise ValueError(f"tokens_per_param must be (lo, hi) with lo < hi, got {tokens_per_param!r}")
        C, N = (g.ravel() for g in np.meshgrid(budgets, sizes, indexing="ij"))
        ratio = C / (FLOPS_PER_PARAM_TOKEN * N * N)
        keep = (ratio >= lo) & (ratio <= hi)
        if not keep.any():
            raise ValueError("no model size gives a tokens-per-parameter ratio inside the window for these budgets")
        C, N = C[keep], N[keep]
        return self.train(N, C / (FLOPS_PER_PARAM_TOKEN * N), seed=seed, n_records=n_records, budget=C)

    def expected_loss(self, N, D):
        r"""The exact expected final loss of :meth:`train` (the mean over data streams), by the second-moment recursion
        of SGD on Gaussian data: with :math:`d_k = \mathbb E[(w_k - w^*_k)^2]`,

        .. math:: d_k \leftarrow (1-\eta\lambda_k)^2 d_k + \frac{\eta^2}{b}\Bigl(\lambda_k^2 d_k
                  + \lambda_k \bigl(\textstyle\sum_j \lambda_j d_j + \sigma_N^2\bigr)\Bigr),

        where :math:`\sigma_N^2 = \sigma^2 + \sum_{k>N}k^{-\rho}` is the part of the target a size-:math:`N` model
        cannot see. Used to check the SGD runs, and as a noise-free reference.

        Parameters
        ----------
        N, D : array_like
            As in :meth:`train` (equal lengths).

        Returns
        -------
        numpy.ndarray
            Expected final loss of each run.
        """
        N, steps, _ = self._check_runs(N, D, None)
        return self._run(N, steps, steps[:, None] - 1, rng=None)[:, -1]

    # ---- internals --------------------------------------------------------------------------------------------------

    def _check_runs(self, N, D, budget):
        N = as_float_array("N", N, positive=True).ravel()
        D = as_float_array("D", D, positive=True).ravel()
        if N.size != D.size:
            raise ValueError(f"N and D must have the same length (one entry per run); got {N.size} and {D.size}")
        if np.any(N != np.round(N)) or N.max() > 20_000:
            raise ValueError("N must hold whole numbers of features between 1 and 20,000")
        steps = np.maximum(1, np.round(D / self.batch_size)).astype(int)
        if budget is None:
            budget = np.full(N.size, np.nan)
        else:
            budget = as_float_array("budget", budget, positive=True).ravel()
            if budget.size not in (1, N.size):
                raise ValueError(f"budget must be one value or one per run ({N.size}), got {budget.size}")
            budget = np.broadcast_to(budget, N.shape).astype(float)
        return N.astype(int), steps, budget

    def _run(self, N, steps, rec_steps, *, rng):
        """SGD (``rng`` given) or its exact second-moment recursion (``rng=None``), all runs in lockstep.

        Runs are sorted by length, longest first, so the runs still training are always a prefix of the arrays and
        the features in use are those of the largest model among them.
        """
        nu, rho, b = float(self.spectrum), float(self.signal), self.batch_size
        order = np.argsort(-steps, kind="stable")
        N_s, steps_s, rec_s = N[order], steps[order], rec_steps[order]
        M, K = N_s.size, int(N_s.max())
        k = np.arange(1, K + 1, dtype=float)
        lam = k ** -nu
        w_star = k ** ((nu - rho) / 2)
        hidden = self.noise + zeta(rho, np.arange(1, K + 2))  # hidden[n]: loss of the best size-n model
        widths = np.maximum.accumulate(N_s)  # features used while runs 0..m-1 are training
        mask = k[None, :] <= N_s[:, None]
        # second moments (recursion) or weights (SGD), one row per run; zero outside a run's own features
        state = np.where(mask, w_star ** 2, 0.0) if rng is None else np.zeros((M, K))
        losses = np.empty(rec_s.shape)
        rec_at = {}
        for i, row in enumerate(rec_s):
            for j, t in enumerate(row):
                rec_at.setdefault(int(t), []).append((i, j))
        m = M
        for t in range(int(steps_s[0])):
            while m > 0 and steps_s[m - 1] <= t:
                m -= 1
            K_t = int(widths[m - 1])
            eta = self.lr * _cosine(t / steps_s[:m])[:, None]
            S = state[:m, :K_t]
            if rng is None:
                excess = S @ lam[:K_t] + hidden[N_s[:m]]
                S *= (1 - eta * lam[:K_t]) ** 2 + eta ** 2 / b * lam[:K_t] ** 2
                S += (eta ** 2 / b) * excess[:, None] * lam[:K_t]
                S *= mask[:m, :K_t]
            else:
                X = rng.standard_normal((b, K_t)) * np.sqrt(lam[:K_t])
                y = X @ w_star[:K_t] + np.sqrt(hidden[K_t]) * rng.standard_normal(b)
                grad = ((X @ S.T - y[:, None]).T @ X) * mask[:m, :K_t]
                S -= (eta / b) * grad
            for i, j in rec_at.get(t, ()):
                n = N_s[i]
                if rng is None:
                    losses[i, j] = hidden[n] + state[i, :n] @ lam[:n]
                else:
                    losses[i, j] = hidden[n] + ((state[i, :n] - w_star[:n]) ** 2) @ lam[:n]
        out = np.empty_like(losses)
        out[order] = losses
        return out


def _cosine(progress):
    """Cosine schedule from 1 to the final fraction, as a factor of the peak learning rate; ``progress`` in [0, 1)."""
    return _FINAL_LR_FRACTION + (1 - _FINAL_LR_FRACTION) * 0.5 * (1 + np.cos(np.pi * progress))


def _record_steps(steps, n_records):
    """For each run, ``n_records`` step indices (0-based, the step after which the loss is recorded), log-spaced and
    ending at the last step; repeated when a run is shorter than ``n_records`` steps."""
    frac = np.geomspace(1.0 / 64, 1.0, n_records) if n_records > 1 else np.ones(1)
    return np.maximum(0, np.ceil(frac[None, :] * steps[:, None]).astype(int) - 1)


# --------------------------------------------------------------------------------------------------------------------
# Chapter 3 (Broken Neural Scaling Laws): a non-monotonic scaling curve, computed.
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureCurve:
    """Result of :func:`random_features_curve`.

    Attributes
    ----------
    widths : numpy.ndarray
        Number of random features of each model.
    test_error : numpy.ndarray
        Test mean squared error against the noise-free target, averaged over draws (the curve to fit).
    train_error : numpy.ndarray
        Training mean squared error, averaged over draws (zero, to rounding, once ``width >= n_train``).
    test_error_draws : numpy.ndarray
        Test error of each draw, shape ``(n_draws, widths)``.
    n_train : int
        Training samples: the interpolation threshold is ``width == n_train``.
    """

    widths: np.ndarray
    test_error: np.ndarray
    train_error: np.ndarray
    test_error_draws: np.ndarray = field(repr=False)
    n_train: int = 0


def random_features_curve(widths, *, n_train=100, dim=20, noise=0.1, ridge=0.0, n_test=1000, n_draws=8, seed=0):
    r"""Test error of minimum-norm least squares on random ReLU features, against the number of features: the
    double-descent curve of Belkin et al. and Mei & Montanari :cite:p:`belkin2019reconciling,mei2022generalization`.

    Inputs :math:`z \in \mathbb R^{d}` are standard Gaussian; the target is
    :math:`f^*(z) = w^{*\top} z + 0.3\tanh(2 z_1)` with :math:`w^* \sim \mathcal N(0, I/d)`, observed with Gaussian
    noise of standard deviation ``noise``. A model of width :math:`p` has features
    :math:`\phi_j(z) = \max(0, v_j^\top z)`, :math:`v_j \sim \mathcal N(0, I/d)`, and output weights fitted by
    least squares on ``n_train`` samples, the minimum-norm solution when :math:`p \ge n` (``numpy.linalg.lstsq``),
    or by ridge regression, :math:`\min_a \lVert \Phi a - y\rVert^2/n + \lambda\lVert a\rVert^2`, if
    ``ridge`` :math:`= \lambda > 0`; a well-chosen ridge flattens the peak :cite:p:`nakkiran2021optimal`.
    Wider models reuse the narrower models' features, so each draw traces one nested family (the features are drawn
    for the largest width in ``widths``, so the same width in calls with a different largest width sees different
    features: another draw of the same random experiment). The test error
    falls, rises to a peak at the interpolation threshold :math:`p = n` (where the fit must pass through every
    noisy point with barely enough features), then falls again.

    Parameters
    ----------
    widths : array_like of int
        Numbers of features, >= 1, at most 20,000.
    n_train : int
        Training samples, >= 2.
    dim : int
        Input dimension, >= 1.
    noise : float
        Standard deviation of the label noise, >= 0.
    ridge : float
        Ridge penalty :math:`\lambda`, >= 0 (0: minimum-norm least squares).
    n_test : int
        Test samples per draw, >= 1.
    n_draws : int
        Independent draws (data, features, teacher) averaged, >= 1.
    seed : int
        Seed of the random generator.

    Returns
    -------
    FeatureCurve

    Examples
    --------
    >>> curve = random_features_curve([20, 100, 800], n_draws=4)
    >>> bool(curve.test_error[1] > curve.test_error[0] > curve.test_error[2])   # the peak at p = n_train = 100
    True
    """
    widths = as_float_array("widths", widths, positive=True).ravel()
    if np.any(widths != np.round(widths)) or widths.max() > 20_000:
        raise ValueError("widths must be whole numbers of features, at most 20,000")
    widths = widths.astype(int)
    n_train = as_int("n_train", n_train, minimum=2)
    dim = as_int("dim", dim, minimum=1)
    noise = as_scalar("noise", noise, nonnegative=True)
    ridge = as_scalar("ridge", ridge, nonnegative=True)
    n_test = as_int("n_test", n_test, minimum=1)
    n_draws = as_int("n_draws", n_draws, minimum=1)
    rng = np.random.default_rng(as_int("seed", seed))
    test = np.empty((n_draws, widths.size))
    train = np.empty((n_draws, widths.size))
    for k in range(n_draws):
        w_star = rng.standard_normal(dim) / np.sqrt(dim)
        Z = rng.standard_normal((n_train + n_test, dim))
        target = Z @ w_star + 0.3 * np.tanh(2.0 * Z[:, 0])
        y = target[:n_train] + noise * rng.standard_normal(n_train)
        features = np.maximum(Z @ (rng.standard_normal((dim, widths.max())) / np.sqrt(dim)), 0.0)
        for j, p in enumerate(widths):
            coef = _least_squares(features[:n_train, :p], y, ridge)
            train[k, j] = np.mean((features[:n_train, :p] @ coef - y) ** 2)
            test[k, j] = np.mean((features[n_train:, :p] @ coef - target[n_train:]) ** 2)
    return FeatureCurve(widths=widths, test_error=test.mean(axis=0), train_error=train.mean(axis=0),
                        test_error_draws=test, n_train=n_train)


def _least_squares(F, y, ridge):
    """Minimum-norm least squares (``ridge == 0``) or ridge regression with penalty ``ridge * n``, in the primal
    (``p < n``) or dual (``p >= n``) form, whichever solves the smaller system."""
    if ridge == 0.0:
        return np.linalg.lstsq(F, y, rcond=None)[0]
    n, p = F.shape
    if p < n:
        return np.linalg.solve(F.T @ F + ridge * n * np.eye(p), F.T @ y)
    return F.T @ np.linalg.solve(F @ F.T + ridge * n * np.eye(n), y)
