r"""FLOP accounting.

Introduced in chapter 0 (Foundations). Training a dense transformer with N parameters on D tokens costs about

.. math:: C \approx 6 N D \quad \text{FLOPs},

2N per token for the forward pass and 4N for the backward pass (Kaplan et al., eq. 2.1–2.2
:cite:p:`kaplan2020scaling`; Hoffmann et al. use the same count :cite:p:`hoffmann2022training`). Kaplan et al.
quote compute in PF-days: one petaFLOP/s sustained for a day, :math:`10^{15} \times 86400 = 8.64\times10^{19}` FLOPs.
"""

from __future__ import annotations

from ._validation import as_float_array

__all__ = ["FLOPS_PER_PARAM_TOKEN", "PF_DAY", "training_flops", "flops_to_pf_days", "pf_days_to_flops"]

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
