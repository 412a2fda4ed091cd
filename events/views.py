import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView

from portal import sharing
from portal.languages import ContentLanguageMixin
from portal.lists import PaginatedListView, is_database_id
from portal.models import Sector, SiteProfile

from . import checkin, pages, printing, services, structured_data, tickets
from .forms import EventFilterForm, LostLinkForm, RegistrationForm, TicketScanForm, WalkInForm
from .ics import build_calendar
from .models import Event, Registration
from .ratelimit import allow_submission

# The event this browser last registered for, so that the "check your email" page is shown
# only after the form: a signed cookie, not the session, so that a submission writes no
# session row to the database (it holds an event's id, nothing about the person).
REGISTERED_COOKIE = "registered-for"
REGISTERED_SALT = "events.views.registered-for"
REGISTERED_SECONDS = 60 * 60


def registered_cookie_name() -> str:
    """With secure cookies (production) the name has the __Host- prefix, as the session's and
    CSRF's do: browsers then take it only over HTTPS, for "/", from this very host."""
    return f"__Host-{REGISTERED_COOKIE}" if settings.SESSION_COOKIE_SECURE else REGISTERED_COOKIE


RATE_LIMITED = _(
    "You have sent many forms in a short time. Please wait a few minutes and try again."
)


def public_events(request) -> "Event.objects":
    events = Event.objects.with_seat_counts().prefetch_related("sectors")
    return events if request.user.is_staff else events.public()


