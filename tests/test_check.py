"""book_utils.check: feedback categories, and every registered exercise has a computable answer."""

import math

import pytest

from book_utils import check as check_module
from book_utils.check import CheckResult, check, exercise_ids


def expected(exercise_id):
    return check_module._expected(exercise_id)


def test_every_exercise_answer_is_finite_and_accepted():
    assert len(exercise_ids()) >= 6
    for ex in exercise_ids():
        value = expected(ex)
        assert math.isfinite(value)
        result = check(ex, value)
        assert isinstance(result, CheckResult) and result.correct, ex


def test_feedback_categories_do_not_reveal_the_answer():
    ex = "foundations.flops-chinchilla"
    value = expected(ex)
    cases = {
        value * 1.01: "Correct",
        value * 10: "10^1",
        value / 1000: "10^-3",
        -value: "wrong sign",
        value * 6: "factor of 6 (too high)",
        value / 2: "factor of 2 (too low)",
        value * 1.3: "30% too high",
        0.0: "Not zero",
    }
    for answer, phrase in cases.items():
        result = check(ex, answer)
        assert phrase.lower() in result.message.lower(), (answer, result.message)
        assert f"{value:.3g}" not in result.message and "5.88" not in result.message
    assert "✅" in repr(check(ex, value)) and "❌" in check(ex, 0.0)._repr_html_()


def test_bad_input():
    with pytest.raises(ValueError, match="unknown exercise"):
        check("no.such.exercise", 1.0)
    with pytest.raises(ValueError, match="finite"):
        check("foundations.flops-chinchilla", float("nan"))
    with pytest.raises(ValueError, match="real number"):
        check("foundations.flops-chinchilla", "5.88e23")


@pytest.mark.parametrize("exercise_id", exercise_ids())
def test_each_exercise_accepts_its_answer_and_rejects_wrong_ones(exercise_id):
    """A correct answer passes; answers off by a power of ten, by a few tolerances, or of the wrong sign fail,
    and the feedback never prints the expected value."""
    value = expected(exercise_id)
    rtol = check_module._EXERCISES[exercise_id].rtol
    assert check(exercise_id, value * (1 + rtol / 2)).correct
    for wrong in (value * 10, value * (1 + 5 * rtol), value * (1 - 5 * rtol) if value else 1.0, -value or 1.0):
        result = check(exercise_id, wrong)
        assert not result.correct, (exercise_id, wrong, result.message)
        assert f"{value:.3g}" not in result.message
