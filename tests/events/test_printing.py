"""The printable attendee list and name badges: staff with the check-in right only, the
confirmed attendees by name in every script, eight badges to a sheet, and a flat number of
queries however many people come."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from events.printing import BADGES_PER_SHEET, name_key, name_size
from portal.roles import EDITORS, EVENT_MANAGERS
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
PAGES = ["events:attendees", "events:badges"]


@pytest.fixture
def event():
    event = EventFactory(title="Caspian forum", capacity=50)
    for name, organisation in [
        ("Şahin Quliyev", "Xəzər Logistika MMC"),
        ("Анна Смирнова", "Волга-Каспий"),
        ("Əli Həsənov", "Bakı Limanı"),
        ("Zara Ibrahimova", ""),
        ("Çingiz Məmmədov", "Gəncə Ticarət"),
        ("ali Aliyev", "Port LLC"),
    ]:
        RegistrationFactory(event=event, full_name=name, organisation=organisation)
    RegistrationFactory(event=event, full_name="Wanda Waiting", status=Status.WAITING)
    RegistrationFactory(event=event, full_name="Cancelled Person", status=Status.CANCELLED)
    RegistrationFactory(full_name="Other Event Person")
    Registration.objects.filter(full_name="Zara Ibrahimova").update(checked_in_at=timezone.now())
    return event


@pytest.mark.parametrize("name", PAGES)
def test_only_for_staff_with_the_check_in_right(client, role_client, event, name):
    url = reverse(name, args=[event.slug])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    refused = role_client(EDITORS).get(url)
    html = refused.content.decode()
    assert refused.status_code == 403 and "Not for your account" in html
    assert "Анна Смирнова" not in html
    assert role_client(EVENT_MANAGERS, "manager").get(url).status_code == 200


def test_the_list_has_the_confirmed_attendees_by_name(staff_client, event):
    html = staff_client.get(reverse("events:attendees", args=[event.slug])).content.decode()
    assert "6 confirmed attendees" in html and "css/print.css" in html
    assert "Wanda Waiting" not in html and "Cancelled Person" not in html
    assert "Other Event Person" not in html
    order = ["ali Aliyev", "Çingiz Məmmədov", "Əli Həsənov", "Şahin Quliyev", "Zara Ibrahimova",
             "Анна Смирнова"]  # fmt: skip
    positions = [html.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Xəzər Logistika MMC" in html and "Волга-Каспий" in html
    assert html.count('class="check-box"') == 5 and html.count("check-box checked") == 1


def test_badges_come_eight_to_a_sheet(staff_client, event):
    RegistrationFactory.create_batch(4, event=event)  # 10 confirmed
    response = staff_client.get(reverse("events:badges", args=[event.slug]))
    html = response.content.decode()
    assert BADGES_PER_SHEET == 8
    assert html.count('class="badge-sheet"') == 2 and html.count('class="name-badge"') == 10
    assert html.count('<p class="name-badge-event">Caspian forum</p>') == 10
    assert "Şahin Quliyev" in html and "Xəzər Logistika MMC" in html


def test_long_names_get_smaller_type():
    assert name_size("Anna Smirnova") == "large"
    assert name_size("Aleksandr Konstantinov") == "medium"
    assert name_size("Mammadova-Aliyeva Gulnara Rafig qizi Hasanova") == "small"
    assert name_key("Ça") < name_key("Da") and name_key("éa") < name_key("f")
    assert name_key("Eva") < name_key("Əli") < name_key("Fuad")


@pytest.mark.parametrize("name", PAGES)
def test_the_number_of_queries_does_not_grow_with_the_attendees(role_client, name):
    client = role_client(EVENT_MANAGERS)
    counts = []
    for size in (10, 200):
        event = EventFactory(capacity=None)
        RegistrationFactory.create_batch(size, event=event, checked_in_at=timezone.now())
        url = reverse(name, args=[event.slug])
        client.get(url)  # the session and the permissions, once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_linked_from_the_workspace_and_the_check_in_page(staff_client, event):
    workspace = staff_client.get(reverse("admin:events_event_workspace", args=[event.pk]))
    check_in = staff_client.get(reverse("events:check-in", args=[event.slug]))
    for response in (workspace, check_in):
        html = response.content.decode()
        for name in PAGES:
            assert reverse(name, args=[event.slug]) in html
