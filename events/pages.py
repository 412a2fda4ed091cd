"""What the public events pages need to render little and query little (issue 13).

The events list's cards are one fragment per worker, language, content generation
(portal.pagecache) and *card state*: for each event of the page its id, the seats left and
where the clock stands against its registration window and its end. Those are all a card
shows that no staff save announces (registrations change the seats; time opens and closes
registration and makes an event past), so a fragment under that key is right whenever the
key is. The rows are fetched (``LazyEvents``) only when the fragment is rendered.

What the list holds (which events on which page, how many, the months of the filter) changes
only with the content or when the clock passes a moment of some public event (registration
opens or closes, an event ends): ``list_data`` keeps it in the worker's memory under the
generation and the next such moment (``next_moment``), so it is exact and costs no query
until one of them changes. Only the seat counts are read on every request, in one small
query (``confirmed_counts``).
"""

import copy
import datetime

from django.db import connection
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from agreements.models import Agreement
from portal.fragments import LocalFragments
from portal.models import NewsArticle
from portal.pagecache import generation

from .models import Event, Registration

# What list_data keeps: a few entries per list, filter and page visited.
_list_data = LocalFragments(max_entries=512)
_next_moments: dict[str, tuple[str, datetime.datetime | None, datetime.datetime]] = {}


def next_moment(now: datetime.datetime) -> datetime.datetime | None:
    """The next moment, from ``now`` on, at which the clock changes something the events
    list shows: a public event's registration opens or closes, or it ends (None: none to
    come). One query per content generation and such moment, per worker."""
    current = generation()
    found = _next_moments.get("list")
    if found and found[0] == current and found[2] <= now and (found[1] is None or now < found[1]):
        return found[1]
    moments = Event.objects.public().aggregate(
        opens=Min("registration_opens_at", filter=Q(registration_opens_at__gte=now)),
        closes=Min(
            Coalesce("registration_closes_at", "starts_at"),
            filter=Q(registration_closes_at__gte=now)
            | Q(registration_closes_at__isnull=True, starts_at__gte=now),
        ),
        ends=Min("ends_at", filter=Q(ends_at__gte=now)),
    )
    moment = min((value for value in moments.values() if value is not None), default=None)
    _next_moments["list"] = (current, moment, now)
    return moment


def list_data(key: tuple, compute):
    """``compute()``, kept in the worker's memory for the content generation and until the
    clock's next moment (``next_moment``): what the events list derives from its query."""
    full_key = (generation(), next_moment(timezone.now()), *key)
    value = _list_data.get(full_key)
    if value is None:
        value = compute()
        _list_data.set(full_key, value)
    return value


class LazyQuery:
    """A queryset (or a slice of one) built on first use: a warm list page, whose data
    list_data keeps, builds none. Ordered, as the paginator wants the lists to be."""

    ordered = True

    def __init__(self, build):
        self._build = build

    @cached_property
    def queryset(self):
        return self._build()

    def __getitem__(self, key):
        return LazyQuery(lambda: self.queryset[key])

    def count(self) -> int:
        return self.queryset.count()

    def __getattr__(self, name):
        return getattr(self.queryset, name)


def confirmed_counts(ids) -> dict[int, int]:
    """The confirmed registrations of the events ``ids``: one query over the (event, status)
    index, written out so that it costs no query compilation."""
    if not ids:
        return {}
    ids = [int(pk) for pk in ids]
    placeholders = ", ".join(["%s"] * len(ids))  # only placeholders go into the text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, COUNT(*) FROM events_registration"  # noqa: S608
            f" WHERE event_id IN ({placeholders}) AND status = %s GROUP BY event_id",
            [*ids, Registration.Status.CONFIRMED.value],
        )
        return dict(cursor.fetchall())


CARD_STATE_FIELDS = (
    "pk",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "starts_at",
    "ends_at",
)


def clock_state(event, now: datetime.datetime) -> str:
    """Where ``now`` stands against what the clock changes on an event's card and page:
    before registration opens, after it closes, after the event ends ("100" …). With the
    event's content (the generation) and its seats left this decides its registration state
    (Event.registration_state) and whether it is past."""
    opens, closes, ends = event
    return "".join(
        (
            "1" if opens and now < opens else "0",
            "1" if now >= closes else "0",
            "1" if ends < now else "0",
        )
    )


