"""One rounding rule for overall progress: the admin list, the public pages, the exports and
the progress bar all show the same whole number (halves up)."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from agreements.models import round_percent
from tests.factories import AgreementFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, None),
        (0, 0),
        (32.5, 33),  # halves go up, not to the even neighbour (round() gives 32)
        (33.5, 34),
        (32.499999999999996, 33),  # a float mean that is really 32.5
        (32.49, 32),
        (66.66666666666667, 67),
        (99.5, 100),
        (100.0, 100),
    ],
)
def test_round_percent(value, shown):
    assert round_percent(value) == shown


@pytest.fixture
def half_way_agreement():
    """Measures at 30 % and 35 %: the mean is 32.5 %, which used to show as 32 % in the
    admin and 33 % on the public page."""
    agreement = AgreementFactory(title="Half way", slug="half-way")
    MeasureFactory(agreement=agreement, number="1", progress=30)
    MeasureFactory(agreement=agreement, number="2", progress=35)
    return agreement


def test_the_same_figure_in_the_admin_the_public_pages_and_the_exports(
    client, staff_client, half_way_agreement
):
    admin_list = staff_client.get(reverse("admin:agreements_agreement_changelist")).content
    assert re.search(rb'class="field-progress_display">33%<', admin_list)

    detail = client.get(half_way_agreement.get_absolute_url()).content.decode()
    assert 'value="33"' in detail and ">33%<" in detail  # the bar and its figure
    assert "32%" not in detail
    listing = client.get(reverse("agreements:list")).content.decode()
    assert ">33%<" in listing and "32%" not in listing

    response = client.get(reverse("agreements:export-csv"))
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    [row] = csv.DictReader(io.StringIO(text))
    assert row["overall_progress"] == "33"
    data = json.loads(client.get(reverse("agreements:export-json")).content)
    assert data["agreements"][0]["overall_progress"] == 33
