r"""Fit a scaling law to your own training runs: read a CSV of runs, fit, bootstrap, allocate a budget.

Introduced in the appendix ("Fit your own runs") and behind the command line ``python -m book_utils fit``. Pure
functions: nothing here prints or plots (:mod:`book_utils.cli` does).

**The runs file.** A CSV with a header row. Columns (names case-insensitive; others ignored):

- ``params``: parameters of the model, a count (e.g. ``1.3e9``);
- ``tokens``: training tokens seen, a count; or ``flops``: training compute in FLOPs (one of the two is needed; with
  only one, the other follows from :math:`C = 6ND`, eq. 2.1 of Kaplan et al. :cite:p:`kaplan2020scaling`);
- ``loss``: the final loss of the run, in nats per token (any positive loss works for the one-variable laws).

**The laws.** ``chinchilla`` (:math:`E + A/N^\alpha + B/D^\beta`, fitted as Hoffmann et al. did,
:func:`book_utils.fitting.fit_chinchilla`), ``kaplan`` (Kaplan et al.'s :math:`L(N, D)`,
:func:`book_utils.fitting.fit_kaplan`), ``saturating`` (:math:`E + A\,C^{-\alpha}` in compute) and ``bnsl`` (a
broken neural scaling law in compute, :func:`book_utils.fitting.fit_bnsl`). Intervals are percentile bootstrap
intervals over resampled runs. For a budget the two-variable laws give the compute-optimal split and its loss; the
laws in compute alone give the loss only.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import as_float_array, as_int, as_scalar, one_of
from .compute import FLOPS_PER_PARAM_TOKEN, compute_optimal
from .fitting import bootstrap, fit_bnsl, fit_chinchilla, fit_kaplan, fit_saturating_power_law
from .laws import chinchilla_loss, kaplan_nd_law

__all__ = ["COLUMNS", "LAWS", "RunsFileError", "RunTable", "read_runs", "frontier_runs", "FitReport", "fit_runs",
           "allocate", "report_dict", "sample_runs_csv"]

COLUMNS = {
    "params": "parameters of the model (a count, e.g. 1.3e9)",
    "tokens": "training tokens seen (a count); give tokens or flops",
    "flops": "training compute in FLOPs; give tokens or flops (the other is C = 6 N D)",
    "loss": "final loss of the run (nats/token; any positive loss for saturating and bnsl)",
}
"""The columns of a runs file and their units."""

LAWS = ("chinchilla", "kaplan", "saturating", "bnsl")
"""Laws :func:`fit_runs` can fit."""

_N_PARAMS = {"chinchilla": 5, "kaplan": 4, "saturating": 3}


class RunsFileError(ValueError):
    """A runs file that cannot be used: the message says what is wrong and on which lines (1 is the header)."""


@dataclass(frozen=True)
class RunTable:
    """Runs read by :func:`read_runs`.

    Attributes
    ----------
    params, tokens, flops, loss : numpy.ndarray
        One entry per run (tokens or flops derived by :math:`C = 6ND` when the file gives only one).
    lines : numpy.ndarray
        The line of the file each run came from (the header is line 1).
    source : str
        Where the runs came from (a path, or ``"<text>"``).
    """

    params: np.ndarray
    tokens: np.ndarray
    flops: np.ndarray
    loss: np.ndarray
    lines: np.ndarray = field(repr=False)
    source: str = "<text>"

    def __len__(self) -> int:
        return int(self.loss.size)


def _lines(mask, lines, limit=8):
    bad = [int(n) for n in lines[mask]]
    more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
    return ", ".join(map(str, bad[:limit])) + more


def read_runs(source, name=None) -> RunTable:
    """Read and check a runs file (see the module docstring for its columns).

    Parameters
    ----------
    source : str, pathlib.Path or file-like
        A path to a CSV file, an open text file, or ``bytes`` of one (as an upload widget gives).
    name : str, optional
        How messages name the file (default: the path, or ``"<text>"``).

    Returns
    -------
    RunTable

    Raises
    ------
    RunsFileError
        Missing columns, empty file, non-numeric, non-finite or non-positive values, or duplicate runs, with the
        line numbers involved.
    """
    given, name = name, "<text>"
    if isinstance(source, bytes):
        text = source.decode("utf-8-sig", errors="replace")
    elif isinstance(source, (str, Path)):
        name = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise RunsFileError(f"cannot read {name}: {exc.strerror or exc}") from exc
    elif hasattr(source, "read"):
        text = source.read()
        text = text.decode("utf-8-sig", errors="replace") if isinstance(text, bytes) else text
    else:
        raise RunsFileError(f"expected a path, a text file or bytes, got {type(source).__name__}")
    if given is not None:
        name = str(given)
    rows = [r for r in csv.reader(io.StringIO(text))]
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(cell.strip() for cell in r)]
    if not numbered:
        raise RunsFileError(f"{name} is empty; expected a header row with {', '.join(COLUMNS)}")
    (_, header), body = numbered[0], numbered[1:]
    cols = [h.strip().lower() for h in header]
    missing = [c for c in ("params", "loss") if c not in cols]
    if "tokens" not in cols and "flops" not in cols:
        missing.append("tokens or flops")
    if missing:
        raise RunsFileError(f"{name}: missing column(s) {', '.join(missing)}; the header has {', '.join(cols)}. "
                            f"Needed: params, loss, and tokens or flops")
    if not body:
        raise RunsFileError(f"{name} has a header but no runs")
    lines = np.array([n for n, _ in body])
    values = {}
    for col in ("params", "tokens", "flops", "loss"):
        if col not in cols:
            continue
        j = cols.index(col)
        cells = [r[j].strip() if j < len(r) else "" for _, r in body]
        arr = np.full(len(cells), np.nan)
        bad = np.zeros(len(cells), dtype=bool)
        for i, cell in enumerate(cells):
            try:
                arr[i] = float(cell)
            except ValueError:
                bad[i] = True
        if bad.any():
            raise RunsFileError(f"{name}: column {col} is not a number on line(s) {_lines(bad, lines)}")
        if not np.all(np.isfinite(arr)):
            raise RunsFileError(f"{name}: column {col} is NaN or infinite on line(s) "
                                f"{_lines(~np.isfinite(arr), lines)}")
        if np.any(arr <= 0):
            raise RunsFileError(f"{name}: column {col} must be > 0; it is not on line(s) {_lines(arr <= 0, lines)}")
        values[col] = arr
    N, L = values["params"], values["loss"]
    D = values.get("tokens", values.get("flops", np.ones_like(N)) / (FLOPS_PER_PARAM_TOKEN * N))
    C = values.get("flops", FLOPS_PER_PARAM_TOKEN * N * D)
    key = np.column_stack([N, D])
    _, first, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    if np.any(counts > 1):
        dup = np.zeros(N.size, dtype=bool)
        for row in key[first[counts > 1]]:
            dup |= np.all(key == row, axis=1)
        raise RunsFileError(f"{name}: the same (params, tokens) appears more than once, on lines {_lines(dup, lines)}; "
                            f"average repeated runs first, or keep one")
    return RunTable(params=N, tokens=D, flops=C, loss=L, lines=lines, source=name)


def frontier_runs(table, rel=0.05) -> RunTable:
    """The best run at each budget: runs whose compute agrees within a factor ``1 + rel`` form one budget, and only
    the lowest loss of each is kept (the lower envelope of an IsoFLOP sweep). The laws in compute alone
    (``saturating``, ``bnsl``) describe this frontier, not every run.

    Parameters
    ----------
    table : RunTable
        The runs.
    rel : float
        Relative tolerance that groups runs into one budget, >= 0.

    Returns
    -------
    RunTable
        One run per budget, in order of compute.
    """
    if not isinstance(table, RunTable):
        raise ValueError(f"table must be a RunTable (read_runs gives one), got {type(table).__name__}")
    rel = as_scalar("rel", rel, nonnegative=True)
    order = np.argsort(table.flops, kind="stable")
    keep, start = [], 0
    for i in range(1, order.size + 1):
        if i == order.size or table.flops[order[i]] > table.flops[order[start]] * (1 + rel):
            group = order[start:i]
            keep.append(group[np.argmin(table.loss[group])])
            start = i
    k = np.array(keep)
    return RunTable(params=table.params[k], tokens=table.tokens[k], flops=table.flops[k], loss=table.loss[k],
                    lines=table.lines[k], source=table.source)


@dataclass(frozen=True)
class FitReport:
    """What :func:`fit_runs` found.

    Attributes
    ----------
    law : str
        The law fitted (one of :data:`LAWS`).
    params : dict
        ``{name: value}`` of the fitted constants.
    intervals : dict
        ``{name: (low, high)}``: bootstrap percentile intervals at ``level`` (empty when ``n_boot`` is 0).
    level : float
        Coverage of the intervals.
    n_runs, n_boot : int
        Runs fitted and bootstrap resamples.
    budgets : list of dict
        For each budget: ``flops``, ``params`` and ``tokens`` (the compute-optimal split; ``None`` for the laws in
        compute alone), ``loss`` (predicted) and ``loss_interval``.
    fit : object
        The fit object of :mod:`book_utils.fitting`.
    table : RunTable
        The runs.
    """

    law: str
    params: dict
    intervals: dict
    level: float
    n_runs: int
    n_boot: int
    budgets: list
    fit: object = field(repr=False)
    table: RunTable = field(repr=False)


def _fit_once(law, table, breaks, idx=None):
    """Fit ``law`` to the runs (or to the runs ``idx``, a bootstrap resample); return (fit, params dict)."""
    sel = slice(None) if idx is None else idx
    N, D, C, L = table.params[sel], table.tokens[sel], table.flops[sel], table.loss[sel]
    if law == "chinchilla":
        fit = fit_chinchilla(N, D, L)
    elif law == "kaplan":
        fit = fit_kaplan(N, D, L)
    elif law == "saturating":
        fit = fit_saturating_power_law(C, L)
    else:
        fit = fit_bnsl(C, L, breaks, n_starts=None if idx is None else 500, keep=32 if idx is None else 8)
    if law == "bnsl":
        p = {"a": fit.a, "b": fit.b, "c0": fit.c0}
        for i in range(fit.n_breaks):
            p |= {f"c{i + 1}": fit.c[i], f"d{i + 1}": fit.d[i], f"f{i + 1}": fit.f[i]}
        return fit, p
    return fit, dict(fit.params)


def allocate(law, params, budgets):
    """The compute-optimal split and predicted loss at each budget, for one set of constants of ``law``.

    Parameters
    ----------
    law : str
        One of :data:`LAWS`.
    params : dict
        Its constants, as in :attr:`FitReport.params`.
    budgets : sequence of float
        Budgets in FLOPs, > 0.

    Returns
    -------
    list of dict
        ``{"flops", "params", "tokens", "loss"}`` per budget; ``params`` and ``tokens`` are ``None`` for the laws
        in compute alone.
    """
    one_of("law", law, LAWS)
    budgets = as_float_array("budgets", budgets, positive=True).ravel()
    rows = []
    for C in budgets:
        if law == "chinchilla":
            n, d = compute_optimal(C, A=params["A"], B=params["B"], alpha=params["alpha"], beta=params["beta"])
            loss = chinchilla_loss(n, d, **params)
        elif law == "kaplan":
            # minimise (N_c/N)^p + 6 D_c N / C over N (p = alpha_N/alpha_D): N^(p+1) = p N_c^p C / (6 D_c)
            p = params["alpha_N"] / params["alpha_D"]
            n = math.exp((math.log(p) + p * math.log(params["N_c"]) + math.log(C)
                          - math.log(FLOPS_PER_PARAM_TOKEN * params["D_c"])) / (p + 1))
            d = C / (FLOPS_PER_PARAM_TOKEN * n)
            loss = kaplan_nd_law(n, d, **params)
        elif law == "saturating":
            n = d = None
            loss = params["E"] + params["A"] * C ** -params["alpha"]
        else:
            from .laws import bnsl

            k = sum(1 for name in params if name.startswith("d"))
            n = d = None
            loss = bnsl(C, params["a"], params["b"], params["c0"], [params[f"c{i + 1}"] for i in range(k)],
                        [params[f"d{i + 1}"] for i in range(k)], [params[f"f{i + 1}"] for i in range(k)])
        rows.append({"flops": float(C), "params": None if n is None else float(n),
                     "tokens": None if d is None else float(d), "loss": float(loss)})
    return rows


def fit_runs(table, law="chinchilla", *, breaks=1, budgets=(), n_boot=200, level=0.9, seed=0, progress=None):
    """Fit ``law`` to a :class:`RunTable`, bootstrap it, and allocate each budget.

    Parameters
    ----------
    table : RunTable
        The runs (:func:`read_runs`).
    law : str
        One of :data:`LAWS`.
    breaks : int
        Breaks of the ``bnsl`` law, >= 0.
    budgets : sequence of float
        Compute budgets in FLOPs, > 0.
    n_boot : int
        Bootstrap resamples, >= 0 (0: no intervals).
    level : float
        Coverage of the intervals, in (0, 1).
    seed : int
        Seed of the resampling.
    progress : callable, optional
        ``progress(done, total)``, called as the bootstrap advances.

    Returns
    -------
    FitReport

    Raises
    ------
    ValueError
        Too few runs for the law (the message says how many it needs), or a bad option.
    """
    if not isinstance(table, RunTable):
        raise ValueError(f"table must be a RunTable (read_runs gives one), got {type(table).__name__}")
    one_of("law", law, LAWS)
    breaks = as_int("breaks", breaks)
    budgets = [] if budgets is None or len(budgets) == 0 else as_float_array("budgets", budgets, positive=True).ravel()
    n_boot = as_int("n_boot", n_boot)
    level = as_scalar("level", level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.9 for 90% intervals; got {level!r}")
    need = _N_PARAMS.get(law, 3 + 3 * breaks) + 1
    if len(table) < need:
        raise ValueError(f"the {law} law{f' with {breaks} break(s)' if law == 'bnsl' else ''} needs at least {need} "
                         f"runs; the file has {len(table)}")
    if law in ("saturating", "bnsl") and np.unique(table.flops).size < need:
        raise ValueError(f"the {law} law needs at least {need} distinct compute budgets (flops); the file has "
                         f"{np.unique(table.flops).size}")
    fit, params = _fit_once(law, table, breaks)
    names = list(params)
    rows = allocate(law, params, budgets) if len(budgets) else []
    intervals = {}
    if n_boot:
        samples, budget_loss = _bootstrap(law, table, breaks, fit, names, budgets, n_boot, seed, progress)
        q = ((1 - level) / 2, (1 + level) / 2)
        for j, name in enumerate(names):
            lo, hi = np.nanquantile(samples[:, j], q)
            intervals[name] = (float(lo), float(hi))
        for row, col in zip(rows, budget_loss.T, strict=True):
            lo, hi = np.nanquantile(col, q)
            row["loss_interval"] = [float(lo), float(hi)]
    for row in rows:
        row.setdefault("loss_interval", None)
    return FitReport(law=law, params=params, intervals=intervals, level=level, n_runs=len(table), n_boot=n_boot,
                     budgets=rows, fit=fit, table=table)


def _bootstrap(law, table, breaks, fit, names, budgets, n_boot, seed, progress):
    """Resample the runs with replacement and refit ``n_boot`` times; also the budgets' predicted losses."""
    rng = np.random.default_rng(as_int("seed", seed))
    n = len(table)
    samples = np.full((n_boot, len(names)), np.nan)
    if law in ("chinchilla", "saturating"):  # batched refits from the fit's optimum, in chunks for the progress bar
        chunk = max(1, min(n_boot, 50))
        done = 0
        while done < n_boot:
            k = min(chunk, n_boot - done)
            sub_seed = int(rng.integers(2**31))
            boot = fit.bootstrap(k, seed=sub_seed) if law == "chinchilla" else bootstrap(fit, k, seed=sub_seed)
            samples[done:done + k] = boot.samples
            done += k
            if progress:
                progress(done, n_boot)
    else:
        for i in range(n_boot):
            idx = rng.integers(0, n, n)
            try:
                _, p = _fit_once(law, table, breaks, idx)
                samples[i] = [p[name] for name in names]
            except ValueError:  # a resample with too few distinct runs for the law: leave it out
                pass
            if progress:
                progress(i + 1, n_boot)
    budget_loss = np.full((n_boot, len(budgets)), np.nan)
    if len(budgets):
        for i in range(n_boot):
            if np.all(np.isfinite(samples[i])):
                p = dict(zip(names, samples[i], strict=True))
                try:
                    budget_loss[i] = [r["loss"] for r in allocate(law, p, budgets)]
                except (ValueError, OverflowError, ZeroDivisionError):  # a degenerate refit: leave it out
                    pass
    return samples, budget_loss


