"""Ticket codes: short, without look-alike characters, unique per registration, and given
to the registrations that existed before codes did (events 0010)."""

import base64
import io
import re

import pytest
import zxingcpp
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

from events import tickets
from tests.factories import EventFactory, RegistrationFactory


def test_a_code_is_eight_characters_of_the_unambiguous_alphabet():
    codes = {tickets.new_ticket_code() for _ in range(2000)}
    assert len(codes) == 2000  # 25**8 codes: no repeat in a few thousand
    for code in codes:
        assert len(code) == 8 and set(code) <= set(tickets.ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(tickets.ALPHABET)


def test_what_people_type_is_normalised_and_shown_in_two_groups():
    assert tickets.normalise(" acdf-ghjk ") == "ACDFGHJK"
    assert tickets.normalise("AC DF\tGH–JK") == "ACDFGHJK"
    assert tickets.normalise(None) == ""
    assert tickets.display("ACDFGHJK") == "ACDF-GHJK"


def test_the_qr_image_reads_back_as_the_code():
    image = Image.open(io.BytesIO(tickets.qr_png("ACDFGHJK")))
    (result,) = zxingcpp.read_barcodes(image)
    assert result.text == "ACDFGHJK"
    assert tickets.qr_svg("ACDFGHJK").startswith("<svg")


@pytest.mark.django_db
def test_every_registration_gets_its_own_code():
    event = EventFactory()
    registrations = [RegistrationFactory(event=event) for _ in range(5)]
    codes = {r.ticket_code for r in registrations}
    assert len(codes) == 5 and all(len(c) == 8 for c in codes)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_existing_registration_a_distinct_code():
    executor = MigrationExecutor(connection)
    before = [("events", "0009_merge_help_texts_and_messages")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Event = old.get_model("events", "Event")
    Registration = old.get_model("events", "Registration")
    event = Event.objects.create(
        title_en="Forum",
        slug="forum",
        starts_at="2026-01-01T10:00Z",
        ends_at="2026-01-01T12:00Z",
        capacity=10,
    )
    for n in range(3):
        Registration.objects.create(
            event=event, full_name=f"P{n}", email=f"p{n}@example.org", token=f"t{n}"
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute("SELECT ticket_code FROM events_registration")
        codes = [row[0] for row in cursor.fetchall()]
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(c and set(c) <= set(tickets.ALPHABET) for c in codes)


def page_ticket_image(html: str) -> Image.Image | None:
    found = re.search(r'<img class="ticket-qr" src="data:image/png;base64,([^"]+)"', html)
    return Image.open(io.BytesIO(base64.b64decode(found.group(1)))) if found else None


@pytest.mark.django_db
def test_a_confirmed_registrants_page_shows_the_ticket_code_and_its_qr(client):
    event = EventFactory(time_zone="Asia/Baku")
    registration = RegistrationFactory(event=event, language="ru")
    html = client.get(f"/ru/registrations/{registration.token}/").content.decode()
    assert tickets.display(registration.ticket_code) in html
    (read,) = zxingcpp.read_barcodes(page_ticket_image(html))
    assert read.text == registration.ticket_code
    assert "Ваш билет" in html and "(бакинское время)" in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["waiting", "pending", "cancelled", "declined"])
def test_no_ticket_without_a_confirmed_seat(client, status):
    registration = RegistrationFactory(status=status)
    html = client.get(f"/en/registrations/{registration.token}/").content.decode()
    assert page_ticket_image(html) is None
    assert registration.ticket_code not in html and "Your ticket" not in html


@pytest.mark.django_db
def test_no_ticket_for_a_cancelled_event(client):
    registration = RegistrationFactory(event=EventFactory(status="cancelled"))
    html = client.get(f"/en/registrations/{registration.token}/").content.decode()
    assert page_ticket_image(html) is None and registration.ticket_code not in html