class ListDataPaginator(Paginator):
    """The events list's paginator: its count kept with the rest of the list's data in the
    worker's memory (events.pages.list_data), filtered or not."""

    def __init__(self, *args, key: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key

    @cached_property
    def count(self) -> int:
        return pages.list_data((*self.key, "count"), lambda: Paginator.count.func(self))


class EventListView(PaginatedListView):
    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.past = request.GET.get("when") == "past"
        self.sectors = Sector.filter_choices()
        self.filters = EventFilterForm(request.GET, sectors=self.sectors).filters
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        events = Event.objects.public()
        return events.past() if self.past else events.upcoming()

    def get_queryset(self):
        return pages.LazyQuery(self.filtered_queryset)

    def filtered_queryset(self):
        events = self.base_queryset()
        if "sector" in self.filters:
            events = events.filter(sectors=self.filters["sector"])
        if "kind" in self.filters:
            events = events.filter(kind=self.filters["kind"])
        if "month" in self.filters:
            month = self.filters["month"]
            events = events.filter(starts_at__year=month.year, starts_at__month=month.month)
        return events

    def list_key(self) -> tuple:
        """The list and filters shown, for events.pages.list_data."""
        filters = self.filters
        return (
            "past" if self.past else "upcoming",
            getattr(filters.get("sector"), "slug", ""),
            filters.get("kind", ""),
            str(filters.get("month", "")),
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        kwargs.pop("count_name", None)
        return ListDataPaginator(queryset, per_page, key=self.list_key(), **kwargs)

    def accepted_query(self, page) -> dict:
        return {**super().accepted_query(page), **({"when": "past"} if self.past else {})}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        months = pages.list_data(
            (self.list_key()[0], "months"),
            lambda: list(self.base_queryset().dates("starts_at", "month")),
        )
        rows = pages.list_data(
            (*self.list_key(), "page", page.number), lambda: pages.page_rows(page.object_list)
        )
        # The cards: one fragment per language, generation and card state (events.pages);
        # the rows are fetched only when it is rendered.
        states = pages.card_states(rows)
        context.update(
            events=pages.LazyEvents(states),
            past=self.past,
            sectors=self.sectors,
            kinds=Event.Kind.choices,
            months=months,
            filters=self.filters,
            cards_key=pages.cards_key(states),
            # The filter bar: the same for every visitor of these filters and months.
            filters_key="|".join((*self.list_key(), ",".join(f"{month:%Y%m}" for month in months))),
        )
        return context


class EventMixin:
    """Loads the event named in the URL; drafts are 404 except for staff."""

    def get_event(self) -> Event:
        if not hasattr(self, "event"):
            self.event = get_object_or_404(public_events(self.request), slug=self.kwargs["slug"])
        return self.event


class EventDetailView(EventMixin, ContentLanguageMixin, DetailView):
    """The event page. What it shows of the content is rendered once per worker, language
    and generation (the template's fragments); the event and its related news and
    agreements are kept in the worker's memory (events.pages.event_page), so that a page
    asks the database only for the live seat count. The registration box follows the seats
    and the clock on every request."""

    content_language_field = "description"
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        self.page = pages.event_page(self.kwargs["slug"], staff=self.request.user.is_staff)
        self.event = self.page.event
        return self.event

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, request = self.object, self.request

        # Computed only when a fragment that shows them is rendered (the template calls them).
        @functools.cache
        def preview_image():
            start = timezone.localtime(event.starts_at, event.zone)
            return sharing.preview_image(
                request,
                SiteProfile.current(),
                image=event.image,
                alt=event.image_alt,
                title=event.title,
                label=gettext("Event"),
                detail=formats.date_format(start, "DATETIME_FORMAT"),
            )

        def data():
            return structured_data.event_data(
                event, request=request, site_profile=SiteProfile.current(), image=preview_image()
            )

        context.update(
            related_news=self.page.related_news,
            related_agreements=self.page.related_agreements,
            related_key=self.page.related_key,
            preview_image=preview_image,
            structured_data=data,
            # What of the schema.org data follows the seats and the clock.
            offer_key=f"{structured_data.availability(event)}:{event.accepts_registrations}"
            f":{event.current_registration_state}",
        )
        return context


# A page asks for the seat state of at most this many events (a list page shows 12), and the
# answer is shared for this many seconds by every visitor of the same events in a language.
SEAT_STATE_MAX_EVENTS = 24
SEAT_STATE_SECONDS = 2


def seat_states(request):
    """The live registration state of the events ``?id=…`` (public ones; others are left
    out), for the script that keeps a cached page's seat badges current (static/js/seats.js):
    ``{"events": {"<id>": {"badge": html, "registration": html}}}``, the same fragments the
    page shows (events/registration_badge.html, events/registration_state.html). One query;
    the answer is cached a couple of seconds, so that many open pages cost the database
    little."""
    ids = sorted({int(value) for value in request.GET.getlist("id") if is_database_id(value)})
    ids = ids[:SEAT_STATE_MAX_EVENTS]
    key = f"events:seats:{get_language()}:{','.join(map(str, ids))}"
    states = cache.get(key)
    if states is None:
        events = Event.objects.public().filter(pk__in=ids).with_seat_counts() if ids else []
        states = {
            str(event.pk): {
                "badge": render_to_string("events/registration_badge.html", {"event": event}),
                "registration": render_to_string(
                    "events/registration_state.html", {"event": event}
                ),
            }
            for event in events
        }
        cache.set(key, states, SEAT_STATE_SECONDS)
    response = JsonResponse({"events": states})
    response["Cache-Control"] = f"public, max-age={SEAT_STATE_SECONDS}"
    return response


def event_calendar(request, slug: str):
    """One event as an iCalendar file."""
    event = get_object_or_404(public_events(request), slug=slug)
    return calendar_response(build_calendar([event], base_url=base_url(request)), event.slug)


def events_calendar(request):
    """All upcoming events as one iCalendar file (also works as a subscription)."""
    events = Event.objects.public().upcoming()
    return calendar_response(build_calendar(events, base_url=base_url(request)), "events")


def base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def calendar_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


@method_decorator(never_cache, name="dispatch")
class RegisterView(EventMixin, FormView):
    template_name = "events/register.html"
    form_class = RegistrationForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.get_event()
        return context

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.get_event()}

    def get_event(self) -> Event:
        # A submission needs the event's row, not the page's counts: the worker's copy
        # (events.pages), read again under the lock by the service, which counts the seats
        # there (a full event's refusal is the form's error).
        if not hasattr(self, "event") and self.request.method == "POST":
            self.event = pages.registration_event(
                self.kwargs["slug"], staff=self.request.user.is_staff
            )
        return super().get_event()

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        if event.window_state() != Event.RegistrationState.OPEN:
            return self.get(request, *args, **kwargs)
        if not allow_submission(request, scope="register"):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, RATE_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.register_attendee(
                event=self.get_event(),
                full_name=data["full_name"],
                email=data["email"],
                organisation=data["organisation"],
                position=data["position"],
                phone=data["phone"],
                consent=data["consent"],
                language=get_language() or settings.LANGUAGE_CODE,
                answers=form.answers(),
                asked=form.questions,
                policy_version=form.policy_version,
            )
        except services.RegistrationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        # The same answer whether the address was new or already registered: only the email
        # to that address tells its owner which it was (services.register_attendee).
        response = redirect("events:registered", slug=self.get_event().slug)
        response.set_signed_cookie(
            registered_cookie_name(),
            str(self.get_event().pk),
            salt=REGISTERED_SALT,
            max_age=REGISTERED_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


@method_decorator(never_cache, name="dispatch")
class RegisteredView(EventMixin, TemplateView):
    """The "check your email" page after the form. It shows nothing about any registration,
    so it is the same for a new address and for one that was already registered."""

    template_name = "events/registered.html"

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        registered_for = request.get_signed_cookie(
            registered_cookie_name(), default=None, salt=REGISTERED_SALT, max_age=REGISTERED_SECONDS
        )
        if registered_for != str(event.pk):
            return redirect(event)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        return context


@method_decorator(never_cache, name="dispatch")
class LostLinkView(EventMixin, FormView):
    """Re-sends a registrant's link. Answers the same whether or not the email is known."""

    form_class = LostLinkForm
    template_name = "events/lost_link.html"

    def post(self, request, *args, **kwargs):
        if not allow_submission(request, scope="lost-link"):
            messages.error(request, RATE_LIMITED)
            return redirect(self.get_event())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.get_event()
        return context

    def form_valid(self, form):
        event = self.get_event()
        services.resend_registration_link(event=event, email=form.cleaned_data["email"])
        messages.info(
            self.request,
            _(
                "If this address is registered for the event, we have sent the link to it. "
                "Please check your inbox and spam folder."
            ),
        )
        return redirect(event)


@method_decorator(never_cache, name="dispatch")
class RegistrationDetailView(DetailView):
    """The registrant's own page, reached only through the secret link in their email."""

    template_name = "events/registration_detail.html"
    context_object_name = "registration"
    slug_field = "token"
    slug_url_kwarg = "token"

    def get_queryset(self):
        return registrant_registrations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.has_ticket:
            context["ticket_image"] = tickets.qr_data_uri(self.object.ticket_code)
        return context


def registrant_registrations():
    return Registration.objects.select_related("event").exclude(event__status="draft")


class RegistrantActionView(TemplateView):
    """Something registrants do to their own registration: a page that asks "are you
    sure?" (GET changes nothing), then a POST. A registration the action no longer applies
    to (``applies``) goes back to its page, which shows its state."""

    def applies(self, registration: Registration) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.registration = get_object_or_404(registrant_registrations(), token=kwargs["token"])
        if not self.applies(self.registration):
            return redirect(self.registration)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration"] = self.registration
        return context


@method_decorator(never_cache, name="dispatch")
class CancelRegistrationView(RegistrantActionView):
    """The registrant cancels: a page that asks "are you sure?" (GET changes nothing), then
    a POST. A registration that can no longer be cancelled goes back to its page, which
    shows its state."""

    template_name = "events/registration_cancel.html"

    def applies(self, registration: Registration) -> bool:
        return registration.can_be_cancelled_by_registrant

    def post(self, request, token: str):
        services.cancel_registration(registration=self.registration)
        messages.success(request, _("Your registration is cancelled. Thank you for telling us."))
        return redirect(self.registration)


@method_decorator(never_cache, name="dispatch")
class EraseRegistrationView(RegistrantActionView):
    """The registrant erases their personal data: a confirmation page, then a POST."""

    template_name = "events/registration_erase.html"

    def applies(self, registration: Registration) -> bool:
        return not registration.is_anonymised

    def post(self, request, token: str):
        services.erase_personal_data(registration=self.registration)
        messages.success(
            request,
            _("Your personal data is erased. We keep only an anonymous count for the event."),
        )
        return redirect(self.registration)


class CheckInPermissionMixin(PermissionRequiredMixin):
    """Staff with the check-in permission (event managers). Anonymous visitors go to the
    login page; anyone else logged in gets 403. The pages show personal data: never cached."""

    permission_required = "events.check_in"

    def has_permission(self):
        return self.request.user.is_staff and super().has_permission()

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


def check_in_search_key(slug: str) -> str:
    return f"events:check-in-search:{slug}"


class CheckInView(CheckInPermissionMixin, TemplateView):
    """The door list. The search is posted and kept in the staff member's session, so that
    a searched name or email never appears in a URL (history, proxy logs, Referer)."""

    template_name = "events/check_in.html"

    def post(self, request, slug: str):
        query = request.POST.get("q", "").strip()[:100]
        if query:
            request.session[check_in_search_key(slug)] = query
        else:
            request.session.pop(check_in_search_key(slug), None)
        return redirect("events:check-in", slug=slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = get_object_or_404(Event.objects.with_seat_counts(), slug=self.kwargs["slug"])
        query = self.request.session.get(check_in_search_key(event.slug), "")
        people = (
            event.registrations.filter(status=Registration.Status.CONFIRMED)
            .matching(query)
            .order_by("full_name", "pk")
        )
        context.update(
            event=event,
            query=query,
            people=people[:200],
            walk_in_form=kwargs.get("walk_in_form") or WalkInForm(),
            **scan_context(self.request, event, kwargs.get("scan_form")),
        )
        return context


class CheckInToggleView(CheckInPermissionMixin, View):
    def post(self, request, slug: str, pk: int):
        registration = get_object_or_404(Registration, pk=pk, event__slug=slug)
        try:
            if request.POST.get("action") == "undo":
                services.undo_check_in(registration=registration)
            else:
                services.check_in(registration=registration)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        url = reverse("events:check-in", kwargs={"slug": slug})
        return redirect(f"{url}#registration-{registration.pk}")


class WalkInView(CheckInPermissionMixin, View):
    """Adds a walk-in. At a full event the first submit leads to a second step that says how
    many people over the capacity the event will be; its button sends the form again with
    that number (events.services.add_walk_in)."""

    def post(self, request, slug: str):
        event = get_object_or_404(Event.objects.with_seat_counts(), slug=slug)
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                person = services.add_walk_in(event=event, **form.walk_in())
            except services.OverCapacity as refusal:
                return TemplateResponse(
                    request,
                    "events/walk_in_over_capacity.html",
                    {"event": event, "form": form, "over": refusal.over},
                )
            except services.RegistrationError as error:
                messages.error(request, error.message)
            else:
                if person.over_capacity:
                    done = _("%(name)s is added over capacity and checked in.")
                else:
                    done = _("%(name)s is added and checked in.")
                messages.success(request, done % {"name": person.full_name})
                return redirect("events:check-in", slug=slug)
        view = CheckInView.as_view()
        request.method = "GET"
        return view(request, slug=slug, walk_in_form=form)


def scan_key(slug: str) -> str:
    return f"events:check-in-scan:{slug}"


def scan_context(request, event: Event, form: TicketScanForm | None) -> dict:
    """The scan panel: the answer to the last scan (shown once), or why it could not be read."""
    saved = request.session.pop(scan_key(event.slug), None)
    result = checkin.ScanResult.from_session(saved, event) if saved else None
    return {"scan_result": result, "scan_form": form or TicketScanForm()}


class CheckInScanView(CheckInPermissionMixin, View):
    """One scan at the door: a photo of the ticket (a form that works without JavaScript),
    the code typed by hand, or the code the page's camera script read, which asks for JSON.
    The form's answer is shown on the check-in page after a redirect, so that reloading the
    page does not scan again."""

    def post(self, request, slug: str):
        event = get_object_or_404(Event, slug=slug)
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = TicketScanForm(request.POST, request.FILES)
        if not form.is_valid():
            if wants_json:
                message = next(iter(form.non_field_errors()), _("The ticket could not be read."))
                return JsonResponse(checkin.refusal_json(message), status=400)
            request.method = "GET"
            return CheckInView.as_view()(request, slug=slug, scan_form=form)
        result = checkin.check_in_by_ticket(event=event, code=form.cleaned_data["ticket"])
        if wants_json:
            return JsonResponse(result.as_json())
        request.session[scan_key(slug)] = result.for_session()
        return redirect(reverse("events:check-in", kwargs={"slug": slug}) + "#scan")


class CheckInCountsView(CheckInPermissionMixin, View):
    """The live numbers for the check-in page's small script."""

    def get(self, request, slug: str):
        event = get_object_or_404(Event.objects.with_seat_counts(), slug=slug)
        return JsonResponse(
            {
                "confirmed": event.n_confirmed,
                "checked_in": event.n_checked_in,
                "waiting": event.n_waiting,
                "over_capacity": event.seats_over,
                "at": timezone.now().isoformat(),
            }
        )


class AttendeesMixin(CheckInPermissionMixin):
    """The event's confirmed attendees sorted by name, for the printable pages."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = get_object_or_404(Event.objects.with_seat_counts(), slug=self.kwargs["slug"])
        context.update(event=event, attendees=printing.attendees(event))
        return context


class AttendeeListView(AttendeesMixin, TemplateView):
    """The attendee list to print: name, organisation and a box to tick at the door."""

    template_name = "events/attendee_list.html"


class BadgesView(AttendeesMixin, TemplateView):
    """Name badges to print, eight to an A4 sheet."""

    template_name = "events/badges.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sheets"] = printing.badge_sheets(context["attendees"])
        return context
