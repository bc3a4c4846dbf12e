"""book_utils.emergence, the mirage argument (chapter 4, notebook 02): closed forms, limits, the simulation against
theory, seeding, and every bad input."""

import math

import numpy as np
import pytest

from book_utils.emergence import (
    MIRAGE_METRICS,
    MIRAGE_TOY,
    exact_match,
    exact_match_size,
    mirage_simulation,
    per_token_loss,
    per_token_prob,
    target_log_prob,
    token_edit_distance,
)

C, ALPHA = MIRAGE_TOY["c"], MIRAGE_TOY["alpha"]


# ---- closed forms ---------------------------------------------------------------------------------------------------


def test_metrics_by_hand():
    assert exact_match(0.5, 3) == 0.125
    assert token_edit_distance(0.75, 4) == 1.0
    assert target_log_prob(0.5, 2) == pytest.approx(2 * math.log(0.5))
    assert isinstance(exact_match(0.9, 2), float) and isinstance(token_edit_distance(0.9, 2), float)


def test_metrics_broadcast_over_probabilities_and_lengths():
    p = np.array([[0.2], [0.9]])
    lengths = np.array([1, 2, 5])
    em = exact_match(p, lengths)
    assert em.shape == (2, 3)
    assert np.allclose(em, p**lengths)
    assert np.allclose(token_edit_distance(p, lengths), lengths * (1 - p))
    assert np.allclose(target_log_prob(p, lengths), lengths * np.log(p))


def test_metric_limits():
    assert exact_match(1.0, 7) == 1.0 and token_edit_distance(1.0, 7) == 0.0 and target_log_prob(1.0, 7) == 0.0
    assert exact_match(0.0, 7) == 0.0 and token_edit_distance(0.0, 7) == 7.0
    assert exact_match(0.3, 1) == pytest.approx(1 - token_edit_distance(0.3, 1))  # one token: EM = 1 - ED


def test_power_law_loss_and_probability():
    assert per_token_loss(C, C, ALPHA) == pytest.approx(1.0)  # 1 nat at N = c
    n = np.geomspace(1e6, 1e14, 30)
    loss = per_token_loss(n, 3e8, -0.7)
    slope = np.polyfit(np.log(n), np.log(loss), 1)[0]
    assert slope == pytest.approx(-0.7, abs=1e-12)
    assert np.all(np.diff(loss) < 0)
    assert np.allclose(per_token_prob(n, 3e8, -0.7), np.exp(-loss))
    assert per_token_loss(4e8, c=1e8, alpha=-0.5) == pytest.approx(0.5)


def test_exact_match_is_exp_of_total_loss_and_shifts_with_length():
    n = np.geomspace(1e6, 1e14, 101)
    for length in (1, 3, 16):
        em = exact_match(per_token_prob(n, C, ALPHA), length)
        assert np.allclose(em, np.exp(-length * per_token_loss(n, C, ALPHA)))
        # EM_L(N) = p(N L^(-1/|alpha|)): the same curve, moved right
        assert np.allclose(em, per_token_prob(n / length ** (1 / abs(ALPHA)), C, ALPHA))


def test_width_of_the_rise_does_not_depend_on_length():
    for alpha in (-0.3, -0.5, -1.2):
        for length in (1, 4, 32):
            n10, n90 = (exact_match_size(q, length=length, c=C, alpha=alpha) for q in (0.1, 0.9))
            assert math.log10(n90 / n10) == pytest.approx(math.log10(math.log(10) / math.log(10 / 9)) / abs(alpha))


def test_exact_match_size_inverts_the_metric():
    levels = np.array([1e-4, 0.01, 0.5, 0.9])
    sizes = exact_match_size(levels, length=5, c=C, alpha=ALPHA)
    assert np.allclose(exact_match(per_token_prob(sizes, C, ALPHA), 5), levels, rtol=1e-10)
    assert exact_match_size(0.5, length=5, c=1e8, alpha=-0.5) == pytest.approx(1e8 * (5 / math.log(2)) ** 2)
    # with a spread of difficulty: the simulation's closed-form expected exact match at that size is the level
    for cv in (0.3, 1.0, 2.0):
        n_q = exact_match_size(levels, length=8, c=C, alpha=ALPHA, difficulty_cv=cv)
        sim = mirage_simulation(n_q, c=C, alpha=ALPHA, length=8, n_examples=1, difficulty_cv=cv)
        assert np.allclose(sim.exact_match.expected, levels, rtol=1e-9)


