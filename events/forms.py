import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from portal.languages import columns
from portal.lists import FilterForm, MonthField, ObjectBySlugField
from portal.models import PRIVACY_PAGE_SLUG, Page
from portal.timezones import TimeZoneField
from portal.uploads import KeepUploadsMixin, clean_image_field

from .models import Event, Registration

SINGLE_LINE_FIELDS = ("full_name", "organisation", "position")


def refuse_control_characters(form: forms.Form) -> None:
    """Names are one line of text: line breaks and other control characters are refused
    (they have no place in a name badge, a CSV cell or anywhere near an email header)."""
    for name in SINGLE_LINE_FIELDS:
        value = form.cleaned_data.get(name) or ""
        if any(unicodedata.category(char) == "Cc" for char in value):
            form.add_error(name, _("Please use a single line without special characters."))


class RegistrationForm(forms.ModelForm):
    # A field people never see; bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for this event."),
        required=True,
        error_messages={"required": _("Please agree to the processing of your personal data.")},
    )

    class Meta:
        model = Registration
        fields = ["full_name", "email", "organisation", "position", "phone", "consent"]
        help_texts = {
            "email": _("We send the confirmation and your personal link here."),
            "phone": _("Optional. Only for urgent changes to the event."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["organisation"].required = True
        self.fields["position"].required = True
        privacy_url = reverse("portal:page", args=[PRIVACY_PAGE_SLUG])
        version = Page.privacy_policy_version()
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>{}',
            privacy_url,
            _("Read the privacy policy"),
            format_html(" ({})", _("version %(version)s") % {"version": version})
            if version
            else "",
        )
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token
        self.helper.layout = Layout(
            *self.Meta.fields, Div("website", css_class="hp-field", aria_hidden="true")
        )

    def clean(self):
        cleaned_data = super().clean()
        refuse_control_characters(self)
        return cleaned_data

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


class LostLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)

    def clean(self):
        cleaned_data = super().clean()
        refuse_control_characters(self)
        return cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token


class EventAdminForm(KeepUploadsMixin, forms.ModelForm):
    """The admin's event form; a new image is checked and re-encoded before saving, and kept
    when another field fails."""

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
