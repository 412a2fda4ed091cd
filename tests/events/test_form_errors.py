"""Public forms sent with mistakes: an error summary linking each field, "Error:" before the
page title in the visitor's language, and the input attributes phones need."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.parametrize(("language", "prefix"), [("ru", "Ошибка:"), ("az", "Xəta:")])
def test_failed_registration_has_summary_and_error_title(client, language, prefix):
    event = EventFactory()
    with translation.override(language):
        url = reverse("events:register", kwargs={"slug": event.slug})
        problem = gettext("There is a problem")
    clean = client.get(url).content.decode()
    assert not title(clean).startswith(prefix) and "error-summary" not in clean

    html = client.post(url, {"email": "not-an-address", "phone": "abc"}).content.decode()
    assert title(html).startswith(f"{prefix} ")
    summary = html.split('<div class="error-summary"')[1].split("</div>")[0]
    assert problem in summary
    # One link per field in error, to the input itself, above the heading.
    links = re.findall(r'<a href="#(id_[a-z_]+)">', summary)
    assert links == ["id_full_name", "id_email", "id_organisation", "id_position", "id_phone",
                     "id_consent"]  # fmt: skip
    for anchor in links:
        assert f'id="{anchor}"' in html
    assert html.index("error-summary") < html.index("<h1")
    assert "js/forms.js" in html


@pytest.mark.parametrize("language", ["ru", "az"])
def test_registration_inputs_bring_up_the_right_keyboard(client, language):
    event = EventFactory()
    with translation.override(language):
        html = client.get(reverse("events:register", kwargs={"slug": event.slug})).content.decode()
    expected = {
        "full_name": ['type="text"', 'autocomplete="name"'],
        "email": ['type="email"', 'inputmode="email"', 'autocomplete="email"'],
        "organisation": ['type="text"', 'autocomplete="organization"'],
        "position": ['type="text"', 'autocomplete="organization-title"'],
        "phone": ['type="tel"', 'inputmode="tel"', 'autocomplete="tel"'],
    }
    for name, attributes in expected.items():
        tag = input_tag(html, name)
        for attribute in attributes:
            assert attribute in tag, (name, tag)


@pytest.mark.parametrize(("language", "prefix"), [("ru", "Ошибка:"), ("az", "Xəta:")])
def test_lost_link_form_has_summary_error_title_and_email_keyboard(client, language, prefix):
    event = EventFactory()
    with translation.override(language):
        url = reverse("events:lost-link", kwargs={"slug": event.slug})
    tag = input_tag(client.get(url).content.decode(), "email")
    assert 'type="email"' in tag and 'inputmode="email"' in tag and 'autocomplete="email"' in tag
    html = client.post(url, {"email": "nobody"}).content.decode()
    assert title(html).startswith(f"{prefix} ")
    assert '<a href="#id_email">' in html


def test_filter_forms_with_bad_values_are_no_error(client):
    """A list's filter bar ignores invalid values (portal.lists): no "Error:" there."""
    html = client.get("/ru/events/?month=bad").content.decode()
    assert not title(html).startswith("Ошибка")
