"""The two databases' full-text indexes behind portal.SearchEntry.

PostgreSQL: one stored tsvector per language (``document_en`` parsed with 'english',
``document_ru`` with 'russian', ``document_az`` with 'simple' over the Python-analysed
Azerbaijani words), each with a GIN index (migration portal.0008). Titles weigh A, the rest B.
A query is parsed once per language (``phraseto_tsquery`` per term, combined with && || !!),
matched against that language's column only, and ranked with ``ts_rank`` over the stored
vectors: nothing is re-parsed, so every match can be ranked.

SQLite: an FTS5 table with a title and a text column per language, holding the words as
portal.search.analysis cuts and stems them; the query is stemmed the same way into an FTS5
expression per language, ranked by bm25 with titles weighing ten times the text.

Both give ``matches()``: SQL selecting (id, kind, date, score) of the public entries that
match, higher score better.
"""

from django.db import connection
from django.utils import timezone

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


def ranked(query: Query, *, kind: str | None, first: int, last: int) -> list[tuple]:
    """(id, kind, total) of the matches ranked ``first`` to ``last`` (from 1) of each kind,
    best first; ``total`` counts all of that kind's matches. One query."""
    matches, params = current().matches(query, kind)
    sql = (
        "SELECT id, kind, total FROM ("
        " SELECT id, kind, count(*) OVER (PARTITION BY kind) AS total,"
        "  row_number() OVER (PARTITION BY kind"
        "   ORDER BY score DESC, date DESC NULLS LAST, id DESC) AS position"
        f" FROM ({matches}) AS matches"
        ") AS ranked WHERE position >= %s AND position <= %s ORDER BY kind, position"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, first, last])
        return cursor.fetchall()


def count(query: Query, *, kind: str) -> int:
    matches, params = current().matches(query, kind)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({matches}) AS matches", params)
        return cursor.fetchone()[0]
