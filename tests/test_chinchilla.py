"""Chapter 2 (Chinchilla): the scaling lab, the compute-optimal allocation, and the parametric fit, against the
papers' numbers, a straightforward reference procedure, and the lab's derived ground truth."""

import numpy as np
import pytest

from book_utils.compute import compute_optimal, compute_optimal_for_params, compute_optimal_numeric
from book_utils.fitting import (
    envelope_frontier,
    fit_chinchilla,
    fit_chinchilla_reference,
    hoffmann_starts,
    isoflop_frontier,
)
from book_utils.lab import ScalingLab
from book_utils.laws import chinchilla_loss
from book_utils.published import (
    EPOCH_FIT,
    GOPHER,
    HOFFMANN_APPROACH3,
    HOFFMANN_APPROACH3_UNROUNDED,
    HOFFMANN_TABLE3,
)

H = {k: float(v) for k, v in HOFFMANN_APPROACH3.items()}
HU = {k: float(v) for k, v in HOFFMANN_APPROACH3_UNROUNDED.items()}
EPOCH = {k: float(v) for k, v in EPOCH_FIT.items()}


def _ab(p):
    return {k: p[k] for k in ("A", "B", "alpha", "beta")}


# ---- laws and compute ------------------------------------------------------------------------------------------------


def test_chinchilla_loss_terms_and_broadcasting():
    N, D = np.array([1e9, 1e10]), 1e11
    out = chinchilla_loss(N, D, **H)
    assert out.shape == (2,)
    assert out[0] == pytest.approx(1.69 + 406.4 * 1e9**-0.34 + 410.7 * 1e11**-0.28, rel=1e-14)
    with pytest.raises(ValueError, match="N must be > 0"):
        chinchilla_loss(0.0, 1e9, **H)
    with pytest.raises(ValueError, match="broadcast"):
        chinchilla_loss([1e9, 1e10], [1e9, 1e10, 1e11], **H)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        chinchilla_loss(1e9, 1e9, **{**H, "alpha": -0.3})


def test_rounding_moves_gopher_optimum_from_32b_to_40b():
    # facts: rounded coefficients give a = 0.4516 and 32.2B at 5.76e23 FLOPs; unrounded a = 0.4565 and 40.4B.
    n_r, d_r = compute_optimal(GOPHER.reported_flops, **_ab(H))
    n_u, _ = compute_optimal(GOPHER.reported_flops, **_ab(HU))
    assert n_r == pytest.approx(32.2e9, rel=2e-3)
    assert n_u == pytest.approx(40.4e9, rel=2e-3)
    assert 6 * n_r * d_r == pytest.approx(GOPHER.reported_flops, rel=1e-12)
    assert HU["beta"] / (HU["alpha"] + HU["beta"]) == pytest.approx(0.4565, abs=1e-4)


def test_tokens_per_parameter_epoch_vs_hoffmann_at_chinchilla_compute():
    # facts: at 5.88e23 FLOPs Epoch's fit gives about 18 tokens per parameter, Hoffmann's unrounded fit about 59.
    C = 6 * 70e9 * 1.4e12
    n_e, d_e = compute_optimal(C, **_ab(EPOCH))
    n_h, d_h = compute_optimal(C, **_ab(HU))
    assert d_e / n_e == pytest.approx(18, abs=1.0)
    assert d_h / n_h == pytest.approx(59, abs=1.5)


def test_compute_optimal_inverse_and_numeric_agree_with_closed_form():
    C = np.geomspace(1e18, 1e26, 9)
    N, D = compute_optimal(C, **_ab(H))
    C_back, D_back = compute_optimal_for_params(N, **_ab(H))
    assert np.allclose(C_back, C, rtol=1e-10) and np.allclose(D_back, D, rtol=1e-10)
    N_num, D_num = compute_optimal_numeric(lambda n, d: chinchilla_loss(n, d, **H), C)
    assert np.allclose(N_num, N, rtol=1e-6) and np.allclose(D_num, D, rtol=1e-6)
    # the closed form's defining property: the two reducible terms stand in the ratio beta : alpha
    ratio = (H["A"] * N ** -H["alpha"]) / (H["B"] * D ** -H["beta"])
    assert np.allclose(ratio, H["beta"] / H["alpha"], rtol=1e-10)


def test_table3_is_approach1_not_approach3():
    # Table 3 lists Approach 1's allocations (about 20 tokens per parameter); Approach 3's closed form gives
    # several times more tokens for the same model, growing with size.
    for params, flops, _, tokens in HOFFMANN_TABLE3[:4]:
        assert 6 * params * tokens == pytest.approx(flops, rel=0.12)
        assert 15 < tokens / params < 25
    _, D3 = compute_optimal_for_params(np.array([row[0] for row in HOFFMANN_TABLE3]), **_ab(H))
    assert np.all(D3 > np.array([row[3] for row in HOFFMANN_TABLE3]))


