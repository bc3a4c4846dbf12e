"""Functional forms of scaling laws.

Introduced in chapter 0 (Foundations): :func:`power_law`, :func:`saturating_power_law`, :func:`scale_to_reach`,
:func:`local_exponent`. Chapter 1 (Kaplan et al. 2020) adds :func:`kaplan_loss_n`, :func:`kaplan_loss_d`,
:func:`kaplan_loss_c`, :func:`kaplan_loss_nd`, :func:`kaplan_loss_ns`, :func:`critical_batch_size`,
:func:`kaplan_overfitting` and :func:`kaplan_data_requirement`. Chapter 2 (Chinchilla) adds :func:`chinchilla_loss`,
:func:`effective_data` and :func:`data_constrained_loss`; chapter 3 (Broken Neural Scaling Laws) adds :func:`bnsl`,
:func:`bnsl_segments` and the baselines :func:`m1`, :func:`m2`, :func:`m3`, :func:`m4`.

Conventions: ``x`` is a scale (parameters, tokens, FLOPs), always > 0; exponents are written with the minus sign
outside, so a *positive* ``alpha`` means the quantity *falls* with scale, as loss does.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_scalar, paired_1d
from .published import KAPLAN, MUENNIGHOFF_FIT, as_floats

__all__ = ["power_law", "saturating_power_law", "scale_to_reach", "local_exponent", "kaplan_loss_n", "kaplan_loss_d",
           "kaplan_loss_c", "kaplan_loss_nd", "kaplan_nd_law", "kaplan_loss_ns", "critical_batch_size",
           "kaplan_overfitting", "kaplan_data_requirement", "chinchilla_loss", "effective_data",
           "data_constrained_loss", "bnsl", "bnsl_segments", "m1", "m2", "m3", "m4"]

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


def _kaplan_nd_parts(N, D, constants=None):
    """Validated pieces of eq. 4.1: x = (N/N_c)^(alpha_N/alpha_D) D_c/D, the infinite-data loss (N_c/N)^alpha_N and
    alpha_D, so that L(N, D) = L(N, inf) (1 + x)^alpha_D. ``constants`` (N_c, D_c, alpha_N, alpha_D) default to
    Kaplan et al.'s Table 2."""
    N = as_float_array("N", N, positive=True)
    D = as_float_array("D", D, positive=True)
    try:
        np.broadcast(N, D)
    except ValueError as exc:
        raise ValueError(f"N and D must broadcast; got shapes {N.shape} and {D.shape}") from exc
    if constants is None:
        g = KAPLAN["ND"]
        constants = (float(g["N_c"]), float(g["D_c"]), float(g["alpha_N"]), float(g["alpha_D"]))
    n_c, d_c, a_n, a_d = constants
    return (N / n_c) ** (a_n / a_d) * d_c / D, (n_c / N) ** a_n, a_d


def kaplan_nd_law(N, D, N_c, D_c, alpha_N, alpha_D):
    r"""Kaplan et al.'s joint law of model size and data, eq. 4.1 :cite:p:`kaplan2020scaling`, with any constants:

    .. math:: L(N, D) = \left[\left(\frac{N_c}{N}\right)^{\alpha_N/\alpha_D} + \frac{D_c}{D}\right]^{\alpha_D}.

    :func:`kaplan_loss_nd` is this law with the constants of their Table 2; :func:`book_utils.fitting.fit_kaplan`
    fits it to runs.

    Parameters
    ----------
    N, D : array_like
        Parameters and training tokens, > 0, broadcast together.
    N_c, D_c : float
        Scales of the parameter and data terms, > 0.
    alpha_N, alpha_D : float
        Exponents, > 0.

    Returns
    -------
    numpy.ndarray or float
        The loss.

    Examples
    --------
    >>> round(kaplan_nd_law(1e9, 1e10, N_c=6.4e13, D_c=1.8e13, alpha_N=0.076, alpha_D=0.103), 3)
    2.42
    """
    constants = (as_scalar("N_c", N_c, positive=True), as_scalar("D_c", D_c, positive=True),
                 as_scalar("alpha_N", alpha_N, positive=True), as_scalar("alpha_D", alpha_D, positive=True))
    x, loss_inf, a_d = _kaplan_nd_parts(N, D, constants)
    return _out(loss_inf * (1.0 + x) ** a_d)


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


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3: Broken Neural Scaling Laws (Caballero et al. 2023) and the baselines M1-M4 (Alabdulmohsin et al. 2022).
# ---------------------------------------------------------------------------------------------------------------------


