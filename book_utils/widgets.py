"""Interactive explorers: one call turns a drawing function and a few control specs into a widget.

Introduced in chapter 0 (Foundations). The API is declarative so that one explorer works in three places: live in
Jupyter, in tests (no browser: :meth:`Explorer.set` and :func:`sweep`), and, later, as precomputed frames in the
published book. A notebook cell is one line::

    explorer(draw, [Slider("alpha", 0.05, 1.0, default=0.3), Slider("N", 1e6, 1e12, log=True, unit="params")])

``draw(fig)`` builds the axes and artists once and returns ``update(**values)``, which moves the artists (``set_data``,
``set_text``, ...) and returns the artists it changed, as matplotlib's ``FuncAnimation`` does with ``blit=True``. Only
those artists are redrawn over a cached background, which keeps a callback at a few milliseconds. If ``update``
returns ``None`` the whole figure is redrawn (needed when it changes axis limits or ticks).

The figure is rendered with Agg into an ``ipywidgets.Image``: no interactive matplotlib backend is needed.

Two modes, same notebook code. **Live** (default): each control change calls ``update`` and re-renders. **Kernel-free**
(when the environment variable ``BOOK_STATIC_WIDGETS`` is set, as ``make book`` does): the explorer renders one frame
per position of its controls (at most 64), puts them in nested ``ipywidgets.Stack`` widgets, and links each slider's
``index`` to its stacks' ``selected_index`` with ``ipywidgets.jslink``. The links run in the browser, so the published
page switches frames without a kernel.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import os
import time
import traceback
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ._validation import as_int, as_scalar
from .emergence import AUDIT_THRESHOLD, AUDIT_TOY, detection_horizon, toy_ability
from .plotting import PALETTE, fmt_quantity, plain_log_ticks, use_book_style
from .published import KAPLAN, as_floats
from .userfit import sample_runs_csv

STATIC_ENV = "BOOK_STATIC_WIDGETS"
"""Environment variable that switches explorers to precomputed, kernel-free frames (set by ``make book``)."""

MAX_STATIC_FRAMES = 64
"""Most frames one kernel-free explorer may ship (25 for one control, 8 x 8 for two)."""

__all__ = ["MAX_STATIC_FRAMES", "STATIC_ENV", "Choice", "Explorer", "Slider", "SweepReport", "explorer",
           "extrapolation_explorer", "fit_explorer", "static_mode", "kaplan_laws_explorer",
           "kaplan_finite_data_explorer", "kaplan_overfitting_explorer", "kaplan_allocation_explorer",
           "power_law_explorer", "robust_fit_explorer", "sweep", "isoflop_explorer", "LAB_BUDGETS",
           "chinchilla_fits_explorer",
           "budget_calculator_explorer", "nonembedding_explorer", "NONEMB_FIT_LO",
           "data_constrained_explorer", "inference_explorer", "split_explorer", "split_fits", "SPLIT_SMOOTH_LAW",
           "SPLIT_TRAIN", "bnsl_explorer", "BNSL_EXPLORER_DEFAULTS",
           "phenomena_explorer", "phenomenon_law", "PHENOMENA", "PHENOMENA_EARLY_X",
           "runs_explorer", "runs_fits", "RUNS_BUDGETS", "RUNS_LAW_LABELS", "UploadFitWidget",
           "upload_fit_widget",
           "regression_collapse_explorer", "REGRESSION_EXPLORER_RUNS",
           "emergence_audit_explorer",
           "mirage_explorer", "MIRAGE_SIZES",
           "tail_collapse_explorer", "TAIL_EXPLORER_FRACTIONS",
           "gaussian_collapse_explorer", "GAUSSIAN_EXPLORER_RUNS",
           "quanta_explorer", "QUANTA_EXPLORER_TAU", "QUANTA_EXPLORER_RANKS",
           "strong_collapse_explorer", "strong_collapse_sweep", "STRONG_COLLAPSE_SETTING",
           "STRONG_COLLAPSE_WIDTHS", "STRONG_COLLAPSE_P"]


@dataclass(frozen=True)
class Slider:
    """A numeric control on a grid of ``n`` positions from ``lo`` to ``hi`` (geometric if ``log``).

    Parameters
    ----------
    name : str
        Keyword passed to ``update`` (a Python identifier).
    lo, hi : float
        Range, ``lo < hi``; both > 0 if ``log``.
    default : float, optional
        Initial value, snapped to the nearest grid position (default: the middle of the grid).
    n : int
        Number of positions, >= 2. A kernel-free page ships one frame per position.
    log : bool
        Space the positions geometrically (for scales such as parameters, tokens or FLOPs).
    label : str, optional
        Text shown before the slider (default: ``name``).
    unit : str
        Unit shown after the value, e.g. ``"params"``.
    digits : int
        Significant digits of the readout.
    """

    name: str
    lo: float
    hi: float
    default: float | None = None
    n: int = 25
    log: bool = False
    label: str | None = None
    unit: str = ""
    digits: int = 2

    def __post_init__(self):
        _check_name(self.name)
        lo = as_scalar(f"{self.name}: lo", self.lo, positive=self.log)
        hi = as_scalar(f"{self.name}: hi", self.hi, positive=self.log)
        if not lo < hi:
            raise ValueError(f"{self.name}: need lo < hi, got lo={lo}, hi={hi}")
        as_int(f"{self.name}: n", self.n, minimum=2)
        as_int(f"{self.name}: digits", self.digits, minimum=1)
        if self.default is not None:
            as_scalar(f"{self.name}: default", self.default, lo=lo, hi=hi)

    @property
    def values(self) -> np.ndarray:
        """The grid of positions."""
        return (np.geomspace if self.log else np.linspace)(self.lo, self.hi, self.n)

    @property
    def default_index(self) -> int:
        """Index of the grid position nearest ``default`` (in log distance for a log slider)."""
        return (self.n - 1) // 2 if self.default is None else self.index_of(self.default)

    def index_of(self, value) -> int:
        """Index of the grid position nearest ``value`` (in log distance for a log slider)."""
        value = as_scalar(self.name, value, positive=self.log)
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{self.name}: {value} is outside the slider's range [{self.lo}, {self.hi}]")
        v = self.values
        if self.log:
            return int(np.argmin(np.abs(np.log(v) - np.log(value))))
        return int(np.argmin(np.abs(v - value)))

    def value_at(self, index: int) -> float:
        """The value at grid position ``index``."""
        return float(self.values[index])

    def readout(self, value) -> str:
        """The value as displayed, with its unit."""
        return fmt_quantity(value, self.unit, self.digits)

    def make_widget(self):
        options = [(self.readout(v), i) for i, v in enumerate(self.values)]
        return widgets.SelectionSlider(options=options, value=self.default_index, description=self.label or self.name,
                                       continuous_update=True, style={"description_width": "initial"},
                                       layout=widgets.Layout(width="min(100%, 440px)"))


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a few options (shown as toggle buttons).

    Parameters
    ----------
    name : str
        Keyword passed to ``update``.
    options : sequence
        The values; shown with ``str`` unless ``labels`` is given.
    default : optional
        Initial value (default: the first option).
    label : str, optional
        Text shown before the buttons (default: ``name``).
    labels : sequence of str, optional
        Button texts, one per option.
    """

    name: str
    options: tuple
    default: object = None
    label: str | None = None
    labels: tuple | None = None

    def __post_init__(self):
        _check_name(self.name)
        object.__setattr__(self, "options", tuple(self.options))
        if len(self.options) < 2:
            raise ValueError(f"{self.name}: a Choice needs at least 2 options, got {len(self.options)}")
        if self.default is not None and self.default not in self.options:
            raise ValueError(f"{self.name}: default {self.default!r} is not one of the options {self.options!r}")
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))
            if len(self.labels) != len(self.options):
                raise ValueError(f"{self.name}: {len(self.labels)} labels for {len(self.options)} options")

    @property
    def values(self) -> tuple:
        """The options."""
        return self.options

    @property
    def n(self) -> int:
        """Number of options."""
        return len(self.options)

    @property
    def default_index(self) -> int:
        """Index of the default option."""
        return 0 if self.default is None else self.index_of(self.default)

    def index_of(self, value) -> int:
        """Index of option ``value``."""
        if value not in self.options:
            raise ValueError(f"{self.name}: {value!r} is not one of {self.options!r}")
        return self.options.index(value)

    def value_at(self, index: int):
        """The option at position ``index``."""
        return self.options[index]

    def readout(self, value) -> str:
        """The option as displayed."""
        return str(self.labels[self.options.index(value)]) if self.labels else str(value)

    def make_widget(self):
        options = [(self.readout(v), i) for i, v in enumerate(self.options)]
        return widgets.ToggleButtons(options=options, value=self.default_index, description=self.label or self.name,
                                     style={"description_width": "initial", "button_width": "auto"})


def _check_name(name):
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"control name must be a Python identifier (it becomes a keyword of update), got {name!r}")


class Explorer(widgets.VBox):
    """A figure driven by controls. Build one with :func:`explorer`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The one persistent figure; ``update`` moves its artists.
    controls : dict
        ``{name: ipywidget}`` for each control.
    specs : dict
        ``{name: Slider or Choice}``.
    image : ipywidgets.Image
        Where the rendered frame is shown.
    timings_ms : list of float
        Duration of every callback (update + render), for benchmarks.
    last_error : str or None
        Traceback of the last failed callback (also shown in the widget), ``None`` after a success.
    static : bool
        Whether the explorer shows precomputed frames switched in the browser (kernel-free mode).
    frames : ipywidgets.Stack or None
        In kernel-free mode, the (nested) stacks of frames; ``None`` in live mode.
    static_names : tuple of str
        Controls that move in kernel-free mode (all, unless ``static_controls`` chose fewer).
    """

    def __init__(self, draw, controls, *, title=None, figsize=(7.0, 3.4), dpi=80, static=None, static_controls=None):
        if not callable(draw):
            raise ValueError(f"draw must be a function draw(fig) -> update, got {draw!r}")
        controls = list(controls)
        if not controls or not all(isinstance(c, (Slider, Choice)) for c in controls):
            raise ValueError("controls must be a non-empty list of Slider/Choice specs")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be unique, got {names}")
        use_book_style()
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(self.figure)
        update = draw(self.figure)
        if not callable(update):
            raise ValueError("draw(fig) must return the function update(**values) that moves the artists")
        self._update = update
        self.specs = {c.name: c for c in controls}
        if static_controls is None:
            static_controls = names
        static_controls = tuple(static_controls)
        if not static_controls or set(static_controls) - set(names):
            raise ValueError(f"static_controls must name some of the controls {names}; got {list(static_controls)}")
        self.static_names = tuple(n for n in names if n in static_controls)
        self.controls = {c.name: c.make_widget() for c in controls}
        width = f"{max(len(w.description) for w in self.controls.values()) * 0.6 + 0.5:.1f}em"
        for w in self.controls.values():  # one label width, so that the sliders line up
            w.style.description_width = width
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.status = widgets.HTML()
        self.timings_ms = []
        self.last_error = None
        self._animated = None  # artists redrawn over the cached background; None: redraw everything
        self._background = None
        self.static = static_mode() if static is None else bool(static)
        self.frames = None
        self._links = []
        self._refresh()
        shown = self.image
        note = []
        if self.static:
            self.frames = self._frame_stack()
            shown = self.frames
            self.image.value = b""  # not shown: keep the page light (set() still renders into it)
            fixed = [n for n in names if n not in self.static_names]
            for n in fixed:  # frozen at their defaults in the published page
                self.controls[n].layout.display = "none"
            if fixed:
                note = [widgets.HTML(f"<i>In this page {', '.join(self.static_names)} move; run the notebook to move "
                                     f"all {len(names)} controls.</i>")]
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{title}</b>"))
        children += [widgets.VBox([self.controls[n] for n in names if not self.static or n in self.static_names]),
                     *note, shown, self.status]
        super().__init__(children=children)
        for w in self.controls.values():
            w.observe(self._on_change, names="value")

    # -- state ---------------------------------------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """Current ``{name: value}`` of all controls."""
        return {name: spec.value_at(self.controls[name].value) for name, spec in self.specs.items()}

    def set(self, **values):
        """Set controls by value (snapped to the nearest grid position) and redraw; raises if ``update`` fails.

        Returns the PNG bytes of the new frame.
        """
        unknown = set(values) - set(self.specs)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this explorer has {list(self.specs)}")
        with self.hold_trait_notifications():
            for name, value in values.items():
                self.controls[name].unobserve(self._on_change, names="value")
                try:
                    self.controls[name].value = self.specs[name].index_of(value)
                finally:
                    self.controls[name].observe(self._on_change, names="value")
        self._refresh()
        return bytes(self.image.value)

    # -- kernel-free frames ---------------------------------------------------------------------------------------
    def _frame_stack(self):
        """Render every combination of the static controls' positions (the others at their defaults) and nest the
        frames in Stacks linked to those controls."""
        specs = [self.specs[n] for n in self.static_names]
        fixed = {n: spec.value_at(spec.default_index) for n, spec in self.specs.items() if n not in self.static_names}
        total = int(np.prod([spec.n for spec in specs]))
        if total > MAX_STATIC_FRAMES:
            raise ValueError(f"a kernel-free explorer ships at most {MAX_STATIC_FRAMES} frames; these controls have "
                             f"{' x '.join(str(spec.n) for spec in specs)} = {total} positions: use fewer")
        frames = {}
        for idx in itertools.product(*(range(spec.n) for spec in specs)):
            values = fixed | {spec.name: spec.value_at(i) for spec, i in zip(specs, idx, strict=True)}
            frames[idx] = widgets.Image(value=_palette_png(self._render(values)), format="png",
                                        layout=widgets.Layout(max_width="100%", height="auto"))
        return self._nest(specs, (), frames)

    def _nest(self, specs, prefix, frames):
        spec, rest = specs[0], specs[1:]
        children = [frames[(*prefix, i)] if not rest else self._nest(rest, (*prefix, i), frames)
                    for i in range(spec.n)]
        stack = widgets.Stack(children=children, selected_index=self.controls[spec.name].index)
        self._links.append(widgets.jslink((self.controls[spec.name], "index"), (stack, "selected_index")))
        return stack

    # -- rendering -----------------------------------------------------------------------------------------------
    def _on_change(self, change):
        self._refresh()

    def _refresh(self):
        start = time.perf_counter()
        try:
            self.image.value = self._render(self.values)
        except Exception:  # shown in the widget (where the build's traceback scan finds it) and re-raised
            self.last_error = traceback.format_exc()
            self.status.value = f"<pre style='color:#D55E00'>{_escape(self.last_error)}</pre>"
            raise
        self.last_error = None
        self.status.value = ""
        self.timings_ms.append(1e3 * (time.perf_counter() - start))

    def _render(self, values) -> bytes:
        changed = self._update(**values)
        if changed is None:
            for artist in self._animated or ():
                artist.set_animated(False)  # a full draw skips animated artists
            self._animated = None
            self._canvas.draw()
        else:
            changed = list(changed)
            if self._animated is None or any(a not in self._animated for a in changed):
                self._animated = list(dict.fromkeys((self._animated or []) + changed))
                for artist in self._animated:
                    artist.set_animated(True)
                self._canvas.draw()  # background without the animated artists
                self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            else:
                self._canvas.restore_region(self._background)
            for artist in sorted(self._animated, key=lambda a: a.get_zorder()):
                self.figure.draw_artist(artist)
        rgba = np.asarray(self._canvas.buffer_rgba())
        buf = io.BytesIO()
        PILImage.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def static_mode() -> bool:
    """Whether explorers should precompute kernel-free frames: true when ``BOOK_STATIC_WIDGETS`` is set (not "0")."""
    return os.environ.get(STATIC_ENV, "") not in ("", "0")


