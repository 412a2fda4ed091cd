"""A registration's locked section on PostgreSQL (events.services).

While the event row is locked, registrations for the event wait in line, and every turn of
the web worker's inside the lock (a result travelling to it, the next statement travelling
back) costs all of them a wait for a core (on a small machine the web workers, the
database's backends and the clients share the cores). So the lock's statement and ONE claim
statement go in one query: the claim counts the confirmed seats, inserts the registration
with the status the count gives (``ON CONFLICT DO NOTHING``: a simultaneous registration of
the same address, caught by the one-active-per-email index, inserts nothing), its
change-history row, its outbox row and, when the task queue is a table of this database
(django-tasks-db), the email's delivery task: the email and its task are committed together,
and no enqueue follows the commit (events.outbox.delivery_task). Sent outside a transaction
(``lock_and_claim``, the common case), the query is a transaction of its own, committed by
PostgreSQL as its last statement ends: no turn of the worker's falls inside the lock at all.
It decides with the event as the caller read it and is guarded by it: it inserts only while
the locked row still holds those values. Otherwise the caller locks (``lock_row``), checks
and claims (``claim_seat``) in a transaction of its own.

The count is in a statement of its own, after the lock's: under READ COMMITTED a statement
sees the data committed when it began (each statement of a query takes its own snapshot), so
a count in the statement that waited for the lock would miss the registrations committed by
the transactions it waited for.

The columns and values come from the model instances (the fields' own conversions to the
database), so a new field of Registration, of its history, of OutboxEmail or of the task
queue is inserted like the ORM would insert it; the statements' texts are written once per
process. SQLite has no data-modifying WITH: there the service inserts through the ORM (one
writer at a time; the transaction holds the write lock).
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Model

from portal.prepared import rows as server_rows

# The status the seats give (parameters: capacity, status when free, status when full, the
# event, the confirmed status). tests/events/test_concurrency.py shows what goes wrong when
# this count takes the lock in its own statement.
COUNT_SEATS = """
    SELECT CASE WHEN COALESCE(count(*) < CAST(%s AS integer), true)
        THEN CAST(%s AS varchar) ELSE CAST(%s AS varchar) END AS status
    FROM {registrations} WHERE event_id = %s AND status = %s
"""


# The columns whose values the statement computes: the registration's status from the
# count, its id and status for its history row and its email (whose kind is the status).
REGISTRATION_COMPUTED = (("status", "seats.status"),)
HISTORY_COMPUTED = (("id", "reg.id"), ("status", "reg.status"))
EMAIL_COMPUTED = (("kind", "reg.status"), ("registration_id", "reg.id"))
# The delivery task's one argument, the email's id (events.outbox.deliver_email), written as
# django-tasks-db writes a task's arguments.
TASK_COMPUTED = (
    (
        "args_kwargs",
        "jsonb_build_object('args', jsonb_build_array(mail.id), 'kwargs', jsonb_build_object())",
    ),
)


@dataclass(frozen=True)
class Claim:
    status: str | None  # what the count gave: None when full without a waiting list
    registration_id: int | None  # None: refused, or the address registered meanwhile
    email_id: int | None


# How the lock statement locks (tests/events/test_concurrency.py takes it away to show what
# goes wrong without it).
LOCK_CLAUSE = "FOR UPDATE"


def lock_row(model: type[Model], pk, fields: tuple[str, ...]) -> Model | None:
    """Lock ``model``'s row ``pk`` (``SELECT … FOR UPDATE``) and return a new instance with
    only ``fields`` loaded (the others are deferred: reading one is a query of its own), or
    None when the row is gone. The statement is written once per process: an ORM query's
    compilation cost more than the statement itself."""
    sql, names = _lock_statement(LOCK_CLAUSE, model, fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else model.from_db(connection.alias, names, row)


@cache
def _lock_statement(lock: str, model: type[Model], fields: tuple[str, ...]):
    """The text of lock_row's statement and the attribute names of its columns."""
    opts = model._meta
    quote = connection.ops.quote_name
    wanted = {opts.pk, *(opts.get_field(name) for name in fields)}
    chosen = [field for field in opts.concrete_fields if field in wanted]  # from_db's order
    columns = ", ".join(quote(field.column) for field in chosen)
    where = f"{quote(opts.pk.column)} = %s"
    sql = f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {where} {lock}"  # noqa: S608
    return sql, [field.attname for field in chosen]


def _values(obj: Model, computed: tuple[tuple[str, str], ...]) -> list:
    """The parameters of ``obj``'s INSERT (_insert_statement): what Model.save() would send,
    pre_save() (which fills auto_now fields) then the field's conversion."""
    fields = _insert_statement(type(obj), computed)[1]
    return [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]


@cache
def _insert_statement(model: type[Model], computed: tuple[tuple[str, str], ...]):
    """``INSERT INTO table (columns) SELECT values`` for ``model`` (without FROM) and the
    fields whose values are its parameters, in order: each column cast to its type (a
    SELECT list gives parameters no type of its own), except the ``computed`` ones, which
    take the SQL given. Written once per process and model."""
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


@dataclass(frozen=True)
class PreparedClaim:
    """The models and the values of a claim's rows, made before the lock is taken: under the
    lock only the statement runs. ``task`` is the delivery task's row, or None."""

    models: tuple[type[Model], type[Model], type[Model], type[Model] | None]
    params: list
    task: Model | None = None