def test_difficulty_spread_limits():
    n = np.geomspace(1e7, 1e12, 6)
    tiny = mirage_simulation(n, c=C, alpha=ALPHA, length=10, n_examples=5, difficulty_cv=1e-6)
    none = mirage_simulation(n, c=C, alpha=ALPHA, length=10, n_examples=5)
    for name in MIRAGE_METRICS:
        assert np.allclose(tiny.metric(name).expected, none.metric(name).expected, rtol=1e-6, atol=1e-12)
    # gamma with cv = 1 is exponential: E[exp(-t G)] = 1 / (1 + t)
    one = mirage_simulation(n, c=C, alpha=ALPHA, length=10, n_examples=5, difficulty_cv=1.0)
    assert np.allclose(one.exact_match.expected, 1 / (1 + 10 * per_token_loss(n, C, ALPHA)))
    # spreading difficulty never lowers exact match (Jensen) and leaves the mean log-probability alone
    assert np.all(one.exact_match.expected >= none.exact_match.expected)
    assert np.allclose(one.log_prob.expected, none.log_prob.expected)


# ---- the simulation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cv", [0.0, 0.7])
def test_simulation_matches_theory(cv):
    n = np.array([3e8, 3e9, 3e10, 3e11])
    runs, n_examples = 3000, 200
    sim = mirage_simulation(n, c=C, alpha=ALPHA, length=8, n_examples=n_examples, difficulty_cv=cv, n_runs=runs,
                            seed=11)
    for name in MIRAGE_METRICS:
        est = sim.metric(name)
        assert est.measured.shape == (runs, n.size)
        if cv == 0 and name == "log_prob":
            assert np.all(est.measured == est.expected) and np.all(est.stderr == 0)
            continue
        # mean of the runs within 4 standard errors of the mean; the spread of the runs is the stated stderr
        assert np.all(np.abs(est.measured.mean(0) - est.expected) < 4 * est.stderr / np.sqrt(runs) + 1e-12), name
        assert np.allclose(est.measured.std(0), est.stderr, rtol=0.06), name


def test_simulation_expected_values_are_the_closed_forms():
    n = np.geomspace(1e8, 1e12, 5)
    sim = mirage_simulation(n, c=C, alpha=ALPHA, length=16, n_examples=100)
    p = per_token_prob(n, C, ALPHA)
    assert np.allclose(sim.p_token, p) and np.allclose(sim.loss, per_token_loss(n, C, ALPHA))
    assert np.allclose(sim.exact_match.expected, exact_match(p, 16))
    assert np.allclose(sim.edit_distance.expected, token_edit_distance(p, 16))
    assert np.allclose(sim.log_prob.expected, target_log_prob(p, 16))
    em = sim.exact_match.expected
    assert np.allclose(sim.exact_match.stderr, np.sqrt(em * (1 - em) / 100))
    assert np.allclose(sim.edit_distance.stderr, np.sqrt(16 * p * (1 - p) / 100))


def test_measurements_are_consistent_and_resolution_limited():
    n = np.geomspace(1e8, 1e12, 9)
    for cv in (0.0, 1.0):
        sim = mirage_simulation(n, c=C, alpha=ALPHA, length=12, n_examples=50, difficulty_cv=cv, n_runs=200, seed=3)
        em, ed = sim.exact_match.measured, sim.edit_distance.measured
        assert np.all((em >= 0) & (em <= 1)) and np.all(ed >= 0)
        assert np.all(ed >= 1 - em - 1e-12)  # every answer that is not exact has at least one wrong token
        assert np.allclose(em * 50, np.round(em * 50))  # a fraction of 50 answers
    # the probability of a zero score is (1 - EM)^n
    sim = mirage_simulation([1e9], c=C, alpha=ALPHA, length=16, n_examples=100, n_runs=20000, seed=5)
    zero = np.mean(sim.exact_match.measured == 0)
    theory = (1 - sim.exact_match.expected[0]) ** 100
    assert abs(zero - theory) < 4 * math.sqrt(theory * (1 - theory) / 20000)


def test_many_examples_without_spread_are_cheap_and_accurate():
    sim = mirage_simulation([1e10], c=C, alpha=ALPHA, length=10, n_examples=10**9, seed=0)
    assert sim.exact_match.measured[0] == pytest.approx(math.exp(-1.0), abs=1e-4)


def test_seeding_and_shapes():
    n = np.geomspace(1e8, 1e12, 5)
    kw = {"c": C, "alpha": ALPHA, "length": 6, "n_examples": 40}
    a, b = mirage_simulation(n, seed=7, **kw), mirage_simulation(n, seed=7, **kw)
    assert np.array_equal(a.exact_match.measured, b.exact_match.measured)
    assert np.array_equal(a.edit_distance.measured, b.edit_distance.measured)
    c = mirage_simulation(n, seed=8, n_runs=50, **kw)
    d = mirage_simulation(n, seed=9, n_runs=50, **kw)
    assert not np.array_equal(c.edit_distance.measured, d.edit_distance.measured)
    assert a.exact_match.measured.shape == (5,) and c.exact_match.measured.shape == (50, 5)
    assert a.metric("edit_distance") is a.edit_distance
    spread = [mirage_simulation(n, seed=7, difficulty_cv=0.5, **kw) for _ in range(2)]
    assert np.array_equal(spread[0].log_prob.measured, spread[1].log_prob.measured)


