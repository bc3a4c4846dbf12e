"""The published book in a browser, offline: every page clean, math rendered, figures and explorers alive.

Builds the book (the session's shared build), serves it on 127.0.0.1, and loads every page in Debian's headless
Chromium with every non-local request blocked. Screenshots go to _build/screenshots/ for people to look at.
"""

import re

import pytest
from browser import VISIBLE_FRAMES, browser_context, chromium_available, serve, visit
from notebook_checks import ROOT

pytestmark = pytest.mark.skipif(
    not chromium_available(),
    reason="!!! SKIPPED: /usr/bin/chromium is not installed and `make browser` could not install it here; "
           "the offline rendering of the book was NOT checked !!!",
)

RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{|\\frac|\\alpha")
PROSE_TEXT = """() => { const main = (document.querySelector('main') || document.body).cloneNode(true);
    main.querySelectorAll('pre, code, .highlight, script, mjx-container').forEach(e => e.remove());
    return main.innerText; }"""
SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGE_BUDGET = 3_000_000  # bytes transferred per page (text gzipped, as any static host serves it)


@pytest.fixture(scope="module")
def site(built_book):
    html = built_book / "html"
    pages = sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts)
    with serve(html) as base, browser_context(base) as context:
        yield base, context, pages


def _move_every_control(page, path):
    """Press every slider of every explorer one step (back if at the end) and click a different toggle button;
    return (explorers found, problems)."""
    checked, problems = 0, []
    for k, area in enumerate(page.query_selector_all(".widget-subarea")):
        handles = area.query_selector_all(".noUi-handle")
        buttons = area.query_selector_all(".widget-toggle-button")
        if not handles and not buttons:
            continue
        checked += 1
        area.scroll_into_view_if_needed()
        for j, handle in enumerate(handles):
            before = area.evaluate(VISIBLE_FRAMES)
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(100)
            after = area.evaluate(VISIBLE_FRAMES)
            if after == before:  # at the end of its range: go the other way
                page.keyboard.press("ArrowLeft")
                page.keyboard.press("ArrowLeft")
                page.wait_for_timeout(100)
                after = area.evaluate(VISIBLE_FRAMES)
            if len(after) != 1 or after == before:
                problems.append(f"{path}: explorer {k}, slider {j}: the displayed frame did not change")
        idle = [b for b in buttons if "mod-active" not in (b.get_attribute("class") or "")]
        if idle:
            before = area.evaluate(VISIBLE_FRAMES)
            idle[-1].click()
            page.wait_for_timeout(100)
            after = area.evaluate(VISIBLE_FRAMES)
            if len(after) != 1 or after == before:
                problems.append(f"{path}: explorer {k}: a toggle button did not change the displayed frame")
    return checked, problems


@pytest.fixture(scope="module")
def tour(site):
    """Visit every page once: check it loads clean, weigh it, screenshot it, then move every explorer control."""
    base, context, pages = site
    result = {"problems": [], "weights": {}, "explorers": 0, "explorer_problems": []}
    for path in pages:
        shot = SCREENSHOTS / (path.replace("/", "__").removesuffix(".html") + ".png")
        page, rec = visit(context, base, path, screenshot=shot)
        result["weights"][path] = rec.transfer_weight
        problems = result["problems"]
        text = page.evaluate(PROSE_TEXT)
        if RAW_TEX.search(text):
            problems.append(f"{path}: raw TeX left unrendered: {RAW_TEX.search(text).group(0)!r}")
        broken = page.evaluate("Array.from(document.images).filter(i => i.offsetParent !== null && "
                               "(!i.complete || i.naturalWidth === 0)).map(i => i.src.slice(0, 80))")
        problems += [f"{path}: empty figure {src}" for src in broken]
        no_alt = page.evaluate("Array.from(document.images).filter(i => !(i.getAttribute('alt') || '').trim())"
                               ".map(i => i.src.slice(0, 80))")
        problems += [f"{path}: an image without alt text: {src}" for src in no_alt]
        empty_widgets = page.evaluate("Array.from(document.querySelectorAll('.widget-subarea'))"
                                      ".filter(a => a.getBoundingClientRect().height < 50).length")
        if empty_widgets:
            problems.append(f"{path}: {empty_widgets} empty widget area(s)")
        checked, explorer_problems = _move_every_control(page, path)
        result["explorers"] += checked
        result["explorer_problems"] += explorer_problems
        # console errors and requests during loading *and* interaction
        problems += [f"{path}: console error: {e}" for e in rec.console_errors]
        problems += [f"{path}: failed request: {r}" for r in rec.failed_requests]
        problems += [f"{path}: non-local request: {r}" for r in context.blocked]
        context.blocked.clear()
        page.close()
    return result


def test_every_page_loads_clean_offline(site, tour):
    assert len(site[2]) >= 10
    assert not tour["problems"], "\n".join(tour["problems"])


def test_every_page_is_within_the_weight_budget(tour):
    heavy = {p: w for p, w in tour["weights"].items() if w > PAGE_BUDGET}
    assert not heavy, f"pages over {PAGE_BUDGET:,} bytes: {heavy}"


def test_math_is_typeset(site):
    base, context, _ = site
    page, _ = visit(context, base, "chapters/00_foundations/01_power_laws.html")
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 20
    page.close()


def test_every_explorer_responds_to_every_control(tour):
    assert tour["explorers"] >= 8, f"only {tour['explorers']} explorers found"
    assert not tour["explorer_problems"], "\n".join(tour["explorer_problems"])


def test_a_page_opened_from_disk_works(site, built_book):
    """A reader who opens _build/html/... from disk (file://, no server, no network) gets math and live sliders."""
    _, served_context, _ = site
    context = served_context.browser.new_context()  # no routing: file:// must load as it is
    page = context.new_page()
    errors, remote = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: remote.append(r.url) if r.url.startswith("http") else None)
    page.goto((built_book / "html" / "chapters" / "00_foundations" / "03_extrapolation.html").as_uri())
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.wait_for_selector(".widget-subarea img")
    assert page.evaluate("document.querySelectorAll('mjx-container').length") > 10
    area = page.query_selector(".widget-subarea")
    before = area.evaluate(VISIBLE_FRAMES)
    area.query_selector(".noUi-handle").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(200)
    assert area.evaluate(VISIBLE_FRAMES) != before
    context.close()
    assert not errors and not remote, (errors, remote)


def test_make_pdf_prints_pages_with_math_and_explorers(site, tmp_path):
    """`make pdf`'s printer on two pages: one PDF, an outline entry per page, the text and the explorer's frame."""
    import importlib.util

    from pypdf import PdfReader

    spec = importlib.util.spec_from_file_location("print_pdf", ROOT / "_ext" / "print_pdf.py")
    print_pdf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(print_pdf)
    base, context, _ = site
    pages = [p for p in print_pdf.toc_pages() if p[0].startswith("chapters/00_foundations/")][:2]
    out = tmp_path / "book.pdf"
    print_pdf.print_pages(context, base, pages, progress=lambda _: None).write(out)
    reader = PdfReader(out)
    assert len(reader.pages) >= 4
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Foundations: power laws and fitting them"
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "power law" in text.lower() and "Traceback" not in text
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 2, "figures and the explorer's default frame are printed"
