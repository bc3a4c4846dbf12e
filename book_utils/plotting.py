"""The book's figure style and log-log helpers.

Introduced in chapter 0 (Foundations). Colours are the Okabe–Ito palette, distinguishable under the common forms of
colour blindness; every figure in the book calls :func:`use_book_style` once (the notebooks' set-up cell does).
"""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import FixedLocator, LogLocator, NullFormatter, StrMethodFormatter

from ._validation import as_float_array, as_int, as_scalar

__all__ = ["PALETTE", "BOOK_STYLE", "use_book_style", "loglog_axes", "fmt_sci", "fmt_quantity", "fmt_tex",
           "slope_triangle", "log_ticks", "plain_log_ticks"]

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
"""Okabe–Ito colours: blue, vermillion, green, purple, orange, sky blue, black, yellow (yellow last: weak on white)."""

BOOK_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.which": "major",
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 5,
    "figure.figsize": (7.0, 3.4),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "mathtext.fontset": "dejavusans",
}
"""rcParams of the book's figures."""


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib's global rcParams (idempotent)."""
    mpl.rcParams.update(BOOK_STYLE)


def loglog_axes(ax, xlabel: str, ylabel: str, *, xlim=None, ylim=None, minor_y: bool = False):
    """Make ``ax`` log-log with labelled axes and decade ticks; returns ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to set up.
    xlabel, ylabel : str
        Axis labels; include units, e.g. ``"parameters N"`` or ``"loss (nats/token)"``.
    xlim, ylim : tuple of float, optional
        Axis limits, both > 0.
    minor_y : bool
        Label minor ticks of the y axis (useful when y spans less than a decade, as losses often do).
    """
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if lim is not None:
            lo, hi = as_float_array(name, lim, positive=True)
            if not lo < hi:
                raise ValueError(f"{name} must be increasing, got {lim!r}")
            getattr(ax, f"set_{name}")(lo, hi)
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.xaxis.set_minor_formatter(NullFormatter())
    if not minor_y:
        ax.yaxis.set_minor_formatter(NullFormatter())
    return ax


def _sci_parts(value, digits):
    """Validate, then split a non-zero ``value`` into (mantissa, exponent) with ``digits`` significant digits;
    ``None`` for zero."""
    value = as_scalar("value", value)
    digits = as_int("digits", digits, minimum=1)
    return None if value == 0 else _mantissa_exponent(value, digits)


def _mantissa_exponent(value: float, digits: int):
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:  # rounding pushed it to the next decade, e.g. 9.99 -> 10.0
        mantissa /= 10
        exponent += 1
    return mantissa, exponent


def fmt_sci(value, digits: int = 2) -> str:
    """Format a number in compact scientific notation, e.g. ``fmt_sci(1.75e11) == "1.8e11"``.

    Parameters
    ----------
    value : float
        A finite number.
    digits : int
        Significant digits, >= 1.

    Examples
    --------
    >>> fmt_sci(1.75e11), fmt_sci(5.88e23, 3), fmt_sci(0.076)
    ('1.8e11', '5.88e23', '7.6e-2')
    """
    parts = _sci_parts(value, digits)
    if parts is None:
        return "0"
    mantissa, exponent = parts
    return f"{mantissa:.{digits - 1}f}e{exponent}"


def fmt_quantity(value, unit: str = "", digits: int = 2) -> str:
    """A number with its unit for labels and readouts, e.g. ``"1.0e9 params"``; plain notation for 0.01–1000.

    Examples
    --------
    >>> fmt_quantity(1e9, "params"), fmt_quantity(0.34), fmt_quantity(2.5e-5, "nats")
    ('1.0e9 params', '0.34', '2.5e-5 nats')
    """
    value = as_scalar("value", value)
    digits = as_int("digits", digits, minimum=1)
    if value == 0 or 1e-2 <= abs(value) < 1e3:
        text = f"{value:.{digits}g}"
    else:
        text = fmt_sci(value, digits)
    return f"{text} {unit}".strip()


def fmt_tex(value, digits: int = 2) -> str:
    r"""A number as mathtext, e.g. ``fmt_tex(5.88e23, 3) == r"$5.88\times10^{23}$"``.

    Examples
    --------
    >>> fmt_tex(5.88e23, 3)
    '$5.88\\times10^{23}$'
    """
    parts = _sci_parts(value, digits)
    if parts is None:
        return "$0$"
    mantissa, exponent = parts
    return rf"${mantissa:.{digits - 1}f}\times10^{{{exponent}}}$"


def slope_triangle(ax, x0, y0, slope, *, decades: float = 1.0, color="0.3", label: str | None = None):
    """Draw a slope triangle on log-log axes: one leg spans ``decades`` of x from ``(x0, y0)``, the other the change
    of y implied by ``slope``; the label (default: the slope) sits beside the vertical leg. Returns the artists.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Log-log axes.
    x0, y0 : float
        Start corner (data units, > 0).
    slope : float
        Log-log slope, d log y / d log x.
    decades : float
        Width of the triangle in decades of x, > 0.
    """
    x0 = as_scalar("x0", x0, positive=True)
    y0 = as_scalar("y0", y0, positive=True)
    slope = as_scalar("slope", slope)
    decades = as_scalar("decades", decades, positive=True)
    x1 = x0 * 10**decades
    y1 = y0 * 10 ** (slope * decades)
    (line,) = ax.plot([x0, x1, x1, x0], [y0, y0, y1, y0], color=color, lw=1.0)
    text = ax.text(x1 * 1.1, np.sqrt(y0 * y1), label if label is not None else f"slope {slope:.2g}",
                   color=color, va="center", fontsize=9)
    return line, text


def log_ticks(lo, hi):
    """Powers of ten from ``lo`` to ``hi`` inclusive (both > 0): handy for slider grids and tick positions.

    Examples
    --------
    >>> log_ticks(1e6, 1e9).tolist()
    [1000000.0, 10000000.0, 100000000.0, 1000000000.0]
    """
    lo = as_scalar("lo", lo, positive=True)
    hi = as_scalar("hi", hi, positive=True)
    if hi < lo:
        raise ValueError(f"hi must be >= lo, got lo={lo}, hi={hi}")
    return 10.0 ** np.arange(math.ceil(math.log10(lo) - 1e-12), math.floor(math.log10(hi) + 1e-12) + 1)


def plain_log_ticks(ax, ticks, axis: str = "y", fmt: str = "{x:g}"):
    """Label a log axis that spans less than a decade (losses, typically) with plain numbers at ``ticks``.

    Matplotlib's default labels such an axis ``2×10⁰, 3×10⁰``; this puts "2", "3" at the given positions instead.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes with a log-scaled ``axis``.
    ticks : sequence of float
        Tick positions, > 0.
    axis : {"x", "y"}
        Which axis.
    fmt : str
        ``str.format`` pattern of a label, with the value as ``x``.
    """
    ticks = as_float_array("ticks", ticks, positive=True)
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(StrMethodFormatter(fmt))
    target.set_minor_formatter(NullFormatter())
    return ax
