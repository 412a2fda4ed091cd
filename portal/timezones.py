"""Choosing a time zone: the few that business centres in the region use first, then any other.

A text box with a <datalist>: the browser suggests the zones as staff type ("bak" finds
Asia/Baku), and the form accepts only a real zone name (checked against zoneinfo, letter case
forgiven). A kernel module: it imports no app.
"""

import datetime
import functools
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

COMMON_TIME_ZONES = (
    "Europe/Astrakhan",
    "Asia/Baku",
    "Europe/Moscow",
    "Europe/Istanbul",
    "Asia/Tbilisi",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Europe/Volgograd",
    "Asia/Dubai",
    "UTC",
)


# How people name the time of the zones used most often ("12 March, 10:00 (Baku time)"): a
# phrase per zone, because Russian makes an adjective of the city ("бакинское время").
ZONE_TIME_NAMES = {
    "Europe/Astrakhan": pgettext_lazy("time zone", "Astrakhan time"),
    "Asia/Baku": pgettext_lazy("time zone", "Baku time"),
    "Europe/Moscow": pgettext_lazy("time zone", "Moscow time"),
    "Europe/Istanbul": pgettext_lazy("time zone", "Istanbul time"),
    "Asia/Tbilisi": pgettext_lazy("time zone", "Tbilisi time"),
    "Asia/Almaty": pgettext_lazy("time zone", "Almaty time"),
    "Asia/Tashkent": pgettext_lazy("time zone", "Tashkent time"),
    "Europe/Volgograd": pgettext_lazy("time zone", "Volgograd time"),
    "Asia/Dubai": pgettext_lazy("time zone", "Dubai time"),
    "UTC": "UTC",
}


def zone_time_name(name: str) -> str:
    """The zone as people say it, in the active language: "Baku time" for Asia/Baku; for a
    zone without a phrase of its own, its city from the name ("London time")."""
    if name in ZONE_TIME_NAMES:
        return str(ZONE_TIME_NAMES[name])
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return pgettext("time zone", "%(city)s time") % {"city": city}


@functools.cache
def all_time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


@functools.cache
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in all_time_zones()}


def canonical_time_zone(value: str) -> str | None:
    """The zone's proper name ("asia/baku" → "Asia/Baku"), or None if there is no such zone."""
    return _by_folded_name().get(value.strip().casefold())


def utc_offset(name: str, at: datetime.datetime | None = None) -> str:
    """E.g. "UTC+04:00" (now, or at the given moment)."""
    offset = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def time_zone_options() -> list[tuple[str, str]]:
    """(value, label) for the datalist: the common zones with their offset, then the rest."""
    common = [
        (name, f"{utc_offset(name)} · {name.rsplit('/', 1)[-1]}") for name in COMMON_TIME_ZONES
    ]
    rest = [(name, "") for name in all_time_zones() if name not in COMMON_TIME_ZONES]
    return common + rest


class TimeZoneInput(forms.TextInput):
    """A text input with a list of suggestions (no script: the browser's own <datalist>)."""

    def __init__(self, attrs=None):
        super().__init__({"class": "vTextField", "autocomplete": "off", "spellcheck": "false",
                          **(attrs or {})})  # fmt: skip

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}_choices"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', time_zone_options())
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class TimeZoneField(forms.CharField):
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a time zone we know. Type a city, e.g. Baku, and pick a zone "
            "from the list."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("widget", TimeZoneInput)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        name = canonical_time_zone(value)
        if name is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return name
