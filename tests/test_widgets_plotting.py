"""book_utils.widgets and book_utils.plotting: explorers render, respond to every control, and fail loudly."""

import io

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from book_utils.plotting import (
    PALETTE,
    fmt_quantity,
    fmt_sci,
    fmt_tex,
    log_ticks,
    loglog_axes,
    plain_log_ticks,
    slope_triangle,
    use_book_style,
)
from book_utils.widgets import (
    Choice,
    Explorer,
    Slider,
    bnsl_explorer,
    budget_calculator_explorer,
    chinchilla_fits_explorer,
    data_constrained_explorer,
    emergence_audit_explorer,
    explorer,
    extrapolation_explorer,
    fit_explorer,
    gaussian_collapse_explorer,
    inference_explorer,
    isoflop_explorer,
    kaplan_allocation_explorer,
    kaplan_finite_data_explorer,
    kaplan_laws_explorer,
    kaplan_overfitting_explorer,
    mirage_explorer,
    nonembedding_explorer,
    phenomena_explorer,
    power_law_explorer,
    quanta_explorer,
    regression_collapse_explorer,
    robust_fit_explorer,
    runs_explorer,
    strong_collapse_explorer,
    sweep,
    tail_collapse_explorer,
)

PNG_MAGIC = b"\x89PNG"


