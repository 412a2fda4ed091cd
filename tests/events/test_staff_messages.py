"""Staff decline or cancel with an optional message to the person: an intermediate page in
the admin and the event workspace, the message in the email in the person's language, kept
on the registration and its change history, erased with the person's data."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from events import services
from events.models import STAFF_MESSAGE_MAX_LENGTH, OutboxEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
CHANGELIST = reverse("admin:events_registration_changelist")
MESSAGE = "The hall is smaller than planned.\nSorry! <script>alert(1)</script> {{ token }}"


def run(client, url, name, registrations, **extra):
    data = {"action": name, "_selected_action": [r.pk for r in registrations], **extra}
    return client.post(url, data, follow=True)


def test_declining_asks_for_a_message_first_and_changes_nothing(staff_client):
    pending = RegistrationFactory(status=Status.PENDING, event__approval_required=True)
    confirmed = RegistrationFactory(event=pending.event, full_name="Seated Person")
    walk_in = RegistrationFactory(event=pending.event, status=Status.WAITING, email="")
    page = run(staff_client, CHANGELIST, "decline", [pending, confirmed, walk_in])
    html = page.content.decode()
    assert "Message to the person (optional)" in html and "<textarea" in html
    assert "2 registrations will be declined." in html
    assert "1 of the ticked registrations is left as it is." in html
    assert "1 of them has no email address and gets no email." in html
    assert 'name="with_message"' in html and 'name="_selected_action"' in html
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and not OutboxEmail.objects.exists()


def test_the_message_reaches_the_email_in_the_persons_language(
    staff_client, django_capture_on_commit_callbacks, run_worker
):
    person = RegistrationFactory(status=Status.WAITING, language="ru", full_name="Иван Петров")
    with django_capture_on_commit_callbacks(execute=True):
        response = run(staff_client, CHANGELIST, "decline", [person], with_message="1",
                       message=MESSAGE)  # fmt: skip
    assert "1 registration declined." in response.content.decode()
    person.refresh_from_db()
    assert person.status == Status.DECLINED and person.staff_message == MESSAGE
    run_worker()
    [sent] = mail.outbox
    assert "Сообщение от организаторов:" in sent.body
    assert "организаторы не смогли принять" in sent.body  # the email's own words, in Russian
    assert MESSAGE in sent.body  # exactly as written: plain text, nothing interpreted
    assert "A message from the organisers" not in sent.body
    html_part = OutboxEmail.objects.get().html
    assert "<script>" not in html_part  # the HTML part escapes it, line breaks kept
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_part
    assert "Сообщение от организаторов:" in html_part and "planned.<br>" in html_part
    # Kept for the audit: on the registration's history, with who wrote it; and in the log.
    latest = person.history.first()
    assert latest.staff_message == MESSAGE and latest.history_user.username == "staff"
    entry = LogEntry.objects.get(object_id=str(person.pk))
    assert "message from staff" in entry.get_change_message()
    # The person's page shows it too, escaped.
    page = staff_client.get(person.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_an_empty_message_is_fine(staff_client, django_capture_on_commit_callbacks, run_worker):
    person = RegistrationFactory(status=Status.PENDING, language="az")
    with django_capture_on_commit_callbacks(execute=True):
        run(staff_client, CHANGELIST, "decline", [person], with_message="1", message="  ")
    person.refresh_from_db()
    assert person.status == Status.DECLINED and person.staff_message == ""
    run_worker()
    [sent] = mail.outbox
    assert "Təşkilatçıların mesajı" not in sent.body and "organisers:" not in sent.body


def test_cancelling_from_the_workspace_with_a_message(
    role_client, django_capture_on_commit_callbacks, run_worker
):
    from portal.roles import EVENT_MANAGERS

    client = role_client(EVENT_MANAGERS)
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event, language="az")
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    workspace = reverse("admin:events_event_workspace", args=[event.pk])
    asked = client.post(workspace, {"action": "cancel", "ids": [holder.pk], "next": workspace})
    assert f'name="next" value="{workspace}"' in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = run(client, workspace, "cancel", [holder], with_message="1",
                       message="Zal təmirdədir.", next=workspace)  # fmt: skip
    assert response.redirect_chain[-1][0] == workspace
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    run_worker()
    [cancelled] = [m for m in mail.outbox if m.to == [holder.email]]
    assert "Zal təmirdədir." in cancelled.body
    assert "Təşkilatçılar" in cancelled.body  # "the organisers have cancelled", in Azerbaijani
    assert "Thank you for letting us know" not in cancelled.body
    assert cancelled.attachments  # the calendar file that removes the entry


def test_a_too_long_message_is_refused_and_changes_nothing(staff_client):
    person = RegistrationFactory(status=Status.PENDING)
    response = run(staff_client, CHANGELIST, "decline", [person], with_message="1",
                   message="x" * (STAFF_MESSAGE_MAX_LENGTH + 1))  # fmt: skip
    assert "Ensure this value has at most" in response.content.decode()
    person.refresh_from_db()
    assert person.status == Status.PENDING
    with pytest.raises(services.RegistrationError, match="too long"):
        services.decline_registration(registration=person, message="x" * 5000)


def test_nothing_to_decline_says_so(staff_client):
    person = RegistrationFactory()
    response = run(staff_client, CHANGELIST, "decline", [person])
    assert "Only pending or waiting registrations can be declined." in response.content.decode()


def test_erasure_removes_the_message_everywhere():
    person = RegistrationFactory(status=Status.PENDING)
    services.decline_registration(registration=person, message="Dear Ivan Petrov, sorry.")
    services.erase_personal_data(registration=person)
    person.refresh_from_db()
    assert person.staff_message == ""
    assert not person.history.exclude(staff_message="").exists()
