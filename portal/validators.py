"""One-line text: titles, names, places and other short fields hold a single line.

A line break in such a field breaks whatever shows it on one line: a name badge, a CSV cell,
and above all an email subject (Django refuses a header with a line break, so one typed
into an event's title made every email of that event fail). So:

- every one-line field of a form refuses line breaks and other control characters, with a
  message in the visitor's or staff member's language: ``SingleLineFormMixin`` for our own
  forms, ``SingleLineAdminMixin`` for the admin (the multilingual admin classes include it);
- ``one_line`` makes text one line where it must be, whatever is stored (email headers).

A field is one-line when it is a ``forms.CharField`` shown as a one-line input (not a text
area): what a model's ``CharField`` becomes in a form. A kernel module: it imports no app.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: every
# character that str.splitlines() breaks at is among them.
NOT_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAKS = re.compile(r"\s*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\s*")
MESSAGE = _("Please keep this on one line, without line breaks or tabs.")


def validate_single_line(value) -> None:
    """Refuse text with a line break (or another control character) in it."""
    if isinstance(value, str) and NOT_IN_ONE_LINE.search(value):
        raise ValidationError(MESSAGE, code="line_break")


def one_line(text: str) -> str:
    """``"Caspian\\nForum"`` → ``"Caspian Forum"``: each line break (with the spaces around
    it) becomes one space, and other control characters are dropped."""
    return NOT_IN_ONE_LINE.sub("", LINE_BREAKS.sub(" ", text)).strip()


def is_single_line(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)


def refuse_line_breaks(field: forms.Field) -> forms.Field:
    """Give a one-line form field the validator (once); other fields are left alone."""
    if is_single_line(field) and validate_single_line not in field.validators:
        field.validators.append(validate_single_line)
    return field


class SingleLineFormMixin:
    """For a form: its one-line fields refuse line breaks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            refuse_line_breaks(field)


class SingleLineAdminMixin:
    """For a ModelAdmin or an inline: the form fields of the model's one-line fields (every
    language's column of a translated one) refuse line breaks."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.CharField):
            refuse_line_breaks(field)
        return field
