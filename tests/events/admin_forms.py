"""What the admin's event form posts, for tests that save an event through the admin."""

import datetime

from django.utils import timezone

from events.models import Event


def wall_time(moment: datetime.datetime, event: Event) -> dict[str, str]:
    """The two boxes of a date-time field, as staff see them: in the event's own zone."""
    local = timezone.localtime(moment, event.zone)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def event_form(event: Event, **changes) -> dict:
    """The change form of ``event`` as shown, with ``changes``; no question rows."""
    data = {
        "title_en": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "description_en": event.description,
        "time_zone": event.time_zone,
        "venue_name_en": event.venue_name,
        "venue_address_en": event.venue_address,
        "capacity": event.capacity or "",
        "waiting_list_enabled": "on" if event.waiting_list_enabled else "",
        **questions_formset(),
    }
    for name in ("starts_at", "ends_at"):
        for box, value in wall_time(getattr(event, name), event).items():
            data[f"{name}_{box}"] = value
    data.update(changes)
    return data


def questions_formset(*rows: dict, initial: int = 0) -> dict:
    """The management form and rows of the event's question inline."""
    data = {
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"questions-{index}-{key}": value for key, value in row.items()})
    return data
