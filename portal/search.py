"""Site-wide search over news, events, agreements and measures.

PostgreSQL: full-text search (``websearch`` syntax). Each kind's text is indexed as one
``tsvector`` expression with a GIN index on exactly that expression (migrations
``portal.0002`` and the apps' search-index migrations; ``tests/portal/test_search.py`` checks
with EXPLAIN that the queries use them). News articles are parsed with the configuration of
their own language; for the other kinds English fields use 'english', ``_ru`` fields
'russian' and ``_az`` fields 'simple' (PostgreSQL has no Azerbaijani stemmer). The visitor's
words are parsed with all three configurations and OR-ed, so whichever language they type in,
the matching lexemes are found. Matches are ranked by ``ts_rank`` (titles weigh most) and
highlighted with ``ts_headline``.

SQLite (the embedded default): every word must occur in one of the fields, compared after
Unicode case folding done in Python (``fold``, registered as an SQLite function because
SQLite's own LIKE only folds ASCII); titles matching rank first; the highlight is done in
Python. Simple, but correct for Cyrillic and Azerbaijani letters.

Highlights are always built by escaping the text first and then inserting ``<mark>``, so no
text from the database reaches the page unescaped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Contains
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Measure
from events.models import Event

from . import languages
from .models import NewsArticle

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PER_GROUP = 5
PER_PAGE = 20
RANK_WINDOW = 200
# Private-use characters mark the match in ts_headline's output; the text is escaped before
# they become <mark>, so a title containing HTML is shown as text.
START, STOP = "\ue000", "\ue001"
CONFIGS = {"en": "english", "ru": "russian", "az": "simple"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000\ue001]")
_WORD = re.compile(r"\w+")


def clean_query(raw: str) -> str:
    """The visitor's query, safe for any backend: no NUL or control characters, at most
    MAX_QUERY_LENGTH characters, whitespace collapsed."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def fold(text: str | None) -> str:
    """Case-insensitive form for the SQLite fallback: Unicode case folding, plus the
    Azerbaijani/Turkish dotted and dotless i treated as "i" ("İlham", "ilham", "ILHAM")."""
    if text is None:
        return ""
    return text.casefold().replace("\u0307", "").replace("ı", "i")


def words_of(query: str) -> list[str]:
    seen = []
    for word in _WORD.findall(fold(query)):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_WORDS]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# ---- the indexed expressions (the migrations create GIN indexes on exactly these) ----


def news_vector():
    return translated_vector("title", "lead")


