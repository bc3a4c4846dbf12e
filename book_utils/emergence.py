"""Metrics and toy models of emergence (chapter 4).

Three parts, one per notebook that uses them:

- **Emergent abilities** :cite:p:`wei2022emergent`: a toy ability that jumps at an emergent scale, and how far below
  that scale an evaluation on a finite test set can first see it.
- **The mirage argument** :cite:p:`schaeffer2023emergent`: a per-token loss that falls smoothly as a power law in
  model size, and the metrics (exact match, token edit distance) that turn it into a sudden or a smooth curve; a
  simulation of finite test sets and few model sizes.
- **The quantization model** :cite:p:`michaud2023quantization` and **learning-curve theory**
  :cite:p:`hutter2021learning`: Zipf-distributed skills ("quanta"), the loss left after learning the most frequent ones,
  the expected error of a memorising learner, and a seeded simulation of per-quantum learning curves.

Pure numpy/scipy; no plotting. Import direction: emergence -> published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, as_int, as_scalar
from .published import WEI_TABLE1

__all__ = [
    # ---- emergent abilities (notebook 01) ----
    "toy_ability", "detection_horizon", "AUDIT_TOY", "AUDIT_THRESHOLD",
    # ---- the mirage argument (notebook 02) ----
    "exact_match", "token_edit_distance", "per_token_prob", "per_token_loss", "target_log_prob",
    "exact_match_size", "mirage_simulation", "MirageSimulation", "MetricEstimate", "MIRAGE_TOY",
    "MIRAGE_METRICS",
    # ---- the quantization model and learning-curve theory (notebook 03) ----
    "hutter_error", "quanta_loss", "quanta_loss_asymptotic", "quanta_frequencies", "quanta_data_loss",
    "quanta_data_loss_asymptotic", "quanta_learning_times", "learned_probability", "simulate_quanta",
    "QuantaSimulation",
]


# ====================================================================================================================
# Emergent abilities (Wei et al. 2022): a toy ability and what an evaluation can see of it, notebook 01
# ====================================================================================================================

_LOG81 = 2.0 * np.log(9.0)  # a logistic step goes from 10% to 90% over 2 ln 9 units of its argument

AUDIT_TOY = {"chance": 0.25, "top": 0.9, "n_items": 1000, "z": 3.0}
"""The toy ability of chapter 4, notebook 01 and its explorer (``emergence_audit_explorer``): a four-way
multiple-choice task (chance accuracy 0.25) that saturates at 0.9, scored on a test set of 1000 questions; an
evaluation "sees" the ability when its accuracy exceeds chance by ``z = 3`` standard errors (with 2, one of a dozen
evaluations at chance crosses the line about one time in four by luck). Its emergent scale is
:data:`AUDIT_THRESHOLD`. Illustrative numbers, not fitted to any model."""


def _table1_median_flops() -> float:
    return float(np.median([row.flops for row in WEI_TABLE1]))


AUDIT_THRESHOLD = _table1_median_flops()
"""Emergent scale of the toy ability (FLOPs): the median of the 22 thresholds of Wei et al.'s Table 1
(:data:`book_utils.published.WEI_TABLE1`), 2.9e23."""


def toy_ability(compute, threshold, width, chance: float = 0.25, top: float = 0.9):
    r"""Accuracy of a toy emergent ability: a logistic step in log-compute from ``chance`` to ``top``.

    .. math::

        a(C) = a_0 + (a_1 - a_0)\,\sigma\!\left(\frac{2\ln 9}{\Delta}\,\log_{10}\frac{C}{C^*}\right),
        \qquad \sigma(u) = \frac{1}{1 + e^{-u}},

    so that the accuracy is halfway at the emergent scale :math:`C^*` and goes from 10% to 90% of the jump over
    :math:`\Delta` decades of compute. A toy of chapter 4, notebook 01 (the shape of the curves of Wei et al.'s
    Figure 2 :cite:p:`wei2022emergent`, not a law fitted to them).

    Parameters
    ----------
    compute : array_like
        Training compute C (FLOPs), > 0.
    threshold : float
        Emergent scale :math:`C^*` (FLOPs), > 0.
    width : float
        :math:`\Delta`, the 10%-90% width of the transition in decades of compute, > 0.
    chance, top : float
        Accuracy far below (:math:`a_0`) and far above (:math:`a_1`) the transition, 0 <= chance < top <= 1.

    Returns
    -------
    numpy.ndarray or float
        Expected accuracy, the shape of ``compute``.

    Examples
    --------
    >>> round(float(toy_ability(1e23, 1e23, 1.0)), 3), round(float(toy_ability(10**23.5, 1e23, 1.0)), 3)
    (0.575, 0.835)
    """
    c = as_float_array("compute", compute, positive=True)
    threshold = as_scalar("threshold", threshold, positive=True)
    width = as_scalar("width", width, positive=True)
    chance, top = _chance_top(chance, top)
    u = _LOG81 / width * (np.log10(c) - np.log10(threshold))
    out = chance + (top - chance) * 0.5 * (1.0 + np.tanh(0.5 * u))
    return float(out) if np.ndim(out) == 0 else out


def detection_horizon(width, n_items: int, chance: float = 0.25, top: float = 0.9, z: float = 3.0):
    r"""How many decades of compute before its emergent scale a toy ability (:func:`toy_ability`) becomes visible.

    An evaluation on ``n_items`` questions measures accuracy with standard error
    :math:`s = \sqrt{a_0(1 - a_0)/n}` near chance. The expected excess :math:`a(C) - a_0` first reaches :math:`z s`
    at :math:`\delta` decades below :math:`C^*`, where :math:`(a_1 - a_0)\,\sigma(-2\ln 9\,\delta/\Delta) = z s`:

    .. math::

        \delta = \frac{\Delta}{2 \ln 9}\,\ln\!\left(\frac{a_1 - a_0}{z s} - 1\right).

    Evaluations further below the threshold than :math:`\delta` cannot tell the ability from chance (derived in
    chapter 4, notebook 01, for the toy curve; not a result of Wei et al.).

    Parameters
    ----------
    width : array_like
        :math:`\Delta`, the transition's 10%-90% width in decades, > 0.
    n_items : int
        Number of test questions, >= 1.
    chance, top : float
        :math:`a_0` and :math:`a_1`, 0 < chance < top <= 1.
    z : float
        Detection level in standard errors, > 0.

    Returns
    -------
    numpy.ndarray or float
        :math:`\delta` in decades (negative if the excess is only detectable above the threshold).

    Examples
    --------
    >>> round(float(detection_horizon(1.0, 1000)), 3), round(float(detection_horizon(1.0, 1000, z=2.0)), 3)
    (0.614, 0.711)
    """
    w = as_float_array("width", width, positive=True)
    n = as_int("n_items", n_items, minimum=1)
    chance, top = _chance_top(chance, top)
    if chance == 0:
        raise ValueError("chance must be > 0 for a detection horizon (its standard error would be 0)")
    z = as_scalar("z", z, positive=True)
    r = z * np.sqrt(chance * (1 - chance) / n) / (top - chance)
    if r >= 1:
        raise ValueError(f"z standard errors ({z * np.sqrt(chance * (1 - chance) / n):.3g}) must be below the jump "
                         f"top - chance = {top - chance:.3g}: use more n_items or a smaller z")
    out = w / _LOG81 * np.log(1 / r - 1)
    return float(out) if np.ndim(out) == 0 else out


def _chance_top(chance, top):
    chance = as_scalar("chance", chance, lo=0.0, hi=1.0)
    top = as_scalar("top", top, lo=0.0, hi=1.0)
    if not chance < top:
        raise ValueError(f"need chance < top, got chance={chance}, top={top}")
    return chance, top


# ====================================================================================================================
# The mirage argument (Schaeffer et al. 2023): notebook 02
# ====================================================================================================================

MIRAGE_TOY = {"c": 1e8, "alpha": -0.5}
"""Illustrative constants of the mirage toy model, ``L_CE(N) = (N / c)^alpha``: the per-token loss is 1 nat at
``N = c = 1e8`` parameters and falls by a factor ``10^0.5`` per decade of ``N``. Schaeffer et al. give no numbers for
their toy :cite:p:`schaeffer2023emergent`; these are this book's choice, not fitted to any model family."""

