"""Statements that PostgreSQL binds and keeps prepared itself: the few large statements of the
hot paths (a registration's claim, the site search's ranking).

Django's PostgreSQL cursors bind parameters on the client (psycopg's ClientCursor): every
execution scans the statement's text for its placeholders and writes each value into it as a
literal, and the server parses and plans the result anew. ``rows()`` sends statements
through psycopg's RawCursor instead, with PostgreSQL's own numbered placeholders (the
``%s`` of a statement are numbered once per process, not at each execution: psycopg
remembers its own conversion only for statements under 4 kB and 50 values, which a claim is
not): the server binds the values, and keeps a statement prepared after the connection's
``prepare_threshold`` executions (DATABASES' OPTIONS, set from DATABASE_PREPARE_THRESHOLD;
never when that is off). Several statements go in one pipeline, one round trip; outside a
transaction they run in one implicit transaction, committed when the pipeline ends (the
extended protocol's Sync), each statement with its own snapshot under READ COMMITTED, as in a
multi-statement query. One statement goes on its own (a pipeline's own bookkeeping would be
all it added).

Django's cursor wrapper still sees each statement (the query log, execute wrappers) and turns
the driver's errors into Django's. PostgreSQL only: the callers keep Django's cursor for
other databases.
"""

import functools

import psycopg
from django.db import connection


def rows(*statements: tuple[str, list]) -> list[tuple]:
    """Send the ``statements`` (text with ``%s`` placeholders and no other ``%``, parameters)
    in one round trip and return the rows of the last one (none for a statement that returns
    no rows)."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # (Django's own wrapping of a new cursor: the query log when it is on)
        cursor = connection._prepare_cursor(psycopg.RawCursor(connection.connection))
        try:
            if len(statements) == 1:
                sql, params = statements[0]
                cursor.execute(numbered(sql), params)
            else:
                with connection.connection.pipeline():
                    for sql, params in statements:
                        cursor.execute(numbered(sql), params)
            return cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()


@functools.lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """``sql`` with its ``%s`` placeholders written as PostgreSQL's ``$1``, ``$2`` …"""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("A statement for portal.prepared has a % that is not a placeholder.")
    return "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], 1)) + parts[-1]
