"""Running a search and shaping its hits for the page."""

import functools
import html
import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..languages import active_language, fallback_order
from . import backends
from .analysis import Query, clean_query, indexed, parse_query
from .index import kinds

PER_GROUP = 5
PER_PAGE = 20
SNIPPET_WORDS = 35
_WORD = re.compile(r"\w+")


@dataclass
class Hit:
    title: SafeString
    snippet: SafeString
    url: str
    context: str = ""
    date: object = None
    date_text: str = ""  # the date as the page's language writes it
    language: str = ""  # set when the text is in another language than the page

    @property
    def html(self) -> SafeString:
        """The hit as the results page lists it (``{{ hit.html }}`` in portal/search.html): written
        here rather than in the template, where its dozen variables and conditions, each looked
        up and escaped, were a third of the page's rendering. ``title`` and ``snippet`` are
        escaped already (highlight); the rest is escaped here."""
        lang = f' lang="{html.escape(self.language)}"' if self.language else ""
        parts = [
            f'<li class="search-hit">\n<h3 class="h6 mb-1"><a href="{html.escape(self.url)}"'
            f"{lang}>{self.title}</a></h3>\n"
        ]
        if self.context:
            parts.append(
                f'<p class="small text-body-secondary mb-1">{html.escape(self.context)}</p>\n'
            )
        parts.append(f'<p class="mb-1"{lang}>{self.snippet}</p>\n')
        if self.date_text:
            parts.append(
                f'<p class="small text-body-secondary mb-0">{html.escape(self.date_text)}</p>\n'
            )
        parts.append("</li>")
        return SafeString("".join(parts))


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)
    # The link to all of the group's results and its text, when the page shows only some
    # (written by the page: portal.views.SearchView).
    more_url: str = ""
    more_text: str = ""


@dataclass
class Results:
    query: str
    groups: list[Group]
    kind: str = ""
    page: object = None  # a Page of hits when one kind is shown in full

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def search(raw_query: str, *, kind: str = "", page: str | int | None = 1) -> Results:
    """Search every kind (the best PER_GROUP hits of each, with counts) or one kind in full
    (PER_PAGE a page): one query either way. Every match is ranked, titles first. A query
    without anything to find (empty, punctuation, only left-out words) makes no query."""
    text = clean_query(raw_query)
    kind = kind if kind in kinds() else ""
    query = parse_query(text)
    if not query:
        return Results(query=text, groups=[], kind=kind)
    if kind:
        ranked = _Ranked(query, kind, page)
        paginator = Paginator(ranked, PER_PAGE, allow_empty_first_page=True)
        page_obj = paginator.get_page(page)
        page_obj.object_list = list(page_obj.object_list)
        group = Group(kind, kinds()[kind].label, paginator.count, page_obj.object_list)
        return Results(query=text, groups=[group], kind=kind, page=page_obj)
    counts, rows = backends.best(query, list(kinds()), PER_GROUP)
    hits = _hits(query, rows)
    groups = [
        Group(key, spec.label, counts.get(key, 0), [hit for row, hit in hits if row.kind == key])
        for key, spec in kinds().items()
    ]
    return Results(query=text, groups=groups)


class _Ranked:
    """One kind's ranked matches, for Paginator. The page asked for is read with the count
    (one query); another page (the last, when the one asked for is past the end) costs one
    more."""

    def __init__(self, query: Query, kind: str, page):
        self.query, self.kind = query, kind
        try:
            number = max(int(page), 1)
        except (TypeError, ValueError):
            number = 1
        self.window = slice((number - 1) * PER_PAGE, number * PER_PAGE)
        self.total, self.rows = None, []

    def _read(self, window: slice) -> None:
        size = window.stop - window.start
        self.total, self.rows = backends.ranked_page(self.query, self.kind, window.start, size)
        self.window = window

    def count(self) -> int:
        if self.total is None:
            self._read(self.window)
        return self.total

    def __getitem__(self, window: slice) -> list[Hit]:
        # Paginator cuts the last page at the count: the rows read already cover it.
        read = self.window
        if self.total is None or window.start != read.start or window.stop > read.stop:
            self._read(window)
        rows = self.rows[: window.stop - window.start]
        return [hit for _row, hit in _hits(self.query, rows)]