def make_draw(log=False):
    def draw(fig):
        ax = fig.subplots()
        x = np.geomspace(1, 1e4, 200)
        (line,) = ax.plot(x, x**-0.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(1e-5, 10)
        text = ax.text(0.5, 0.9, "", transform=ax.transAxes)

        def update(alpha, A, kind="power"):
            y = A * x**-alpha if kind == "power" else 0.01 + A * x**-alpha
            line.set_ydata(y)
            text.set_text(f"{kind} {alpha:.2f}")
            return [line, text]

        return update

    return draw


def test_explorer_renders_png_and_reads_values():
    controls = [Slider("alpha", 0.1, 1.0, default=0.5, n=10), Slider("A", 0.1, 10, log=True, unit="nats")]
    ex = explorer(make_draw(), controls)
    assert isinstance(ex, Explorer) and isinstance(ex, ipywidgets.VBox)
    assert bytes(ex.image.value).startswith(PNG_MAGIC)
    assert ex.values["alpha"] == pytest.approx(0.5)
    assert ex.values["A"] == pytest.approx(1.0)  # middle of a log grid from 0.1 to 10
    assert ex.controls["A"].label == "1 nats"  # readout carries the unit


def test_every_control_changes_the_figure():
    ex = explorer(make_draw(), [Slider("alpha", 0.1, 1.0, n=7), Slider("A", 0.1, 10, log=True, n=5),
                                Choice("kind", ["power", "saturating"])])
    report = sweep(ex)
    assert report.ok, report
    assert report.distinct_frames == {"alpha": 7, "A": 5, "kind": 2}
    assert ex.values["kind"] == "power"  # back at defaults


def test_slider_move_triggers_callback_like_a_reader_would():
    ex = explorer(make_draw(), [Slider("alpha", 0.1, 1.0), Slider("A", 0.1, 10, log=True)])
    before = ex.image.value
    n_calls = len(ex.timings_ms)
    ex.controls["alpha"].value = 0  # what a slider drag does
    assert ex.image.value != before and len(ex.timings_ms) == n_calls + 1


def test_set_snaps_to_grid_and_full_redraw_path_works():
    def draw(fig):
        ax = fig.subplots()
        (line,) = ax.plot([0, 1], [0, 1])

        def update(k):
            line.set_ydata([0, k])
            ax.relim()
            ax.autoscale_view()
            return None  # limits change: ask for a full redraw

        return update

    ex = explorer(draw, [Slider("k", 1, 10, n=10)])
    png = ex.set(k=3.2)
    assert ex.values["k"] == 3.0 and png.startswith(PNG_MAGIC)
    assert sweep(ex, every=False).ok


def test_callback_errors_are_shown_and_raised():
    def draw(fig):
        ax = fig.subplots()
        (line,) = ax.plot([0, 1], [0, 1])

        def update(k):
            if k > 5:
                raise RuntimeError("boom")
            line.set_ydata([0, k])
            return [line]

        return update

    ex = explorer(draw, [Slider("k", 1, 10, default=1, n=10)])
    with pytest.raises(RuntimeError, match="boom"):
        ex.set(k=10)
    assert "Traceback" in ex.last_error and "boom" in ex.status.value
    ex.set(k=2)
    assert ex.last_error is None and ex.status.value == ""


def test_callback_is_fast():
    ex = explorer(make_draw(), [Slider("alpha", 0.1, 1.0), Slider("A", 0.1, 10, log=True)])
    report = sweep(ex)
    assert np.median(report.callback_ms) < 200  # a loose bound against regressions; bench/ measures properly


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Slider("alpha", 1.0, 0.5), "lo < hi"),
        (lambda: Slider("N", 0.0, 1e9, log=True), "lo must be > 0"),
        (lambda: Slider("N", 1.0, 1e9, default=1e10), "default must be <= "),
        (lambda: Slider("N", 1.0, 2.0, n=1), "n must be >= 2"),
        (lambda: Slider("not valid", 1.0, 2.0), "identifier"),
        (lambda: Choice("kind", ["a"]), "at least 2 options"),
        (lambda: Choice("kind", ["a", "b"], default="c"), "not one of"),
        (lambda: Choice("kind", ["a", "b"], labels=["A"]), "labels for 2 options"),
        (lambda: explorer("not callable", [Slider("k", 0, 1)]), "draw must be a function"),
        (lambda: explorer(lambda fig: None, [Slider("k", 0, 1)]), "must return the function update"),
        (lambda: explorer(make_draw(), []), "non-empty list"),
        (lambda: explorer(make_draw(), [Slider("k", 0, 1), Slider("k", 0, 2)]), "unique"),
        (lambda: explorer(make_draw(), [Slider("alpha", 0.1, 1), Slider("A", 0.1, 1)]).set(B=1), "unknown control"),
        (lambda: explorer(make_draw(), [Slider("alpha", 0.1, 1), Slider("A", 0.1, 1)]).set(alpha=5), "outside"),
        (lambda: sweep("nope"), "needs an Explorer"),
    ],
)
def test_widget_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_formatting():
    assert fmt_sci(1.75e11) == "1.8e11"
    assert fmt_sci(9.99e8) == "1.0e9"  # rounding into the next decade
    assert fmt_sci(-2.5e-3) == "-2.5e-3"
    assert fmt_sci(0) == "0"
    assert fmt_quantity(1e9, "params") == "1.0e9 params"
    assert fmt_quantity(0.34) == "0.34"
    assert fmt_quantity(20, "tokens/param") == "20 tokens/param"
    assert fmt_tex(5.88e23, 3) == r"$5.88\times10^{23}$"
    assert log_ticks(3e5, 2e9).tolist() == [1e6, 1e7, 1e8, 1e9]
    with pytest.raises(ValueError, match="digits must be >= 1"):
        fmt_sci(1.0, 0)
    with pytest.raises(ValueError, match="finite"):
        fmt_quantity(np.nan)
    with pytest.raises(ValueError, match="hi must be >= lo"):
        log_ticks(10, 1)


def test_loglog_axes_and_slope_triangle():
    use_book_style()
    fig, ax = plt.subplots()
    loglog_axes(ax, "parameters N", "loss (nats/token)", xlim=(1e6, 1e12), ylim=(1, 10))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "parameters N" and ax.get_xlim() == pytest.approx((1e6, 1e12))
    line, text = slope_triangle(ax, 1e7, 5.0, -0.5, decades=2)
    y = line.get_ydata()
    assert y[2] / y[1] == pytest.approx(10 ** (-0.5 * 2))
    assert "0.5" in text.get_text()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    with pytest.raises(ValueError, match="xlim must be > 0"):
        loglog_axes(ax, "x", "y", xlim=(0, 1))
    with pytest.raises(ValueError, match="increasing"):
        loglog_axes(ax, "x", "y", ylim=(10, 1))
    plt.close(fig)


