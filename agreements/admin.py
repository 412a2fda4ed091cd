from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.backoffice import CheckboxesMixin, MarkdownPreviewMixin, register_attention
from portal.history import HistoryAdmin
from portal.languages import active_language, column, columns
from portal.lists import is_database_id
from portal.lookup import SkeletonSearchMixin
from portal.multilingual_admin import (
    MultilingualAdmin,
    MultilingualStackedInline,
    MultilingualTabularInline,
)

from . import dashboard, services
from .forms import ProgressUploadForm, RecordProgressForm
from .models import Agreement, AgreementDocument, Measure, Party, ProgressReport, Signatory
from .progress_import import preview_import, read_text

IMPORT_SALT = "agreements.progress-import"

register_attention(dashboard.measures_attention)


def describe_outcome(outcome: services.ProgressOutcome) -> str:
    """E.g. "1.1 Port works: In progress → Done, 60% → 100%"."""
    before, after = outcome.before, outcome.after
    parts = []
    if before.status != after.status:
        parts.append(f"{before.status_label} → {after.status_label}")
    if before.progress != after.progress:
        parts.append(f"{before.progress}% → {after.progress}%")
    return f"{outcome.measure}: {', '.join(parts)}"


def report_outcomes(model_admin, request, outcomes: list[services.ProgressOutcome]) -> None:
    """Tell the officer what the recorded reports really did, and log the changed measures
    (the start page's "last changes")."""
    changed = [outcome for outcome in outcomes if outcome.changed]
    summary = ngettext(
        "%(count)d progress report recorded.", "%(count)d progress reports recorded.", len(outcomes)
    ) % {"count": len(outcomes)}
    summary += " " + ngettext(
        "%(count)d measure changed.", "%(count)d measures changed.", len(changed)
    ) % {"count": len(changed)}
    messages.success(request, summary)
    for outcome in changed:
        model_admin.log_change(request, outcome.measure, changed_fields_message(outcome))
    if changed:
        shown = "; ".join(describe_outcome(outcome) for outcome in changed[:10])
        if len(changed) > 10:
            shown += " …"
        messages.info(request, shown)
    unchanged = [outcome for outcome in outcomes if not outcome.changed]
    for outcome in unchanged[:10]:
        reason = " ".join(str(warning) for warning in outcome.warnings) or _(
            "no change in status or progress."
        )
        messages.warning(request, f"{outcome.measure}: {reason}")


def changed_fields_message(outcome: services.ProgressOutcome) -> list[dict]:
    """A LogEntry change message in the admin's own format (translated when shown)."""
    fields = []
    if outcome.before.status != outcome.after.status:
        fields.append("status")
    if outcome.before.progress != outcome.after.progress:
        fields.append("progress, %")
    return [{"changed": {"fields": fields}}]