MIRAGE_METRICS = ("exact_match", "edit_distance", "log_prob")
"""The three metrics :func:`mirage_simulation` scores each test set with, in the order of the book's explorer."""


def _probabilities(name, value, *, positive=False):
    p = as_float_array(name, value, positive=positive)
    if (p < 0).any() or (p > 1).any():
        bad = p[(p < 0) | (p > 1)].ravel()[0]
        raise ValueError(f"{name} must be a probability in [0, 1]; found {bad!r}")
    return p


def _lengths(value):
    """A positive integer (or integer array) of target lengths, in tokens."""
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer) or arr.size == 0:
        raise ValueError(f"length must be a positive integer number of tokens (or an array of them), got {value!r}")
    if (arr < 1).any():
        raise ValueError(f"length must be >= 1 token, got {value!r}")
    return arr


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def exact_match(p_token, length):
    r"""Expected exact match of an answer of ``length`` tokens, each right independently with probability ``p_token``.

    .. math:: \mathrm{EM} = p^L

    :cite:p:`schaeffer2023emergent`, Sec. 2 (their "accuracy", a nonlinear metric of the per-token probability): an
    answer scores 1 only if all ``L`` tokens are right.

    Parameters
    ----------
    p_token : float or array_like
        Probability that one token of the answer is right, in [0, 1].
    length : int or array_like of int
        Target length ``L`` in tokens, >= 1. Broadcasts against ``p_token``.

    Returns
    -------
    float or ndarray
        Expected fraction of answers that are exactly right, in [0, 1].

    Examples
    --------
    >>> exact_match(0.5, 3)
    0.125
    >>> exact_match([0.9, 1.0], 2).tolist()
    [0.81, 1.0]
    """
    return _out(_probabilities("p_token", p_token) ** _lengths(length))


def token_edit_distance(p_token, length):
    r"""Expected token edit distance of an answer of ``length`` tokens, each right independently with prob. ``p_token``.

    .. math:: \mathrm{ED} = L\,(1 - p)

    :cite:p:`schaeffer2023emergent`, Sec. 2 (a linear metric of the per-token probability). The answer has the
    target's length and every wrong token is one substitution, so the distance is the number of wrong tokens, a
    binomial variable with mean ``L (1 - p)``. (A Levenshtein distance, which may also insert and delete, can only be
    smaller; the paper writes the same expression with ``≈``.)

    Parameters
    ----------
    p_token : float or array_like
        Probability that one token of the answer is right, in [0, 1].
    length : int or array_like of int
        Target length ``L`` in tokens, >= 1. Broadcasts against ``p_token``.

    Returns
    -------
    float or ndarray
        Expected number of wrong tokens per answer, in [0, L] (lower is better).

    Examples
    --------
    >>> token_edit_distance(0.5, 4)
    2.0
    >>> token_edit_distance(0.9, [1, 10]).round(12).tolist()
    [0.1, 1.0]
    """
    return _out(_lengths(length) * (1.0 - _probabilities("p_token", p_token)))


def target_log_prob(p_token, length):
    r"""Log-probability, in nats, that the model assigns to the whole target of ``length`` tokens.

    .. math:: \log P(\text{target}) = L \ln p = -L\,\mathcal{L}_\mathrm{CE}

    A continuous metric :cite:p:`schaeffer2023emergent`: under the toy model every token has probability ``p``, so
    the log-probability of the target is ``L`` times ``ln p``, minus ``L`` times the per-token loss.

    Parameters
    ----------
    p_token : float or array_like
        Probability of each correct token, in (0, 1].
    length : int or array_like of int
        Target length ``L`` in tokens, >= 1.

    Returns
    -------
    float or ndarray
        ``L ln p`` in nats (<= 0; higher is better).

    Examples
    --------
    >>> round(target_log_prob(np.exp(-0.1), 5), 12)
    -0.5
    """
    return _out(_lengths(length) * np.log(_probabilities("p_token", p_token, positive=True)))


