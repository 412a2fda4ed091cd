"""Statements bound and kept prepared by PostgreSQL (portal.prepared): what the registration's
claim and the site search rely on. PostgreSQL only, outside Django's transactions, as the
claim runs in production."""

import threading
import time

import pytest
from django.db import DataError, OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from portal import prepared

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def scratch_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_scratch (id integer PRIMARY KEY, note text)")
    yield "prepared_scratch"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE prepared_scratch")


def notes(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note FROM {table} ORDER BY id")  # noqa: S608 (fixture's)
        return cursor.fetchall()


def test_values_are_bound_by_the_server_and_the_last_statements_rows_come_back(scratch_table):
    tricky = "O'Brien; DROP TABLE prepared_scratch; -- %s {}"
    rows = prepared.rows(
        (f"INSERT INTO {scratch_table} VALUES (%s, %s)", [1, tricky]),  # noqa: S608
        (f"SELECT note, %s FROM {scratch_table} WHERE id = %s", ["second", 1]),  # noqa: S608
    )
    assert rows == [(tricky, "second")]
    assert notes(scratch_table) == [(1, tricky)]


def test_statements_sent_together_are_one_transaction(scratch_table):
    """Outside a transaction the pipeline's statements commit together or not at all: a
    failing second statement takes the first one's insert with it."""
    with pytest.raises(DataError):  # the driver's error, as Django's
        prepared.rows(
            (f"INSERT INTO {scratch_table} VALUES (%s, %s)", [1, "kept?"]),  # noqa: S608
            ("SELECT 1 / %s", [0]),
        )
    assert notes(scratch_table) == []
    # The connection is usable again, and a single statement commits on its own.
    prepared.rows((f"INSERT INTO {scratch_table} VALUES (%s, %s)", [2, "alone"]))  # noqa: S608
    assert notes(scratch_table) == [(2, "alone")]


def test_a_lock_taken_by_the_first_statement_is_held_until_the_last_one_ends(scratch_table):
    """What the registration's claim needs: the row lock taken by the first statement is
    still held while the second runs. The second waits for an advisory lock that another
    connection holds; that connection, once it sees the wait, tries the row."""
    prepared.rows((f"INSERT INTO {scratch_table} VALUES (%s, %s)", [1, "row"]))  # noqa: S608
    holding, seen = threading.Event(), []

    def other_connection():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(4242)")
                holding.set()
                for _attempt in range(1000):  # until the pipeline's second statement waits
                    cursor.execute(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND objid = 4242 AND NOT granted"
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.01)
                try:  # (autocommit: a row lock got here ends with the statement)
                    cursor.execute(
                        f"SELECT id FROM {scratch_table} WHERE id = 1 FOR UPDATE NOWAIT"  # noqa: S608
                    )
                    seen.append("free")
                except OperationalError:
                    seen.append("locked")
                cursor.execute("SELECT pg_advisory_unlock(4242)")
        finally:
            other.close()

    thread = threading.Thread(target=other_connection)
    thread.start()
    assert holding.wait(timeout=10)
    prepared.rows(
        (f"SELECT id FROM {scratch_table} WHERE id = %s FOR UPDATE", [1]),  # noqa: S608
        ("SELECT 1 FROM pg_advisory_lock(%s)", [4242]),
        ("SELECT pg_advisory_unlock(%s)", [4242]),
    )
    thread.join(timeout=20)
    assert seen == ["locked"]


def test_django_sees_every_statement_and_keeps_them_prepared_after_the_threshold(settings):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold == settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    statement = "SELECT %s + 1 AS prepared_probe"
    with CaptureQueriesContext(connection) as queries:
        for number in range(threshold + 1):
            assert prepared.rows((statement, [number])) == [(number + 1,)]
    logged = [q["sql"] for q in queries.captured_queries if "prepared_probe" in q["sql"]]
    assert len(logged) == threshold + 1, logged

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        kept = [sql for (sql,) in cursor.fetchall()]
    assert "SELECT $1 + 1 AS prepared_probe" in kept


def test_inside_a_transaction_the_statements_are_part_of_it(scratch_table):
    with transaction.atomic():
        prepared.rows((f"INSERT INTO {scratch_table} VALUES (%s, %s)", [1, "x"]))  # noqa: S608
        transaction.set_rollback(True)
    assert notes(scratch_table) == []


def test_placeholders_are_numbered_once_and_a_stray_percent_is_refused():
    assert prepared.numbered("SELECT %s, %s FROM t WHERE a = %s") == (
        "SELECT $1, $2 FROM t WHERE a = $3"
    )
    assert prepared.numbered("SELECT 1") == "SELECT 1"
    with pytest.raises(ValueError, match="a % that is not a placeholder"):
        prepared.numbered("SELECT %s WHERE name LIKE 'a%'")