@admin.register(Party)
class PartyAdmin(SkeletonSearchMixin, MultilingualAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "country", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["slug", "kind"]


class SignatoryInline(MultilingualStackedInline):
    model = Signatory
    extra = 0
    classes = ["collapse"]
    autocomplete_fields = ["party"]
    fields = ["party", "order"]
    language_fieldsets_at = 0


class DocumentInline(MultilingualTabularInline):
    model = AgreementDocument
    extra = 0
    classes = ["collapse"]
    fields = ["file", "language", "order"]


class MeasureInline(MultilingualTabularInline):
    """The agreement's measures at a glance: the title in the staff member's language only
    (every language's title and the description are on the measure's own page), so that the
    table fits the screen."""

    model = Measure
    extra = 0
    show_change_link = True
    fields = ["number", "title", "sector", "due_on", "weight", "status", "progress"]
    readonly_fields = ["status", "progress"]

    def get_fieldsets(self, request, obj=None):
        fields = [column("title", active_language()) if name == "title" else name
                  for name in self.fields]  # fmt: skip
        return [(None, {"fields": fields})]


@admin.register(Agreement)
class AgreementAdmin(
    SkeletonSearchMixin,
    CheckboxesMixin,
    MarkdownPreviewMixin,
    MultilingualAdmin,
    HistoryAdmin,
):
    list_display = ["title", "kind", "status", "signed_on", "progress_display", "overdue_display"]
    list_filter = ["status", "kind", "sectors", "parties"]
    search_fields = ["title", "reference_number", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties", "related_news"]
    checkbox_fields = ("sectors",)
    date_hierarchy = "signed_on"
    inlines = [SignatoryInline, DocumentInline, MeasureInline]
    change_form_template = "admin/agreements/agreement/change_form.html"
    markdown_fields = ("summary", "full_text")
    fieldsets = [
        (_("Details"), {"fields": [("kind", "status"), "reference_number"]}),
        (
            _("Signing and validity"),
            {"fields": ["signed_on", ("valid_from", "valid_until")]},
        ),
        (_("Parties and sectors"), {"fields": ["parties", "sectors"]}),
        (
            _("Web address and related news"),
            {"fields": ["slug", "related_news"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("overall progress"), ordering="overall_progress")
    def progress_display(self, obj):
        return "—" if obj.overall_percent is None else f"{obj.overall_percent}%"

    @admin.display(description=_("overdue measures"), ordering="overdue_count")
    def overdue_display(self, obj):
        return obj.overdue_count

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-progress/",
                self.admin_site.admin_view(self.import_progress_view),
                name="agreements_agreement_import_progress",
            ),
            *super().get_urls(),
        ]

    def import_progress_view(self, request, pk):
        """Bulk progress upload: preview first, then apply in one transaction on confirm."""
        agreement = get_object_or_404(Agreement, pk=pk)
        # The import changes measures (through progress reports), not only the agreement.
        if not (
            self.has_change_permission(request, agreement)
            and request.user.has_perm("agreements.change_measure")
            and request.user.has_perm("agreements.add_progressreport")
        ):
            raise PermissionDenied
        change_url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
        form = ProgressUploadForm()
        preview = payload = None
        if request.method == "POST" and "payload" in request.POST:
            try:
                text = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
            except signing.BadSignature:
                messages.error(request, _("The preview has expired; upload the file again."))
                return HttpResponseRedirect(request.path)
            preview = preview_import(agreement=agreement, text=text)
            try:
                outcomes = services.import_progress(agreement=agreement, rows=preview.changes)
            except services.AgreementError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(request.path)
            report_outcomes(self, request, outcomes)
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            form = ProgressUploadForm(request.POST, request.FILES)
            if form.is_valid():
                text = read_text(form.cleaned_data["file"].read())
                preview = preview_import(agreement=agreement, text=text)
                payload = signing.dumps(text, salt=IMPORT_SALT, compress=True)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import progress reports for %(agreement)s") % {"agreement": agreement},
            "opts": self.opts,
            "original": agreement,
            "form": form,
            "preview": preview,
            "payload": payload,
            "change_url": change_url,
            "export_url": reverse("agreements:agreement-measures-csv", args=[agreement.slug]),
        }
        return TemplateResponse(request, "admin/agreements/import_progress.html", context)


class ProgressReportInline(MultilingualStackedInline):
    """Reports are added with "Record progress report"; here their texts can be corrected."""

    model = ProgressReport
    extra = 0
    fields = ["reported_on", "progress", "status"]
    readonly_fields = ["reported_on", "progress", "status"]

    def has_add_permission(self, request, obj=None):
        return False


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within 30 days"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "soon":
            return queryset.due_soon()
        return queryset


@admin.register(Measure)
class MeasureAdmin(SkeletonSearchMixin, MarkdownPreviewMixin, MultilingualAdmin, HistoryAdmin):
    list_display = [
        "number", "title", "short_agreement", "sector", "state", "due", "record_link",
    ]  # fmt: skip
    list_display_links = ["number", "title"]
    list_filter = [DueFilter, "status", "sector", "agreement__status", "agreement"]
    search_fields = ["number", "title", *columns("agreement__title")]
    list_select_related = ["agreement", "sector"]
    autocomplete_fields = ["agreement", "responsible_bodies"]
    inlines = [ProgressReportInline]
    actions = ["record_progress_action"]
    change_form_template = "admin/agreements/measure/change_form.html"
    markdown_fields = ("description",)
    fieldsets = [
        (None, {"fields": ["agreement", "number", "sector", "responsible_bodies"]}),
        (_("Progress"), {"fields": ["due_on", "weight", "status", "progress"]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # Once a measure exists, its progress and status follow its progress reports.
        return ["status", "progress"] if obj else []

    @admin.display(description=_("agreement"), ordering="agreement")
    def short_agreement(self, obj):
        return Truncator(str(obj.agreement)).chars(40)

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        return f"{obj.get_status_display()} · {obj.progress}%"

    @admin.display(description=_("due date"), ordering="due_on")
    def due(self, obj):
        if not obj.due_on:
            return "—"
        date = date_format(obj.due_on, "j M Y")
        if obj.is_overdue:
            return format_html('{} <strong class="overdue">{}</strong>', date, _("overdue"))
        return date

    @admin.display(description=_("Progress report"))
    def record_link(self, obj):
        url = reverse("admin:agreements_measure_record_progress") + f"?ids={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Record"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.apply_latest_report(measure=form.instance)  # reports may have been deleted

    @admin.action(description=_("Record a progress report for the selected measures"))
    def record_progress_action(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(
            reverse("admin:agreements_measure_record_progress") + f"?ids={ids}"
        )

    def get_urls(self):
        return [
            path(
                "record-progress/",
                self.admin_site.admin_view(self.record_progress_view),
                name="agreements_measure_record_progress",
            ),
            *super().get_urls(),
        ]

    def record_progress_view(self, request):
        """The quick form: one progress report for one or several measures."""
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if is_database_id(pk)]
        measures = list(Measure.objects.filter(pk__in=ids).select_related("agreement"))
        if not measures:
            messages.error(request, _("Choose at least one measure."))
            return HttpResponseRedirect(reverse("admin:agreements_measure_changelist"))
        if not all(self.has_change_permission(request, measure) for measure in measures):
            raise PermissionDenied
        form = RecordProgressForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                outcomes = services.record_progress_for(measures=measures, **form.cleaned_data)
            except services.AgreementError as error:
                form.add_error(None, error.message)
            else:
                report_outcomes(self, request, outcomes)
                if len(measures) == 1:
                    url = reverse("admin:agreements_measure_change", args=[measures[0].pk])
                else:
                    url = reverse("admin:agreements_measure_changelist")
                return HttpResponseRedirect(url)
        latest = services.existing_reports(measures)
        for measure in measures:
            measure.latest_report_on = max(
                (report.reported_on for report in latest[measure.pk]), default=None
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a progress report"),
            "opts": self.opts,
            "form": form,
            "measures": measures,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/agreements/record_progress.html", context)