def per_token_loss(N, c, alpha):
    r"""Per-token cross-entropy of the answer tokens in the mirage toy model: a power law in model size.

    .. math:: \mathcal{L}_\mathrm{CE}(N) = \left(\frac{N}{c}\right)^{\alpha}, \qquad c > 0,\ \alpha < 0

    :cite:p:`schaeffer2023emergent`, Sec. 2, with the paper's sign convention: the exponent ``alpha`` is negative, so
    the loss falls as ``N`` grows, and it is exactly 1 nat at ``N = c``. There is no irreducible term: the toy assumes
    a task whose answer a large enough model gets right with certainty.

    Parameters
    ----------
    N : float or array_like
        Model size in parameters, > 0.
    c : float
        Model size at which the per-token loss is 1 nat, > 0 (parameters).
    alpha : float
        Exponent, < 0 (the loss falls by ``10^alpha`` per decade of ``N``).

    Returns
    -------
    float or ndarray
        Per-token loss in nats.

    Examples
    --------
    >>> per_token_loss(4e8, c=1e8, alpha=-0.5)
    0.5
    """
    n = as_float_array("N", N, positive=True)
    c = as_scalar("c", c, positive=True)
    alpha = _alpha(alpha)
    return _out((n / c) ** alpha)


def _alpha(alpha):
    alpha = as_scalar("alpha", alpha)
    if alpha >= 0:
        raise ValueError(f"alpha must be < 0 (the paper's convention: L_CE = (N/c)^alpha falls as N grows), "
                         f"got {alpha}")
    return alpha


def per_token_prob(N, c, alpha):
    r"""Probability that one answer token is right in the mirage toy model.

    .. math:: p(N) = \exp\bigl(-\mathcal{L}_\mathrm{CE}(N)\bigr) = \exp\bigl(-(N/c)^{\alpha}\bigr)

    :cite:p:`schaeffer2023emergent`, Sec. 2. The toy reads ``exp(-loss)`` as the probability of producing the right
    token (true when that token is sampled and every token has the same loss; see :func:`per_token_loss`).

    Parameters
    ----------
    N : float or array_like
        Model size in parameters, > 0.
    c : float
        Model size at which the per-token loss is 1 nat, > 0.
    alpha : float
        Exponent of the per-token loss, < 0.

    Returns
    -------
    float or ndarray
        Per-token probability in (0, 1).

    Examples
    --------
    >>> round(per_token_prob(1e8, c=1e8, alpha=-0.5), 6)   # exp(-1)
    0.367879
    """
    return _out(np.exp(-np.asarray(per_token_loss(N, c, alpha))))


def _laplace_gamma(t, cv):
    """E[exp(-t G)] for G ~ Gamma with mean 1 and coefficient of variation cv (G = 1 when cv = 0)."""
    t = np.asarray(t, dtype=float)
    if cv == 0:
        return np.exp(-t)
    return np.exp(-np.log1p(t * cv**2) / cv**2)


def exact_match_size(level, *, length, c, alpha, difficulty_cv=0.0):
    r"""Model size at which the expected exact match of the mirage toy model reaches ``level``.

    With every example equally hard (``difficulty_cv = 0``), solving :math:`\exp(-L (N/c)^\alpha) = \text{level}`:

    .. math:: N = c \left(\frac{-\ln \text{level}}{L}\right)^{1/\alpha}

    With per-example losses spread as a gamma distribution of mean :math:`\mathcal{L}_\mathrm{CE}(N)` and coefficient
    of variation ``v`` (see :func:`mirage_simulation`), the expected exact match is
    :math:`(1 + L \mathcal{L}_\mathrm{CE} v^2)^{-1/v^2}` and the loss it needs is
    :math:`\mathcal{L}_\mathrm{CE} = (\text{level}^{-v^2} - 1) / (L v^2)`. Derived here from the toy model of
    :cite:p:`schaeffer2023emergent`, Sec. 2.

    Parameters
    ----------
    level : float or array_like
        Expected exact match, in (0, 1).
    length : int or array_like of int
        Target length ``L`` in tokens, >= 1.
    c, alpha : float
        Constants of :func:`per_token_loss` (``c > 0`` parameters, ``alpha < 0``).
    difficulty_cv : float
        Spread of the per-example loss (0: all examples equally hard, the paper's toy).

    Returns
    -------
    float or ndarray
        Model size in parameters.

    Examples
    --------
    >>> f"{exact_match_size(np.exp(-1.0), length=1, c=1e8, alpha=-0.5):.3g}"
    '1e+08'
    """
    lev = as_float_array("level", level)
    if (lev <= 0).any() or (lev >= 1).any():
        raise ValueError(f"level must be an exact match strictly between 0 and 1, got {level!r}")
    length = _lengths(length)
    c = as_scalar("c", c, positive=True)
    alpha = _alpha(alpha)
    cv = as_scalar("difficulty_cv", difficulty_cv, nonnegative=True)
    loss = -np.log(lev) / length if cv == 0 else np.expm1(-cv**2 * np.log(lev)) / (length * cv**2)
    return _out(c * loss ** (1.0 / alpha))


@dataclass(frozen=True)
class MetricEstimate:
    """One metric of a :class:`MirageSimulation`: what a test set measured, what it measures on average, and how much
    a measurement scatters.

    Attributes
    ----------
    measured : ndarray
        The score measured on each simulated test set: shape ``(n_models,)``, or ``(n_runs, n_models)`` when
        :func:`mirage_simulation` was given ``n_runs``.
    expected : ndarray
        Its expected value, shape ``(n_models,)`` (closed form).
    stderr : ndarray
        Standard error of one measurement, ``sd / sqrt(n_examples)`` with ``sd`` the per-example standard deviation,
        shape ``(n_models,)`` (closed form).
    """

    measured: np.ndarray
    expected: np.ndarray
    stderr: np.ndarray


@dataclass(frozen=True)
class MirageSimulation:
    """A family of models scored on finite test sets under three metrics: see :func:`mirage_simulation`.

    Attributes
    ----------
    N : ndarray
        Model sizes in parameters, shape ``(n_models,)``.
    loss : ndarray
        Mean per-token loss of each model on the answer tokens, nats.
    p_token : ndarray
        ``exp(-loss)``, the per-token probability of an average example.
    length, n_examples : int
        Target length in tokens; test examples per model.
    difficulty_cv : float
        Spread of the per-example loss (0: all examples equally hard).
    exact_match, edit_distance, log_prob : MetricEstimate
        Fraction of answers exactly right; mean number of wrong tokens per answer; mean log-probability of the
        target in nats.
    """

    N: np.ndarray
    loss: np.ndarray
    p_token: np.ndarray
    length: int
    n_examples: int
    difficulty_cv: float
    exact_match: MetricEstimate
    edit_distance: MetricEstimate
    log_prob: MetricEstimate

    def metric(self, name: str) -> MetricEstimate:
        """The :class:`MetricEstimate` called ``name``, one of :data:`MIRAGE_METRICS`."""
        if name not in MIRAGE_METRICS:
            raise ValueError(f"metric must be one of {', '.join(map(repr, MIRAGE_METRICS))}; got {name!r}")
        return getattr(self, name)