def _bnsl_args(a, b, c0, c, d, f):
    """Validated BNSL parameters; ``c, d, f`` as 1-D float arrays of one length (scalars mean one break)."""
    a = as_scalar("a", a)
    b = as_scalar("b", b, positive=True)
    c0 = as_scalar("c0", c0)
    arrays = []
    for name, value, positive in (("c", c, False), ("d", d, True), ("f", f, True)):
        arr = np.atleast_1d(np.asarray(value, dtype=float) if np.size(value) else np.zeros(0))
        if arr.ndim != 1:
            raise ValueError(f"{name} must be a sequence (one value per break); got shape {arr.shape}")
        if arr.size:
            arr = as_float_array(name, arr, positive=positive)
        arrays.append(arr)
    c, d, f = arrays
    if not c.size == d.size == f.size:
        raise ValueError(f"c, d and f need one value per break; got lengths {c.size}, {d.size} and {f.size}")
    return a, b, c0, c, d, f


def _log_bnsl_excess(logx, logb, c0, c, d, f):
    """log(y - a) of a BNSL on ``logx`` (any shape), computed with a stable softplus:
    log(1 + (x/d)^(1/f)) = logaddexp(0, (log x - log d)/f)."""
    out = logb - c0 * logx
    for ci, di, fi in zip(c, d, f, strict=True):
        out = out - ci * fi * np.logaddexp(0.0, (logx - np.log(di)) / fi)
    return out


def bnsl(x, a, b, c0, c, d, f):
    r"""A broken neural scaling law (BNSL) with :math:`n` breaks, the functional form of Caballero et al.'s
    Section 2 :cite:p:`caballero2023broken`:

    .. math:: y = a + b\,x^{-c_0} \prod_{i=1}^{n} \Bigl(1 + \bigl(x/d_i\bigr)^{1/f_i}\Bigr)^{-c_i f_i}.

    On log-log axes :math:`y - a` is a chain of :math:`n+1` straight segments joined by smooth breaks. Well below
    :math:`d_i` break :math:`i`'s factor is about 1; well above it is about :math:`(x/d_i)^{-c_i}`, so after break
    :math:`i` the slope of :math:`\log(y-a)` is :math:`-(c_0 + c_1 + \dots + c_i)` (:func:`bnsl_segments`). At
    :math:`x = d_i` the factor equals :math:`2^{-c_i f_i}`. A negative :math:`c_i` turns the curve upward (double
    descent); a small :math:`f_i` makes the break sharp.

    Parameters
    ----------
    x : array_like
        Scale (parameters, data, compute, ...), > 0.
    a : float
        The limit of ``y`` as ``x`` grows, if the slopes add up to a fall (:math:`\sum_i c_i > 0`); units of ``y``.
    b : float
        Amplitude, > 0: the offset of the first segment on log-log axes (``y - a`` at ``x = 1`` before any break).
    c0 : float
        Slope of the first segment (a positive ``c0`` falls).
    c, d, f : sequence of float
        One entry per break (empty for a plain power law plus constant): the change of slope ``c[i]``, the location
        ``d[i] > 0`` (units of ``x``), and the sharpness ``f[i] > 0`` (smaller is sharper).

    Returns
    -------
    numpy.ndarray or float
        ``y``, same shape as ``x``.

    Examples
    --------
    >>> round(bnsl(100.0, a=0.0, b=1.0, c0=0.0, c=[1.0], d=[100.0], f=[1.0]), 6)   # 2**-(c f) at x = d
    0.5
    >>> bnsl([1.0, 10.0], a=1.0, b=2.0, c0=1.0, c=[], d=[], f=[]).tolist()           # no break: a + b x^-c0
    [3.0, 1.2]
    """
    x = as_float_array("x", x, positive=True)
    a, b, c0, c, d, f = _bnsl_args(a, b, c0, c, d, f)
    with np.errstate(over="ignore", under="ignore"):
        return _out(a + np.exp(_log_bnsl_excess(np.log(x), np.log(b), c0, c, d, f)))


