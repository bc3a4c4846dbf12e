"""Small Sphinx extension of the book: settings that Jupyter Book 1.x cannot express in _config.yml alone.

- Launch buttons follow one setting, ``repository.url`` in _config.yml: empty turns them off. (The theme crashes if
  launch providers are configured without a repository, so the providers are dropped here.)
- A clean browser console: the theme gets a valid default colour mode (light: the figures are drawn on white);
  sphinx-thebe's scripts, which Jupyter Book always registers (twice, declaring ``THEBE_JS_URL`` twice), are removed
  while Thebe is off; and ``mathjax-widgets.js`` lets the widget controls typeset with MathJax 3.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def _configure(app, config):
    options = dict(config.html_theme_options or {})
    if not options.get("repository_url"):
        options["launch_buttons"] = {}
        options["use_repository_button"] = False
    config.html_theme_options = options
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _thebe_on(app) -> bool:
    return bool((app.config.html_theme_options.get("launch_buttons") or {}).get("thebe"))


def _is_thebe_script(filename, attributes) -> bool:
    return "sphinx-thebe" in (filename or "") or "THEBE_JS_URL" in (attributes or {}).get("body", "")


def _drop_thebe_scripts(app, env):
    if _thebe_on(app):
        return
    app.registry.js_files[:] = [(f, a) for f, a in app.registry.js_files if not _is_thebe_script(f, a)]
    if hasattr(app.builder, "script_files"):
        app.builder.script_files[:] = [js for js in app.builder.script_files
                                       if not _is_thebe_script(js.filename, js.attributes)]


def _default_colour_mode(app, pagename, templatename, context, doctree):
    # sphinx-book-theme does not expose pydata's `default_mode`, so the page would start in mode "" (an error).
    if not context.get("default_mode"):
        context["default_mode"] = "light"


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _default_colour_mode)
    app.connect("env-updated", _drop_thebe_scripts)
    app.add_js_file("mathjax-widgets.js", priority=501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