_MAX_DRAWS = 20_000_000  # examples simulated one by one in a call (difficulty_cv > 0): a few hundred MB


def mirage_simulation(N, *, c=None, alpha=None, loss=None, length, n_examples, difficulty_cv=0.0, n_runs=None,
                      seed=0) -> MirageSimulation:
    r"""Score a family of models on finite test sets with exact match, token edit distance and log-probability.

    The toy model of :cite:p:`schaeffer2023emergent` (Sec. 2) with the finite samples of a real evaluation. Each model
    (size ``N``) answers ``n_examples`` test questions whose targets are ``length`` tokens long. In example ``j``
    every token has loss :math:`\ell_j = \mathcal{L}_\mathrm{CE}(N)\, G_j` and is right independently with probability
    :math:`e^{-\ell_j}`; the same outputs are then scored three ways:

    - exact match: 1 if all tokens are right, else 0;
    - token edit distance: the number of wrong tokens (each a substitution);
    - log-probability of the target: :math:`-L \ell_j` nats (teacher-forced, so it needs no sampling).

    Each metric is averaged over the test set. With ``difficulty_cv = 0`` (the paper's toy) ``G_j = 1``: every
    example is equally hard, and the histogram of wrong tokens per answer is drawn at once from a multinomial
    distribution, so the cost does not grow with ``n_examples``. Otherwise ``G_j`` is gamma distributed with mean 1
    and coefficient of variation ``difficulty_cv``, so some examples are easier than others while the mean loss is
    unchanged; examples are then drawn one by one (at most 2e7 per call). Expected values and standard errors are in
    closed form (:math:`E[e^{-tG}] = (1 + t v^2)^{-1/v^2}` with ``v = difficulty_cv``):

    .. math::

        E[\mathrm{EM}] = E\bigl[e^{-L\ell}\bigr], \quad
        E[\mathrm{ED}] = L\bigl(1 - E[e^{-\ell}]\bigr), \quad
        E[\log P] = -L\,\mathcal{L}_\mathrm{CE}.

    Parameters
    ----------
    N : array_like
        Model sizes in parameters, > 0, 1-D (one entry per model).
    c, alpha : float, optional
        Constants of the per-token loss :func:`per_token_loss`, ``(N/c)^alpha`` (``c > 0``, ``alpha < 0``).
        Give both, or ``loss`` instead.
    loss : array_like, optional
        Mean per-token loss of each model in nats (>= 0, same shape as ``N``), to simulate a loss curve other than
        a power law (for instance one with a genuine break).
    length : int
        Target length ``L`` in tokens, >= 1.
    n_examples : int
        Test examples per model, >= 1.
    difficulty_cv : float
        Coefficient of variation of the per-example loss across test examples, >= 0 (default 0).
    n_runs : int, optional
        Number of independent test sets per model. ``None`` (default): one, and ``measured`` has shape
        ``(n_models,)``; an integer: ``measured`` has shape ``(n_runs, n_models)``.
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    MirageSimulation
        The sizes, losses and one :class:`MetricEstimate` per metric.

    Examples
    --------
    >>> sim = mirage_simulation([1e8, 1e10], c=1e8, alpha=-0.5, length=5, n_examples=1000, seed=0)
    >>> sim.exact_match.expected.round(4).tolist()     # exp(-5 L_CE): exp(-5), exp(-0.5)
    [0.0067, 0.6065]
    >>> sim.log_prob.measured.tolist()                 # no sampling noise when all examples are equally hard
    [-5.0, -0.5]
    """
    n = as_float_array("N", N, positive=True)
    if n.ndim != 1:
        raise ValueError(f"N must be 1-D (one size per model), got shape {n.shape}")
    if loss is None:
        if c is None or alpha is None:
            raise ValueError("give the power law's c and alpha, or the per-token loss of each model as loss=")
        mean_loss = np.asarray(per_token_loss(n, c, alpha), dtype=float).reshape(n.shape)
    else:
        if c is not None or alpha is not None:
            raise ValueError("give either c and alpha or loss, not both")
        mean_loss = as_float_array("loss", loss, nonnegative=True)
        if mean_loss.shape != n.shape:
            raise ValueError(f"loss must have the shape of N, {n.shape}; got {mean_loss.shape}")
    length = int(_lengths(length)) if np.ndim(length) == 0 else _scalar_length_error(length)
    n_examples = as_int("n_examples", n_examples, minimum=1)
    cv = as_scalar("difficulty_cv", difficulty_cv, nonnegative=True)
    runs = 1 if n_runs is None else as_int("n_runs", n_runs, minimum=1)

    rng = np.random.default_rng(seed)
    if cv == 0:  # examples alike: the histogram of wrong tokens per answer is multinomial, whatever n_examples is
        from scipy.stats import binom

        k = np.arange(length + 1)
        pmf = binom.pmf(k, length, -np.expm1(-mean_loss)[:, None])       # (n_models, length + 1)
        hist = rng.multinomial(n_examples, pmf / pmf.sum(-1, keepdims=True), size=(runs, n.size))
        measured = {"exact_match": hist[..., 0] / n_examples, "edit_distance": hist @ k / n_examples,
                    "log_prob": np.broadcast_to(-length * mean_loss, (runs, n.size)).copy()}
    else:
        if runs * n.size * n_examples > _MAX_DRAWS:
            raise ValueError(f"n_runs x models x n_examples = {runs * n.size * n_examples:,} examples is more than "
                             f"{_MAX_DRAWS:,} (simulated one by one when difficulty_cv > 0): use fewer runs or "
                             f"examples")
        g = rng.gamma(1.0 / cv**2, cv**2, size=(runs, n.size, n_examples))
        ell = mean_loss[:, None] * g                               # per-token loss of each example
        wrong = rng.binomial(length, -np.expm1(-ell))              # wrong tokens per answer
        measured = {"exact_match": (wrong == 0).mean(-1), "edit_distance": wrong.mean(-1),
                    "log_prob": (-length * ell).mean(-1)}

    q1, q2 = _laplace_gamma(mean_loss, cv), _laplace_gamma(2 * mean_loss, cv)   # E[p_j], E[p_j^2]
    em = _laplace_gamma(length * mean_loss, cv)
    expected = {"exact_match": em, "edit_distance": length * (1 - q1), "log_prob": -length * mean_loss}
    var = {"exact_match": em * (1 - em),
           "edit_distance": length * (q1 - q2) + length**2 * np.maximum(q2 - q1**2, 0.0),
           "log_prob": (length * mean_loss * cv) ** 2}
    estimates = {k: MetricEstimate(measured[k][0] if n_runs is None else measured[k], expected[k],
                                   np.sqrt(var[k] / n_examples)) for k in MIRAGE_METRICS}
    return MirageSimulation(n, mean_loss, np.exp(-mean_loss), length, n_examples, cv, **estimates)


