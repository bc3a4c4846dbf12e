"""The command line of book_utils: ``python -m book_utils fit RUNS.csv ...`` fits a scaling law to your own runs.

Run ``python -m book_utils fit --help`` for everything it does. The work is done by :mod:`book_utils.userfit`; this
module parses arguments, prints tables, draws the figure and writes the JSON. A mistake in the input (a missing
column, a bad value, too few runs) is reported in one line on standard error with exit status 2, never as a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .userfit import (
    COLUMNS,
    LAWS,
    RunsFileError,
    allocate,
    fit_runs,
    frontier_runs,
    read_runs,
    report_dict,
    sample_runs_csv,
)

__all__ = ["main"]

_EPILOG = """\
The runs file is a CSV with a header row; column names are case-insensitive and other columns are ignored:
{columns}

Laws:
  chinchilla  L = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022), fitted by Huber loss on log L from their grid of
              4,500 starts. Budgets get the compute-optimal N and D (C = 6 N D) and the loss there.
  kaplan      L = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D (Kaplan et al. 2020, eq. 4.1), least squares on
              log L. Budgets get the compute-optimal N and D and the loss there.
  saturating  L = E + A C^-alpha in compute C (flops). Budgets get the predicted loss only.
  bnsl        a broken neural scaling law in compute with --breaks breaks (Caballero et al. 2023). Budgets get
              the predicted loss only.
The laws in compute alone describe the best loss reachable at each budget: give them one run per budget, or
--frontier to keep the best run of each budget in the file.

Intervals are percentile bootstrap intervals: the runs are resampled with replacement and the law refitted
--bootstrap times. A progress bar is shown on standard error when the bootstrap takes over a second.

