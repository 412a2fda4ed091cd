"""Two doors scan the same ticket at the same moment: one "checked in", the others "already".

PostgreSQL only, real threads with one connection each (tests/events/test_concurrency.py).
The negative control reads and then writes, as a naive check-in would: every door then lets
the ticket in, which shows that the test can see the race."""

import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from events import checkin
from events.checkin import Outcome
from events.models import Registration
from tests.events.test_concurrency import race
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DOORS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def scan_at_every_door(registration):
    return race(
        lambda n: (
            checkin.check_in_by_ticket(
                event=registration.event, code=registration.ticket_code
            ).outcome
        ),
        count=DOORS,
    )


def test_the_same_ticket_scanned_at_once_is_checked_in_exactly_once():
    person = RegistrationFactory(event=EventFactory(capacity=10))
    outcomes, errors = scan_at_every_door(person)
    assert errors == []
    assert Counter(outcomes) == {Outcome.CHECKED_IN: 1, Outcome.ALREADY: DOORS - 1}
    assert person.history.filter(history_change_reason="ticket scanned").count() == 1


def test_a_check_in_that_reads_before_it_writes_lets_the_ticket_in_twice(monkeypatch):
    def naive(registration, now):
        fresh = Registration.objects.get(pk=registration.pk)
        if fresh.checked_in_at is not None:
            return False
        time.sleep(0.2)
        fresh.checked_in_at = timezone.now()
        fresh.save(update_fields=["checked_in_at"])
        return True

    monkeypatch.setattr(checkin, "_claim", naive)
    person = RegistrationFactory(event=EventFactory(capacity=10))
    outcomes, errors = scan_at_every_door(person)
    assert errors == []
    print(f"read-then-write: {Counter(outcomes)}")
    assert Counter(outcomes)[Outcome.CHECKED_IN] > 1