def bnsl_segments(b, c0, c, d, f):
    r"""The power-law segments of a BNSL: asymptotes :math:`y - a \approx B_k\,x^{-s_k}`, :math:`k = 0, \dots, n`.

    Segment :math:`k` (after break :math:`k`, before break :math:`k+1`) has slope
    :math:`s_k = c_0 + c_1 + \dots + c_k` and amplitude :math:`B_k = b \prod_{i \le k} d_i^{\,c_i}`, because well
    above :math:`d_i` the factor of break :math:`i` tends to :math:`(x/d_i)^{-c_i}`
    :cite:p:`caballero2023broken`. The segments are the straight lines a BNSL bends between on log-log axes
    (Caballero et al.'s Figure 1). Breaks are taken in the order given, which should be increasing ``d``.

    Parameters
    ----------
    b, c0, c, d, f : as in :func:`bnsl` (``f`` is only validated: a segment does not depend on sharpness).

    Returns
    -------
    amplitudes, slopes : numpy.ndarray
        ``B_k`` and ``s_k``, each of length ``n + 1``.

    Examples
    --------
    >>> B, s = bnsl_segments(b=1.0, c0=0.5, c=[1.0], d=[100.0], f=[0.1])
    >>> B.round(9).tolist(), s.tolist()
    ([1.0, 100.0], [0.5, 1.5])
    """
    _, b, c0, c, d, f = _bnsl_args(0.0, b, c0, c, d, f)
    slopes = c0 + np.concatenate([[0.0], np.cumsum(c)])
    amplitudes = b * np.exp(np.concatenate([[0.0], np.cumsum(c * np.log(d))]))
    return amplitudes, slopes


def m1(x, beta, c):
    r"""Baseline M1 of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting`: a pure power law,
    :math:`\varepsilon = \beta x^{c}`.

    The baselines keep their authors' sign convention: the exponent ``c`` is *negative* for a falling curve (the
    opposite of :func:`power_law` and :func:`bnsl`).

    Parameters
    ----------
    x : array_like
        Scale, > 0.
    beta : float
        Amplitude, > 0.
    c : float
        Exponent (< 0 for a falling curve).

    Examples
    --------
    >>> float(m1(100.0, beta=2.0, c=-0.5))
    0.2
    """
    x = as_float_array("x", x, positive=True)
    return _out(as_scalar("beta", beta, positive=True) * x ** as_scalar("c", c))


def m2(x, eps_inf, beta, c):
    r"""Baseline M2 of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting`: a power law plus a floor,
    :math:`\varepsilon = \varepsilon_\infty + \beta x^{c}` (:func:`saturating_power_law` with ``c = -alpha``).

    Parameters
    ----------
    x : array_like
        Scale, > 0.
    eps_inf : float
        The floor, >= 0 (units of the error or loss).
    beta : float
        Amplitude, > 0.
    c : float
        Exponent (< 0 for a falling curve).

    Examples
    --------
    >>> round(m2(100.0, eps_inf=0.1, beta=2.0, c=-0.5), 12)
    0.3
    """
    x = as_float_array("x", x, positive=True)
    eps_inf = as_scalar("eps_inf", eps_inf, nonnegative=True)
    return _out(eps_inf + as_scalar("beta", beta, positive=True) * x ** as_scalar("c", c))


def m3(x, beta, gamma, c):
    r"""Baseline M3 of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting`, the form of Zhai et al.
    :cite:p:`zhai2022scaling`: :math:`\varepsilon = \beta\,(x^{-1} + \gamma)^{c}`.

    For :math:`x \ll 1/\gamma` it is the power law :math:`\beta x^{-c}`; as :math:`x \to \infty` it saturates at
    :math:`\beta\gamma^{c}`.

    Parameters
    ----------
    x : array_like
        Scale, > 0.
    beta : float
        Amplitude, > 0.
    gamma : float
        Saturation scale, >= 0 (units of 1/x).
    c : float
        Exponent (> 0 for a falling curve in this form, since :math:`x^{-1}` falls).

    Examples
    --------
    >>> float(m3(100.0, beta=1.0, gamma=0.0, c=0.5))
    0.1
    """
    x = as_float_array("x", x, positive=True)
    beta = as_scalar("beta", beta, positive=True)
    gamma = as_scalar("gamma", gamma, nonnegative=True)
    return _out(beta * (1.0 / x + gamma) ** as_scalar("c", c))


