"""Forms that fit: sections (Django's collapsible <details>), the other languages folded,
plain checkboxes for sectors, the short time-zone choice, a measures table that fits."""

import re

import pytest
from django.urls import reverse

from tests.factories import EventFactory, MeasureFactory, NewsArticleFactory, SectorFactory

pytestmark = pytest.mark.django_db


def headings(html: str) -> list[tuple[str, bool]]:
    """(section heading, folded) in the order of the form."""
    found = re.findall(
        r'<fieldset class="module aligned ([^"]*)"[^>]*>\s*(<details><summary>)?\s*'
        r'<h2[^>]*class="fieldset-heading">([^<]+)</h2>',
        html,
    )
    return [(name.strip(), bool(details)) for _classes, details, name in found]


def test_the_event_form_in_sections_with_the_rest_folded(staff_client):
    event = EventFactory(title_ru="Форум", sectors=[SectorFactory(name="Trade")])
    html = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert headings(html) == [
        ("Details", False),
        ("English", False),
        ("Russian (Русский)", True),  # written, but not the staff member's language
        ("Azerbaijani (Azərbaycanca)", True),
        ("Time and place", False),
        ("Registration", False),
        ("Image", False),
        ("Web address and related content", True),
        ("History", True),
    ]
    assert re.search(r'<input type="checkbox" name="sectors" value="\d+"[^>]*checked', html)
    assert '<datalist id="id_time_zone_choices">' in html
    assert "data-markdown-preview" in html and "js/admin-preview.js" in html


def test_a_folded_section_opens_when_it_has_an_error(staff_client):
    event = EventFactory()
    data = {"title_en": "x", "slug": "", "kind": event.kind, "status": event.status,
            "description_en": "x", "time_zone": "Mars/Olympus", "starts_at_0": "2026-12-09",
            "starts_at_1": "10:00", "ends_at_0": "2026-12-09", "ends_at_1": "12:00"}  # fmt: skip
    response = staff_client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    html = response.content.decode()
    assert ("Web address and related content", False) in headings(html)  # the slug is missing
    assert "is not a time zone we know" in html


def test_when_ones_own_language_is_not_written_the_first_written_one_is_open(staff_client):
    article = NewsArticleFactory(title_en=None, lead_en=None, body_en=None, title_ru="Новость",
                                 lead_ru="Лид", body_ru="Текст")  # fmt: skip
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    shown = dict(headings(staff_client.get(url).content.decode()))
    assert shown["English"] is False and shown["Russian (Русский)"] is False
    assert shown["Azerbaijani (Azərbaycanca)"] is True


def test_the_agreement_forms_measures_show_one_title_column(staff_client):
    measure = MeasureFactory(title_en="Port works", title_ru="Работы в порту")
    url = reverse("admin:agreements_agreement_change", args=[measure.agreement.pk])
    html = staff_client.get(url).content.decode()
    assert 'name="measures-0-title_en"' in html
    assert 'name="measures-0-title_ru"' not in html and "measures-0-description" not in html
    ru = staff_client.get(url, headers={"accept-language": "ru"}).content.decode()
    assert 'name="measures-0-title_ru"' in ru and 'name="measures-0-title_en"' not in ru