def _palette_png(png: bytes, colors: int = 64) -> bytes:
    """Re-encode a frame with a 64-colour palette: about a third of the bytes, no visible change for line plots."""
    image = PILImage.open(io.BytesIO(png)).convert("RGB").quantize(colors=colors, method=PILImage.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    image.save(buf, format="png")
    return buf.getvalue()


def explorer(draw, controls, *, title=None, figsize=(7.0, 3.4), dpi=80, static=None, static_controls=None) -> Explorer:
    """Build an :class:`Explorer`: a figure plus controls, redrawn whenever a control moves.

    Parameters
    ----------
    draw : callable
        ``draw(fig)`` creates axes and artists on the empty figure ``fig`` and returns ``update(**values)``, which
        receives every control's value by name, moves the artists, and returns the list of artists it changed
        (or ``None`` to redraw the whole figure).
    controls : sequence of Slider or Choice
        The controls, shown top to bottom.
    title : str, optional
        Bold title above the controls.
    figsize : tuple of float
        Figure size in inches.
    dpi : int
        Resolution of the rendered frame (80 keeps frames small and callbacks fast).
    static : bool, optional
        Precompute kernel-free frames (``True``) or run live (``False``); default: :func:`static_mode`.
    static_controls : sequence of str, optional
        Names of the controls that move in kernel-free mode (default all). The others stay at their defaults and
        are hidden there, with a note; use this when all combinations would exceed :data:`MAX_STATIC_FRAMES`.

    Returns
    -------
    Explorer
        An ipywidgets ``VBox``; display it by making it the last expression of a cell.

    Examples
    --------
    >>> def draw(fig):
    ...     ax = fig.subplots()
    ...     x = np.linspace(1, 10, 200)
    ...     (line,) = ax.plot(x, x)
    ...     ax.set_ylim(0, 100)
    ...     def update(k):
    ...         line.set_ydata(k * x)
    ...         return [line]
    ...     return update
    >>> ex = explorer(draw, [Slider("k", 1, 10, default=2, n=10)])
    >>> ex.values
    {'k': 2.0}
    """
    return Explorer(draw, controls, title=title, figsize=figsize, dpi=dpi, static=static,
                    static_controls=static_controls)


@dataclass(frozen=True)
class SweepReport:
    """What :func:`sweep` saw: for each control, how many distinct frames its positions gave.

    Attributes
    ----------
    distinct_frames : dict
        ``{name: number of distinct frames over that control's positions}`` (others at their defaults).
    ends_differ : dict
        ``{name: True if the frames at the first and last positions differ}``.
    callback_ms : list of float
        Duration of each callback during the sweep.
    """

    distinct_frames: dict
    ends_differ: dict
    callback_ms: list = field(repr=False)

    @property
    def ok(self) -> bool:
        """Every control changes the figure at both ends of its range."""
        return all(self.ends_differ.values())


def sweep(ex: Explorer, *, every: bool = True) -> SweepReport:
    """Drive each control of ``ex`` through its range (others at their defaults) and report what changed.

    Any exception in ``update`` propagates, so a notebook's hidden test cell fails loudly. At the end the explorer
    is back at its default state.

    Parameters
    ----------
    ex : Explorer
        The explorer to drive.
    every : bool
        Visit every grid position (default) or only the two ends.
    """
    if not isinstance(ex, Explorer):
        raise ValueError(f"sweep needs an Explorer, got {type(ex).__name__}")
    defaults = {name: spec.value_at(spec.default_index) for name, spec in ex.specs.items()}
    start = len(ex.timings_ms)
    ex.set(**defaults)
    distinct, changed = {}, {}
    for name, spec in ex.specs.items():
        idx = range(spec.n) if every else (0, spec.n - 1)
        digests = {i: _digest(ex.set(**{name: spec.value_at(i)})) for i in idx}
        distinct[name] = len(set(digests.values()))
        changed[name] = digests[0] != digests[spec.n - 1]
        ex.set(**{name: defaults[name]})
    return SweepReport(distinct, changed, ex.timings_ms[start:])


def _digest(png: bytes) -> str:
    return hashlib.sha1(png).hexdigest()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# =====================================================================================================================
# Chapter 0 (Foundations) explorers. Each is one call in its notebook; arguments exist for tests and curious readers.
# =====================================================================================================================

_TRUTH = {"E": 1.8, "A": 400.0, "alpha": 0.3}  # the simulated "true" law of the Foundations notebooks


def _loss_axes(ax, grid, ylim):
    """Log-log axes of loss against parameters over ``grid``, with the true law of the simulated runs drawn."""
    from .laws import saturating_power_law

    ax.set(xscale="log", yscale="log", xlim=(grid[0], grid[-1]), ylim=ylim,
           xlabel="parameters N", ylabel="loss (nats/token)")
    plain_log_ticks(ax, [1.5, 2, 2.5, 3, 4, 5, 6])
    ax.plot(grid, saturating_power_law(grid, **_TRUTH), color="0.2", lw=1, label="truth")


def _text_box(ax, x, y, fontsize=9, va="top", **kw):
    return ax.text(x, y, "", transform=ax.transAxes, va=va, fontsize=fontsize,
                   bbox={"boxstyle": "round", "fc": "white", "ec": "0.8", "alpha": 0.9}, **kw)


def power_law_explorer(A: float = 50.0, static: bool | None = None) -> Explorer:
    """Explore :math:`y = E + A x^{-\\alpha}`: the exponent and the floor, on log-log axes, with the local slope.

    Chapter 0, "Power laws and log-log plots". Left: the law, its reducible part and its floor; right: the local
    exponent d log y / d log x (:func:`book_utils.laws.local_exponent`), flat only when ``E = 0``.
    """
    from .laws import local_exponent, power_law, saturating_power_law

    x = np.geomspace(1e3, 1e13, 200)

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        ax.set(xscale="log", yscale="log", xlim=(x[0], x[-1]), ylim=(1e-2, 1e2),
               xlabel="scale x (e.g. parameters)", ylabel="y (e.g. loss, nats/token)")
        (total,) = ax.plot(x, x, label=r"$E + A x^{-\alpha}$")
        (reducible,) = ax.plot(x, x, ls="--", label=r"$A x^{-\alpha}$ (reducible)")
        (floor,) = ax.plot(x, x, ls=":", color="0.3", label="$E$ (floor)")
        ax.legend(loc="lower left")
        ax2.set(xscale="log", xlim=(x[0], x[-1]), ylim=(-0.85, 0.05), xlabel="scale x",
                ylabel=r"local slope $d\log y/d\log x$")
        (slope,) = ax2.plot(x, x)
        (ref,) = ax2.plot(x, x, ls="--", color=PALETTE[1], lw=1)
        note = _text_box(ax2, 0.04, 0.2)

        def update(alpha, E):
            y = saturating_power_law(x, E, A, alpha)
            total.set_ydata(y)
            reducible.set_ydata(power_law(x, A, alpha))
            floor.set_ydata(np.full_like(x, max(E, 1e-3)))
            floor.set_visible(E > 0)
            slope.set_ydata(local_exponent(x, y))
            ref.set_ydata(np.full_like(x, -alpha))
            at = saturating_power_law(np.array([1e9, 1e10]), E, A, alpha)
            note.set_text(f"×10 in x at 1e9 multiplies y by {at[1] / at[0]:.3f}\n"
                          f"(pure power law: {10 ** -alpha:.3f})")
            return [total, reducible, floor, slope, ref, note]

        return update

    return explorer(draw, [Slider("alpha", 0.1, 0.8, default=0.3, n=8, label="exponent α"),
                           Slider("E", 0.0, 2.1, default=0.0, n=8, label="floor E", unit="nats")],
                    title="A power law, with and without a floor", static=static)


def fit_explorer(seed: int = 0, static: bool | None = None) -> Explorer:
    """Fit a pure and a saturating power law to simulated runs; vary the noise and the number of runs.

    Chapter 0, "Fitting scaling laws". The runs follow ``1.8 + 400 N^-0.3`` (nats/token) times log-normal noise.
    """
    from .fitting import add_log_noise, fit_power_law, fit_saturating_power_law
    from .laws import saturating_power_law

    grid = np.geomspace(1e6, 1e13, 200)

    def draw(fig):
        ax = fig.subplots()
        _loss_axes(ax, grid, (1.5, 6.0))
        ax.axhline(_TRUTH["E"], color="0.2", lw=0.8, ls=":")
        (pts,) = ax.plot([], [], "o", color=PALETTE[1], label="runs")
        (pure,) = ax.plot(grid, grid, ls="--", color=PALETTE[0], label="power-law fit")
        (sat,) = ax.plot(grid, grid, color=PALETTE[2], label="saturating fit")
        ax.axvspan(1e7, 1e10, color="0.9", zorder=0)
        ax.legend(loc="upper right")
        note = _text_box(ax, 0.03, 0.2)

        def update(sigma, runs):
            x = np.geomspace(1e7, 1e10, int(runs))
            y = add_log_noise(saturating_power_law(x, **_TRUTH), sigma, seed=seed)
            p = fit_power_law(x, y)
            s = fit_saturating_power_law(x, y)
            pts.set_data(x, y)
            pure.set_ydata(p.predict(grid))
            sat.set_ydata(s.predict(grid))
            note.set_text(f"power law: α̂ = {p.alpha:.3f}\nsaturating: α̂ = {s.alpha:.3f}, Ê = {s.E:.2f}\n"
                          f"(truth: α = 0.3, E = 1.8)")
            return [pts, pure, sat, note]

        return update

    return explorer(draw, [Slider("sigma", 0.0025, 0.16, default=0.01, n=7, log=True, label="noise σ (log)", digits=2),
                           Slider("runs", 4, 18, default=10, n=8, label="number of runs", digits=2)],
                    title="Fitting simulated training runs", static=static)


def robust_fit_explorer(seed: int = 1, delta: float = 1e-3, static: bool | None = None) -> Explorer:
    """Squared loss versus Huber loss when one run is an outlier (a diverged or mis-logged run).

    Chapter 0, "Fitting scaling laws". Ten runs of ``1.8 + 400 N^-0.3`` with 1% noise; the third run's loss is
    multiplied by the slider's factor. Huber's threshold defaults to Chinchilla's 1e-3 on log loss.
    """
    from .fitting import add_log_noise, fit_saturating_power_law
    from .laws import saturating_power_law

    x = np.geomspace(1e7, 1e10, 10)
    clean = add_log_noise(saturating_power_law(x, **_TRUTH), 0.01, seed=seed)
    grid = np.geomspace(1e6, 1e13, 200)
    control = Slider("factor", 1.0, 1.6, default=1.3, n=13, label="outlier: loss ×", digits=3)
    fits = {}  # Huber fits take tens of ms: fit every slider position once, up front (about a second)
    for factor in control.values.tolist():
        y = clean.copy()
        y[2] *= factor
        fits[factor] = (y, fit_saturating_power_law(x, y), fit_saturating_power_law(x, y, loss="huber", delta=delta))

    def draw(fig):
        ax = fig.subplots()
        _loss_axes(ax, grid, (1.5, 7.0))
        (pts,) = ax.plot(x, clean, "o", color=PALETTE[1], label="runs")
        (sq,) = ax.plot(grid, grid, ls="--", color=PALETTE[0], label="squared loss")
        (hub,) = ax.plot(grid, grid, color=PALETTE[2], label=f"Huber, δ = {delta:g}")
        ax.legend(loc="upper right")
        note = _text_box(ax, 0.03, 0.2)

        def update(factor):
            y, f_sq, f_hub = fits[factor]
            pts.set_ydata(y)
            sq.set_ydata(f_sq.predict(grid))
            hub.set_ydata(f_hub.predict(grid))
            note.set_text(f"squared: α̂ = {f_sq.alpha:.3f}, Ê = {f_sq.E:.2f}\n"
                          f"Huber:   α̂ = {f_hub.alpha:.3f}, Ê = {f_hub.E:.2f}\n(truth: α = 0.3, E = 1.8)")
            return [pts, sq, hub, note]

        return update

    return explorer(draw, [control],
                    title="One bad run: squared loss versus Huber loss", static=static)


def extrapolation_explorer(seed: int = 0, n_resamples: int = 100, static: bool | None = None) -> Explorer:
    """Fit a saturating law on runs up to a chosen size and extrapolate to a target size, with a bootstrap band.

    Chapter 0, "Extrapolation". Sixteen runs of ``1.8 + 400 N^-0.3`` from 1e7 to 1e10 parameters with 1% noise;
    only those up to the "fit up to" slider are used. The band is the pointwise 90% bootstrap interval. The fit and
    bootstrap for every position of "fit up to" are computed up front (about a second), so moving a slider only
    redraws.
    """
    from .fitting import add_log_noise, bootstrap, fit_saturating_power_law
    from .laws import saturating_power_law

    x_all = np.geomspace(1e7, 1e10, 16)
    y_all = add_log_noise(saturating_power_law(x_all, **_TRUTH), 0.01, seed=seed)
    grid = np.geomspace(1e7, 1e13, 200)
    upper_control = Slider("upper", 1e8, 1e10, default=1e9, n=11, log=True, label="fit up to", unit="params")
    fits = {}
    for upper in upper_control.values.tolist():
        keep = x_all <= upper * (1 + 1e-9)
        fit = fit_saturating_power_law(x_all[keep], y_all[keep])
        boot = bootstrap(fit, n_resamples, seed=seed)
        lo, hi = boot.predict_interval(grid, 0.9)
        fits[upper] = (keep, fit, boot, fit.predict(grid), lo, hi)

    def draw(fig):
        ax = fig.subplots()
        _loss_axes(ax, grid, (1.4, 5.0))
        band = ax.fill_between(grid, grid, grid, color=PALETTE[0], alpha=0.25, lw=0, label="90% bootstrap band")
        (mid,) = ax.plot(grid, grid, color=PALETTE[0], label="saturating fit")
        (used,) = ax.plot([], [], "o", color=PALETTE[1], label="runs used")
        (unused,) = ax.plot([], [], "o", mfc="none", color=PALETTE[1], label="runs held out")
        (bar,) = ax.plot([], [], color=PALETTE[3], lw=3, solid_capstyle="butt")
        (star,) = ax.plot([], [], "*", color="0.1", ms=11, label="true loss at target")
        ax.legend(loc="upper right", fontsize=8)
        note = _text_box(ax, 0.03, 0.22)

        def update(upper, target):
            keep, fit, boot, pred, lo, hi = fits[upper]
            band.set_data(grid, lo, hi)
            mid.set_ydata(pred)
            used.set_data(x_all[keep], y_all[keep])
            unused.set_data(x_all[~keep], y_all[~keep])
            t_lo, t_hi = boot.predict_interval([target], 0.9)
            t_pred = fit.predict(target)
            truth = saturating_power_law(target, **_TRUTH)
            bar.set_data([target, target], [t_lo[0], t_hi[0]])
            star.set_data([target], [truth])
            distance = np.log10(target / upper)
            note.set_text(f"{int(keep.sum())} runs, {distance:.1f} decades beyond the data\n"
                          f"predicted {t_pred:.3f} [{t_lo[0]:.3f}, {t_hi[0]:.3f}]\n"
                          f"true {truth:.3f} (error {100 * (t_pred / truth - 1):+.1f}%)")
            return [band, mid, used, unused, bar, star, note]

        return update

    return explorer(draw, [upper_control,
                           Slider("target", 1e10, 1e13, default=1e12, n=4, log=True, label="predict at",
                                  unit="params")],
                    title="Extrapolating a fitted scaling law", static=static)


# =====================================================================================================================
# Chapter 1 (Kaplan et al. 2020) explorers.
# =====================================================================================================================


def kaplan_laws_explorer(static: bool | None = None) -> Explorer:
    """Read off Kaplan et al.'s three laws at a chosen model size N, dataset size D and compute C.

    Chapter 1, "The three power laws". Panels: L(C_min), L(D) and L(N) (eqs. 1.1-1.3) with the chosen points marked;
    the text box adds L(N, D), the loss of that model trained on that data (with early stopping), and its own limits
    L(N, inf) and L(inf, D). L(N, D) is a separate fit (Table 2), so compare it with those limits, not with eqs.
    1.1-1.2, which differ from them by a few percent. Three controls of four positions each keep the kernel-free
    page at 64 frames.
    """
    from .compute import PF_DAY
    from .laws import kaplan_loss_c, kaplan_loss_d, kaplan_loss_n, kaplan_loss_nd

    n_grid, d_grid, c_grid = np.geomspace(1e4, 1e13, 200), np.geomspace(1e6, 1e15, 200), np.geomspace(1e-9, 1e5, 200)

    def draw(fig):
        axes = fig.subplots(1, 3, sharey=True)
        curves = [(c_grid, kaplan_loss_c(c_grid * PF_DAY), r"compute $C_\mathrm{min}$ (PF-days)"),
                  (d_grid, kaplan_loss_d(d_grid), "dataset size D (tokens)"),
                  (n_grid, kaplan_loss_n(n_grid), "parameters N (non-embedding)")]
        markers = []
        for ax, (x, y, label) in zip(axes, curves, strict=True):
            ax.plot(x, y, color=PALETTE[0])
            ax.set(xscale="log", yscale="log", xlabel=label, ylim=(0.8, 12))
            (m,) = ax.plot([], [], "o", color=PALETTE[1], ms=8)
            markers.append(m)
        plain_log_ticks(axes[0], [1, 1.5, 2, 3, 4, 6, 8, 10])
        axes[0].set_ylabel("test loss (nats/token)")
        note = _text_box(axes[2], 0.55, 0.97, fontsize=8)

        def update(N, D, C):
            markers[0].set_data([C / PF_DAY], [kaplan_loss_c(C)])
            markers[1].set_data([D], [kaplan_loss_d(D)])
            markers[2].set_data([N], [kaplan_loss_n(N)])
            note.set_text(f"L(C_min) = {kaplan_loss_c(C):.2f}\nL(D) = {kaplan_loss_d(D):.2f}\n"
                          f"L(N) = {kaplan_loss_n(N):.2f}\nTable 2 fit:\n L(N, D) = {kaplan_loss_nd(N, D):.2f}\n"
                          f" L(N, ∞) = {kaplan_loss_nd(N, 1e40):.2f}\n L(∞, D) = {kaplan_loss_nd(1e40, D):.2f}")
            return [*markers, note]

        return update

    return explorer(draw, [Slider("N", 1e6, 1e12, default=1e8, n=4, log=True, unit="params"),
                           Slider("D", 1e8, 1e14, default=1e10, n=4, log=True, unit="tokens"),
                           Slider("C", 1e16, 1e25, default=1e19, n=4, log=True, unit="FLOPs")],
                    title="Kaplan et al.'s three laws", figsize=(8.4, 3.2), static=static)


def kaplan_finite_data_explorer(static: bool | None = None) -> Explorer:
    """How the loss-against-N curve bends when the data are finite: L(N, D) for one D against L(N) for infinite D.

    Chapter 1, "The three power laws". The marker is where the overfitting penalty reaches 2%
    (:func:`book_utils.laws.kaplan_data_requirement` inverted): beyond it, a bigger model mostly memorises.
    """
    from .laws import kaplan_loss_nd

    n = np.geomspace(1e5, 1e13, 200)
    g = KAPLAN["ND"]
    n_c, d_c = float(g["N_c"]), float(g["D_c"])
    a_n, a_d = float(g["alpha_N"]), float(g["alpha_D"])

    def draw(fig):
        ax = fig.subplots()
        ax.plot(n, (n_c / n) ** a_n, color="0.2", lw=1, ls="--", label=r"$L(N)$, infinite data")
        (curve,) = ax.plot(n, n, color=PALETTE[0], label=r"$L(N, D)$")
        (floor,) = ax.plot(n, n, color=PALETTE[2], ls=":", label=r"$L(D)$: the limit for large N")
        (mark,) = ax.plot([], [], "o", color=PALETTE[1], ms=8, label="overfitting penalty = 2%")
        ax.set(xscale="log", yscale="log", xlim=(n[0], n[-1]), ylim=(1.3, 8), xlabel="parameters N (non-embedding)",
               ylabel="test loss (nats/token)")
        plain_log_ticks(ax, [1.5, 2, 3, 4, 6, 8])
        ax.legend(loc="lower left", fontsize=8)

        def update(D):
            curve.set_ydata(kaplan_loss_nd(n, D))
            floor.set_ydata(np.full_like(n, (d_c / D) ** a_d))  # N -> infinity limit of L(N, D), Table 2
            # the N at which delta L = 2%: invert kaplan_data_requirement
            n_star = n_c * (D * (1.02 ** (1 / a_d) - 1) / d_c) ** (a_d / a_n)
            mark.set_data([n_star], [kaplan_loss_nd(n_star, D)])
            return [curve, floor, mark]

        return update

    return explorer(draw, [Slider("D", 1e8, 1e14, default=1e10, n=13, log=True, unit="tokens")],
                    title="Finite data bends the curve", static=static)


def kaplan_overfitting_explorer(static: bool | None = None) -> Explorer:
    """The overfitting penalty over the (N, D) plane and the frontier where it reaches a chosen threshold.

    Chapter 1, "L(N, D) and overfitting". Colour: log10 of the penalty; solid line: the exact frontier for the chosen
    threshold (:func:`book_utils.laws.kaplan_data_requirement`); dashed: the paper's rule D = 5e3 N^0.74.
    """
    from .laws import kaplan_data_requirement, kaplan_overfitting

    n = np.geomspace(1e5, 1e12, 120)
    d = np.geomspace(1e7, 1e14, 120)
    penalty = kaplan_overfitting(n[None, :], d[:, None])

    def draw(fig):
        ax = fig.subplots()
        mesh = ax.pcolormesh(n, d, np.log10(penalty), cmap="viridis", shading="auto", vmin=-4, vmax=0)
        fig.colorbar(mesh, ax=ax, label="log10 overfitting penalty δL")
        ax.plot(n, 5e3 * n**0.74, color="white", ls=(0, (5, 4)), lw=2.2, label=r"paper: $D = 5\times10^3 N^{0.74}$")
        (front,) = ax.plot(n, n, color=PALETTE[1], lw=1.6, label="exact frontier")
        ax.set(xscale="log", yscale="log", xlim=(n[0], n[-1]), ylim=(d[0], d[-1]),
               xlabel="parameters N (non-embedding)", ylabel="training tokens D")
        ax.legend(loc="lower right", fontsize=8)

        def update(threshold):
            front.set_ydata(kaplan_data_requirement(n, threshold))
            front.set_label(f"exact frontier, δL = {threshold:.1%}")
            return [front]

        return update

    return explorer(draw, [Choice("threshold", (0.005, 0.01, 0.02, 0.05, 0.1), default=0.02, label="penalty",
                                  labels=("0.5%", "1%", "2%", "5%", "10%"))],
                    title="Where does a model overfit?", figsize=(6.6, 3.8), static=static)


def kaplan_allocation_explorer(static: bool | None = None) -> Explorer:
    """Kaplan et al.'s compute-efficient allocation for a budget, against Chinchilla's 20 tokens per parameter.

    Chapter 1, "Compute-efficient training". Left: N and D against the budget (Table 6) and, dashed, the allocation
    with D = 20 N and C = 6ND. Right: tokens per parameter.
    """
    from .compute import PF_DAY, kaplan_allocation

    c = np.geomspace(1e17, 1e27, 200)
    alloc = kaplan_allocation(c)
    n20 = np.sqrt(c / (6 * 20))

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        ax.plot(c, alloc.N, color=PALETTE[0], label="N, Kaplan")
        ax.plot(c, alloc.D, color=PALETTE[1], label="D, Kaplan")
        ax.plot(c, n20, color=PALETTE[0], ls="--", lw=1.2, label="N, 20 tokens/param")
        ax.plot(c, 20 * n20, color=PALETTE[1], ls="--", lw=1.2, label="D, 20 tokens/param")
        (mn,) = ax.plot([], [], "o", color=PALETTE[0], ms=7)
        (md,) = ax.plot([], [], "o", color=PALETTE[1], ms=7)
        ax.set(xscale="log", yscale="log", xlabel="compute budget C (FLOPs)", ylabel="parameters or tokens",
               ylim=(1e7, 1e15))
        ax.legend(loc="upper left", fontsize=7)
        ax2.plot(c, alloc.tokens_per_param, color=PALETTE[3], label="Kaplan (Table 6)")
        ax2.axhline(20, color="0.3", ls="--", lw=1, label="20 tokens/param")
        (mt,) = ax2.plot([], [], "o", color=PALETTE[3], ms=7)
        ax2.set(xscale="log", yscale="log", xlabel="compute budget C (FLOPs)", ylabel="tokens per parameter",
                ylim=(1e-2, 1e2))
        ax2.legend(loc="lower left", fontsize=7)
        note = _text_box(ax2, 0.52, 0.97, fontsize=8)

        def update(C):
            a = kaplan_allocation(C)
            mn.set_data([C], [a.N])
            md.set_data([C], [a.D])
            mt.set_data([C], [a.tokens_per_param])
            note.set_text(f"{C / PF_DAY:.3g} PF-days\nN = {a.N:.2g}\nD = {a.D:.2g}\nB = {a.B:.2g}\n"
                          f"S = {a.S_min:.2g}\n{a.tokens_per_param:.2g} tokens/param")
            return [mn, md, mt, note]

        return update

    return explorer(draw, [Slider("C", 1e18, 1e26, default=1e21, n=17, log=True, unit="FLOPs")],
                    title="Spending a compute budget, Kaplan's way", figsize=(8.0, 3.4), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2: Chinchilla.
# ---------------------------------------------------------------------------------------------------------------------

LAB_BUDGETS = 10 ** np.arange(6.0, 8.01, 0.25)
"""The compute budgets (FLOPs) of the scaling lab's IsoFLOP sweep in chapter 2."""


@functools.lru_cache(maxsize=1)
def _lab_isoflop():
    """The default lab's IsoFLOP sweep and its Approach-2 frontier (cached: the notebooks and explorers share it)."""
    from .fitting import isoflop_frontier
    from .lab import ScalingLab

    lab = ScalingLab()
    runs = lab.isoflop_sweep(LAB_BUDGETS, n_records=2)
    return lab, runs, isoflop_frontier(runs.N, runs.loss, runs.budget)


def isoflop_explorer(static: bool | None = None) -> Explorer:
    """The scaling lab's IsoFLOP profiles (Hoffmann et al.'s Approach 2), one compute budget at a time.

    Chapter 2, "Three ways to find the compute-optimal frontier". Left: final loss against model size for every run
    of the chosen budget, the parabola fitted in log N and its minimum; the other budgets in grey. Right: the minima
    of all budgets, the power law through them, and the lab's true frontier (dashed).
    """
    from .compute import compute_optimal_numeric

    lab, runs, fr = _lab_isoflop()
    c_line = np.geomspace(LAB_BUDGETS[0], LAB_BUDGETS[-1], 50)
    n_true, _ = compute_optimal_numeric(lab.law, c_line)

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        for C in fr.C:
            sel = runs.budget == C
            ax.plot(runs.N[sel], runs.loss[sel], "-", color="0.82", lw=1)
        (pts,) = ax.plot([], [], "o", color=PALETTE[0], ms=5, label="runs at this budget")
        (par,) = ax.plot([], [], "-", color=PALETTE[1], lw=1.5, label="parabola in log N")
        (vtx,) = ax.plot([], [], "*", color=PALETTE[3], ms=13, label="its minimum")
        ax.set(xscale="log", xlabel="model size N (parameters)", ylabel="final loss",
               ylim=(0.95 * runs.loss.min(), min(1.6, runs.loss.max())))
        ax.legend(loc="upper right", fontsize=7)
        ax2.plot(fr.C, fr.N_opt, "o", color=PALETTE[3], ms=5, label="profile minima")
        ax2.plot(c_line, fr.predict_N(c_line), color=PALETTE[3], lw=1.2, label=f"fit: a = {fr.a:.3f}")
        ax2.plot(c_line, n_true, "--", color="0.3", lw=1.2, label=f"true: a = {lab.a:.3f}")
        (sel_pt,) = ax2.plot([], [], "*", color=PALETTE[3], ms=13)
        ax2.set(xscale="log", yscale="log", xlabel="compute C = 6ND (FLOPs)", ylabel="compute-optimal N")
        plain_log_ticks(ax2, [100, 200, 400, 700], axis="y")
        ax2.legend(loc="upper left", fontsize=7)
        note = _text_box(ax, 0.03, 0.05, fontsize=8, va="bottom")

        def update(C):
            i = int(np.argmin(np.abs(np.log(fr.C / C))))
            sel = runs.budget == fr.C[i]
            n, loss = runs.N[sel], runs.loss[sel]
            pts.set_data(n, loss)
            u = np.linspace(np.log(n.min()), np.log(n.max()), 60)
            par.set_data(np.exp(u), np.polyval(fr.coef[i], u))
            vtx.set_data([fr.N_opt[i]], [fr.loss_opt[i]])
            sel_pt.set_data([fr.C[i]], [fr.N_opt[i]])
            note.set_text(f"C = {fr.C[i]:.3g} FLOPs, {n.size} runs\nN_opt = {fr.N_opt[i]:.0f}, "
                          f"D_opt = {fr.D_opt[i]:.3g}\n{fr.D_opt[i] / fr.N_opt[i]:.0f} samples per parameter")
            return [pts, par, vtx, sel_pt, note]

        return update

    return explorer(draw, [Slider("C", LAB_BUDGETS[0], LAB_BUDGETS[-1], default=1e7, n=LAB_BUDGETS.size, log=True,
                                  unit="FLOPs")],
                    title="IsoFLOP profiles of the scaling lab", figsize=(8.0, 3.4), static=static)


def _published_fits():
    """Chinchilla-form laws of chapter 2, notebook 2: name -> {E, A, B, alpha, beta} as floats."""
    from .published import EPOCH_FIT, HOFFMANN_APPROACH3, HOFFMANN_APPROACH3_UNROUNDED

    sets = {"Hoffmann, as printed": HOFFMANN_APPROACH3, "Hoffmann, unrounded": HOFFMANN_APPROACH3_UNROUNDED,
            "Epoch refit": EPOCH_FIT}
    return {name: as_floats(p) for name, p in sets.items()}


def chinchilla_fits_explorer(static: bool | None = None) -> Explorer:
    """Three published fits of Chinchilla's law at one compute budget: Hoffmann et al.'s constants as printed and
    unrounded, and Besiroglu et al.'s refit :cite:p:`hoffmann2022training,besiroglu2024chinchilla`.

    Chapter 2, "The parametric fit and its replication". Left: the IsoFLOP profile L(N, C/6N) of each law at the
    chosen budget, with its minimum. Right: tokens per parameter at the optimum against compute.
    """
    from .compute import compute_optimal
    from .laws import chinchilla_loss

    fits = _published_fits()
    n_grid = np.geomspace(1e8, 1e13, 200)
    c_line = np.geomspace(1e18, 1e26, 100)
    ratio = {k: (lambda nd: nd[1] / nd[0])(compute_optimal(c_line, **p)) for k, p in fits.items()}

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
        lines, stars, dots = [], [], []
        for i, name in enumerate(fits):
            (ln,) = ax.plot([], [], color=PALETTE[i], lw=1.5, label=name)
            (st,) = ax.plot([], [], "*", color=PALETTE[i], ms=12)
            ax2.plot(c_line, ratio[name], color=PALETTE[i], lw=1.5, label=name)
            (dt,) = ax2.plot([], [], "o", color=PALETTE[i], ms=6)
            lines.append(ln), stars.append(st), dots.append(dt)
        ax.set(xscale="log", xlim=(n_grid[0], n_grid[-1]), ylim=(1.75, 3.2), xlabel="parameters N",
               ylabel="predicted loss (nats/token)")
        ax.legend(loc="upper right", fontsize=7)
        ax2.axhline(20, color="0.4", ls=":", lw=1)
        ax2.set(xscale="log", yscale="log", ylim=(5, 300), xlabel="compute C (FLOPs)",
                ylabel="tokens per parameter at the optimum")
        plain_log_ticks(ax2, [5, 10, 20, 50, 100, 200], axis="y")
        note = _text_box(ax, 0.03, 0.05, fontsize=7, va="bottom")

        def update(C):
            text = [f"C = {C:.3g} FLOPs"]
            for i, (name, p) in enumerate(fits.items()):
                lines[i].set_data(n_grid, chinchilla_loss(n_grid, C / (6 * n_grid), **p))
                n, d = compute_optimal(C, **p)
                stars[i].set_data([n], [chinchilla_loss(n, d, **p)])
                dots[i].set_data([C], [d / n])
                text.append(f"{name}: N = {fmt_quantity(n, digits=2)}, {d / n:.0f} tokens/param")
            note.set_text("\n".join(text))
            return [*lines, *stars, *dots, note]

        return update

    return explorer(draw, [Slider("C", 1e18, 1e26, default=5.76e23, n=17, log=True, unit="FLOPs")],
                    title="One law, three sets of constants", figsize=(8.4, 3.6), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 3 (Kaplan vs Chinchilla).
# ---------------------------------------------------------------------------------------------------------------------

_RECIPE_SHORT = ("Kaplan", "A3 rounded", "A3 unrounded", "Epoch", "20 tok/param")


def budget_calculator_explorer(static: bool | None = None) -> Explorer:
    """One compute budget split five ways: Kaplan's Table 6, Chinchilla's Approach 3 (rounded and unrounded), Epoch's
    refit, and 20 tokens per parameter (:func:`book_utils.compute.budget_allocations`).

    Chapter 2, "Spending a budget". Left: compute-optimal N against the budget for each recipe, the chosen budget
    marked, with Chinchilla and Gopher for reference; the box lists N, D and the loss Epoch's law predicts for each
    split. Right: tokens per parameter of each recipe at the chosen budget.
    """
    from .compute import RECIPES, budget_allocations
    from .plotting import fmt_sci
    from .published import CHINCHILLA, GOPHER

    c = np.geomspace(1e18, 1e27, 200)
    curves = budget_allocations(c)
    slider = Slider("C", 1e19, 1e26, default=1e24, n=15, log=True, label="budget", unit="FLOPs")
    table = budget_allocations(slider.values)
    colours, styles = PALETTE[:5], ("-", "-", "--", "-", ":")

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
        for name, colour, ls in zip(RECIPES, colours, styles, strict=True):
            ax.plot(c, curves[name].N, color=colour, ls=ls, lw=1.5, label=name)
        for model, marker in ((CHINCHILLA, "*"), (GOPHER, "s")):
            C_model = 6 * model.params * model.tokens
            ax.plot([C_model], [model.params], marker, color="0.15", ms=9 if marker == "*" else 6)
            ax.annotate(model.name, (C_model, model.params), xytext=(-6, 4), textcoords="offset points", ha="right",
                        fontsize=7, color="0.15")
        dots = ax.scatter(np.ones(5), np.ones(5), c=colours, s=36, zorder=5, edgecolors="white", linewidths=0.6)
        (vline,) = ax.plot([1, 1], [1e6, 1e15], color="0.5", lw=0.8)
        ax.set(xscale="log", yscale="log", xlim=(c[0], c[-1]), ylim=(1e7, 1e14), xlabel="budget C = 6ND (FLOPs)",
               ylabel="parameters N")
        ax.legend(loc="upper left", fontsize=6.5)
        note = _text_box(ax, 0.98, 0.03, fontsize=7, va="bottom", ha="right", multialignment="left")
        y = np.arange(5)
        ax2.axvline(20, color="0.4", ls=":", lw=1)
        (stems,) = ax2.plot([], [], color="0.6", lw=1.2)
        bars = ax2.scatter(np.ones(5), y, c=colours, s=40, zorder=5)
        ax2.set(xscale="log", xlim=(3e-3, 1e3), ylim=(4.6, -0.6), xlabel="tokens per parameter D/N")
        ax2.set_yticks(y, _RECIPE_SHORT)
        ax2.grid(False, axis="y")

        def update(C):
            i = slider.index_of(C)
            rows = [table[name] for name in RECIPES]
            N = np.array([r.N[i] for r in rows])
            tpp = np.array([r.tokens_per_param[i] for r in rows])
            dots.set_offsets(np.column_stack([np.full(5, C), N]))
            vline.set_xdata([C, C])
            stems.set_data(np.column_stack([np.full(5, 3e-3), tpp, np.full(5, np.nan)]).ravel(),
                           np.repeat(y, 3).astype(float))
            bars.set_offsets(np.column_stack([tpp, y]))
            note.set_text("N, and loss by Epoch's law\n" + "\n".join(
                f"{s}: {fmt_sci(r.N[i], 2)}, {r.loss[i]:.3f}" for s, r in zip(_RECIPE_SHORT, rows, strict=True)))
            return [dots, vline, stems, bars, note]

        return update

    return explorer(draw, [slider], title="Spending a compute budget: five recipes", figsize=(8.6, 3.6),
                    static=static)


NONEMB_FIT_LO = 1e13
"""Lower end (FLOPs) of the budgets over which :func:`nonembedding_explorer` fits a power law: the small end of
Kaplan et al.'s compute-efficient frontier, as Pearce & Song simulate it."""


def nonembedding_explorer(static: bool | None = None) -> Explorer:
    """Kaplan's exponent from Chinchilla's law: count parameters and compute without embeddings, fit a power law to
    the compute-optimal sizes over a range of budgets, and watch the fitted exponent depend on that range.

    Chapter 2, "Why Kaplan and Chinchilla disagree" (Pearce & Song's argument,
    :func:`book_utils.compute.nonembedding_optimum`). Left: optimal non-embedding size against non-embedding
    compute, the fitted range highlighted and its power law dashed. Right: the local exponent, its two limits, and
    the fitted exponent over the range.
    """
    from .compute import nonembedding_optimum
    from .plotting import fmt_sci
    from .published import EPOCH_FIT, HOFFMANN_APPROACH3_UNROUNDED, KAPLAN

    laws = {"Hoffmann (unrounded)": HOFFMANN_APPROACH3_UNROUNDED, "Epoch": EPOCH_FIT}
    c = np.geomspace(1e11, 1e27, 161)
    upper = Slider("upper", 1e15, 1e25, default=1e21, n=11, log=True, label="fit up to", unit="FLOPs")
    choice = Choice("law", tuple(laws), label="law")
    curves, fits = {}, {}
    for name, law in laws.items():
        p = as_floats(law, ("A", "B", "alpha", "beta"))
        opt = nonembedding_optimum(c, **p)
        curves[name] = (opt.N_nonemb, opt.local_exponent, p["beta"] / (p["alpha"] / 3 + p["beta"]),
                        p["beta"] / (p["alpha"] + p["beta"]))
        for hi in upper.values:
            keep = (c >= NONEMB_FIT_LO * (1 - 1e-9)) & (c <= hi * (1 + 1e-9))
            fits[name, hi] = (keep, np.polyfit(np.log(c[keep]), np.log(opt.N_nonemb[keep]), 1))
    kaplan_a = float(KAPLAN["allocation"]["N"][1])

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2)
        (curve,) = ax.plot(c, c, color="0.3", lw=1.2, label="optimal $N_{\\setminus E}$")
        (used,) = ax.plot(c, c, color=PALETTE[1], lw=3.5, alpha=0.7, label="fitted range")
        (fit_line,) = ax.plot(c, c, color=PALETTE[0], ls="--", lw=1.2, label="power-law fit")
        ax.set(xscale="log", yscale="log", xlim=(c[0], c[-1]), ylim=(1e2, 1e14),
               xlabel=r"non-embedding compute $6N_{\setminus E}D$ (FLOPs)", ylabel=r"optimal $N_{\setminus E}$")
        ax.legend(loc="upper left", fontsize=7)
        (local,) = ax2.plot(c, c, color="0.3", lw=1.4, label="local exponent")
        (small,) = ax2.plot(c, c, color=PALETTE[2], ls=":", lw=1.2, label=r"$\beta/(\alpha/3+\beta)$")
        (large,) = ax2.plot(c, c, color=PALETTE[3], ls=":", lw=1.2, label=r"$\beta/(\alpha+\beta)$")
        ax2.axhline(kaplan_a, color="0.5", ls="--", lw=1, label=f"Kaplan: {kaplan_a}")
        (seg,) = ax2.plot([], [], color=PALETTE[1], lw=3.5, alpha=0.8, label="fitted exponent")
        ax2.set(xscale="log", xlim=(c[0], c[-1]), ylim=(0.4, 1.05), xlabel="non-embedding compute (FLOPs)",
                ylabel=r"$d\log N^*_{\setminus E} / d\log C$")
        ax2.legend(loc="upper right", fontsize=6.5)
        note = _text_box(ax, 0.97, 0.04, fontsize=8, va="bottom", ha="right")

        def update(upper, law):
            n_opt, expo, lim_small, lim_large = curves[law]
            keep, coef = fits[law, upper]
            curve.set_ydata(n_opt)
            used.set_data(c[keep], n_opt[keep])
            fit_line.set_ydata(np.exp(np.polyval(coef, np.log(c))))
            local.set_ydata(expo)
            small.set_ydata(np.full(c.size, lim_small))
            large.set_ydata(np.full(c.size, lim_large))
            seg.set_data([NONEMB_FIT_LO, upper], [coef[0], coef[0]])
            note.set_text(f"fit over {fmt_sci(NONEMB_FIT_LO, 1)}–{fmt_sci(upper, 1)} FLOPs\n"
                          f"$N^*_{{\\setminus E}} \\propto C^{{{coef[0]:.3f}}}$")
            return [curve, used, fit_line, local, small, large, seg, note]

        return update

    return explorer(draw, [upper, choice], title="Kaplan's exponent from Chinchilla's law", figsize=(8.6, 3.5),
                    static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 2, notebook 04_beyond_compute_optimal: data-constrained and inference-aware scaling.
# ---------------------------------------------------------------------------------------------------------------------


def data_constrained_explorer(static: bool | None = None) -> Explorer:
    """What repeating a limited stock of unique tokens is worth, under Muennighoff et al.'s law.

    Chapter 2, "Beyond compute-optimal". Left: effective data D' against training tokens D for the chosen number of
    unique tokens U_D (:func:`book_utils.laws.effective_data`), with its ceiling U_D (1 + R_D*) and the 4- and
    16-epoch points. Right: the best loss reachable at each compute budget with unlimited fresh data and with U_D
    unique tokens (N and D re-optimised under the constraint, :func:`book_utils.compute.compute_optimal_numeric`),
    with the budgets at which that optimum repeats the data 4 and 16 times.
    """
    from .compute import compute_optimal_numeric
    from .laws import data_constrained_loss, effective_data
    from .published import MUENNIGHOFF_FIT

    p = as_floats(MUENNIGHOFF_FIT)
    r_star = p["R_D_star"]
    g = (p["alpha"] * p["A"] / (p["beta"] * p["B"])) ** (1.0 / (p["alpha"] + p["beta"]))
    d = np.geomspace(1e9, 1e14, 200)
    c = np.geomspace(1e18, 1e25, 60)
    c6 = c / 6.0
    a = p["beta"] / (p["alpha"] + p["beta"])
    n_fresh, d_fresh = g * c6**a, c6 ** (1 - a) / g  # the law's own compute-optimal frontier, all data fresh
    l_fresh = data_constrained_loss(n_fresh, d_fresh, d_fresh)
    control = Slider("U_D", 1e9, 1e12, default=1e11, n=13, log=True, label="unique tokens", unit="tokens")
    curves = {}
    for u in control.values:
        n_opt, d_opt = compute_optimal_numeric(lambda n, dd, u=u: data_constrained_loss(n, dd, u), c,
                                               N_range=(1e6, 1e14))
        curves[u] = (data_constrained_loss(n_opt, d_opt, u), d_opt / u)

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2)
        ax.plot(d, d, color="0.3", ls="--", lw=1, label="fresh data, D' = D")
        (eff,) = ax.plot(d, d, color=PALETTE[0], label="repeated, D'")
        (ceiling,) = ax.plot(d, d, color=PALETTE[0], ls=":", lw=1, label=r"ceiling $U_D(1 + R_D^*)$")
        (marks,) = ax.plot([], [], "o", color=PALETTE[1], ms=6, label="4 and 16 epochs")
        ax.set(xscale="log", yscale="log", xlim=(d[0], d[-1]), ylim=(d[0], d[-1]), xlabel="training tokens D",
               ylabel="effective tokens D'")
        ax.legend(loc="upper left", fontsize=7)
        ax2.plot(c, l_fresh, color="0.3", ls="--", lw=1, label="unlimited fresh data")
        (best,) = ax2.plot(c, l_fresh, color=PALETTE[0], label=r"$U_D$ unique tokens, best allocation")
        (marks2,) = ax2.plot([], [], "o", color=PALETTE[1], ms=6, label="4 and 16 epochs")
        ax2.set(xscale="log", xlim=(c[0], c[-1]), ylim=(1.9, 3.6), xlabel="training compute C (FLOPs)",
                ylabel="predicted loss (nats/token)")
        ax2.legend(loc="upper right", fontsize=7)
        note = _text_box(ax2, 0.03, 0.04, fontsize=8, va="bottom")

        def update(U_D):
            eff.set_ydata(effective_data(d, U_D, r_star))
            ceiling.set_ydata(np.full_like(d, U_D * (1 + r_star)))
            marks.set_data([4 * U_D, 16 * U_D], effective_data(np.array([4 * U_D, 16 * U_D]), U_D, r_star))
            l_best, epochs = curves[U_D]
            best.set_ydata(l_best)
            at = [k for k in (4.0, 16.0) if epochs[0] < k < epochs[-1]]  # epochs grow with C along the optimum
            c_at = np.exp(np.interp(np.log(at), np.log(epochs), np.log(c))) if at else []
            marks2.set_data(c_at, np.interp(np.log(c_at), np.log(c), l_best) if at else [])
            note.set_text(f"at C = {c[-1]:.0e} FLOPs: {epochs[-1]:.0f} epochs,\nloss {l_best[-1]:.3f} "
                          f"vs {l_fresh[-1]:.3f} with fresh data")
            return [eff, ceiling, marks, best, marks2, note]

        return update

    return explorer(draw, [control], title="Repeating data: what is a repeated token worth?", figsize=(8.4, 3.5),
                    static=static)


def inference_explorer(static: bool | None = None) -> Explorer:
    """The cheapest model over its lifetime: training plus inference compute, at a fixed loss (Sardana et al.).

    Chapter 2, "Beyond compute-optimal". The target loss is that of a Chinchilla-optimal model of the chosen size,
    under Sardana et al.'s constants (:data:`book_utils.published.SARDANA_CHINCHILLA`). Left: lifetime compute of every
    model that reaches the target, relative to the Chinchilla-optimal one, against its size relative to it. Right:
    the inference-optimal size and the fraction of compute it saves, against inference demand.
    """
    from .compute import compute_optimal_for_params, inference_optimal
    from .laws import chinchilla_loss
    from .plotting import fmt_sci
    from .published import SARDANA_CHINCHILLA

    law = as_floats(SARDANA_CHINCHILLA)
    E, A, B, alpha, beta = (law[k] for k in ("E", "A", "B", "alpha", "beta"))
    demand = Slider("D_inf", 2e9, 2e15, default=2e12, n=19, log=True, label="inference demand", unit="tokens")
    sizes = Choice("N_chin", (1e9, 13e9, 70e9), default=13e9, label="target: loss of", labels=(
        "Chinchilla-optimal 1B", "13B", "70B"))
    d_line = np.geomspace(demand.lo, demand.hi, 80)
    targets = {}
    for n_c in sizes.options:
        _, d_c = compute_optimal_for_params(n_c, A=A, B=B, alpha=alpha, beta=beta)
        ell = chinchilla_loss(n_c, d_c, **law)
        opt = inference_optimal(ell, d_line, **law)
        base = 6 * n_c * d_c + 2 * n_c * d_line
        n_min = (A / (ell - E)) ** (1 / alpha)  # no model at or below this size reaches the target
        r = np.geomspace(max(0.02, 1.01 * n_min / n_c), 4.0, 200)
        d_r = (B / (ell - E - A * (r * n_c) ** -alpha)) ** (1 / beta)
        targets[n_c] = (ell, d_c, opt, base, r, d_r)

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2)
        ax.axhline(1.0, color="0.5", lw=0.8)
        (total,) = ax.plot([], [], color=PALETTE[0], label="training + inference")
        (train,) = ax.plot([], [], color=PALETTE[2], ls="--", lw=1.2, label="training only")
        (chin,) = ax.plot([1.0], [1.0], "s", color="0.2", ms=6, label="Chinchilla-optimal")
        (star,) = ax.plot([], [], "*", color=PALETTE[1], ms=13, label="inference-optimal")
        ax.set(xscale="log", yscale="log", xlim=(0.02, 4), ylim=(0.1, 5),
               xlabel=r"model size $N / N_\mathrm{Chinchilla}$", ylabel="lifetime FLOPs / Chinchilla-optimal's")
        plain_log_ticks(ax, [0.1, 0.2, 0.5, 1, 2, 5])
        ax.legend(loc="upper right", fontsize=7)
        (n_curve,) = ax2.plot([], [], color=PALETTE[1], label=r"$N_\mathrm{opt} / N_\mathrm{Chinchilla}$")
        (s_curve,) = ax2.plot([], [], color=PALETTE[0], label="fraction of FLOPs saved")
        (cursor,) = ax2.plot([], [], color="0.3", lw=0.8, ls=":")
        ax2.set(xscale="log", xlim=(d_line[0], d_line[-1]), ylim=(0, 1.05), xlabel="inference demand (tokens)",
                ylabel="fraction")
        ax2.legend(loc="center left", fontsize=7)
        note = _text_box(ax2, 0.03, 0.97, fontsize=8)

        def update(D_inf, N_chin):
            ell, d_c, opt_line, base_line, r, d_r = targets[N_chin]
            base = 6 * N_chin * d_c + 2 * N_chin * D_inf
            total.set_data(r, (6 * r * N_chin * d_r + 2 * r * N_chin * D_inf) / base)
            train.set_data(r, 6 * r * N_chin * d_r / base)
            o = inference_optimal(ell, D_inf, **law)
            star.set_data([o.N / N_chin], [o.total_flops / base])
            n_curve.set_data(d_line, opt_line.N / N_chin)
            s_curve.set_data(d_line, 1 - opt_line.total_flops / base_line)
            cursor.set_data([D_inf, D_inf], [0, 1.05])
            note.set_text(f"loss {ell:.3f}: N = {fmt_sci(o.N)}, D = {fmt_sci(o.D_train)}\n"
                          f"{o.tokens_per_param:.0f} tokens/param (Chinchilla: {d_c / N_chin:.0f})\n"
                          f"saves {fmt_sci(base - o.total_flops)} FLOPs ({1 - o.total_flops / base:.0%})")
            return [total, train, star, n_curve, s_curve, cursor, note, chin]

        return update

    return explorer(draw, [demand, sizes], title="Training for a lifetime of inference", figsize=(8.4, 3.5),
                    static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3, notebook 01: anatomy of a broken neural scaling law.
# ---------------------------------------------------------------------------------------------------------------------

BNSL_EXPLORER_DEFAULTS = {"b": 1.0, "c0": 0.1, "c": (0.5, -1.0, 1.5), "d": (1e3, 1e6, 1e9), "f": (0.5, 0.2, 0.05)}
"""The three-break BNSL that :func:`bnsl_explorer` starts from (``a = 0``: the explorer plots ``y - a``)."""


def bnsl_explorer(static: bool | None = None) -> Explorer:
    """A broken neural scaling law with one to three breaks, its power-law segments and its local slope.

    Chapter 3, "Anatomy of a broken neural scaling law" :cite:p:`caballero2023broken`. Left: ``y - a`` on log-log
    axes (:func:`book_utils.laws.bnsl`), the segments ``B_k x^(-s_k)`` it bends between
    (:func:`book_utils.laws.bnsl_segments`) and each break location ``d_i`` (dotted). Right: the local slope
    ``d log(y - a) / d log x`` (:func:`book_utils.laws.local_exponent`) stepping from one segment's slope to the next.
    ``b`` and ``c0`` stay at :data:`BNSL_EXPLORER_DEFAULTS`; each break has sliders for its change of slope ``c_i``,
    location ``d_i`` and sharpness ``f_i``. The kernel-free page moves the number of breaks and ``f1``.
    """
    from .laws import bnsl, bnsl_segments, local_exponent

    p = BNSL_EXPLORER_DEFAULTS
    b, c0 = p["b"], p["c0"]
    x = np.geomspace(1.0, 1e12, 400)
    d_ranges = ((10.0, 1e5), (1e4, 1e8), (1e7, 1e11))
    controls = [Choice("n_breaks", (1, 2, 3), default=3, label="breaks")]
    for i in range(3):
        k = i + 1
        controls += [Slider(f"c{k}", -1.5, 2.0, default=p["c"][i], n=8, label=f"c{k} (change of slope)"),
                     Slider(f"d{k}", *d_ranges[i], default=p["d"][i], n=7, log=True, label=f"d{k} (where)"),
                     Slider(f"f{k}", 0.02, 2.0, default=p["f"][i], n=11, log=True, label=f"f{k} (sharpness)")]

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        seg_colors = (PALETTE[4], PALETTE[5], PALETTE[1], PALETTE[2])
        segs, flats = [], []
        for k in range(4):
            (s_line,) = ax.plot([], [], "--", color=seg_colors[k], lw=1.6, label=f"segment {k}")
            (s_flat,) = ax2.plot([], [], "--", color=seg_colors[k], lw=1.6)
            segs.append(s_line), flats.append(s_flat)
        ylim, slim = (1e-7, 1e2), (-2.5, 1.5)
        (vlines,) = ax.plot([], [], ":", color=PALETTE[3], lw=1.2, label="breaks $d_i$")
        (vlines2,) = ax2.plot([], [], ":", color=PALETTE[3], lw=1.2)
        (dots,) = ax.plot([], [], "o", color=PALETTE[3], ms=4)
        (curve,) = ax.plot([], [], color="0.1", lw=2.2, label="BNSL", zorder=3)
        (slope,) = ax2.plot([], [], color="0.1", lw=2.0, zorder=3)
        ax.set(xscale="log", yscale="log", xlim=(x[0], x[-1]), ylim=ylim, xlabel="scale x", ylabel="y − a")
        ax.legend(loc="upper right", fontsize=7, ncol=2)
        ax2.axhline(0.0, color="0.6", lw=0.8)
        ax2.set(xscale="log", xlim=(x[0], x[-1]), ylim=slim, xlabel="scale x",
                ylabel="local slope d log(y − a) / d log x")
        note = _text_box(ax2, 0.03, 0.04, fontsize=7, va="bottom")

        def update(n_breaks, **values):
            c, d, f = ([values[f"{q}{k}"] for k in range(1, n_breaks + 1)] for q in "cdf")
            y = bnsl(x, 0.0, b, c0, c, d, f)
            amp, s = bnsl_segments(b, c0, c, d, f)
            curve.set_data(x, y)
            slope.set_data(x, local_exponent(x, y))
            edges = [x[0], *d, x[-1]]
            for k in range(4):
                shown = k <= n_breaks
                segs[k].set_visible(shown), flats[k].set_visible(shown)
                if shown:  # each segment drawn from 1.5 decades before its first break to 1.5 after its last
                    xs = np.array([edges[k] / 30 if k else edges[0], edges[k + 1] * 30 if k < n_breaks else x[-1]])
                    segs[k].set_data(xs, amp[k] * xs ** -s[k])
                    flats[k].set_data(xs, [-s[k], -s[k]])
            gaps = np.repeat(d, 3).reshape(-1, 3)
            gaps[:, 2] = np.nan
            vlines.set_data(gaps.ravel(), np.tile([*ylim, np.nan], n_breaks))
            vlines2.set_data(gaps.ravel(), np.tile([*slim, np.nan], n_breaks))
            dots.set_data(d, bnsl(np.asarray(d), 0.0, b, c0, c, d, f))
            fate = "y → a" if s[-1] > 0 else ("y → a + const" if s[-1] == 0 else "y → ∞")
            note.set_text("slopes " + ", ".join(f"{-v:+.2f}" for v in s) + f": {fate}\n10–90% widths "
                          + ", ".join(f"{2 * np.log10(9) * v:.2g}" for v in f) + " decades")
            return [*segs, *flats, vlines, vlines2, dots, curve, slope, note]

        return update

    return explorer(draw, controls, title="Anatomy of a broken neural scaling law (b = 1, c0 = 0.1)",
                    figsize=(8.6, 3.6), static=static, static_controls=["n_breaks", "f1"])


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3, notebook 02: phenomena one broken neural scaling law covers.
# ---------------------------------------------------------------------------------------------------------------------

PHENOMENA = ("saturation", "double descent", "sharp inflection", "delayed transition")
"""The four behaviours of :func:`phenomena_explorer`, in the order of its buttons."""

PHENOMENA_EARLY_X = 1e3
"""The "early data" of :func:`phenomena_explorer`: scales ``x <= 1000`` (shaded in its delayed-transition view)."""


def phenomenon_law(phenomenon: str, strength: float) -> dict:
    """The BNSL that :func:`phenomena_explorer` draws for ``phenomenon`` at ``strength`` in [0, 1].

    ``strength`` moves one key parameter (0: the effect absent or weakest, 1: strongest):

    - ``"saturation"``: the floor ``a`` from 0 to 0.3 (a plain power law at 0);
    - ``"double descent"``: ``c1`` from +0.5 to -2 at ``d1 = 100``, with ``c2 = 2.1 - c1`` at ``d2 = 300`` so that
      the last slope stays 2.5; the middle segment rises once ``c0 + c1 < 0``;
    - ``"sharp inflection"``: Caballero et al.'s 4-digit-addition simulation
      (:data:`book_utils.published.BNSL_ARITHMETIC_SIMULATION`) with its sharpness ``f1`` from 1 (strength 0) to
      the published 0.059 (strength 0.75) and beyond, ``f1 = 0.0592**(4 strength / 3)``;
    - ``"delayed transition"``: a sharp break (``c1 = 1``, ``f1 = 0.1``) at ``d1`` from 10 to ``10**5``.

    Returns
    -------
    dict
        Keyword arguments of :func:`book_utils.laws.bnsl`.
    """
    from .published import BNSL_ARITHMETIC_SIMULATION, bnsl_kwargs

    s = as_scalar("strength", strength, lo=0.0, hi=1.0)
    if phenomenon == "saturation":
        return {"a": 0.3 * s, "b": 2.0, "c0": 0.4, "c": [], "d": [], "f": []}
    if phenomenon == "double descent":
        c1 = 0.5 - 2.5 * s
        return {"a": 0.02, "b": 2.0, "c0": 0.4, "c": [c1, 2.1 - c1], "d": [100.0, 300.0], "f": [0.2, 0.2]}
    if phenomenon == "sharp inflection":
        law = bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)
        return law | {"f": [law["f"][0] ** (4.0 * s / 3.0)]}
    if phenomenon == "delayed transition":
        return {"a": 0.05, "b": 1.5, "c0": 0.15, "c": [1.0], "d": [10.0 * 1e4 ** s], "f": [0.1]}
    raise ValueError(f"phenomenon must be one of {PHENOMENA}, got {phenomenon!r}")


def phenomena_explorer(static: bool | None = None) -> Explorer:
    """Four behaviours of one functional form: saturation, double descent, a sharp (emergence-like) inflection and a
    delayed transition, each a BNSL with one key parameter on the slider (:func:`phenomenon_law`).

    Chapter 3, "Phenomena one form covers" :cite:p:`caballero2023broken`. Left: the law on log-log axes, its first
    segment ``a + b x^(-c0)`` extended (what the early data alone suggest), the floor ``a`` and the breaks. Right:
    the same curve with a linear y axis, the way emergence plots are drawn. In the delayed-transition view the early
    data (``x <= 1000``) are shaded and the note gives the largest gap there between the curve and its first segment.
    """
    from .laws import bnsl

    x = np.geomspace(1.0, 1e5, 500)
    early = x <= PHENOMENA_EARLY_X
    kind = Choice("phenomenon", PHENOMENA, label="phenomenon")
    strength = Slider("strength", 0.0, 1.0, default=0.75, n=9, label="strength of the effect")

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
        shade = ax.axvspan(1.0, PHENOMENA_EARLY_X, color=PALETTE[5], alpha=0.15, lw=0)
        shade_label = ax.text(30.0, 6.0, "early data", ha="center", va="top", fontsize=8, color="0.3")
        (first,) = ax.plot(x, x, "--", color="0.45", lw=1.3, label="first segment, extended")
        (floor,) = ax.plot(x, x, ":", color="0.3", lw=1.2, label="floor a")
        (breaks,) = ax.plot([], [], ":", color=PALETTE[3], lw=1.2, label="breaks $d_i$")
        (curve,) = ax.plot(x, x, color=PALETTE[0], lw=2.2, label="BNSL", zorder=3)
        ax.set(xscale="log", yscale="log", xlim=(x[0], x[-1]), ylim=(1e-2, 10.0), xlabel="scale x",
               ylabel="y (log axis)")
        ax.legend(loc="lower left", fontsize=7)
        (first2,) = ax2.plot(x, x, "--", color="0.45", lw=1.3)
        (curve2,) = ax2.plot(x, x, color=PALETTE[0], lw=2.2, zorder=3)
        ax2.set(xscale="log", xlim=(x[0], x[-1]), ylim=(0.0, 3.0), xlabel="scale x", ylabel="y (linear axis)")
        note = _text_box(ax2, 0.97, 0.97, fontsize=7, ha="right")

        def update(phenomenon, strength):
            law = phenomenon_law(phenomenon, strength)
            y = bnsl(x, **law)
            seg = law["a"] + law["b"] * x ** -law["c0"]
            curve.set_ydata(y), curve2.set_ydata(y), first.set_ydata(seg), first2.set_ydata(seg)
            floor.set_ydata(np.full_like(x, max(law["a"], 1e-3)))
            floor.set_visible(law["a"] > 0)
            d = np.asarray(law["d"], dtype=float)
            breaks.set_data(np.repeat(d, 3), np.tile([1e-2, 10.0, np.nan], d.size))
            shade.set_visible(phenomenon == "delayed transition")
            shade_label.set_visible(phenomenon == "delayed transition")
            c = ", ".join(f"{v:+.2f}" for v in law["c"])
            f = ", ".join(f"{v:.3g}" for v in law["f"])
            text = f"a = {law['a']:.3g}, c0 = {law['c0']:.3g}"
            if d.size:
                text += f"\nc = {c}; d = {', '.join(f'{v:.3g}' for v in d)}; f = {f}"
            if phenomenon == "double descent":
                mid = law["c0"] + law["c"][0]
                text += f"\nmiddle slope {-mid:+.2f}: " + ("rises" if mid < 0 else "falls")
            if phenomenon == "sharp inflection":
                text += f"\ny: {bnsl(400.0, **law):.2f} at x = 400, {bnsl(1000.0, **law):.2f} at x = 1000"
            if phenomenon == "delayed transition":
                gap = np.max(np.abs(y[early] / seg[early] - 1))
                gap_text = f"{100 * gap:.2g}%" if gap >= 1e-5 else "less than 0.001%"
                text += f"\nearly data (x ≤ 1000) differ from the\nfirst segment by at most {gap_text}"
            note.set_text(text)
            return [shade, shade_label, first, floor, breaks, curve, first2, curve2, note]

        return update

    return explorer(draw, [kind, strength], title="One form, four phenomena", figsize=(8.6, 3.6), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 3, notebook 03: fitting a BNSL and trusting its extrapolations.
# ---------------------------------------------------------------------------------------------------------------------

SPLIT_SMOOTH_LAW = {"a": 0.05, "b": 0.8, "c0": 0.1, "c": (0.6,), "d": (1e3,), "f": (0.5,)}
"""The smooth one-break BNSL behind the "noisy smooth" curve of :func:`split_explorer` (an error rate that starts
near 0.7 and falls to about 0.07; multiplicative noise of 5% is added)."""

SPLIT_TRAIN = tuple(range(13, 18))
"""Numbers of fitted points (of 20) that :func:`split_explorer`'s slider offers."""


@functools.lru_cache(maxsize=1)
def split_fits():
    """The curves of :func:`split_explorer` and their fits at every split (cached: the explorer and a notebook's
    checks share them).

    Curves (20 points each): ``"sharp"``, Caballero et al.'s noiseless 4-digit-addition simulation
    (:data:`book_utils.published.BNSL_ARITHMETIC_SIMULATION`) at 20 log-spaced whole numbers from 10 to 4095;
    ``"noisy"``, :data:`SPLIT_SMOOTH_LAW` at 20 log-spaced ``x`` from 10 to ``10**5`` with log-normal noise of
    ``sigma = 0.05`` (seed 0). For each ``n`` in :data:`SPLIT_TRAIN` a one-break BNSL
    (:func:`book_utils.fitting.fit_bnsl` with 2,000 starts, 8 polished) and M2 are fitted to the ``n`` smallest ``x``.

    Returns
    -------
    curves : dict
        ``{name: (x, y, truth)}``, ``truth`` the noiseless law as keyword arguments of :func:`book_utils.laws.bnsl`.
    fits : dict
        ``{(name, n): (bnsl_fit, m2_fit)}``.
    """
    from .fitting import add_log_noise, fit_baseline, fit_bnsl
    from .laws import bnsl
    from .published import BNSL_ARITHMETIC_SIMULATION, bnsl_kwargs

    sharp = bnsl_kwargs(BNSL_ARITHMETIC_SIMULATION)
    smooth = {k: list(v) if isinstance(v, tuple) else v for k, v in SPLIT_SMOOTH_LAW.items()}
    x1 = np.unique(np.round(np.geomspace(10, 4095, 20)))
    x2 = np.geomspace(10, 1e5, 20)
    curves = {"sharp": (x1, bnsl(x1, **sharp), sharp),
              "noisy": (x2, add_log_noise(bnsl(x2, **smooth), 0.05, seed=0), smooth)}
    fits = {}
    for name, (x, y, _) in curves.items():
        for n in SPLIT_TRAIN:
            fits[name, n] = (fit_bnsl(x[:n], y[:n], n_starts=2000, keep=8), fit_baseline("M2", x[:n], y[:n]))
    return curves, fits


def split_explorer(static: bool | None = None) -> Explorer:
    """Where the data stop: move the split between fitted and held-out points and watch a BNSL and M2 extrapolate.

    Chapter 3, "Fitting a BNSL and trusting its extrapolations". Two curves (:func:`split_fits`): a sharp break
    (Caballero et al.'s 4-digit-addition simulation) and a noisy smooth BNSL. The ``n`` smallest points are fitted,
    the rest held out; the note gives each form's RMSLE on the held-out points.
    """
    from .laws import bnsl

    curves, fits = split_fits()
    grids = {k: np.geomspace(x[0], x[-1], 300) for k, (x, _, _) in curves.items()}
    ylims = {"sharp": (0.3, 3.5), "noisy": (0.03, 1.0)}
    yticks = {"sharp": [0.4, 0.6, 1, 2, 3], "noisy": [0.05, 0.1, 0.2, 0.5, 1]}
    curve_choice = Choice("curve", ("sharp", "noisy"), label="curve",
                          labels=("sharp break (4-digit simulation)", "noisy smooth BNSL"))
    split = Slider("n_train", SPLIT_TRAIN[0], SPLIT_TRAIN[-1], default=14, n=len(SPLIT_TRAIN),
                   label="points fitted", digits=2)
    shown = {"curve": None}

    def draw(fig):
        ax = fig.subplots()
        (truth,) = ax.plot([], [], color="0.6", lw=1, label="truth (noiseless)")
        (train,) = ax.plot([], [], "o", color="0.1", ms=5, label="fitted")
        (held,) = ax.plot([], [], "o", mfc="white", mec=PALETTE[1], mew=1.5, ms=6, label="held out")
        (fit_b,) = ax.plot([], [], color=PALETTE[0], lw=2, label="BNSL fit")
        (fit_m2,) = ax.plot([], [], "--", color=PALETTE[2], lw=1.6, label="M2 fit")
        (cut,) = ax.plot([], [], ":", color="0.4", lw=1)
        ax.set(xscale="log", yscale="log", xlabel="scale x", ylabel="loss or error y")
        ax.legend(loc="lower left", fontsize=7)
        note = _text_box(ax, 0.97, 0.97, fontsize=8, ha="right")

        def update(curve, n_train):
            n = round(n_train)
            x, y, law = curves[curve]
            fb, fm = fits[curve, n]
            g = grids[curve]
            truth.set_data(g, bnsl(g, **law))
            train.set_data(x[:n], y[:n])
            held.set_data(x[n:], y[n:])
            lo, hi = ylims[curve]
            fit_b.set_data(g, np.clip(fb.predict(g), lo / 10, hi * 10))
            fit_m2.set_data(g, np.clip(fm.predict(g), lo / 10, hi * 10))
            edge = np.sqrt(x[n - 1] * x[n])
            cut.set_data([edge, edge], [lo, hi])
            note.set_text(f"fitted: x ≤ {fmt_quantity(x[n - 1], digits=3)} ({n} points)\nheld-out RMSLE: BNSL "
                          f"{fb.rmsle(x[n:], y[n:]):.3f}, M2 {fm.rmsle(x[n:], y[n:]):.3f}")
            changed = [truth, train, held, fit_b, fit_m2, cut, note]
            if shown["curve"] != curve:  # new axis limits: redraw everything
                shown["curve"] = curve
                ax.set(xlim=(x[0] / 1.3, x[-1] * 1.3), ylim=(lo, hi))
                plain_log_ticks(ax, yticks[curve])
                return None
            return changed

        return update

    return explorer(draw, [curve_choice, split], title="Fit the small x, extrapolate to the large",
                    figsize=(7.4, 3.6), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Appendix: fit your own runs (the interactive twin of ``python -m book_utils fit``).
# ---------------------------------------------------------------------------------------------------------------------

RUNS_BUDGETS = 10 ** np.arange(6.0, 10.01, 0.5)
"""Budgets (FLOPs) at which :func:`runs_fits` predicts the loss: the sample's range, 1e6 to 1e8, and two decades
beyond it, in half decades (:func:`runs_explorer`'s slider moves by whole decades)."""

RUNS_LAW_LABELS = {"chinchilla": "Chinchilla, all runs", "kaplan": "Kaplan, all runs",
                   "saturating": "saturating, frontier", "bnsl": "BNSL, frontier"}
"""How :func:`runs_explorer` and :func:`upload_fit_widget` name the laws of :data:`book_utils.userfit.LAWS`."""

_COMPUTE_LAWS = ("saturating", "bnsl")  # the laws in compute alone: fitted to the frontier, no split of a budget


@functools.lru_cache(maxsize=1)
def runs_fits(n_boot: int = 50):
    """The four laws fitted to the sample runs (:func:`book_utils.userfit.sample_runs_csv`), as
    :func:`runs_explorer` shows them (cached).

    Chinchilla and Kaplan are fitted to all 78 runs, the laws in compute alone (saturating, BNSL with one break) to
    the 9 best runs, one per budget (:func:`book_utils.userfit.frontier_runs`); each with ``n_boot`` bootstrap
    resamples (seed 0) and the budgets :data:`RUNS_BUDGETS`.

    Returns
    -------
    table, frontier : book_utils.userfit.RunTable
        All runs and the best run of each budget.
    reports : dict
        ``{law: FitReport}`` for each law of :data:`book_utils.userfit.LAWS`.
    """
    from .userfit import LAWS, fit_runs, frontier_runs, read_runs

    table = read_runs(sample_runs_csv())
    frontier = frontier_runs(table)
    reports = {law: fit_runs(frontier if law in _COMPUTE_LAWS else table, law, budgets=RUNS_BUDGETS,
                             n_boot=n_boot, seed=0) for law in LAWS}
    return table, frontier, reports


def runs_explorer(static: bool | None = None) -> Explorer:
    """Four laws fitted to the same runs, and what each says about a budget (:func:`runs_fits`).

    Appendix, "Fit your own runs". Left: the sample's 78 runs (loss against compute), the best run of each budget,
    the fitted law (for Chinchilla and Kaplan its compute-optimal frontier), the 90% bootstrap interval of the loss
    at each of :data:`RUNS_BUDGETS`, and the prediction at the chosen budget (1e6 to 1e10 FLOPs by decades).
    Right: tokens per parameter at the optimum, the fit's against the lab's true law
    (:meth:`book_utils.lab.ScalingLab.law`); the laws in compute alone give none.
    """
    from .compute import compute_optimal_numeric
    from .lab import ScalingLab
    from .plotting import fmt_sci
    from .userfit import LAWS, allocate

    table, frontier, reports = runs_fits()
    c_line = np.geomspace(RUNS_BUDGETS[0], RUNS_BUDGETS[-1], 61)
    curves = {law: allocate(law, r.params, c_line) for law, r in reports.items()}
    n_true, d_true = compute_optimal_numeric(ScalingLab().law, c_line)
    n_at, d_at = compute_optimal_numeric(ScalingLab().law, RUNS_BUDGETS)
    ylim, ratio_lim = (0.45, 1.5), (4.0, 800.0)
    c_max = table.flops.max()

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
        ax.plot(table.flops, table.loss, "o", color="0.72", ms=3.5, label=f"runs ({len(table)})")
        ax.plot(frontier.flops, frontier.loss, "o", mfc="none", mec="0.1", ms=6, label="best run per budget")
        ax.axvspan(c_max * 1.05, RUNS_BUDGETS[-1] * 1.3, color="0.93", zorder=0)
        ax.text(c_max * 1.3, ylim[0] * 1.03, "beyond the runs", fontsize=7, color="0.4")
        bands = {}
        for law, r in reports.items():
            lo, hi = np.array([row["loss_interval"] for row in r.budgets]).T
            bands[law] = ax.fill_between(RUNS_BUDGETS, np.clip(lo, *ylim), np.clip(hi, *ylim), color=PALETTE[0],
                                         alpha=0.18, lw=0, visible=False)
        (fit_line,) = ax.plot([], [], color=PALETTE[0], lw=2, label="fitted law")
        (bar,) = ax.plot([], [], color=PALETTE[3], lw=2.5)
        (star,) = ax.plot([], [], "*", color=PALETTE[3], ms=13, label="prediction, 90% interval")
        ax.set(xscale="log", yscale="log", xlim=(RUNS_BUDGETS[0] / 1.3, RUNS_BUDGETS[-1] * 1.3), ylim=ylim,
               xlabel="training compute C (FLOPs)", ylabel="final loss")
        plain_log_ticks(ax, [0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.4])
        ax.legend(loc="upper right", fontsize=7)
        note = _text_box(ax, 0.03, 0.04, fontsize=7.5, va="bottom")
        ax2.plot(c_line, d_true / n_true, "--", color="0.3", lw=1.2, label="lab's true law")
        ax2.plot(frontier.flops, frontier.tokens / frontier.params, "o", mfc="none", mec="0.1", ms=5,
                 label="best run per budget")
        (ratio_line,) = ax2.plot([], [], color=PALETTE[0], lw=2, label="fit: compute-optimal")
        (ratio_pt,) = ax2.plot([], [], "*", color=PALETTE[3], ms=12)
        ax2.set(xscale="log", yscale="log", xlim=(RUNS_BUDGETS[0] / 1.3, RUNS_BUDGETS[-1] * 1.3), ylim=ratio_lim,
                xlabel="training compute C (FLOPs)", ylabel="tokens per parameter")
        plain_log_ticks(ax2, [5, 10, 20, 50, 100, 200, 500])
        ax2.legend(loc="upper left", fontsize=7)
        note2 = _text_box(ax2, 0.04, 0.04, fontsize=7.5, va="bottom")

        def update(law, C):
            r = reports[law]
            i = int(np.argmin(np.abs(np.log(RUNS_BUDGETS / C))))
            row = r.budgets[i]
            fit_line.set_data(c_line, [p["loss"] for p in curves[law]])
            for name, band in bands.items():
                band.set_visible(name == law)
            lo, hi = row["loss_interval"]
            bar.set_data([row["flops"]] * 2, np.clip([lo, hi], *ylim))
            star.set_data([row["flops"]], [row["loss"]])
            beyond = row["flops"] / c_max
            where = f"{beyond:.0f}x the largest run" if beyond > 1.5 else "inside the sweep"
            text = [f"{RUNS_LAW_LABELS[law]} ({r.n_runs} runs)", f"C = {fmt_sci(row['flops'])} FLOPs ({where})",
                    f"loss {row['loss']:.3f}, 90%: {fmt_quantity(lo, digits=3)} to {fmt_quantity(hi, digits=3)}"]
            if law in _COMPUTE_LAWS:
                ratio_line.set_data([], [])
                ratio_pt.set_data([], [])
                note2.set_text("a law in compute alone\ndoes not split the budget")
            else:
                ratio_line.set_data(c_line, [p["tokens"] / p["params"] for p in curves[law]])
                ratio_pt.set_data([row["flops"]], [row["tokens"] / row["params"]])
                text.append(f"N = {fmt_sci(row['params'])}, D = {fmt_sci(row['tokens'])}")
                note2.set_text(f"fit: {row['tokens'] / row['params']:.0f} tokens/param\n"
                               f"lab's truth: {d_at[i] / n_at[i]:.0f} tokens/param")
            note.set_text("\n".join(text))
            return [*bands.values(), fit_line, bar, star, note, ratio_line, ratio_pt, note2]

        return update

    controls = [Choice("law", LAWS, label="law", labels=tuple(RUNS_LAW_LABELS[law] for law in LAWS)),
                Slider("C", RUNS_BUDGETS[0], RUNS_BUDGETS[-1], default=1e9, n=5, log=True, label="budget",
                       unit="FLOPs")]
    return explorer(draw, controls, title="Four laws, one set of runs", figsize=(8.6, 3.7), static=static)


_KERNEL_NOTE = ("<p><b>Fit your own runs</b> needs a running Python kernel: it reads your file and fits it in "
                "Python. Open this notebook in Jupyter (<code>make lab</code>) to get the upload button, or use the "
                "command line: <code>python -m book_utils fit runs.csv --budget 1e21 1e22</code>.</p>")


def _parse_budgets(text):
    """Budgets typed as numbers separated by spaces or commas, e.g. ``"1e21, 3e21 1e22"``; ``""`` gives none."""
    out = []
    for word in text.replace(",", " ").split():
        try:
            value = float(word)
        except ValueError:
            raise ValueError(f"budgets: {word!r} is not a number; type FLOPs such as 1e21 3e21") from None
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"budgets: {word!r} must be a positive number of FLOPs")
        out.append(value)
    return out


class UploadFitWidget(widgets.VBox):
    """Upload a runs file, pick a law, fit: :func:`book_utils.userfit.fit_runs` behind a few controls.
    Build one with :func:`upload_fit_widget`.

    Attributes
    ----------
    upload : ipywidgets.FileUpload
        The runs file (CSV); uploading it reads and checks it at once.
    sample : ipywidgets.Button
        Loads the book's sample runs instead (:func:`book_utils.userfit.sample_runs_csv`).
    law : ipywidgets.Dropdown
        One of :data:`book_utils.userfit.LAWS`.
    budgets : ipywidgets.Text
        Budgets in FLOPs, separated by spaces or commas.
    bootstrap, breaks : ipywidgets.BoundedIntText
        Bootstrap resamples; breaks of the BNSL.
    frontier : ipywidgets.Checkbox
        Fit only the best run of each budget (ticked when a law in compute alone is chosen).
    button : ipywidgets.Button
        Fit.
    progress : ipywidgets.IntProgress
        The bootstrap's progress.
    status : ipywidgets.HTML
        One line about the file loaded, or what is wrong with it.
    output : ipywidgets.Output
        The tables and the figure of the last fit, or its error.
    data, name : bytes or None, str
        The runs file loaded and its name.
    report : book_utils.userfit.FitReport or None
        The last fit (``report_dict(report)`` gives the JSON of the command line).
    text : str
        The tables of the last fit, as the command line prints them.
    error : str or None
        The message of the last failure, ``None`` after a success.
    static : bool
        Kernel-free mode: only a note is shown (the controls exist, but nothing can run them without a kernel).
    """

    def __init__(self, *, static=None, n_boot=100):
        from .userfit import LAWS

        self.static = static_mode() if static is None else bool(static)
        style = {"description_width": "8em"}
        self.upload = widgets.FileUpload(accept=".csv,text/csv", multiple=False, description="Runs CSV")
        self.sample = widgets.Button(description="Use the sample runs", tooltip="78 runs of the book's scaling lab")
        self.law = widgets.Dropdown(options=[(RUNS_LAW_LABELS[law].split(",")[0], law) for law in LAWS],
                                    value="chinchilla", description="law", style=style)
        self.budgets = widgets.Text(value="", placeholder="e.g. 1e21 1e22", description="budgets (FLOPs)",
                                    style=style)
        self.bootstrap = widgets.BoundedIntText(value=as_int("n_boot", n_boot), min=0, max=5000,
                                                description="bootstrap", style=style,
                                                layout=widgets.Layout(width="15em"))
        self.breaks = widgets.BoundedIntText(value=1, min=0, max=3, description="breaks (BNSL)", style=style,
                                             layout=widgets.Layout(width="15em"))
        self.frontier = widgets.Checkbox(value=False, description="fit only the best run of each budget",
                                         indent=False)
        self.button = widgets.Button(description="Fit", button_style="primary", icon="play")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="bootstrap",
                                            layout=widgets.Layout(visibility="hidden"))
        self.status = widgets.HTML("<i>Upload a CSV with columns params, tokens or flops, and loss.</i>")
        self.output = widgets.Output()
        self.data, self.name, self.report, self.text, self.error = None, "", None, "", None
        self.upload.observe(self._on_upload, names="value")
        self.sample.on_click(lambda _: self.load(sample_runs_csv(), "sample runs (scaling lab)"))
        self.law.observe(self._on_law, names="value")
        self.button.on_click(lambda _: self.run())
        if self.static:
            children = [widgets.HTML(_KERNEL_NOTE)]
        else:
            children = [widgets.HBox([self.upload, self.sample]), self.status, self.law, self.budgets,
                        widgets.HBox([self.bootstrap, self.breaks]), self.frontier,
                        widgets.HBox([self.button, self.progress]), self.output]
        super().__init__(children=children)

    # -- input ------------------------------------------------------------------------------------------------------
    def _on_upload(self, change):
        files = change["new"]
        if files:
            f = files[0]
            self.load(bytes(f["content"]), str(f["name"]))

    def _on_law(self, change):
        self.frontier.value = change["new"] in _COMPUTE_LAWS

    def load(self, data, name="uploaded file"):
        """Load a runs file (``bytes``) and say in :attr:`status` how many runs it has, or what is wrong with it.

        Returns the :class:`book_utils.userfit.RunTable`, or ``None`` if the file cannot be used.
        """
        from .plotting import fmt_sci
        from .userfit import RunsFileError, frontier_runs, read_runs

        self.data, self.name = bytes(data), str(name)
        if name.startswith("sample") and not self.budgets.value.strip():
            self.budgets.value = "1e9 1e10"
        try:
            table = read_runs(self.data, name=self.name)
        except RunsFileError as exc:
            self.status.value = f"<span style='color:#D55E00'>{_escape(str(exc))}</span>"
            return None
        budgets = len(frontier_runs(table))
        self.status.value = (f"<b>{_escape(self.name)}</b>: {len(table)} runs, {budgets} distinct compute budgets, "
                             f"{fmt_sci(table.flops.min())} to {fmt_sci(table.flops.max())} FLOPs")
        return table

    # -- fitting ----------------------------------------------------------------------------------------------------
    def _progress(self, done, total):
        self.progress.max = total
        self.progress.value = done

    def run(self, data=None, name="uploaded file"):
        """Fit the loaded file (or ``data``, bytes of a runs file, loaded first) with the current settings and show
        the result in :attr:`output`, as the Fit button does.

        Returns the :class:`book_utils.userfit.FitReport`, or ``None`` when the file or a setting is wrong (the
        message is in :attr:`error` and in the output). Any other exception is shown with its traceback and raised.
        """
        from .cli import _plot, _print_report
        from .userfit import RunsFileError, fit_runs, frontier_runs, read_runs

        if data is not None:
            self.load(data, name)
        self.report, self.text, self.error = None, "", None
        try:
            if self.data is None:
                raise ValueError("no runs file yet: upload a CSV, or press 'Use the sample runs'")
            table = read_runs(self.data, name=self.name)
            if self.frontier.value:
                table = frontier_runs(table)
            budgets = _parse_budgets(self.budgets.value)
            self.progress.layout.visibility = "visible" if self.bootstrap.value else "hidden"
            self.progress.value = 0
            report = fit_runs(table, self.law.value, breaks=self.breaks.value, budgets=budgets,
                              n_boot=self.bootstrap.value, seed=0, progress=self._progress)
        except (RunsFileError, ValueError) as exc:
            self.error = str(exc)
            self._show(f"error: {self.error}", f"<pre style='color:#D55E00'>error: {_escape(self.error)}</pre>")
            return None
        except Exception:
            tb = traceback.format_exc()
            self.error = tb
            self._show(tb, f"<pre style='color:#D55E00'>{_escape(tb)}</pre>")
            raise
        buf = io.StringIO()
        _print_report(report, buf)
        png = io.BytesIO()
        _plot(report, png)
        self.report, self.text = report, buf.getvalue()
        self._show(self.text, f"<pre>{_escape(self.text)}</pre>", png.getvalue())
        return report

    def _show(self, text, html, png=None):
        """Replace the output area's content: the text (plain and as HTML), then the figure if there is one."""
        import base64

        outputs = [{"output_type": "display_data", "metadata": {}, "data": {"text/plain": text, "text/html": html}}]
        if png is not None:
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                                     "text/plain": "<figure: the runs and the fitted law>"}})
        self.output.outputs = tuple(outputs)


