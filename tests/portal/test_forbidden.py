"""A friendly 403 page: in the admin's style under /admin/, in the site's style elsewhere,
in the staff member's language."""

import pytest
from django.urls import reverse

from portal.roles import EDITORS
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_an_admin_page_outside_ones_role(role_client):
    client = role_client(EDITORS)
    RegistrationFactory(full_name="Private Person")
    response = client.get(reverse("admin:events_registration_changelist"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "This page is not part of your role" in html
    assert "Your roles: Editors." in html
    assert 'id="site-name"' in html  # the admin's header
    assert reverse("admin:index") in html  # the way back to the start page
    assert "Private Person" not in html and "403 Forbidden" not in html


def test_a_public_page_outside_ones_role(role_client):
    client = role_client(EDITORS)
    registration = RegistrationFactory()
    response = client.get(reverse("events:check-in", args=[registration.event.slug]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not for your account" in html and "navbar" in html


def test_in_russian_for_a_russian_speaking_editor(role_client):
    client = role_client(EDITORS)
    response = client.get(
        reverse("admin:events_registration_changelist"), headers={"accept-language": "ru"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ru"' in html
    assert "Эта страница не входит в вашу роль" in html
    assert "Ваши роли: Редакторы." in html
    assert "На стартовую страницу" in html
    assert "This page is not part of your role" not in html
