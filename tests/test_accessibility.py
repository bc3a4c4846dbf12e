"""Accessibility: the book's colours stay distinguishable for colour-blind readers, no figure relies on a red/green
pair, and every figure cell carries alt text and a caption. (The browser test checks that every image on every
published page has alt text.)"""

import itertools
import json
import re

import numpy as np
import pytest
from notebook_checks import ROOT, chapter_notebooks

from book_utils.plotting import PALETTE

# Simulation of dichromatic vision, severity 1, in linear RGB: Machado, Oliveira & Fernandes (2009), Table 1.
DICHROMACY = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
MIN_DELTA_E = 15.0  # CIE76 distance; about 2.3 is a just-noticeable difference


def _lab(hex_colour, matrix=None):
    srgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(np.asarray(matrix) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.9505, 1.0, 1.089])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_distance(colours, matrix):
    labs = [_lab(c, matrix) for c in colours]
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(labs, 2))


@pytest.mark.parametrize("vision", sorted(DICHROMACY))
def test_palette_stays_distinguishable_for_colour_blind_readers(vision):
    # the seven colours figures use (yellow, last, is weak on white and reserved for fills)
    assert _min_distance(PALETTE[:7], DICHROMACY[vision]) > MIN_DELTA_E
    assert _min_distance(PALETTE[:7], None) > MIN_DELTA_E


def test_the_check_would_catch_a_red_green_pair():
    red, green = "#D62728", "#2CA02C"  # matplotlib's tab:red and tab:green
    assert _min_distance([red, green], None) > 50
    assert _min_distance([red, green], DICHROMACY["deuteranopia"]) < MIN_DELTA_E


HUE_NAMES = re.compile(r"""colou?r\s*=\s*["'](red|green|r|g|lime|tab:red|tab:green)["']|cmap\s*=\s*["'](jet|rainbow|"""
                       r"""hsv|RdYlGn|RdGn)["']""")


def test_no_figure_uses_red_green_names_or_rainbow_maps():
    sources = {p.name: p.read_text() for p in (ROOT / "book_utils").glob("*.py")}
    sources |= {nb.name: nb.read_text() for nb in chapter_notebooks()}
    for name, text in sources.items():
        assert not HUE_NAMES.search(text), (name, HUE_NAMES.search(text).group(0))


def test_every_figure_cell_has_a_caption_and_alt_text():
    for nb in chapter_notebooks():
        for cell in json.loads(nb.read_text())["cells"]:
            mystnb = cell.get("metadata", {}).get("mystnb", {})
            if "figure" in mystnb or "image" in mystnb:
                assert mystnb.get("figure", {}).get("caption", "").strip(), (nb.name, cell["source"][:1])
                alt = mystnb.get("image", {}).get("alt", "")
                assert len(alt.split()) >= 5, (nb.name, "alt text should say what the figure shows", alt)