def upload_fit_widget(static: bool | None = None, n_boot: int = 100) -> UploadFitWidget:
    """Fit a scaling law to your own runs in the notebook: upload a CSV, pick a law, type budgets, press Fit.

    Appendix, "Fit your own runs"; the same work as ``python -m book_utils fit`` (:mod:`book_utils.cli`), with the
    same tables and figure. In kernel-free mode (the published book) it shows a note instead: nothing can be fitted
    without a kernel.

    Parameters
    ----------
    static : bool, optional
        Kernel-free mode (``True``: only the note) or live (``False``); default: :func:`static_mode`.
    n_boot : int
        Initial number of bootstrap resamples, >= 0.

    Returns
    -------
    UploadFitWidget
        Its controls are attributes (``upload``, ``law``, ``budgets``, ``button``, ``output``, ...), and
        :meth:`UploadFitWidget.run` fits bytes of a runs file directly.
    """
    return UploadFitWidget(static=static, n_boot=n_boot)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 4, notebook 01: emergent abilities, and why they make a model family hard to audit.
# ---------------------------------------------------------------------------------------------------------------------

def emergence_audit_explorer(static: bool | None = None, seed: int = 0) -> Explorer:
    """Which abilities can an audit of models up to some compute see, and does it see a jump coming?

    Chapter 4, "Emergent abilities" :cite:p:`wei2022emergent,bommasani2021opportunities`. Left: the 22 thresholds of
    Wei et al.'s Table 1 (:data:`book_utils.published.WEI_TABLE1`) as a cumulative count against training compute;
    the shaded region is what has been evaluated, filled dots the abilities seen there, hollow dots those still
    ahead. Right: a toy ability (:func:`~book_utils.emergence.toy_ability`, :data:`~book_utils.emergence.AUDIT_TOY`)
    that jumps at :data:`~book_utils.emergence.AUDIT_THRESHOLD`, the table's median; models are evaluated every half
    decade of compute up to the largest, each on the same 1000 questions (a seeded binomial draw, the same in every
    frame), with a straight-line trend of the evaluations extrapolated to 1e25 FLOPs and the detection horizon of
    :func:`~book_utils.emergence.detection_horizon`.
    """
    from .plotting import fmt_sci
    from .published import WEI_TABLE1

    seed = as_int("seed", seed)
    rows = sorted(WEI_TABLE1, key=lambda r: r.flops)
    flops = np.array([r.flops for r in rows])
    count = np.arange(1, flops.size + 1)
    lo, hi = 1e18, 1e25
    grid = 10 ** np.arange(18.0, 25.01, 0.5)  # the models one could evaluate, every half decade
    x = np.geomspace(lo, hi, 300)
    t, thr = AUDIT_TOY, AUDIT_THRESHOLD
    uniforms = np.random.default_rng(seed).random((grid.size, t["n_items"]))  # common random numbers: one test set
    se = np.sqrt(t["chance"] * (1 - t["chance"]) / t["n_items"])
    level = t["chance"] + t["z"] * se
    controls = [Slider("largest", lo, hi, default=1e22, n=8, log=True, label="largest compute evaluated",
                       unit="FLOPs", digits=1),
                Choice("width", (0.25, 0.5, 1.0, 1.5, 2.0), default=0.5, label="transition width Δ (decades)")]

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
        spans = [a.axvspan(lo, 1e22, color=PALETTE[5], alpha=0.18, lw=0) for a in (ax, ax2)]
        ax.step(np.r_[lo, flops, hi], np.r_[0, count, count[-1]], where="post", color="0.55", lw=1.2)
        (seen,) = ax.plot([], [], "o", color=PALETTE[0], ms=5, label="seen (≤ largest evaluated)")
        (ahead,) = ax.plot([], [], "o", mfc="white", mec=PALETTE[1], mew=1.4, ms=5, label="not yet reached")
        ax.axvline(thr, color=PALETTE[3], ls=":", lw=1.2)
        ax.set(xscale="log", xlim=(lo, hi), ylim=(0, 23.5), xlabel="training compute C (FLOPs)",
               ylabel="Table 1 abilities emerged by C")
        ax.legend(loc="center left", fontsize=7)
        note = _text_box(ax, 0.03, 0.97, fontsize=7)
        (truth,) = ax2.plot(x, x * 0, "--", color="0.45", lw=1.4, label="toy ability (hidden truth)")
        ax2.axhline(t["chance"], color="0.3", ls=":", lw=1.0, label="chance")
        ax2.axhline(level, color=PALETTE[2], ls="-.", lw=1.0, label=f"chance + {t['z']:g} s.e.")
        ax2.axvline(thr, color=PALETTE[3], ls=":", lw=1.2, label="emergent scale C*")
        (horizon,) = ax2.plot([], [], "--", color=PALETTE[2], lw=1.2, label="detection horizon")
        (trend,) = ax2.plot([], [], "-", color=PALETTE[1], lw=1.6, label="trend of evaluations")
        (points,) = ax2.plot([], [], "s", color=PALETTE[0], ms=5, label="evaluated models", zorder=4)
        ax2.set(xscale="log", xlim=(lo, hi), ylim=(0, 1), xlabel="training compute C (FLOPs)",
                ylabel="accuracy (1000 questions)")
        ax2.legend(loc="center left", fontsize=6.5, frameon=True, framealpha=0.85, edgecolor="0.8")
        note2 = _text_box(ax2, 0.03, 0.97, fontsize=7)

        def update(largest, width):
            top = largest * (1 + 1e-9)
            for s in spans:
                s.set_width(largest - lo)
            done = flops <= top
            seen.set_data(flops[done], count[done])
            ahead.set_data(flops[~done], count[~done])
            text = f"{int(done.sum())} of {flops.size} abilities seen"
            if not done.all():
                nxt = rows[int(np.argmin(done))]
                size = f"{nxt.params / 1e9:g}B" if nxt.params >= 1e9 else f"{nxt.params / 1e6:g}M"
                text += f"\nnext: {nxt.ability}\n({nxt.model} {size}, {fmt_sci(nxt.flops)} FLOPs)"
            note.set_text(text)
            truth.set_ydata(toy_ability(x, thr, width, t["chance"], t["top"]))
            ev = grid <= top
            acc = (uniforms[ev] < toy_ability(grid[ev], thr, width, t["chance"], t["top"])[:, None]).mean(axis=1)
            points.set_data(grid[ev], acc)
            lx = np.log10(grid[ev])
            slope, icpt = np.polyfit(lx, acc, 1) if ev.sum() >= 2 else (0.0, acc[0])
            trend.set_data([grid[ev][0], hi], [icpt + slope * lx[0], icpt + slope * 25.0])
            delta = detection_horizon(width, t["n_items"], t["chance"], t["top"], t["z"])
            horizon.set_data([thr / 10**delta] * 2, [0, 1])
            above = grid[ev][acc > level]
            first = f"first above chance + {t['z']:g} s.e.: {fmt_sci(above[0], 1)}" if above.size else \
                f"no evaluation above chance + {t['z']:g} s.e."
            note2.set_text(f"{int(ev.sum())} models evaluated, largest {fmt_sci(largest, 1)} FLOPs\n{first}\n"
                           f"trend at 1e25: {icpt + slope * 25.0:.2f} (truth {toy_ability(hi, thr, width):.2f})\n"
                           f"horizon: {delta:.2f} decades below C* = {fmt_sci(thr)}")
            return [*spans, seen, ahead, note, truth, points, trend, horizon, note2]

        return update

    return explorer(draw, controls, title="Auditing for emergence: what evaluations up to a budget can see",
                    figsize=(9.0, 3.9), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 5, notebook 03: regression, replace vs accumulate.
# ---------------------------------------------------------------------------------------------------------------------

REGRESSION_EXPLORER_RUNS = 100
"""Runs behind each simulated curve of :func:`regression_collapse_explorer` (seed 0; band: mean +- 2 s.e.)."""


@functools.lru_cache(maxsize=128)
def _regression_explorer_sim(d: int, T: int, generations: int, mode: str):
    from .collapse import regression_collapse

    sim = regression_collapse(d, T, generations, mode=mode, runs=REGRESSION_EXPLORER_RUNS, seed=0)
    return sim.mean, sim.sem


def regression_collapse_explorer(static: bool | None = None) -> Explorer:
    """Least squares trained on the previous generation's labels: test error per generation, replacing or
    accumulating the data (:func:`book_utils.collapse.regression_collapse`, fresh Gaussian inputs each generation).

    Chapter 5, "Replace or accumulate" :cite:p:`dohmatob2024demystified,gerstgrasser2024accumulate`. Markers: the
    simulated mean test error ``||w_n - w*||^2`` (sigma = 1) of :data:`REGRESSION_EXPLORER_RUNS` runs, with a band of
    +- 2 standard errors. Lines: the exact expectations, ``n d / (T - d - 1)`` (replace) and
    ``d sum_i 1/(i (iT - d - 1))`` (accumulate, fresh inputs); dash-dot, the papers' ``d/(T - d - 1) sum_i 1/i^2``
    (exact when every generation reuses one input matrix); dotted, its limit ``pi^2/6 d/(T - d - 1)``. Fixed log-y
    axes, so that changing ``d`` or ``T`` moves the curves. Controls: dimension ``d``, samples per generation ``T``,
    number of generations and which simulations to show. On the published page ``generations`` stays at 20
    (4 x 4 x 3 = 48 frames).
    """
    from .collapse import regression_collapse_theory

    controls = [Slider("d", 4, 32, default=32, n=4, log=True, label="dimension d", digits=2),
                Slider("T", 64, 512, default=128, n=4, log=True, label="samples per generation T", digits=3),
                Slider("generations", 10, 40, default=20, n=4, label="generations", digits=2),
                Choice("mode", ("both", "replace", "accumulate"), label="simulate")]

    def draw(fig):
        ax, side = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.1, 1]})
        x0 = np.arange(1, 3)
        (rep_th,) = ax.plot(x0, x0, "--", color=PALETTE[1], lw=1.6, label="replace: n·d/(T−d−1)")
        (acc_th,) = ax.plot(x0, x0, "-", color=PALETTE[0], lw=1.6, label="accumulate, new inputs (exact)")
        (paper,) = ax.plot(x0, x0, "-.", color=PALETTE[3], lw=1.3, label="d/(T−d−1)·Σ 1/i² (same inputs)")
        (bound,) = ax.plot(x0, x0, ":", color="0.25", lw=1.3, label="bound π²/6 · d/(T−d−1)")
        rep_band = ax.fill_between(x0, x0, x0, color=PALETTE[1], alpha=0.25, lw=0)
        acc_band = ax.fill_between(x0, x0, x0, color=PALETTE[0], alpha=0.25, lw=0)
        (rep_sim,) = ax.plot(x0, x0, "o", color=PALETTE[1], ms=3.5, label="simulated, replace")
        (acc_sim,) = ax.plot(x0, x0, "s", color=PALETTE[0], ms=3.5, label="simulated, accumulate")
        ax.set(xlim=(0, 41), ylim=(3e-3, 100), yscale="log", xlabel="generation n (1 = the fit on real data)",
               ylabel="test error E‖ŵₙ − w*‖² (σ² = 1)")
        plain_log_ticks(ax, [0.01, 0.1, 1, 10, 100])
        side.axis("off")
        side.legend(*ax.get_legend_handles_labels(), loc="upper left", fontsize=7.5, frameon=False)
        note = side.text(0.0, 0.0, "", transform=side.transAxes, fontsize=8, va="bottom", ha="left")

        def update(d, T, generations, mode):
            d, T, generations = round(d), round(T), round(generations)
            n = np.arange(1, generations + 1)
            one = d / (T - d - 1)
            rep = regression_collapse_theory(d, T, n, mode="replace")
            acc = regression_collapse_theory(d, T, n, mode="accumulate")
            rep_th.set_data(n, rep), acc_th.set_data(n, acc)
            paper.set_data(n, regression_collapse_theory(d, T, n, mode="accumulate", design="fixed"))
            bound.set_data([1, generations], [np.pi**2 / 6 * one] * 2)
            text = f"d = {d}, T = {T}\none fit on real data:\n  d/(T−d−1) = {one:.3g}\nat n = {generations}:"
            for which, marks, band, th in (("replace", rep_sim, rep_band, rep), ("accumulate", acc_sim, acc_band, acc)):
                shown = mode in ("both", which)
                marks.set_visible(shown), band.set_visible(shown)
                if shown:
                    mean, sem = _regression_explorer_sim(d, T, generations, which)
                    lo, hi = np.maximum(mean[1:] - 2 * sem[1:], 1e-3), mean[1:] + 2 * sem[1:]
                    marks.set_data(n, mean[1:])
                    band.set_verts([np.column_stack([np.r_[n, n[::-1]], np.r_[lo, hi[::-1]]])])
                    text += f"\n  {which}: theory {th[-1]:.3g},\n    simulated {mean[-1]:.3g} ± {2 * sem[-1]:.2g}"
            note.set_text(text)
            return [rep_th, acc_th, paper, bound, rep_band, acc_band, rep_sim, acc_sim, note]

        return update

    return explorer(draw, controls, title="Replace or accumulate: least squares trained on its own labels",
                    figsize=(8.6, 3.9), static=static, static_controls=["d", "T", "mode"])


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 4, notebook 02: the mirage argument.
# ---------------------------------------------------------------------------------------------------------------------

