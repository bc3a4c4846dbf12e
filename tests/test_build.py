"""The book builds with warnings as errors, executes every notebook without a traceback, and renders its content."""

import json
import re

import pytest
from notebook_checks import ROOT, chapter_notebooks, tracebacks


@pytest.fixture(scope="module")
def built(built_book):
    return built_book


def test_index_and_every_notebook_page_exist(built):
    html = built / "html"
    assert (html / "index.html").exists()
    for nb in chapter_notebooks():
        page = html / nb.relative_to(ROOT).with_suffix(".html")
        assert page.exists(), page


def test_executed_notebooks_have_no_tracebacks(built):
    executed = sorted((built / "jupyter_execute").rglob("*.ipynb"))
    assert len(executed) == len(chapter_notebooks())
    for path in executed:
        nb = json.loads(path.read_text())
        assert tracebacks(nb) == [], (path.name, tracebacks(nb))
        assert nb["metadata"].get("widgets"), f"{path.name}: widget state was saved"


def test_foundations_pages_render_figures_math_exercises(built):
    for nb in chapter_notebooks():
        if "00_foundations" not in nb.parts:
            continue
        page = (built / "html" / nb.relative_to(ROOT).with_suffix(".html")).read_text()
        assert page.count('<img alt="') >= 1, f"{nb.name}: a figure with alt text"
        assert re.search(r'class="math', page), f"{nb.name}: math"
        assert page.count('class="admonition exercise') >= 3 or page.count("exercise") >= 3
        assert "dropdown" in page and "solution" in page
        assert "application/vnd.jupyter.widget-view+json" in page, f"{nb.name}: an explorer"
        assert "Traceback" not in page
        assert not re.search(r"\(eq-|\{cite|\{eq\}|\{numref\}", page), f"{nb.name}: an unresolved role"


def test_no_page_references_a_cdn(built):
    cdn = re.compile(r"(src|href)=\"https?://(?!127\.0\.0\.1)[^\"]*\.(js|css|woff2?)", re.I)
    for page in (built / "html").rglob("*.html"):
        text = page.read_text()
        assert not cdn.search(text), (page.name, cdn.search(text).group(0))
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text and "cdnjs" not in text, page.name


def test_explorers_ship_frames_and_links(built):
    for path in sorted((built / "jupyter_execute").rglob("*.ipynb")):
        state = json.loads(path.read_text())["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
        models = state["state"].values()
        names = [m["model_name"] for m in models]
        assert names.count("StackModel") >= 1 and names.count("LinkModel") >= 1, path.name
        frames = [m for m in models if m["model_name"] == "ImageModel"
                  and any(b["path"] == ["value"] and b["data"] for b in m.get("buffers", []))]
        assert len(frames) >= 5, f"{path.name}: precomputed frames"
        stacks = [m for m in models if m["model_name"] == "StackModel"]
        assert all(len(m["state"]["children"]) >= 2 for m in stacks), f"{path.name}: a stack with one frame"


def test_no_launch_buttons_by_default(built):
    page = (built / "html" / "chapters" / "00_foundations" / "01_power_laws.html").read_text()
    assert "mybinder.org" not in page and "colab.research.google.com" not in page


CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")


def test_each_chapter_ends_with_its_bibliography(built):
    """The last page of every chapter lists exactly the works its pages cite, each linked to the book's bibliography."""
    toc = (ROOT / "_toc.yml").read_text()
    for folder in sorted(p for p in (ROOT / "chapters").iterdir() if p.name[:2].isdigit()):
        sections = re.findall(rf"file: chapters/{folder.name}/(\S+)", toc)
        assert sections[-1] == "references", folder.name
        cited = {key.strip() for src in [*folder.glob("*.ipynb"), *folder.glob("*.md")]
                 for group in CITE.findall(src.read_text()) for key in group.split(",")}
        page = (built / "html" / "chapters" / folder.name / "references.html").read_text()
        listed = re.search(r'<ul class="chapter-bibliography[^"]*">(.*?)</ul>', page, re.S).group(1)
        assert listed.count("<li>") == len(cited) >= 1, (folder.name, sorted(cited))
        assert listed.count("appendix/references.html#") == len(cited)


def test_every_glossary_term_is_linked_from_a_chapter(built):
    html = built / "html"
    glossary = (html / "chapters" / "appendix" / "glossary.html").read_text()
    terms = re.findall(r'<dt id="(term-[^"]+)"', glossary)
    assert len(terms) >= 20
    pages = "".join(p.read_text() for p in (html / "chapters").rglob("*.html") if p.parent.name != "appendix")
    pages += (html / "chapters" / "appendix" / "fit_your_runs.html").read_text()
    unlinked = [t for t in terms if f"glossary.html#{t}" not in pages]
    assert not unlinked, unlinked
