"""Events, registrations and the outbox of emails about them."""

import datetime
import functools
import secrets
import uuid
import zoneinfo
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.languages import MultilingualModel, active_language, column
from portal.lookup import matching
from portal.models import NewsArticle, Sector
from portal.text import FORMATTING_HELP
from portal.timezones import zone_time_name

from . import tickets
from .tickets import new_ticket_code


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def image_upload_to(instance: "Event", filename: str) -> str:
    # Generated names: an uploaded name never decides where a file lands.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"events/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class EventQuerySet(models.QuerySet):
    def public(self) -> "EventQuerySet":
        """Visible to the public: published or cancelled (cancelled ones carry a banner)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, now: datetime.datetime | None = None) -> "EventQuerySet":
        """Not over yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime.datetime | None = None) -> "EventQuerySet":
        """Over, most recent first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def with_seat_counts(self) -> "EventQuerySet":
        """Adds n_confirmed, n_waiting, n_cancelled and n_checked_in.

        Each is a correlated subquery rather than a join with GROUP BY: a page of 12 events
        then counts only those events' registrations (through the event_id index), and the
        paginator's COUNT(*) leaves them out, instead of aggregating every registration of
        every matching event first (50-100 ms with 100,000 registrations).
        """
        status = Registration.Status
        count = _registration_count
        return self.annotate(
            n_confirmed=count(status=status.CONFIRMED),
            n_waiting=count(status=status.WAITING),
            n_cancelled=count(status=status.CANCELLED),
            n_checked_in=count(status=status.CONFIRMED, checked_in_at__isnull=False),
        )

    def with_free_seats(self) -> "EventQuerySet":
        """Events with a seat left: unlimited, or fewer confirmed than the capacity (call
        after with_seat_counts())."""
        return self.filter(Q(capacity__isnull=True) | Q(n_confirmed__lt=models.F("capacity")))

    def starting_soon(
        self, *, within: datetime.timedelta, now: datetime.datetime | None = None
    ) -> "EventQuerySet":
        """Published events that start within ``within`` from now, soonest first."""
        now = now or timezone.now()
        return self.filter(
            status=Event.Status.PUBLISHED, starts_at__gte=now, starts_at__lte=now + within
        ).order_by("starts_at", "pk")

    def with_pending_count(self) -> "EventQuerySet":
        """Adds n_pending: registrations awaiting approval (for the admin's list)."""
        return self.annotate(n_pending=_registration_count(status=Registration.Status.PENDING))


def _registration_count(**filters):
    """A correlated subquery: the event's registrations matching ``filters``."""
    registrations = (
        Registration.objects.filter(event=OuterRef("pk"), **filters)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(registrations, output_field=models.IntegerField()), 0)


class Event(MultilingualModel, models.Model):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum")
        BUSINESS_MISSION = "business-mission", _("Business mission")
        EXHIBITION = "exhibition", _("Exhibition")
        SEMINAR = "seminar", _("Seminar")
        B2B = "b2b", _("B2B meetings")
        OPENING = "opening", _("Opening")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class RegistrationState(models.TextChoices):
        OPEN = "open", _("Registration open")
        WAITING_LIST = "waiting-list", _("Waiting list")
        FULL = "full", _("Fully booked")
        NOT_YET_OPEN = "not-yet-open", _("Registration not open yet")
        CLOSED = "closed", _("Registration closed")
        CANCELLED = "cancelled", _("Event cancelled")
        UNAVAILABLE = "unavailable", _("Registration unavailable")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("web address"),
        max_length=250,
        unique=True,
        help_text=_(
            "The end of the event's web address, filled in from the title. Avoid changing it "
            "once the event is public: links to it would stop working."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.FORUM)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), db_index=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=settings.TIME_ZONE,
        help_text=_("Where the event takes place; times are shown in this zone."),
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("For online or hybrid events.")
    )
    description = models.TextField(_("description"), help_text=FORMATTING_HELP)
    image = models.ImageField(_("image"), upload_to=image_upload_to, blank=True)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    organisers = models.CharField(
        _("organisers and partners"),
        max_length=500,
        blank=True,
        help_text=_("Names separated by commas."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="events"
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats available. Leave empty for unlimited."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Leave empty to open registration as soon as the event is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close registration when the event starts."),
    )
    waiting_list_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the event is full, further registrants join a waiting list."),
    )
    approval_required = models.BooleanField(
        _("approval required"),
        default=False,
        help_text=_("Registrations wait for staff to approve or decline them."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    related_news = models.ManyToManyField(
        NewsArticle, verbose_name=_("related news"), blank=True, related_name="events"
    )
    related_agreements = models.ManyToManyField(
        "agreements.Agreement",
        verbose_name=_("related agreements"),
        blank=True,
        related_name="events",
        help_text=_("Agreements this event serves or where they were signed."),
    )
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Raised on each change of time or place so calendars update the entry."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="events_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title or ""

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if self.image and not (self.image_alt or "").strip():
            # Keyed to a column the admin form has (the form has no bare "image_alt").
            errors[column("image_alt", active_language())] = _(
                "Describe the image for people who cannot see it."
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def time_zone_label(self) -> str:
        """The zone as people say it, with its offset at the start: "Baku time (UTC+04:00)",
        "бакинское время (UTC+04:00)" (portal.timezones.zone_time_name)."""
        offset = self.starts_at.astimezone(self.zone).strftime("%z")
        return f"{zone_time_name(self.time_zone)} (UTC{offset[:3]}:{offset[3:]})"

    @property
    def when(self) -> str:
        """The date and time once, in the event's zone and the active language, with the
        zone's city: "12 March 2027, 10:00–13:00 (Baku time)"; an event over several days
        names both dates."""
        start, end = self.starts_at.astimezone(self.zone), self.ends_at.astimezone(self.zone)
        # A format per language: "12 March 2027", "12 марта 2027 г.", "12 mart 2027".
        date_format = pgettext("date of an event", "j F Y")
        first_day = dateformat.format(start, date_format)
        start_time, end_time = dateformat.format(start, "H:i"), dateformat.format(end, "H:i")
        if start.date() == end.date():
            moment = f"{first_day}, {start_time}–{end_time}"
        else:
            moment = (
                f"{first_day}, {start_time} – {dateformat.format(end, date_format)}, {end_time}"
            )
        return f"{moment} ({zone_time_name(self.time_zone)})"

    @property
    def map_url(self) -> str:
        """A search for the venue on OpenStreetMap (a link only: nothing is loaded from it)."""
        where = self.venue_address or self.venue_name
        return f"https://www.openstreetmap.org/search?query={quote(where)}" if where else ""

    @property
    def closes_at(self) -> datetime.datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue_name, self.venue_address) if part)

    def _count(self, annotation: str, status: str) -> int:
        if annotation in self.__dict__:
            return self.__dict__[annotation]
        return self.registrations.filter(status=status).count()

    @property
    def confirmed_count(self) -> int:
        return self._count("n_confirmed", Registration.Status.CONFIRMED)

    @property
    def seats_left(self) -> int | None:
        """None when the capacity is unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def seats_over(self) -> int:
        """How many more people hold a seat than the capacity allows: walk-ins that staff let
        in when the event was full (events.services.add_walk_in). 0 for unlimited events."""
        if self.capacity is None:
            return 0
        return max(self.confirmed_count - self.capacity, 0)

    def window_state(self, now: datetime.datetime | None = None) -> str:
        """The registration state as far as the event's status and registration window
        decide it, seats aside: OPEN when those allow registering."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return self.RegistrationState.CANCELLED
        if self.status != self.Status.PUBLISHED:
            return self.RegistrationState.UNAVAILABLE
        if self.registration_opens_at and now < self.registration_opens_at:
            return self.RegistrationState.NOT_YET_OPEN
        if now >= self.closes_at:
            return self.RegistrationState.CLOSED
        return self.RegistrationState.OPEN

    def registration_state(self, now: datetime.datetime | None = None) -> str:
        """Whether a visitor can register right now, and with what outcome."""
        window = self.window_state(now)
        if window != self.RegistrationState.OPEN:
            return window
        if self.seats_left == 0 and not self.approval_required:
            if self.waiting_list_enabled:
                return self.RegistrationState.WAITING_LIST
            return self.RegistrationState.FULL
        return self.RegistrationState.OPEN

    @cached_property
    def current_registration_state(self) -> str:
        return self.registration_state()

    @property
    def accepts_registrations(self) -> bool:
        return self.current_registration_state in (
            self.RegistrationState.OPEN,
            self.RegistrationState.WAITING_LIST,
        )


# A message from staff that goes with a decline or a cancellation (events.services).
STAFF_MESSAGE_MAX_LENGTH = 2000


class RegistrationQuerySet(models.QuerySet):
    def matching(self, text: str) -> "RegistrationQuerySet":
        """Every word of ``text`` is in the name, email or organisation, ignoring case, script
        and the usual transliterations ("петров", "PETROV" and "Petrov" find "Петров"; see
        portal.lookup). No words: all of them."""
        return self.filter(matching(text, ["full_name", "email", "organisation"]))

    def active(self) -> "RegistrationQuerySet":
        """Registrations that hold a seat or a place in a queue."""
        return self.filter(status__in=Registration.ACTIVE_STATUSES)

    def waiting_in_order(self) -> "RegistrationQuerySet":
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def in_audience(self, audience: str) -> "RegistrationQuerySet":
        """Who a message to ``audience`` (an EventMessage.Audience) reaches: the registrations
        of that kind that have an email address (walk-ins may have none; erased ones have
        none)."""
        status, audiences = Registration.Status, EventMessage.Audience
        chosen = {
            audiences.CONFIRMED: Q(status=status.CONFIRMED),
            audiences.WAITING: Q(status=status.WAITING),
            audiences.PENDING: Q(status=status.PENDING),
            audiences.CHECKED_IN: Q(status=status.CONFIRMED, checked_in_at__isnull=False),
            audiences.NOT_CHECKED_IN: Q(status=status.CONFIRMED, checked_in_at__isnull=True),
        }[audience]
        return self.filter(chosen).exclude(email="")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        PENDING = "pending", _("Awaiting approval")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITING, Status.PENDING)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(pgettext_lazy("job title", "position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent = models.BooleanField(_("consent to data processing"), default=False)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    policy_version = models.CharField(
        _("privacy policy version"),
        max_length=40,
        blank=True,
        help_text=_("The version of the privacy policy in force when the person consented."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.CONFIRMED, db_index=True
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    ticket_code = models.CharField(
        _("ticket code"),
        max_length=8,
        unique=True,
        default=new_ticket_code,
        editable=False,
        help_text=_("The code on the ticket, scanned or typed at the door (confirmed only)."),
    )
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    over_capacity = models.BooleanField(
        _("admitted over capacity"),
        default=False,
        help_text=_(
            "A walk-in that staff let in when every seat was taken. They hold a seat like "
            "everyone else: until the event is below its capacity again, a cancellation gives "
            "no seat to the waiting list."
        ),
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    staff_message = models.TextField(
        _("message from staff"),
        blank=True,
        help_text=_(
            "What staff wrote to the person when they declined or cancelled the registration; "
            "it was sent in that email and is shown on the person's page."
        ),
    )
    anonymised_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        help_text=_("Name, email, organisation, position and phone were removed at this time."),
    )

    objects = RegistrationQuerySet.as_manager()
    # The secret token and the ticket code stay out of the history: one copy is enough.
    history = HistoricalRecords(excluded_fields=["token", "ticket_code", "updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        permissions = [
            ("check_in", _("Can use the check-in page")),
            ("export_registration", _("Can export registrations (personal data)")),
        ]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["confirmed", "waiting", "pending"]) & ~Q(email=""),
                name="events_registration_one_active_per_email",
                violation_error_message=_("This email is already registered for the event."),
            )
        ]
        # Seat counts are per event and status (one index-only count per event and status).
        indexes = [models.Index(fields=["event", "status"], name="events_registration_seats_idx")]

    def __str__(self) -> str:
        return f"{self.display_name} — {self.event}"

    def get_absolute_url(self) -> str:
        return reverse("registrations:detail", kwargs={"token": self.token})

    @property
    def display_name(self) -> str:
        return _("(personal data erased)") if self.is_anonymised else self.full_name

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def has_ticket(self) -> bool:
        """Only a confirmed seat at an event that takes place has a ticket for the door."""
        return (
            self.status == self.Status.CONFIRMED
            and not self.is_anonymised
            and self.event.status != Event.Status.CANCELLED
        )

    @property
    def ticket_display(self) -> str:
        return tickets.display(self.ticket_code)

    @property
    def can_be_cancelled_by_registrant(self) -> bool:
        """The registrant may cancel an active registration until the event is over."""
        return self.is_active and not self.is_anonymised and not self.event.is_past

    def clean(self) -> None:
        super().clean()
        # The database constraint says the same; checking here turns a staff edit that would
        # break it (the admin form leaves out the event, so Django skips the constraint) into a
        # form error instead of a failed save.
        if self.event_id and self.email and self.is_active:
            taken = (
                Registration.objects.active()
                .filter(event_id=self.event_id, email__iexact=self.email)
                .exclude(pk=self.pk)
                .exists()
            )
            if taken:
                raise ValidationError(
                    {"email": _("This email is already registered for the event.")}
                )


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, now: datetime.datetime | None = None) -> "OutboxEmailQuerySet":
        """Queued emails whose next attempt has come, oldest first."""
        return self.filter(
            status=OutboxEmail.Status.QUEUED, next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at", "pk")


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change it reports; the task worker
    sends it after commit (events.outbox)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    to = models.EmailField(_("to"), max_length=254)
    # A registration email's kind (events.emails.SUBJECTS): an email queued inside a locked
    # transaction is written by the worker from it, just before sending.
    kind = models.CharField(_("kind"), max_length=20, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Calendar files and the ticket's QR image."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="events_outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class PersonalDataExport(models.Model):
    """A record of one export of registrants' personal data: who, when, what, how many rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(
        _("username"), max_length=150, help_text=_("Kept if the account is deleted.")
    )
    exported_at = models.DateTimeField(_("exported"), default=timezone.now, db_index=True)
    events = models.ManyToManyField(Event, verbose_name=_("events"), related_name="+")
    row_count = models.PositiveIntegerField(_("rows"))
    what = models.CharField(_("what"), max_length=100)

    class Meta:
        ordering = ["-exported_at", "-pk"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")

    def __str__(self) -> str:
        return f"{self.what}: {self.username}, {self.exported_at:%Y-%m-%d %H:%M}"


class EventQuestion(MultilingualModel, models.Model):
    """A question that staff add to an event's registration form.

    Its label and its choices (EventQuestionChoice) are written per language. Answers
    (RegistrationAnswer) refer to the question and to the chosen choices by id, so correcting
    a label or a translation keeps every answer given; a question or choice that has answers
    cannot be deleted (RESTRICT), and its kind cannot change (``clean``).
    """

    class Kind(models.TextChoices):
        SHORT_TEXT = "short-text", _("Short text")
        LONG_TEXT = "long-text", _("Long text")
        ONE_CHOICE = "one-choice", _("One choice")
        SEVERAL_CHOICES = "several-choices", _("Several choices")
        YES_NO = "yes-no", _("Yes or no")

    CHOICE_KINDS = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(
        _("question"), max_length=300, help_text=_("As the registrant reads it on the form.")
    )
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind)
    required = models.BooleanField(
        _("required"), default=False, help_text=_("The form cannot be sent without an answer.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Questions are asked in this order.")
    )

    class Meta:
        ordering = ["event", "position", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        return self.label or ""

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def clean(self) -> None:
        super().clean()
        if self.pk and self.answers.exists():
            saved_kind = EventQuestion.objects.filter(pk=self.pk).values_list("kind", flat=True)
            if saved_kind.first() != self.kind:
                raise ValidationError(
                    {
                        "kind": _(
                            "People have answered this question already, so its kind cannot "
                            "change. Add a new question instead."
                        )
                    }
                )


class EventQuestionChoice(MultilingualModel, models.Model):
    """One of the answers offered by a one-choice or several-choices question."""

    question = models.ForeignKey(
        EventQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="choices",
    )
    label = models.CharField(_("choice"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label or ""


class RegistrationAnswer(models.Model):
    """A registrant's answer to one question: ``text`` for the text kinds, ``yes`` for a
    yes-or-no question, ``choices`` for the choice kinds. Erased with the registrant's
    personal data (events.services)."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    # RESTRICT, not PROTECT: deleting the whole event (which deletes its registrations and so
    # their answers) still works; deleting only an answered question does not.
    question = models.ForeignKey(
        EventQuestion, verbose_name=_("question"), on_delete=models.RESTRICT, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    choices = models.ManyToManyField(
        EventQuestionChoice,
        verbose_name=_("choices"),
        through="RegistrationAnswerChoice",
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["registration", "question__position", "question"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="events_answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.registration_id}"


class RegistrationAnswerChoice(models.Model):
    """A choice picked in an answer (the answer's ``choices``)."""

    answer = models.ForeignKey(RegistrationAnswer, on_delete=models.CASCADE)
    choice = models.ForeignKey(EventQuestionChoice, on_delete=models.RESTRICT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="events_answer_choice_once")
        ]

    def __str__(self) -> str:
        return str(self.choice)


class EventMessage(MultilingualModel, models.Model):
    """A message that staff sent to some of an event's registrants: what, to whom, by whom,
    when, and to how many (events.services.send_event_message)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        PENDING = "pending", _("Awaiting approval")
        CHECKED_IN = "checked-in", _("Checked in")
        NOT_CHECKED_IN = "not-checked-in", _("Confirmed, not checked in")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    audience = models.CharField(_("sent to"), max_length=20, choices=Audience)
    recipient_count = models.PositiveIntegerField(_("recipients"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_by_name = models.CharField(
        _("sent by (username)"), max_length=150, help_text=_("Kept if the account is deleted.")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    # The preview's one-time key: sending the same preview twice (a double click, the back
    # button) sends one message.
    key = models.UUIDField(_("key"), unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")

    def __str__(self) -> str:
        return self.subject or ""

    def sendable_languages(self) -> list[str]:
        """The languages with both a subject and a text (the ones a registrant can be sent)."""
        return [
            code
            for code in self.written_languages("subject")
            if code in self.written_languages("body")
        ]
