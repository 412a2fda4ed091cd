"""The two databases' full-text indexes behind portal.SearchEntry.

PostgreSQL: one stored tsvector per language (``document_en`` parsed with 'english',
``document_ru`` with 'russian', ``document_az`` with 'simple' over the Python-analysed
Azerbaijani words), each with a GIN index (migration portal.0008) without a pending list
(0011: every search would read it whole until a vacuum). Titles weigh A, the rest B.
A query is parsed once per language (``phraseto_tsquery`` per term, combined with && || !!),
matched against that language's column only, and ranked with ``ts_rank`` over the stored
vectors: nothing is re-parsed, so every match can be ranked.

SQLite: an FTS5 table with a title and a text column per language, holding the words as
portal.search.analysis cuts and stems them; the query is stemmed the same way into an FTS5
expression per language, ranked by bm25 with titles weighing ten times the text.

Both give ``matches()``: SQL selecting (id, kind, date, score) of the public entries that
match, higher score better.
"""

import datetime
import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .. import prepared
from .analysis import CONFIGS, Query, azerbaijani_words, words

LANGUAGES = tuple(CONFIGS)
# ts_rank weights for D, C, B, A: a title match outranks any number of text matches.
PG_WEIGHTS = "{0.05, 0.05, 0.2, 1.0}"
FTS_TABLE = "portal_searchtext"
FTS_TITLE_WEIGHT = 10.0


def _public(params: list) -> str:
    now = timezone.now()
    params.append(connection.ops.adapt_datetimefield_value(now))
    return "(e.public_from IS NULL OR e.public_from <= %s)"


