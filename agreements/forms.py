from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES, column, fallback_order, language_label
from portal.lists import FilterForm, ObjectBySlugField, YearField

from .models import Agreement, Measure

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class RecordProgressForm(forms.Form):
    """A progress report for one or several measures (the admin's quick form)."""

    reported_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=AdminDateWidget,
        help_text=_("The latest report by date sets the measure's status and progress."),
    )
    progress = forms.IntegerField(
        label=_("New progress, %"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty keeps the current progress; 100 marks the measure done."),
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("(keep the current status)")), *Measure.Status.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One text box per language, the staff member's own first.
        for code in fallback_order():
            self.fields[column("text", code)] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": language_label(code)},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )

    def clean(self):
        data = super().clean()
        texts = {code: data.pop(column("text", code), "").strip() for code in LANGUAGE_CODES}
        data["texts"] = texts
        if not (any(texts.values()) or data.get("progress") is not None or data.get("status")):
            raise forms.ValidationError(_("Give a progress, a status or a text."))
        return data


class ProgressUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: number, date (YYYY-MM-DD, empty for today), status, progress, note. "
            "The measures CSV exported from the registry can be edited and uploaded as it is."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload


def public_statuses() -> list[tuple[str, str]]:
    """The status filter's choices: every status but draft, and "period ended" after "in
    force" (agreements signed or in force whose validity period is over)."""
    choices = []
    for value, label in Agreement.Status.choices:
        if value != Agreement.Status.DRAFT:
            choices.append((value, label))
        if value == Agreement.Status.IN_FORCE:
            choices.append((Agreement.PERIOD_ENDED, Agreement.PERIOD_ENDED_LABEL))
    return choices


class RegistryFilterForm(FilterForm):
    """The agreement registry's filters: party and sector (by slug), kind, status (never
    draft; or "period ended", derived), signing year and words (at most 100 characters, the
    rest ignored)."""

    party = ObjectBySlugField()
    sector = ObjectBySlugField()
    kind = forms.ChoiceField(choices=Agreement.Kind.choices, required=False)
    status = forms.ChoiceField(choices=public_statuses, required=False)
    year = YearField()
    q = forms.CharField(required=False)

    def __init__(self, data=None, *, parties=(), sectors=()):
        super().__init__(data)
        self.fields["party"].objects = list(parties)
        self.fields["sector"].objects = list(sectors)

    def clean_q(self):
        return self.cleaned_data["q"][:100]