def _hits(query: Query, rows: list[backends.Row]) -> list[tuple[backends.Row, Hit]]:
    """Each row with its hit, in the rows' order."""
    page_language = active_language()
    order = fallback_order(page_language)
    found_by_language: dict[str, set[str]] = {}
    hits = []
    for row in rows:
        code = next((code for code in order if code in row.shown), page_language)
        shown = row.shown.get(code, {"title": "", "summary": "", "context": ""})
        found = found_by_language.get(code)
        if found is None:
            found = found_by_language[code] = query.words(code)
        hit = Hit(
            title=highlight(shown["title"], code, found),
            snippet=highlight(excerpt(shown["summary"], code, found), code, found),
            url=row.urls.get(page_language) or next(iter(row.urls.values()), ""),
            context=shown["context"],
            date=row.date,
            date_text=_date_text(row.date, get_language()) if row.date else "",
            language="" if code == page_language else code,
        )
        hits.append((row, hit))
    return hits


@functools.lru_cache(maxsize=4096)
def _date_text(date, language: str) -> str:
    """``date`` in the DATE_FORMAT of ``language`` (the active language), remembered."""
    return formats.date_format(date, "DATE_FORMAT")


@functools.lru_cache(maxsize=1024)
def _tokens(words: frozenset[str]) -> re.Pattern:
    """These words where each is a whole word (a run of word characters of its own)."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@functools.lru_cache(maxsize=4096)
def _analysed(text: str, language: str) -> dict[str, tuple[int, set[str]]]:
    """Each word of ``text`` as ``language``'s index holds it (its stem) → where the first
    word with that stem starts, and the words that have it. Remembered per text: a hit's
    title and summary are cut and stemmed once, whatever is searched, not at every search
    that shows them (that was a third of a search's own work)."""
    analysed: dict[str, tuple[int, set[str]]] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        known = analysed.get(stem := indexed(language, word))
        if known is None:
            analysed[stem] = (match.start(), {word})
        else:
            known[1].add(word)
    return analysed


def _first_match(text: str, language: str, found: set[str]) -> int | None:
    """Where in ``text`` the first word that matches the query starts."""
    analysed = _analysed(text, language)
    starts = [analysed[stem][0] for stem in found if stem in analysed]
    return min(starts) if starts else None


def excerpt(text: str, language: str, found: set[str], *, size: int = SNIPPET_WORDS) -> str:
    """About ``size`` words of ``text``, starting a little before the first match."""
    tokens = text.split()
    offset = _first_match(text, language, found)
    start = 0
    if offset:
        before = text[:offset]
        # The tokens before the match's, or before the token it ends (as in "(shipping").
        start = len(before.split()) - (0 if before[-1].isspace() else 1)
    start = max(start - 5, 0)
    chunk = " ".join(tokens[start : start + size])
    return ("… " if start else "") + chunk + (" …" if start + size < len(tokens) else "")


def highlight(text: str, language: str, found: set[str]) -> SafeString:
    """Escaped ``text`` with the words that match the query (as ``language`` stems them)
    in <mark>."""
    analysed = _analysed(text, language)
    matching = [word for stem in found if stem in analysed for word in analysed[stem][1]]
    if not matching:
        return SafeString(html.escape(text))
    # html.escape is what django.utils.html.escape applies, without its lazy-string wrapper
    # around each piece (a tenth of a search's rendering when every hit had two highlights).
    out, last = [], 0
    for match in _tokens(frozenset(matching)).finditer(text):
        out += (
            html.escape(text[last : match.start()]),
            "<mark>",
            html.escape(match.group()),
            "</mark>",
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return SafeString("".join(out))  # every piece is escaped