def test_plain_log_ticks():
    fig, ax = plt.subplots()
    ax.set_yscale("log")
    ax.set_ylim(1.5, 6)
    plain_log_ticks(ax, [2, 3, 4])
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels == ["2", "3", "4"]
    with pytest.raises(ValueError, match="axis must be"):
        plain_log_ticks(ax, [2], axis="z")
    plt.close(fig)


def test_switching_from_blit_to_full_redraw_keeps_artists_visible():
    state = {"full": False}

    def draw(fig):
        ax = fig.subplots()
        (line,) = ax.plot([0, 1], [0, 1], lw=8)
        ax.set_ylim(0, 10)

        def update(k):
            line.set_ydata([0, k])
            return None if state["full"] else [line]

        return update

    ex = explorer(draw, [Slider("k", 1, 10, n=10)])
    blitted = ex.set(k=10)
    state["full"] = True
    assert ex.set(k=10) == blitted  # same picture whichever path drew it


@pytest.mark.parametrize("make", [power_law_explorer, fit_explorer, robust_fit_explorer, extrapolation_explorer,
                                  kaplan_laws_explorer, kaplan_finite_data_explorer, kaplan_overfitting_explorer,
                                  kaplan_allocation_explorer, isoflop_explorer, budget_calculator_explorer,
                                  chinchilla_fits_explorer,
                                  nonembedding_explorer, data_constrained_explorer, inference_explorer,
                                  bnsl_explorer, phenomena_explorer, runs_explorer,
                                  emergence_audit_explorer, mirage_explorer, quanta_explorer,
                                  gaussian_collapse_explorer, tail_collapse_explorer, regression_collapse_explorer,
                                  strong_collapse_explorer],
                         ids=lambda f: f.__name__)
def test_chapter_explorers_respond_at_both_ends_of_every_control(make):
    ex = make()
    report = sweep(ex, every=False)
    assert report.ok, report
    assert all(spec.n <= 25 for spec in ex.specs.values()), "a kernel-free page ships at most 25 frames per control"
    shipped = np.prod([ex.specs[name].n for name in ex.static_names])
    assert shipped <= 64, "the kernel-free page ships at most 64 frames (several controls: 8 x 8)"


def test_chapter_explorer_bad_arguments():
    with pytest.raises(ValueError, match="A must be > 0"):
        power_law_explorer(A=-1.0)
    with pytest.raises(ValueError, match="n_resamples"):
        extrapolation_explorer(n_resamples=3)
    with pytest.raises(ValueError, match="delta must be > 0"):
        robust_fit_explorer(delta=0.0)


def test_static_mode_ships_linked_frames_for_every_position():
    ex = explorer(make_draw(), [Slider("alpha", 0.1, 1.0, default=0.4, n=4), Slider("A", 0.1, 10, log=True, n=3)],
                  static=True)
    assert ex.static and isinstance(ex.frames, ipywidgets.Stack)
    assert ex.frames in ex.children and ex.image not in ex.children
    outer = ex.frames
    assert len(outer.children) == 4 and all(len(inner.children) == 3 for inner in outer.children)
    assert outer.selected_index == ex.controls["alpha"].index == 1  # the default frame shows at load
    assert all(inner.selected_index == ex.controls["A"].index == 1 for inner in outer.children)
    assert len(ex._links) == 1 + 4  # slider 1 -> outer stack, slider 2 -> each inner stack
    frames = [bytes(f.value) for inner in outer.children for f in inner.children]
    assert all(f.startswith(PNG_MAGIC) for f in frames) and len(set(frames)) == 12
    # a frame shows what the live explorer draws at that position (up to the 64-colour palette)
    live = explorer(make_draw(), [Slider("alpha", 0.1, 1.0, default=0.4, n=4), Slider("A", 0.1, 10, log=True, n=3)],
                    static=False)
    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    frame = bytes(outer.children[2].children[0].value)
    assert np.abs(pixels(frame) - pixels(live.set(alpha=0.7, A=0.1))).mean() < 3.0
    assert sweep(ex).ok  # set() and sweep still work in static mode


