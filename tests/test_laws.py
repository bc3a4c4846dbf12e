"""book_utils.laws: values, identities and bad input."""

import numpy as np
import pytest

from book_utils.laws import local_exponent, power_law, saturating_power_law, scale_to_reach


def test_power_law_is_a_straight_line_in_log_log():
    x = np.geomspace(1e3, 1e12, 50)
    y = power_law(x, A=20.0, alpha=0.076)
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    assert slope == pytest.approx(-0.076, abs=1e-12)
    assert np.exp(intercept) == pytest.approx(20.0, rel=1e-10)


def test_power_law_scalar_and_kaplan_form():
    # Kaplan's (N_c/N)^alpha is A x^-alpha with A = N_c^alpha: L(N_c) = 1.
    n_c, alpha = 8.8e13, 0.076
    assert power_law(n_c, n_c**alpha, alpha) == pytest.approx(1.0)
    assert isinstance(power_law(2.0, 1.0, 1.0), float)


def test_doubling_multiplies_by_two_to_minus_alpha():
    x = np.array([1e6, 1e8])
    ratio = power_law(2 * x, 3.0, 0.34) / power_law(x, 3.0, 0.34)
    assert np.allclose(ratio, 2**-0.34)


def test_saturating_law_tends_to_floor():
    assert saturating_power_law(1e30, E=1.69, A=406.4, alpha=0.34) == pytest.approx(1.69, rel=1e-6)
    assert saturating_power_law(1.0, E=1.69, A=406.4, alpha=0.34) == pytest.approx(1.69 + 406.4)


def test_scale_to_reach_inverts_the_law():
    x = np.geomspace(1e6, 1e12, 7)
    y = saturating_power_law(x, 1.69, 406.4, 0.34)
    assert np.allclose(scale_to_reach(y, 1.69, 406.4, 0.34), x, rtol=1e-9)
    assert scale_to_reach(0.5, 0.0, 1.0, 0.5) == pytest.approx(4.0)


def test_local_exponent_of_saturating_law():
    x = np.geomspace(1e4, 1e12, 400)
    E, A, alpha = 1.7, 400.0, 0.34
    y = saturating_power_law(x, E, A, alpha)
    expected = -alpha * (y - E) / y
    assert np.allclose(local_exponent(x, y)[1:-1], expected[1:-1], rtol=1e-3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: power_law([1.0, -1.0], 1.0, 0.5), "x must be > 0"),
        (lambda: power_law([1.0, np.nan], 1.0, 0.5), "finite"),
        (lambda: power_law(1.0, 0.0, 0.5), "A must be > 0"),
        (lambda: power_law(1.0, 1.0, np.inf), "alpha must be finite"),
        (lambda: power_law([], 1.0, 0.5), "empty"),
        (lambda: power_law("abc", 1.0, 0.5), "numeric"),
        (lambda: saturating_power_law(1.0, -1.0, 1.0, 0.5), "E must be >= 0"),
        (lambda: scale_to_reach(1.5, 1.69, 406.4, 0.34), "above the irreducible"),
        (lambda: scale_to_reach(2.0, 1.69, 406.4, -0.34), "alpha must be > 0"),
        (lambda: local_exponent([1, 2], [1, 2]), "at least 3"),
        (lambda: local_exponent([1, 2, 3], [1, 2]), "same length"),
        (lambda: local_exponent([1, 3, 2], [1, 2, 3]), "strictly increasing"),
        (lambda: local_exponent([[1, 2, 3]], [[1, 2, 3]]), "1-D"),
    ],
)
def test_bad_input_raises_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