class PostgresIndex:
    def write(self, documents: dict[int, dict[str, tuple[str, str]]]) -> None:
        """``documents``: entry id → language → (title, text)."""
        if not documents:
            return
        rows, params = [], []
        for entry_id, texts in documents.items():
            rows.append("(%s::bigint" + ", %s::text" * (2 * len(LANGUAGES)) + ")")
            params.append(entry_id)
            for code in LANGUAGES:
                title, text = texts.get(code, ("", ""))
                if code == "az":
                    title, text = azerbaijani_words(title), azerbaijani_words(text)
                params += [title, text]
        columns = ", ".join(f"title_{code}, text_{code}" for code in LANGUAGES)
        assignments = ", ".join(
            f"document_{code} = setweight(to_tsvector('{config}', v.title_{code}), 'A') || "
            f"setweight(to_tsvector('{config}', v.text_{code}), 'B')"
            for code, config in CONFIGS.items()
        )
        sql = (
            f"UPDATE portal_searchentry AS e SET {assignments} "
            f"FROM (VALUES {', '.join(rows)}) AS v(id, {columns}) WHERE e.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    @staticmethod
    def tsquery(query: Query, code: str, params: list) -> str:
        """The query in ``code``'s configuration, as an SQL expression."""
        config = CONFIGS[code]
        alternatives = []
        for terms in query.alternatives:
            parts = []
            for term in terms:
                text = azerbaijani_words(term.text) if code == "az" else term.text
                params.append(text)
                part = f"phraseto_tsquery('{config}', %s)"
                parts.append(f"!!{part}" if term.left_out else part)
            alternatives.append("(" + " && ".join(parts) + ")")
        return " || ".join(alternatives)

    def matches(self, query: Query, kind: str | None) -> tuple[str, list]:
        params: list = []
        queries = ", ".join(
            f"{self.tsquery(query, code, params)} AS q_{code}" for code in LANGUAGES
        )
        found = " OR ".join(f"e.document_{code} @@ q.q_{code}" for code in LANGUAGES)
        score = ", ".join(
            f"ts_rank('{PG_WEIGHTS}', e.document_{code}, q.q_{code})" for code in LANGUAGES
        )
        public = _public(params)
        only_kind = ""
        if kind:
            only_kind = "AND e.kind = %s"
            params.append(kind)
        # MATERIALIZED: the queries are parsed once, not once per row ranked.
        sql = (
            f"WITH q AS MATERIALIZED (SELECT {queries}) "
            f"SELECT e.id, e.kind, e.date, GREATEST({score}) AS score "
            f"FROM portal_searchentry e CROSS JOIN q WHERE ({found}) AND {public} {only_kind}"
        )
        return sql, params


class SqliteIndex:
    def write(self, documents: dict[int, dict[str, tuple[str, str]]]) -> None:
        if not documents:
            return
        columns = ", ".join(f"title_{code}, text_{code}" for code in LANGUAGES)
        marks = ", ".join(["%s"] * (1 + 2 * len(LANGUAGES)))
        rows = []
        for entry_id, texts in documents.items():
            row = [entry_id]
            for code in LANGUAGES:
                title, text = texts.get(code, ("", ""))
                row += [" ".join(words(code, title)), " ".join(words(code, text))]
            rows.append(row)
        ids = list(documents)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids
            )
            cursor.executemany(f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES ({marks})", rows)

    @staticmethod
    def expression(query: Query) -> str:
        """The FTS5 query: in some language, one alternative's terms (and none left out)."""
        branches = []
        for code in LANGUAGES:
            for terms in query.alternatives:
                found, left_out = [], []
                for term in terms:
                    stems = words(code, term.text)
                    if stems:
                        (left_out if term.left_out else found).append(f'"{" ".join(stems)}"')
                if found:
                    expression = " AND ".join(found) + "".join(f" NOT {t}" for t in left_out)
                    branches.append(f"({{title_{code} text_{code}}} : ({expression}))")
        return " OR ".join(branches)

    def matches(self, query: Query, kind: str | None) -> tuple[str, list]:
        expression = self.expression(query)
        if not expression:
            return "SELECT NULL AS id, NULL AS kind, NULL AS date, 0 AS score WHERE 0", []
        params = [expression]
        weights = ", ".join(f"{FTS_TITLE_WEIGHT}, 1.0" for _code in LANGUAGES)
        public = _public(params)
        only_kind = ""
        if kind:
            only_kind = "AND e.kind = %s"
            params.append(kind)
        sql = (
            f"SELECT e.id, e.kind, e.date, -bm25({FTS_TABLE}, {weights}) AS score "
            # CROSS JOIN: SQLite then reads the full-text matches first, never the entries
            # of a kind one by one with a full-text search for each.
            f"FROM {FTS_TABLE} CROSS JOIN portal_searchentry e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {public} {only_kind}"
        )
        return sql, params


def current() -> PostgresIndex | SqliteIndex:
    return PostgresIndex() if connection.vendor == "postgresql" else SqliteIndex()


@dataclass(frozen=True)
class Row:
    """One ranked match with what its hit shows (``shown``, ``urls``: the stored JSON)."""

    id: int
    kind: str
    score: float
    date: datetime.date | None
    shown: dict
    urls: dict


# Both ranked queries: the matches are found and ranked once (MATERIALIZED), then counted per
# kind and cut to the best rows (a top-N sort per kind, not a sort of every match by kind); only
# the rows kept are read again for what their hits show. ORDER BY inside each part, LIMIT, and
# the same order applied again in Python (a UNION keeps no order).
_ORDER = "ORDER BY score DESC, date DESC NULLS LAST, id DESC"
_COUNTS = (
    "SELECT kind, count(*) AS total, CAST(NULL AS bigint) AS id, CAST(NULL AS real) AS score "
    "FROM m GROUP BY kind"
)
_SHOWN = (
    "SELECT t.kind, NULL, t.id, t.score, e.date, e.shown, e.urls FROM ({parts}) AS t "
    "JOIN portal_searchentry e ON e.id = t.id"
)
_PART = (
    "SELECT * FROM (SELECT id, kind, score FROM m WHERE kind = %s {order} LIMIT %s{offset}) AS p{n}"
)


def _ranked(query: Query, kind: str | None, parts: list[tuple[str, int, int]]):
    """Counts of matches per kind, and for each (kind, size, offset) of ``parts`` those
    matches ranked offset + 1 to offset + size. One query."""
    matches, params = current().matches(query, kind)
    pieces = []
    for n, (key, size, offset) in enumerate(parts):
        pieces.append(_PART.format(order=_ORDER, offset=" OFFSET %s" if offset else "", n=n))
        params += [key, size, *([offset] if offset else [])]
    sql = (
        f"WITH m AS MATERIALIZED ({matches}) "
        "SELECT kind, total, id, score, CAST(NULL AS date) AS date, CAST(NULL AS jsonb) AS shown, "
        "CAST(NULL AS jsonb) AS urls "
        f"FROM ({_COUNTS}) AS c UNION ALL " + _SHOWN.format(parts=" UNION ALL ".join(pieces))
    )
    if connection.vendor == "postgresql":
        result = prepared.rows((sql, params))  # bound and planned once by the server
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            result = cursor.fetchall()
    counts, rows = {}, []
    for key, total, pk, score, date, shown, urls in result:
        if pk is None:
            counts[key] = total
            continue
        if isinstance(date, str):  # SQLite gives the text when it cannot tell the type
            date = datetime.date.fromisoformat(date)
        rows.append(Row(pk, key, score, date, _json(shown), _json(urls)))
    rows.sort(key=_rank_key, reverse=True)
    return counts, rows


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _rank_key(row: Row) -> tuple:
    """_ORDER in Python (sorted in reverse): score, then the date (none last), then the id."""
    return (row.score, row.date is not None, row.date or datetime.date.min, row.id)


def best(query: Query, keys: list[str], size: int) -> tuple[dict[str, int], list[Row]]:
    """Each kind's count of matches and its ``size`` best matches, best first. One query."""
    return _ranked(query, None, [(key, size, 0) for key in keys])


def ranked_page(query: Query, key: str, offset: int, size: int) -> tuple[int, list[Row]]:
    """How many matches of the kind ``key`` there are, and those ranked offset + 1 to
    offset + size, best first. One query."""
    counts, rows = _ranked(query, key, [(key, size, offset)])
    return counts.get(key, 0), rows