def test_static_mode_is_chosen_by_the_environment(monkeypatch):
    controls = [Slider("alpha", 0.1, 1.0, n=3), Slider("A", 0.1, 10, log=True, n=3)]
    monkeypatch.setenv("BOOK_STATIC_WIDGETS", "1")
    assert explorer(make_draw(), controls).static
    monkeypatch.setenv("BOOK_STATIC_WIDGETS", "0")
    assert not explorer(make_draw(), controls).static
    monkeypatch.delenv("BOOK_STATIC_WIDGETS")
    assert not explorer(make_draw(), controls).static


def test_static_mode_refuses_too_many_frames():
    with pytest.raises(ValueError, match="at most 64 frames"):
        explorer(make_draw(), [Slider("alpha", 0.1, 1.0, n=9), Slider("A", 0.1, 10, log=True, n=8)], static=True)


def test_static_controls_move_a_subset_and_freeze_the_rest():
    controls = [Slider("alpha", 0.1, 1.0, default=0.4, n=9), Slider("A", 0.1, 10, log=True, n=8)]
    ex = explorer(make_draw(), controls, static=True, static_controls=["alpha"])  # 9 frames, not 72
    assert ex.static_names == ("alpha",)
    assert len(ex.frames.children) == 9 and len(ex._links) == 1
    shown = ex.children[0].children
    assert ex.controls["alpha"] in shown and ex.controls["A"] not in shown
    assert any("run the notebook" in getattr(w, "value", "") for w in ex.children)
    frames = [bytes(f.value) for f in ex.frames.children]
    assert all(f.startswith(PNG_MAGIC) for f in frames) and len(set(frames)) == 9
    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    live = explorer(make_draw(), controls, static=False)  # the frozen control sits at its default in every frame
    default_A = live.values["A"]
    at_default = pixels(live.set(alpha=0.1, A=default_A))
    assert np.abs(pixels(frames[0]) - at_default).mean() < 3.0
    assert np.abs(pixels(frames[0]) - pixels(live.set(alpha=0.1, A=10.0))).mean() > 3 * np.abs(
        pixels(frames[0]) - at_default).mean()
    assert sweep(ex).ok  # every control still moves in tests
    with pytest.raises(ValueError, match="static_controls"):
        explorer(make_draw(), controls, static=True, static_controls=["beta"])
    with pytest.raises(ValueError, match="static_controls"):
        explorer(make_draw(), controls, static=True, static_controls=[])


def test_phenomenon_law_moves_its_key_parameter_and_rejects_bad_input():
    from book_utils.laws import bnsl
    from book_utils.widgets import PHENOMENA, phenomenon_law

    x = np.geomspace(1, 1e6, 50)
    for name in PHENOMENA:
        weak, strong = phenomenon_law(name, 0.0), phenomenon_law(name, 1.0)
        assert weak != strong and np.all(np.isfinite(bnsl(x, **weak))) and np.all(np.isfinite(bnsl(x, **strong)))
    dd = phenomenon_law("double descent", 1.0)
    assert dd["c0"] + dd["c"][0] < 0 < dd["c0"] + sum(dd["c"])  # a rising middle segment, falling at the end
    with pytest.raises(ValueError, match="phenomenon must be one of"):
        phenomenon_law("grokking", 0.5)
    with pytest.raises(ValueError, match="strength must be <= 1"):
        phenomenon_law("saturation", 1.5)
