"""The appendix's "fit your own runs" widgets: the upload tool (live and kernel-free) and the explorer of four laws."""

import base64
import datetime

import ipywidgets as widgets
import numpy as np
import pytest

from book_utils.userfit import LAWS, read_runs, sample_runs_csv
from book_utils.widgets import (
    MAX_STATIC_FRAMES,
    RUNS_BUDGETS,
    UploadFitWidget,
    runs_explorer,
    runs_fits,
    static_mode,
    sweep,
    upload_fit_widget,
)

GOOD = b"params,tokens,loss\n" + b"".join(
    f"{n:.0f},{d:.0f},{1.7 + 400 * n ** -0.34 + 410 * d ** -0.28:.6f}\n".encode()
    for n in (1e7, 3e7, 1e8, 3e8) for d in (1e9, 3e9, 1e10))


def uploaded(data, name="runs.csv"):
    """The value a FileUpload holds after a reader uploads ``data`` (ipywidgets 8)."""
    return ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
             "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)},)


def shown(tool):
    """The plain text of what the tool's output area shows."""
    return tool.output.outputs[0]["data"]["text/plain"] if tool.output.outputs else ""


def test_sample_is_the_command_lines_file(tmp_path):
    from book_utils.cli import main

    assert main(["sample", str(tmp_path / "runs.csv")]) == 0
    assert sample_runs_csv() == (tmp_path / "runs.csv").read_bytes()
    assert len(read_runs(sample_runs_csv())) == 78


def test_upload_then_fit_button_shows_the_tables():
    tool = upload_fit_widget(static=False, n_boot=10)
    assert isinstance(tool, UploadFitWidget) and not tool.static
    assert tool.output in tool.children and any(tool.button in getattr(c, "children", ()) for c in tool.children)
    tool.upload.value = uploaded(GOOD, "mine.csv")
    assert tool.data == GOOD
    assert "<b>mine.csv</b>: 12 runs, 8 distinct compute budgets, 6.0e16 to 1.8e19 FLOPs" in tool.status.value
    tool.budgets.value = "1e20, 1e21"
    tool.button.click()
    text = shown(tool)
    assert tool.error is None and tool.report is not None and tool.report.n_runs == 12
    assert "chinchilla law fitted to 12 runs from mine.csv; 90% intervals from 10 bootstrap resamples" in text
    for name in ("E", "A", "B", "alpha", "beta", "tokens/param", "1e+20", "1e+21"):
        assert name in text
    assert abs(tool.report.params["alpha"] - 0.34) < 0.01 and abs(tool.report.params["beta"] - 0.28) < 0.01
    assert tool.output.outputs[0]["data"]["text/html"].startswith("<pre>") and tool.text == text
    png = base64.b64decode(tool.output.outputs[1]["data"]["image/png"])
    assert png.startswith(b"\x89PNG") and len(tool.output.outputs) == 2


def test_run_with_bytes_and_every_law():
    tool = upload_fit_widget(static=False, n_boot=0)
    data = sample_runs_csv()
    tool.budgets.value = "1e9"
    for law in LAWS:
        tool.law.value = law
        assert tool.frontier.value == (law in ("saturating", "bnsl"))   # the laws in compute alone: the frontier
        report = tool.run(data, "sample.csv")
        assert report is tool.report and report.law == law and tool.error is None, tool.error
        assert report.n_runs == (9 if tool.frontier.value else 78) and report.intervals == {}
        assert f"{law} law fitted to" in shown(tool)
    tool.frontier.value = False                   # a reader may untick it
    assert tool.run().n_runs == 78                # run() refits the file loaded last


def test_sample_button_loads_the_sample_and_a_budget():
    tool = upload_fit_widget(static=False, n_boot=0)
    tool.sample.click()
    assert tool.data == sample_runs_csv() and "78 runs, 9 distinct compute budgets" in tool.status.value
    assert tool.budgets.value == "1e9 1e10"
    tool.budgets.value = "3e9"
    tool.sample.click()
    assert tool.budgets.value == "3e9"            # a budget the reader typed is kept


