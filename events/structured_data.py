"""An event as schema.org ``Event`` data (JSON-LD on its page, portal.sharing)."""

from django.urls import reverse

from portal import sharing
from portal.text import summary_text

from .models import Event

SCHEMA = "https://schema.org/"
State = Event.RegistrationState

# What the registration box says, as an offer's availability.
AVAILABILITY = {
    State.OPEN: "InStock",
    State.WAITING_LIST: "SoldOut",
    State.FULL: "SoldOut",
    State.NOT_YET_OPEN: "PreOrder",
    State.CLOSED: "OutOfStock",
    State.CANCELLED: "Discontinued",
    State.UNAVAILABLE: "Discontinued",
}
# An open event with this share of its seats left, or fewer, is "limited availability".
LIMITED_SHARE = 0.1
LIMITED_SEATS = 5


def availability(event: Event) -> str:
    state = event.current_registration_state
    seats_left = event.seats_left
    few = seats_left is not None and seats_left <= max(
        LIMITED_SEATS, event.capacity * LIMITED_SHARE
    )
    if state == State.OPEN and few:
        return SCHEMA + "LimitedAvailability"
    return SCHEMA + AVAILABILITY[state]


def attendance_mode(event: Event) -> str:
    if event.online_url and event.place:
        return SCHEMA + "MixedEventAttendanceMode"
    if event.online_url:
        return SCHEMA + "OnlineEventAttendanceMode"
    return SCHEMA + "OfflineEventAttendanceMode"


def locations(event: Event) -> list[dict]:
    found = []
    if event.place:
        found.append(
            {
                "@type": "Place",
                "name": event.venue_name or event.venue_address,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.venue_address or event.venue_name,
                },
            }
        )
    if event.online_url:
        found.append({"@type": "VirtualLocation", "url": event.online_url})
    return found


def event_data(event: Event, *, request, site_profile, image: dict) -> dict:
    """schema.org Event: dates with the offset of the event's own zone, where (a place, an
    online link or both), whether it is cancelled, and registration as a free offer whose
    availability follows the seat state. ``image`` is the page's preview image."""
    zone = event.zone
    url = request.build_absolute_uri(event.get_absolute_url())
    # The offer leads to the form while it takes (or will take) registrations.
    registers = event.accepts_registrations or (
        event.current_registration_state == State.NOT_YET_OPEN
    )
    offer = {
        "@type": "Offer",
        "url": request.build_absolute_uri(reverse("events:register", args=[event.slug]))
        if registers
        else url,
        "price": 0,
        "availability": availability(event),
    }
    if event.registration_opens_at:
        offer["validFrom"] = event.registration_opens_at.astimezone(zone).isoformat()
    organisers = [sharing.publisher(request, site_profile)]
    organisers += [
        {"@type": "Organization", "name": name.strip()}
        for name in event.organisers.split(",")
        if name.strip() and name.strip() != site_profile.name
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": summary_text(event.description, 300),
        "url": url,
        "image": [image["url"]],
        "startDate": event.starts_at.astimezone(zone).isoformat(),
        "endDate": event.ends_at.astimezone(zone).isoformat(),
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == Event.Status.CANCELLED else "EventScheduled"),
        "eventAttendanceMode": attendance_mode(event),
        "isAccessibleForFree": True,
        "inLanguage": event.language_of("description"),
        "organizer": organisers,
        "offers": offer,
    }
    where = locations(event)
    if where:
        data["location"] = where[0] if len(where) == 1 else where
    return data
