"""Statements that PostgreSQL binds and keeps prepared itself: the few large statements of the
hot paths (a registration's claim, the site search's ranking).

Django's PostgreSQL cursors bind parameters on the client (psycopg's ClientCursor): every
execution scans the statement's text for its placeholders and writes each value into it as a
literal, and the server parses and plans the result anew. ``rows()`` sends statements
through psycopg's own cursor instead: the server binds the values, and keeps a statement
prepared after the connection's ``prepare_threshold`` executions (DATABASES' OPTIONS, set
from DATABASE_PREPARE_THRESHOLD; never when that is off). Several statements go in one
pipeline, one round trip; outside a transaction they run in one implicit transaction,
committed when the pipeline ends (the extended protocol's Sync), each statement with its own
snapshot under READ COMMITTED, as in a multi-statement query. One statement goes on its own
(a pipeline's own bookkeeping would be all it added).

Django's cursor wrapper still sees each statement (the query log, execute wrappers) and turns
the driver's errors into Django's. PostgreSQL only: the callers keep Django's cursor for
other databases.
"""

import psycopg
from django.db import connection


def rows(*statements: tuple[str, list]) -> list[tuple]:
    """Send the ``statements`` (text with ``%s`` placeholders, parameters) in one round trip
    and return the rows of the last one (none for a statement that returns no rows)."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # (Django's own wrapping of a new cursor: the query log when it is on)
        cursor = connection._prepare_cursor(psycopg.Cursor(connection.connection))
        try:
            if len(statements) == 1:
                cursor.execute(*statements[0])
            else:
                with connection.connection.pipeline():
                    for sql, params in statements:
                        cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()
