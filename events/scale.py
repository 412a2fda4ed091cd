"""Scale data for the benchmark: events and their registrations (bulk inserts).

Called by ``python manage.py load_scale_data`` with its options; returns name -> rows created.
Registrations never exceed an event's capacity, as the registration service guarantees.
"""

import datetime
import random

from django.utils import timezone

from portal.models import Sector
from portal.scale import BATCH, TOPICS, sentences

from .models import Event, Registration

CITIES = ["Astrakhan", "Baku", "Sumgait", "Olya", "Ganja", "Lankaran"]


def load(*, options: dict) -> dict[str, int]:
    rng = random.Random(options.get("seed", 1))
    events = load_events(rng, count=options.get("events", 1_000))
    registrations = load_registrations(rng, events, count=options.get("registrations", 100_000))
    return {"events": len(events), "registrations": registrations}


def load_events(rng: random.Random, *, count: int) -> list[Event]:
    """Two thirds in the past five years, one third in the coming year."""
    pool = sentences()
    sectors = list(Sector.objects.all())
    now = timezone.now()
    start = Event.objects.count()
    kinds = Event.Kind.values
    rows = []
    for i in range(count):
        n = start + i
        topic = rng.choice(TOPICS)
        if rng.random() < 2 / 3:
            starts = now - datetime.timedelta(minutes=rng.randint(1440, 5 * 365 * 1440))
        else:
            starts = now + datetime.timedelta(minutes=rng.randint(60, 365 * 1440))
        rows.append(
            Event(
                title=f"{topic.capitalize()} in {rng.choice(CITIES)} #{n}",
                title_ru=f"Мероприятие «{topic}» № {n}",
                slug=f"scale-event-{n}",
                kind=rng.choice(kinds),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=rng.choice([2, 3, 8, 26])),
                venue_name="Business Centre",
                venue_address=rng.choice(CITIES),
                description="\n\n".join(rng.sample(pool, k=min(3, len(pool)))),
                capacity=rng.choice([None, 50, 100, 200, 300]),
                status=Event.Status.DRAFT if rng.random() < 0.05 else Event.Status.PUBLISHED,
            )
        )
    created = Event.objects.bulk_create(rows, batch_size=BATCH)
    through = Event.sectors.through
    through.objects.bulk_create(
        [
            through(event_id=event.pk, sector_id=sector.pk)
            for event in created
            for sector in rng.sample(sectors, k=min(rng.randint(1, 2), len(sectors)))
        ],
        batch_size=BATCH,
    )
    return created


def load_registrations(rng: random.Random, events: list[Event], *, count: int) -> int:
    """Spread ``count`` registrations over the events; full events get a waiting list."""
    if not events:
        return 0
    confirmed = dict.fromkeys((event.pk for event in events), 0)
    statuses = Registration.Status
    created = 0
    while created < count:
        rows = []
        for i in range(min(BATCH, count - created)):
            n = created + i
            event = events[rng.randrange(len(events))]
            status = statuses.CANCELLED if rng.random() < 0.08 else statuses.CONFIRMED
            if status == statuses.CONFIRMED:
                if event.capacity is not None and confirmed[event.pk] >= event.capacity:
                    status = statuses.WAITING
                else:
                    confirmed[event.pk] += 1
            rows.append(
                Registration(
                    event=event,
                    full_name=f"Participant {n}",
                    email=f"participant{n}@example.org",
                    organisation=rng.choice(["Caspian Trade LLC", "Port of Olya", "AzExport"]),
                    position="Manager",
                    consent=True,
                    consent_at=event.starts_at - datetime.timedelta(days=3),
                    status=status,
                    created_at=event.starts_at - datetime.timedelta(days=rng.randint(1, 30)),
                    checked_in_at=(
                        event.starts_at
                        if status == statuses.CONFIRMED and event.is_past and rng.random() < 0.7
                        else None
                    ),
                )
            )
        Registration.objects.bulk_create(rows)
        created += len(rows)
    return created
