"""Walk-ins at a full event: let in over capacity after one explicit confirmation, with no
effect on the waiting list, counted separately, and never a negative seat count.

The rule (events.services.add_walk_in): a walk-in let in over capacity holds a seat like
everyone else. So the public page shows no seats left (not fewer), and a cancellation gives
a seat to the waiting list only once fewer people hold one than the capacity.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import Event, OutboxEmail, Registration
from events.workspace import status_counts
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def full_event():
    """Two seats, both taken, and two people waiting."""
    event = EventFactory(title="Full forum", capacity=2)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, full_name="First Waiting", status=Status.WAITING)
    RegistrationFactory(event=event, full_name="Second Waiting", status=Status.WAITING)
    return event


def waiting_list(event) -> list[tuple[int, str]]:
    return list(event.registrations.waiting_in_order().values_list("pk", "status"))


def add_over(event, name="Walk In", **kwargs) -> Registration:
    return services.add_walk_in(event=event, full_name=name, **kwargs)


# ---- the service ------------------------------------------------------------------------


def test_a_full_event_asks_first_and_says_by_how_many(full_event):
    with pytest.raises(services.OverCapacity) as refusal:
        add_over(full_event)
    assert (refusal.value.over, refusal.value.capacity) == (1, 2)
    assert "1 person over its capacity" in refusal.value.message
    assert "Raise the capacity" not in refusal.value.message
    assert not full_event.registrations.filter(is_walk_in=True).exists()


def test_once_agreed_the_walk_in_is_in_checked_in_and_marked(full_event):
    before = waiting_list(full_event)
    person = add_over(full_event, over_capacity=1, organisation="Door LLC")
    assert person.status == Status.CONFIRMED and person.checked_in_at is not None
    assert person.is_walk_in and person.over_capacity
    assert waiting_list(full_event) == before  # the same people, in the same order
    assert not OutboxEmail.objects.exists()  # nobody is told anything
    event = Event.objects.with_seat_counts().get(pk=full_event.pk)
    assert (event.n_confirmed, event.seats_left, event.seats_over) == (3, 0, 1)


def test_agreeing_to_one_over_does_not_let_in_a_second(full_event):
    """Two doors both saw "1 over capacity": the second one is asked again, for 2."""
    add_over(full_event, "Door One", over_capacity=1)
    with pytest.raises(services.OverCapacity) as refusal:
        add_over(full_event, "Door Two", over_capacity=1)
    assert refusal.value.over == 2
    add_over(full_event, "Door Two", over_capacity=2)
    assert full_event.registrations.filter(over_capacity=True).count() == 2


def test_a_seat_freed_before_the_confirmation_is_an_ordinary_seat():
    event = EventFactory(capacity=2)
    holder, _other = RegistrationFactory.create_batch(2, event=event)
    services.cancel_registration(registration=holder)  # nobody waiting: the seat stays free
    person = add_over(event, over_capacity=1)
    assert not person.over_capacity and event.seats_over == 0


@pytest.mark.parametrize("capacity", [None, 3])
def test_with_a_seat_left_nothing_is_asked(capacity):
    event = EventFactory(capacity=capacity)
    RegistrationFactory.create_batch(2, event=event)
    person = add_over(event)
    assert not person.over_capacity and event.seats_over == 0


def test_a_capacity_of_zero_asks_too():
    with pytest.raises(services.OverCapacity) as refusal:
        add_over(EventFactory(capacity=0))
    assert refusal.value.over == 1


def test_the_same_email_is_still_refused_over_capacity(full_event):
    taken = full_event.registrations.filter(status=Status.CONFIRMED).first().email
    with pytest.raises(services.RegistrationError, match="already registered"):
        add_over(full_event, email=taken.upper(), over_capacity=1)


def test_cancellations_give_no_seat_while_the_event_is_over_capacity(full_event):
    first, second = full_event.registrations.filter(status=Status.CONFIRMED, is_walk_in=False)
    add_over(full_event, over_capacity=1)  # 3 people for 2 seats
    assert services.cancel_registration(registration=first) == []  # 2 for 2: still full
    assert [status for _pk, status in waiting_list(full_event)] == [Status.WAITING] * 2
    promoted = services.cancel_registration(registration=second)  # 1 for 2: a seat is free
    assert [person.full_name for person in promoted] == ["First Waiting"]
    assert Event.objects.get(pk=full_event.pk).seats_left == 0


def test_cancelling_the_walk_in_over_capacity_gives_no_seat(full_event):
    walk_in = add_over(full_event, over_capacity=1)
    assert services.cancel_registration(registration=walk_in, by_staff=True) == []
    assert len(waiting_list(full_event)) == 2


def test_raising_the_capacity_over_capacity_gives_the_waiting_list_nothing(full_event):
    add_over(full_event, over_capacity=1)
    previous = Event.objects.get(pk=full_event.pk)
    full_event.capacity = 3  # what the old message suggested
    full_event.save()
    _notified, promoted = services.apply_event_change(event=full_event, previous=previous)
    assert promoted == [] and len(waiting_list(full_event)) == 2
    assert services.promote_from_waiting_list(event=full_event) == []


def test_staff_cannot_hand_out_a_seat_that_is_not_there(full_event):
    add_over(full_event, over_capacity=1)
    first = full_event.registrations.waiting_in_order().first()
    with pytest.raises(services.RegistrationError, match="No seats are left"):
        services.confirm_from_waiting_list(registration=first)


def test_the_workspace_counts_them_separately(full_event):
    add_over(full_event, over_capacity=1)
    add_over(full_event, "Second Walk In", over_capacity=2)
    counts = status_counts(full_event)
    assert (counts.confirmed, counts.seats_left, counts.seats_over) == (4, 0, 2)
    assert (counts.walk_ins, counts.over_capacity) == (2, 2)
    first = full_event.registrations.filter(is_walk_in=False, status=Status.CONFIRMED).first()
    services.cancel_registration(registration=first)
    counts = status_counts(full_event)
    # One of them now has a seat that fell free; both were let in over capacity.
    assert (counts.seats_over, counts.over_capacity) == (1, 2)


# ---- the pages --------------------------------------------------------------------------


def walk_in(client, event, **data):
    return client.post(reverse("events:walk-in", args=[event.slug]), data)


def test_the_check_in_page_asks_once_and_names_the_number(staff_client, full_event):
    check_in = reverse("events:check-in", args=[full_event.slug])
    assert "Every seat is taken" in staff_client.get(check_in).content.decode()
    asked = walk_in(staff_client, full_event, full_name="Leyla Aliyeva", organisation="Port")
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "Add and check in: 1 over capacity" in html
    assert "the event is 1 person over its capacity" in html
    assert "The 2 people on the waiting list keep their places" in html
    assert "Raise the capacity" not in html and "capacity first" not in html
    assert 'name="over_capacity" value="1"' in html
    assert not full_event.registrations.filter(full_name="Leyla Aliyeva").exists()

    data = {"full_name": "Leyla Aliyeva", "organisation": "Port", "over_capacity": "1"}
    response = walk_in(staff_client, full_event, **data)
    assert response.status_code == 302 and response["Location"] == check_in
    person = full_event.registrations.get(full_name="Leyla Aliyeva")
    assert person.over_capacity and person.checked_in_at
    page = staff_client.get(check_in).content.decode()
    assert "Leyla Aliyeva is added over capacity and checked in." in page
    assert re.search(r'Over capacity: <strong data-count="over_capacity">1</strong>', page)
    assert "over capacity</span>" in page  # the person's mark in the list
    counts = staff_client.get(reverse("events:check-in-counts", args=[full_event.slug])).json()
    assert (counts["confirmed"], counts["over_capacity"], counts["waiting"]) == (3, 1, 2)


def test_a_double_click_on_the_confirmation_asks_again(staff_client, full_event):
    data = {"full_name": "Twice", "over_capacity": "1"}
    assert walk_in(staff_client, full_event, **data).status_code == 302
    again = walk_in(staff_client, full_event, **data)
    assert again.status_code == 200
    assert "Add and check in: 2 over capacity" in again.content.decode()
    assert full_event.registrations.filter(full_name="Twice").count() == 1


def test_the_confirmation_page_in_russian(staff_client, full_event):
    with translation.override("ru"):
        url = reverse("events:walk-in", args=[full_event.slug])
    response = staff_client.post(url, {"full_name": "Павел Орлов"})
    html = response.content.decode()
    assert '<html lang="ru"' in html
    assert "Добавить и отметить: на 1 сверх вместимости" in html
    assert "Add and check in" not in html and "Every seat is taken" not in html


def test_the_public_page_never_shows_negative_seats(client, full_event):
    services.add_walk_in(event=full_event, full_name="Extra", over_capacity=1)
    assert Event.objects.with_seat_counts().get(pk=full_event.pk).seats_left == 0
    for url in (full_event.get_absolute_url(), reverse("events:list")):
        html = client.get(url).content.decode()
        assert not re.search(r"-\d+ seat", html) and "seats left" not in html, url
        assert "waiting list" in html.lower(), url


def test_the_workspace_shows_the_counts(staff_client, full_event):
    services.add_walk_in(event=full_event, full_name="Extra", over_capacity=1)
    html = staff_client.get(
        reverse("admin:events_event_workspace", args=[full_event.pk])
    ).content.decode()
    shown = dict(re.findall(r'data-count="(\w+)"[^>]*><dt>[^<]+</dt><dd>(\d+)', html))
    assert shown["confirmed"] == "3" and shown["seats_left"] == "0"
    assert shown["seats_over"] == "1" and shown["walk_ins"] == "1"
    assert "(1 let in over capacity)" in html