def seats_left(capacity: int | None, confirmed: int) -> int | None:
    return None if capacity is None else max(capacity - confirmed, 0)


def page_rows(page_events) -> list[tuple]:
    """What card_states needs of the events of a page (a sliced queryset), in its order."""
    return list(page_events.values_list(*CARD_STATE_FIELDS))


def card_states(rows) -> list[tuple[int, int, str]]:
    """(id, confirmed count, card state) of the events of ``rows`` (page_rows)."""
    now = timezone.now()
    counts = confirmed_counts([row[0] for row in rows])
    states = []
    for pk, capacity, opens, closes, starts, ends in rows:
        confirmed = counts.get(pk, 0)
        clock = clock_state((opens, closes or starts, ends), now)
        states.append((pk, confirmed, f"{seats_left(capacity, confirmed)}:{clock}"))
    return states


def cards_key(states) -> str:
    return ",".join(f"{pk}:{state}" for pk, _confirmed, state in states)


class LazyEvents:
    """The events of ``states`` in their order, with their confirmed count as the card
    state query found it, fetched on first use: a page whose cards fragment is cached never
    fetches them."""

    def __init__(self, states):
        self.states = states

    @cached_property
    def events(self) -> list[Event]:
        found = Event.objects.in_bulk([pk for pk, _confirmed, _state in self.states])
        events = []
        for pk, confirmed, _state in self.states:
            if pk in found:
                event = found[pk]
                event.n_confirmed = confirmed  # what Event.confirmed_count reads
                events.append(event)
        return events

    def __iter__(self):
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __bool__(self) -> bool:
        return bool(self.states)


# ---- the event page ----------------------------------------------------------------------

# What an event page derives from the content: the event (with its sectors) and its related
# news and agreements, per worker, kept for the generation (and until a scheduled related
# article is due).
_event_pages = LocalFragments(max_entries=512)


class EventPage:
    """The event of a page and what it shows beside it. ``event`` is this request's own copy
    (its registration state is computed for now), with its confirmed count read live."""

    def __init__(self, event: Event, related_news: list, related_agreements: list):
        self.event = event
        self.related_news = related_news
        self.related_agreements = related_agreements

    @property
    def related_key(self) -> str:
        return ",".join(str(article.pk) for article in self.related_news)


def _remembered_page(slug: str, *, staff: bool) -> tuple:
    """(event, related news, related agreements, until), shared by the worker's requests:
    the caller copies the event before it gives it any state of its own."""
    now = timezone.now()
    key = (generation(), slug, staff)
    found = _event_pages.get(key)
    if found is None or (found[3] is not None and now >= found[3]):
        found = _load_event_page(slug, staff=staff)
        _event_pages.set(key, found)
    return found


def event_page(slug: str, *, staff: bool) -> EventPage:
    """The event ``slug`` as its page shows it to the public (drafts: 404) or to staff."""
    event, related_news, related_agreements, _until = _remembered_page(slug, staff=staff)
    event = copy.copy(event)  # the shared one never holds a request's state
    event.n_confirmed = confirmed_counts([event.pk]).get(event.pk, 0)
    return EventPage(event, related_news, related_agreements)


def registration_event(slug: str, *, staff: bool) -> Event:
    """The event a registration form is posted to, as the worker remembers it for the
    content generation (no query when warm; drafts: 404 except for staff). What decides a
    registration (its status, window and seats) is read again under the event's lock by
    events.services.register_attendee: this copy serves the form and the early refusal."""
    return copy.copy(_remembered_page(slug, staff=staff)[0])


def _load_event_page(slug: str, *, staff: bool) -> tuple:
    events = Event.objects.prefetch_related("sectors")
    event = (events if staff else events.public()).filter(slug=slug).first()
    if event is None:
        raise Http404("No such event.")
    articles = NewsArticle.objects.filter(events=event)
    related_news = list(articles.published()[:3])
    # Kept until the next of its scheduled articles is due (no save announces that).
    until = articles.scheduled().values_list("publish_at", flat=True).first()
    related_agreements = list(Agreement.objects.public().filter(events=event))
    return event, related_news, related_agreements, until
