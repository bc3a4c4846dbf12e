"""book_utils: the companion package of "Scaling Laws: an interactive textbook".

Pure, vectorised functions that the chapters import. Modules mirror the book:

- :mod:`book_utils.laws`: functional forms of scaling laws;
- :mod:`book_utils.fitting`: fitting them to noisy data (log/linear space, Huber, multi-start, bootstrap);
- :mod:`book_utils.compute`: FLOP accounting and compute-optimal allocation;
- :mod:`book_utils.lab`: a scaling lab, real training runs in seconds with a known ground truth;
- :mod:`book_utils.emergence`: metrics and toy models of emergence (the mirage argument, the quantization model);
- :mod:`book_utils.collapse`: simulations and closed forms of model collapse;
- :mod:`book_utils.userfit`: fit a law to your own runs (and :mod:`book_utils.cli`, ``python -m book_utils fit``);
- :mod:`book_utils.published`: numbers from the papers, each with its citation;
- :mod:`book_utils.check`: self-checks for numeric exercises;
- :mod:`book_utils.plotting`: the book's figure style and log-log helpers;
- :mod:`book_utils.widgets`: interactive explorers.

Import direction: widgets -> plotting -> {laws, fitting, compute, lab, emergence, collapse, check} -> published.
"""

__version__ = "0.1.0"