def translated_vector(title: str, text: str):
    """English, Russian and Azerbaijani columns, each parsed in its own language."""
    vector = None
    for weight, name in (("A", title), ("B", text)):
        for suffix, config in (("_en", "english"), ("_ru", "russian"), ("_az", "simple")):
            part = SearchVector(f"{name}{suffix}", config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def event_vector():
    return translated_vector("title", "description")


def agreement_vector():
    return translated_vector("title", "summary")


def measure_vector():
    return translated_vector("title", "description")


# "-word" or "-"a phrase"" in websearch syntax: a word or phrase to leave out.
_NEGATED = re.compile(r'(?:^|(?<=\s))-("[^"]*"?|[^\s"]+)')


def websearch_query(query: str):
    """The visitor's query in websearch syntax, parsed in every configuration and OR-ed.

    Left-out words are taken apart first and excluded in every configuration: OR-ing three
    whole queries would let "road -signed" through for "Road map signed", whose English
    lexeme "sign" is not the 'simple' lexeme "signed".
    """
    negated = [match.group(1).strip('"') for match in _NEGATED.finditer(query)]
    positive = _NEGATED.sub(" ", query)
    combined = None
    for config in CONFIGS.values():
        part = SearchQuery(positive, config=config, search_type="websearch")
        combined = part if combined is None else combined | part
    for term in filter(None, negated):
        for config in CONFIGS.values():
            combined = combined & ~SearchQuery(term, config=config, search_type="phrase")
    return combined


# ---- what is searched ----


@dataclass
class Hit:
    title: SafeString
    snippet: SafeString
    url: str
    context: str = ""
    date: object = None
    language: str = ""


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list[Hit] = field(default_factory=list)


def _translated(name: str):
    """The column in the visitor's language, else the first written one of the fallbacks."""
    return Coalesce(
        *(
            NullIf(F(languages.column(name, code)), Value(""))
            for code in languages.fallback_order()
        ),
        Value(""),
        output_field=TextField(),
    )


def _news_hit(article, title, snippet):
    return Hit(title, snippet, article.get_absolute_url(), date=article.publish_at,
               language=article.primary_language)  # fmt: skip


def _event_hit(event, title, snippet):
    return Hit(title, snippet, event.get_absolute_url(), date=event.starts_at)


def _agreement_hit(agreement, title, snippet):
    return Hit(title, snippet, agreement.get_absolute_url(), date=agreement.signed_on)


def _measure_hit(measure, title, snippet):
    return Hit(
        mark_safe(f"{escape(measure.number)} {title}"),  # noqa: S308 - title is escaped
        snippet,
        measure.get_absolute_url(),
        context=measure.agreement.title,
        date=measure.due_on,
    )


@dataclass(frozen=True)
class Kind:
    """One kind of result: where it comes from, how it is indexed, shown and ordered."""

    key: str
    label: str
    queryset: Callable  # the public rows only
    vector: Callable  # the indexed tsvector expression (PostgreSQL)
    title: Callable  # title and snippet text, in the visitor's language
    text: Callable
    columns: tuple[str, ...]  # searched on SQLite
    title_columns: tuple[str, ...]
    date_order: tuple
    make_hit: Callable


TRANSLATED = ("_en", "_ru", "_az")
KINDS = {
    "news": Kind(
        "news", _("News"), lambda: NewsArticle.objects.published(), news_vector,
        lambda: _translated("title"), lambda: _translated("lead"),
        tuple(f"{n}{s}" for n in ("title", "lead", "body") for s in TRANSLATED),
        tuple(f"title{s}" for s in TRANSLATED), ("-publish_at", "-pk"), _news_hit,
    ),
    "events": Kind(
        "events", _("Events"), lambda: Event.objects.public(), event_vector,
        lambda: _translated("title"), lambda: _translated("description"),
        tuple(f"{n}{s}" for n in ("title", "description") for s in TRANSLATED),
        tuple(f"title{s}" for s in TRANSLATED), ("-starts_at", "-pk"), _event_hit,
    ),
    "agreements": Kind(
        "agreements", _("Agreements"), lambda: Agreement.objects.public(), agreement_vector,
        lambda: _translated("title"), lambda: _translated("summary"),
        tuple(f"{n}{s}" for n in ("title", "summary") for s in TRANSLATED),
        tuple(f"title{s}" for s in TRANSLATED),
        (F("signed_on").desc(nulls_last=True), "-pk"), _agreement_hit,
    ),
    "measures": Kind(
        "measures", _("Measures"),
        lambda: Measure.objects.public().select_related("agreement"), measure_vector,
        lambda: _translated("title"), lambda: _translated("description"),
        tuple(f"{n}{s}" for n in ("title", "description") for s in TRANSLATED),
        tuple(f"title{s}" for s in TRANSLATED), ("agreement_id", "pk"), _measure_hit,
    ),
}  # fmt: skip


# ---- running a search ----


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
    (paginated, PER_PAGE a page). One query per kind (two for a page of one kind); a query
    without any word (empty, only punctuation) finds nothing and makes no query.

    Ranking is by relevance among the RANK_WINDOW most recent matches of each kind: PostgreSQL
    recomputes a row's tsvector to rank it (the GIN index finds rows, it does not store
    vectors), so ranking every match of a very common word would cost seconds at scale.
    """
    query = clean_query(raw_query)
    kind = kind if kind in KINDS else ""
    words = words_of(query)
    if not words:
        return Results(query=query, groups=[], kind=kind)
    with transaction.atomic():
        if is_postgresql():
            prefer_index_scans()
        return _search(query, words, kind, page)


def prefer_index_scans() -> None:
    """Within the current transaction, have PostgreSQL find matches through the GIN index.

    Its cost model charges the bitmap scan for re-running to_tsvector on every match, which it
    does not do (a GIN tsvector match is exact, except for phrases), so for common words it
    prefers a sequential scan that really does run to_tsvector on every row: 2 s instead of
    10 ms for a word in 7,000 of 10,000 articles. SET LOCAL ends with the transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true)"
        )


