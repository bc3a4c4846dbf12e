"""Self-checks for numeric exercises: immediate, specific feedback without revealing the answer.

Introduced in chapter 0 (Foundations). Every expected answer is *computed* here by book_utils functions from the
exercise's stated inputs, never typed in. In a notebook::

    check("foundations.flops-chinchilla", 6 * 70e9 * 1.4e12)

shows "Correct", or says how the answer is off (a power of ten, a simple factor, the sign, or by how many percent).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ._validation import as_scalar
from .compute import PF_DAY, kaplan_allocation, training_flops, transformer_params
from .fitting import add_log_noise, bootstrap, fit_power_law, fit_saturating_power_law
from .laws import (
    kaplan_data_requirement,
    kaplan_loss_c,
    kaplan_loss_d,
    kaplan_loss_nd,
    saturating_power_law,
    scale_to_reach,
)
from .published import CHINCHILLA, GPT3, GPT3_175B_SHAPE, HOFFMANN_APPROACH3, KAPLAN, KAPLAN_ALPHA_N, as_floats

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
    return CheckResult(exercise_id, *_feedback(answer, _expected(exercise_id), ex.rtol, ex.unit))


@functools.cache
def _expected(exercise_id: str) -> float:
    """The computed answer (deterministic: every computation is seeded), worked out once per session."""
    return float(_EXERCISES[exercise_id].compute())


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


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 1: Kaplan et al. 2020.
# ---------------------------------------------------------------------------------------------------------------------


def _bisect_log(f, lo, hi, iters=200):
    """Root of an increasing-then-sign-changing f on [lo, hi] (> 0), by bisection in log space."""
    a, b = math.log(lo), math.log(hi)
    fa = f(lo)
    for _ in range(iters):
        m = 0.5 * (a + b)
        fm = f(math.exp(m))
        if (fm > 0) == (fa > 0):
            a, fa = m, fm
        else:
            b = m
    return math.exp(0.5 * (a + b))


@_exercise("kaplan.gpt3-params", unit="non-embedding parameters")
def _gpt3_params():
    return transformer_params(GPT3_175B_SHAPE.n_layer, GPT3_175B_SHAPE.d_model)


@_exercise("kaplan.attention-share", unit="a fraction (attention FLOPs / 2N)")
def _attention_share():
    s = GPT3_175B_SHAPE
    return 2 * s.n_layer * s.n_ctx * s.d_model / (2 * transformer_params(s.n_layer, s.d_model))


@_exercise("kaplan.data-requirement", unit="tokens", rtol=0.05)
def _data_requirement():
    return kaplan_data_requirement(1e9, 0.02)


@_exercise("kaplan.stop-improving", unit="parameters")
def _stop_improving():
    # N at which L(N, D = 300B) is within 1% of its large-N limit L(D)
    D = 3e11
    limit = kaplan_loss_nd(1e40, D)
    return _bisect_log(lambda n: kaplan_loss_nd(n, D) - 1.01 * limit, 1e6, 1e16)


@_exercise("kaplan.alpha-c-min", rtol=0.01)
def _alpha_c_min():
    a_n, a_b, a_s = float(KAPLAN["N"]["alpha"]), float(KAPLAN["B_crit"]["alpha"]), float(KAPLAN["NS"]["alpha_S"])
    return 1.0 / (1.0 / a_s + 1.0 / a_b + 1.0 / a_n)


@_exercise("kaplan.tokens-per-param-1e23", unit="tokens per parameter")
def _tokens_per_param():
    return kaplan_allocation(1e23).tokens_per_param


@_exercise("kaplan.breakdown", unit="PF-days", rtol=0.05)
def _breakdown():
    # where the compute-efficient frontier L(C_min) meets the data-limited loss of the allocated tokens, L(D(C))
    return _bisect_log(lambda c: kaplan_loss_d(kaplan_allocation(c * PF_DAY).D) - kaplan_loss_c(c * PF_DAY),
                       1e2, 1e7)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2 (Chinchilla), notebooks 01_three_approaches and 02_parametric_fit.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("chinchilla.lab-a", rtol=0.01)
def _lab_a():
    # the compute-optimal exponent beta / (alpha + beta) of a lab with spectrum 2 and signal 1.6
    from .lab import ScalingLab

    lab = ScalingLab(spectrum=2.0, signal=1.6)
    return lab.beta / (lab.alpha + lab.beta)


@_exercise("chinchilla.lab-additive-nopt", unit="parameters")
def _lab_additive_nopt():
    # N_opt at 1e8 FLOPs of the default lab's constants in Chinchilla's additive form
    from .compute import compute_optimal
    from .lab import ScalingLab

    return compute_optimal(1e8, **ScalingLab().chinchilla_params)[0]


@_exercise("chinchilla.exponent-error-gopher", unit="a ratio of model sizes", rtol=0.01)
def _exponent_error_gopher():
    # two frontiers anchored at 3e21 FLOPs with a = 0.50 and a = 0.46, compared at Gopher's budget (Table 3)
    from .published import HOFFMANN_TABLE3

    return (HOFFMANN_TABLE3[3][1] / 3e21) ** (0.50 - 0.46)


@_exercise("chinchilla.gopher-nopt-rounded", unit="parameters")
def _gopher_nopt_rounded():
    # N_opt at Gopher's budget (Table 3) with the Approach-3 constants as printed
    from .compute import compute_optimal
    from .published import HOFFMANN_TABLE3

    return compute_optimal(HOFFMANN_TABLE3[3][1], **as_floats(HOFFMANN_APPROACH3))[0]


@_exercise("chinchilla.runs-for-width", unit="runs", rtol=0.02)
def _runs_for_width():
    # an interval of width 0.044 from 154 runs, narrowed as 1/sqrt(n) to width 0.001
    return 154 * (0.044 / 0.001) ** 2


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2 (Chinchilla), notebook 04_beyond_compute_optimal. Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("chinchilla.effective-data-4-epochs", unit="tokens", rtol=0.01)
def _effective_data_4_epochs():
    from .laws import effective_data
    from .published import MUENNIGHOFF_FIT

    return effective_data(4 * 100e9, 100e9, float(MUENNIGHOFF_FIT["R_D_star"]))


@_exercise("chinchilla.half-value-epochs", unit="epochs", rtol=0.01)
def _half_value_epochs():
    # 1 - exp(-R/R*) = 1/2 at R = R* ln 2 repetitions, i.e. 1 + R* ln 2 epochs; found here by bisection on D'
    from .laws import effective_data
    from .published import MUENNIGHOFF_FIT

    r_star = float(MUENNIGHOFF_FIT["R_D_star"])
    half = 1.0 + r_star / 2  # D'/U_D halfway between 1 (one epoch) and its limit 1 + R*
    return _bisect_log(lambda epochs: effective_data(epochs, 1.0, r_star) - half, 1.0 + 1e-9, 1e4)


def _sardana_law():
    from .published import SARDANA_CHINCHILLA

    return as_floats(SARDANA_CHINCHILLA)


@_exercise("chinchilla.inference-optimal-N", unit="parameters", rtol=0.02)
def _inference_optimal_n():
    # the loss of a Chinchilla-optimal 70B model, served for 2e13 tokens, under Sardana et al.'s constants
    from .compute import compute_optimal_for_params, inference_optimal
    from .laws import chinchilla_loss

    law = _sardana_law()
    _, D = compute_optimal_for_params(70e9, A=law["A"], B=law["B"], alpha=law["alpha"], beta=law["beta"])
    return inference_optimal(chinchilla_loss(70e9, D, **law), 2e13, **law).N


@_exercise("chinchilla.llama3-implied-demand", unit="inference tokens", rtol=0.02)
def _llama3_implied_demand():
    from .compute import implied_inference_tokens
    from .published import LLAMA3_8B

    p = as_floats(HOFFMANN_APPROACH3, ("A", "B", "alpha", "beta"))
    return implied_inference_tokens(LLAMA3_8B.params, LLAMA3_8B.tokens, **p)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2 (Chinchilla), notebook 03_kaplan_vs_chinchilla. Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("chinchilla.gpu-budget", unit="parameters")
def _gpu_budget():
    # 512 GPUs for 14 days at 312 TFLOP/s peak and 40% utilisation, spent at 20 tokens per parameter
    from .compute import budget_allocations, gpu_hours_to_flops

    return budget_allocations(gpu_hours_to_flops(512 * 14 * 24, 312e12, 0.4))["20 tokens/param"].N


@_exercise("chinchilla.calculator-tokens", unit="tokens per parameter")
def _calculator_tokens():
    from .compute import budget_allocations
    from .published import GOPHER

    return budget_allocations(GOPHER.reported_flops)["Epoch refit"].tokens_per_param


@_exercise("chinchilla.approach3-67b", unit="tokens")
def _approach3_67b():
    from .compute import compute_optimal_for_params

    return compute_optimal_for_params(67e9, **as_floats(HOFFMANN_APPROACH3))[1]


@_exercise("chinchilla.nonemb-exponent", rtol=0.01)
def _nonemb_exponent():
    # small-model limit of the local exponent, with Epoch's alpha and beta
    from .compute import nonembedding_local_exponent
    from .published import EPOCH_FIT

    return nonembedding_local_exponent(1.0, alpha=float(EPOCH_FIT["alpha"]), beta=float(EPOCH_FIT["beta"]))


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3 (BNSL), notebook 01_anatomy. Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("bnsl.slope-after-two-breaks", unit="a log-log slope, d log(y - a) / d log x", rtol=0.01)
def _bnsl_slope_after_two_breaks():
    # c0 = 0.3, c1 = 0.45 at d1 = 1e2, c2 = -0.95 at d2 = 1e5: the slope of the last segment (d, f do not matter)
    from .laws import bnsl_segments

    return -bnsl_segments(1.0, 0.3, [0.45, -0.95], [1e2, 1e5], [0.3, 0.3])[1][-1]


@_exercise("bnsl.factor-at-break", unit="nats (the simulated test cross-entropy)", rtol=0.005)
def _bnsl_factor_at_break():
    # the authors' noiseless 4-digit-addition simulation, evaluated at its break x = d1
    from .laws import bnsl
    from .published import BNSL_ARITHMETIC_SIMULATION

    p = as_floats(BNSL_ARITHMETIC_SIMULATION)
    return bnsl(p["d1"], p["a"], p["b"], p["c0"], [p["c1"]], [p["d1"]], [p["f1"]])


@_exercise("bnsl.break-width", unit="a ratio x90 / x10 of training-set sizes", rtol=0.01)
def _bnsl_break_width():
    # measured on the curve: where the local slope of y - a has gone 10% and 90% of the way from -c0 to -(c0 + c1)
    from .laws import bnsl, local_exponent
    from .published import BNSL_ARITHMETIC_SIMULATION

    p = as_floats(BNSL_ARITHMETIC_SIMULATION)
    x = np.geomspace(p["d1"] / 10, p["d1"] * 10, 20001)
    slope = local_exponent(x, bnsl(x, 0.0, p["b"], p["c0"], [p["c1"]], [p["d1"]], [p["f1"]]))
    progress = (-slope - p["c0"]) / p["c1"]  # 0 before the break, 1 after; increasing in x
    x10, x90 = np.exp(np.interp([0.1, 0.9], progress, np.log(x)))
    return x90 / x10


@_exercise("bnsl.isoflop-minimum", unit="parameters", rtol=0.01)
def _bnsl_isoflop_minimum():
    # Chinchilla's IsoFLOP profile at Gopher's budget, 5.76e23 FLOPs, with the Approach-3 constants
    from .compute import compute_optimal

    return compute_optimal(5.76e23, **as_floats(HOFFMANN_APPROACH3))[0]


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3 (BNSL), notebook 02_phenomena. Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("bnsl.dd-peak-width", unit="random features", rtol=0.02)
def _bnsl_dd_peak_width():
    # random ReLU features with n_train = 60 samples in dim = 40 dimensions: the width (20, 25, ..., 150) of the
    # largest mean test error
    from .lab import random_features_curve

    curve = random_features_curve(np.arange(20, 151, 5), n_train=60, dim=40)
    return curve.widths[np.argmax(curve.test_error)]


@_exercise("bnsl.plateau-exit", unit="training examples (x)", rtol=0.01)
def _bnsl_plateau_exit():
    # the authors' 4-digit-addition simulation: the x at which y falls 10% below its first segment a + b x^-c0
    from .laws import bnsl
    from .published import BNSL_ARITHMETIC_SIMULATION

    p = as_floats(BNSL_ARITHMETIC_SIMULATION)
    law = {"a": p["a"], "b": p["b"], "c0": p["c0"], "c": [p["c1"]], "d": [p["d1"]], "f": [p["f1"]]}
    return _bisect_log(lambda x: bnsl(x, **law) / (p["a"] + p["b"] * x ** -p["c0"]) - 0.9, 1.0, p["d1"])


@_exercise("bnsl.onset-smooth", unit="a fraction of the break's location d", rtol=0.01)
def _bnsl_onset_smooth():
    # a break with c = 1, f = 0.5: the x / d at which y - a first falls 1% below its first segment
    from .laws import bnsl

    return _bisect_log(lambda r: bnsl(r, 0.0, 1.0, 0.0, [1.0], [1.0], [0.5]) - 0.99, 1e-6, 1.0)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3 (BNSL), notebook 03_fitting_extrapolation. Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("bnsl.twin-break-d", unit="training examples", rtol=0.005)
def _bnsl_twin_break_d():
    # well below a break its factor is 1 - c f (x/d)^(1/f): with f fixed, c d^(-1/f) is all the early data see.
    # The 4-digit simulation's break with c1 = 20 instead of 5.66 looks the same early on at d = d1 (20/c1)^f1.
    from .published import BNSL_ARITHMETIC_SIMULATION

    p = as_floats(BNSL_ARITHMETIC_SIMULATION)
    return p["d1"] * (20.0 / p["c1"]) ** p["f1"]


@_exercise("bnsl.offset-weight", unit="a ratio of squared residuals", rtol=0.02)
def _bnsl_offset_weight():
    # a 10% overestimate at y = 0.05 against one at y = 1, both scored by (log(yhat + 1) - log(y + 1))^2
    def r2(y):
        return (np.log(1.1 * y + 1.0) - np.log(y + 1.0)) ** 2

    return float(r2(0.05) / r2(1.0))


# ---------------------------------------------------------------------------------------------------------------------
# Appendix: fit your own runs (chapters/appendix/fit_your_runs). Imports are local to keep this section self-contained.
# ---------------------------------------------------------------------------------------------------------------------


def _appendix_sample_table():
    # the sample runs of ``python -m book_utils sample`` (78 SGD runs of the scaling lab), cached by book_utils.userfit
    from .userfit import read_runs, sample_runs_csv

    return read_runs(sample_runs_csv())


@_exercise("appendix.sample-tokens-per-param", unit="tokens per parameter", rtol=0.02)
def _appendix_sample_tokens_per_param():
    # Chinchilla's law fitted to all sample runs: D/N of its compute-optimal split of 1e10 FLOPs
    from .userfit import fit_runs

    row = fit_runs(_appendix_sample_table(), "chinchilla", budgets=[1e10], n_boot=0).budgets[0]
    return row["tokens"] / row["params"]


@_exercise("appendix.holdout-loss", unit="units of the runs' loss", rtol=0.005)
def _appendix_holdout_loss():
    # Chinchilla's law fitted to the sample runs below 5e7 FLOPs: its predicted loss at the compute-optimal split of
    # 1e8 FLOPs, the budget held out
    import dataclasses

    from .userfit import fit_runs

    table = _appendix_sample_table()
    keep = table.flops < 5e7
    small = dataclasses.replace(table, **{f: getattr(table, f)[keep]
                                          for f in ("params", "tokens", "flops", "loss", "lines")})
    return fit_runs(small, "chinchilla", budgets=[1e8], n_boot=0).budgets[0]["loss"]


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 4, notebook 01: emergent abilities ----
# ---------------------------------------------------------------------------------------------------------------------


def _wei_row(ability):
    from .published import WEI_TABLE1

    return next(row for row in WEI_TABLE1 if row.ability == ability)


@_exercise("emergence.strategyqa-flops", unit="FLOPs", rtol=0.02)
def _emergence_strategyqa_flops():
    # C = 6 N D for PaLM 62B (Wei et al.'s Table 1 row "chain of thought: StrategyQA") on PaLM's 780B tokens
    return float(training_flops(_wei_row("chain of thought: StrategyQA").params, 780e9))


@_exercise("emergence.decades-addition-to-wic", unit="orders of magnitude of training compute", rtol=0.01)
def _emergence_decades_addition_to_wic():
    # log10 of the ratio of the thresholds of WiC (PaLM 540B) and 3-digit addition (GPT-3 13B) in Table 1
    wic, add = _wei_row("Word in Context (WiC)"), _wei_row("addition/subtraction (3 digit)")
    return math.log10(wic.flops / add.flops)


@_exercise("emergence.detection-horizon", unit="decades of compute below the emergent scale", rtol=0.01)
def _emergence_detection_horizon():
    # toy ability: chance 0.25, top 0.9, 10-90% width 0.5 decades; 200 test questions; detection at 3 standard errors
    from .emergence import detection_horizon

    return detection_horizon(0.5, 200, chance=0.25, top=0.9, z=3.0)


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 5, notebook 03: regression, replace vs accumulate ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("collapse.replace-10-generations", unit="squared weight error ||w_10 - w*||^2 (sigma = 1)", rtol=0.01)
def _collapse_replace_10_generations():
    # d = 32, T = 128, sigma = 1, replace mode: the expected test error of generation 10 (generation 1 = real data)
    from .collapse import regression_collapse_theory

    return regression_collapse_theory(32, 128, 10, mode="replace")


@_exercise("collapse.accumulate-limit", unit="squared weight error (sigma = 1)", rtol=0.01)
def _collapse_accumulate_limit():
    # d = 32, T = 128, sigma = 1, accumulate mode, one input matrix reused by every generation: the limit n -> inf
    from .collapse import regression_collapse_theory

    return regression_collapse_theory(32, 128, np.inf, mode="accumulate", design="fixed")


@_exercise("collapse.replace-samples-needed", unit="samples per generation", rtol=0.01)
def _collapse_replace_samples_needed():
    # d = 32, replace mode: the T at which generation 10 has the expected error of one fit on 128 real samples,
    # 10 d / (T - d - 1) = d / (128 - d - 1)
    from .collapse import regression_collapse_theory

    target = regression_collapse_theory(32, 128, 1)
    return 10 * 32 / target + 32 + 1


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 4, notebook 02: the mirage argument ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("emergence.mirage-em50", unit="parameters", rtol=0.01)
def _emergence_mirage_em50():
    # toy loss (N / 1e8)^-0.5, target of 5 tokens: the model size at which the expected exact match is 50%
    from .emergence import exact_match_size

    return exact_match_size(0.5, length=5, c=1e8, alpha=-0.5)


@_exercise("emergence.mirage-stderr", unit="a fraction of answers (exact match)", rtol=0.01)
def _emergence_mirage_stderr():
    # a 1e10-parameter model of the toy (c = 1e8, alpha = -0.5), targets of 10 tokens, a test set of 200 examples
    from .emergence import mirage_simulation

    sim = mirage_simulation([1e10], c=1e8, alpha=-0.5, length=10, n_examples=200, seed=0)
    return float(sim.exact_match.stderr[0])


@_exercise("emergence.mirage-zero-score", unit="a probability", rtol=0.01)
def _emergence_mirage_zero_score():
    # a 1e9-parameter model of the toy (c = 1e8, alpha = -0.5), targets of 20 tokens, 100 test examples:
    # the probability that none of its answers is exactly right
    from .emergence import exact_match, per_token_prob

    return (1.0 - exact_match(per_token_prob(1e9, c=1e8, alpha=-0.5), 20)) ** 100


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 5, notebook 02: tails and the change of scaling laws ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("collapse.tail-plateau", unit="a probability (test error)", rtol=0.01)
def _collapse_tail_plateau():
    # Zipf beta = 2, tail cut at k = 1000, no clean data: the error left after infinite training, sum_{i > k} p_i
    from .collapse import tail_cut_plateau

    return tail_cut_plateau(2.0, 1000)


@_exercise("collapse.tail-crossing", unit="clean training draws", rtol=0.03)
def _collapse_tail_crossing():
    # beta = 2: the clean draws at which Hutter's clean curve falls to the plateau of a cut at k = 1000
    from .collapse import plateau_crossing

    return plateau_crossing(2.0, 1000)


@_exercise("collapse.tail-rank", unit="a rank k", rtol=0.005)
def _collapse_tail_rank():
    # beta = 1.5: the smallest k whose tail mass sum_{i > k} p_i is at most Hutter's clean error after T0 = 1e6 draws
    from .collapse import tail_cut_rank

    return float(tail_cut_rank(1e6, 1.5))


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 5, notebook 01: recursion on a Gaussian ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("collapse.gauss-cm", unit="a ratio E[sigma_1] / sigma_0", rtol=0.002)
def _collapse_gauss_cm():
    # c_M for M = 10 samples per generation (unbiased variance): E[sigma_1] / sigma_0
    from .collapse import gaussian_collapse_expected_std

    return float(gaussian_collapse_expected_std(1, 10))


@_exercise("collapse.gauss-half-life", unit="generations (a real number)", rtol=0.005)
def _collapse_gauss_half_life():
    # M = 100, unbiased: the n at which sigma_0 c_M^n = sigma_0 / 2
    from .collapse import gaussian_collapse_expected_std

    return np.log(2.0) / -np.log(float(gaussian_collapse_expected_std(1, 100)))


@_exercise("collapse.gauss-mle-var", unit="squared units of sigma_0 (sigma_0 = 2)", rtol=0.005)
def _collapse_gauss_mle_var():
    # MLE variance, M = 20 samples per generation, sigma_0 = 2: E[sigma_n^2] after n = 50 generations
    from .collapse import gaussian_collapse_theory

    return float(gaussian_collapse_theory(50, 20, unbiased=False, sigma0=2.0).mean_var)


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 4, notebook 03: the quantization model ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("emergence.quanta-loss-100", unit="a fraction of the reducible loss (between 0 and 1)", rtol=0.01)
def _emergence_quanta_loss_100():
    # alpha = 0.5: the fraction (L - a) / (b - a) left after learning the 100 most frequent quanta, exactly
    from .emergence import quanta_loss

    return float(quanta_loss(100, 0.5))


@_exercise("emergence.chinchilla-data-exponent", unit="a dimensionless exponent", rtol=0.005)
def _emergence_chinchilla_data_exponent():
    # the quantization model's data exponent alpha / (alpha + 1) for alpha = alpha_N = 0.34 (Chinchilla's fit)
    alpha = as_floats(HOFFMANN_APPROACH3)["alpha"]
    return alpha / (alpha + 1.0)


@_exercise("emergence.quantum-arrival", unit="training samples", rtol=0.01)
def _emergence_quantum_arrival():
    # alpha = 0.5, tau = 10, infinitely many quanta: mean number of samples until quantum k = 100 is learned, tau / p_k
    from .emergence import quanta_frequencies

    return 10.0 / float(quanta_frequencies(100, 0.5))


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 5, notebook 04: strong model collapse ----
# ---------------------------------------------------------------------------------------------------------------------


@_exercise("collapse.floor-one-percent", unit="squared label units (the test error's unit)", rtol=0.01)
def _collapse_floor_one_percent():
    # Sigma = diag(4, 1), w1 = (1, 0), w2 = (1.5, 1), p = 1%: the floor p^2 ||w2 - w1||_Sigma^2
    from .collapse import mixture_error_floor

    delta = np.array([1.5, 1.0]) - np.array([1.0, 0.0])
    return mixture_error_floor(0.01, delta @ np.diag([4.0, 1.0]) @ delta)


@_exercise("collapse.crossover-n", unit="training samples", rtol=0.01)
def _collapse_crossover_n():
    # d = 10, sigma = 1, p = 1%, ||w2 - w1|| = 1: the n at which sigma^2 d / (n - d - 1) equals the floor
    from .collapse import mixture_error_floor

    d, sigma = 10, 1.0
    return d + 1 + sigma**2 * d / mixture_error_floor(0.01, 1.0)


@_exercise("collapse.width-floor", unit="squared label units (the test error's unit)", rtol=0.01)
def _collapse_width_floor():
    # width 150 of d = 200, p = 20%, ||w1||^2 = 1, ||w2 - w1||^2 = 4, unlimited data: eq. (col4-width-floor)
    from .collapse import random_projection_floor

    return random_projection_floor(150, 200, 0.2, shift_sq=4.0, signal_sq=1.0)