MIRAGE_SIZES = (1e8, 1e12)
"""Smallest and largest model (parameters) that :func:`mirage_explorer` samples; sizes are spaced evenly in log N."""

_MIRAGE_LABELS = {"exact_match": ("exact match", "exact match (fraction of answers right)"),
                  "edit_distance": ("token edit distance", "token edit distance (wrong tokens per answer)"),
                  "log_prob": ("log-probability", "log-probability of the target (nats)")}


def _mirage_moments(metric, p_token, length):
    """Mean and per-example standard deviation of a metric when every token is right with probability ``p_token``."""
    from .emergence import exact_match, target_log_prob, token_edit_distance

    if metric == "exact_match":
        em = exact_match(p_token, length)
        return em, np.sqrt(em * (1 - em))
    if metric == "edit_distance":
        return token_edit_distance(p_token, length), np.sqrt(length * p_token * (1 - p_token))
    return target_log_prob(p_token, length), np.zeros_like(p_token)


def mirage_explorer(static: bool | None = None) -> Explorer:
    """The mirage argument: one smooth per-token loss, three metrics, a finite test set and a few model sizes.

    Chapter 4, "The mirage argument" :cite:p:`schaeffer2023emergent`. The per-token loss is the toy power law
    :func:`book_utils.emergence.per_token_loss` with :data:`book_utils.emergence.MIRAGE_TOY` (illustrative constants).
    The solid curve is the metric's expected value for a target of ``length`` tokens; the shaded band is expected
    value ± 2 standard errors of a test set of ``n_examples`` questions (where 95% of measurements fall); the squares,
    joined as a paper would join them, are one seeded measurement (:func:`book_utils.emergence.mirage_simulation`,
    seed 1) of ``n_sizes`` models spaced evenly in log N over :data:`MIRAGE_SIZES`. For exact match the dotted line
    is one right answer in ``n_examples``. The kernel-free page moves the metric, the target length and the number of
    test examples (3 x 3 x 4 = 36 frames), with 5 model sizes.
    """
    from .emergence import MIRAGE_METRICS, MIRAGE_TOY, mirage_simulation, per_token_loss

    c, alpha = MIRAGE_TOY["c"], MIRAGE_TOY["alpha"]
    lo, hi = MIRAGE_SIZES
    grid = np.geomspace(lo / 10**0.2, hi * 10**0.2, 200)
    loss_grid = np.asarray(per_token_loss(grid, c, alpha))
    p_grid = np.exp(-loss_grid)
    controls = [Choice("metric", MIRAGE_METRICS, label="metric", labels=[v[0] for v in _MIRAGE_LABELS.values()]),
                Slider("length", 1, 16, default=16, n=3, log=True, label="target length L", unit="tokens"),
                Slider("n_examples", 10, 1e4, default=100, n=4, log=True, label="test examples per model"),
                Choice("n_sizes", (3, 5, 9, 17), default=5, label="model sizes")]

    def draw(fig):
        fig.set_layout_engine("none")  # fixed margins: a frame whose y axis changes is redrawn without a layout pass
        ax = fig.add_axes((0.1, 0.13, 0.88, 0.85))
        band = ax.fill_between(grid, grid * 0, grid * 0, color=PALETTE[5], alpha=0.3, lw=0,
                               label="expected ± 2 s.e. of one test set")
        (curve,) = ax.plot(grid, grid * 0, color=PALETTE[0], lw=2.0, label="expected value")
        (floor,) = ax.plot(grid[[0, -1]], [0, 0], ":", color="0.35", lw=1.2, label="one right answer in n")
        (joined,) = ax.plot([], [], "--", color=PALETTE[1], lw=1.3)
        (points,) = ax.plot([], [], "s", color=PALETTE[1], ms=6, mec="white", mew=0.6, zorder=4,
                            label="measured (one test set per model)")
        ax.set(xscale="log", xlim=(grid[0], grid[-1]), xlabel="model size N (parameters)")
        note = _text_box(ax, 0.02, 0.97, fontsize=7.5)
        shown = {}

        def update(metric, length, n_examples, n_sizes):
            length, n_examples = round(length), round(n_examples)
            sizes = np.geomspace(lo, hi, n_sizes)
            sim = mirage_simulation(sizes, c=c, alpha=alpha, length=length, n_examples=n_examples, seed=1)
            est = sim.metric(metric)
            mean, sd = _mirage_moments(metric, p_grid, length)
            se = sd / np.sqrt(n_examples)
            curve.set_ydata(mean)
            bounds = {"exact_match": (0.0, 1.0), "edit_distance": (0.0, float(length)), "log_prob": (None, 0.0)}[metric]
            band.set_data(grid, np.clip(mean - 2 * se, *bounds), np.clip(mean + 2 * se, *bounds))
            joined.set_data(sizes, est.measured)
            points.set_data(sizes, est.measured)
            floor.set_ydata([1 / n_examples] * 2)
            floor.set_visible(metric == "exact_match")
            steps = np.abs(np.diff(est.measured))
            k = int(np.argmax(steps))
            text = (f"L = {length} token{'s' * (length > 1)}, {n_examples} examples, {n_sizes} models\n"
                    f"largest step between neighbours: {est.measured[k]:.3g} → {est.measured[k + 1]:.3g}\n"
                    f"  (from {fmt_quantity(sizes[k])} to {fmt_quantity(sizes[k + 1], 'params')})")
            if metric == "exact_match":
                text += f"\nmodels scoring 0: {int((est.measured == 0).sum())} of {n_sizes}"
            note.set_text(text)
            limits = (metric, None if metric == "exact_match" else length)  # the y axis of exact match is fixed
            artists = [band, curve, floor, joined, points, note]
            if shown.get("limits") == limits:
                return artists
            shown["limits"] = limits
            top = {"exact_match": 1.0, "edit_distance": float(length), "log_prob": 0.0}[metric]
            bottom = {"exact_match": 0.0, "edit_distance": 0.0, "log_prob": -length * loss_grid[0]}[metric]
            pad = 0.04 * (top - bottom)
            ax.set_ylim(bottom - pad, top + pad)
            ax.set_ylabel(_MIRAGE_LABELS[metric][1])
            handles = [band, curve, points] + ([floor] if metric == "exact_match" else [])
            ax.legend(handles=handles, loc="upper right" if metric == "edit_distance" else "lower right", fontsize=7)
            return None

        return update

    return explorer(draw, controls, title="The mirage argument: one smooth loss, three metrics, finite test sets",
                    figsize=(7.6, 3.8), static=static, static_controls=["metric", "length", "n_examples"])


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 5, notebook 02: tails and the change of scaling laws.
# ---------------------------------------------------------------------------------------------------------------------