def _search(query: str, words: list[str], kind: str, page) -> Results:
    if kind:
        spec = KINDS[kind]
        matches = _ranked(spec, query)
        paginator = Paginator(matches, PER_PAGE, allow_empty_first_page=True)
        page_obj = paginator.get_page(page)
        rows = list(page_obj.object_list)
        page_obj.object_list = _hits(spec, rows, words)
        count = rows[0].total if rows else paginator.count
        group = Group(spec.key, spec.label, count, page_obj.object_list)
        return Results(query=query, groups=[group], kind=kind, page=page_obj)
    groups = []
    for spec in KINDS.values():
        rows = list(_ranked(spec, query)[:PER_GROUP])
        count = rows[0].total if rows else 0
        groups.append(Group(spec.key, spec.label, count, _hits(spec, rows, words)))
    return Results(query=query, groups=groups)


class SubqueryCount(Subquery):
    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _ranked(spec: Kind, query: str):
    """The RANK_WINDOW most recent matches, best first, each with ``total`` (all matches)."""
    matches = _matches(spec, query)
    window = matches.order_by(*spec.date_order).values("pk")[:RANK_WINDOW]
    return (
        spec.queryset()
        .filter(pk__in=Subquery(window))
        .annotate(total=SubqueryCount(matches.order_by().values("pk")), **_display(spec, query))
        .order_by("-rank", *spec.date_order)
    )


def _matches(spec: Kind, query: str):
    if is_postgresql():
        return spec.queryset().alias(document=spec.vector()).filter(document=websearch_query(query))
    return _sqlite_matches(spec, query)


def _display(spec: Kind, query: str) -> dict:
    """rank, title_hl and snippet_hl annotations."""
    if not is_postgresql():
        return {"rank": _title_score(spec, words_of(query)), "title_hl": spec.title(),
                "snippet_hl": spec.text()}  # fmt: skip
    tsquery = websearch_query(query)
    language = (get_language() or "en").split("-")[0]
    config = CONFIGS.get(language, "english")
    headline = {"query": tsquery, "config": config, "start_sel": START, "stop_sel": STOP}
    return {
        "rank": SearchRank(spec.vector(), tsquery),
        "title_hl": SearchHeadline(spec.title(), highlight_all=True, **headline),
        "snippet_hl": SearchHeadline(spec.text(), max_words=35, min_words=15, **headline),
    }


def _title_score(spec: Kind, words: list[str]):
    """SQLite's ranking: how many of the words the title contains."""
    score = Value(0)
    for word in words:
        for column in spec.title_columns:
            score = score + Case(
                When(Contains(Fold(F(column)), Value(word)), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return score


def _sqlite_matches(spec: Kind, query: str):
    """Every word in some column, no left-out ("-word") word in any; "or" is ignored."""
    left_out = words_of(" ".join(m.group(1) for m in _NEGATED.finditer(query)))
    words = [w for w in words_of(_NEGATED.sub(" ", query)) if w != "or"]
    condition = Q()
    for word in words:
        any_column = Q()
        for column in spec.columns:
            any_column |= Q(**{f"folded_{column}__contains": word})
        condition &= any_column
    for word in left_out:
        for column in spec.columns:
            condition &= ~Q(**{f"folded_{column}__contains": word})
    folded = {f"folded_{column}": Fold(F(column)) for column in spec.columns}
    return spec.queryset().alias(**folded).filter(condition)


class Fold(Func):
    """``fold()`` in SQL: a Python function registered on each SQLite connection."""

    function = "portal_fold"
    output_field = TextField()


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created receiver: adds portal_fold() to SQLite connections."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("portal_fold", 1, fold, deterministic=True)


def _hits(spec: Kind, rows, words: list[str]) -> list[Hit]:
    if is_postgresql():
        return [
            spec.make_hit(row, from_headline(row.title_hl), from_headline(row.snippet_hl))
            for row in rows
        ]
    return [
        spec.make_hit(
            row,
            highlight(row.title_hl or "", words),
            highlight(excerpt(row.snippet_hl or "", words), words),
        )
        for row in rows
    ]


def from_headline(text: str | None) -> SafeString:
    """ts_headline output -> escaped HTML with <mark> around the matches."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags are added


def excerpt(text: str, words: list[str], *, size: int = 35) -> str:
    """About ``size`` words of ``text``, starting a little before the first match."""
    tokens = text.split()
    folded = [fold(token) for token in tokens]
    start = next((i for i, t in enumerate(folded) if any(w in t for w in words)), 0)
    start = max(start - 5, 0)
    chunk = " ".join(tokens[start : start + size])
    return ("… " if start else "") + chunk + (" …" if start + size < len(tokens) else "")


def highlight(text: str, words: list[str]) -> SafeString:
    """Escaped ``text`` with every case-insensitive occurrence of ``words`` in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                         re.IGNORECASE)  # fmt: skip
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped
