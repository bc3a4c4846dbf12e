"""Drive the built book in headless Chromium (Debian's package) with every non-local request blocked.

Used by tests/test_browser.py and bench/page_weight.py. Needs the Python package ``playwright`` and
``/usr/bin/chromium``; never downloads a browser.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import socketserver
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")
MATHJAX_DONE = "() => window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : true"
VISIBLE_FRAMES = """(area) => Array.from(area.querySelectorAll('img'))
    .filter(i => i.offsetParent !== null && i.naturalWidth > 0).map(i => i.src)"""


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        finally:
            httpd.shutdown()


@dataclass
class PageVisit:
    """What loading one page did."""

    path: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    blocked_requests: list = field(default_factory=list)
    resources: dict = field(default_factory=dict)  # url -> (bytes, bytes if gzipped)

    @property
    def weight(self) -> int:
        """Bytes of every resource the page loaded, as served (uncompressed)."""
        return sum(raw for raw, _ in self.resources.values())

    @property
    def transfer_weight(self) -> int:
        """Bytes a static host with gzip for text resources would send: text compressed, images and fonts as is."""
        return sum(gz for _, gz in self.resources.values())


def _sizes(url: str, body: bytes):
    name = url.split("?", 1)[0].lower()
    compressed = len(gzip.compress(body, 6)) if name.endswith(COMPRESSIBLE) or name.endswith("/") else len(body)
    return len(body), min(len(body), compressed)


@contextmanager
def browser_context(base: str):
    """A fresh Chromium profile that lets through only requests to ``base`` (and data:/blob: URLs)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.blocked = []

        def route(r):
            url = r.request.url
            if url.startswith((base, "data:", "blob:")):
                r.continue_()
            else:
                context.blocked.append(url)
                r.abort()

        context.route("**/*", route)
        try:
            yield context
        finally:
            browser.close()


def visit(context, base: str, path: str, *, screenshot: Path | None = None):
    """Open ``path``, wait for the network, MathJax and the widgets, and return (page, PageVisit)."""
    record = PageVisit(path)
    page = context.new_page()
    page.on("console", lambda m: record.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: record.failed_requests.append(f"{r.url} ({r.failure})"))

    def on_response(response):
        if response.status >= 400:
            record.failed_requests.append(f"{response.url} (HTTP {response.status})")
        elif response.url.startswith(base):
            try:
                record.resources[response.url] = _sizes(response.url, response.body())
            except Exception:  # a redirect or an aborted body has nothing to weigh
                pass

    page.on("response", on_response)
    before = len(context.blocked)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(MATHJAX_DONE)
    if page.query_selector('script[type="application/vnd.jupyter.widget-view+json"]'):
        page.wait_for_selector(".widget-subarea img", state="attached")
        page.wait_for_load_state("networkidle")
    record.blocked_requests = context.blocked[before:]
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return page, record
