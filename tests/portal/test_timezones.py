"""The short, searchable time-zone choice (portal.timezones)."""

import re

import pytest
from django import forms

from portal.timezones import COMMON_TIME_ZONES, TimeZoneField


class ZoneForm(forms.Form):
    zone = TimeZoneField()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Asia/Baku", "Asia/Baku"), ("  asia/BAKU ", "Asia/Baku"), ("utc", "UTC")],
)
def test_real_zones_are_accepted_in_any_letter_case(typed, stored):
    form = ZoneForm({"zone": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["zone"] == stored


@pytest.mark.parametrize("typed", ["Baku", "Mars/Olympus", "Europe/Astrakhan; DROP"])
def test_anything_else_is_refused_with_a_hint(typed):
    form = ZoneForm({"zone": typed})
    assert not form.is_valid()
    assert "is not a time zone we know" in form.errors["zone"][0]


def test_the_suggestions_list_the_common_zones_first_then_all():
    html = str(ZoneForm(initial={"zone": "Asia/Baku"})["zone"])
    assert 'list="id_zone_choices"' in html and '<datalist id="id_zone_choices">' in html
    values = re.findall(r'<option value="([^"]+)"', html)
    assert tuple(values[: len(COMMON_TIME_ZONES)]) == COMMON_TIME_ZONES
    assert len(values) == len(set(values)) > 400
    assert re.search(r'<option value="Asia/Baku">UTC\+04:00 · Baku</option>', html)
