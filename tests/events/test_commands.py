import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from agreements.demo import AGREEMENT_SLUG
from events.demo import NEARLY_FULL_SLUG, OPENING_SLUG
from events.models import Event, OutboxEmail, Registration
from portal.demo import FOUNDING_ARTICLE_SLUG
from portal.models import Page
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_send_event_reminders_sends_each_reminder_once(
    capsys, django_capture_on_commit_callbacks, run_worker
):
    soon = EventFactory(starts_at=timezone.now() + datetime.timedelta(hours=23))
    RegistrationFactory(event=soon, email="soon@example.org", language="ru")
    RegistrationFactory(event=EventFactory(starts_at=timezone.now() + datetime.timedelta(days=2)))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders")
    assert "Queued 1 reminder(s); the worker sends them." in capsys.readouterr().out
    assert mail.outbox == []
    assert run_worker() == 1
    [message] = mail.outbox
    assert message.to == ["soon@example.org"] and message.subject.startswith("Напоминание")
    assert message.attachments[0][0] == "event.ics"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders")
    assert run_worker() == 0
    assert len(mail.outbox) == 1
    assert Registration.objects.get(email="soon@example.org").reminder_sent_at is not None


def test_send_outbox_sends_due_emails_once(capsys):
    OutboxEmail.objects.create(to="a@example.org", subject="Due", body="Hello")
    OutboxEmail.objects.create(
        to="b@example.org",
        subject="Later",
        body="Hello",
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    call_command("send_outbox")
    assert "Sent 1 email(s)" in capsys.readouterr().out
    assert [m.subject for m in mail.outbox] == ["Due"]
    call_command("send_outbox")
    assert len(mail.outbox) == 1


def test_demo_events_are_loaded_once():
    call_command("load_demo")
    opening = Event.objects.get(slug=OPENING_SLUG)
    assert opening.starts_at.astimezone(opening.zone).date() == datetime.date(2021, 12, 7)
    assert opening.is_past
    assert list(opening.related_news.values_list("slug", flat=True)) == [FOUNDING_ARTICLE_SLUG]
    nearly_full = Event.objects.with_seat_counts().get(slug=NEARLY_FULL_SLUG)
    assert nearly_full.seats_left == 1 and nearly_full.waiting_list_enabled
    assert nearly_full.starts_at > timezone.now()
    assert all(
        email.endswith("@example.org")
        for email in Registration.objects.values_list("email", flat=True)
    )
    assert Page.objects.filter(slug="privacy").exists()
    upcoming = Event.objects.public().upcoming().count()
    assert upcoming == 3
    counts = (Event.objects.count(), Registration.objects.count())
    call_command("load_demo")
    assert (Event.objects.count(), Registration.objects.count()) == counts
    assert not OutboxEmail.objects.exists()  # demo registrations send no email


def test_demo_opening_links_the_action_program():
    call_command("load_demo", verbosity=0)
    opening = Event.objects.get(slug=OPENING_SLUG)
    assert list(opening.related_agreements.values_list("slug", flat=True)) == [AGREEMENT_SLUG]
