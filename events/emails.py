"""Emails to registrants, through an outbox so that a failing mail server loses nothing.

An email is written to the OutboxEmail table in the same transaction as the change it
reports; after commit the task worker delivers it and retries failures with a growing delay
(``events.outbox``).

Each email is rendered in one place (``render_registration_email``,
``render_message_email``), in the registrant's language and the event's zone: a plain-text
part and an HTML part (templates/events/email/, CSS inlined by css-inline, since mail clients
drop <style>), the event's calendar file for the kinds that give a seat, and the ticket's QR
image, inline, for the kinds that confirm one. Nothing in an email is loaded from the web.
"""

import base64
import dataclasses

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.languages import column
from portal.models import SiteProfile
from portal.validators import one_line

from . import tickets
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
# What each kind of email says first (in both parts).
INTRODUCTIONS = {
    "confirmed": _("Your registration is confirmed. We look forward to seeing you."),
    "waiting": _(
        "The event is full, so you are on the waiting list. If a seat frees up, it goes to the "
        "first person on the list and we email you at once."
    ),
    "pending": _(
        "We received your registration. The organisers confirm each registration; we will "
        "email you their decision."
    ),
    "promoted": _(
        "Good news: a seat has freed up and it is now yours. Your registration is confirmed."
    ),
    "declined": _(
        "We are sorry: the organisers could not accept your registration for this event."
    ),
    "cancelled": _("Your registration is cancelled. Thank you for letting us know."),
    "reminder": _("This is a reminder: the event starts soon. We look forward to seeing you."),
    "event_changed": _(
        "The time or place of the event has changed. Please see the new details below; the "
        "attached calendar file updates your calendar."
    ),
    "event_cancelled": _("We are sorry: the event has been cancelled."),
    "link": _(
        "Here is your registration for this event, with your personal link. If you did not ask "
        "for it, you can ignore this email: nothing has changed."
    ),
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
# Kinds that carry the ticket (code and QR image) of a confirmed registration.
WITH_TICKET = {"confirmed", "promoted", "reminder"}

# No <link> is followed: the templates hold their own CSS, and nothing comes from the web.
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclasses.dataclass(frozen=True)
class RenderedEmail:
    """An email ready for the outbox: the two parts and the attachments (calendar files and
    inline images, as OutboxEmail.attachments stores them)."""

    subject: str
    body: str
    html: str
    attachments: list[dict]
    language: str


def render_registration_email(registration: Registration, kind: str) -> RenderedEmail:
    """The email of ``kind`` (a key of SUBJECTS) about ``registration``, in its language."""
    event: Event = registration.event
    language = registration.language
    with translation.override(language), timezone.override(event.zone):
        context = _context(registration, event)
        subject = str(SUBJECTS[kind]) % {"event": event.title}
        context.update(kind=kind, subject=subject, introduction=INTRODUCTIONS[kind])
        attachments = []
        if kind in WITH_TICKET and registration.has_ticket:
            image = _ticket_image(registration.ticket_code)
            attachments.append(image)
            context["ticket_cid"] = image["content_id"]
        body = render_to_string("events/email/registration.txt", context)
        html = _inliner.inline(render_to_string("events/email/registration.html", context))
        if kind in WITH_CALENDAR:
            cancelled = kind == "cancelled"
            content = build_calendar([event], cancelled=cancelled).decode()
            attachments.append(
                {"filename": "event.ics", "content": content, "mimetype": "text/calendar"}
            )
    return RenderedEmail(subject[:300], body, html, attachments, language)


def render_message_email(
    registration: Registration, message: EventMessage, language: str
) -> RenderedEmail:
    """A message from staff (EventMessage) to one registrant, in ``language`` (one the
    message is written in)."""
    event: Event = registration.event
    with translation.override(language), timezone.override(event.zone):
        subject = one_line(getattr(message, column("subject", language)))[:300]
        context = _context(registration, event)
        context.update(subject=subject, text=getattr(message, column("body", language)))
        body = render_to_string("events/email/message.txt", context)
        html = _inliner.inline(render_to_string("events/email/message.html", context))
    return RenderedEmail(subject, body, html, [], language)


def _context(registration: Registration, event: Event) -> dict:
    base_url = settings.PORTAL_BASE_URL
    profile = SiteProfile.current()
    return {
        "registration": registration,
        "event": event,
        "event_title": event.title,
        "event_url": base_url + event.get_absolute_url(),
        "registration_url": base_url + registration.get_absolute_url(),
        "site_profile": profile,
        "site_profile_name": profile.name,
    }


def _ticket_image(code: str) -> dict:
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    return {
        "filename": f"ticket-{tickets.display(code)}.png",
        "content": base64.b64encode(tickets.qr_png(code, scale=6)).decode(),
        "mimetype": "image/png",
        "content_id": f"ticket.{code}@{host or 'localhost'}",
    }


def _queue(registration: Registration, rendered: RenderedEmail) -> OutboxEmail:
    email = OutboxEmail.objects.create(
        to=registration.email,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
        attachments=rendered.attachments,
        language=rendered.language,
        registration=registration,
    )
    schedule_delivery(email.pk)
    return email


def queue_registration_email(registration: Registration, kind: str) -> OutboxEmail | None:
    """Write the email to the outbox in the registrant's language; the worker sends it after
    commit."""
    if not registration.email:
        return None  # walk-ins may have no address
    return _queue(registration, render_registration_email(registration, kind))


def queue_message_email(registration: Registration, message: EventMessage, language: str):
    """Write a message from staff (EventMessage) to one registrant, in ``language``; the
    worker sends it after commit."""
    return _queue(registration, render_message_email(registration, message, language))