Example (a sample file made by the book's scaling lab):
  python -m book_utils sample runs.csv
  python -m book_utils fit runs.csv --law chinchilla --budget 1e12 1e13 --plot fit.png --json fit.json
"""


def _parser():
    parser = argparse.ArgumentParser(prog="python -m book_utils",
                                     description="Companion tools of 'Scaling Laws: an interactive textbook'.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{fit,sample}")
    columns = "\n".join(f"  {name:<7} {text}" for name, text in COLUMNS.items())
    fit = sub.add_parser("fit", help="fit a scaling law to your runs (see: fit --help)",
                         description="Fit a scaling law to a CSV of training runs, with bootstrap intervals.",
                         epilog=_EPILOG.format(columns=columns), formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.add_argument("runs", metavar="RUNS.csv", help="the runs file (columns below)")
    fit.add_argument("--law", choices=LAWS, default="chinchilla", help="the law to fit (default: chinchilla)")
    fit.add_argument("--breaks", type=int, default=1, metavar="K", help="breaks of the bnsl law (default: 1)")
    fit.add_argument("--budget", type=float, nargs="+", default=[], metavar="FLOPS",
                     help="compute budgets in FLOPs to allocate and predict (e.g. --budget 1e21 1e22)")
    fit.add_argument("--bootstrap", type=int, default=200, metavar="B",
                     help="bootstrap resamples for the intervals (default: 200; 0 for none)")
    fit.add_argument("--level", type=float, default=0.9, help="coverage of the intervals (default: 0.9)")
    fit.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default: 0)")
    fit.add_argument("--frontier", action="store_true",
                     help="fit only the best run at each budget (runs within 5%% in compute form one budget); "
                          "the laws in compute alone describe this frontier, not a whole IsoFLOP sweep")
    fit.add_argument("--plot", metavar="OUT.png", help="write a figure of the runs and the fitted law")
    fit.add_argument("--json", metavar="OUT.json", help="write the results as JSON")
    sample = sub.add_parser("sample", help="write a sample runs file made by the book's scaling lab",
                            description="Write a sample runs file: an IsoFLOP sweep of the book's scaling lab "
                                        "(chapter 2), real SGD runs with a known ground truth.")
    sample.add_argument("out", metavar="OUT.csv", help="where to write the CSV")
    sample.add_argument("--seed", type=int, default=0, help="seed of the runs (default: 0)")
    return parser


class _Progress:
    """A text progress bar on standard error, shown only once the work has taken over a second."""

    def __init__(self, stream=None, after_s=1.0, every_s=0.2):
        self.stream = sys.stderr if stream is None else stream
        self.after_s, self.every_s = after_s, every_s
        self.start, self.shown, self.last = time.perf_counter(), False, -1.0

    def __call__(self, done, total):
        elapsed = time.perf_counter() - self.start
        if elapsed < self.after_s and not self.shown:
            return  # fast work shows no bar at all
        if done < total and elapsed - self.last < self.every_s:
            return
        self.shown, self.last = True, elapsed
        width = 30
        filled = int(width * done / total)
        eta = elapsed / done * (total - done) if done else 0.0
        self.stream.write(f"\rbootstrap [{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {eta:4.0f} s left")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _fmt(v):
    return "n/a" if v is None else f"{v:.4g}"


def _print_report(report, out):
    pct = f"{100 * report.level:g}%"
    out.write(f"{report.law} law fitted to {report.n_runs} runs from {report.table.source}"
              f"{f'; {pct} intervals from {report.n_boot} bootstrap resamples' if report.n_boot else ''}\n\n")
    out.write(f"{'parameter':<12}{'value':>12}" + (f"{pct + ' interval':>28}" if report.intervals else "") + "\n")
    for name, value in report.params.items():
        line = f"{name:<12}{value:>12.4g}"
        if name in report.intervals:
            lo, hi = report.intervals[name]
            line += f"{f'[{lo:.4g}, {hi:.4g}]':>28}"
        out.write(line + "\n")
    if report.budgets:
        out.write(f"\n{'budget (FLOPs)':<16}{'params':>12}{'tokens':>12}{'tokens/param':>14}{'loss':>10}"
                  + (f"{'loss ' + pct:>24}" if report.n_boot else "") + "\n")
        for row in report.budgets:
            ratio = None if row["params"] is None else row["tokens"] / row["params"]
            line = (f"{row['flops']:<16.3g}{_fmt(row['params']):>12}{_fmt(row['tokens']):>12}{_fmt(ratio):>14}"
                    f"{row['loss']:>10.4f}")
            if row["loss_interval"] is not None:
                lo, hi = row["loss_interval"]
                line += f"{f'[{lo:.4g}, {hi:.4g}]':>24}"
            out.write(line + "\n")
        if report.law in ("saturating", "bnsl"):
            out.write("(a law in compute alone predicts the loss at a budget, not how to split it into N and D)\n")


def _plot(report, path):
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plotting import PALETTE, use_book_style

    use_book_style()
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    t = report.table
    budgets = [row["flops"] for row in report.budgets]
    C = np.geomspace(t.flops.min() / 2, max([t.flops.max() * 2, *budgets]), 200)
    if report.law in ("chinchilla", "kaplan"):
        sc = ax.scatter(t.flops, t.loss, c=np.log10(t.params), cmap="viridis", s=18, label="runs")
        fig.colorbar(sc, ax=ax, label="log10 parameters")
        frontier = allocate(report.law, report.params, C)
        ax.plot(C, [r["loss"] for r in frontier], color=PALETTE[1], lw=2, label="compute-optimal frontier (fit)")
    else:
        ax.scatter(t.flops, t.loss, color="0.2", s=18, label="runs")
        ax.plot(C, report.fit.predict(C), color=PALETTE[1], lw=2, label=f"{report.law} fit")
    for row in report.budgets:
        ax.plot(row["flops"], row["loss"], "*", color=PALETTE[3], ms=12)
    ax.set(xscale="log", yscale="log", xlabel="training compute C (FLOPs)", ylabel="loss",
           title=f"{report.law} law, {report.n_runs} runs")
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=110)


def _sample(out, seed):
    data = sample_runs_csv(seed)
    with open(out, "wb") as f:
        f.write(data)
    return data.count(b"\n") - 1


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "sample":
            n = _sample(args.out, args.seed)
            print(f"wrote {n} runs of the scaling lab to {args.out}")
            return 0
        table = read_runs(args.runs)
        if args.frontier:
            table = frontier_runs(table)
        report = fit_runs(table, args.law, breaks=args.breaks, budgets=args.budget, n_boot=args.bootstrap,
                          level=args.level, seed=args.seed, progress=_Progress())
    except (RunsFileError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_report(report, sys.stdout)
    try:
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(report_dict(report), f, indent=2)
            print(f"\nwrote {args.json}")
        if args.plot:
            _plot(report, args.plot)
            print(f"wrote {args.plot}")
    except OSError as exc:
        print(f"error: cannot write output: {exc}", file=sys.stderr)
        return 2
    return 0