def _m4_solve(t, eps_inf, eps0, alpha):
    r"""Solve :math:`\log(\varepsilon-\varepsilon_\infty) - \alpha\log(\varepsilon_0-\varepsilon) = t` for
    :math:`\varepsilon \in (\varepsilon_\infty, \varepsilon_0)`, elementwise (all arguments broadcast).

    With :math:`\varepsilon = \varepsilon_\infty + \Delta\,\sigma(s)` (:math:`\Delta = \varepsilon_0 -
    \varepsilon_\infty`, :math:`\sigma` the logistic function) the left side is
    :math:`h(s) = (1-\alpha)\log\Delta - \mathrm{softplus}(-s) + \alpha\,\mathrm{softplus}(s)`, increasing in
    :math:`s` with :math:`h'(s) = \sigma(-s) + \alpha\sigma(s) > 0`: Newton steps, safeguarded by bisection.
    Where :math:`\alpha = 0` the equation is explicit (M2): :math:`\varepsilon = \varepsilon_\infty + e^t`.
    """
    t, eps_inf, eps0, alpha = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, eps_inf, eps0, alpha)))
    explicit = alpha <= 0
    alpha = np.where(explicit, 1.0, alpha)  # explicit rows are answered at the end; keep the iteration finite
    delta = eps0 - eps_inf
    T = t - (1.0 - alpha) * np.log(delta)
    reach = np.abs(T) * np.maximum(1.0, 1.0 / alpha) + 2.0
    lo, hi = -reach, reach  # h(s) - T changes sign in here (|softplus - relu| <= log 2)
    s = np.clip(T, lo, hi)
    for _ in range(200):
        sp_neg, sp_pos = np.logaddexp(0.0, -s), np.logaddexp(0.0, s)
        g = -sp_neg + alpha * sp_pos - T
        lo = np.where(g < 0, s, lo)
        hi = np.where(g > 0, s, hi)
        dg = np.exp(-sp_pos) + alpha * np.exp(-sp_neg)  # sigma(-s) + alpha sigma(s)
        newton = s - g / dg
        inside = (newton > lo) & (newton < hi)
        s_new = np.where(inside, newton, 0.5 * (lo + hi))
        if np.all(np.abs(s_new - s) <= 1e-13 * (1.0 + np.abs(s))):
            s = s_new
            break
        s = s_new
    with np.errstate(over="ignore"):
        return np.where(explicit, eps_inf + np.exp(t), eps_inf + delta / (1.0 + np.exp(-s)))  # alpha = 0: M2


def m4(x, eps_inf, eps0, beta, c, alpha):
    r"""Baseline M4 of Alabdulmohsin et al. :cite:p:`alabdulmohsin2022revisiting`, defined implicitly:

    .. math:: \frac{\varepsilon - \varepsilon_\infty}{(\varepsilon_0 - \varepsilon)^{\alpha}} = \beta x^{c},

    with :math:`\varepsilon_0` the error of a random guess. Between :math:`\varepsilon_0` (small :math:`x`) and
    :math:`\varepsilon_\infty` (large :math:`x`) the curve is a sigmoid on log-log axes; :math:`\alpha = 0` gives
    M2. The equation has one solution in :math:`(\varepsilon_\infty, \varepsilon_0)`, found by a safeguarded
    Newton iteration.

    Parameters
    ----------
    x : array_like
        Scale, > 0.
    eps_inf : float
        The floor, >= 0 and < ``eps0``.
    eps0 : float
        The random-guess error or loss (the curve's ceiling), > ``eps_inf``.
    beta : float
        Amplitude, > 0.
    c : float
        Exponent (< 0 for a falling curve).
    alpha : float
        Shape of the approach to ``eps0``, >= 0.

    Examples
    --------
    >>> round(m4(100.0, eps_inf=0.1, eps0=1.0, beta=2.0, c=-0.5, alpha=0.0), 12)   # alpha = 0 is M2
    0.3
    >>> e = m4(100.0, eps_inf=0.1, eps0=1.0, beta=2.0, c=-0.5, alpha=1.0)
    >>> round((e - 0.1) / (1.0 - e), 12)                                     # solves the defining equation
    0.2
    """
    x = as_float_array("x", x, positive=True)
    eps_inf = as_scalar("eps_inf", eps_inf, nonnegative=True)
    eps0 = as_scalar("eps0", eps0, positive=True)
    if eps0 <= eps_inf:
        raise ValueError(f"eps0 (the random-guess error) must exceed eps_inf; got eps0={eps0!r}, eps_inf={eps_inf!r}")
    beta, c = as_scalar("beta", beta, positive=True), as_scalar("c", c)
    alpha = as_scalar("alpha", alpha, nonnegative=True)
    return _out(_m4_solve(np.log(beta) + c * np.log(x), eps_inf, eps0, alpha))
