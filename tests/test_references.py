"""references.bib: every cited work is there, every entry is cited, and each can be found (a DOI or an arXiv id;
a technical report that has neither gives its URL)."""

import re

from notebook_checks import ROOT

ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),(.*?)^\}", re.M | re.S)
CITE = re.compile(r"(?<!`)\{cite(?::\w+)?\}`([^`]+)`|:cite:p:`([^`]+)`")


def _entries():
    return {key: (kind.lower(), body) for kind, key, body in ENTRY.findall((ROOT / "references.bib").read_text())}


def _cited():
    sources = [*ROOT.glob("*.md"), *(ROOT / "chapters").rglob("*.md"), *(ROOT / "chapters").rglob("*.ipynb"),
               *(ROOT / "book_utils").glob("*.py")]
    return {key.strip() for src in sources for groups in CITE.findall(src.read_text())
            for group in groups if group for key in group.split(",")}


def test_every_entry_has_a_doi_or_arxiv_id():
    entries = _entries()
    assert len(entries) >= 30
    for key, (kind, body) in entries.items():
        ids = re.search(r"^\s*(doi|eprint)\s*=\s*\{[^}]+\}", body, re.M)
        url = re.search(r"^\s*url\s*=\s*\{https?://[^}]+\}", body, re.M)
        assert ids or (kind == "techreport" and url), key
        if re.search(r"^\s*eprint", body, re.M):
            assert re.search(r"eprint\s*=\s*\{\d{4}\.\d{4,5}\}", body), (key, "an arXiv id like 2203.15556")


def test_every_cited_key_is_in_the_bibliography_and_every_entry_is_cited():
    entries, cited = set(_entries()), _cited()
    assert cited - entries == set()
    assert entries - cited == set()
