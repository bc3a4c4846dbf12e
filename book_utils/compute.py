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
           "compute_optimal_for_params", "compute_optimal_numeric"]

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


def compute_optimal(C, *, A, B, alpha, beta):
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
    G, a, b = _frontier_constants(A, B, alpha, beta)
    c6 = C / FLOPS_PER_PARAM_TOKEN
    return _maybe_scalar(G * c6 ** a), _maybe_scalar(c6 ** b / G)


def compute_optimal_for_params(N, *, A, B, alpha, beta):
    r"""The inverse of :func:`compute_optimal`: the budget for which ``N`` parameters are compute-optimal, and the
    tokens to train them on (the question Table 3 of Hoffmann et al. answers :cite:p:`hoffmann2022training`):

    .. math:: C = 6 \left(\frac{N}{G}\right)^{1/a}, \qquad D = \frac{C}{6N}.

    Parameters
    ----------
    N : array_like
        Parameters, > 0.
    A, B, alpha, beta : float
        The law's amplitudes and exponents, > 0.

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