TAIL_EXPLORER_FRACTIONS = (0.0, 0.01, 0.1, 0.99)
"""Clean fractions offered by :func:`tail_collapse_explorer` (0: all synthetic; 0.99: 1% synthetic)."""

_TAIL_T = np.geomspace(1.0, 1e15, 61)                    # 4 points a decade: one exact curve takes ~20 ms
_TAIL_FINE = np.geomspace(1e-3, 1e15, 181)               # clean curves, interpolated (log-log) at T and pi T


@functools.lru_cache(maxsize=128)
def _tail_curve(beta: float, k: int, clean_fraction: float) -> np.ndarray:
    """The exact curve of :func:`tail_collapse_explorer` on ``_TAIL_T``, cached across explorers (read-only)."""
    from .collapse import tail_cut_error

    out = tail_cut_error(_TAIL_T, beta, k, clean_fraction=clean_fraction)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=8)
def _tail_log_clean(beta: float) -> np.ndarray:
    from .collapse import tail_cut_error

    out = np.log(tail_cut_error(_TAIL_FINE, beta, None))
    out.flags.writeable = False
    return out


def tail_collapse_explorer(static: bool | None = None) -> Explorer:
    """Hutter's memoriser on Zipf data whose tail was cut at rank ``k``, mixed with a fraction of clean data.

    Chapter 5, "Tails and the change of scaling laws" :cite:p:`dohmatob2024tale,hutter2021learning`. Log-log axes of
    the expected test error against training draws ``T`` (:func:`book_utils.collapse.tail_cut_error`, exact): the
    clean curve ``~ T^(-(1 - 1/beta))``, the mixture's curve, the curve of its clean draws alone (``E_clean(pi T)``),
    the plateau (the mass beyond ``k``, :func:`book_utils.collapse.tail_cut_plateau`) and where the mixture leaves
    it, ``T = x* / pi`` (:func:`book_utils.collapse.plateau_crossing`). Controls: ``beta``, ``k`` and the clean
    fraction ``pi`` (3 x 4 x 4 = 48 kernel-free frames). Curves are cached across explorers.
    """
    from .collapse import plateau_crossing, tail_cut_plateau
    from .plotting import fmt_sci

    T, fine = _TAIL_T, _TAIL_FINE
    controls = [Choice("beta", (1.5, 2.0, 3.0), default=2.0, label="Zipf exponent β"),
                Slider("k", 10.0, 1e4, default=1e3, n=4, log=True, label="tail cut at rank k"),
                Choice("clean_fraction", TAIL_EXPLORER_FRACTIONS, default=0.1, label="clean fraction π",
                       labels=("0", "1%", "10%", "99%"))]

    def draw(fig):
        ax = fig.subplots()
        crossing = functools.lru_cache(maxsize=None)(plateau_crossing)
        (clean,) = ax.plot(T, T, "--", color="0.25", lw=1.4,
                           label="all clean (π = 1): Hutter's curve, slope −(1 − 1/β)")
        (alone,) = ax.plot(T, T, ":", color=PALETTE[2], lw=2.0, label="its clean draws alone: clean curve at πT")
        (plateau,) = ax.plot(T[[0, -1]], [1.0, 1.0], "-.", color=PALETTE[1], lw=1.4, label="plateau: mass beyond k")
        (leave,) = ax.plot([1.0, 1.0], [1e-10, 1.5], ":", color=PALETTE[3], lw=1.4,
                           label="x*/π: where the mixture leaves the plateau")
        (mix,) = ax.plot(T, T, color=PALETTE[0], lw=2.4, label="tail cut at k, a fraction π clean", zorder=3)
        ax.set(xscale="log", yscale="log", xlim=(T[0], T[-1]), ylim=(1e-10, 1.5), xlabel="training draws T",
               ylabel="test error (unseen mass)")
        ax.legend(loc="lower left", fontsize=7)
        note = _text_box(ax, 0.98, 0.97, fontsize=7, ha="right")

        def update(beta, k, clean_fraction):
            kk, pi = round(k), clean_fraction
            log_clean = _tail_log_clean(beta)
            clean_curve = np.exp(np.interp(np.log(T), np.log(fine), log_clean))
            clean.set_ydata(clean_curve)
            mix.set_ydata(_tail_curve(beta, kk, pi))
            level = tail_cut_plateau(beta, kk)
            plateau.set_ydata([level, level])
            x_star = crossing(beta, kk)
            alone.set_visible(pi > 0)
            leave.set_visible(0 < pi and x_star / pi <= T[-1])
            text = f"plateau {fmt_sci(level)}, x* = {fmt_sci(x_star)} = {x_star / kk ** beta:.2f} k^β"
            if pi > 0:
                alone.set_ydata(np.exp(np.interp(np.log(pi * T), np.log(fine), log_clean)))
                leave.set_xdata([x_star / pi] * 2)
                if pi > 0.9:
                    worst = np.max(_tail_curve(beta, kk, pi) / clean_curve)
                    text += f"\n≤ {100 * (worst - 1):.1f}% above all clean"
                else:
                    text += f"\nx*/π = {fmt_sci(x_star / pi)}"
            else:
                text += "\nno clean data: stuck"
            note.set_text(text)
            return [clean, alone, plateau, leave, mix, note]

        return update

    return explorer(draw, controls, title="A cut tail: the plateau and the delayed recovery", figsize=(7.6, 4.0),
                    static=static)


