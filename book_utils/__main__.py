"""``python -m book_utils``: the book's command line (:mod:`book_utils.cli`)."""

import sys

from .cli import main

sys.exit(main())
