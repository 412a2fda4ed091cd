import contextlib
import datetime
import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from portal.form_errors import ErrorSummaryMixin
from portal.languages import active_language, column, columns, fallback_order, language_label
from portal.lists import FilterForm, MonthField, ObjectBySlugField
from portal.models import PRIVACY_PAGE_SLUG, Page
from portal.timezones import TimeZoneField
from portal.uploads import KeepUploadsMixin, clean_image_field
from portal.validators import SingleLineFormMixin, refuse_line_breaks

from . import checkin, questions, tickets
from .models import STAFF_MESSAGE_MAX_LENGTH, Event, EventMessage, Registration


class RegistrationForm(ErrorSummaryMixin, SingleLineFormMixin, forms.Form):
    """The public registration form, with the event's own questions after the person's
    details (events.questions). Names are one line of text (portal.validators): line breaks
    have no place in a name badge, a CSV cell or anywhere near an email header.

    A plain form whose fields are the model's (REGISTRATION_FIELDS below): the service makes
    the registration, so a ModelForm's instance, built and validated on every submission,
    was work for nothing."""

    summary_labels = {"consent": _("Consent to data processing")}
    # What phones and browsers need to offer the right keyboard and fill in the details
    # (autocomplete tokens: the HTML standard's; inputmode picks the keyboard).
    input_attrs = {
        "full_name": {"autocomplete": "name", "autocapitalize": "words"},
        "email": {"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
        "organisation": {"autocomplete": "organization"},
        "position": {"autocomplete": "organization-title"},
        "phone": {"type": "tel", "autocomplete": "tel", "inputmode": "tel"},
    }

    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for this event."),
        required=True,
        error_messages={"required": _("Please agree to the processing of your personal data.")},
    )

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions.remembered_questions(event) if event else []
        consent = self.fields.pop("consent")
        for question in self.questions:
            self.fields[questions.field_name(question)] = questions.form_field(question)
        self.fields["consent"] = consent
        self.fields["email"].required = True
        self.fields["organisation"].required = True
        self.fields["position"].required = True
        privacy_url = reverse("portal:page", args=[PRIVACY_PAGE_SLUG])
        # Read once per submission: the service records the same version (register_attendee).
        self.policy_version = version = Page.privacy_policy_version()
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>{}',
            privacy_url,
            _("Read the privacy policy"),
            format_html(" ({})", _("version %(version)s") % {"version": version})
            if version
            else "",
        )
        for name, attrs in self.input_attrs.items():
            widget = self.fields[name].widget
            widget.input_type = attrs.get("type", widget.input_type)
            widget.attrs.update({key: value for key, value in attrs.items() if key != "type"})
        for question in self.questions:  # the browser has nothing of its own to suggest here
            widget = self.fields[questions.field_name(question)].widget
            if isinstance(widget, forms.TextInput | forms.Textarea):
                widget.attrs["autocomplete"] = "off"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    @cached_property
    def helper(self) -> FormHelper:
        """crispy-forms' layout, built when the form is shown (a valid submission is not)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's <form> has its own token
        helper.layout = Layout(
            *(name for name in self.fields if name != "website"),
            Div("website", css_class="hp-field", aria_hidden="true"),
        )
        return helper

    def answers(self) -> dict:
        """The answers to the event's questions (after validation), for register_attendee."""
        return {
            question: self.cleaned_data.get(questions.field_name(question))
            for question in self.questions
        }

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave this field empty."))
        return ""

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        allowed = set("0123456789+-() ")
        if phone and (not set(phone) <= allowed or sum(c.isdigit() for c in phone) < 5):
            raise forms.ValidationError(_("Enter a phone number of digits, spaces, + - ( )."))
        return phone


# The person's details: the model's fields (labels, lengths), before the declared ones.
RegistrationForm.base_fields = {
    **forms.fields_for_model(
        Registration,
        fields=["full_name", "email", "organisation", "position", "phone"],
        help_texts={
            "email": _("We send the confirmation and your personal link here."),
            "phone": _("Optional. Only for urgent changes to the event."),
        },
    ),
    **RegistrationForm.base_fields,
}


class LostLinkForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            autocomplete="email", inputmode="email", spellcheck="false"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token


