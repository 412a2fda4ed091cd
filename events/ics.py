"""iCalendar (RFC 5545) files for events. They never contain personal data."""

import datetime
import functools
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from portal.conditional import Validators, validators_for
from portal.text import render_markdown

from .models import Event

PRODID = "-//Business Centre Portal//Events//EN"


def _plain_text(markdown_text: str) -> str:
    return strip_tags(str(render_markdown(markdown_text))).strip()


def event_component(event: Event, *, base_url: str, cancelled: bool = False) -> icalendar.Event:
    """The event as a VEVENT; ``cancelled`` marks it cancelled (for one registrant's copy)."""
    vevent = icalendar.Event()
    # The UID names the site, not the address a file was fetched from, so that the copy in
    # the email and the downloaded copy update one calendar entry.
    site = settings.PORTAL_BASE_URL.split("://", 1)[-1].strip("/").split("/")[0] or "localhost"
    vevent.add("uid", f"event-{event.pk}@{site}")
    vevent.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(event.zone))
    vevent.add("dtend", event.ends_at.astimezone(event.zone))
    vevent.add("summary", event.title)
    url = base_url.rstrip("/") + event.get_absolute_url()
    vevent.add("url", url)
    location = event.place or event.online_url
    if location:
        vevent.add("location", location)
    description = _plain_text(event.description)
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    vevent.add("description", f"{description}\n\n{url}".strip())
    vevent.add("sequence", event.sequence)
    cancelled = cancelled or event.status == Event.Status.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def build_calendar(
    events: Iterable[Event], *, base_url: str | None = None, cancelled: bool = False
) -> bytes:
    base_url = base_url or settings.PORTAL_BASE_URL
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for event in events:
        calendar.add_component(event_component(event, base_url=base_url, cancelled=cancelled))
    # As calendar.add_missing_timezones(), with each zone's VTIMEZONE built once per process:
    # building one walks decades of UTC offsets (about 50 ms, half of a registration's time,
    # since every confirmation email carries a calendar file).
    for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        component = _timezone_component(tzid)
        if component is not None:
            calendar.subcomponents.insert(position, component)
    return calendar.to_ical()


@functools.lru_cache(maxsize=64)
def _timezone_component(tzid: str) -> icalendar.Timezone | None:
    try:
        return icalendar.Timezone.from_tzid(tzid)
    except ValueError:
        return None


def calendar_validators(request, slug: str = "", **kwargs) -> Validators:
    """The calendar files' conditional-GET validators (portal.conditional): one event's, or
    those of all upcoming events."""
    events = Event.objects.public()
    events = events.filter(slug=slug) if slug else events.upcoming()
    return validators_for(request, "calendar", events, "updated_at")