def _scalar_length_error(length):
    raise ValueError(f"length must be one positive integer number of tokens for a simulation, got {length!r}")


# ====================================================================================================================
# The quantization model (Michaud et al. 2023) and learning-curve theory (Hutter 2021): notebook 03
# ====================================================================================================================

from dataclasses import dataclass  # noqa: E402  (this section's imports; the module's top imports are shared)

from scipy import special  # noqa: E402

from . import _zipf  # noqa: E402

_EMG3_EXACT_MAX = 5000
"""Up to this many quanta, :func:`quanta_data_loss` sums every binomial term exactly."""

_EMG3_HEAD = 1000
"""Beyond :data:`_EMG3_EXACT_MAX` quanta (or infinitely many), the first ``_EMG3_HEAD`` terms are exact and the rest
a Poisson integral in closed form."""


def _emg3_alpha(alpha) -> float:
    return as_scalar("alpha", alpha, positive=True)


def _emg3_n_quanta(name, value):
    return None if value is None else as_int(name, value, minimum=1)


def _emg3_out(arr):
    return arr if arr.ndim else float(arr)


def quanta_frequencies(k, alpha, n_quanta=None):
    r"""Use frequency of quantum ``k``, :math:`p_k = k^{-(\alpha+1)} / Z` (Zipf's law of the quanta).

    The quantization hypothesis of Michaud et al. :cite:p:`michaud2023quantization` (section 2): quanta, numbered by
    decreasing use frequency, are used with probabilities :math:`p_k \propto k^{-(\alpha+1)}`, normalised by
    :math:`Z = \zeta(\alpha + 1)` over infinitely many quanta, or by the partial sum over ``n_quanta`` of them.

    Parameters
    ----------
    k : array_like of int
        Ranks, >= 1 (and <= ``n_quanta`` if given).
    alpha : float
        Zipf exponent, > 0 (the frequencies fall as :math:`k^{-(\alpha+1)}`).
    n_quanta : int, optional
        Number of quanta; ``None`` (default) for infinitely many.

    Returns
    -------
    numpy.ndarray or float
        The probability that a sample uses quantum ``k``, same shape as ``k``.

    Examples
    --------
    >>> round(quanta_frequencies(1, 1.0) * np.pi**2 / 6, 12)     # zeta(2) = pi^2 / 6
    1.0
    >>> quanta_frequencies([1, 2], 1.0, n_quanta=2).round(12)     # (1, 1/4) / (1 + 1/4)
    array([0.8, 0.2])
    """
    alpha = _emg3_alpha(alpha)
    n_quanta = _emg3_n_quanta("n_quanta", n_quanta)
    k = as_float_array("k", k, positive=True)
    if np.any(k != np.round(k)):
        raise ValueError("k must hold integer ranks >= 1")
    if n_quanta is not None and np.any(k > n_quanta):
        raise ValueError(f"k must be <= n_quanta = {n_quanta}; got {k.max():g}")
    s = alpha + 1.0
    return _emg3_out(k ** -s / _zipf.norm(s, n_quanta))


def quanta_loss(n, alpha):
    r"""Fraction of the reducible loss left after learning the ``n`` most frequent quanta, exactly.

    In the quantization model :cite:p:`michaud2023quantization` (section 2) a sample that uses a learned quantum has
    loss :math:`a`, one that uses an unlearned quantum loss :math:`b`, so a model that knows quanta :math:`1..n` has

    .. math:: L_n = a + (b - a) \sum_{k > n} p_k = a + (b - a)\,\frac{\zeta(\alpha + 1, n + 1)}{\zeta(\alpha + 1)},

    with :math:`\zeta(s, q) = \sum_{j \ge 0} (j + q)^{-s}` the Hurwitz zeta function. This function returns
    :math:`(L_n - a)/(b - a)`, the exact tail mass (the Hurwitz form is derived here; the paper gives the asymptotic
    form, :func:`quanta_loss_asymptotic`).

    Parameters
    ----------
    n : array_like
        Number of quanta learned, >= 0 (an integer in the model; real values interpolate).
    alpha : float
        Zipf exponent of the quanta, > 0.

    Returns
    -------
    numpy.ndarray or float
        A number in (0, 1], same shape as ``n``; 1 at ``n = 0``.

    Examples
    --------
    >>> quanta_loss(0, 0.5)
    1.0
    >>> round(quanta_loss(1, 1.0), 6) == round(1 - 6 / np.pi**2, 6)   # everything but p_1
    True
    """
    alpha = _emg3_alpha(alpha)
    n = as_float_array("n", n, nonnegative=True)
    s = alpha + 1.0
    return _emg3_out(special.zeta(s, n + 1.0) / special.zeta(s, 1.0))


def quanta_loss_asymptotic(n, alpha):
    r"""Michaud et al.'s large-``n`` form of :func:`quanta_loss`, :math:`n^{-\alpha} / (\alpha\,\zeta(\alpha + 1))`.

    Replacing the tail sum by an integral, :math:`\sum_{k>n} k^{-(\alpha+1)} \approx \int_n^\infty x^{-(\alpha+1)}
    \mathrm{d}x = n^{-\alpha}/\alpha`, gives :math:`L_n \approx a + (b - a)\, n^{-\alpha} / (\alpha\,\zeta(\alpha+1))`
    :cite:p:`michaud2023quantization` (section 2): a power law in the number of quanta learned, hence in parameters
    if :math:`n \propto N` (:math:`\alpha_N = \alpha`). The ratio of the exact tail to this form is about
    :math:`(1 + 1/(2n))^{-\alpha}`, so it overstates the loss by about :math:`\alpha/(2n)` (derived here).

    Parameters
    ----------
    n : array_like
        Number of quanta learned, > 0.
    alpha : float
        Zipf exponent of the quanta, > 0.

    Returns
    -------
    numpy.ndarray or float
        :math:`n^{-\alpha}/(\alpha\,\zeta(\alpha+1))`, same shape as ``n``.

    Examples
    --------
    >>> round(quanta_loss_asymptotic(100, 1.0) * np.pi**2 / 6, 12)
    0.01
    """
    alpha = _emg3_alpha(alpha)
    n = as_float_array("n", n, positive=True)
    return _emg3_out(n ** -alpha / (alpha * special.zeta(alpha + 1.0, 1.0)))


