r"""FLOP accounting.

Introduced in chapter 0 (Foundations). Training a dense transformer with N parameters on D tokens costs about

.. math:: C \approx 6 N D \quad \text{FLOPs},

2N per token for the forward pass and 4N for the backward pass (Kaplan et al., eq. 2.1–2.2
:cite:p:`kaplan2020scaling`; Hoffmann et al. use the same count :cite:p:`hoffmann2022training`). Kaplan et al.
quote compute in PF-days: one petaFLOP/s sustained for a day, :math:`10^{15} \times 86400 = 8.64\times10^{19}` FLOPs.

Chapter 2 (Chinchilla) adds the compute-optimal allocation of a budget under a parametric law:
:func:`compute_optimal` (closed form), its inverse :func:`compute_optimal_for_params`, and
:func:`compute_optimal_numeric` for laws with no closed form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, as_scalar
from .published import KAPLAN

__all__ = ["FLOPS_PER_PARAM_TOKEN", "PF_DAY", "training_flops", "flops_to_pf_days", "pf_days_to_flops",
           "transformer_params", "forward_flops_per_token", "KaplanAllocation", "kaplan_allocation", "compute_optimal",
           "compute_optimal_for_params", "compute_optimal_numeric",
           "gpu_hours_to_flops", "Allocation", "RECIPES", "budget_allocations", "NonEmbeddingOptimum",
           "nonembedding_optimum", "nonembedding_budget", "nonembedding_local_exponent",
           "INFERENCE_FLOPS_PER_PARAM_TOKEN", "InferenceOptimal", "inference_optimal", "implied_inference_tokens"]

FLOPS_PER_PARAM_TOKEN = 6.0
"""FLOPs per parameter per training token (2 forward + 4 backward) :cite:p:`kaplan2020scaling`."""

PF_DAY = 1e15 * 24 * 3600
"""FLOPs in one PF-day (a petaFLOP/s for one day): 8.64e19 :cite:p:`kaplan2020scaling`."""


def _maybe_scalar(arr):
    return arr if arr.ndim else float(arr)


def training_flops(params, tokens):
    r"""Training compute :math:`C \approx 6ND` in FLOPs.

    Parameters
    ----------
    params : array_like
        Number of parameters N, > 0.
    tokens : array_like
        Number of training tokens D, > 0 (broadcast against ``params``).

    Returns
    -------
    numpy.ndarray or float
        Training FLOPs.

    Examples
    --------
    >>> f"{training_flops(70e9, 1.4e12):.3g}"   # Chinchilla
    '5.88e+23'
    """
    n = as_float_array("params", params, positive=True)
    d = as_float_array("tokens", tokens, positive=True)
    try:
        return _maybe_scalar(FLOPS_PER_PARAM_TOKEN * n * d)
    except ValueError as exc:
        raise ValueError(f"params and tokens must broadcast; got shapes {n.shape} and {d.shape}") from exc


def flops_to_pf_days(flops):
    """Convert FLOPs to PF-days (1 PF-day = 8.64e19 FLOPs).

    Examples
    --------
    >>> flops_to_pf_days(8.64e19)
    1.0
    """
    return _maybe_scalar(as_float_array("flops", flops, nonnegative=True) / PF_DAY)


def pf_days_to_flops(pf_days):
    """Convert PF-days to FLOPs (1 PF-day = 8.64e19 FLOPs).

    Examples
    --------
    >>> pf_days_to_flops(1.0)
    8.64e+19
    """
    return _maybe_scalar(as_float_array("pf_days", pf_days, nonnegative=True) * PF_DAY)


def transformer_params(n_layer, d_model, d_attn=None, d_ff=None):
    r"""Non-embedding parameters of a decoder-only transformer, eq. 2.1 of Kaplan et al. :cite:p:`kaplan2020scaling`:

    .. math:: N \approx 2\,d_\mathrm{model}\,n_\mathrm{layer}\,(2 d_\mathrm{attn} + d_\mathrm{ff})
              = 12\,n_\mathrm{layer}\,d_\mathrm{model}^2 \quad (d_\mathrm{attn} = d_\mathrm{model},\;
              d_\mathrm{ff} = 4 d_\mathrm{model}).

    Per layer: the attention projections (Q, K, V, output: :math:`4 d_\mathrm{model} d_\mathrm{attn}`) and the two
    feed-forward matrices (:math:`2 d_\mathrm{model} d_\mathrm{ff}`). Biases, layer norms, and the embeddings
    (vocabulary and positions) are left out, as Kaplan et al. do.

    Parameters
    ----------
    n_layer, d_model : array_like
        Number of layers and residual width, > 0.
    d_attn, d_ff : array_like, optional
        Attention and feed-forward widths (default ``d_model`` and ``4 * d_model``).

    Returns
    -------
    numpy.ndarray or float
        Non-embedding parameters.

    Examples
    --------
    >>> f"{transformer_params(96, 12288):.4g}"   # GPT-3 175B
    '1.739e+11'
    """
    n_layer = as_float_array("n_layer", n_layer, positive=True)
    d_model = as_float_array("d_model", d_model, positive=True)
    d_attn = d_model if d_attn is None else as_float_array("d_attn", d_attn, positive=True)
    d_ff = 4 * d_model if d_ff is None else as_float_array("d_ff", d_ff, positive=True)
    return _maybe_scalar(2.0 * d_model * n_layer * (2.0 * d_attn + d_ff))


def forward_flops_per_token(n_layer, d_model, n_ctx, d_attn=None, d_ff=None):
    r"""Forward-pass FLOPs per token, eq. 2.2 of Kaplan et al. :cite:p:`kaplan2020scaling`:
    :math:`C_\mathrm{forward} \approx 2N + 2\,n_\mathrm{layer}\,n_\mathrm{ctx}\,d_\mathrm{attn}`.

    The first term is one multiply and one add per weight; the second is attention over the context. Training costs
    about three times the forward pass (the backward pass is twice the forward), hence :math:`C \approx 6N` per
    token when the context term is small.

    Parameters
    ----------
    n_layer, d_model, n_ctx : array_like
        Layers, residual width and context length, > 0.
    d_attn, d_ff : array_like, optional
        As in :func:`transformer_params`.

    Returns
    -------
    numpy.ndarray or float
        FLOPs per token of one forward pass.

    Examples
    --------
    >>> f"{forward_flops_per_token(96, 12288, 2048):.4g}"   # GPT-3 175B
    '3.527e+11'
    """
    n_ctx = as_float_array("n_ctx", n_ctx, positive=True)
    N = transformer_params(n_layer, d_model, d_attn, d_ff)
    d_attn = as_float_array("d_model", d_model, positive=True) if d_attn is None else as_float_array("d_attn", d_attn)
    return _maybe_scalar(2.0 * N + 2.0 * np.asarray(n_layer, dtype=float) * n_ctx * d_attn)


@dataclass(frozen=True)
class KaplanAllocation:
    """Result of :func:`kaplan_allocation`: Kaplan et al.'s compute-efficient training run for a budget.

    Attributes
    ----------
    C_min : numpy.ndarray or float
        The budget, in FLOPs.
    N : numpy.ndarray or float
        Non-embedding parameters.
    B : numpy.ndarray or float
        Batch size in tokens (the critical batch size).
    S_min : numpy.ndarray or float
        Optimisation steps (at large batch).
    D : numpy.ndarray or float
        Training tokens, as printed in Table 6.
    """

    C_min: object
    N: object
    B: object
    S_min: object
    D: object

    @property
    def tokens_per_param(self):
        """D / N."""
        return self.D / self.N


def kaplan_allocation(C_flops):
    r"""Kaplan et al.'s compute-efficient allocation of a budget, Table 6 :cite:p:`kaplan2020scaling`.

    With :math:`C_\mathrm{min}` in PF-days: :math:`N = 1.3\times10^{9}\,C^{0.73}`,
    :math:`B = 2.0\times10^{6}\,C^{0.24}` tokens, :math:`S_\mathrm{min} = 5.4\times10^{3}\,C^{0.03}` and
    :math:`D = 2\times10^{10}\,C^{0.27}` tokens. The exponents of N, B and S sum to 1 because
    :math:`C = 6NBS`. Note that :math:`D \approx 2\,B\,S_\mathrm{min}`: training at the critical batch size takes
    twice the minimal number of steps (eq. 5.4), and so twice :math:`C_\mathrm{min}` in FLOPs (eq. 5.5).

    Parameters
    ----------
    C_flops : array_like
        Minimal compute budget :math:`C_\mathrm{min}` in FLOPs, > 0.

    Returns
    -------
    KaplanAllocation

    Examples
    --------
    >>> a = kaplan_allocation(1e21)
    >>> f"{a.N:.2g} params, {a.D:.2g} tokens, {a.tokens_per_param:.2g} tokens/param"
    '7.8e+09 params, 3.9e+10 tokens, 5 tokens/param'
    """
    c = as_float_array("C_flops", C_flops, positive=True)
    pf = c / PF_DAY
    fields = {name: _maybe_scalar(float(coef) * pf ** float(expo))
              for name, (coef, expo) in KAPLAN["allocation"].items()}
    return KaplanAllocation(C_min=_maybe_scalar(c), **fields)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2: compute-optimal allocation (Hoffmann et al. 2022).
# ---------------------------------------------------------------------------------------------------------------------


def _frontier_constants(A, B, alpha, beta):
    A, B = as_scalar("A", A, positive=True), as_scalar("B", B, positive=True)
    alpha, beta = as_scalar("alpha", alpha, positive=True), as_scalar("beta", beta, positive=True)
    G = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
    return G, beta / (alpha + beta), alpha / (alpha + beta)


def _check_floor(E):
    """``E`` does not move the frontier, but a caller who passes one should still pass a number."""
    if E is not None:
        as_scalar("E", E, positive=True)


def compute_optimal(C, *, A, B, alpha, beta, E=None):
    r"""Compute-optimal parameters and tokens for budget(s) ``C`` under :math:`L = E + A N^{-\alpha} + B D^{-\beta}`
    and :math:`C = 6ND`, eq. 4 and Appendix D.2 of Hoffmann et al. :cite:p:`hoffmann2022training`:

    .. math:: N_\mathrm{opt}(C) = G \left(\frac{C}{6}\right)^{a},\qquad
              D_\mathrm{opt}(C) = G^{-1} \left(\frac{C}{6}\right)^{b},\qquad
              G = \left(\frac{\alpha A}{\beta B}\right)^{\frac{1}{\alpha+\beta}},\;
              a = \frac{\beta}{\alpha+\beta},\; b = \frac{\alpha}{\alpha+\beta}.

    (Setting :math:`D = C/6N` and the derivative in :math:`N` to zero gives
    :math:`\alpha A N^{-\alpha} = \beta B D^{-\beta}`: at the optimum the two reducible terms stand in the fixed
    ratio :math:`\beta : \alpha`.) :math:`E` does not enter.

    Parameters
    ----------
    C : array_like
        Training compute in FLOPs, > 0.
    A, B, alpha, beta : float
        The law's amplitudes and exponents, > 0.
    E : float, optional
        Ignored (the frontier does not depend on the floor); accepted so that a whole law can be passed, e.g.
        ``compute_optimal(C, **as_floats(EPOCH_FIT))``.

    Returns
    -------
    (N_opt, D_opt) : tuple of numpy.ndarray or float
        Parameters and tokens, same shape as ``C``; ``6 * N_opt * D_opt == C``.

    Examples
    --------
    >>> N, D = compute_optimal(5.76e23, A=406.4, B=410.7, alpha=0.34, beta=0.28)   # Gopher's budget
    >>> f"{N:.3g} params, {D:.3g} tokens"
    '3.22e+10 params, 2.98e+12 tokens'
    """
    C = as_float_array("C", C, positive=True)
    _check_floor(E)
    G, a, b = _frontier_constants(A, B, alpha, beta)
    c6 = C / FLOPS_PER_PARAM_TOKEN
    return _maybe_scalar(G * c6 ** a), _maybe_scalar(c6 ** b / G)


def compute_optimal_for_params(N, *, A, B, alpha, beta, E=None):
    r"""The inverse of :func:`compute_optimal`: the budget for which ``N`` parameters are compute-optimal, and the
    tokens to train them on (the question Table 3 of Hoffmann et al. answers :cite:p:`hoffmann2022training`):

    .. math:: C = 6 \left(\frac{N}{G}\right)^{1/a}, \qquad D = \frac{C}{6N}.

    Parameters
    ----------
    N : array_like
        Parameters, > 0.
    A, B, alpha, beta : float
        The law's amplitudes and exponents, > 0.
    E : float, optional
        Ignored, as in :func:`compute_optimal`.

    Returns
    -------
    (C, D) : tuple of numpy.ndarray or float
        FLOPs and tokens, same shape as ``N``.

    Examples
    --------
    >>> C, D = compute_optimal_for_params(70e9, A=406.4, B=410.7, alpha=0.34, beta=0.28)
    >>> f"{C:.3g} FLOPs, {D / 70e9:.0f} tokens per parameter"
    '3.22e+24 FLOPs, 109 tokens per parameter'
    """
    N = as_float_array("N", N, positive=True)
    _check_floor(E)
    G, a, _ = _frontier_constants(A, B, alpha, beta)
    C = FLOPS_PER_PARAM_TOKEN * (N / G) ** (1.0 / a)
    return _maybe_scalar(C), _maybe_scalar(C / (FLOPS_PER_PARAM_TOKEN * N))


def compute_optimal_numeric(loss, C, *, N_range=(1.0, 1e16), tol=1e-10):
    r"""Compute-optimal allocation for any loss :math:`L(N, D)`: minimise :math:`L(N, C/6N)` over :math:`\log N`.

    For laws with no closed form (the scaling lab's exact law, a law with an extra term, inference-aware costs), by
    golden-section search in :math:`\log N`, vectorised over budgets. It assumes that, at fixed ``C``, the loss has
    a single minimum in ``N_range`` (true of every law in this book); a minimum at an end of the range is reported
    as that end, so widen the range if ``N_opt`` sits on it.

    Parameters
    ----------
    loss : callable
        ``loss(N, D)`` taking arrays of equal shape and returning finite losses of that shape.
    C : array_like
        Budgets in FLOPs, > 0.
    N_range : (float, float)
        Search interval for ``N``, ``0 < lo < hi``.
    tol : float
        Tolerance in :math:`\log N`, > 0.

    Returns
    -------
    (N_opt, D_opt) : tuple of numpy.ndarray or float
        Same shape as ``C``.

    Examples
    --------
    >>> from book_utils.laws import chinchilla_loss
    >>> law = lambda N, D: chinchilla_loss(N, D, 1.69, 406.4, 410.7, 0.34, 0.28)
    >>> N, D = compute_optimal_numeric(law, 5.76e23)
    >>> f"{N:.3g}"                      # the closed form gives the same
    '3.22e+10'
    """
    if not callable(loss):
        raise ValueError(f"loss must be a callable loss(N, D), got {type(loss).__name__}")
    C = as_float_array("C", C, positive=True)
    if np.ndim(N_range) != 1 or len(N_range) != 2:
        raise ValueError(f"N_range must be a pair (lo, hi), got {N_range!r}")
    lo, hi = (as_scalar("N_range", v, positive=True) for v in N_range)
    if not lo < hi:
        raise ValueError(f"N_range must be (lo, hi) with 0 < lo < hi, got {N_range!r}")
    tol = as_scalar("tol", tol, positive=True)
    c = C.ravel()

    def f(logn):
        n = np.exp(logn)
        out = np.asarray(loss(n, c / (FLOPS_PER_PARAM_TOKEN * n)), dtype=float)
        if out.shape != n.shape or not np.all(np.isfinite(out)):
            raise ValueError("loss(N, D) must return one finite value per (N, D) pair")
        return out

    g = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = np.full(c.shape, np.log(lo)), np.full(c.shape, np.log(hi))
    x1, x2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = f(x1), f(x2)
    for _ in range(int(np.ceil(np.log(tol / (b[0] - a[0])) / np.log(g))) + 1):
        left = f1 < f2  # the minimum lies in [a, x2]
        b = np.where(left, x2, b)
        a = np.where(left, a, x1)
        x2n = np.where(left, x1, a + g * (b - a))
        x1n = np.where(left, b - g * (b - a), x2)
        f_new = f(np.where(left, x1n, x2n))
        f1, f2 = np.where(left, f_new, f2), np.where(left, f1, f_new)
        x1, x2 = x1n, x2n
    N = np.exp((a + b) / 2).reshape(C.shape)
    return _maybe_scalar(N), _maybe_scalar(C / (FLOPS_PER_PARAM_TOKEN * N))


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 3 (Kaplan vs Chinchilla): a budget calculator, and the embedding-parameter argument.
# ---------------------------------------------------------------------------------------------------------------------

SECONDS_PER_HOUR = 3600.0


def gpu_hours_to_flops(gpu_hours, peak_flops_per_s, utilisation):
    r"""Training compute bought by accelerator time: :math:`C = 3600\,h\,P\,u` FLOPs.

    ``h`` accelerator-hours at a peak throughput ``P`` (FLOP/s, dense, in the training precision) of which a
    fraction ``u`` (the model-FLOPs utilisation) goes into the :math:`6ND` of useful work.

    Parameters
    ----------
    gpu_hours : array_like
        Accelerator-hours (number of devices times wall-clock hours), > 0.
    peak_flops_per_s : array_like
        Peak throughput of one device in FLOP/s, > 0 (e.g. 312e12 for an A100's dense bf16 tensor cores).
    utilisation : array_like
        Model-FLOPs utilisation, in (0, 1].

    Returns
    -------
    numpy.ndarray or float
        FLOPs.

    Examples
    --------
    >>> f"{gpu_hours_to_flops(1e6, 312e12, 0.4):.3g}"
    '4.49e+23'
    """
    h = as_float_array("gpu_hours", gpu_hours, positive=True)
    p = as_float_array("peak_flops_per_s", peak_flops_per_s, positive=True)
    u = as_float_array("utilisation", utilisation, positive=True)
    if (u > 1).any():
        raise ValueError(f"utilisation must be a fraction in (0, 1], got {u.max()!r}; pass 0.4 for 40%")
    try:
        return _maybe_scalar(SECONDS_PER_HOUR * h * p * u)
    except ValueError as exc:
        raise ValueError(f"gpu_hours, peak_flops_per_s and utilisation must broadcast; got shapes {h.shape}, "
                         f"{p.shape} and {u.shape}") from exc


@dataclass(frozen=True)
class Allocation:
    """One recipe's split of a budget, returned by :func:`budget_allocations`.

    Attributes
    ----------
    recipe : str
        Which rule produced it.
    C : numpy.ndarray or float
        The budget in FLOPs, spent as :math:`C = 6ND`.
    N : numpy.ndarray or float
        Parameters.
    D : numpy.ndarray or float
        Training tokens.
    loss : numpy.ndarray or float
        Loss the judging law predicts for (N, D), in nats/token.
    """

    recipe: str
    C: object
    N: object
    D: object
    loss: object

    @property
    def tokens_per_param(self):
        """D / N."""
        return self.D / self.N


RECIPES = ("Kaplan (Table 6)", "Approach 3, rounded", "Approach 3, unrounded", "Epoch refit", "20 tokens/param")
"""Names of the recipes compared by :func:`budget_allocations`, in order."""


def _law_params(law, name):
    keys = ("E", "A", "B", "alpha", "beta")
    if not isinstance(law, dict) or not set(keys) <= set(law):
        raise ValueError(f"{name} must be a dict with keys {keys} (e.g. book_utils.published.EPOCH_FIT), got {law!r}")
    return {k: as_scalar(f"{name}[{k!r}]", float(law[k]), positive=True) for k in keys}


def budget_allocations(C, *, judge=None):
    r"""Split a budget ``C = 6ND`` into parameters and tokens by five published recipes, and judge each split.

    - **Kaplan (Table 6)**: :math:`N = 1.3\times10^9\,C^{0.73}` (``C`` in PF-days), the model size of
      :func:`kaplan_allocation` with :math:`C_\mathrm{min} = C`, trained on the :math:`D = C/6N` tokens the budget
      buys :cite:p:`kaplan2020scaling`. (Kaplan's N and C count non-embedding parameters only, and Table 6's own
      :math:`D` is 1.8 times this one; see chapter 1.)
    - **Approach 3, rounded / unrounded**: :func:`compute_optimal` with
      :data:`~book_utils.published.HOFFMANN_APPROACH3` and :data:`~book_utils.published.HOFFMANN_APPROACH3_UNROUNDED`
      :cite:p:`hoffmann2022training`.
    - **Epoch refit**: :func:`compute_optimal` with :data:`~book_utils.published.EPOCH_FIT`
      :cite:p:`besiroglu2024chinchilla`.
    - **20 tokens/param**: :math:`D = 20N`, so :math:`N = \sqrt{C/120}`.

    Parameters
    ----------
    C : array_like
        Budget(s) in FLOPs, > 0.
    judge : dict, optional
        Law :math:`L = E + A N^{-\alpha} + B D^{-\beta}` (keys ``E, A, B, alpha, beta``) that predicts every recipe's
        loss, so that the splits are compared on one scale; default :data:`~book_utils.published.EPOCH_FIT`.

    Returns
    -------
    dict
        ``{recipe name: Allocation}`` in the order of :data:`RECIPES`; arrays have the shape of ``C``.

    Examples
    --------
    >>> a = budget_allocations(5.76e23)   # Gopher's budget
    >>> f"{a['Epoch refit'].N:.3g} params, {a['Epoch refit'].tokens_per_param:.1f} tokens/param"
    '7.22e+10 params, 18.4 tokens/param'
    """
    from .laws import chinchilla_loss
    from .published import EPOCH_FIT, HOFFMANN_APPROACH3, HOFFMANN_APPROACH3_UNROUNDED

    C = as_float_array("C", C, positive=True)
    law = _law_params(EPOCH_FIT if judge is None else judge, "judge")
    splits = {RECIPES[0]: kaplan_allocation(C).N}
    for name, fit in zip(RECIPES[1:4], (HOFFMANN_APPROACH3, HOFFMANN_APPROACH3_UNROUNDED, EPOCH_FIT), strict=True):
        p = _law_params(fit, name)
        splits[name] = compute_optimal(C, A=p["A"], B=p["B"], alpha=p["alpha"], beta=p["beta"])[0]
    splits[RECIPES[4]] = np.sqrt(C / (FLOPS_PER_PARAM_TOKEN * 20.0))
    out = {}
    for name, N in splits.items():
        N = np.asarray(N, dtype=float)
        D = C / (FLOPS_PER_PARAM_TOKEN * N)
        loss = chinchilla_loss(N, D, law["E"], law["A"], law["B"], law["alpha"], law["beta"])
        out[name] = Allocation(name, _maybe_scalar(C), _maybe_scalar(N), _maybe_scalar(D), _maybe_scalar(
            np.asarray(loss, dtype=float)))
    return out


@dataclass(frozen=True)
class NonEmbeddingOptimum:
    """Result of :func:`nonembedding_optimum`: the compute-optimal model as Kaplan et al. would have counted it.

    Attributes
    ----------
    C : numpy.ndarray or float
        Non-embedding compute :math:`6 N_{\\setminus E} D`, FLOPs.
    N_nonemb : numpy.ndarray or float
        Optimal non-embedding parameters.
    N_total : numpy.ndarray or float
        The same model's total parameters :math:`N_{\\setminus E} + \\omega N_{\\setminus E}^{1/3}`.
    D : numpy.ndarray or float
        Training tokens.
    local_exponent : numpy.ndarray or float
        :math:`d\\log N_{\\setminus E}/d\\log C` at the optimum (:func:`nonembedding_local_exponent`).
    """

    C: object
    N_nonemb: object
    N_total: object
    D: object
    local_exponent: object


def _nonemb_args(A, B, alpha, beta, omega):
    from .published import PEARCE_EMBEDDING_OMEGA

    omega = float(PEARCE_EMBEDDING_OMEGA) if omega is None else as_scalar("omega", omega, nonnegative=True)
    return (as_scalar("A", A, positive=True), as_scalar("B", B, positive=True),
            as_scalar("alpha", alpha, positive=True), as_scalar("beta", beta, positive=True), omega)


def nonembedding_local_exponent(N_nonemb, *, alpha, beta, omega=None):
    r"""Local exponent :math:`d\log N^*_{\setminus E}/d\log C_{\setminus E}` of the compute-optimal non-embedding
    model size, when the loss is Chinchilla's law in *total* parameters :math:`N_T = N + \omega N^{1/3}` but size
    and compute are counted without embeddings (:math:`C = 6ND`, :math:`N = N_{\setminus E}`), as Kaplan et al. did
    :cite:p:`pearce2024reconciling`.

    Minimising :math:`A N_T^{-\alpha} + B (C/6N)^{-\beta}` over :math:`N` gives the frontier in closed form
    (:func:`nonembedding_budget`); differentiating its logarithm,

    .. math:: \frac{1}{\text{exponent}} = 1 + \frac{1+\alpha}{\beta}\,\frac{N + \omega N^{1/3}/3}{N + \omega N^{1/3}}
              - \frac{1}{\beta}\,\frac{N + \omega N^{1/3}/9}{N + \omega N^{1/3}/3},

    which tends to :math:`\beta/(\alpha/3 + \beta)` when embeddings dominate (small N) and to Chinchilla's
    :math:`\beta/(\alpha+\beta)` when they are negligible (large N). In between it is not monotone: with
    :math:`\omega = 47{,}491` it rises above both limits, close to 1, for models of a few million parameters.

    Parameters
    ----------
    N_nonemb : array_like
        Non-embedding parameters at the optimum, > 0.
    alpha, beta : float
        Exponents of the law, > 0.
    omega : float, optional
        Embedding constant, >= 0 (default :data:`~book_utils.published.PEARCE_EMBEDDING_OMEGA`, 47,491).

    Returns
    -------
    numpy.ndarray or float

    Examples
    --------
    >>> lims = 0.28 / (0.34 / 3 + 0.28), 0.28 / (0.34 + 0.28)       # small-N and large-N limits
    >>> got = nonembedding_local_exponent([10.0, 1e15], alpha=0.34, beta=0.28)
    >>> [f"{x:.3f}" for x in got], [f"{x:.3f}" for x in lims]
    (['0.712', '0.452'], ['0.712', '0.452'])
    """
    N = as_float_array("N_nonemb", N_nonemb, positive=True)
    _, _, alpha, beta, omega = _nonemb_args(1.0, 1.0, alpha, beta, omega)
    x = np.cbrt(N) ** 2  # divide numerators and denominators by N^(1/3)
    g = 1.0 + (1.0 + alpha) / beta * (x + omega / 3) / (x + omega) - (x + omega / 9) / (beta * (x + omega / 3))
    return _maybe_scalar(1.0 / g)


def nonembedding_budget(N_nonemb, *, A, B, alpha, beta, omega=None):
    r"""The non-embedding budget :math:`C_{\setminus E} = 6 N D` for which ``N_nonemb`` is compute-optimal, and its
    tokens: the closed-form inverse of :func:`nonembedding_optimum` :cite:p:`pearce2024reconciling`.

    Setting :math:`\partial L/\partial N = 0` for :math:`L = A N_T^{-\alpha} + B D^{-\beta}`,
    :math:`N_T = N + \omega N^{1/3}`, :math:`D = C/6N`:

    .. math:: D = \left(\frac{\beta B}{\alpha A}\right)^{1/\beta}
              \frac{N_T^{(1+\alpha)/\beta}}{\left(N + \omega N^{1/3}/3\right)^{1/\beta}}, \qquad C = 6 N D .

    With :math:`\omega = 0` this is :func:`compute_optimal_for_params`.

    Parameters
    ----------
    N_nonemb : array_like
        Non-embedding parameters, > 0.
    A, B, alpha, beta : float
        The law's amplitudes and exponents, > 0.
    omega : float, optional
        Embedding constant, >= 0 (default 47,491, :data:`~book_utils.published.PEARCE_EMBEDDING_OMEGA`).

    Returns
    -------
    (C, D) : tuple of numpy.ndarray or float
        FLOPs (non-embedding count) and tokens.

    Examples
    --------
    >>> C, D = nonembedding_budget(1e9, A=406.4, B=410.7, alpha=0.34, beta=0.28, omega=0.0)
    >>> f"{C:.4g}", f"{compute_optimal_for_params(1e9, A=406.4, B=410.7, alpha=0.34, beta=0.28)[0]:.4g}"
    ('2.642e+20', '2.642e+20')
    """
    N = as_float_array("N_nonemb", N_nonemb, positive=True)
    A, B, alpha, beta, omega = _nonemb_args(A, B, alpha, beta, omega)
    n3 = np.cbrt(N)
    D = (beta * B / (alpha * A)) ** (1 / beta) * (N + omega * n3) ** ((1 + alpha) / beta) \
        / (N + omega * n3 / 3) ** (1 / beta)
    return _maybe_scalar(FLOPS_PER_PARAM_TOKEN * N * D), _maybe_scalar(D)


def nonembedding_optimum(C, *, A, B, alpha, beta, omega=None, N_range=(1.0, 1e16)):
    r"""Compute-optimal model for non-embedding budget(s) ``C``, counted as Kaplan et al. counted it
    :cite:p:`pearce2024reconciling`.

    The loss is Chinchilla's law in total parameters, :math:`L = E + A N_T^{-\alpha} + B D^{-\beta}` with
    :math:`N_T = N_{\setminus E} + \omega N_{\setminus E}^{1/3}` (embeddings of a fixed vocabulary grow with the
    width, :math:`\propto N_{\setminus E}^{1/3}` at a fixed aspect ratio), while the budget counts non-embedding
    parameters only, :math:`C = 6 N_{\setminus E} D`. Minimised numerically over :math:`\log N_{\setminus E}` by
    :func:`compute_optimal_numeric`; :math:`E` does not enter.

    Parameters
    ----------
    C : array_like
        Non-embedding compute, FLOPs, > 0.
    A, B, alpha, beta : float
        Chinchilla-form law (total parameters), > 0.
    omega : float, optional
        Embedding constant, >= 0 (default 47,491, :data:`~book_utils.published.PEARCE_EMBEDDING_OMEGA`).
    N_range : (float, float)
        Search interval for :math:`N_{\setminus E}`.

    Returns
    -------
    NonEmbeddingOptimum

    Examples
    --------
    >>> opt = nonembedding_optimum(1e18, A=406.4, B=410.7, alpha=0.34, beta=0.28)
    >>> f"{opt.N_nonemb:.3g} non-embedding, {opt.N_total:.3g} total parameters"
    '5.05e+07 non-embedding, 6.8e+07 total parameters'
    >>> f"{nonembedding_budget(opt.N_nonemb, A=406.4, B=410.7, alpha=0.34, beta=0.28)[0]:.4g}"   # closed-form inverse
    '1e+18'
    """
    A, B, alpha, beta, omega = _nonemb_args(A, B, alpha, beta, omega)

    def loss(N, D):
        return A * (N + omega * np.cbrt(N)) ** -alpha + B * D ** -beta

    N, D = compute_optimal_numeric(loss, C, N_range=N_range)
    N_arr = np.asarray(N, dtype=float)
    return NonEmbeddingOptimum(C=_maybe_scalar(as_float_array("C", C, positive=True)), N_nonemb=N, D=D,
                               N_total=_maybe_scalar(N_arr + omega * np.cbrt(N_arr)),
                               local_exponent=nonembedding_local_exponent(N_arr, alpha=alpha, beta=beta, omega=omega))


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 04_beyond_compute_optimal: inference-aware allocation (Sardana et al. 2024).
# ---------------------------------------------------------------------------------------------------------------------

INFERENCE_FLOPS_PER_PARAM_TOKEN = 2.0
"""FLOPs per parameter per inference token (one forward pass) :cite:p:`kaplan2020scaling`."""


@dataclass(frozen=True)
class InferenceOptimal:
    """Result of :func:`inference_optimal`: the cheapest model, over training and serving, that reaches a loss.

    Attributes
    ----------
    loss : numpy.ndarray or float
        The target loss (nats/token).
    inference_tokens : numpy.ndarray or float
        Tokens served over the model's lifetime.
    N, D_train : numpy.ndarray or float
        Parameters and training tokens of the optimum.
    train_flops, inference_flops, total_flops : numpy.ndarray or float
        :math:`6 N D_\\mathrm{train}`, :math:`2 N D_\\mathrm{inf}` and their sum.
    """

    loss: object
    inference_tokens: object
    N: object
    D_train: object
    train_flops: object
    inference_flops: object
    total_flops: object

    @property
    def tokens_per_param(self):
        """Training tokens per parameter, D_train / N."""
        return self.D_train / self.N


def _law_constants(E, A, B, alpha, beta):
    E = as_scalar("E", E, nonnegative=True)
    A, B = as_scalar("A", A, positive=True), as_scalar("B", B, positive=True)
    return E, A, B, as_scalar("alpha", alpha, positive=True), as_scalar("beta", beta, positive=True)


def inference_optimal(loss_target, inference_tokens, *, E, A, B, alpha, beta):
    r"""The model size and training tokens that reach ``loss_target`` at the least training-plus-inference compute,
    under :math:`L = E + A N^{-\alpha} + B D^{-\beta}` (section 2 of Sardana et al. :cite:p:`sardana2024beyond`):

    .. math:: \min_{N, D_\mathrm{tr}}\; 6 N D_\mathrm{tr} + 2 N D_\mathrm{inf}
              \quad \text{subject to} \quad L(N, D_\mathrm{tr}) = \ell .

    On the constraint, :math:`D_\mathrm{tr}(N) = \bigl(B / (\ell - E - A N^{-\alpha})\bigr)^{1/\beta}` in closed form.
    Write :math:`x = A N^{-\alpha}` and :math:`y = B D_\mathrm{tr}^{-\beta} = \ell - E - x` for the two reducible
    terms; setting the derivative of the cost in :math:`N` to zero gives

    .. math:: D_\mathrm{inf} = 3\, D_\mathrm{tr} \left(\frac{\alpha x}{\beta y} - 1\right),

    whose right side increases monotonically as :math:`x` grows (N shrinks). The root is found by bisection in
    :math:`\log y`, vectorised. With no inference (:math:`D_\mathrm{inf} = 0`) it gives :math:`\alpha x = \beta y`,
    the compute-optimal (Chinchilla) allocation of :func:`compute_optimal`; with inference, a smaller model trained on
    more tokens. (Sardana et al. solve the same problem with Newton's method.)

    Parameters
    ----------
    loss_target : array_like
        Target loss(es), > E (nats/token).
    inference_tokens : array_like
        Lifetime inference demand in tokens, >= 0; broadcast against ``loss_target``.
    E, A, B, alpha, beta : float
        The law's constants (e.g. :data:`book_utils.published.SARDANA_CHINCHILLA`).

    Returns
    -------
    InferenceOptimal

    Examples
    --------
    >>> law = dict(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283)    # Sardana et al.'s constants
    >>> opt = inference_optimal(2.0453, 2e12, **law)    # the loss of a Chinchilla-optimal 13B model
    >>> f"{opt.N:.2g} params, {opt.tokens_per_param:.0f} tokens/param"
    '7e+09 params, 179 tokens/param'
    """
    E, A, B, alpha, beta = _law_constants(E, A, B, alpha, beta)
    ell = as_float_array("loss_target", loss_target)
    d_inf = as_float_array("inference_tokens", inference_tokens, nonnegative=True)
    if (ell <= E).any():
        raise ValueError(f"loss_target must be above the irreducible loss E = {E}; got {ell[ell <= E].ravel()[0]!r}")
    try:
        ell, d_inf = np.broadcast_arrays(ell, d_inf)
    except ValueError as exc:
        raise ValueError(f"loss_target and inference_tokens must broadcast; got shapes {ell.shape} and "
                         f"{d_inf.shape}") from exc
    s = ell - E  # reducible loss to share: x + y = s

    def excess(log_y):  # 3 D (alpha x / (beta y) - 1) - D_inf, increasing as y falls
        y = np.exp(log_y)
        return 3.0 * (B / y) ** (1.0 / beta) * (alpha * (s - y) / (beta * y) - 1.0) - d_inf

    hi = np.log(s * alpha / (alpha + beta))  # the Chinchilla point, where excess = -D_inf <= 0
    lo = hi - 80.0  # y 35 decades smaller: training tokens beyond any budget, excess > 0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        neg = excess(mid) < 0
        hi = np.where(neg, mid, hi)
        lo = np.where(neg, lo, mid)
    y = np.exp(0.5 * (lo + hi))
    N = (A / (s - y)) ** (1.0 / alpha)
    D = (B / y) ** (1.0 / beta)
    train = FLOPS_PER_PARAM_TOKEN * N * D
    infer = INFERENCE_FLOPS_PER_PARAM_TOKEN * N * d_inf
    m = _maybe_scalar
    return InferenceOptimal(m(ell), m(d_inf), m(N), m(D), m(train), m(infer), m(train + infer))


def implied_inference_tokens(N, D, *, A, B, alpha, beta):
    r"""The lifetime inference demand for which training N parameters on D tokens is inference-optimal: the inverse
    of :func:`inference_optimal` (its optimality condition, solved for :math:`D_\mathrm{inf}`):

    .. math:: D_\mathrm{inf} = 3 D \left(\frac{\alpha A N^{-\alpha}}{\beta B D^{-\beta}} - 1\right).

    Zero on the compute-optimal frontier; positive for a model trained longer than compute-optimal ("over-trained");
    negative (no demand justifies it) for an under-trained one. :math:`E` does not enter. A reading of Sardana et al.'s
    framework :cite:p:`sardana2024beyond`, not a formula printed there.

    Parameters
    ----------
    N, D : array_like
        Parameters and training tokens, > 0 (broadcast together).
    A, B, alpha, beta : float
        The law's amplitudes and exponents, > 0.

    Returns
    -------
    numpy.ndarray or float
        Inference tokens (negative for an under-trained model).

    Examples
    --------
    >>> f"{implied_inference_tokens(7e9, 2e12, A=406.4, B=410.7, alpha=0.34, beta=0.28):.2g}"    # Llama 2 7B
    '3e+12'
    """
    N = as_float_array("N", N, positive=True)
    D = as_float_array("D", D, positive=True)
    _, A, B, alpha, beta = _law_constants(0.0, A, B, alpha, beta)
    try:
        out = 3.0 * D * (alpha * A * N ** -alpha / (beta * B * D ** -beta) - 1.0)
    except ValueError as exc:
        raise ValueError(f"N and D must broadcast; got shapes {N.shape} and {D.shape}") from exc
    return _maybe_scalar(out)