@pytest.mark.parametrize("bad, match", [
    (dict(C=-1.0), "C must be > 0"),
    (dict(C=np.nan), "finite"),
    (dict(C=np.inf), "finite"),
])
def test_compute_optimal_rejects_bad_budgets(bad, match):
    with pytest.raises(ValueError, match=match):
        compute_optimal(bad["C"], **_ab(H))
    with pytest.raises(ValueError, match=match):
        compute_optimal_numeric(lambda n, d: n + d, bad["C"])


def test_compute_optimal_numeric_rejects_bad_loss_and_range():
    with pytest.raises(ValueError, match="callable"):
        compute_optimal_numeric(3.0, 1e20)
    with pytest.raises(ValueError, match="N_range"):
        compute_optimal_numeric(lambda n, d: n, 1e20, N_range=(1e9, 1e8))
    with pytest.raises(ValueError, match="pair"):
        compute_optimal_numeric(lambda n, d: n, 1e20, N_range=1e9)
    with pytest.raises(ValueError, match="one finite value"):
        compute_optimal_numeric(lambda n, d: np.full_like(n, np.nan), 1e20)


# ---- the parametric fit ----------------------------------------------------------------------------------------------


def _synthetic(n=120, noise=0.01, seed=0, params=EPOCH):
    rng = np.random.default_rng(seed)
    N = np.exp(rng.uniform(np.log(7e7), np.log(1.6e10), n))
    D = np.exp(rng.uniform(np.log(5e9), np.log(5e11), n))
    return N, D, chinchilla_loss(N, D, **params) * np.exp(rng.normal(0.0, noise, n))


def _small_lab_runs():
    lab = ScalingLab()
    runs = lab.isoflop_sweep(np.geomspace(1e6, 1e7, 4), n_records=2)
    return runs.N, runs.D, runs.loss


def _assert_same_optimum(ours, ref):
    assert ours.objective <= ref.objective * (1 + 1e-6)
    assert ours.objective == pytest.approx(ref.objective, rel=1e-6)
    for name in ours.names:
        assert getattr(ours, name) == pytest.approx(getattr(ref, name), rel=0.01), name


@pytest.mark.parametrize("data", ["synthetic", "lab"])
def test_fit_chinchilla_finds_the_reference_optimum(data):
    """Our screened, batched fit (all 4,500 starts) against scipy's L-BFGS-B run to tight tolerances from every 9th
    start of the same grid (500 starts: the reference kept small enough for the suite)."""
    N, D, L = _synthetic(n=80) if data == "synthetic" else _small_lab_runs()
    ours = fit_chinchilla(N, D, L)
    ref = fit_chinchilla_reference(N, D, L, starts=_natural(hoffmann_starts()[::9]))
    assert ours.n_starts == 4500 and ref.n_starts == 500
    _assert_same_optimum(ours, ref)


def _natural(theta):
    return np.column_stack([np.exp(theta[:, :3]), theta[:, 3:]])


def test_fit_chinchilla_recovers_known_coefficients():
    N, D, L = _synthetic(n=250, noise=0.0, params=H)
    fit = fit_chinchilla(N, D, L)
    for name, value in H.items():
        assert getattr(fit, name) == pytest.approx(value, rel=1e-4), name
    assert fit.a == pytest.approx(H["beta"] / (H["alpha"] + H["beta"]), rel=1e-4)
    assert fit.objective < 1e-12
    assert np.allclose(fit.predict(N, D), L, rtol=1e-6)


def test_screening_keeps_the_best_of_running_every_start():
    # Screening (10 single-precision iterations, keep 32) against polishing all 4,500 starts to convergence.
    N, D, L = _synthetic(n=60, seed=3)
    screened = fit_chinchilla(N, D, L)
    everything = fit_chinchilla(N, D, L, keep=4500)
    _assert_same_optimum(screened, everything)


def test_bootstrap_intervals_cover_the_truth_and_are_reproducible():
    N, D, L = _synthetic(n=120, noise=0.01, seed=5)
    fit = fit_chinchilla(N, D, L)
    boot = fit.bootstrap(200, seed=1)
    boot2 = fit.bootstrap(200, seed=1)
    assert np.array_equal(boot.samples, boot2.samples)
    for name, truth in [("alpha", EPOCH["alpha"]), ("a", EPOCH["beta"] / (EPOCH["alpha"] + EPOCH["beta"]))]:
        lo, hi = boot.interval(name, 0.9)
        estimate = fit.alpha if name == "alpha" else fit.a
        assert lo < estimate < hi and 0 < hi - lo < 0.2
        sd = boot._column(name).std()
        assert abs(estimate - truth) < 3.5 * sd  # the truth is within the bootstrap's spread of the estimate
    band_lo, band_hi = boot.predict_interval([1e9, 1e12], [1e11, 1e13])
    assert np.all(band_lo < band_hi)
    with pytest.raises(ValueError, match="name must be one of"):
        boot.interval("gamma")