def hutter_error(n, alpha, n_items=None):
    r"""Expected error of Hutter's memorising learner after ``n`` samples, :math:`\sum_i \theta_i (1 - \theta_i)^n`.

    Inputs :math:`i = 1, 2, \dots` occur with Zipf probabilities :math:`\theta_i \propto i^{-(\alpha+1)}` and have
    deterministic labels; the learner predicts the label of every input it has seen and errs on the others. The
    expected test error after ``n`` training samples is the test mass of the unseen inputs, the sum above, and decays as
    :math:`n^{-\alpha/(1+\alpha)}` :cite:p:`hutter2021learning` (section 4). It is the quantization model's loss
    fraction with a threshold of one sample, :func:`quanta_data_loss` with ``tau=1``. Computed by
    ``book_utils._zipf.unseen_mass`` (an explicit head plus an incomplete-gamma tail, relative error ~1e-7).

    Parameters
    ----------
    n : array_like
        Number of training samples, >= 0 (real values interpolate).
    alpha : float
        Zipf exponent, > 0 (:math:`\theta_i \propto i^{-(\alpha + 1)}`).
    n_items : int, optional
        Number of inputs (``None``, the default: infinitely many). The probabilities are normalised over them.

    Returns
    -------
    numpy.ndarray or float
        Expected error in [0, 1], same shape as ``n``.

    Examples
    --------
    >>> round(hutter_error(0, 1.0), 9)
    1.0
    >>> round(hutter_error(1, 1.0, n_items=2), 12)      # theta = (0.8, 0.2): 0.8 * 0.2 + 0.2 * 0.8
    0.32
    """
    alpha = _emg3_alpha(alpha)
    n_items = _emg3_n_quanta("n_items", n_items)
    n = as_float_array("n", n, nonnegative=True)
    with np.errstate(divide="ignore"):  # one item: log(1 - 1) = -inf, handled by unseen_mass
        return _emg3_out(np.asarray(_zipf.unseen_mass(n, alpha + 1.0, n_items=n_items), dtype=float))


def _emg3_unlearned(D, p, tau):
    """``P(Binomial(D, p) <= tau - 1)`` for every ``D`` (rows) and ``p`` (columns): the chance a quantum used with
    probability ``p`` has been seen fewer than ``tau`` times in ``D`` samples (1 while ``D <= tau - 1``)."""
    D = D[:, None]
    a = np.maximum(D - tau + 1.0, 1e-300)
    return np.where(D > tau - 1, special.betaincc(float(tau), a, p[None, :]), 1.0)   # 1 - I_p(tau, D - tau + 1)


def _emg3_poisson_tail(D, s, z, first, last, tau):
    r"""``sum_{k=first}^{last} p_k P(Poisson(D p_k) <= tau - 1)`` as a midpoint-rule integral in closed form.

    With :math:`u = D x^{-s}/z` and :math:`c = 1 - 1/s` the integral is
    :math:`\frac{(D/z)^{1/s}}{s D}[G(u_A) - G(u_B)]`, :math:`G(U) = U^c Q(\tau, U)/c + \Gamma(\tau + c) P(\tau + c, U)
    / (c\,\Gamma(\tau))` (:math:`P, Q` the regularised incomplete gamma functions).
    """
    c = 1.0 - 1.0 / s
    A, B = first - 0.5, None if last is None else last + 0.5
    plain = _zipf.mass(s, first, last, z)  # D = 0: the whole mass of the range, exactly
    Ds = np.where(D > 0, D, 1.0)
    lam = Ds / z

    def G(U):
        return (U**c * special.gammaincc(tau, U) + special.gamma(tau + c) / special.gamma(tau)
                * special.gammainc(tau + c, U)) / c

    upper = G(lam * A ** -s) - (0.0 if B is None else G(lam * B ** -s))
    return np.where(D > 0, lam ** (1 / s) / (s * Ds) * upper, plain)


def learned_probability(D, k, alpha, *, tau=1, n_quanta=None):
    r"""Probability that quantum ``k`` has been learned after ``D`` samples: seen at least ``tau`` times.

    Quantum :math:`k` appears :math:`\mathrm{Binomial}(D, p_k)` times in ``D`` i.i.d. samples, so this is
    :math:`\Pr[\mathrm{Bin}(D, p_k) \ge \tau] = 1 - I_{1-p_k}(D - \tau + 1, \tau)` (:math:`I` the regularised
    incomplete beta function): the expected skill curve of one quantum, averaged over training sets, in the
    quantization model :cite:p:`michaud2023quantization`. It rises from 0 to 1 around :math:`D = \tau/p_k`, the
    sharper the larger :math:`\tau`; in any single run the curve is a 0/1 step (:func:`quanta_learning_times`).

    Parameters
    ----------
    D : array_like
        Number of training samples, >= 0.
    k : array_like of int
        Rank of the quantum, >= 1; broadcast against ``D`` (e.g. ``D[:, None]`` and ``k[None, :]``).
    alpha : float
        Zipf exponent, > 0.
    tau : int
        Samples of a quantum needed to learn it, >= 1.
    n_quanta : int, optional
        Number of quanta that the frequencies are normalised over (``None``: infinitely many).

    Returns
    -------
    numpy.ndarray or float
        Probabilities in [0, 1], shape of ``D`` and ``k`` broadcast.

    Examples
    --------
    >>> round(learned_probability(3, 1, 1.0, n_quanta=2), 12)    # 1 - 0.2**3
    0.992
    >>> learned_probability(4, 2, 1.0, tau=5)                    # fewer samples than tau
    0.0
    """
    p = np.asarray(quanta_frequencies(k, alpha, n_quanta), dtype=float)
    tau = as_int("tau", tau, minimum=1)
    D = as_float_array("D", D, nonnegative=True)
    D, p = np.broadcast_arrays(D, p)
    a = np.maximum(D - tau + 1.0, 1e-300)
    out = np.where(D > tau - 1, special.betainc(float(tau), a, p), 0.0)   # I_p(tau, D - tau + 1) = 1 - I_{1-p}(...)
    return _emg3_out(np.asarray(out, dtype=float))


