"""Input checks shared by the public functions of book_utils.

Every public function validates at its boundary and raises ``ValueError`` with a message that names the argument,
says what was wrong and what is expected. Nothing here is part of the public API.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> np.ndarray:
    """Return ``value`` as a float ndarray, raising ``ValueError`` if any entry is non-finite or out of range."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    if arr.size == 0:
        raise ValueError(f"{name} is empty; expected at least one value")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be finite; found {int(bad.sum())} NaN/inf value(s) (first at index "
                         f"{_first_index(bad)})")
    if positive and (arr <= 0).any():
        raise ValueError(f"{name} must be > 0 (logarithms are taken); found {int((arr <= 0).sum())} value(s) <= 0, "
                         f"first {arr[np.unravel_index(np.argmax(arr <= 0), arr.shape)]!r} at index "
                         f"{_first_index(arr <= 0)}")
    if nonnegative and (arr < 0).any():
        raise ValueError(f"{name} must be >= 0; found {int((arr < 0).sum())} negative value(s), first at index "
                         f"{_first_index(arr < 0)}")
    return arr


def as_scalar(name: str, value, *, positive: bool = False, nonnegative: bool = False,
              lo: float | None = None, hi: float | None = None) -> float:
    """Return ``value`` as a finite Python float, raising ``ValueError`` if it is not one or is out of range."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)) or np.ndim(value) != 0:
        raise ValueError(f"{name} must be a real number, got {value!r}")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out!r}")
    if positive and out <= 0:
        raise ValueError(f"{name} must be > 0, got {out!r}")
    if nonnegative and out < 0:
        raise ValueError(f"{name} must be >= 0, got {out!r}")
    if lo is not None and out < lo:
        raise ValueError(f"{name} must be >= {lo}, got {out!r}")
    if hi is not None and out > hi:
        raise ValueError(f"{name} must be <= {hi}, got {out!r}")
    return out


def as_int(name: str, value, *, minimum: int = 0) -> int:
    """Return ``value`` as an int >= ``minimum``, raising ``ValueError`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def one_of(name: str, value, options) -> str:
    """Raise ``ValueError`` unless ``value`` is one of ``options``; return it."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def paired_1d(x_name: str, x, y_name: str, y, *, min_points: int, positive: bool = True):
    """Validate two 1-D arrays of equal length with at least ``min_points`` entries."""
    xa = as_float_array(x_name, x, positive=positive)
    ya = as_float_array(y_name, y, positive=positive)
    if xa.ndim != 1 or ya.ndim != 1:
        raise ValueError(f"{x_name} and {y_name} must be 1-D; got shapes {xa.shape} and {ya.shape}")
    if xa.shape != ya.shape:
        raise ValueError(f"{x_name} and {y_name} must have the same length; got {xa.size} and {ya.size}")
    if xa.size < min_points:
        raise ValueError(f"need at least {min_points} points for this fit, got {xa.size}")
    return xa, ya


def _first_index(mask: np.ndarray):
    idx = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return idx[0] if len(idx) == 1 else idx