# ---------------------------------------------------------------------------------------------------------------------
# Chapter 5, notebook 01: recursion on a Gaussian.
# ---------------------------------------------------------------------------------------------------------------------

GAUSSIAN_EXPLORER_RUNS = 400
"""Runs behind the simulated mean and median of :func:`gaussian_collapse_explorer` (its fan draws the first 25)."""


def gaussian_collapse_explorer(static: bool | None = None) -> Explorer:
    """Fit, sample, refit: the fitted standard deviation over generations, and the fitted densities at the end.

    Chapter 5, "Recursion on a Gaussian" :cite:p:`shumailov2024curse`. Left: ``sigma_n / sigma0`` of 25 runs (thin
    grey) up to the chosen number of generations, the mean and median over :data:`GAUSSIAN_EXPLORER_RUNS` runs
    (markers), and three closed forms (:func:`book_utils.collapse.gaussian_collapse_theory`): ``sqrt(E[sigma_n^2])``,
    ``E[sigma_n]`` and the typical ``exp(E[log sigma_n])``. Right: the Gaussians fitted at the last generation by 12
    runs, over the original ``N(0, 1)``. Controls: number of generations, samples per generation ``M``, and the
    variance estimator (unbiased or MLE). Simulated with ``method="statistics"`` (the exact law of the fitted mean
    and variance, so a frame costs the same for every ``M``), seed 0 for every ``M`` and estimator.
    """
    from .collapse import gaussian_collapse, gaussian_collapse_theory

    gens = Slider("generations", 10, 640, default=160, n=4, log=True, label="generations", digits=3)
    M_ctl = Slider("M", 2, 512, default=32, n=5, log=True, label="samples per generation M", digits=3)
    est = Choice("estimator", ("unbiased", "MLE"), label="variance estimator",
                 labels=("unbiased (÷ M − 1)", "MLE (÷ M)"))
    G_max, n_fan, n_dens, ylim = 640, 25, 12, (1e-7, 3.0)
    x = np.linspace(-4.0, 4.0, 401)

    @functools.lru_cache(maxsize=16)
    def simulate(M, unbiased):
        sim = gaussian_collapse(M, G_max, GAUSSIAN_EXPLORER_RUNS, unbiased=unbiased, seed=0, method="statistics")
        t = gaussian_collapse_theory(np.arange(G_max + 1), M, unbiased=unbiased)
        return sim, t

    def draw(fig):
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
        fan = [ax.plot([], [], color="0.7", lw=0.6, zorder=1)[0] for _ in range(n_fan)]
        fan[0].set_label(f"{n_fan} runs")
        (root_mean_var,) = ax.plot([], [], ":", color=PALETTE[6], lw=1.6, label="√E[σ²ₙ] (theory)")
        (mean_std,) = ax.plot([], [], color=PALETTE[0], lw=2.0, label="E[σₙ] (theory)")
        (typical,) = ax.plot([], [], "--", color=PALETTE[1], lw=2.0, label="exp E[log σₙ] (theory)")
        (sim_mean,) = ax.plot([], [], "o", color=PALETTE[0], ms=4, label="mean of runs")
        (sim_median,) = ax.plot([], [], "s", color=PALETTE[1], ms=4, mfc="none", label="median of runs")
        # the x axis runs over 0..1 of the chosen number of generations and its tick labels are texts set in
        # update: the axes never change, so every frame is blitted over one cached background
        ax.set(xlim=(0, 1), ylim=ylim, yscale="log", xlabel="generation n", ylabel="fitted σₙ / σ₀")
        ax.set_xticks(np.linspace(0, 1, 5))
        ax.tick_params(axis="x", labelbottom=False)
        ax.xaxis.labelpad = 13  # room for the tick texts
        ax.minorticks_off()
        ticks = [ax.text(q, -0.025, "", transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
                 for q in np.linspace(0, 1, 5)]
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=3, fontsize=7, borderaxespad=0.0)
        dens = [ax2.plot(x, x, color=PALETTE[2], lw=1.0, alpha=0.8)[0] for _ in range(n_dens)]
        ax2.plot([], [], color=PALETTE[2], lw=1.0, label=f"fits of {n_dens} runs")
        (rug,) = ax2.plot([], [], "|", color=PALETTE[2], ms=12, mew=1.5, label="their means μₙ")
        ax2.plot(x, np.exp(-x**2 / 2) / np.sqrt(2 * np.pi), color=PALETTE[6], lw=2.0, label="original N(0, 1)")
        ax2.set(xlim=(x[0], x[-1]), ylim=(0.0, 1.2), xlabel="x / σ₀", ylabel="density of the fitted Gaussian")
        ax2.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=2, fontsize=7, borderaxespad=0.0)
        note = _text_box(ax2, 0.97, 0.97, fontsize=7, ha="right")

        def update(generations, M, estimator):
            M, G = round(M), round(generations)
            sim, t = simulate(M, estimator == "unbiased")
            n = np.arange(G + 1)
            t_axis = n / G
            sigma = np.maximum(sim.sigma[:, : G + 1], 1e-300)   # an underflow to 0 would break the log axis
            for r, line in enumerate(fan):
                line.set_data(t_axis, sigma[r])
            root_mean_var.set_data(t_axis, np.sqrt(t.mean_var[: G + 1]))
            mean_std.set_data(t_axis, t.mean_std[: G + 1])
            typical.set_data(t_axis, np.sqrt(t.geometric_mean_var[: G + 1]))
            marks = np.unique(np.linspace(0, G, 13).round().astype(int))
            sim_mean.set_data(marks / G, sigma.mean(axis=0)[marks])
            sim_median.set_data(marks / G, np.median(sigma[:, marks], axis=0))
            for q, tick in zip(np.linspace(0, 1, 5), ticks, strict=True):
                tick.set_text(f"{q * G:g}")
            mu, s = sim.mu[:n_dens, G, None], sigma[:n_dens, G, None]
            with np.errstate(under="ignore", over="ignore"):
                pdf = np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            for line, y in zip(dens, pdf, strict=True):
                line.set_ydata(np.minimum(y, 10.0))
            rug.set_data(sim.mu[:n_dens, G], np.full(n_dens, 0.04))
            var_end, mu_end = sim.sigma[:, G] ** 2, sim.mu[:, G]
            note.set_text(f"after n = {G} generations (M = {M})\n"
                          f"mean σ²ₙ: {var_end.mean():.2g} (theory {t.mean_var[G]:.2g})\n"
                          f"median σ²ₙ: {np.median(var_end):.2g}\n"
                          f"runs with σₙ < σ₀/10: {100 * np.mean(sim.sigma[:, G] < 0.1):.0f}%\n"
                          f"Var μₙ: {mu_end.var():.2g} (theory {t.var_mu[G]:.2g})")
            return [*fan, root_mean_var, mean_std, typical, sim_mean, sim_median, *ticks, *dens, rug, note]

        return update

    return explorer(draw, [gens, M_ctl, est], title="Fit, sample, refit: a Gaussian over generations",
                    figsize=(8.6, 3.6), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 4, notebook 03: the quantization model ----
# ---------------------------------------------------------------------------------------------------------------------

QUANTA_EXPLORER_TAU = 10
"""Samples of a quantum that :func:`quanta_explorer` needs before it counts the quantum as learned."""

QUANTA_EXPLORER_RANKS = (1, 10, 100, 1000)
"""The quanta whose skill curves :func:`quanta_explorer` draws (ranks by use frequency)."""


_QUANTA_GRID = np.geomspace(1.0, 1e9, 145)  # training samples on the x axes of quanta_explorer
_QUANTA_RANKS = np.arange(1, 301)  # the quanta drawn in its left panel


@functools.cache
def _quanta_curves(alpha):
    """What :func:`quanta_explorer` draws for one ``alpha``, computed once per session (every explorer shares it)."""
    from .emergence import learned_probability, quanta_data_loss, quanta_frequencies, quanta_learning_times

    tau, tracked = QUANTA_EXPLORER_TAU, np.array(QUANTA_EXPLORER_RANKS)
    loss = np.asarray(quanta_data_loss(_QUANTA_GRID, alpha, tau=tau))
    skills = np.asarray(learned_probability(_QUANTA_GRID[:, None], tracked[None, :], alpha, tau=tau))
    times = quanta_learning_times(np.arange(1, tracked.max() + 1), alpha, tau=tau, runs=1, seed=0)[0]
    p = np.asarray(quanta_frequencies(_QUANTA_RANKS, alpha))
    return loss, skills, times, p


def quanta_explorer(static: bool | None = None) -> Explorer:
    """The quantization model: Zipf-distributed quanta, each learned after ``tau`` samples, and the smooth mean loss.

    Chapter 4, "The quantization model" :cite:p:`michaud2023quantization,hutter2021learning`, with infinitely many
    quanta and ``tau = 10`` (:data:`QUANTA_EXPLORER_TAU`). Left: the use frequency ``p_k`` of the first 300 quanta;
    filled if one seeded run (:func:`book_utils.emergence.quanta_learning_times`, seed 0) has learned it after ``D``
    samples, with the threshold ``p = tau / D`` of Michaud et al.'s argument (dashed). Middle: skill curves of quanta
    :data:`QUANTA_EXPLORER_RANKS`, the probability of having learned each
    (:func:`~book_utils.emergence.learned_probability`, smooth) and the same run's 0/1 steps (thin), with the
    loss-weighted mean ``1 - E(D)`` (black). Right: the fraction of reducible loss left, ``E(D)``
    (:func:`~book_utils.emergence.quanta_data_loss`), and its power law of slope ``-alpha/(alpha+1)`` (dashed).
    ``alpha`` is 0.25, 0.5, 1 or 2 and ``D`` a power of ten from 10 to ``10**8``: 4 x 8 = 32 kernel-free frames.
    """
    from .emergence import quanta_data_loss_asymptotic

    tau = QUANTA_EXPLORER_TAU
    grid, ranks, tracked = _QUANTA_GRID, _QUANTA_RANKS, np.array(QUANTA_EXPLORER_RANKS)
    controls = [Slider("alpha", 0.25, 2.0, default=1.0, n=4, log=True, label="Zipf exponent α"),
                Slider("D", 10.0, 1e8, default=1e4, n=8, log=True, label="training samples D")]
    curves = _quanta_curves

    def draw(fig):
        ax1, ax2, ax3 = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.15, 1]})
        (threshold,) = ax1.plot(ranks[[0, -1]], [1, 1], "--", color="0.35", lw=1.2, label="p = τ/D")
        (todo,) = ax1.plot([], [], "o", ms=3.2, mfc="none", mec="0.55", mew=0.8, label="not yet learned")
        (done,) = ax1.plot([], [], "o", ms=3.2, color=PALETTE[0], label="learned (one run)")
        ax1.set(xscale="log", yscale="log", xlim=(0.8, 400), ylim=(1e-9, 1.0), xlabel="quantum rank k",
                ylabel="use frequency p_k")
        ax1.legend(loc="lower left", fontsize=6.5)
        styles = ("-", "--", "-.", ":")
        expected, steps = [], []
        for j, k in enumerate(tracked):
            color = PALETTE[1 + j]
            (e,) = ax2.plot(grid, grid * 0, styles[j], color=color, lw=1.6, label=f"quantum {k}")
            (s,) = ax2.plot([], [], "-", color=color, lw=0.8, alpha=0.8)
            expected.append(e), steps.append(s)
        (mean_skill,) = ax2.plot(grid, grid * 0, color="0.1", lw=2.2, label="mean, 1 − E(D)")
        (now2,) = ax2.plot([1, 1], [-0.05, 1.05], ":", color="0.4", lw=1.4)
        ax2.set(xscale="log", xlim=(grid[0], grid[-1]), ylim=(-0.05, 1.42), xlabel="training samples D",
                ylabel="skill learned (probability; thin: one run)", yticks=[0, 0.25, 0.5, 0.75, 1])
        ax2.legend(loc="upper left", fontsize=6.5, ncol=2)
        (loss_line,) = ax3.plot(grid, grid, color="0.1", lw=2.0, label="E(D), exact")
        (asym,) = ax3.plot(grid, grid, "--", color=PALETTE[2], lw=1.3, label="power law D^(−α/(α+1))")
        (now3,) = ax3.plot([], [], "o", color=PALETTE[4], ms=7, mec="0.1", zorder=4)
        ax3.set(xscale="log", yscale="log", xlim=(grid[0], grid[-1]), ylim=(1e-6, 1.5), xlabel="training samples D",
                ylabel="reducible loss left, (L − a)/(b − a)")
        ax3.legend(loc="lower left", fontsize=6.5)
        note = _text_box(ax3, 0.03, 0.2, fontsize=7, va="bottom")

        def update(alpha, D):
            loss, skills, times, p = curves(alpha)
            learned = times[: ranks.size] <= D
            done.set_data(ranks[learned], p[learned])
            todo.set_data(ranks[~learned], p[~learned])
            threshold.set_ydata([tau / D, tau / D])
            for j, k in enumerate(tracked):
                expected[j].set_ydata(skills[:, j])
                t = times[k - 1]
                steps[j].set_data([grid[0], t, t, grid[-1]], [0, 0, 1, 1])
            mean_skill.set_ydata(1 - loss)
            now2.set_xdata([D, D])
            E = float(np.interp(np.log(D), np.log(grid), np.log(loss)))
            loss_line.set_ydata(loss)
            asym.set_ydata(quanta_data_loss_asymptotic(grid, alpha, tau=tau))
            now3.set_data([D], [np.exp(E)])
            n_run = int(np.count_nonzero(times <= D))
            note.set_text(f"α_D = α/(α+1) = {alpha / (alpha + 1):.2f}\nE(D) = {np.exp(E):.3g}\n"
                          f"this run: {n_run} of the first {tracked.max()}\nquanta learned")
            return [threshold, todo, done, *expected, *steps, mean_skill, now2, loss_line, asym, now3, note]

        return update

    return explorer(draw, controls, title=f"The quantization model: quanta learned after τ = {tau} samples each",
                    figsize=(9.6, 3.5), static=static)


