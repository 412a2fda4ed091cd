"""Emails to registrants, through an outbox so that a failing mail server loses nothing.

An email is written to the OutboxEmail table in the same transaction as the change it
reports. After commit we try to send it at once; if that fails it stays queued and
``manage.py send_outbox`` (run by cron) retries it with a growing delay.
"""

import datetime
import logging

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.models import SiteProfile

from .ics import build_calendar
from .models import Event, OutboxEmail, Registration

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = datetime.timedelta(hours=6)
# How long a worker owns an email it is sending before another may retry it.
SEND_LEASE = datetime.timedelta(minutes=10)

SUBJECTS = {
    "confirmed": _("Your registration is confirmed: %(event)s"),
    "waiting": _("You are on the waiting list: %(event)s"),
    "pending": _("We received your registration: %(event)s"),
    "promoted": _("A seat is now yours: %(event)s"),
    "declined": _("Your registration was not accepted: %(event)s"),
    "cancelled": _("Your registration is cancelled: %(event)s"),
    "reminder": _("Reminder: %(event)s starts soon"),
    "event_changed": _("Changed time or place: %(event)s"),
    "event_cancelled": _("Event cancelled: %(event)s"),
    "link": _("Your registration: %(event)s"),
}
# Kinds that carry the event's calendar file.
WITH_CALENDAR = {"confirmed", "waiting", "promoted", "reminder", "event_changed", "event_cancelled"}


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes between attempts, at most six hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def queue_registration_email(registration: Registration, kind: str) -> OutboxEmail | None:
    """Write the email to the outbox in the registrant's language; send it after commit."""
    if not registration.email:
        return None  # walk-ins may have no address
    event: Event = registration.event
    with translation.override(registration.language), timezone.override(event.zone):
        base_url = settings.PORTAL_BASE_URL
        context = {
            "kind": kind,
            "registration": registration,
            "event": event,
            "event_title": event.translated("title"),
            "event_url": base_url + event.get_absolute_url(),
            "registration_url": base_url + registration.get_absolute_url(),
            "site_profile_name": SiteProfile.current().translated("name"),
        }
        subject = str(SUBJECTS[kind]) % {"event": context["event_title"]}
        body = render_to_string("events/email/registration.txt", context)
        attachments = []
        if kind in WITH_CALENDAR:
            content = build_calendar([event], base_url=base_url).decode()
            attachments.append(
                {"filename": "event.ics", "content": content, "mimetype": "text/calendar"}
            )
    email = OutboxEmail.objects.create(
        to=registration.email,
        subject=subject[:300],
        body=body,
        attachments=attachments,
        language=registration.language,
        registration=registration,
    )
    transaction.on_commit(lambda: _deliver_after_commit(email.pk))
    return email


def _message(email: OutboxEmail) -> mail.EmailMessage:
    message = mail.EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Content-Language": email.language},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _deliver_after_commit(pk: int) -> None:
    try:
        deliver_outbox_email(pk)
    except Exception:  # the change is committed; the email stays queued for send_outbox
        logger.exception("Could not deliver email %s after commit", pk)


def retry_outbox_emails(*, emails) -> tuple[int, int]:
    """Staff asked to try the given unsent emails again now (also ones that were given up).
    Returns (sent, still waiting)."""
    pks = list(emails.exclude(status=OutboxEmail.Status.SENT).values_list("pk", flat=True))
    OutboxEmail.objects.filter(pk__in=pks).update(
        status=OutboxEmail.Status.QUEUED, next_attempt_at=timezone.now()
    )
    sent = sum(deliver_outbox_email(pk) for pk in pks)
    return sent, len(pks) - sent


def deliver_outbox_email(pk: int) -> bool:
    """Try to send one queued email now. True when it went out; failures stay queued."""
    now = timezone.now()
    # Claim the email with one conditional UPDATE (a lease), so that two workers never
    # send it twice, and no database lock is held while we talk to the mail server.
    claimed = OutboxEmail.objects.filter(
        pk=pk, status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now
    ).update(next_attempt_at=now + SEND_LEASE)
    if not claimed:
        return False
    email = OutboxEmail.objects.get(pk=pk)
    email.attempts += 1
    try:
        mail.mailers.default.send_messages([_message(email)])
    except Exception as error:  # any mail-server failure keeps the email queued
        logger.warning("Email %s failed: %s", email.pk, error)
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            email.status = OutboxEmail.Status.FAILED
        email.next_attempt_at = timezone.now() + backoff(email.attempts)
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False
    email.status = OutboxEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return True


def deliver_due_emails(
    *, now: datetime.datetime | None = None, limit: int = 500
) -> tuple[int, int]:
    """Send the queued emails whose time has come. Returns (sent, failed)."""
    sent = failed = 0
    for pk in OutboxEmail.objects.due(now).values_list("pk", flat=True)[:limit]:
        if deliver_outbox_email(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed
