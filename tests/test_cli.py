"""`python -m book_utils fit`: end to end on files the scaling lab makes, every bad-input case, the JSON schema,
and agreement with the library calls."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest

from book_utils.cli import _Progress, main
from book_utils.fitting import fit_chinchilla, fit_kaplan
from book_utils.userfit import RunsFileError, allocate, fit_runs, frontier_runs, read_runs, report_dict

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("runs") / "runs.csv"
    assert main(["sample", str(path)]) == 0
    return path


def write(tmp_path, text, name="runs.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sample_then_fit_end_to_end(sample, tmp_path, capsys):
    out_json, out_png = tmp_path / "fit.json", tmp_path / "fit.png"
    code = main(["fit", str(sample), "--budget", "1e9", "1e10", "--bootstrap", "40", "--json", str(out_json),
                 "--plot", str(out_png)])
    printed = capsys.readouterr()
    assert code == 0 and "Traceback" not in printed.err
    assert "chinchilla law fitted to 78 runs" in printed.out and "90% interval" in printed.out
    for name in ("E", "A", "B", "alpha", "beta"):
        assert f"\n{name} " in printed.out
    assert out_png.read_bytes().startswith(PNG_MAGIC)
    report = json.loads(out_json.read_text())
    assert report["n_runs"] == 78 and report["n_bootstrap"] == 40 and report["law"] == "chinchilla"


def test_json_schema(sample, tmp_path):
    out = tmp_path / "fit.json"
    assert main(["fit", str(sample), "--budget", "1e9", "--bootstrap", "30", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"law", "source", "n_runs", "n_bootstrap", "level", "params", "budgets"}
    assert data["level"] == 0.9 and data["source"].endswith("runs.csv")
    assert set(data["params"]) == {"E", "A", "B", "alpha", "beta"}
    for entry in data["params"].values():
        assert set(entry) == {"value", "interval"} and isinstance(entry["value"], float)
        lo, hi = entry["interval"]
        assert lo <= hi
    (row,) = data["budgets"]
    assert set(row) == {"flops", "params", "tokens", "loss", "loss_interval"}
    assert 6 * row["params"] * row["tokens"] == pytest.approx(row["flops"], rel=1e-9)
    assert row["loss_interval"][0] <= row["loss"] <= row["loss_interval"][1]


def test_fit_matches_the_library(sample):
    table = read_runs(sample)
    report = fit_runs(table, "chinchilla", n_boot=0)
    direct = fit_chinchilla(table.params, table.tokens, table.loss)
    assert report.params == direct.params and report.intervals == {}
    kaplan = fit_runs(table, "kaplan", n_boot=0, budgets=[1e9])
    assert kaplan.params == fit_kaplan(table.params, table.tokens, table.loss).params
    (row,) = kaplan.budgets
    assert row == allocate("kaplan", kaplan.params, [1e9])[0] | {"loss_interval": None}


@pytest.mark.parametrize("law", ["kaplan", "saturating", "bnsl"])
def test_every_law_runs_and_reports_budgets(sample, law):
    table = frontier_runs(read_runs(sample)) if law in ("saturating", "bnsl") else read_runs(sample)
    report = fit_runs(table, law, budgets=[1e9], n_boot=10, seed=1)
    (row,) = report.budgets
    assert np.isfinite(row["loss"]) and set(report.intervals) == set(report.params)
    assert (row["params"] is None) == (law in ("saturating", "bnsl"))
    assert json.loads(json.dumps(report_dict(report)))["law"] == law


def test_frontier_keeps_the_best_run_of_each_budget(sample):
    table = read_runs(sample)
    front = frontier_runs(table)
    assert len(front) == 9  # the sample sweeps 9 budgets
    for c, loss in zip(front.flops, front.loss, strict=True):
        same = np.abs(table.flops / c - 1) <= 0.05
        assert loss == table.loss[same].min()


def test_flops_instead_of_tokens(tmp_path):
    path = write(tmp_path, "Params,FLOPS,Loss,notes\n1e6,6e14,3.0,a\n2e6,1.2e15,2.9,b\n")
    table = read_runs(path)
    assert table.tokens.tolist() == pytest.approx([1e8, 1e8]) and table.lines.tolist() == [2, 3]
    assert read_runs(path.read_bytes()).tokens.tolist() == pytest.approx([1e8, 1e8])  # as an upload gives it


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("params,loss\n1e6,3\n", r"missing column\(s\) tokens or flops"),
        ("tokens,loss\n1e8,3\n", r"missing column\(s\) params"),
        ("", "is empty"),
        ("params,tokens,loss\n", "no runs"),
        ("params,tokens,loss\n1e6,1e8,3\n2e6,x,3\n3e6,1e8,oops\n", r"tokens is not a number on line\(s\) 3"),
        ("params,tokens,loss\n1e6,1e8,nan\n2e6,1e8,inf\n", r"loss is NaN or infinite on line\(s\) 2, 3"),
        ("params,tokens,loss\n1e6,1e8,3\n-2e6,1e8,3\n0,1e8,3\n", r"params must be > 0; it is not on line\(s\) 3, 4"),
        ("params,tokens,loss\n1e6,1e8,3\n2e6,1e8,3\n1e6,1e8,2.9\n", "more than once, on lines 2, 4"),
    ],
)
def test_bad_files_name_the_lines(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    with pytest.raises(RunsFileError, match=message):
        read_runs(path)
    assert main(["fit", str(path), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_too_few_runs_and_bad_options(tmp_path, sample, capsys):
    path = write(tmp_path, "params,tokens,loss\n" + "".join(f"{n}e6,1e8,{3 - n / 10}\n" for n in range(1, 6)))
    assert main(["fit", str(path)]) == 2
    assert "chinchilla law needs at least 6 runs; the file has 5" in capsys.readouterr().err
    assert main(["fit", str(path), "--law", "bnsl", "--breaks", "2"]) == 2
    assert "with 2 break(s) needs at least 10 runs" in capsys.readouterr().err
    assert main(["fit", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["fit", str(sample), "--breaks", "-1", "--law", "bnsl"]) == 2
    assert main(["fit", str(sample), "--level", "1.5"]) == 2
    assert "level must be in (0, 1)" in capsys.readouterr().err
    assert main(["fit", str(sample), "--budget=-1e9"]) == 2
    assert "budgets must be > 0" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:  # argparse's own errors: exit 2 with a usage line
        main(["fit", str(sample), "--law", "gpt"])
    assert stop.value.code == 2
    with pytest.raises(ValueError, match="RunTable"):
        fit_runs("runs.csv")


def test_progress_bar_only_when_slow():
    quick = io.StringIO()
    bar = _Progress(stream=quick, after_s=10.0)
    for i in range(1, 6):
        bar(i, 5)
    assert quick.getvalue() == ""
    slow = io.StringIO()
    bar = _Progress(stream=slow, after_s=0.0, every_s=0.0)
    for i in range(1, 6):
        bar(i, 5)
    assert "5/5" in slow.getvalue() and slow.getvalue().endswith("\n")


def test_module_entry_point(tmp_path):
    help_run = subprocess.run([sys.executable, "-m", "book_utils", "fit", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0
    for word in ("params", "tokens", "flops", "loss", "--budget", "--plot", "--json", "--breaks", "bootstrap"):
        assert word in help_run.stdout
    bad = write(tmp_path, "params,loss\n1,2\n")
    run = subprocess.run([sys.executable, "-m", "book_utils", "fit", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("error:") and "Traceback" not in run.stderr


def test_fit_kaplan_recovers_kaplans_constants():
    from book_utils.laws import kaplan_loss_nd

    rng = np.random.default_rng(0)
    N, D = np.exp(rng.uniform(np.log(1e6), np.log(1e9), 30)), np.exp(rng.uniform(np.log(1e8), np.log(1e11), 30))
    fit = fit_kaplan(N, D, kaplan_loss_nd(N, D))
    assert fit.params == pytest.approx({"N_c": 6.4e13, "D_c": 1.8e13, "alpha_N": 0.076, "alpha_D": 0.103}, rel=1e-6)
    assert fit.predict(1e9, 1e10) == pytest.approx(kaplan_loss_nd(1e9, 1e10), rel=1e-9)
    with pytest.raises(ValueError, match="at least 5 points"):
        fit_kaplan(N[:4], D[:4], kaplan_loss_nd(N[:4], D[:4]))
    with pytest.raises(ValueError, match="D must be > 0"):
        fit_kaplan(N, -D, kaplan_loss_nd(N, D))


def test_kaplan_nd_law_is_eq_4_1_with_any_constants():
    from book_utils.laws import kaplan_loss_nd, kaplan_nd_law

    N, D = np.array([1e7, 1e9]), np.array([1e9, 1e12])
    table2 = {"N_c": 6.4e13, "D_c": 1.8e13, "alpha_N": 0.076, "alpha_D": 0.103}
    assert np.allclose(kaplan_nd_law(N, D, **table2), kaplan_loss_nd(N, D), rtol=1e-12)
    assert kaplan_nd_law(1e30, 2.0, 1.0, 8.0, 0.5, 1.0) == pytest.approx(4.0)  # N -> inf: (D_c/D)^alpha_D
    with pytest.raises(ValueError, match="alpha_D must be > 0"):
        kaplan_nd_law(N, D, 6.4e13, 1.8e13, 0.076, 0.0)
    with pytest.raises(ValueError, match="must broadcast"):
        kaplan_nd_law(np.ones(2), np.ones(3), **table2)