# ---------------------------------------------------------------------------------------------------------------------
# ---- Chapter 5, notebook 04: strong model collapse ----
# ---------------------------------------------------------------------------------------------------------------------

STRONG_COLLAPSE_SETTING = {"d": 10, "sigma": 1.0, "shift_sq": 1.0, "rp_n": 100, "rp_d": 200, "rp_sigma": 0.5,
                           "signal_sq": 1.0, "runs": 40, "seed": 0}
"""Settings of :func:`strong_collapse_explorer`. Left: least squares in ``d`` dimensions with label noise ``sigma``
and ``||w2 - w1||^2 = shift_sq`` (:func:`book_utils.collapse.mixture_regression_error`). Right: random projections
of ``rp_d``-dimensional inputs trained on ``rp_n`` samples with noise ``rp_sigma``, ``||w1||^2 = signal_sq``, the
same ``shift_sq``, ``runs`` paired runs from ``seed`` (:func:`strong_collapse_sweep`)."""

STRONG_COLLAPSE_WIDTHS = (5, 8, 12, 18, 27, 40, 55, 70, 85, 120, 150, 200, 300, 450, 700, 1000)
"""Model widths of :func:`strong_collapse_sweep` (none within 15% of the interpolation threshold ``m = 100``)."""

STRONG_COLLAPSE_P = (0.01, 0.05, 0.2)
"""Fractions of synthetic samples offered by :func:`strong_collapse_explorer`."""


