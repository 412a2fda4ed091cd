"""A registration's locked section on PostgreSQL in one statement (events.services).

While the event row is locked, registrations for the event wait in line, and every round
trip to the database then costs all of them a turn of the scheduler (on a small machine the
web workers, the database's backends and the clients share the cores). So after the lock
statement ONE statement does the rest: it counts the confirmed seats, inserts the
registration with the status the count gives (``ON CONFLICT DO NOTHING``: a simultaneous
registration of the same address, caught by the one-active-per-email index, inserts
nothing), its change-history row and its outbox row, all in the lock holder's transaction.

The count is in this statement, not in the lock's: under READ COMMITTED a statement sees
the data committed when it began, so a count in the statement that waited for the lock would
miss the registrations committed by the transactions it waited for.

The columns and values come from the model instances (the fields' own conversions to the
database), so a new field of Registration, of its history or of OutboxEmail is inserted
like the ORM would insert it. SQLite has no data-modifying WITH: there the service inserts
through the ORM (one writer at a time; the transaction holds the write lock).
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Model

# The status the seats give (parameters: capacity, status when free, status when full, the
# event, the confirmed status). tests/events/test_concurrency.py shows what goes wrong when
# this count takes the lock in its own statement.
COUNT_SEATS = """
    SELECT CASE WHEN COALESCE(count(*) < CAST(%s AS integer), true)
        THEN CAST(%s AS varchar) ELSE CAST(%s AS varchar) END AS status
    FROM {registrations} WHERE event_id = %s AND status = %s
"""


@dataclass(frozen=True)
class Claim:
    status: str | None  # what the count gave: None when full without a waiting list
    registration_id: int | None  # None: refused, or the address registered meanwhile
    email_id: int | None


def lock_row(model: type[Model], pk, fields: tuple[str, ...]) -> Model | None:
    """Lock ``model``'s row ``pk`` (``SELECT … FOR UPDATE``) and return a new instance with
    only ``fields`` loaded (the others are deferred: reading one is a query of its own), or
    None when the row is gone. The statement is written once per process: an ORM query's
    compilation cost more than the statement itself."""
    sql, names = _lock_statement(model, fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else model.from_db(connection.alias, names, row)


@cache
def _lock_statement(model: type[Model], fields: tuple[str, ...]) -> tuple[str, list[str]]:
    opts = model._meta
    quote = connection.ops.quote_name
    wanted = {opts.pk, *(opts.get_field(name) for name in fields)}
    chosen = [field for field in opts.concrete_fields if field in wanted]  # from_db's order
    columns = ", ".join(quote(field.column) for field in chosen)
    where = f"{quote(opts.pk.column)} = %s"
    sql = f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {where} FOR UPDATE"  # noqa: S608
    return sql, [field.attname for field in chosen]


def _insert(obj: Model, computed: dict[str, str]) -> tuple[str, list]:
    """``INSERT INTO table (columns) SELECT values`` for ``obj`` (without FROM): each column
    from the object as the ORM would save it, cast to the column's type (a SELECT list gives
    parameters no type of its own), except the ``computed`` ones, which take the SQL given.
    """
    sql, fields = _insert_statement(type(obj), tuple(computed.items()))
    # What Model.save() sends: pre_save() fills auto_now fields, then the conversion.
    params = [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
    return sql, params


@cache
def _insert_statement(model: type[Model], computed: tuple[tuple[str, str], ...]):
    """The text of _insert's statement and the fields whose values are its parameters, in
    order: written once per process and model."""
    opts = model._meta
    computed = dict(computed)
    quote = connection.ops.quote_name
    columns, values, fields = [], [], []
    for field in opts.local_concrete_fields:
        if field is opts.auto_field:
            continue
        columns.append(quote(field.column))
        if field.column in computed:
            values.append(computed[field.column])
            continue
        values.append(f"CAST(%s AS {field.cast_db_type(connection)})")
        fields.append(field)
    sql = f"INSERT INTO {quote(opts.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)}"
    return sql, fields


def claim_seat(
    registration: Model,
    history: Model,
    email: Model,
    *,
    capacity: int | None,
    when_free: str,
    when_full: str | None,
    confirmed: str,
) -> Claim:
    """Count the event's ``confirmed`` registrations; insert ``registration`` (its status
    ``when_free`` below ``capacity`` or with no capacity, else ``when_full``; nothing when
    that is None), its ``history`` row and its outbox ``email``, which get the registration's
    id and status (the email's kind is the status). Call with the event row locked, in the
    transaction that locked it."""
    quote = connection.ops.quote_name
    registrations = quote(registration._meta.db_table)
    registration_sql, registration_params = _insert(registration, {"status": "seats.status"})
    history_sql, history_params = _insert(history, {"id": "reg.id", "status": "reg.status"})
    email_sql, email_params = _insert(email, {"kind": "reg.status", "registration_id": "reg.id"})
    sql = f"""
        WITH seats AS ({COUNT_SEATS.format(registrations=registrations)}), reg AS (
            {registration_sql} FROM seats WHERE seats.status IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING id, status
        ), hist AS (
            {history_sql} FROM reg
        ), mail AS (
            {email_sql} FROM reg RETURNING id
        )
        SELECT seats.status, reg.id, mail.id FROM seats LEFT JOIN reg ON true LEFT JOIN mail ON true
    """  # noqa: S608 (table and column names from the models; values are parameters)
    params = [
        capacity, when_free, when_full, registration.event_id, confirmed,
        *registration_params, *history_params, *email_params,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Claim(*cursor.fetchone())