def prepare_claim(
    registration: Model, history: Model, email: Model, task: Model | None = None
) -> PreparedClaim:
    """The values of ``registration``, its ``history`` row, its outbox ``email`` and the
    email's delivery ``task`` (if any) for the claim's statement (they get the registration's
    id and the status the count gives; the email's kind is the status; the task's argument is
    the email's id)."""
    params = [
        *_values(registration, REGISTRATION_COMPUTED),
        *_values(history, HISTORY_COMPUTED),
        *_values(email, EMAIL_COMPUTED),
        *(_values(task, TASK_COMPUTED) if task is not None else ()),
    ]
    models = (type(registration), type(history), type(email), task and type(task))
    return PreparedClaim(models, params, task)


@cache
def _claim_statement(
    count_seats: str, guard: tuple | None, registration, history, email, task
) -> str:
    """The claim's statement; with a ``guard`` (the event's model and fields), it inserts
    only while the event's row holds the values given for those fields (parameters before
    the count's), and says whether it did."""
    quote = connection.ops.quote_name
    registrations = quote(registration._meta.db_table)
    registration_sql = _insert_statement(registration, REGISTRATION_COMPUTED)[0]
    history_sql = _insert_statement(history, HISTORY_COMPUTED)[0]
    email_sql = _insert_statement(email, EMAIL_COMPUTED)[0]
    task_cte = ""
    if task is not None:
        task_cte = f", task AS ({_insert_statement(task, TASK_COMPUTED)[0]} FROM mail)"
    unchanged, condition = "", "true"
    if guard is not None:
        model, names = guard
        opts = model._meta
        fields = [opts.get_field(name) for name in names]
        columns = ", ".join(quote(field.column) for field in fields)
        values = ", ".join(f"CAST(%s AS {field.cast_db_type(connection)})" for field in fields)
        table, pk = quote(opts.db_table), quote(opts.pk.column)
        # (names from the model; values are parameters)
        unchanged = f"unchanged AS (SELECT 1 FROM {table} WHERE {pk} = %s AND ({columns}) "  # noqa: S608
        unchanged += f"IS NOT DISTINCT FROM ({values})), "
        condition = "EXISTS (SELECT 1 FROM unchanged)"
    return f"""
        WITH {unchanged}seats AS ({count_seats.format(registrations=registrations)}), reg AS (
            {registration_sql} FROM seats WHERE seats.status IS NOT NULL AND {condition}
            ON CONFLICT DO NOTHING RETURNING id, status
        ), hist AS (
            {history_sql} FROM reg
        ), mail AS (
            {email_sql} FROM reg RETURNING id
        ){task_cte}
        SELECT {condition}, seats.status, reg.id, mail.id
        FROM seats LEFT JOIN reg ON true LEFT JOIN mail ON true
    """.strip()  # noqa: S608 (table and column names from the models; values are parameters)


def claim_seat(
    prepared: PreparedClaim,
    *,
    event_id: int,
    capacity: int | None,
    when_free: str,
    when_full: str | None,
    confirmed: str,
) -> Claim:
    """Count the event's ``confirmed`` registrations and run the ``prepared`` inserts: the
    registration's status is ``when_free`` below ``capacity`` or with no capacity, else
    ``when_full``; nothing is inserted when that is None. Call with the event row locked, in
    the transaction that locked it."""
    sql = _claim_statement(COUNT_SEATS, None, *prepared.models)
    params = [capacity, when_free, when_full, event_id, confirmed, *prepared.params]
    return Claim(*server_rows((sql, params))[0][1:])


def lock_and_claim(
    prepared: PreparedClaim,
    *,
    event: Model,
    fields: tuple[str, ...],
    capacity: int | None,
    when_free: str,
    when_full: str | None,
    confirmed: str,
) -> Claim | None:
    """The lock of ``event``'s row and claim_seat in one query, guarded: the claim inserts
    only if the locked row still holds ``event``'s values of ``fields`` (those that decided
    ``capacity``, ``when_free`` and ``when_full``, and the window). None when it did not
    (nothing inserted; the caller decides again from the locked row).

    Outside a transaction the query is one transaction of its own: PostgreSQL commits it
    when its last statement ends, so no turn of the web worker's falls inside the lock
    (under load each such turn waits for a core, and everyone waits for the lock's holder).
    Each statement of a query takes its own snapshot under READ COMMITTED, so the claim's,
    which begins once the lock's has the row, counts every registration committed before
    the lock was granted, as if it had been sent after it. No answers to the event's
    questions can go with it: they are inserted after the registration, in its transaction.
    """
    model = type(event)
    lock_sql = _lock_statement(LOCK_CLAUSE, model, ())[0]
    sql = _claim_statement(COUNT_SEATS, (model, fields), *prepared.models)
    guarded = [model._meta.get_field(name) for name in fields]
    guard = [
        event.pk,
        *(field.get_db_prep_value(getattr(event, field.attname), connection) for field in guarded),
    ]
    params = [*guard, capacity, when_free, when_full, event.pk, confirmed, *prepared.params]
    unchanged, *claim = server_rows((lock_sql, [event.pk]), (sql, params))[0]
    return Claim(*claim) if unchanged else None