@functools.lru_cache(maxsize=1)
def strong_collapse_sweep():
    """The random-projection simulation behind the right panel of :func:`strong_collapse_explorer`: a
    :class:`book_utils.collapse.RandomProjectionCollapse` for :data:`STRONG_COLLAPSE_WIDTHS` and
    :data:`STRONG_COLLAPSE_P` with :data:`STRONG_COLLAPSE_SETTING` (computed once, then cached)."""
    from .collapse import random_projection_collapse

    s = STRONG_COLLAPSE_SETTING
    return random_projection_collapse(s["rp_n"], s["rp_d"], STRONG_COLLAPSE_WIDTHS, STRONG_COLLAPSE_P,
                                      shift_sq=s["shift_sq"], signal_sq=s["signal_sq"], sigma=s["rp_sigma"],
                                      runs=s["runs"], seed=s["seed"])


def strong_collapse_explorer(static: bool | None = None) -> Explorer:
    """Strong model collapse: a fraction ``p`` of synthetic labels against more data (left) and bigger models (right).

    Chapter 5, "Strong model collapse" :cite:p:`dohmatob2025strong`. Left: the exact expected test error of least
    squares trained on ``n`` samples of which a fraction ``p`` are labelled by a shifted model
    (:func:`book_utils.collapse.mixture_regression_error`, ``d = 10``), the same with real labels only, and the floor
    ``p^2 ||w2 - w1||^2`` (:func:`book_utils.collapse.mixture_error_floor`); a dot marks ``n``. Right: the mean test
    error of random-projection models of width ``m`` trained on ``n = 100`` samples with ``d = 200`` inputs, with and
    without the synthetic labels (:func:`strong_collapse_sweep`, simulated once); a ring marks ``m``. All three
    controls move on the published page (3 x 3 x 4 = 36 frames).
    """
    from .collapse import mixture_error_floor, mixture_regression_error
    from .plotting import fmt_sci

    s = STRONG_COLLAPSE_SETTING
    d, sigma, shift_sq, n_rp = s["d"], s["sigma"], s["shift_sq"], s["rp_n"]
    n_grid = np.unique(np.round(np.geomspace(20, 1e8, 400)))

    def error(n, p):
        return mixture_regression_error(n, d, p, shift_sq=shift_sq, sigma=sigma)

    clean = error(n_grid, 0.0)
    mixed = {p: error(n_grid, p) for p in STRONG_COLLAPSE_P}
    controls = [Choice("p", STRONG_COLLAPSE_P, default=0.01, label="synthetic fraction p",
                       labels=tuple(f"{100 * p:g}%" for p in STRONG_COLLAPSE_P)),
                Slider("n", 1e2, 1e6, default=1e4, n=3, log=True, label="samples n (left)", digits=1),
                Choice("m", (12, 85, 120, 1000), default=12, label=f"width m (right, n = {n_rp})")]

    def draw(fig):
        sw = strong_collapse_sweep()
        widths = sw.widths
        ax, ax2 = fig.subplots(1, 2)
        ax.plot(n_grid, clean, "--", color="0.3", lw=1.4, label="real data only")
        (curve,) = ax.plot(n_grid, mixed[STRONG_COLLAPSE_P[0]], color=PALETTE[1], lw=2.2,
                           label="a fraction p synthetic")
        (floor,) = ax.plot(n_grid[[0, -1]], [1.0, 1.0], ":", color=PALETTE[1], lw=1.6, label="floor p²‖w₂ − w₁‖²")
        (dot0,) = ax.plot([], [], "s", color="0.3", ms=5, zorder=4)
        (dot,) = ax.plot([], [], "o", color=PALETTE[1], ms=7, zorder=4)
        ax.set(xscale="log", yscale="log", xlim=(n_grid[0], n_grid[-1]), ylim=(1e-6, 3.0),
               xlabel="training samples n", ylabel="test error ‖ŵ − w₁‖²")
        ax.set_title(f"more data (least squares, d = {d})", fontsize=9)
        ax.legend(loc="lower left", fontsize=7)
        note = _text_box(ax, 0.97, 0.97, fontsize=7, ha="right")
        ax2.axvline(n_rp, color=PALETTE[3], ls=":", lw=1.3, label=f"interpolation threshold m = n = {n_rp}")
        ax2.plot(widths, sw.clean_mean, "--", marker="s", ms=3, color="0.3", lw=1.4, label="real data only")
        (curve2,) = ax2.plot(widths, sw.mean[0], "-", marker="o", ms=3.5, color=PALETTE[1], lw=2.0,
                             label="a fraction p synthetic")
        (ring,) = ax2.plot([], [], "o", ms=11, mfc="none", mec="black", mew=1.5, zorder=5)
        ax2.set(xscale="log", yscale="log", xlim=(4, 1300), ylim=(0.5, 12.0), xlabel="model width m",
                ylabel="test error ‖Sᵀv − w₁‖²")
        plain_log_ticks(ax2, [0.5, 1, 2, 5, 10])
        ax2.set_title(f"bigger models (random projections, d = {s['rp_d']})", fontsize=9)
        ax2.legend(loc="lower left", fontsize=7)
        note2 = _text_box(ax2, 0.97, 0.97, fontsize=7, ha="right")

        def update(p, n, m):
            i, j = STRONG_COLLAPSE_P.index(p), int(np.flatnonzero(widths == m)[0])
            n = round(n)
            E, E0, F = error(n, p), error(n, 0.0), mixture_error_floor(p, shift_sq)
            curve.set_ydata(mixed[p])
            floor.set_ydata([F, F])
            dot.set_data([n], [E])
            dot0.set_data([n], [E0])
            note.set_text(f"n = {fmt_sci(n, 1)}: error {fmt_sci(E)}, real only {fmt_sci(E0)}\n"
                          f"floor {fmt_sci(F)} = {100 * F / E:.0f}% of the error")
            curve2.set_ydata(sw.mean[i])
            e, c = sw.mean[i, j], sw.clean_mean[j]
            ring.set_data([m], [e])
            note2.set_text(f"{sw.synthetic_counts[i]} of {n_rp} samples synthetic\nm = {m}: real only {c:.2f}, "
                           f"mixed {e:.2f}\nextra error {e - c:+.3f}")
            return [curve, floor, dot0, dot, note, curve2, ring, note2]

        return update

    return explorer(draw, controls, title="Strong model collapse: synthetic labels against more data and bigger models",
                    figsize=(9.6, 3.8), static=static)
