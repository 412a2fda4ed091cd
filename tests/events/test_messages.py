"""Messages to attendees: staff write on the event's admin page, see how many people get it,
send; each person gets one email in their language (or the next written one) through the
outbox, delivered by the worker, and the sending is logged."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import services
from events.models import EventMessage, OutboxEmail, Registration
from portal.roles import EDITORS, EVENT_MANAGERS, setup_roles
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
Audience = EventMessage.Audience


@pytest.fixture
def event():
    """Three confirmed people with an address (one checked in, one Russian, one
    Azerbaijani), a walk-in without one, two waiting, one pending, and some who get nothing."""
    event = EventFactory(slug="forum", title="Caspian Forum", title_ru="Каспийский форум")
    now = timezone.now()
    RegistrationFactory(event=event, full_name="Ann", language="en", checked_in_at=now)
    RegistrationFactory(event=event, full_name="Boris", language="ru")
    RegistrationFactory(event=event, full_name="Aysel", language="az")
    RegistrationFactory(event=event, full_name="Walk-in", email="", is_walk_in=True)
    RegistrationFactory(event=event, full_name="Wait 1", status=Status.WAITING, language="az")
    RegistrationFactory(event=event, full_name="Wait 2", status=Status.WAITING)
    RegistrationFactory(event=event, full_name="Pending", status=Status.PENDING)
    RegistrationFactory(event=event, full_name="Gone", status=Status.CANCELLED)
    RegistrationFactory(event=event, full_name="No", status=Status.DECLINED)
    RegistrationFactory(event=EventFactory(), full_name="Another event")
    return event


def test_audience_counts(event):
    counts = {a: event.registrations.in_audience(a).count() for a in Audience}
    assert counts == {
        Audience.CONFIRMED: 3,
        Audience.WAITING: 2,
        Audience.PENDING: 1,
        Audience.CHECKED_IN: 1,
        Audience.NOT_CHECKED_IN: 2,
    }
    erased = event.registrations.get(full_name="Boris")
    services.erase_personal_data(registration=erased)
    for audience in Audience:
        assert erased not in event.registrations.in_audience(audience)


def page(event) -> str:
    return reverse("admin:events_event_message", args=[event.pk])


def message_data(audience, **texts) -> dict:
    data = {"audience": audience, "key": str(uuid.uuid4())}
    for code in ("en", "ru", "az"):
        data[f"subject_{code}"], data[f"body_{code}"] = texts.get(code, ("", ""))
    return data


ENGLISH = ("Hall changed", "We meet in hall B.\nSee you there.")
RUSSIAN = ("Другой зал", "Встречаемся в зале B.")


def test_the_page_shows_each_group_with_its_count(staff_client, event):
    change_page = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert page(event) in change_page.content.decode()  # linked from the event's page
    html = staff_client.get(page(event)).content.decode()
    for label in [
        "Confirmed (3)",
        "On the waiting list (2)",
        "Awaiting approval (1)",
        "Checked in (1)",
        "Confirmed, not checked in (2)",
    ]:
        assert label in html


@pytest.mark.parametrize(
    ("audience", "count"),
    [
        (Audience.CONFIRMED, 3),
        (Audience.WAITING, 2),
        (Audience.PENDING, 1),
        (Audience.CHECKED_IN, 1),
        (Audience.NOT_CHECKED_IN, 2),
    ],
)
def test_preview_then_send(
    staff_client, event, run_worker, django_capture_on_commit_callbacks, audience, count
):
    data = message_data(audience, en=ENGLISH, ru=RUSSIAN)
    preview = staff_client.post(page(event), {**data, "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["preview"].count == count
    html = preview.content.decode()
    assert f'name="expected_count" value="{count}"' in html
    assert not EventMessage.objects.exists() and not OutboxEmail.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(page(event), {**data, "expected_count": count, "send": "1"})
    message = EventMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_eventmessage_change", args=[message.pk])
    # Nothing sent in the request: one queued email per person and a task for each.
    assert mail.outbox == []
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).count() == count
    assert DBTaskResult.objects.count() == count
    assert run_worker() == count
    assert len(mail.outbox) == count
    recipients = set(event.registrations.in_audience(audience).values_list("email", flat=True))
    assert {sent.to[0] for sent in mail.outbox} == recipients


def test_each_person_reads_it_in_their_language_or_the_next_written(
    staff_client, event, run_worker, django_capture_on_commit_callbacks
):
    data = message_data(Audience.CONFIRMED, en=ENGLISH, ru=RUSSIAN)
    preview = staff_client.post(page(event), {**data, "preview": "1"}).context["preview"]
    assert [(group.label, group.count) for group in preview.groups] == [
        ("English", 1),
        ("Russian (Русский)", 2),  # Boris, and Aysel (Azerbaijani falls back to Russian)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(page(event), {**data, "expected_count": 3, "send": "1"})
    run_worker()
    by_name = {email.registration.full_name: email for email in OutboxEmail.objects.all()}
    assert by_name["Ann"].subject == "Hall changed" and by_name["Ann"].language == "en"
    assert "We meet in hall B.\nSee you there." in by_name["Ann"].body
    assert "Caspian Forum" in by_name["Ann"].body
    for name in ("Boris", "Aysel"):
        assert by_name[name].subject == "Другой зал" and by_name[name].language == "ru"
        assert "Встречаемся в зале B." in by_name[name].body
        assert "Каспийский форум" in by_name[name].body
        assert "Your personal page" not in by_name[name].body  # the footer in Russian too
    ann = event.registrations.get(full_name="Ann")
    assert ann.get_absolute_url() in by_name["Ann"].body
    assert {sent.subject for sent in mail.outbox} == {"Hall changed", "Другой зал"}


def test_the_sending_is_logged_and_shown_in_the_admin(staff_client, event):
    data = message_data(Audience.WAITING, az=("Gözləmə siyahısı", "Yer açılsa, yazacağıq."))
    staff_client.post(page(event), {**data, "expected_count": 2, "send": "1"})
    message = EventMessage.objects.get()
    assert (message.event, message.audience, message.recipient_count) == (
        event,
        Audience.WAITING,
        2,
    )
    assert message.sent_by.username == "staff" and message.sent_by_name == "staff"
    assert abs(timezone.now() - message.sent_at).total_seconds() < 60
    assert (message.subject_az, message.subject_en) == ("Gözləmə siyahısı", "")
    # Everyone waiting gets the Azerbaijani text: the only language it is written in.
    assert set(OutboxEmail.objects.values_list("language", flat=True)) == {"az"}
    listing = staff_client.get(reverse("admin:events_eventmessage_changelist")).content.decode()
    assert "Gözləmə siyahısı" in listing and "staff" in listing
    detail = staff_client.get(reverse("admin:events_eventmessage_change", args=[message.pk]))
    assert "Yer açılsa, yazacağıq." in detail.content.decode()
    assert "Messages sent for this event" in staff_client.get(page(event)).content.decode()


def test_sending_the_same_preview_twice_sends_once(staff_client, event):
    data = {**message_data(Audience.CONFIRMED, en=ENGLISH), "expected_count": 3, "send": "1"}
    staff_client.post(page(event), data)
    staff_client.post(page(event), data)
    assert EventMessage.objects.count() == 1
    assert OutboxEmail.objects.count() == 3


def test_a_group_that_changed_since_the_preview_is_previewed_again(staff_client, event):
    data = message_data(Audience.PENDING, en=ENGLISH)
    RegistrationFactory(event=event, status=Status.PENDING)  # arrived after the preview
    response = staff_client.post(page(event), {**data, "expected_count": 1, "send": "1"})
    assert response.status_code == 200
    assert "1 then, 2 now" in response.content.decode()
    assert response.context["preview"].count == 2
    assert not EventMessage.objects.exists() and not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("texts", "field", "error"),
    [
        ({}, None, "Write the message in at least one language."),
        ({"ru": ("Тема", "")}, "body_ru", "Write the text too"),
        ({"en": ("", "Only a text")}, "subject_en", "Write the subject too"),
        ({"en": ("Two\nlines", "Text")}, "subject_en", "Please keep this on one line"),
    ],
)
def test_incomplete_messages_are_refused(staff_client, event, texts, field, error):
    response = staff_client.post(
        page(event), {**message_data(Audience.CONFIRMED, **texts), "preview": "1"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors[field] if field else form.non_field_errors()
    assert errors[0].startswith(error)
    assert response.context["preview"] is None


def test_an_empty_group_is_refused(staff_client):
    event = EventFactory()
    RegistrationFactory(event=event)
    response = staff_client.post(
        page(event), {**message_data(Audience.WAITING, en=ENGLISH), "preview": "1"}
    )
    assert "Nobody in this group" in response.context["form"].errors["audience"][0]
    with pytest.raises(services.RegistrationError):
        services.send_event_message(
            event=event,
            audience=Audience.WAITING,
            subjects={"en": "Hi"},
            bodies={"en": "Text"},
            sent_by=response.wsgi_request.user,
        )


@pytest.mark.parametrize(("role", "allowed"), [(EVENT_MANAGERS, True), (EDITORS, False)])
def test_only_event_managers_write_to_attendees(django_user_model, event, role, allowed):
    setup_roles()
    user = django_user_model.objects.create_user("someone", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    assert client.get(page(event)).status_code == (200 if allowed else 403)
    data = {**message_data(Audience.CONFIRMED, en=ENGLISH), "expected_count": 3, "send": "1"}
    client.post(page(event), data)
    assert EventMessage.objects.exists() is allowed
