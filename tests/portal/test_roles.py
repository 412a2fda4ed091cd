"""Staff roles (portal.roles, `manage.py setup_roles`): each role sees only its admin pages."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from events.emails import queue_registration_email
from events.models import PersonalDataExport
from portal.models import KeyFigure, Page, SiteProfile
from portal.roles import AGREEMENTS_OFFICERS, EDITORS, EVENT_MANAGERS, ROLES, setup_roles
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    PartyFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

# Every model in the admin, and the roles that may open it (superusers may open all).
ADMIN_MODELS = {
    "portal.newsarticle": {EDITORS, AGREEMENTS_OFFICERS},  # officers: view only
    "portal.page": {EDITORS},
    "portal.keyfigure": {EDITORS},
    "portal.sector": {EDITORS},
    "portal.siteprofile": {EDITORS},
    "agreements.party": {AGREEMENTS_OFFICERS},
    "agreements.agreement": {AGREEMENTS_OFFICERS},
    "agreements.measure": {AGREEMENTS_OFFICERS},
    "events.event": {EVENT_MANAGERS},
    "events.registration": {EVENT_MANAGERS},
    "events.outboxemail": {EVENT_MANAGERS},
    "events.personaldataexport": set(),  # superusers only
    "auth.user": set(),
    "auth.group": set(),
}
MATRIX = [
    (role, model, role in allowed) for role in ROLES for model, allowed in ADMIN_MODELS.items()
]


def make_object(model: str):
    registration = RegistrationFactory()
    email = queue_registration_email(registration, "confirmed")
    return {
        "portal.newsarticle": NewsArticleFactory,
        "portal.page": lambda: Page.objects.create(slug="about", title="About", body="Text"),
        "portal.keyfigure": lambda: KeyFigure.objects.create(value="230+", label="Companies"),
        "portal.sector": SectorFactory,
        "portal.siteprofile": lambda: SiteProfile.objects.create(name="Centre"),
        "agreements.party": PartyFactory,
        "agreements.agreement": AgreementFactory,
        "agreements.measure": MeasureFactory,
        "events.event": lambda: registration.event,
        "events.registration": lambda: registration,
        "events.outboxemail": lambda: email,
        "events.personaldataexport": lambda: PersonalDataExport.objects.create(
            username="someone", row_count=1, what="Registrations (CSV)"
        ),
        "auth.user": lambda: get_user_model().objects.create_user("another"),
        "auth.group": lambda: Group.objects.create(name="Translators"),
    }[model]()


def client_for(django_user_model, role: str) -> Client:
    setup_roles()
    user = django_user_model.objects.create_user(
        f"{role.split()[0].lower()}-user", "someone@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def admin_url(model: str, view: str, *args) -> str:
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.mark.parametrize(("role", "model", "allowed"), MATRIX)
def test_role_matrix_changelist_and_change_page(django_user_model, role, model, allowed):
    client = client_for(django_user_model, role)
    obj = make_object(model)
    expected = 200 if allowed else 403
    assert client.get(admin_url(model, "changelist")).status_code == expected
    assert client.get(admin_url(model, "change", obj.pk)).status_code == expected
    index = client.get(reverse("admin:index"))
    listed = {
        f"{app['app_label']}.{entry['object_name'].lower()}"
        for app in index.context["app_list"]
        for entry in app["models"]
    }
    assert (model in listed) is allowed


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_superusers_open_every_admin_page(staff_client, model):
    obj = make_object(model)
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_an_agreements_officer_cannot_edit_news(django_user_model):
    client = client_for(django_user_model, AGREEMENTS_OFFICERS)
    article = NewsArticleFactory(title="Original title")
    response = client.get(admin_url("portal.newsarticle", "change", article.pk))
    assert response.status_code == 200  # read-only, to pick related news for an agreement
    assert 'name="title"' not in response.content.decode()
    response = client.post(
        admin_url("portal.newsarticle", "change", article.pk), {"title": "Hijacked"}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Original title"
    assert client.get(admin_url("portal.newsarticle", "add")).status_code == 403


def test_an_editor_sees_no_registrant_data(django_user_model):
    client = client_for(django_user_model, EDITORS)
    registration = RegistrationFactory(full_name="Private Person", email="private@example.org")
    pages = [
        admin_url("events.registration", "changelist"),
        admin_url("events.registration", "change", registration.pk),
        admin_url("events.registration", "history", registration.pk),
        admin_url("events.outboxemail", "changelist"),
        reverse("events:check-in", args=[registration.event.slug]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Private Person" not in response.content.decode()


def test_an_event_manager_cannot_edit_agreements(django_user_model):
    client = client_for(django_user_model, EVENT_MANAGERS)
    agreement = AgreementFactory(title="Untouched")
    url = admin_url("agreements.agreement", "change", agreement.pk)
    assert client.post(url, {"title": "Changed"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Untouched"


IMPORT_CSV = "number,reported_on,progress,status,text\n1.1,2026-01-15,40,,Works started\n"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(AGREEMENTS_OFFICERS, 200), (EDITORS, 403), (EVENT_MANAGERS, 403)],
)
def test_progress_import_needs_the_agreements_officer_role(django_user_model, role, expected):
    client = client_for(django_user_model, role)
    agreement = AgreementFactory()
    url = reverse("admin:agreements_agreement_import_progress", args=[agreement.pk])
    assert client.get(url).status_code == expected


def test_progress_import_needs_change_permission_on_measures(django_user_model):
    client = client_for(django_user_model, AGREEMENTS_OFFICERS)
    url = reverse("admin:agreements_agreement_import_progress", args=[AgreementFactory().pk])
    group = Group.objects.get(name=AGREEMENTS_OFFICERS)
    group.permissions.remove(Permission.objects.get(codename="change_measure"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [(EVENT_MANAGERS, 200), (EDITORS, 403), (AGREEMENTS_OFFICERS, 403)],
)
def test_check_in_page_per_role(django_user_model, role, expected):
    client = client_for(django_user_model, role)
    registration = RegistrationFactory(full_name="Door Person")
    slug = registration.event.slug
    assert client.get(reverse("events:check-in", args=[slug])).status_code == expected
    assert client.get(reverse("events:check-in-counts", args=[slug])).status_code == expected
    toggle = reverse("events:check-in-toggle", args=[slug, registration.pk])
    assert client.post(toggle).status_code == (302 if expected == 200 else 403)
    registration.refresh_from_db()
    assert (registration.checked_in_at is not None) is (expected == 200)


@pytest.mark.parametrize(
    ("role", "exported"),
    [(EVENT_MANAGERS, True), (EDITORS, False), (AGREEMENTS_OFFICERS, False)],
)
def test_registration_export_per_role(django_user_model, role, exported):
    client = client_for(django_user_model, role)
    registration = RegistrationFactory(full_name="Exported Person")
    response = client.post(
        admin_url("events.registration", "changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )
    if exported:
        assert response.status_code == 200
        assert "Exported Person" in response.content.decode("utf-8-sig")
    else:
        assert response.status_code == 403
    assert PersonalDataExport.objects.exists() is exported


def test_export_needs_the_export_permission_not_only_view(django_user_model):
    client = client_for(django_user_model, EVENT_MANAGERS)
    Group.objects.get(name=EVENT_MANAGERS).permissions.remove(
        Permission.objects.get(codename="export_registration")
    )
    registration = RegistrationFactory(full_name="Kept Inside")
    changelist = admin_url("events.registration", "changelist")
    assert "export_csv" not in client.get(changelist).content.decode()
    response = client.post(
        changelist, {"action": "export_csv", "_selected_action": [registration.pk]}
    )
    assert not response["Content-Type"].startswith("text/csv")
    assert not PersonalDataExport.objects.exists()


def test_setup_roles_is_idempotent_and_resets_extra_permissions():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    editors = Group.objects.get(name=EDITORS)
    first = set(editors.permissions.values_list("codename", flat=True))
    assert "change_newsarticle" in first and "view_registration" not in first
    editors.permissions.add(Permission.objects.get(codename="view_registration"))
    call_command("setup_roles", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    assert set(editors.permissions.values_list("codename", flat=True)) == first
    assert Group.objects.filter(name__in=ROLES).count() == 3
    assert "Event managers: 21 permissions" in out.getvalue()
    managers = set(
        Group.objects.get(name=EVENT_MANAGERS).permissions.values_list("codename", flat=True)
    )
    assert {"check_in", "export_registration", "view_registration"} <= managers
    assert not any(codename.endswith("_agreement") for codename in managers)


@pytest.mark.parametrize(("role", "shown"), [(EVENT_MANAGERS, True), (EDITORS, False)])
def test_the_event_page_links_the_check_in_page_only_for_those_who_may_use_it(
    django_user_model, role, shown
):
    client = client_for(django_user_model, role)
    event = EventFactory()
    html = client.get(event.get_absolute_url()).content.decode()
    assert (reverse("events:check-in", args=[event.slug]) in html) is shown
