"""Small Sphinx extension of the book: settings that Jupyter Book 1.x cannot express in _config.yml alone.

- Launch buttons follow one setting, ``repository.url`` in _config.yml: empty turns them off. (The theme crashes if
  launch providers are configured without a repository, so the providers are dropped here.)
- A clean browser console: the theme gets a valid default colour mode (light: the figures are drawn on white);
  sphinx-thebe's scripts, which Jupyter Book always registers (twice, declaring ``THEBE_JS_URL`` twice), are removed
  while Thebe is off; ``mathjax-widgets.js`` lets the widget controls typeset with MathJax 3; and ``widget-alt.js``
  gives the explorers' figures alternative text; ``print.css`` keeps margin notes on the page when printed.
- ``chapter-bibliography``: a chapter's own reference list (every work cited in the pages of its folder, with the
  pages that cite it), linking to the book's single bibliography. sphinxcontrib-bibtex allows each key in only one
  ``bibliography`` directive, so the chapter lists are built here from its citation data instead.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

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


class chapter_bibliography(nodes.General, nodes.Element):
    """Placeholder for a chapter's reference list, filled in once every citation is known."""


class ChapterBibliography(SphinxDirective):
    """``{chapter-bibliography}``: the works cited in the pages of this document's folder."""

    def run(self):
        node = chapter_bibliography()
        node["folder"] = str(PurePosixPath(self.env.docname).parent)
        return [node]


def _chapter_citations(domain, folder):
    """Cited keys of a folder's pages, in order of first citation, each with the pages citing it."""
    pages: dict = {}
    for ref in domain.citation_refs:
        if str(PurePosixPath(ref.docname).parent) == folder:
            for target in ref.targets:
                pages.setdefault(target.key, [])
                if ref.docname not in pages[target.key]:
                    pages[target.key].append(ref.docname)
    return pages


def _sort_key(entry):
    """First author's surname, then year, as a reference list is ordered."""
    authors = entry.persons.get("author", [])
    surname = " ".join(authors[0].last_names) if authors else ""
    return surname.strip("{}").lower(), entry.fields.get("year", "")


def _fill_chapter_bibliographies(app, doctree, fromdocname):
    placeholders = list(doctree.findall(chapter_bibliography))
    if not placeholders:
        return
    domain = app.env.get_domain("cite")
    citations = {c.key: c for c in domain.citations}
    for node in placeholders:
        pages = _chapter_citations(domain, node["folder"])
        items = nodes.bullet_list(classes=["chapter-bibliography"])
        for key in sorted(pages, key=lambda k: _sort_key(citations[k].entry)):
            citation = citations[key]
            para = nodes.paragraph()
            para += citation.formatted_entry.text.render(domain.backend)
            target = citation.bibliography_key.docname
            link = nodes.reference("", "", internal=True, refuri=(
                app.builder.get_relative_uri(fromdocname, target) + "#" + citation.citation_id))
            link += nodes.Text("[in the book's references]")
            para += [nodes.Text(" "), link, nodes.Text(" Cited in: ")]
            for i, page in enumerate(pages[key]):
                page_link = nodes.reference("", "", internal=True,
                                            refuri=app.builder.get_relative_uri(fromdocname, page))
                page_link += nodes.Text(app.env.titles[page].astext())
                para += [nodes.Text(", ")] * (i > 0) + [page_link]
            para += nodes.Text(".")
            items += nodes.list_item("", para)
        if not pages:
            items = nodes.paragraph(text="This chapter cites no papers.")
        node.replace_self(items)


def setup(app):
    app.add_node(chapter_bibliography)
    app.add_directive("chapter-bibliography", ChapterBibliography)
    app.connect("doctree-resolved", _fill_chapter_bibliographies)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _default_colour_mode)
    app.connect("env-updated", _drop_thebe_scripts)
    app.add_js_file("mathjax-widgets.js", priority=501)
    app.add_js_file("widget-alt.js")
    app.add_css_file("print.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
