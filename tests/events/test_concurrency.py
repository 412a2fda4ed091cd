"""Many people press "Register" at the same moment: real threads, one connection each.

PostgreSQL only (SQLite serialises writers anyway). PostgreSQL stays at READ COMMITTED;
the lock on the event row is what keeps the count and the insert together.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from events import services
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 40
Status = Registration.Status


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"


def race(work, count=THREADS):
    """Run work(i) in `count` threads released together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(number):
        try:
            connection.ensure_connection()  # connect first, so the start is simultaneous
            barrier.wait(timeout=30)
            results[number] = work(number)
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def event_with_five_seats_left():
    event = EventFactory(capacity=10)
    RegistrationFactory.create_batch(5, event=event)
    return event


def test_simultaneous_submissions_through_the_form_never_overbook():
    event = event_with_five_seats_left()
    url = f"/en/events/{event.slug}/register/"

    def submit(number):
        data = {
            "full_name": f"Racer {number}",
            "email": f"racer{number}@example.org",
            "organisation": "Race LLC",
            "position": "Runner",
            "consent": "on",
        }
        return Client().post(url, data, REMOTE_ADDR=f"10.1.0.{number}").status_code

    statuses, errors = race(submit)
    assert errors == []
    assert statuses == [302] * THREADS  # every visitor got the confirmation page
    racers = event.registrations.filter(email__startswith="racer")
    assert racers.filter(status=Status.CONFIRMED).count() == 5
    assert racers.filter(status=Status.WAITING).count() == THREADS - 5
    assert event.registrations.filter(status=Status.CONFIRMED).count() == event.capacity


def test_the_same_race_with_a_pause_before_insert_still_holds_with_the_lock():
    event = event_with_five_seats_left()
    results, errors = race(
        lambda n: services._register(
            event=event,
            email=f"slow{n}@example.org",
            full_name=f"Slow {n}",
            consent=True,
            now=None,
            lock=True,
            pause=0.02,
        )
    )
    assert errors == []
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 10


def test_without_the_lock_the_same_race_overbooks():
    """Shows that the test above can fail: remove the lock and seats are sold twice."""
    event = event_with_five_seats_left()
    results, errors = race(
        lambda n: services._register(
            event=event,
            email=f"unlocked{n}@example.org",
            full_name=f"Unlocked {n}",
            consent=True,
            now=None,
            lock=False,
            pause=0.2,  # between the count and the insert, where the race happens
        )
    )
    assert errors == []
    confirmed = event.registrations.filter(status=Status.CONFIRMED).count()
    print(f"without the lock: {confirmed} confirmed for {event.capacity} seats")
    assert confirmed > event.capacity


def test_the_same_email_at_the_same_moment_makes_one_registration():
    event = EventFactory(capacity=10)
    results, errors = race(
        lambda n: services.register_attendee(
            event=event,
            email="Twin@Example.org" if n % 2 else "twin@example.org",
            full_name=f"Twin {n}",
            consent=True,
        ),
        count=12,
    )
    assert errors == []
    assert len({result.registration.pk for result in results}) == 1
    assert sum(result.created for result in results) == 1
    assert event.registrations.count() == 1


def test_without_the_lock_the_database_constraint_still_stops_duplicates():
    event = EventFactory(capacity=10)
    results, errors = race(
        lambda n: services._register(
            event=event,
            email="TWIN@example.org" if n % 2 else "twin@example.org",
            full_name=f"Twin {n}",
            consent=True,
            now=None,
            lock=False,
            pause=0.1,
        ),
        count=12,
    )
    assert errors == []
    assert event.registrations.count() == 1
    assert {result.registration.pk for result in results} == {event.registrations.get().pk}
