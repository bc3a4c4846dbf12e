"""Launch buttons follow one setting, `repository.url` in _config.yml: off when empty (the default, checked in
test_build.py), Binder and Colab buttons on every notebook page when it is set."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from notebook_checks import ROOT

SAMPLE_URL = "https://github.com/example-org/scaling-laws-book"


def test_buttons_appear_with_a_repository_url(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == "", "the published default is: no launch buttons"
    config["repository"]["url"] = SAMPLE_URL
    config["execute"]["execute_notebooks"] = "off"  # the buttons do not need outputs
    config["only_build_toc_files"] = True
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: tiny\n")
    (book / "index.md").write_text("# A tiny book\n")
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Tiny notebook"},
                    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "1 + 1"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (book / "tiny.ipynb").write_text(json.dumps(nb))
    for name in ("references.bib", "_ext"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, book / name)
    (book / "_vendor").mkdir()  # html_static_path must exist; nothing from it is needed here
    jb = shutil.which("jupyter-book") or str(Path(sys.executable).with_name("jupyter-book"))
    proc = subprocess.run([jb, "build", str(book)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = (book / "_build" / "html" / "tiny.html").read_text()
    assert "mybinder.org/v2/gh/example-org/scaling-laws-book/main?urlpath=tree/tiny.ipynb" in page
    assert "colab.research.google.com/github/example-org/scaling-laws-book/blob/main/tiny.ipynb" in page
