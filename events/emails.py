"""Emails to registrants, through an outbox so that a failing mail server loses nothing.

An email is written to the OutboxEmail table in the same transaction as the change it
reports; after commit the task worker delivers it and retries failures with a growing delay
(``events.outbox``).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.languages import column
from portal.models import SiteProfile
from portal.validators import one_line

from .ics import build_calendar
from .models import Event, EventMessage, OutboxEmail, Registration
from .outbox import schedule_delivery

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
# Kinds that carry the event's calendar file: people with a seat get the event into their
# calendar and keep it up to date; people waiting or awaiting approval get none. A
# cancellation's file cancels the entry (same UID, STATUS:CANCELLED).
WITH_CALENDAR = {
    "confirmed",
    "promoted",
    "reminder",
    "event_changed",
    "cancelled",
    "event_cancelled",
}


def queue_registration_email(
    registration: Registration, kind: str, *, render: bool = True
) -> OutboxEmail | None:
    """Write the email to the outbox in the registrant's language; the worker sends it after
    commit. With ``render=False`` only the address, the kind and the registration are written
    (one short INSERT, for a transaction that holds a lock): the worker writes the subject,
    text and calendar file just before sending (``render_queued_email``)."""
    if not registration.email:
        return None  # walk-ins may have no address
    fields = _rendered(registration, kind) if render else {}
    email = OutboxEmail.objects.create(
        to=registration.email,
        kind=kind,
        language=registration.language,
        registration=registration,
        **fields,
    )
    schedule_delivery(email.pk)
    return email


def render_queued_email(email: OutboxEmail) -> OutboxEmail:
    """Write the subject, text and calendar file of an email queued with ``render=False``,
    from its registration and event as they are now (once: a rendered email is left as it
    is). Called by the worker before sending."""
    if email.subject or not email.kind or email.registration_id is None:
        return email
    registration = Registration.objects.select_related("event").get(pk=email.registration_id)
    fields = _rendered(registration, email.kind)
    OutboxEmail.objects.filter(pk=email.pk, subject="").update(**fields)
    for name, value in fields.items():
        setattr(email, name, value)
    return email


def _rendered(registration: Registration, kind: str) -> dict:
    """The subject, text and attachments of a registration email of ``kind``."""
    event: Event = registration.event
    with translation.override(registration.language), timezone.override(event.zone):
        base_url = settings.PORTAL_BASE_URL
        context = {
            "kind": kind,
            "registration": registration,
            "event": event,
            "event_title": event.title,
            "event_url": base_url + event.get_absolute_url(),
            "registration_url": base_url + registration.get_absolute_url(),
            "site_profile_name": SiteProfile.current().name,
        }
        subject = str(SUBJECTS[kind]) % {"event": context["event_title"]}
        body = render_to_string("events/email/registration.txt", context)
        attachments = []
        if kind in WITH_CALENDAR:
            cancelled = kind == "cancelled"
            content = build_calendar([event], base_url=base_url, cancelled=cancelled).decode()
            attachments.append(
                {"filename": "event.ics", "content": content, "mimetype": "text/calendar"}
            )
    return {"subject": subject[:300], "body": body, "attachments": attachments}


def queue_message_email(registration: Registration, message: EventMessage, language: str):
    """Write a message from staff (EventMessage) to one registrant, in ``language`` (one the
    message is written in); the worker sends it after commit."""
    event: Event = registration.event
    with translation.override(language), timezone.override(event.zone):
        base_url = settings.PORTAL_BASE_URL
        context = {
            "registration": registration,
            "event": event,
            "event_title": event.title,
            "event_url": base_url + event.get_absolute_url(),
            "registration_url": base_url + registration.get_absolute_url(),
            "site_profile_name": SiteProfile.current().name,
            "text": getattr(message, column("body", language)),
        }
        body = render_to_string("events/email/message.txt", context)
    email = OutboxEmail.objects.create(
        to=registration.email,
        subject=one_line(getattr(message, column("subject", language)))[:300],
        body=body,
        language=language,
        registration=registration,
    )
    schedule_delivery(email.pk)
    return email