class WalkInForm(SingleLineFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    # Set by the second step at a full event: how many people over the capacity the staff
    # member agreed to (events.services.add_walk_in).
    over_capacity = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=10000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token

    def walk_in(self) -> dict:
        """The arguments of events.services.add_walk_in (after validation)."""
        return {**self.cleaned_data, "over_capacity": self.cleaned_data["over_capacity"] or 0}


class StaffMessageForm(forms.Form):
    """Staff decline or cancel registrations, with an optional message to the people (the
    admin's intermediate page; events.admin)."""

    message = forms.CharField(
        label=_("Message to the person (optional)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        max_length=STAFF_MESSAGE_MAX_LENGTH,
        required=False,
        help_text=format_lazy(
            _(
                "Sent in the email, below the email's own words in the person's language, "
                "exactly as you write it, and shown on their page. At most {} characters."
            ),
            STAFF_MESSAGE_MAX_LENGTH,
        ),
    )


# The event's moments that staff enter as wall-clock times in the event's own zone.
EVENT_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


class EventAdminForm(KeepUploadsMixin, forms.ModelForm):
    """The admin's event form; a new image is checked and re-encoded before saving, and kept
    when another field fails.

    Staff enter the event's times as the clocks show them where the event takes place:
    10:00 for an event in Istanbul is 10:00 Istanbul time (07:00 UTC), whatever the site's
    zone. The form shows stored times in the event's zone and reads the typed ones in the
    zone chosen in the same form (a new zone re-reads the times typed with it). Daylight
    saving time comes from zoneinfo; a time that does not exist or happens twice in the zone
    (the hour the clocks skip or repeat) gets Django's "couldn't be interpreted" error.
    """

    kept_image_fields = ("image",)

    time_zone = TimeZoneField(
        label=capfirst(Event._meta.get_field("time_zone").verbose_name),
        help_text=format_lazy(
            "{} {}",
            Event._meta.get_field("time_zone").help_text,
            _("Type a city to search, e.g. Baku; the zones used most often come first."),
        ),
    )

    class Meta:
        model = Event
        fields = [
            "slug", "kind", "status", "starts_at", "ends_at", "time_zone", "online_url",
            "capacity", "registration_opens_at", "registration_closes_at",
            "waiting_list_enabled", "approval_required", "image", "sectors", "related_news",
            "related_agreements",
            *columns("title", "description", "venue_name", "venue_address", "organisers",
                     "image_alt"),
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shown_zone = self.instance.zone
        for name in EVENT_TIMES:
            value = self.initial.get(name)
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                # Naive wall-clock time: the widgets show it as it is.
                self.initial[name] = timezone.make_naive(value, shown_zone)
            if name in self.fields:
                self.fields[name].help_text = format_lazy(
                    "{} {}", self.fields[name].help_text, _("In the event's time zone.")
                ).strip()

    def entered_zone(self) -> zoneinfo.ZoneInfo:
        """The zone chosen in the submitted form; the event's own while it is not valid
        (the time zone field shows its error then)."""
        if self.is_bound and "time_zone" in self.fields:
            field = self.fields["time_zone"]
            raw = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("time_zone")
            )
            with contextlib.suppress(ValidationError, zoneinfo.ZoneInfoNotFoundError, ValueError):
                return zoneinfo.ZoneInfo(field.clean(raw))
        return self.instance.zone

    def full_clean(self):
        # The date-time fields read wall-clock times in the current zone: make it the event's.
        with timezone.override(self.entered_zone()):
            super().full_clean()

    def clean_image(self):
        return clean_image_field(self.cleaned_data.get("image"))


class EventFilterForm(FilterForm):
    """The events list's filter bar: a sector (by slug), a kind and a month (YYYY-MM)."""

    sector = ObjectBySlugField()
    kind = forms.ChoiceField(choices=Event.Kind.choices, required=False)
    month = MonthField()

    def __init__(self, data=None, *, sectors=()):
        super().__init__(data)
        self.fields["sector"].objects = list(sectors)


class EventMessageForm(SingleLineFormMixin, forms.Form):
    """Staff write to an event's registrants: who gets it, and the subject and text in each
    language they write it in (one at least; the staff member's own language first)."""

    audience = forms.ChoiceField(
        label=_("Send to"), choices=EventMessage.Audience.choices, widget=forms.RadioSelect
    )
    # The preview's one-time key (EventMessage.key) and the number of people it showed.
    key = forms.UUIDField(widget=forms.HiddenInput)
    expected_count = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        counts = {
            audience: event.registrations.in_audience(audience).count()
            for audience in EventMessage.Audience
        }
        self.fields["audience"].choices = [
            (audience.value, f"{audience.label} ({counts[audience]})")
            for audience in EventMessage.Audience
        ]
        self.languages = fallback_order(active_language())
        for code in self.languages:
            name = language_label(code)
            self.fields[column("subject", code)] = refuse_line_breaks(
                forms.CharField(
                    label=format_lazy("{} ({})", _("Subject"), name),
                    max_length=200,
                    required=False,
                )
            )
            self.fields[column("body", code)] = forms.CharField(
                label=format_lazy("{} ({})", _("Text"), name),
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=10000,
                required=False,
            )

    def clean(self):
        cleaned_data = super().clean()
        written = []
        for code in self.languages:
            subject, body = column("subject", code), column("body", code)
            if subject in self.errors or body in self.errors:
                continue
            has_subject, has_body = bool(cleaned_data.get(subject)), bool(cleaned_data.get(body))
            if has_subject and not has_body:
                self.add_error(body, _("Write the text too, or remove this language's subject."))
            elif has_body and not has_subject:
                self.add_error(subject, _("Write the subject too, or remove this language's text."))
            elif has_subject:
                written.append(code)
        if not written and not self.errors:
            raise forms.ValidationError(_("Write the message in at least one language."))
        return cleaned_data

    def texts(self, field: str) -> dict[str, str]:
        """The subjects or the texts by language (after validation)."""
        return {code: self.cleaned_data.get(column(field, code), "") for code in self.languages}

    def draft(self) -> EventMessage:
        """The message as it would be sent (unsaved), for the preview."""
        message = EventMessage(event=self.event, audience=self.cleaned_data["audience"])
        for field in ("subject", "body"):
            for code, text in self.texts(field).items():
                setattr(message, column(field, code), text)
        return message


class TicketScanForm(forms.Form):
    """One scan at the door: a photo of the ticket's QR code, or its code (typed by hand or
    read by the camera on the check-in page). ``cleaned_data["ticket"]`` is the code."""

    photo = forms.FileField(label=_("Photo of the ticket"), required=False)
    code = forms.CharField(label=_("Ticket code"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if data.get("photo"):
            try:
                data["ticket"] = checkin.code_from_photo(data["photo"])
            except checkin.ScanError as error:
                raise ValidationError(error.message) from None
        else:
            data["ticket"] = tickets.normalise(data.get("code", ""))
            if not data["ticket"]:
                raise ValidationError(_("Type the ticket code or take a photo of the ticket."))
        return data