@pytest.mark.parametrize("data, budgets, message", [
    (b"params,loss\n1e8,3.1\n", "", "missing column(s) tokens or flops"),
    (b"params,tokens,loss\n1e8,2e9,3.1\n2e8,4e9,abc\n", "", "column loss is not a number on line(s) 3"),
    (b"params,tokens,loss\n1e8,2e9,3.1\n2e8,4e9,2.9\n", "", "needs at least 6 runs"),
    (GOOD, "1e21 lots", "'lots' is not a number"),
    (GOOD, "-1e21", "must be a positive number"),
])
def test_bad_files_and_settings_show_one_line(data, budgets, message):
    tool = upload_fit_widget(static=False, n_boot=0)
    tool.budgets.value = budgets
    assert tool.run(data, "bad.csv") is None and tool.report is None
    assert message in tool.error and message in shown(tool) and "Traceback" not in shown(tool)
    assert len(tool.output.outputs) == 1                            # no figure of the previous fit is left
    assert "<text>" not in tool.error                               # the file is called by its name
    tool.budgets.value = ""
    assert tool.run(GOOD, "good.csv") is not None and tool.error is None   # and the next good file works


def test_upload_of_a_bad_file_says_so_at_once():
    tool = upload_fit_widget(static=False)
    tool.upload.value = uploaded(b"params,tokens,loss\n1e8,2e9,3.1\n1e8,2e9,3.2\n", "twice.csv")
    assert "twice.csv: the same (params, tokens) appears more than once" in tool.status.value
    assert tool.report is None


def test_fit_without_a_file():
    tool = upload_fit_widget(static=False)
    tool.button.click()
    assert tool.report is None and "no runs file yet" in tool.error


def test_an_unexpected_error_is_shown_and_raised(monkeypatch):
    import book_utils.userfit as userfit

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(userfit, "fit_runs", broken)
    tool = upload_fit_widget(static=False)
    with pytest.raises(RuntimeError, match="a bug"):
        tool.run(GOOD)
    assert "Traceback" in shown(tool) and "a bug" in tool.error


def test_progress_follows_the_bootstrap():
    tool = upload_fit_widget(static=False, n_boot=10)
    tool.run(GOOD)
    assert tool.progress.value == tool.progress.max == 10 and tool.progress.layout.visibility == "visible"


def test_kernel_free_mode_shows_only_a_note(monkeypatch):
    tool = upload_fit_widget(static=True)
    assert tool.static and len(tool.children) == 1 and isinstance(tool.children[0], widgets.HTML)
    note = tool.children[0].value
    assert "needs a running Python kernel" in note and "python -m book_utils fit" in note
    assert tool.upload not in tool.children and tool.run(GOOD) is not None   # still usable from code
    monkeypatch.setenv("BOOK_STATIC_WIDGETS", "1")
    assert static_mode() and upload_fit_widget().static
    monkeypatch.setenv("BOOK_STATIC_WIDGETS", "0")
    assert not upload_fit_widget().static


def test_bad_n_boot():
    with pytest.raises(ValueError, match="n_boot"):
        upload_fit_widget(static=False, n_boot=1.5)


def test_runs_fits():
    table, frontier, reports = runs_fits()
    assert len(table) == 78 and len(frontier) == 9 and list(reports) == list(LAWS)
    for law, r in reports.items():
        assert r.n_boot == 50 and [row["flops"] for row in r.budgets] == list(RUNS_BUDGETS)
        assert r.n_runs == (9 if law in ("saturating", "bnsl") else 78)
        assert all(row["loss_interval"] is not None for row in r.budgets)


def test_runs_explorer_live():
    ex = runs_explorer(static=False)
    report = sweep(ex)
    assert report.ok and report.distinct_frames == {"law": 4, "C": 5}
    assert np.median(report.callback_ms) < 250          # generous: the book's target is 50 ms on a quiet machine
    a = ex.set(law="kaplan", C=1e10)
    b = ex.set(law="bnsl", C=1e10)
    assert a != b and ex.last_error is None


def test_runs_explorer_kernel_free():
    ex = runs_explorer(static=True)
    assert ex.static and ex.frames is not None
    n_frames = 4 * 5
    assert n_frames <= MAX_STATIC_FRAMES
    assert len(ex.frames.children) == 4 and all(len(s.children) == 5 for s in ex.frames.children)