@pytest.mark.parametrize("args, match", [
    (([1e9] * 5, [1e10] * 5, [2.0] * 5), "at least 6 points"),
    ((np.geomspace(1e8, 1e9, 8), np.geomspace(1e9, 1e10, 8), [2.0] * 7), "same length"),
    ((np.geomspace(1e8, 1e9, 8), np.geomspace(1e9, 1e10, 8), [2.0] * 7 + [np.nan]), "finite"),
    ((np.geomspace(1e8, 1e9, 8), np.geomspace(1e9, 1e10, 8), [2.0] * 7 + [0.0]), "loss must be > 0"),
    ((-np.geomspace(1e8, 1e9, 8), np.geomspace(1e9, 1e10, 8), [2.0] * 8), "N must be > 0"),
    (([1e9] * 8, np.geomspace(1e9, 1e10, 8), [2.0] * 8), "distinct"),
])
def test_fit_chinchilla_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        fit_chinchilla(*args)


def test_fit_chinchilla_rejects_bad_options():
    N, D, L = _synthetic(n=20)
    with pytest.raises(ValueError, match="starts must be one of"):
        fit_chinchilla(N, D, L, starts="epoch")
    with pytest.raises(ValueError, match="rows"):
        fit_chinchilla(N, D, L, starts=np.ones((3, 4)))
    with pytest.raises(ValueError, match="delta must be > 0"):
        fit_chinchilla(N, D, L, delta=0.0)
    with pytest.raises(ValueError, match="reduce"):
        fit_chinchilla_reference(N, D, L, starts=[[1.8, 500, 2000, 0.3, 0.3]], reduce="median")


def test_loose_tolerance_on_the_mean_objective_stops_early():
    # Besiroglu et al.'s diagnosis: averaging the objective and keeping scipy's default tolerances stops L-BFGS
    # before the optimum. From one start the summed, tight run reaches a lower objective.
    N, D, L = _synthetic(n=120, seed=2)
    start = [[np.e, np.exp(5.0), np.exp(5.0), 0.5, 0.5]]
    loose = fit_chinchilla_reference(N, D, L, starts=start, reduce="mean", ftol=2.2e-9, gtol=1e-5)
    tight = fit_chinchilla_reference(N, D, L, starts=start)
    assert tight.objective < loose.objective * 0.99


# ---- frontiers ---------------------------------------------------------------------------------------------------


def test_isoflop_frontier_recovers_the_closed_form_exponent():
    C = np.geomspace(1e18, 1e22, 5)
    sizes_rel = np.geomspace(0.25, 4, 9)
    N_star, _ = compute_optimal(C, **_ab(H))
    N = (N_star[:, None] * sizes_rel[None, :]).ravel()
    budget = np.repeat(C, sizes_rel.size)
    fr = isoflop_frontier(N, chinchilla_loss(N, budget / (6 * N), **H), budget)
    assert fr.a == pytest.approx(H["beta"] / (H["alpha"] + H["beta"]), abs=0.01)
    assert np.allclose(fr.N_opt, N_star, rtol=0.1)
    assert fr.b == pytest.approx(1 - fr.a)
    with pytest.raises(ValueError, match="distinct sizes"):
        isoflop_frontier([1e9, 1e9, 2e9, 3e9], [2.0, 2.1, 2.2, 2.3], [1e20, 1e20, 1e20, 1e21])
    with pytest.raises(ValueError, match="curves downward"):
        isoflop_frontier([1e9, 2e9, 4e9], [2.0, 2.5, 2.0], [1e20] * 3)


def test_envelope_frontier_picks_the_lowest_curve():
    N = np.array([1.0, 2.0])
    cc = np.array([[1.0, 10.0, 100.0], [2.0, 20.0, 200.0]])
    cl = np.array([[3.0, 2.0, 1.5], [3.0, 1.8, 1.2]])
    fr = envelope_frontier(N, cc, cl, [1.5, 50.0])
    assert fr.N_opt.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="outside every"):
        envelope_frontier(N, cc, cl, [1e4])
    with pytest.raises(ValueError, match="increase"):
        envelope_frontier(N, cc[:, ::-1], cl, [5.0])


