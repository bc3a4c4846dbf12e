"""Functional forms of scaling laws.

Introduced in chapter 0 (Foundations): :func:`power_law`, :func:`saturating_power_law`, :func:`local_exponent`.
Later chapters add Kaplan's laws, Chinchilla's L(N, D), broken neural scaling laws and the M1–M4 baselines here.

Conventions: ``x`` is a scale (parameters, tokens, FLOPs), always > 0; exponents are written with the minus sign
outside, so a *positive* ``alpha`` means the quantity *falls* with scale, as loss does.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_scalar, paired_1d

__all__ = ["power_law", "saturating_power_law", "scale_to_reach", "local_exponent"]


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
