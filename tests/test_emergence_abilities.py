"""Chapter 4, notebook 01 (emergent abilities): Wei et al.'s Table 1 in book_utils.published, the toy ability and its
detection horizon, the audit explorer and the notebook's self-checks."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import binom

from book_utils.check import check, exercise_ids
from book_utils.compute import training_flops
from book_utils.emergence import AUDIT_THRESHOLD, AUDIT_TOY, detection_horizon, toy_ability
from book_utils.published import CHINCHILLA, GOPHER, GPT3, GPT3_FAMILY_PARAMS, WEI_TABLE1, EmergentAbility
from book_utils.widgets import MAX_STATIC_FRAMES, emergence_audit_explorer, sweep

PALM_TOKENS = 780e9  # Chowdhery et al. 2022 (PaLM), section 3: every PaLM model saw 780B tokens


# ---- Wei et al.'s Table 1 -------------------------------------------------------------------------------------------


def test_table1_rows_and_groups_as_printed(root):
    bib = (root / "references.bib").read_text()
    assert len(WEI_TABLE1) == 22
    assert all(isinstance(r, EmergentAbility) for r in WEI_TABLE1)
    groups = [r.prompting for r in WEI_TABLE1]
    assert groups == ["few-shot"] * 9 + ["augmented"] * 13  # the printed order: two groups, few-shot first
    assert len({r.ability for r in WEI_TABLE1}) == 22
    for r in WEI_TABLE1:
        assert r.cite == "wei2022emergent" and r.cite in bib and r.where == "Table 1"
        assert r.flops > 0 and r.params > 0 and r.model and r.source
    # first, last and extreme rows, as printed
    assert (WEI_TABLE1[0].flops, WEI_TABLE1[0].params, WEI_TABLE1[0].model) == (2.3e22, 13e9, "GPT-3")
    assert (WEI_TABLE1[-1].flops, WEI_TABLE1[-1].params, WEI_TABLE1[-1].model) == (1.4e22, 6e9, "EleutherAI")
    smallest = min(WEI_TABLE1, key=lambda r: r.flops)
    assert (smallest.flops, smallest.params, smallest.model) == (8.9e19, 40e6, "LaMDA")
    largest = max(WEI_TABLE1, key=lambda r: r.flops)
    assert (largest.flops, largest.params, largest.model) == (2.5e24, 540e9, "PaLM")


def test_table1_is_not_sorted_by_compute():
    flops = np.array([r.flops for r in WEI_TABLE1])
    assert not np.all(np.diff(flops) >= 0) and not np.all(np.diff(flops) <= 0)


def test_table1_is_frozen():
    with pytest.raises(AttributeError):
        WEI_TABLE1[0].flops = 1.0


@pytest.mark.parametrize(("model", "tokens"), [("GPT-3", GPT3.tokens), ("Gopher", GOPHER.tokens),
                                               ("PaLM", PALM_TOKENS)])
def test_compute_is_6nd_where_tokens_are_known(model, tokens):
    rows = [r for r in WEI_TABLE1 if r.model == model]
    assert len(rows) >= 2
    for r in rows:  # two printed digits: within 2%
        assert r.flops == pytest.approx(training_flops(r.params, tokens), rel=0.02), r.ability
        assert float(f"{float(training_flops(r.params, tokens)):.1e}") == pytest.approx(r.flops, rel=0.035)


def test_chinchilla_row_is_gophers_compute_not_its_own_6nd():
    (row,) = [r for r in WEI_TABLE1 if r.model == "Chinchilla"]
    own = training_flops(CHINCHILLA.params, CHINCHILLA.tokens)
    assert row.params == CHINCHILLA.params
    assert row.flops / own - 1 == pytest.approx(-0.15, abs=0.005)
    assert row.flops == pytest.approx(training_flops(GOPHER.params, GOPHER.tokens), rel=0.01)
    assert np.log10(own / row.flops) == pytest.approx(0.07, abs=0.005)


def test_table1_span_and_median():
    flops = np.sort([r.flops for r in WEI_TABLE1])
    assert np.log10(flops[-1] / flops[0]) == pytest.approx(4.4486, abs=1e-4)
    assert np.log10(flops[-1] / flops[1]) == pytest.approx(2.2840, abs=1e-4)
    assert np.sum((flops >= 1e23) & (flops < 1e24)) == 15
    assert AUDIT_THRESHOLD == pytest.approx(2.9e23, rel=1e-12) == np.median(flops)


def test_thresholds_depend_on_the_family():
    mmlu = {r.model: r for r in WEI_TABLE1 if r.ability.startswith("MMLU")}
    assert set(mmlu) == {"GPT-3", "Gopher", "Chinchilla"}
    assert mmlu["Gopher"].params / mmlu["Chinchilla"].params == 4
    assert mmlu["Gopher"].flops == mmlu["Chinchilla"].flops


def test_gpt3_family_grid():
    sizes = np.array(GPT3_FAMILY_PARAMS)
    assert sizes.size == 8 and np.all(np.diff(sizes) > 0) and sizes[-1] == GPT3.params
    assert {r.params for r in WEI_TABLE1 if r.model == "GPT-3"} <= set(sizes)


# ---- the toy ability and its detection horizon ---------------------------------------------------------------------


def test_toy_ability_shape():
    c = np.geomspace(1e15, 1e31, 1001)
    a = toy_ability(c, 1e23, 0.5, chance=0.2, top=0.8)
    assert a.shape == c.shape and np.all(np.diff(a) >= 0) and np.all(np.diff(a[400:600]) > 0)
    assert a[0] == pytest.approx(0.2, abs=1e-12) and a[-1] == pytest.approx(0.8, abs=1e-12)
    assert toy_ability(1e23, 1e23, 0.5, chance=0.2, top=0.8) == pytest.approx(0.5)
    # 10% and 90% of the jump half a width either side of the threshold
    assert toy_ability(10 ** (23 - 0.25), 1e23, 0.5, 0.2, 0.8) == pytest.approx(0.2 + 0.6 * 0.1, rel=1e-12)
    assert toy_ability(10 ** (23 + 0.25), 1e23, 0.5, 0.2, 0.8) == pytest.approx(0.2 + 0.6 * 0.9, rel=1e-12)
    assert isinstance(toy_ability(1e22, 1e23, 1.0), float)


@pytest.mark.parametrize("width", [0.1, 0.5, 2.0])
@pytest.mark.parametrize("n", [50, 1000, 100_000])
def test_detection_horizon_solves_its_equation(width, n):
    chance, top, z = 0.25, 0.9, 3.0
    level = z * np.sqrt(chance * (1 - chance) / n)
    root = brentq(lambda d: toy_ability(10 ** -d, 1.0, width, chance, top) - chance - level, -5, 10, xtol=1e-14)
    assert detection_horizon(width, n, chance, top, z) == pytest.approx(root, rel=1e-9, abs=1e-12)


def test_detection_horizon_scaling():
    w = np.array([0.25, 0.5, 1.0, 2.0])
    d = detection_horizon(w, 1000)
    assert d.shape == (4,) and np.allclose(d / w, d[2])  # proportional to the width
    assert detection_horizon(1.0, 1000) == pytest.approx(0.6135, abs=1e-4)
    assert detection_horizon(1.0, 1000, z=2.0) == pytest.approx(0.7109, abs=1e-4)
    assert detection_horizon(1.0, 100) < detection_horizon(1.0, 1000) < detection_horizon(1.0, 10_000)
    assert detection_horizon(1.0, 5) < 0  # a tiny test set only sees the jump past its midpoint
    assert detection_horizon(0.5, 200) == pytest.approx(0.2053, abs=1e-4)


def test_detection_horizon_simulation():
    # at the horizon the expected excess is exactly z standard errors: about half of all test sets cross the line
    t = AUDIT_TOY
    rng = np.random.default_rng(12345)
    level = t["chance"] + t["z"] * np.sqrt(t["chance"] * (1 - t["chance"]) / t["n_items"])
    c_h = AUDIT_THRESHOLD / 10 ** detection_horizon(0.5, t["n_items"])
    p = toy_ability(c_h, AUDIT_THRESHOLD, 0.5)
    assert p == pytest.approx(level, rel=1e-12)
    draws = rng.binomial(t["n_items"], p, size=200_000) / t["n_items"]
    exact = binom.sf(np.floor(level * t["n_items"]), t["n_items"], p)  # P(accuracy > level), exactly
    assert 0.45 < exact < 0.5 and (draws > level).mean() == pytest.approx(exact, abs=0.004)
    far = rng.binomial(t["n_items"], toy_ability(c_h / 10, AUDIT_THRESHOLD, 0.5), size=200_000) / t["n_items"]
    assert (far > level).mean() < 0.003  # a decade below: essentially the false-alarm rate


def test_reproducible_explorer_frames():
    a = emergence_audit_explorer(static=False, seed=3).set(largest=1e23, width=1.0)
    b = emergence_audit_explorer(static=False, seed=3).set(largest=1e23, width=1.0)
    assert a == b


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: toy_ability(0.0, 1e23, 1.0), "compute must be > 0"),
        (lambda: toy_ability([1e22, np.nan], 1e23, 1.0), "compute must be finite"),
        (lambda: toy_ability(1e22, -1.0, 1.0), "threshold must be > 0"),
        (lambda: toy_ability(1e22, 1e23, 0.0), "width must be > 0"),
        (lambda: toy_ability(1e22, 1e23, 1.0, chance=0.9, top=0.5), "need chance < top"),
        (lambda: toy_ability(1e22, 1e23, 1.0, top=1.5), "top"),
        (lambda: detection_horizon(-1.0, 100), "width must be > 0"),
        (lambda: detection_horizon(1.0, 0), "n_items must be >= 1"),
        (lambda: detection_horizon(1.0, 10.5), "n_items must be an integer"),
        (lambda: detection_horizon(1.0, 100, chance=0.0), "chance must be > 0"),
        (lambda: detection_horizon(1.0, 100, z=0.0), "z must be > 0"),
        (lambda: detection_horizon(1.0, 1, chance=0.5, top=0.6), "more n_items"),
        (lambda: emergence_audit_explorer(static=False, seed=-1), "seed must be >= 0"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- the explorer and the self-checks ------------------------------------------------------------------------------


def test_audit_explorer_responds_and_fits_the_page():
    ex = emergence_audit_explorer(static=False)
    assert sweep(ex, every=False).ok
    assert all(spec.n <= 25 for spec in ex.specs.values())
    assert np.prod([ex.specs[name].n for name in ex.static_names]) <= MAX_STATIC_FRAMES


def test_self_checks():
    ids = {"emergence.strategyqa-flops", "emergence.decades-addition-to-wic", "emergence.detection-horizon"}
    assert ids <= set(exercise_ids())
    assert check("emergence.strategyqa-flops", 6 * 62e9 * 780e9).correct
    assert check("emergence.strategyqa-flops", 2.9e23).correct
    assert not check("emergence.strategyqa-flops", 2.9e22).correct
    assert check("emergence.decades-addition-to-wic", np.log10(2.5e24 / 2.3e22)).correct
    assert not check("emergence.decades-addition-to-wic", 2.5e24 / 2.3e22).correct
    assert check("emergence.detection-horizon", 0.2053).correct
    assert not check("emergence.detection-horizon", 0.25).correct
