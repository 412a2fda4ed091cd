"""Running a search and shaping its hits for the page."""

import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..languages import active_language, fallback_order
from ..models import SearchEntry
from . import backends
from .analysis import Query, clean_query, fold, parse_query, stem
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
    language: str = ""  # set when the text is in another language than the page


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)


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
    """Search every kind (the best PER_GROUP hits of each, with counts: two queries) or one
    kind in full (PER_PAGE a page: three). Every match is ranked, titles first. A query
    without anything to find (empty, punctuation, only left-out words) makes no query."""
    text = clean_query(raw_query)
    kind = kind if kind in kinds() else ""
    query = parse_query(text)
    if not query:
        return Results(query=text, groups=[], kind=kind)
    if kind:
        paginator = Paginator(_Ranked(query, kind), PER_PAGE, allow_empty_first_page=True)
        page_obj = paginator.get_page(page)
        page_obj.object_list = list(page_obj.object_list)
        group = Group(kind, kinds()[kind].label, paginator.count, page_obj.object_list)
        return Results(query=text, groups=[group], kind=kind, page=page_obj)
    rows = backends.ranked(query, kind=None, first=1, last=PER_GROUP)
    hits = _hits(query, [pk for pk, _kind, _total in rows])
    groups = []
    for key, spec in kinds().items():
        found = [(pk, total) for pk, row_kind, total in rows if row_kind == key]
        count = found[0][1] if found else 0
        shown = [hits[pk] for pk, _total in found if pk in hits]  # unless deleted meanwhile
        groups.append(Group(key, spec.label, count, shown))
    return Results(query=text, groups=groups)


class _Ranked:
    """One kind's ranked matches, for Paginator: a count query, then a query per slice."""

    def __init__(self, query: Query, kind: str):
        self.query, self.kind = query, kind

    def count(self) -> int:
        return backends.count(self.query, kind=self.kind)

    def __getitem__(self, window: slice) -> list[Hit]:
        rows = backends.ranked(self.query, kind=self.kind, first=window.start + 1, last=window.stop)
        hits = _hits(self.query, [pk for pk, _kind, _total in rows])
        return [hits[pk] for pk, _kind, _total in rows if pk in hits]


def _hits(query: Query, pks: list[int]) -> dict[int, Hit]:
    if not pks:
        return {}
    page_language = active_language()
    order = fallback_order(page_language)
    hits = {}
    for entry in SearchEntry.objects.filter(pk__in=pks).defer(
        "document_en", "document_ru", "document_az"
    ):
        code = next((code for code in order if code in entry.shown), page_language)
        shown = entry.shown.get(code, {"title": "", "summary": "", "context": ""})
        found = query.words(code)
        hits[entry.pk] = Hit(
            title=highlight(shown["title"], code, found),
            snippet=highlight(excerpt(shown["summary"], code, found), code, found),
            url=entry.urls.get(page_language) or next(iter(entry.urls.values()), ""),
            context=shown["context"],
            date=entry.date,
            language="" if code == page_language else code,
        )
    return hits


def _is_match(word: str, language: str, found: set[str]) -> bool:
    return stem(language, fold(word)) in found


def excerpt(text: str, language: str, found: set[str], *, size: int = SNIPPET_WORDS) -> str:
    """About ``size`` words of ``text``, starting a little before the first match."""
    tokens = text.split()
    start = next(
        (
            i
            for i, token in enumerate(tokens)
            if any(_is_match(w, language, found) for w in _WORD.findall(token))
        ),
        0,
    )
    start = max(start - 5, 0)
    chunk = " ".join(tokens[start : start + size])
    return ("… " if start else "") + chunk + (" …" if start + size < len(tokens) else "")


def highlight(text: str, language: str, found: set[str]) -> SafeString:
    """Escaped ``text`` with the words that match the query (as ``language`` stems them)
    in <mark>."""
    out, last = [], 0
    for match in _WORD.finditer(text):
        if _is_match(match.group(), language, found):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped
