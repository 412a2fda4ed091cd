import zoneinfo
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.backoffice import CheckboxesMixin, MarkdownPreviewMixin, register_attention
from portal.history import HistoryAdmin
from portal.languages import columns
from portal.lists import is_database_id
from portal.lookup import SkeletonSearchMixin
from portal.multilingual_admin import MultilingualAdmin, MultilingualTabularInline
from portal.text import short_moment
from portal.timezones import canonical_time_zone
from portal.validators import SingleLineAdminMixin

from . import dashboard, exports, questions, services
from .attendee_messages import message_view
from .delivery_errors import explain_email as explain
from .forms import EventAdminForm, StaffMessageForm
from .models import (
    Event,
    EventMessage,
    EventQuestion,
    EventQuestionChoice,
    OutboxEmail,
    PersonalDataExport,
    Registration,
)
from .outbox import retry_outbox_emails
from .workspace import STATUS_CHANGED, workspace_view

Status = Registration.Status
register_attention(dashboard.events_attention)

# The name of the intermediate page's button: its submit runs the action.
STAFF_MESSAGE_STEP = "with_message"
# A LogEntry change message in the admin's own format: the status changed and staff wrote
# to the person (the message itself is on the registration and in its change history).
STATUS_AND_MESSAGE_CHANGED = [{"changed": {"fields": ["status", "message from staff"]}}]
ACTION_TITLES = {
    "decline": _("Decline registrations"),
    "cancel": _("Cancel registrations"),
}
ACTION_REFUSED = {
    "decline": _("Only pending or waiting registrations can be declined."),
    "cancel": _("Only active registrations (confirmed, waiting or pending) can be cancelled."),
}


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("week", _("Within 7 days, with seats left")),
            ("upcoming", _("Not over yet")),
            ("past", _("Over")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "week":  # the start page's "events within 7 days with seats left"
            return queryset.starting_soon(within=dashboard.SOON, now=now).with_free_seats()
        if self.value() == "upcoming":
            return queryset.upcoming(now)
        if self.value() == "past":
            return queryset.past(now)
        return queryset


class EventQuestionInline(MultilingualTabularInline):
    """The event's registration questions; a choice question's choices are edited on the
    question's own page (the admin has no inline within an inline)."""

    model = EventQuestion
    extra = 0
    fields = ["kind", "required", "position", "choice_list"]
    readonly_fields = ["choice_list"]
    show_change_link = True
    verbose_name_plural = _("registration questions")

    @admin.display(description=_("choices"))
    def choice_list(self, question):
        if not question.pk:
            return _("Save first; then open the question to add its choices.")
        if not question.has_choices:
            return "—"
        url = reverse("admin:events_eventquestion_change", args=[question.pk])
        labels = [choice.label for choice in question.choices.all()]
        if not labels:
            return format_html(
                '<a href="{}"><strong>{}</strong></a>',
                url,
                _("No choices yet: the form leaves the question out. Add choices"),
            )
        return format_html('{} · <a href="{}">{}</a>', "; ".join(labels), url, _("edit"))


@admin.register(Event)
class EventAdmin(
    SkeletonSearchMixin,
    CheckboxesMixin,
    MarkdownPreviewMixin,
    MultilingualAdmin,
    HistoryAdmin,
):
    form = EventAdminForm
    inlines = [EventQuestionInline]
    list_display = [
        "title",
        "starts",
        "status",
        "capacity",
        "confirmed",
        "waiting",
        "pending",
        "checked_in",
        "open_links",
    ]
    list_filter = [WhenFilter, "status", "kind", "sectors", "starts_at"]
    search_fields = ["title", "venue_name", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_news"]
    autocomplete_fields = ["related_agreements"]
    readonly_fields = ["created_at", "updated_at"]
    markdown_fields = ("description",)
    checkbox_fields = ("sectors",)
    change_form_template = "admin/events/event/change_form.html"
    fieldsets = [
        (_("Details"), {"fields": [("kind", "status"), "sectors"]}),
        (
            _("Time and place"),
            # The zone first: the times below are entered in it (EventAdminForm).
            {"fields": ["time_zone", ("starts_at", "ends_at"), "online_url"]},
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    ("registration_opens_at", "registration_closes_at"),
                    "waiting_list_enabled",
                    "approval_required",
                ]
            },
        ),
        (_("Image"), {"fields": ["image"]}),
        (
            _("Web address and related content"),
            {"fields": ["slug", "related_news", "related_agreements"], "classes": ["collapse"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_seat_counts().with_pending_count()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin's date-time widgets work in the current zone (the "Now" button, the note
        # "Enter times in the … timezone"): make it the zone the times are entered in.
        with timezone.override(self._entry_zone(request, object_id)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def _entry_zone(self, request, object_id) -> zoneinfo.ZoneInfo:
        """The zone chosen in the submitted form, else the event's, else the site's."""
        chosen = canonical_time_zone(request.POST.get("time_zone", ""))
        if request.method == "POST" and chosen:
            return zoneinfo.ZoneInfo(chosen)
        event = Event.objects.filter(pk=object_id).first() if is_database_id(object_id) else None
        return event.zone if event else zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def get_urls(self):
        return [
            path(
                "<int:pk>/workspace/",
                self.admin_site.admin_view(partial(workspace_view, self)),
                name="events_event_workspace",
            ),
            path(
                "<int:pk>/message/",
                self.admin_site.admin_view(partial(message_view, self)),
                name="events_event_message",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("confirmed"), ordering="n_confirmed")
    def confirmed(self, event):
        return event.n_confirmed

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, event):
        return event.n_waiting

    @admin.display(description=_("cancelled"), ordering="n_cancelled")
    def cancelled(self, event):
        return event.n_cancelled

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, event):
        return short_moment(event.starts_at)

    @admin.display(description=_("to approve"), ordering="n_pending")
    def pending(self, event):
        return event.n_pending

    @admin.display(description=_("checked in"), ordering="n_checked_in")
    def checked_in(self, event):
        return event.n_checked_in

    @admin.display(description=_("open"))
    def open_links(self, event):
        workspace = reverse("admin:events_event_workspace", args=[event.pk])
        check_in = reverse("events:check-in", kwargs={"slug": event.slug})
        return format_html(
            '<a href="{}" class="workspace-link">{}</a> · <a href="{}">{}</a>',
            workspace,
            _("Workspace"),
            check_in,
            _("Check-in"),
        )

    def save_model(self, request, obj, form, change):
        previous = Event.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        count, promoted = services.apply_event_change(event=obj, previous=previous)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%d registrant is emailed about the change.",
                    "%d registrants are emailed about the change.",
                    count,
                )
                % count,
                messages.INFO,
            )
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%d person moved from the waiting list to confirmed.",
                    "%d people moved from the waiting list to confirmed.",
                    len(promoted),
                )
                % len(promoted),
                messages.INFO,
            )


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        if self.instance.has_choices and len(kept) < 2:
            raise ValidationError(_("Give the question at least two choices."))


class EventQuestionChoiceInline(MultilingualTabularInline):
    model = EventQuestionChoice
    formset = ChoiceFormSet
    extra = 3
    fields = ["position"]


@admin.register(EventQuestion)
class EventQuestionAdmin(MultilingualAdmin):
    """A question's own page, for its choices; questions are added on their event's page."""

    fields = ["event", "kind", "required", "position"]
    readonly_fields = ["event"]
    inlines = [EventQuestionChoiceInline]
    language_fieldsets_at = 0

    def has_module_permission(self, request):
        return False  # not in the admin's index: reached from the event

    def has_add_permission(self, request):
        return False

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, _("The question is saved."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[obj.event_id]))


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


class EventOverFilter(admin.SimpleListFilter):
    title = _("event dates")
    parameter_name = "event_over"

    def lookups(self, request, model_admin):
        return [("no", _("Not over yet")), ("yes", _("Over"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "no":
            return queryset.filter(event__ends_at__gte=now)
        if self.value() == "yes":
            return queryset.filter(event__ends_at__lt=now)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(SingleLineAdminMixin, SkeletonSearchMixin, HistoryAdmin):
    # Status and check-in first: at 1366 px (and on a phone) they stay in view.
    list_display = [
        "status_badge",
        "short_name",
        "checked_in",
        "short_event",
        "organisation",
        "email",
        "registered",
    ]
    list_display_links = ["short_name"]
    list_filter = [
        "status", EventOverFilter, "event", "language", CheckedInFilter, "is_walk_in",
        "over_capacity",
    ]  # fmt: skip
    search_fields = ["full_name", "email", "organisation", "position"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "event",
        "status",
        "language",
        "consent",
        "consent_at",
        "policy_version",
        "is_walk_in",
        "over_capacity",
        "checked_in_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
        "anonymised_at",
        "registrant_page",
        "answers",
        "staff_message",
    ]
    fields = [
        "event",
        "status",
        "staff_message",
        "full_name",
        "email",
        "organisation",
        "position",
        "phone",
        "answers",
        "language",
        "consent",
        "consent_at",
        "policy_version",
        "is_walk_in",
        "over_capacity",
        "checked_in_at",
        "reminder_sent_at",
        "created_at",
        "updated_at",
        "anonymised_at",
        "registrant_page",
    ]
    actions = [
        "confirm_from_waiting_list",
        "approve",
        "decline",
        "cancel",
        "resend_confirmation",
        "export_csv",
        "export_xlsx",
    ]
    # The actions the event workspace offers (events.workspace), in its order.
    workspace_actions = [
        "approve",
        "confirm_from_waiting_list",
        "decline",
        "cancel",
        "resend_confirmation",
        "export_csv",
        "export_xlsx",
    ]

    def has_add_permission(self, request):
        # Registrations come through the public form or the check-in page, which
        # enforce capacity; the admin changes them only through the actions.
        return False

    @admin.display(description=_("full name"), ordering="full_name")
    def short_name(self, registration):
        # A visitor can type 200 characters without a space; keep the list readable.
        return Truncator(registration.full_name).chars(60)

    @admin.display(description=_("answers to the event's questions"))
    def answers(self, registration):
        answers = registration.answers.select_related("question").prefetch_related("choices")
        if not answers:
            return "—"
        return format_html(
            '<dl class="registration-answers">{}</dl>',
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                (
                    (
                        answer.question.label,
                        linebreaksbr(questions.answer_text(answer), autoescape=True),
                    )
                    for answer in answers
                ),
            ),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, registration):
        return format_html(
            '<span class="status-badge status-badge-{}">{}</span>',
            registration.status,
            registration.get_status_display(),
        )

    @admin.display(description=_("event"), ordering="event__starts_at")
    def short_event(self, registration):
        return Truncator(str(registration.event)).chars(36)

    @admin.display(description=_("checked in"), ordering="checked_in_at")
    def checked_in(self, registration):
        return short_moment(registration.checked_in_at) if registration.checked_in_at else "—"

    @admin.display(description=_("registered"), ordering="created_at")
    def registered(self, registration):
        return short_moment(registration.created_at)

    @admin.display(description=_("registrant's page"))
    def registrant_page(self, registration):
        url = registration.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, _("open"))

    def _run(self, request, queryset, service, done_message, *, changes_status=True, log=None):
        done = 0
        for registration in queryset.select_related("event"):
            try:
                service(registration=registration)
            except services.RegistrationError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.WARNING)
            else:
                done += 1
                if changes_status:  # for the start page's "last changes by other staff"
                    self.log_change(request, registration, log or STATUS_CHANGED)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    def _with_message(self, request, queryset, *, action, service, applies_to, done_message):
        """Decline or cancel after an intermediate page, where staff may write a message to
        the people (StaffMessageForm): the first submit of the action shows the page, its
        button runs the action with the message. The page posts back to where the action
        came from (the change list or the event workspace), with the same ticked rows."""
        form = StaffMessageForm(request.POST if STAFF_MESSAGE_STEP in request.POST else None)
        if form.is_bound and form.is_valid():
            message = form.cleaned_data["message"]
            self._run(
                request,
                queryset,
                partial(service, message=message),
                done_message,
                log=STATUS_AND_MESSAGE_CHANGED if message else STATUS_CHANGED,
            )
            return None
        back = request.POST.get("next", "")
        registrations = list(queryset.select_related("event").order_by("full_name", "pk"))
        applicable = [r for r in registrations if r.status in applies_to]
        if not applicable:
            self.message_user(request, ACTION_REFUSED[action], messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": ACTION_TITLES[action],
            "subtitle": None,
            "opts": self.opts,
            "action": action,
            "form": form,
            "step": STAFF_MESSAGE_STEP,
            "registrations": registrations,
            "applicable": applicable,
            "left_as_they_are": len(registrations) - len(applicable),
            "refused": ACTION_REFUSED[action],
            "without_email": sum(1 for r in applicable if not r.email),
            "next": back if url_has_allowed_host_and_scheme(back, {request.get_host()}) else "",
        }
        return TemplateResponse(request, "admin/events/registration/with_message.html", context)

    @admin.action(description=_("Confirm from the waiting list"), permissions=["change"])
    def confirm_from_waiting_list(self, request, queryset):
        self._run(
            request,
            queryset.order_by("created_at", "pk"),
            services.confirm_from_waiting_list,
            lambda n: ngettext("%d registration confirmed.", "%d registrations confirmed.", n) % n,
        )

    @admin.action(
        description=_("Approve (registrations awaiting approval)"), permissions=["change"]
    )
    def approve(self, request, queryset):
        self._run(
            request,
            queryset.order_by("created_at", "pk"),
            services.approve_registration,
            lambda n: ngettext("%d registration approved.", "%d registrations approved.", n) % n,
        )

    @admin.action(description=_("Decline…"), permissions=["change"])
    def decline(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action="decline",
            service=services.decline_registration,
            applies_to=services.DECLINABLE,
            done_message=lambda n: (
                ngettext("%d registration declined.", "%d registrations declined.", n) % n
            ),
        )

    @admin.action(
        description=_("Cancel (frees the seat for the waiting list)…"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        return self._with_message(
            request,
            queryset,
            action="cancel",
            service=partial(services.cancel_registration, by_staff=True),
            applies_to=Registration.ACTIVE_STATUSES,
            done_message=lambda n: (
                ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n
            ),
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        self._run(
            request,
            queryset.exclude(email=""),
            services.resend_confirmation,
            lambda n: ngettext("%d email queued.", "%d emails queued.", n) % n,
            changes_status=False,
        )

    def has_export_permission(self, request):
        return request.user.has_perm("events.export_registration")

    @admin.action(description=_("Export to CSV (Excel)"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export to Excel (XLSX)"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")

    def _export(self, request, queryset, kind: str):
        registrations = list(exports.with_answers(queryset).order_by("event", "full_name", "pk"))
        services.record_personal_data_export(
            user=request.user, registrations=registrations, what=f"Registrations ({kind.upper()})"
        )
        if kind == "xlsx":
            content = exports.registrations_xlsx(registrations)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = exports.registrations_csv(registrations)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        filename = f"registrations-{timezone.localdate():%Y-%m-%d}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("undelivered", _("Not delivered")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "undelivered":
            return queryset.exclude(status=OutboxEmail.Status.SENT)
        if self.value() == "sent":
            return queryset.filter(status=OutboxEmail.Status.SENT)
        return queryset


@admin.register(OutboxEmail)
class OutboxEmailAdmin(SkeletonSearchMixin, admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "next_attempt", "sent_at", "error"]
    list_filter = [DeliveryFilter, "status", "language"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "language",
        "registration",
        "status",
        "attempts",
        "error",
        "last_error",
        "next_attempt",
        "sent_at",
        "created_at",
    ]
    exclude = ["html", "attachments", "next_attempt_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("delivery problem"))
    def error(self, email):
        """In plain words; the technical text is in the tooltip and on the email's page."""
        if not email.last_error:
            return "—"
        return format_html('<span title="{}">{}</span>', email.last_error[:300], explain(email))

    @admin.display(description=_("next attempt"), ordering="next_attempt_at")
    def next_attempt(self, email):
        # Only a queued email has one: a sent or given-up email is never tried again.
        if email.status != OutboxEmail.Status.QUEUED:
            return "—"
        return date_format(timezone.localtime(email.next_attempt_at), "DATETIME_FORMAT")

    @admin.action(description=_("Try to send again now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = retry_outbox_emails(emails=queryset)
        self.message_user(
            request,
            ngettext(
                "%d email is queued: the worker sends it in a moment.",
                "%d emails are queued: the worker sends them in a moment.",
                count,
            )
            % count,
            messages.INFO,
        )


@admin.register(EventMessage)
class EventMessageAdmin(MultilingualAdmin):
    """The log of messages to attendees (written on the event's "Message to attendees"
    page): read-only."""

    list_display = ["sent_at", "subject", "event", "audience", "recipient_count", "sent_by_name"]
    list_filter = ["audience", "sent_at", "event"]
    list_select_related = ["event"]
    search_fields = ["subject", "sent_by_name", *columns("event__title")]
    date_hierarchy = "sent_at"
    fields = ["event", "audience", "recipient_count", "sent_by_name", "sent_at"]
    readonly_fields = fields
    language_fieldsets_at = 1

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields, *columns("subject", "body")]

    def has_add_permission(self, request):
        return False  # only through the event's page, which previews and counts first

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(SkeletonSearchMixin, admin.ModelAdmin):
    """The log of personal data exports: superusers only, and nobody can change it."""

    list_display = ["exported_at", "username", "what", "event_list", "row_count"]
    list_filter = ["what", "exported_at"]
    search_fields = ["username", *columns("events__title")]
    date_hierarchy = "exported_at"
    fields = ["exported_at", "username", "user", "what", "event_list", "row_count"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("events"))
    def event_list(self, export):
        return ", ".join(event.title for event in export.events.all())

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
