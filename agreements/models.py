"""Agreements, the parties that sign them, and the measures that implement them."""

import datetime
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.languages import MultilingualModel
from portal.models import NewsArticle, Sector
from portal.text import FORMATTING_HELP

from .validators import validate_document

# Paths under /<lang>/agreements/ that an agreement's slug must not hide.
RESERVED_SLUGS = {"overview", "feed", "measures"}
PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
# An agreement's full text longer than this (in characters, about a screen) is folded.
FULL_TEXT_FOLDED_FROM = 1500


def round_percent(value: float | None) -> int | None:
    """The one rounding rule for a percentage shown anywhere (admin, public pages, exports,
    charts): to the nearest whole number, halves up, so 32.5 % is 33 % everywhere.

    (Python's round() and "%.0f" round halves to even, 32.5 → 32, while the template filter
    floatformat rounds them up: the same agreement showed 32 % in one place and 33 % in
    another.) The float is first cut to six decimals so that 32.499999999999996, a weighted
    mean that is really 32.5, rounds up too.
    """
    if value is None:
        return None
    exact = Decimal(repr(round(float(value), 6)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Party(MultilingualModel, models.Model):
    """A state, region, body or company that signs agreements or carries out measures."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        REGION = "region", _("Region")
        AGENCY = "agency", _("Ministry or agency")
        COMPANY = "company", _("Company")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_("The end of the party's web address; letters, digits and hyphens."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.STATE)
    country = models.CharField(
        _("country"), max_length=100, blank=True, help_text=_("E.g. Azerbaijan, Russia.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name or ""


class AgreementQuerySet(models.QuerySet):
    def public(self) -> "AgreementQuerySet":
        """Visible to the public: everything except drafts."""
        return self.exclude(status=Agreement.Status.DRAFT)

    def in_force(self) -> "AgreementQuerySet":
        return self.filter(status=Agreement.Status.IN_FORCE)

    def period_ended(self, *, today: datetime.date | None = None) -> "AgreementQuerySet":
        """Still signed or in force by their status, but past the end of their validity
        period (Agreement.period_ended says the same for one agreement)."""
        return self.filter(period_ended_condition(today))

    def status_counts(self, *, today: datetime.date | None = None) -> dict[str, int]:
        """How many agreements have each status, and how many a period that has ended
        ("period-ended"), in one query (the registry's status filter shows them)."""
        counts = {
            status: Count("pk", filter=Q(status=status)) for status in Agreement.Status.values
        }
        counts[Agreement.PERIOD_ENDED] = Count("pk", filter=period_ended_condition(today))
        return self.order_by().aggregate(**counts)

    def with_progress(self) -> "AgreementQuerySet":
        """Annotate ``overall_progress``, ``measure_count`` and ``overdue_count``.

        Overall progress is the mean of the measures' progress weighted by their
        weight, leaving out cancelled measures (None when there are none). Each
        figure is a correlated subquery, so filters that join other tables can
        never multiply the sums.
        """
        measures = Measure.objects.filter(agreement=OuterRef("pk")).order_by().values("agreement")
        active = measures.exclude(status=Measure.Status.CANCELLED)
        weighted = active.annotate(
            value=Cast(Sum(F("progress") * F("weight")), FloatField())
            / Cast(Sum("weight"), FloatField())
        ).values("value")
        counted = active.annotate(value=Count("pk")).values("value")
        overdue = measures.overdue().annotate(value=Count("pk")).values("value")
        return self.annotate(
            overall_progress=Subquery(weighted, output_field=FloatField()),
            measure_count=Coalesce(Subquery(counted), 0),
            overdue_count=Coalesce(Subquery(overdue), 0),
        )


def period_ended_condition(today: datetime.date | None = None) -> Q:
    """The "period ended" rule in SQL: the validity period is over, yet the status still says
    signed or in force."""
    return Q(valid_until__lt=today or timezone.localdate(), status__in=Agreement.RUNNING_STATUSES)


class Agreement(MultilingualModel, models.Model):
    class Kind(models.TextChoices):
        ACTION_PROGRAMME = "action_programme", _("Action programme")
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental agreement")
        ROAD_MAP = "road_map", _("Road map")
        CONTRACT = "contract", _("Contract")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    # The statuses that say an agreement still runs, and the derived state of one of those
    # whose validity period is over (never stored: see period_ended).
    RUNNING_STATUSES = (Status.SIGNED, Status.IN_FORCE)
    PERIOD_ENDED = "period-ended"
    PERIOD_ENDED_LABEL = _("Period ended")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("web address"),
        max_length=200,
        unique=True,
        help_text=_(
            "The end of the agreement's web address. Avoid changing it once the agreement is "
            "public: links to it would stop working."
        ),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.OTHER)
    reference_number = models.CharField(_("reference number"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(
        _("place of signing"), max_length=200, blank=True, help_text=_("City or venue.")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty when open-ended.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Drafts are not shown to the public."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=FORMATTING_HELP)
    full_text = models.TextField(
        _("full text"),
        blank=True,
        help_text=format_lazy("{} {}", _("In the language of the original."), FORMATTING_HELP),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="agreements"
    )
    parties = models.ManyToManyField(
        Party, verbose_name=_("parties"), blank=True, related_name="agreements"
    )
    related_news = models.ManyToManyField(
        NewsArticle,
        verbose_name=_("related news"),
        blank=True,
        related_name="agreements",
        help_text=_("Shown on the agreement's page, and the agreement on each article's page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.title or ""

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", kwargs={"slug": self.slug})

    def set_progress_figures(self, measures) -> None:
        """The figures AgreementQuerySet.with_progress annotates (overall_progress,
        measure_count, overdue_count), by the same rules, from the agreement's ``measures``
        already read (its page): the weighted mean progress of the measures not cancelled
        (None without any), how many those are, and how many are overdue."""
        active = [measure for measure in measures if measure.status != Measure.Status.CANCELLED]
        weights = sum(measure.weight for measure in active)
        self.overall_progress = (
            sum(measure.progress * measure.weight for measure in active) / weights
            if active
            else None
        )
        self.measure_count = len(active)
        self.overdue_count = sum(1 for measure in measures if measure.is_overdue)

    @property
    def period_ended(self) -> bool:
        """Signed or in force by its status, but past the end of its validity period
        (derived, never stored: staff may still have to record that it expired)."""
        return bool(
            self.valid_until
            and self.valid_until < timezone.localdate()
            and self.status in self.RUNNING_STATUSES
        )

    @property
    def full_text_is_long(self) -> bool:
        """Long enough to be shown folded on the agreement's page."""
        return len(self.full_text or "") > FULL_TEXT_FOLDED_FROM

    @property
    def overall_percent(self) -> int | None:
        """Overall progress as shown (needs ``with_progress()``): see round_percent."""
        return round_percent(self.overall_progress)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is used by another page; choose another.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)


class Signatory(MultilingualModel, models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    position = models.CharField(
        pgettext_lazy("job title", "position"),
        max_length=300,
        blank=True,
        help_text=_("E.g. Minister of Economy of the Republic of Azerbaijan."),
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatories",
        verbose_name=_("on behalf of"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name


def document_upload_to(instance: "AgreementDocument", filename: str) -> str:
    # Generated names: an uploaded name never decides where a file lands.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"agreements/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class AgreementDocument(MultilingualModel, models.Model):
    class Language(models.TextChoices):
        EN = "en", _("English")
        RU = "ru", _("Russian")
        AZ = "az", _("Azerbaijani")
        OTHER = "other", _("Other or several")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(
        _("file"),
        upload_to=document_upload_to,
        validators=[validate_document],
        help_text=_("PDF or an office document (Word, Excel, PowerPoint, OpenDocument, RTF)."),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language, default=Language.EN)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return PurePath(self.file.name).suffix.lstrip(".").upper()


def overdue_condition(today: datetime.date | None = None) -> Q:
    """The overdue rule in SQL: due date passed and neither done nor cancelled
    (Measure.is_overdue says the same for one measure)."""
    return Q(due_on__lt=today or timezone.localdate()) & ~Q(status__in=Measure.CLOSED_STATUSES)


class MeasureQuerySet(models.QuerySet):
    def overdue(self, *, today: datetime.date | None = None) -> "MeasureQuerySet":
        """Due date passed and neither done nor cancelled."""
        return self.filter(overdue_condition(today))

    def due_soon(self, *, today: datetime.date | None = None, days: int = 30) -> "MeasureQuerySet":
        """Due today or within ``days`` days, and neither done nor cancelled."""
        today = today or timezone.localdate()
        return self.filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)
        ).exclude(status__in=Measure.CLOSED_STATUSES)

    def public(self) -> "MeasureQuerySet":
        return self.exclude(agreement__status=Agreement.Status.DRAFT)


def natural_key(number: str) -> tuple:
    """ "3.10" after "3.2": numbers compared as numbers, the rest as text."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.findall(r"\d+|[^\d.\s]+", number)
    )


class Measure(MultilingualModel, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="measures", verbose_name=_("agreement")
    )
    number = models.CharField(
        _("number"), max_length=20, help_text=_('As in the document, e.g. "3.2".')
    )
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("sector"),
    )
    responsible_bodies = models.ManyToManyField(
        Party, verbose_name=_("responsible bodies"), blank=True, related_name="measures"
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.PLANNED,
        help_text=_("Follows the latest progress report."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress, %"),
        default=0,
        validators=PERCENT_VALIDATORS,
        help_text=_("0 to 100; follows the latest progress report."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How much the measure counts in the agreement's overall progress."),
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreements_measure_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="agreements_measure_progress_0_100",
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="agreements_measure_weight_1"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.agreement.get_absolute_url()}#measure-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        """Due date passed and neither done nor cancelled (derived, never stored)."""
        return bool(
            self.due_on
            and self.due_on < timezone.localdate()
            and self.status not in self.CLOSED_STATUSES
        )

    @property
    def sort_key(self) -> tuple:
        return natural_key(self.number)

    def clean(self) -> None:
        super().clean()
        agreement = self.agreement if self.agreement_id else None
        if self.due_on and agreement and agreement.signed_on and self.due_on < agreement.signed_on:
            raise ValidationError(
                {"due_on": _("The due date cannot be before the agreement was signed.")}
            )


class ProgressReportQuerySet(models.QuerySet):
    def public(self) -> "ProgressReportQuerySet":
        """Reports on measures of agreements the public can see (not drafts)."""
        return self.exclude(measure__agreement__status=Agreement.Status.DRAFT)


class ProgressReport(MultilingualModel, models.Model):
    """A dated step in a measure's story; the latest one sets its progress and status."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="reports", verbose_name=_("measure")
    )
    reported_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("text"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("new progress, %"),
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("Empty keeps the current progress."),
    )
    status = models.CharField(
        _("new status"),
        max_length=20,
        choices=Measure.Status,
        blank=True,
        help_text=_("Empty keeps the current status."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-pk"]
        get_latest_by = ["reported_on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="agreements_report_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} · {self.reported_on}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.reported_on and self.reported_on > timezone.localdate():
            raise ValidationError({"reported_on": _("A report cannot be dated in the future.")})
