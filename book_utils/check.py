"""Self-checks for numeric exercises: immediate, specific feedback without revealing the answer.

Introduced in chapter 0 (Foundations). Every expected answer is *computed* here by book_utils functions from the
exercise's stated inputs, never typed in. In a notebook::

    check("foundations.flops-chinchilla", 6 * 70e9 * 1.4e12)

shows "Correct", or says how the answer is off (a power of ten, a simple factor, the sign, or by how many percent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import as_scalar
from .compute import training_flops
from .fitting import add_log_noise, bootstrap, fit_power_law, fit_saturating_power_law
from .laws import saturating_power_law, scale_to_reach
from .published import CHINCHILLA, GPT3, HOFFMANN_APPROACH3, KAPLAN_ALPHA_N

__all__ = ["check", "CheckResult", "exercise_ids"]


@dataclass(frozen=True)
class _Exercise:
    compute: object  # () -> float
    unit: str
    rtol: float


_EXERCISES: dict = {}


def _exercise(exercise_id, unit="", rtol=0.02):
    def register(fn):
        _EXERCISES[exercise_id] = _Exercise(fn, unit, rtol)
        return fn

    return register


@dataclass(frozen=True)
class CheckResult:
    """Outcome of :func:`check`.

    Attributes
    ----------
    exercise_id : str
        The exercise checked.
    correct : bool
        Whether the answer is within the exercise's tolerance.
    message : str
        Feedback for the reader (never the answer itself).
    """

    exercise_id: str
    correct: bool
    message: str

    def __repr__(self) -> str:
        return f"{'✅' if self.correct else '❌'} {self.exercise_id}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"
        mark = "✅" if self.correct else "❌"
        return f"<p style='color:{colour}'>{mark} <b>{self.exercise_id}</b>: {self.message}</p>"


def exercise_ids() -> list:
    """Identifiers of all exercises that have a self-check."""
    return sorted(_EXERCISES)


def check(exercise_id: str, answer) -> CheckResult:
    """Check a numeric answer to exercise ``exercise_id``.

    Parameters
    ----------
    exercise_id : str
        The identifier printed next to the exercise, e.g. ``"foundations.flops-chinchilla"``.
    answer : float
        Your answer, in the unit the exercise asks for.

    Returns
    -------
    CheckResult
        Displays as a one-line verdict in a notebook.
    """
    if exercise_id not in _EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; known: {', '.join(exercise_ids())}")
    answer = as_scalar("answer", answer)
    ex = _EXERCISES[exercise_id]
    expected = float(ex.compute())
    return CheckResult(exercise_id, *_feedback(answer, expected, ex.rtol, ex.unit))


def _feedback(answer: float, expected: float, rtol: float, unit: str):
    unit_hint = f" (the answer is in {unit})" if unit else ""
    if math.isclose(answer, expected, rel_tol=rtol):
        return True, "Correct."
    if answer == 0:
        return False, f"Not zero: look again{unit_hint}."
    if math.isclose(-answer, expected, rel_tol=rtol):
        return False, "Right size, wrong sign."
    ratio = answer / expected
    if ratio < 0:
        return False, f"Wrong sign, and the size is off too{unit_hint}."
    decades = math.log10(ratio)
    k = round(decades)
    if k != 0 and abs(decades - k) < math.log10(1 + rtol) + 1e-12:
        return False, f"Off by a factor of 10^{k}: check units and powers of ten{unit_hint}."
    for factor in (2, 3, 4, 6, 12):
        for f, word in ((factor, "high"), (1 / factor, "low")):
            if math.isclose(ratio, f, rel_tol=rtol):
                return False, f"Off by a factor of {factor} (too {word}): a missing or extra constant?"
    word = "high" if ratio > 1 else "low"
    return False, f"Not yet: about {abs(ratio - 1):.0%} too {word}{unit_hint}."


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 0: Foundations. Inputs are stated in the exercises; the answers are computed here.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("foundations.flops-chinchilla", unit="FLOPs")
def _flops_chinchilla():
    return training_flops(CHINCHILLA.params, CHINCHILLA.tokens)


@_exercise("foundations.flops-ratio", unit="a ratio (Chinchilla FLOPs / GPT-3 FLOPs)")
def _flops_ratio():
    return training_flops(CHINCHILLA.params, CHINCHILLA.tokens) / training_flops(GPT3.params, GPT3.tokens)


@_exercise("foundations.halve-loss", unit="a growth factor of N")
def _halve_loss():
    # L = A N^-alpha; L(kN) = L(N)/2  <=>  k = 2^(1/alpha); computed as the ratio of scales reaching L and L/2.
    return scale_to_reach(0.5, 0.0, 1.0, float(KAPLAN_ALPHA_N)) / scale_to_reach(1.0, 0.0, 1.0, float(KAPLAN_ALPHA_N))


@_exercise("foundations.exponent-from-runs", rtol=0.01)
def _exponent_from_runs():
    x = np.geomspace(1e7, 1e10, 8)
    return fit_power_law(x, add_log_noise(saturating_power_law(x, 1.8, 400.0, 0.3), 0.02, seed=3)).alpha


@_exercise("foundations.reach-target", unit="parameters")
def _reach_target():
    p = HOFFMANN_APPROACH3
    return scale_to_reach(2.0, float(p["E"]), float(p["A"]), float(p["alpha"]))


@_exercise("foundations.bootstrap-width", rtol=0.05)
def _bootstrap_width():
    x = np.geomspace(1e7, 1e10, 10)
    fit = fit_saturating_power_law(x, add_log_noise(saturating_power_law(x, 1.8, 400.0, 0.3), 0.01, seed=7))
    lo, hi = bootstrap(fit, 400, seed=0).interval("alpha", 0.9)
    return hi - lo
