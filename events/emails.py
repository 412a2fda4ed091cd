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
    "cancelled_by_staff": _("Your registration is cancelled: %(event)s"),
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
    "cancelled_by_staff",
    "event_cancelled",
}
# Kinds whose email carries what staff wrote to the person (Registration.staff_message).
WITH_STAFF_MESSAGE = {"declined", "cancelled_by_staff"}


def queue_registration_email(registration: Registration, kind: str) -> OutboxEmail | None:
    """Write the email to the outbox in the registrant's language; the worker sends it after
    commit."""
    if not registration.email:
        return None  # walk-ins may have no address
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
            "staff_message": registration.staff_message if kind in WITH_STAFF_MESSAGE else "",
        }
        subject = str(SUBJECTS[kind]) % {"event": context["event_title"]}
        body = render_to_string("events/email/registration.txt", context)
        attachments = []
        if kind in WITH_CALENDAR:
            cancelled = kind in ("cancelled", "cancelled_by_staff")
            content = build_calendar([event], base_url=base_url, cancelled=cancelled).decode()
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
    schedule_delivery(email.pk)
    return email


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