def report_dict(report) -> dict:
    """A :class:`FitReport` as plain JSON-ready data (the ``--json`` output of ``python -m book_utils fit``).

    Keys: ``law``, ``source``, ``n_runs``, ``n_bootstrap``, ``level``, ``params`` (``{name: {"value", "interval"}}``,
    interval ``[low, high]`` or ``null``) and ``budgets`` (a list of ``{"flops", "params", "tokens", "loss",
    "loss_interval"}``).
    """
    if not isinstance(report, FitReport):
        raise ValueError(f"report must be a FitReport, got {type(report).__name__}")

    def clean(v):
        return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v

    return {
        "law": report.law,
        "source": report.table.source,
        "n_runs": report.n_runs,
        "n_bootstrap": report.n_boot,
        "level": report.level,
        "params": {k: {"value": clean(float(v)),
                       "interval": [clean(x) for x in report.intervals[k]] if k in report.intervals else None}
                   for k, v in report.params.items()},
        "budgets": [{k: (clean(v) if not isinstance(v, list) else [clean(x) for x in v]) for k, v in row.items()}
                    for row in report.budgets],
    }


@functools.lru_cache(maxsize=4)
def sample_runs_csv(seed=0) -> bytes:
    """A sample runs file (what ``python -m book_utils sample`` writes), as bytes: an IsoFLOP sweep of chapter 2's
    scaling lab (:class:`book_utils.lab.ScalingLab`), 9 budgets from 1e6 to 1e8 FLOPs, 78 real SGD runs with a known
    ground truth; columns ``params, tokens, flops, loss, budget``. Cached (the runs take about two seconds).

    Parameters
    ----------
    seed : int
        Seed of the runs' data stream.
    """
    from .lab import ScalingLab

    runs = ScalingLab().isoflop_sweep(10 ** np.arange(6.0, 8.01, 0.25), seed=as_int("seed", seed), n_records=2)
    lines = ["params,tokens,flops,loss,budget"]
    lines += [f"{n:.0f},{d:.0f},{FLOPS_PER_PARAM_TOKEN * n * d:.6g},{loss:.6f},{b:.3g}"
              for n, d, loss, b in zip(runs.N, runs.D, runs.loss, runs.budget, strict=True)]
    return ("\n".join(lines) + "\n").encode()