def quanta_data_loss(D, alpha, *, tau=1, n_quanta=None):
    r"""Expected fraction of the reducible loss left after ``D`` samples, when a quantum is learned once it has been
    seen ``tau`` times.

    The data-scaling rule of the quantization model :cite:p:`michaud2023quantization` (section 2), made exact: with
    samples drawn i.i.d., quantum :math:`k` has been seen :math:`\mathrm{Binomial}(D, p_k)` times, so

    .. math:: \frac{\mathbb{E}[L(D)] - a}{b - a} = \sum_k p_k \, \Pr\bigl[\mathrm{Bin}(D, p_k) \le \tau - 1\bigr]
              \;\approx\; \frac{\Gamma(\tau + \alpha/(\alpha+1))}{\alpha\,\Gamma(\tau)\,\zeta(\alpha+1)^{1/(\alpha+1)}}
              \, D^{-\alpha/(\alpha+1)} ,

    the data exponent :math:`\alpha_D = \alpha/(\alpha+1)` whatever :math:`\tau` (the asymptotic constant is derived
    here, :func:`quanta_data_loss_asymptotic`). With ``tau=1`` this is :func:`hutter_error`
    :cite:p:`hutter2021learning`.

    Up to 5,000 quanta every term is exact; beyond (or for infinitely many) the first 1,000 terms are exact and the
    rest is a Poisson approximation integrated in closed form (relative error below about 1e-5 for the book's
    exponents).

    Parameters
    ----------
    D : array_like
        Number of training samples, >= 0.
    alpha : float
        Zipf exponent of the quanta, > 0.
    tau : int
        Samples of a quantum needed to learn it, >= 1.
    n_quanta : int, optional
        Number of quanta (``None``, the default: infinitely many); frequencies normalised over them.

    Returns
    -------
    numpy.ndarray or float
        Expected :math:`(L - a)/(b - a)` in [0, 1], same shape as ``D``.

    Examples
    --------
    >>> round(quanta_data_loss(0, 0.5, tau=10), 12)
    1.0
    >>> round(quanta_data_loss(1, 1.0, tau=1, n_quanta=2), 12)    # = hutter_error(1, 1.0, n_items=2)
    0.32
    """
    alpha = _emg3_alpha(alpha)
    tau = as_int("tau", tau, minimum=1)
    n_quanta = _emg3_n_quanta("n_quanta", n_quanta)
    D = as_float_array("D", D, nonnegative=True)
    if tau == 1:
        return _emg3_out(np.asarray(_zipf.unseen_mass(D, alpha + 1.0, n_items=n_quanta), dtype=float))
    s = alpha + 1.0
    z = _zipf.norm(s, n_quanta)
    flat = D.reshape(-1)
    exact_all = n_quanta is not None and n_quanta <= _EMG3_EXACT_MAX
    head = n_quanta if exact_all else _EMG3_HEAD
    p = np.arange(1.0, head + 1.0) ** -s / z
    total = _emg3_unlearned(flat, p, tau) @ p
    if not exact_all:
        total = total + _emg3_poisson_tail(flat, s, z, head + 1, n_quanta, tau)
    return _emg3_out(total.reshape(D.shape))


def quanta_data_loss_asymptotic(D, alpha, *, tau=1):
    r"""Large-``D`` form of :func:`quanta_data_loss` for infinitely many quanta,
    :math:`\Gamma(\tau + c) / (\alpha\,\Gamma(\tau)\,\zeta(\alpha+1)^{1/(\alpha+1)}) \, D^{-c}` with
    :math:`c = \alpha/(\alpha+1)`.

    Derived here: the sum over quanta becomes an integral and the binomial a Poisson law. Michaud et al.'s
    threshold argument :cite:p:`michaud2023quantization` (quantum :math:`k` is learned when :math:`D p_k \ge \tau`)
    gives the same power with :math:`\tau^c` in place of :math:`\Gamma(\tau + c)/\Gamma(\tau)`, which it approaches as
    :math:`\tau` grows. For ``tau=1`` this is the asymptote of Hutter's learning curve :cite:p:`hutter2021learning`.

    Parameters
    ----------
    D : array_like
        Number of training samples, > 0.
    alpha : float
        Zipf exponent of the quanta, > 0.
    tau : int
        Samples of a quantum needed to learn it, >= 1.

    Returns
    -------
    numpy.ndarray or float
        Same shape as ``D``.

    Examples
    --------
    >>> from math import gamma
    >>> round(quanta_data_loss_asymptotic(1.0, 1.0) / (gamma(1.5) / (np.pi**2 / 6) ** 0.5), 12)
    1.0
    """
    alpha = _emg3_alpha(alpha)
    tau = as_int("tau", tau, minimum=1)
    D = as_float_array("D", D, positive=True)
    c = alpha / (alpha + 1.0)
    ratio = np.exp(special.gammaln(tau + c) - special.gammaln(tau))   # Gamma(tau + c) / Gamma(tau)
    const = ratio / (alpha * special.zeta(alpha + 1.0, 1.0) ** (1 - c))
    return _emg3_out(const * D ** -c)


def quanta_learning_times(k, alpha, *, tau=1, n_quanta=None, runs=1, seed=0):
    r"""Sample, for each run and quantum ``k``, the number of training samples at which the quantum is learned.

    Quantum :math:`k` is learned at the :math:`\tau`-th sample that uses it. In an i.i.d. stream that position is
    :math:`\tau` plus a negative binomial number of other samples, :math:`\tau + \mathrm{NB}(\tau, p_k)`, with mean
    :math:`\tau / p_k` and relative spread :math:`\sqrt{(1 - p_k)/\tau}`: the skill curve of one quantum in one run is
    a 0/1 step at this position :cite:p:`michaud2023quantization`. Quanta are drawn independently (each marginal law is
    exact; within one real stream the times of different quanta are weakly dependent: :func:`simulate_quanta` draws the
    joint law).

    Parameters
    ----------
    k : array_like of int
        Ranks of the quanta, >= 1, 1-D.
    alpha : float
        Zipf exponent, > 0.
    tau : int
        Samples of a quantum needed to learn it, >= 1.
    n_quanta : int, optional
        Number of quanta that the frequencies are normalised over (``None``: infinitely many).
    runs : int
        Independent runs, >= 1.
    seed : int
        Seed of ``numpy.random.default_rng``, >= 0.

    Returns
    -------
    numpy.ndarray of int64
        Shape ``(runs, len(k))``.

    Examples
    --------
    >>> t = quanta_learning_times([1, 10], 0.5, tau=5, runs=4000, seed=0)
    >>> t.shape, bool(np.all(t >= 5))
    ((4000, 2), True)
    """
    p = np.atleast_1d(quanta_frequencies(k, alpha, n_quanta))
    if p.ndim != 1:
        raise ValueError(f"k must be 1-D, got shape {np.shape(k)}")
    tau = as_int("tau", tau, minimum=1)
    runs = as_int("runs", runs, minimum=1)
    rng = np.random.default_rng(as_int("seed", seed))
    return tau + rng.negative_binomial(tau, p, size=(runs, p.size)).astype(np.int64)


