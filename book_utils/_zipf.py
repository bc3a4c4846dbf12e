"""Sums over a Zipf distribution, shared by the emergence and model-collapse chapters.

A Zipf law with exponent ``s > 1`` puts mass ``p_i = i^(-s) / Z`` on item ``i = 1, 2, ...`` (``Z = zeta(s)``, or the
partial sum when there are finitely many items). Two chapters need the same sum,

.. math:: E(T) = \\sum_i p_i \\, (1 - q_i)^T,

the test-probability mass of items never seen in ``T`` training draws from a distribution ``q``. It is the expected
error of Hutter's memoriser :cite:p:`hutter2021learning` (``q = p``, with ``s = alpha + 1``), and of the same learner
trained on data from a generator that cut the tail, possibly mixed with clean data :cite:p:`dohmatob2024tale`
(``q_i = w_head p_i`` up to rank ``k`` and ``w_tail p_i`` beyond it).

The sum has infinitely many terms. Terms up to rank ``k + EXPLICIT`` are added exactly; beyond it ``(1 - q_i)^T`` is
replaced by ``exp(-T q_i)`` and the sum by a midpoint-rule integral, which has a closed form in the lower incomplete
gamma function. Both approximations are relative errors below ``1e-6`` of the total for the exponents the book uses.

Not public: :mod:`book_utils.emergence` and :mod:`book_utils.collapse` validate their inputs and call these.
"""

from __future__ import annotations

import numpy as np
from scipy import special

EXPLICIT = 20_000  # terms summed exactly at the head of each range before the integral takes over


def norm(s: float, n_items: int | None = None) -> float:
    """Normaliser ``Z = sum_{i <= n_items} i^(-s)`` (Riemann or partial zeta)."""
    z = float(special.zeta(s, 1))
    return z if n_items is None else z - float(special.zeta(s, n_items + 1))


def mass(s: float, first: int, last: int | None, z: float) -> float:
    """Probability mass of ranks ``first..last`` (``last=None``: to infinity) under ``p_i = i^(-s) / z``."""
    upper = 0.0 if last is None else float(special.zeta(s, last + 1))
    return (float(special.zeta(s, first)) - upper) / z


def _tail_integral(a: float, b: float | None, s: float, lam: np.ndarray) -> np.ndarray:
    """``integral_a^b x^(-s) exp(-lam x^(-s)) dx`` for ``lam >= 0`` (``b=None``: infinity).

    With ``u = lam x^(-s)`` it is ``lam^(1/s - 1) / s * [gamma_lower(1 - 1/s, u_a) - gamma_lower(1 - 1/s, u_b)]``;
    at ``lam = 0`` it is the plain power integral.
    """
    g = 1.0 - 1.0 / s
    plain = (a ** (1 - s) - (0.0 if b is None else b ** (1 - s))) / (s - 1)
    lam_safe = np.where(lam > 0, lam, 1.0)
    ua = lam_safe * a ** (-s)
    ub = 0.0 if b is None else lam_safe * b ** (-s)
    incomplete = special.gamma(g) * (special.gammainc(g, ua) - special.gammainc(g, ub))
    return np.where(lam > 0, lam_safe ** (1.0 / s - 1.0) / s * incomplete, plain)


def _range_sum(T: np.ndarray, s: float, z: float, first: int, last: int | None, weight: float) -> np.ndarray:
    """``sum_{i=first}^{last} p_i (1 - weight p_i)^T`` for every entry of ``T`` (float array)."""
    if last is not None and last < first:
        return np.zeros_like(T)
    if weight == 0.0:
        return np.full_like(T, mass(s, first, last, z))
    stop = first + EXPLICIT - 1 if last is None else min(last, first + EXPLICIT - 1)
    i = np.arange(first, stop + 1, dtype=float)
    p = i ** (-s) / z
    with np.errstate(divide="ignore", invalid="ignore"):
        log_keep = np.log1p(-np.minimum(weight * p, 1.0))  # log(1 - q_i); -inf where q_i = 1 (a single item)
        head = np.exp(np.multiply.outer(T, log_keep))  # 0 * -inf = nan at T = 0, q_i = 1: (1 - 1)^0 = 1
    head = np.where(np.isnan(head), 1.0, head) @ p
    if last is not None and stop == last:
        return head
    lam = weight * T / z
    rest = _tail_integral(stop + 0.5, None if last is None else last + 0.5, s, lam) / z
    return head + rest


def unseen_mass(T, s: float, *, k: int | None = None, w_head: float = 1.0, w_tail: float = 1.0,
                n_items: int | None = None) -> np.ndarray:
    """``sum_i p_i (1 - q_i)^T`` with ``p_i = i^(-s) / Z`` and ``q_i = w p_i`` (``w_head`` up to rank ``k``).

    Parameters
    ----------
    T : array_like of float >= 0
        Number of training draws (broadcast; the result has its shape).
    s : float > 1
        Zipf exponent of the test distribution ``p``.
    k : int or None
        Last rank drawn with weight ``w_head``; ranks beyond it have ``w_tail``. ``None``: every rank has ``w_head``.
    w_head, w_tail : float >= 0
        Training probability of rank ``i`` divided by ``p_i``; ``w_head p_1`` must not exceed 1.
    n_items : int or None
        Number of items (``None``: infinitely many).
    """
    T_arr = np.asarray(T, dtype=float)
    flat = T_arr.reshape(-1)
    z = norm(s, n_items)
    last_head = n_items if k is None else (k if n_items is None else min(k, n_items))
    total = _range_sum(flat, s, z, 1, last_head, w_head)
    if last_head is None or (n_items is not None and last_head >= n_items):
        return total.reshape(T_arr.shape)
    total = total + _range_sum(flat, s, z, last_head + 1, n_items, w_tail)
    return total.reshape(T_arr.shape)
