"""The admin's change history (django-simple-history) as staff read the rest of the admin.

The library prints each changed value with ``str()``: times in UTC with seconds and offset
("2026-12-16 06:00:00+00:00"), choices by their stored value ("in_progress"), ``True`` and
``None``. Here a value is shown as a form would show it: times in the site's zone
(``TIME_ZONE``) and the staff member's date format, choices by their label, booleans as
Yes/No, empty values as a dash.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def readable_value(field, value):
    """``value`` of model field ``field`` as a person reads it, in the active language."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):  # many-to-many: already the related objects' names
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


class ReadableChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return readable_value(self.model._meta.get_field(change.field), value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page shows readable, local values."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)
