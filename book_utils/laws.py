"""Functional forms of scaling laws.

Introduced in chapter 0 (Foundations): :func:`power_law`, :func:`saturating_power_law`, :func:`scale_to_reach`,
:func:`local_exponent`. Chapter 1 (Kaplan et al. 2020) adds :func:`kaplan_loss_n`, :func:`kaplan_loss_d`,
:func:`kaplan_loss_c`, :func:`kaplan_loss_nd`, :func:`kaplan_loss_ns`, :func:`critical_batch_size`,
:func:`kaplan_overfitting` and :func:`kaplan_data_requirement`. Chapter 2 (Chinchilla) adds :func:`chinchilla_loss`.

Conventions: ``x`` is a scale (parameters, tokens, FLOPs), always > 0; exponents are written with the minus sign
outside, so a *positive* ``alpha`` means the quantity *falls* with scale, as loss does.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_scalar, paired_1d
from .published import KAPLAN, MUENNIGHOFF_FIT, as_floats

__all__ = ["power_law", "saturating_power_law", "scale_to_reach", "local_exponent", "kaplan_loss_n", "kaplan_loss_d",
           "kaplan_loss_c", "kaplan_loss_nd", "kaplan_loss_ns", "critical_batch_size", "kaplan_overfitting",
           "kaplan_data_requirement", "chinchilla_loss", "effective_data", "data_constrained_loss"]

_PF_DAY = 8.64e19  # FLOPs per PF-day (book_utils.compute.PF_DAY; repeated here to keep laws free of compute)


def power_law(x, A, alpha):
    r"""Pure power law :math:`y = A\,x^{-\alpha}`.

    A straight line of slope :math:`-\alpha` on log-log axes: :math:`\log y = \log A - \alpha \log x`. Kaplan et al.
    write the same law as :math:`(x_c/x)^{\alpha}`, i.e. :math:`A = x_c^{\alpha}` :cite:p:`kaplan2020scaling`.

    Parameters
    ----------
    x : array_like
        Scale, > 0 (e.g. parameters, tokens or FLOPs; any unit, the law is scale-free).
    A : float
        Amplitude, > 0: the value of ``y`` at ``x = 1`` (in the units of ``y``).
    alpha : float
        Exponent (dimensionless). Multiplying ``x`` by ``k`` multiplies ``y`` by ``k**-alpha``.

    Returns
    -------
    numpy.ndarray or float
        ``A * x**-alpha``, same shape as ``x``.

    Examples
    --------
    >>> float(power_law(100.0, A=10.0, alpha=0.5))
    1.0
    """
    x = as_float_array("x", x, positive=True)
    A = as_scalar("A", A, positive=True)
    alpha = as_scalar("alpha", alpha)
    out = A * x ** (-alpha)
    return out if out.ndim else float(out)


def saturating_power_law(x, E, A, alpha):
    r"""Power law with an irreducible floor, :math:`y = E + A\,x^{-\alpha}`.

    The form behind most modern scaling laws: the reducible part :math:`A x^{-\alpha}` decays as a power law towards
    the irreducible loss :math:`E` (the entropy of the data that no model can remove). Chinchilla's L(N, D) is a sum
    of two such terms sharing one :math:`E` :cite:p:`hoffmann2022training`.

    Parameters
    ----------
    x : array_like
        Scale, > 0.
    E : float
        Irreducible value (the floor), >= 0, in the units of ``y`` (e.g. nats/token).
    A : float
        Amplitude of the reducible part, > 0.
    alpha : float
        Exponent of the reducible part (dimensionless).

    Returns
    -------
    numpy.ndarray or float
        ``E + A * x**-alpha``, same shape as ``x``.

    Examples
    --------
    >>> float(saturating_power_law(100.0, E=1.0, A=10.0, alpha=0.5))
    2.0
    """
    E = as_scalar("E", E, nonnegative=True)
    return E + power_law(x, A, alpha)


def scale_to_reach(target, E, A, alpha):
    r"""The scale at which :math:`E + A x^{-\alpha}` falls to ``target``: :math:`x = \bigl(A/(y - E)\bigr)^{1/\alpha}`.

    The question a scaling law is used to answer: how large a model (or how much data, or compute) reaches a given
    loss? Use ``E = 0`` for a pure power law. No scale reaches a target at or below the floor ``E``.

    Parameters
    ----------
    target : array_like
        Target value(s) of y, > E.
    E : float
        Irreducible value, >= 0.
    A : float
        Amplitude, > 0.
    alpha : float
        Exponent, > 0 (the law must fall with scale).

    Returns
    -------
    numpy.ndarray or float
        The scale(s) x.

    Examples
    --------
    >>> float(scale_to_reach(2.0, E=1.0, A=10.0, alpha=0.5))
    100.0
    """
    E = as_scalar("E", E, nonnegative=True)
    A = as_scalar("A", A, positive=True)
    alpha = as_scalar("alpha", alpha, positive=True)
    target = as_float_array("target", target)
    if (target <= E).any():
        raise ValueError(f"target must be above the irreducible value E = {E}: no scale reaches "
                         f"{target[target <= E].ravel()[0]!r}")
    out = (A / (target - E)) ** (1.0 / alpha)
    return out if out.ndim else float(out)


def local_exponent(x, y):
    r"""Local log-log slope :math:`\mathrm{d}\log y / \mathrm{d}\log x` of a sampled curve.

    For a pure power law :math:`A x^{-\alpha}` this is the constant :math:`-\alpha`; for a saturating law it is
    :math:`-\alpha\,(y - E)/y`, which tends to 0 as :math:`y \to E`. Plotting it is the quickest test of whether a
    curve "is a power law": the answer is a flat line. Uses second-order central differences in log space
    (first-order at the ends).

    Parameters
    ----------
    x : array_like
        Strictly increasing scales, > 0, at least 3 points.
    y : array_like
        Values, > 0, same length as ``x``.

    Returns
    -------
    numpy.ndarray
        The local slope at each ``x`` (dimensionless).

    Examples
    --------
    >>> x = np.geomspace(1, 1e4, 5)
    >>> np.allclose(local_exponent(x, 3 * x**-0.5), -0.5)
    True
    """
    x, y = paired_1d("x", x, "y", y, min_points=3)
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    return np.gradient(np.log(y), np.log(x))


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 1: Kaplan et al. 2020. Losses in nats/token; N in non-embedding parameters; D in tokens; C in FLOPs.
# ---------------------------------------------------------------------------------------------------------------------


def _out(arr):
    return arr if arr.ndim else float(arr)


def _c(group, name):
    return float(KAPLAN[group][name])


def kaplan_loss_n(N):
    r"""Kaplan et al.'s loss against model size, :math:`L(N) = (N_c/N)^{\alpha_N}`, eq. 1.1 :cite:p:`kaplan2020scaling`.

    For models trained to convergence on enough data, with :math:`\alpha_N = 0.076`, :math:`N_c = 8.8\times10^{13}`.

    Parameters
    ----------
    N : array_like
        Non-embedding parameters, > 0.

    Returns
    -------
    numpy.ndarray or float
        Test loss in nats/token (WebText2).

    Examples
    --------
    >>> round(kaplan_loss_n(1e9), 3)
    2.376
    """
    N = as_float_array("N", N, positive=True)
    return _out((_c("N", "scale") / N) ** _c("N", "alpha"))


def kaplan_loss_d(D):
    r"""Loss against dataset size, :math:`L(D) = (D_c/D)^{\alpha_D}`, eq. 1.2 :cite:p:`kaplan2020scaling`.

    For large models trained with early stopping, :math:`\alpha_D = 0.095`, :math:`D_c = 5.4\times10^{13}` tokens.

    Parameters
    ----------
    D : array_like
        Training tokens, > 0.

    Returns
    -------
    numpy.ndarray or float
        Test loss in nats/token.

    Examples
    --------
    >>> round(kaplan_loss_d(3e11), 3)
    1.638
    """
    D = as_float_array("D", D, positive=True)
    return _out((_c("D", "scale") / D) ** _c("D", "alpha"))


def kaplan_loss_c(C, *, minimal=True):
    r"""Loss against training compute, :math:`L(C) = (C_c/C)^{\alpha_C}` :cite:p:`kaplan2020scaling`.

    With ``minimal=True`` (default), the compute-efficient frontier :math:`L(C_\mathrm{min})`, eq. 1.3:
    :math:`\alpha_C^\mathrm{min} = 0.050`, :math:`C_c^\mathrm{min} = 3.1\times10^{8}` PF-days, for the best model
    size *and* the critical batch size. With ``minimal=False``, the fixed-batch law of eq. 3.3:
    :math:`\alpha_C = 0.057`, :math:`C_c = 1.6\times10^{7}` PF-days.

    Parameters
    ----------
    C : array_like
        Training compute in FLOPs, > 0 (the paper's constants are in PF-days; 1 PF-day = 8.64e19 FLOPs).
    minimal : bool
        Use :math:`C_\mathrm{min}` (eq. 1.3) or fixed-batch compute (eq. 3.3).

    Returns
    -------
    numpy.ndarray or float
        Test loss in nats/token.

    Examples
    --------
    >>> round(kaplan_loss_c(8.64e19), 3)   # one PF-day
    2.658
    """
    C = as_float_array("C", C, positive=True) / _PF_DAY
    group = "C_min" if minimal else "C"
    return _out((_c(group, "scale") / C) ** _c(group, "alpha"))


def _kaplan_nd_parts(N, D):
    """Validated pieces of eq. 4.1: x = (N/N_c)^(alpha_N/alpha_D) D_c/D, the infinite-data loss (N_c/N)^alpha_N and
    alpha_D, so that L(N, D) = L(N, inf) (1 + x)^alpha_D."""
    N = as_float_array("N", N, positive=True)
    D = as_float_array("D", D, positive=True)
    try:
        np.broadcast(N, D)
    except ValueError as exc:
        raise ValueError(f"N and D must broadcast; got shapes {N.shape} and {D.shape}") from exc
    g = KAPLAN["ND"]
    a_n, a_d, n_c = float(g["alpha_N"]), float(g["alpha_D"]), float(g["N_c"])
    return (N / n_c) ** (a_n / a_d) * float(g["D_c"]) / D, (n_c / N) ** a_n, a_d


def kaplan_loss_nd(N, D):
    r"""Loss of a model of size N trained on D tokens, eq. 1.5/4.1 with the constants of Table 2
    :cite:p:`kaplan2020scaling`:

    .. math:: L(N, D) = \left[\left(\frac{N_c}{N}\right)^{\alpha_N/\alpha_D} + \frac{D_c}{D}\right]^{\alpha_D},

    :math:`\alpha_N = 0.076`, :math:`\alpha_D = 0.103`, :math:`N_c = 6.4\times10^{13}`,
    :math:`D_c = 1.8\times10^{13}`. It tends to :math:`(N_c/N)^{\alpha_N}` as :math:`D \to \infty` and to
    :math:`(D_c/D)^{\alpha_D}` as :math:`N \to \infty`.

    Parameters
    ----------
    N : array_like
        Non-embedding parameters, > 0.
    D : array_like
        Training tokens, > 0; broadcast against ``N``.

    Returns
    -------
    numpy.ndarray or float
        Test loss in nats/token (with early stopping).

    Examples
    --------
    >>> round(kaplan_loss_nd(1e9, 1e10), 3)
    2.42
    """
    x, loss_inf, a_d = _kaplan_nd_parts(N, D)
    return _out(loss_inf * (1.0 + x) ** a_d)


def kaplan_loss_ns(N, S_min):
    r"""Loss of a model of size N after :math:`S_\mathrm{min}` steps, eq. 1.6/5.6 with Table 3 constants
    :cite:p:`kaplan2020scaling`:

    .. math:: L(N, S) = \left(\frac{N_c}{N}\right)^{\alpha_N} + \left(\frac{S_c}{S_\mathrm{min}}\right)^{\alpha_S},

    :math:`\alpha_N = 0.077`, :math:`\alpha_S = 0.76`, :math:`N_c = 6.5\times10^{13}`, :math:`S_c = 2.1\times10^{3}`.
    :math:`S_\mathrm{min}` is the number of steps at a batch size much larger than the critical one (eq. 5.4).

    Parameters
    ----------
    N : array_like
        Non-embedding parameters, > 0.
    S_min : array_like
        Optimisation steps (at large batch), > 0; broadcast against ``N``.

    Returns
    -------
    numpy.ndarray or float
        Test loss in nats/token during training.

    Examples
    --------
    >>> round(kaplan_loss_ns(1e9, 1e5), 3)
    2.401
    """
    N = as_float_array("N", N, positive=True)
    S = as_float_array("S_min", S_min, positive=True)
    g = KAPLAN["NS"]
    try:
        return _out((float(g["N_c"]) / N) ** float(g["alpha_N"]) + (float(g["S_c"]) / S) ** float(g["alpha_S"]))
    except ValueError as exc:
        raise ValueError(f"N and S_min must broadcast; got shapes {N.shape} and {S.shape}") from exc


def critical_batch_size(L):
    r"""Critical batch size :math:`B_\mathrm{crit}(L) = B_*/L^{1/\alpha_B}`, eq. 1.4/5.3 :cite:p:`kaplan2020scaling`.

    :math:`B_* = 2\times10^{8}` tokens, :math:`\alpha_B = 0.21`: the batch size above which more data per step buys
    little; it depends on the loss reached, not on the model size.

    Parameters
    ----------
    L : array_like
        Test loss in nats/token, > 0.

    Returns
    -------
    numpy.ndarray or float
        Critical batch size in tokens.

    Examples
    --------
    >>> f"{critical_batch_size(3.0):.3g}"
    '1.07e+06'
    """
    L = as_float_array("L", L, positive=True)
    g = KAPLAN["B_crit"]
    return _out(float(g["scale"]) / L ** (1.0 / float(g["alpha"])))


def kaplan_overfitting(N, D):
    r"""Overfitting penalty :math:`\delta L = L(N, D)/L(N, \infty) - 1`, eq. 4.3 :cite:p:`kaplan2020scaling`:

    .. math:: \delta L = \left(1 + \left(\frac{N}{N_c}\right)^{\alpha_N/\alpha_D} \frac{D_c}{D}\right)^{\alpha_D} - 1,

    with the Table 2 constants: the fraction by which finite data raises the loss above the infinite-data law.

    Parameters
    ----------
    N : array_like
        Non-embedding parameters, > 0.
    D : array_like
        Training tokens, > 0; broadcast against ``N``.

    Returns
    -------
    numpy.ndarray or float
        The relative excess loss (0.02 means 2%).

    Examples
    --------
    >>> round(kaplan_overfitting(1e9, 1e10), 4)
    0.0435
    """
    x, _, a_d = _kaplan_nd_parts(N, D)
    return _out((1.0 + x) ** a_d - 1.0)


def kaplan_data_requirement(N, max_penalty=0.02):
    r"""Fewest tokens that keep the overfitting penalty :func:`kaplan_overfitting` at or below ``max_penalty``.

    Solving eq. 4.3 for D exactly:
    :math:`D = D_c\,(N/N_c)^{\alpha_N/\alpha_D} / \bigl((1 + \delta)^{1/\alpha_D} - 1\bigr)`. For
    :math:`\delta = 0.02` this is close to the paper's rule of thumb :math:`D \gtrsim 5\times10^{3}\,N^{0.74}`
    (eq. 4.4) :cite:p:`kaplan2020scaling`; the exponent is :math:`\alpha_N/\alpha_D = 0.076/0.103 = 0.74`.

    Parameters
    ----------
    N : array_like
        Non-embedding parameters, > 0.
    max_penalty : float
        Largest acceptable relative excess loss, > 0 (0.02 is the paper's choice).

    Returns
    -------
    numpy.ndarray or float
        Tokens.

    Examples
    --------
    >>> f"{kaplan_data_requirement(1e9):.2g}"
    '2.4e+10'
    """
    N = as_float_array("N", N, positive=True)
    delta = as_scalar("max_penalty", max_penalty, positive=True)
    g = KAPLAN["ND"]
    a_n, a_d = float(g["alpha_N"]), float(g["alpha_D"])
    return _out(float(g["D_c"]) * (N / float(g["N_c"])) ** (a_n / a_d) / ((1.0 + delta) ** (1.0 / a_d) - 1.0))


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2: Hoffmann et al. 2022. N in parameters, D in tokens, loss in nats/token.
# ---------------------------------------------------------------------------------------------------------------------


def chinchilla_loss(N, D, E, A, B, alpha, beta):
    r"""Hoffmann et al.'s parametric loss, eq. 2 / Approach 3 :cite:p:`hoffmann2022training`:

    .. math:: \hat L(N, D) = E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}} .

    :math:`E` is the loss of an ideal model on the data distribution (its entropy); the second term is what a
    finite model cannot represent, the third what a finite run has not yet learned. Their fit: :math:`E = 1.69`,
    :math:`A = 406.4`, :math:`B = 410.7`, :math:`\alpha = 0.34`, :math:`\beta = 0.28`
    (:data:`book_utils.published.HOFFMANN_APPROACH3`).

    Parameters
    ----------
    N : array_like
        Parameters, > 0.
    D : array_like
        Training tokens, > 0; broadcast against ``N``.
    E : float
        Irreducible loss, >= 0 (nats/token).
    A, B : float
        Amplitudes of the parameter and data terms, > 0.
    alpha, beta : float
        Exponents of the parameter and data terms, > 0.

    Returns
    -------
    numpy.ndarray or float
        Predicted loss (nats/token).

    Examples
    --------
    >>> round(chinchilla_loss(70e9, 1.4e12, 1.69, 406.4, 410.7, 0.34, 0.28), 3)   # Chinchilla
    1.937
    """
    N = as_float_array("N", N, positive=True)
    D = as_float_array("D", D, positive=True)
    E = as_scalar("E", E, nonnegative=True)
    A, B = as_scalar("A", A, positive=True), as_scalar("B", B, positive=True)
    alpha, beta = as_scalar("alpha", alpha, positive=True), as_scalar("beta", beta, positive=True)
    try:
        out = E + A * N ** -alpha + B * D ** -beta
    except ValueError as exc:
        raise ValueError(f"N and D must broadcast; got shapes {N.shape} and {D.shape}") from exc
    return _out(out)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 04_beyond_compute_optimal: data-constrained scaling (Muennighoff et al. 2023).
# ---------------------------------------------------------------------------------------------------------------------


def _effective(x, u, r_star):
    """u + u r* (1 - exp(-R/r*)) with R = max(x/u - 1, 0); equal to x when x <= u (nothing is repeated)."""
    repeats = np.maximum(x / u - 1.0, 0.0)
    return np.minimum(x, u) + u * r_star * -np.expm1(-repeats / r_star)


def effective_data(D, U_D, R_star=float(MUENNIGHOFF_FIT["R_D_star"])):
    r"""Effective data of D training tokens drawn from U_D unique ones, eq. 5 of Muennighoff et al.
    :cite:p:`muennighoff2023scaling`:

    .. math:: D' = U_D + U_D R_D^* \left(1 - e^{-R_D/R_D^*}\right), \qquad R_D = \frac{D}{U_D} - 1 .

    :math:`R_D` counts the *repetitions* (epochs minus one). The k-th repetition is worth
    :math:`e^{-(k-1)/R_D^*}` of fresh data, roughly, so :math:`D'` saturates at :math:`U_D(1 + R_D^*)`: tokens seen
    many more than :math:`R_D^*` times add almost nothing. For :math:`D \le U_D` nothing is repeated and
    :math:`D' = D`. The fitted :math:`R_D^* = 15.4` is the default (:data:`book_utils.published.MUENNIGHOFF_FIT`).

    Parameters
    ----------
    D : array_like
        Training tokens (all epochs), > 0.
    U_D : array_like
        Unique tokens available, > 0; broadcast against ``D``.
    R_star : float
        Decay constant :math:`R_D^*` in repetitions, > 0.

    Returns
    -------
    numpy.ndarray or float
        Effective tokens :math:`D'` (<= ``D``).

    Examples
    --------
    >>> f"{effective_data(4e11, 1e11):.3g}"    # 4 epochs of 100B unique tokens
    '3.73e+11'
    """
    D = as_float_array("D", D, positive=True)
    U = as_float_array("U_D", U_D, positive=True)
    r_star = as_scalar("R_star", R_star, positive=True)
    try:
        return _out(_effective(D, U, r_star))
    except ValueError as exc:
        raise ValueError(f"D and U_D must broadcast; got shapes {D.shape} and {U.shape}") from exc


def _muennighoff(params):
    p = as_floats(MUENNIGHOFF_FIT)
    unknown = set(params) - set(p)
    if unknown:
        raise ValueError(f"unknown parameter(s) {sorted(unknown)}; expected some of {sorted(p)}")
    p.update(params)
    for name in ("A", "B", "alpha", "beta", "R_D_star", "R_N_star"):
        p[name] = as_scalar(name, p[name], positive=True)
    p["E"] = as_scalar("E", p["E"], nonnegative=True)
    return p


def data_constrained_loss(N, D, U_D, **params):
    r"""Loss of N parameters trained on D tokens of which U_D are unique, eq. 7 of Muennighoff et al.
    :cite:p:`muennighoff2023scaling`:

    .. math:: L = E + \frac{A}{N'^{\alpha}} + \frac{B}{D'^{\beta}},

    with :math:`D'` of :func:`effective_data` and effective parameters of the same form,
    :math:`N' = U_N + U_N R_N^* (1 - e^{-R_N/R_N^*})`, :math:`R_N = N/U_N - 1`. Parameters beyond :math:`U_N`, the
    compute-optimal size for :math:`U_D` unique tokens, are "excess" and decay like repeated tokens. **Definition of**
    :math:`U_N` (checked against the authors' code in the README of github.com/huggingface/datablations):
    :math:`U_N = \min\{N_\mathrm{opt}(U_D), N\}`, where :math:`N_\mathrm{opt}(D) = G\,(D G)^{\beta/\alpha}` is the
    compute-optimal size for D tokens on the frontier of *this law's own* fitted A, B, alpha, beta
    (:math:`G = (\alpha A / \beta B)^{1/(\alpha+\beta)}`, as in Hoffmann et al.'s Appendix D.2), not of Chinchilla's
    published constants. With the published fit (alpha = beta) that is :math:`U_N = G^2 U_D \approx U_D / 19.6`.

    Parameters
    ----------
    N : array_like
        Parameters, > 0.
    D : array_like
        Training tokens (all epochs), > 0.
    U_D : array_like
        Unique tokens, > 0. ``N``, ``D`` and ``U_D`` broadcast together.
    **params : float
        Override any of ``E, A, B, alpha, beta, R_D_star, R_N_star``; the defaults are the published fit
        :data:`book_utils.published.MUENNIGHOFF_FIT` (GPT-2 tokenizer; losses in nats/token).

    Returns
    -------
    numpy.ndarray or float
        Predicted loss (nats/token).

    Examples
    --------
    >>> round(data_constrained_loss(6.34e9, 242e9, 25e9), 4)   # the authors' README: 2.2256
    2.2256
    """
    p = _muennighoff(params)
    N = as_float_array("N", N, positive=True)
    D = as_float_array("D", D, positive=True)
    U = as_float_array("U_D", U_D, positive=True)
    try:
        np.broadcast(N, D, U)
    except ValueError as exc:
        raise ValueError(f"N, D and U_D must broadcast; got shapes {N.shape}, {D.shape} and {U.shape}") from exc
    a, b = p["alpha"], p["beta"]
    G = (a * p["A"] / (b * p["B"])) ** (1.0 / (a + b))
    U_N = np.minimum(N, G * (U * G) ** (b / a))
    n_eff = _effective(N, U_N, p["R_N_star"])
    d_eff = _effective(D, U, p["R_D_star"])
    return _out(p["E"] + p["A"] * n_eff ** -a + p["B"] * d_eff ** -b)
