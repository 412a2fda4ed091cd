"""The events section of the staff's start page (portal.backoffice): registrations awaiting
approval, emails not delivered, and events starting within a week that still have seats.
For event managers; each item only for those whose permissions cover it."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.backoffice import Attention, Link, Section
from portal.text import short_moment

from .models import Event, OutboxEmail, Registration

DETAILS = 5
SOON = datetime.timedelta(days=7)


def workspace_url(event_pk: int, status: str = "") -> str:
    url = reverse("admin:events_event_workspace", args=[event_pk])
    return f"{url}?status={status}" if status else url


def events_attention(request) -> Section | None:
    user = request.user
    now = timezone.now()
    items = []
    if user.has_perm("events.change_registration"):
        items.append(_pending(now))
    if user.has_perm("events.view_outboxemail"):
        count = OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).count()
        items.append(
            Attention(
                key="undelivered-emails",
                label=ngettext("email not delivered", "emails not delivered", count),
                count=count,
                url=reverse("admin:events_outboxemail_changelist") + "?delivery=undelivered",
            )
        )
    if user.has_perm("events.view_event"):
        items.append(_starting_soon(now, with_workspace=user.has_perm("events.view_registration")))
    return Section(title=_("Events"), items=items) if items else None


def _pending(now) -> Attention:
    pending = Registration.objects.filter(
        status=Registration.Status.PENDING, event__ends_at__gte=now
    )
    per_event = (
        pending.order_by()
        .values("event", "event__starts_at")
        .annotate(n=Count("pk"))
        .order_by("event__starts_at", "event")
    )
    count = sum(row["n"] for row in per_event)
    titles = {event.pk: str(event) for event in Event.objects.filter(
        pk__in=[row["event"] for row in per_event[:DETAILS]]
    )}  # fmt: skip
    return Attention(
        key="pending-registrations",
        label=ngettext("registration awaiting approval", "registrations awaiting approval", count),
        count=count,
        url=reverse("admin:events_registration_changelist")
        + "?status__exact=pending&event_over=no",
        details=[
            Link(
                text=ngettext(
                    "%(event)s: %(count)d awaiting approval",
                    "%(event)s: %(count)d awaiting approval",
                    row["n"],
                )
                % {"event": titles[row["event"]], "count": row["n"]},
                url=workspace_url(row["event"], Registration.Status.PENDING),
            )
            for row in per_event[:DETAILS]
        ],
    )


def _starting_soon(now, *, with_workspace: bool) -> Attention:
    events = list(
        Event.objects.starting_soon(within=SOON, now=now).with_seat_counts().with_free_seats()
    )
    details = []
    for event in events[:DETAILS]:
        seats = (
            _("unlimited seats")
            if event.seats_left is None
            else ngettext("%(count)d seat left", "%(count)d seats left", event.seats_left)
            % {"count": event.seats_left}
        )
        url = (
            workspace_url(event.pk)
            if with_workspace
            else reverse("admin:events_event_change", args=[event.pk])
        )
        details.append(Link(text=f"{event} — {short_moment(event.starts_at)} · {seats}", url=url))
    return Attention(
        key="events-this-week",
        label=ngettext(
            "event within 7 days with seats left",
            "events within 7 days with seats left",
            len(events),
        ),
        count=len(events),
        url=reverse("admin:events_event_changelist") + "?when=week",
        details=details,
    )
