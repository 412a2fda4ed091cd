"""Rendered pieces of pages kept in the worker's memory: the header, the footer, the head's
links — what every page shows and what changes only when staff change public content.

A fragment is keyed by its name, the active language, the content generation
(portal.pagecache: any staff change to public content starts a new one) and the values the
template names (``{% localcache "header" request.get_full_path %}``). Memory, not Redis: these
pieces are on every page, small and few, so a look-up is a dictionary's rather than a round
trip. Every worker renders each piece once per generation; entries also expire after
``SECONDS`` and the oldest go first beyond ``MAX_ENTRIES``.

The generation is read from the cache once per request (``request_started`` opens a memo that
``request_finished`` closes), so a page with several fragments pays one look-up for all of
them; outside a request (the worker's emails, the shell) it is read each time.
"""

import threading
import time
from collections import OrderedDict
from contextvars import ContextVar

MAX_ENTRIES = 1024
SECONDS = 300
# Values longer than this (a junk query string, say) are not keys: the piece is just rendered.
MAX_KEY_LENGTH = 600

_memo: ContextVar[dict | None] = ContextVar("portal_request_memo", default=None)


def open_request_memo(**kwargs) -> None:
    """request_started receiver: values remembered for the rest of this request."""
    _memo.set({})


def close_request_memo(**kwargs) -> None:
    """request_finished receiver."""
    _memo.set(None)


def remembered(name: str, compute):
    """``compute()``, once per request (each time outside one)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def forget(name: str, value=None) -> None:
    """Replace (or drop, with None) what this request remembers under ``name``."""
    memo = _memo.get()
    if memo is not None:
        if value is None:
            memo.pop(name, None)
        else:
            memo[name] = value


class LocalFragments:
    """A small LRU of rendered HTML with an age limit, safe for threaded servers."""

    def __init__(self, max_entries: int = MAX_ENTRIES, seconds: int = SECONDS):
        self.max_entries = max_entries
        self.seconds = seconds
        self._entries: OrderedDict[tuple, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def set(self, key: tuple, html, seconds: int | None = None) -> None:
        with self._lock:
            lifetime = self.seconds if seconds is None else seconds
            self._entries[key] = (time.monotonic() + lifetime, html)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


fragments = LocalFragments()
# The one large piece of an object's page ({% localcache … seconds=N %}: an article's body, an
# agreement's measures, up to ~80 KB): at most ~25 MB a worker.
page_bodies = LocalFragments(max_entries=300)
# Values derived from public content (pagecache.remember): a filter's choices, a list's count.
values = LocalFragments(max_entries=256)