def test_explicit_loss_equals_the_power_law():
    n = np.geomspace(1e8, 1e12, 5)
    a = mirage_simulation(n, c=C, alpha=ALPHA, length=6, n_examples=40, seed=2)
    b = mirage_simulation(n, loss=per_token_loss(n, C, ALPHA), length=6, n_examples=40, seed=2)
    for name in MIRAGE_METRICS:
        assert np.array_equal(a.metric(name).measured, b.metric(name).measured)
    zero_loss = mirage_simulation([1e9], loss=[0.0], length=4, n_examples=10)
    assert zero_loss.exact_match.measured[0] == 1.0 and zero_loss.edit_distance.measured[0] == 0.0


def test_explorer_runs_through_its_range():
    from book_utils.widgets import mirage_explorer, sweep

    ex = mirage_explorer(static=False)
    report = sweep(ex, every=False)
    assert report.ok, report
    assert ex.static_names == ("metric", "length", "n_examples")


# ---- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "args", "match"), [
    (exact_match, (1.2, 3), "probability"),
    (exact_match, (-0.1, 3), "probability"),
    (exact_match, (np.nan, 3), "finite"),
    (exact_match, (0.5, 0), ">= 1"),
    (exact_match, (0.5, 2.5), "integer"),
    (exact_match, (0.5, True), "integer"),
    (token_edit_distance, (0.5, -2), ">= 1"),
    (token_edit_distance, ("x", 2), "numeric"),
    (target_log_prob, (0.0, 2), "> 0"),
    (per_token_loss, (0.0, 1e8, -0.5), "N must be > 0"),
    (per_token_loss, (1e9, -1.0, -0.5), "c must be > 0"),
    (per_token_loss, (1e9, 1e8, 0.5), "alpha must be < 0"),
    (per_token_prob, (1e9, 1e8, 0.0), "alpha must be < 0"),
])
def test_bad_metric_inputs(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


@pytest.mark.parametrize(("level", "kw", "match"), [
    (0.0, {}, "strictly between"),
    (1.0, {}, "strictly between"),
    (0.5, {"length": 0}, ">= 1"),
    (0.5, {"alpha": 1.0}, "alpha must be < 0"),
    (0.5, {"c": 0.0}, "c must be > 0"),
    (0.5, {"difficulty_cv": -0.1}, "difficulty_cv must be >= 0"),
])
def test_bad_exact_match_size_inputs(level, kw, match):
    with pytest.raises(ValueError, match=match):
        exact_match_size(level, **({"length": 5, "c": C, "alpha": ALPHA} | kw))


@pytest.mark.parametrize(("kw", "match"), [
    ({"n_examples": 0}, "n_examples must be >= 1"),
    ({"n_examples": 10.0}, "n_examples must be an integer"),
    ({"length": 0}, ">= 1"),
    ({"length": [2, 3]}, "one positive integer"),
    ({"difficulty_cv": -1.0}, "difficulty_cv must be >= 0"),
    ({"n_runs": 0}, "n_runs must be >= 1"),
    ({"c": None}, "give the power law"),
    ({"loss": [0.1, 0.2]}, "not both"),
    ({"alpha": 0.3}, "alpha must be < 0"),
    ({"N": [[1e8, 1e9]]}, "1-D"),
    ({"N": [1e8, -1.0]}, "N must be > 0"),
    ({"difficulty_cv": 0.5, "n_examples": 10**7, "n_runs": 10}, "fewer runs or examples"),
])
def test_bad_simulation_inputs(kw, match):
    args = {"N": [1e8, 1e9], "c": C, "alpha": ALPHA, "length": 4, "n_examples": 10} | kw
    with pytest.raises(ValueError, match=match):
        mirage_simulation(args.pop("N"), **args)


def test_bad_explicit_loss():
    with pytest.raises(ValueError, match="shape of N"):
        mirage_simulation([1e8, 1e9], loss=[0.1], length=4, n_examples=10)
    with pytest.raises(ValueError, match="loss must be >= 0"):
        mirage_simulation([1e8, 1e9], loss=[0.1, -0.1], length=4, n_examples=10)
    with pytest.raises(ValueError, match="metric must be one of"):
        mirage_simulation([1e8], c=C, alpha=ALPHA, length=4, n_examples=10).metric("accuracy")
