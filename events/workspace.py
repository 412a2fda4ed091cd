"""The event workspace: one admin page per event with everything an event manager needs.

Counts by status, a small chart of registrations per day, the registrations with their
status first and the actions on them, the event's undelivered emails, and links to the
check-in page and the public page. The actions are the registration admin's own
(``RegistrationAdmin.workspace_actions``, filtered by the staff member's permissions), so
they run the same services (events.services) and write the same log as in the change list;
a new registration action (messages to attendees, an XLSX export) appears here by adding its
name to that list.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME as ACTION_ROWS
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.lists import is_database_id

from . import services
from .delivery_errors import explain_email
from .models import Event, OutboxEmail, Registration

Status = Registration.Status
PER_PAGE = 100
CHART_DAYS = 60
CHART_BAR = 12
CHART_GAP = 4
CHART_HEIGHT = 100
CHART_TOP = 16  # room for the count above the tallest bar
CHART_BOTTOM = 18  # room for the dates under the bars

# The action a row offers as a button, by the registration's status (the others are in the
# bar above the list, for the ticked rows).
ROW_ACTIONS = {
    Status.PENDING: "approve",
    Status.WAITING: "confirm_from_waiting_list",
}


@dataclass(frozen=True)
class Counts:
    confirmed: int
    waiting: int
    pending: int
    cancelled: int
    declined: int
    checked_in: int
    walk_ins: int
    over_capacity: int  # confirmed walk-ins let in when every seat was taken
    capacity: int | None

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def seats_over(self) -> int:
        """People holding a seat beyond the capacity now (Event.seats_over)."""
        return 0 if self.capacity is None else max(self.confirmed - self.capacity, 0)

    @property
    def total(self) -> int:
        return self.confirmed + self.waiting + self.pending + self.cancelled + self.declined


def status_counts(event: Event) -> Counts:
    """Every count of the workspace in one query."""
    confirmed = Q(status=Status.CONFIRMED)
    figures = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=confirmed),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        checked_in=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=confirmed & Q(is_walk_in=True)),
        over_capacity=Count("pk", filter=confirmed & Q(over_capacity=True)),
    )
    return Counts(capacity=event.capacity, **figures)


@dataclass(frozen=True)
class Day:
    date: datetime.date
    count: int
    x: int
    y: int
    height: int

    @property
    def label(self) -> str:
        return date_format(self.date, "j M")

    @property
    def text_x(self) -> int:
        return self.x + CHART_BAR // 2

    @property
    def text_y(self) -> int:
        return self.y - 3


@dataclass(frozen=True)
class DailyChart:
    days: list[Day]
    most: int
    width: int
    height: int = CHART_TOP + CHART_HEIGHT + CHART_BOTTOM

    @property
    def axis_y(self) -> int:
        return CHART_TOP + CHART_HEIGHT

    @property
    def label_y(self) -> int:
        return self.axis_y + CHART_BOTTOM - 4

    @property
    def first(self) -> Day:
        return self.days[0]

    @property
    def last(self) -> Day:
        return self.days[-1]

    @property
    def busiest(self) -> Day:
        return max(self.days, key=lambda day: (day.count, day.date))


def registrations_per_day(event: Event, *, days: int = CHART_DAYS) -> DailyChart | None:
    """Registrations made per day (walk-ins left out: they did not register), in the
    event's time zone, over at most the last ``days`` days with registrations. None when
    nobody has registered yet. Bar geometry is computed here, so the template only draws."""
    per_day = dict(
        Registration.objects.filter(event=event, is_walk_in=False)
        .annotate(day=TruncDate("created_at", tzinfo=event.zone))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    if not per_day:
        return None
    last = max(per_day)
    first = max(min(per_day), last - datetime.timedelta(days=days - 1))
    most = max(per_day.values())
    bars = []
    for index in range((last - first).days + 1):
        date = first + datetime.timedelta(days=index)
        count = per_day.get(date, 0)
        height = round(CHART_HEIGHT * count / most) if count else 0
        bars.append(
            Day(
                date=date,
                count=count,
                x=index * (CHART_BAR + CHART_GAP),
                y=CHART_TOP + CHART_HEIGHT - height,
                height=height,
            )
        )
    width = max(len(bars) * (CHART_BAR + CHART_GAP), 120)
    return DailyChart(days=bars, most=most, width=width)


def undelivered_emails(event: Event) -> list[OutboxEmail]:
    emails = list(
        OutboxEmail.objects.filter(registration__event=event)
        .exclude(status=OutboxEmail.Status.SENT)
        .order_by("-created_at", "-pk")[:50]
    )
    for email in emails:
        email.explained = explain_email(email)
    return emails


def workspace_view(model_admin, request, pk: int):
    """GET: the workspace; POST: run a registration action (on the ticked rows, or on one
    row's button) or give free seats to the waiting list, then come back."""
    event = get_object_or_404(Event, pk=pk)
    user = request.user
    if not (
        model_admin.has_view_permission(request, event)
        and user.has_perm("events.view_registration")
    ):
        raise PermissionDenied
    registration_admin = model_admin.admin_site.get_model_admin(Registration)
    actions = workspace_actions(registration_admin, request)
    if request.method == "POST":
        return _post(request, event, registration_admin, actions)

    status = request.GET.get("status", "")
    registrations = event.registrations.order_by("created_at", "pk")
    if status in Status.values:
        registrations = registrations.filter(status=status)
    else:
        status = ""
    page = Paginator(registrations, PER_PAGE).get_page(request.GET.get("page"))
    for registration in page.object_list:
        name = ROW_ACTIONS.get(registration.status)
        registration.row_action = (name, actions[name]) if name in actions else None
    counts = status_counts(event)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Workspace: %(event)s") % {"event": event},
        "subtitle": None,
        "opts": model_admin.opts,
        "original": event,
        "event": event,
        "counts": counts,
        "status_tabs": _status_tabs(counts),
        "status": status,
        "chart": registrations_per_day(event),
        "page": page,
        "actions": list(actions.items()),
        "can_change": user.has_perm("events.change_registration"),
        "can_check_in": user.has_perm("events.check_in"),
        "emails": undelivered_emails(event),
        "can_view_emails": user.has_perm("events.view_outboxemail"),
        "here": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/events/event/workspace.html", context)


def workspace_actions(registration_admin, request) -> dict[str, str]:
    """name → label of the registration admin's workspace actions this person may run."""
    available = registration_admin.get_actions(request)
    return {
        name: available[name].description
        for name in registration_admin.workspace_actions
        if name in available
    }


def _post(request, event, registration_admin, actions):
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    back = back or reverse("admin:events_event_workspace", args=[event.pk])
    if "promote" in request.POST:
        if not request.user.has_perm("events.change_registration"):
            raise PermissionDenied
        promoted = services.promote_from_waiting_list(event=event)
        for registration in promoted:
            registration_admin.log_change(request, registration, STATUS_CHANGED)
        messages.info(
            request,
            ngettext(
                "%d person moved from the waiting list to confirmed.",
                "%d people moved from the waiting list to confirmed.",
                len(promoted),
            )
            % len(promoted),
        )
        return HttpResponseRedirect(back)
    name, _sep, row = request.POST.get("row", "").partition(":")
    # An action's intermediate page (decline, cancel) sends the rows back under the admin's
    # own name for them.
    ids = [row] if name else request.POST.getlist("ids") or request.POST.getlist(ACTION_ROWS)
    name = name or request.POST.get("action", "")
    if name not in actions:
        messages.error(request, _("Choose an action."))
        return HttpResponseRedirect(back)
    selected = event.registrations.filter(pk__in=[pk for pk in ids if is_database_id(pk)])
    if not selected.exists():
        messages.warning(request, _("Tick at least one registration first."))
        return HttpResponseRedirect(back)
    function = registration_admin.get_actions(request)[name].func
    response = function(registration_admin, request, selected)
    return response or HttpResponseRedirect(back)


# A LogEntry change message in the admin's own format (translated when shown).
STATUS_CHANGED = [{"changed": {"fields": ["status"]}}]


def _status_tabs(counts: Counts) -> list[tuple[str, str, int]]:
    """(status or "", label, count) for the filter above the list."""
    return [
        ("", _("All"), counts.total),
        (Status.PENDING, Status.PENDING.label, counts.pending),
        (Status.CONFIRMED, Status.CONFIRMED.label, counts.confirmed),
        (Status.WAITING, Status.WAITING.label, counts.waiting),
        (Status.CANCELLED, Status.CANCELLED.label, counts.cancelled),
        (Status.DECLINED, Status.DECLINED.label, counts.declined),
    ]