@dataclass(frozen=True)
class QuantaSimulation:
    """Result of :func:`simulate_quanta`: learning curves of every quantum in every run.

    Attributes
    ----------
    samples : numpy.ndarray
        The checkpoints: numbers of training samples ``D``, shape ``(S,)``.
    p : numpy.ndarray
        Use frequency of each quantum (rank 1 first), shape ``(K,)``, summing to 1.
    tau : int
        Samples of a quantum needed to learn it.
    first_learned : numpy.ndarray of int
        Shape ``(runs, K)``: index into ``samples`` of the first checkpoint at which each quantum is learned, ``S`` if
        it is never learned within them.
    loss : numpy.ndarray
        Shape ``(runs, S)``: the fraction of the reducible loss left, :math:`(L - a)/(b - a) = \\sum_k p_k [k` not yet
        learned :math:`]`.
    expected : numpy.ndarray
        Shape ``(S,)``: its exact expectation, :func:`quanta_data_loss` with ``n_quanta=K``.
    """

    samples: np.ndarray
    p: np.ndarray
    tau: int
    first_learned: np.ndarray
    loss: np.ndarray
    expected: np.ndarray

    @property
    def runs(self) -> int:
        """Number of runs."""
        return self.loss.shape[0]

    @property
    def mean_loss(self) -> np.ndarray:
        """Mean of :attr:`loss` over the runs, shape ``(S,)``."""
        return self.loss.mean(axis=0)

    @property
    def n_learned(self) -> np.ndarray:
        """Number of quanta learned in each run at each checkpoint, shape ``(runs, S)``."""
        S = self.samples.size
        return np.stack([np.count_nonzero(self.first_learned <= j, axis=1) for j in range(S)], axis=1)

    def skill(self, k: int) -> np.ndarray:
        """The 0/1 skill curve of quantum ``k`` (rank, 1-based) in every run, shape ``(runs, S)``: 1 once learned."""
        k = as_int("k", k, minimum=1)
        if k > self.p.size:
            raise ValueError(f"k must be <= the number of quanta, {self.p.size}; got {k}")
        return (np.arange(self.samples.size)[None, :] >= self.first_learned[:, k - 1, None]).astype(float)


def simulate_quanta(n_quanta, alpha, samples, *, tau=1, runs=1, seed=0) -> QuantaSimulation:
    r"""Simulate learning curves in the quantization model: every quantum's 0/1 skill curve and the loss.

    ``n_quanta`` quanta are used with Zipf frequencies :math:`p_k \propto k^{-(\alpha+1)}` (normalised over them)
    :cite:p:`michaud2023quantization`. Training samples arrive one by one, each using one quantum drawn from
    :math:`p`; a quantum is learned, and stays learned, once :math:`\tau` samples that use it have been seen. Between
    checkpoints the counts grow by a multinomial draw, vectorised over runs, so the curves are exact at the
    checkpoints. The loss fraction left :math:`\sum_k p_k [k \text{ unlearned}]` has the exact expectation
    :func:`quanta_data_loss` (``n_quanta=K``), stored in the result.

    Parameters
    ----------
    n_quanta : int
        Number of quanta ``K``, >= 1.
    alpha : float
        Zipf exponent, > 0.
    samples : array_like of int
        Checkpoints: numbers of training samples, >= 0, strictly increasing, 1-D.
    tau : int
        Samples of a quantum needed to learn it, >= 1.
    runs : int
        Independent runs, >= 1 (``runs * n_quanta`` at most 5e7).
    seed : int
        Seed of ``numpy.random.default_rng``, >= 0.

    Returns
    -------
    QuantaSimulation

    Examples
    --------
    >>> sim = simulate_quanta(50, 1.0, [0, 10, 100], runs=3, seed=1)
    >>> sim.loss.shape, bool(np.all(sim.loss[:, 0] == 1.0))
    ((3, 3), True)
    """
    n_quanta = as_int("n_quanta", n_quanta, minimum=1)
    alpha = _emg3_alpha(alpha)
    tau = as_int("tau", tau, minimum=1)
    runs = as_int("runs", runs, minimum=1)
    seed = as_int("seed", seed)
    D = as_float_array("samples", samples, nonnegative=True)
    if D.ndim != 1 or np.any(D != np.round(D)) or np.any(np.diff(D) <= 0):
        raise ValueError("samples must be a 1-D array of strictly increasing integers >= 0")
    if runs * n_quanta > 5e7:
        raise ValueError(f"runs * n_quanta = {runs * n_quanta:.3g} is too large (at most 5e7)")
    p = np.atleast_1d(quanta_frequencies(np.arange(1, n_quanta + 1), alpha, n_quanta))
    p = p / p.sum()  # exact rounding for the multinomial draw
    rng = np.random.default_rng(seed)
    S = D.size
    counts = np.zeros((runs, n_quanta), dtype=np.int64)
    first = np.full((runs, n_quanta), S, dtype=np.int64)
    steps = np.diff(D, prepend=0.0).astype(np.int64)
    for j, step in enumerate(steps):
        if step:
            counts += rng.multinomial(step, p, size=runs)
        first[(counts >= tau) & (first == S)] = j
    learned = np.zeros((runs, S + 1))
    np.add.at(learned, (np.arange(runs)[:, None], first), p[None, :])
    loss = np.clip(1.0 - np.cumsum(learned, axis=1)[:, :S], 0.0, 1.0)
    expected = np.asarray(quanta_data_loss(D, alpha, tau=tau, n_quanta=n_quanta), dtype=float).reshape(S)
    return QuantaSimulation(D, p, tau, first, loss, expected)