# ---- the lab -----------------------------------------------------------------------------------------------------


def test_lab_ground_truth_exponents():
    lab = ScalingLab(spectrum=1.25, signal=1.4)
    assert lab.alpha == pytest.approx(0.4) and lab.beta == pytest.approx(0.32)
    assert lab.a == pytest.approx(0.32 / 0.72) and lab.a + lab.b == pytest.approx(1.0)
    # the law is homogeneous: N_opt ~ C^a exactly, found here by the numeric optimiser
    C = np.array([1e8, 1e12])
    N, _ = compute_optimal_numeric(lab.law, C)
    assert np.log(N[1] / N[0]) / np.log(1e4) == pytest.approx(lab.a, abs=1e-5)


def test_lab_sgd_averages_to_its_exact_expectation():
    lab = ScalingLab()
    N, D = np.array([8, 64, 256]), np.array([16000, 8000, 4000])
    losses = np.array([lab.train(N, D, seed=s, n_records=1).loss for s in range(12)])
    se = losses.std(axis=0, ddof=1) / np.sqrt(losses.shape[0])
    assert np.all(np.abs(losses.mean(axis=0) - lab.expected_loss(N, D)) < 4 * se + 1e-4)


def test_lab_expected_loss_follows_its_law():
    lab = ScalingLab()
    N = np.array([16, 64, 256, 64, 256])
    D = np.array([4e4, 4e4, 4e4, 4e3, 1.6e5])
    assert np.allclose(lab.expected_loss(N, D), lab.law(N, D), rtol=0.05)


def test_lab_isoflop_sweep_recovers_the_compute_optimal_exponent():
    lab = ScalingLab()
    runs = lab.isoflop_sweep(np.geomspace(1e6, 1e8, 5), n_records=2)
    assert np.allclose(runs.C, runs.budget, rtol=0.05)
    fr = isoflop_frontier(runs.N, runs.loss, runs.budget)
    assert fr.a == pytest.approx(lab.a, abs=0.03)
    assert np.all(np.diff(fr.loss_opt) < 0)


def test_lab_curves_are_recorded_and_end_at_the_final_loss():
    lab = ScalingLab()
    runs = lab.train([32, 128], [8000, 8000], n_records=10)
    assert runs.curve_D.shape == (2, 10)
    assert np.array_equal(runs.curve_D[:, -1], runs.D)
    assert np.array_equal(runs.curve_loss[:, -1], runs.loss)
    assert np.all(np.diff(runs.curve_D, axis=1) >= 0)
    assert runs.curve_loss[0, 0] > runs.loss[0]
    assert len(runs.select(runs.N > 50)) == 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(spectrum=1.0), "must be > 1"),
    (dict(signal=0.5), "signal must be >= 1"),
    (dict(lr=2.5), "lr must be < 2"),
    (dict(batch_size=1), "gradient noise too large"),
    (dict(noise=0.0), "noise must be > 0"),
])
def test_lab_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ScalingLab(**kwargs)


def test_lab_rejects_bad_runs():
    lab = ScalingLab()
    with pytest.raises(ValueError, match="same length"):
        lab.train([8, 16], [1000])
    with pytest.raises(ValueError, match="whole numbers"):
        lab.train([8.5], [1000])
    with pytest.raises(ValueError, match="D must be > 0"):
        lab.train([8], [0])
    with pytest.raises(ValueError, match="tokens_per_param"):
        lab.isoflop_sweep([1e6], tokens_per_param=(10, 5))
    with pytest.raises(ValueError, match="pair"):
        lab.isoflop_sweep([1e6], tokens_per_param=5)
    with pytest.raises(ValueError, match="one per run"):
        lab.train([8, 16, 32], [1000] * 3, budget=[1e6, 2e6])
    with pytest.raises(ValueError, match="no model size"):
        lab.isoflop_sweep([1e6], sizes=[1e4])


def test_lab_fill_data_is_where_the_incomplete_gamma_argument_is_one():
    from scipy.special import gammaincc

    lab = ScalingLab()
    N = np.array([16.0, 64.0, 1024.0])
    D = lab.fill_data(N)
    assert np.allclose(D[1:] / D[:-1], (N[1:] / N[:-1]) ** lab.spectrum)
    # the law's data term at D = fill_data(N) carries the factor Q(beta, 1)
    term = lab.law(N, D) - lab.E - lab.A * N ** -lab.alpha
    assert np.allclose(term, lab.B * D ** -lab.beta * gammaincc(lab.beta, 1.0), rtol=1e-10)
    with pytest.raises(ValueError, match="N must be > 0"):
        lab.fill_data(0)
