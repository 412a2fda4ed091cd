"""Site-wide search over news, events, agreements and measures (kernel: imports no app).

- ``analysis``: how texts and queries become words, per language (stemming, folding);
- ``index``: the search kinds that apps register, and the index table they keep up to date
  (portal.SearchEntry);
- ``backends``: PostgreSQL's tsvector columns and SQLite's FTS5 table behind that index;
- ``results``: running a search and shaping the hits (language shown, highlights).
"""

from .analysis import clean_query, fold
from .index import (
    Document,
    SearchKind,
    fill_empty_index,
    joined,
    kinds,
    rebuild,
    register,
    update,
    written,
)
from .results import Group, Hit, Results, search

__all__ = [
    "Document", "Group", "Hit", "Results", "SearchKind", "clean_query", "fill_empty_index",
    "fold", "joined",
    "kinds", "rebuild", "register", "search", "update", "written",
]  # fmt: skip
