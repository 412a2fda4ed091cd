"""Scanning tickets at the door (events.checkin): every state of a ticket, the photo read by
zxing-cpp, the typed code, the camera script's JSON answer, and who may scan."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import checkin, tickets
from events.checkin import Outcome
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
NOW = datetime.datetime(2026, 5, 14, 6, 2, tzinfo=datetime.UTC)  # 10:02 in Baku


@pytest.fixture
def event():
    return EventFactory(title="Caspian forum", capacity=50, time_zone="Asia/Baku")


def scan(event, code, now=NOW):
    return checkin.check_in_by_ticket(event=event, code=code, now=now)


def test_a_confirmed_ticket_is_checked_in_once_then_already_at_the_local_time(event):
    person = RegistrationFactory(event=event, full_name="Leyla Aliyeva")
    first = scan(event, person.ticket_code.lower())
    assert (first.outcome, first.tone) == (Outcome.CHECKED_IN, "success")
    assert first.heading == "Checked in"
    assert first.name == "Leyla Aliyeva"
    person.refresh_from_db()
    assert person.checked_in_at == NOW
    assert person.history.first().history_change_reason == "ticket scanned"

    again = scan(event, tickets.display(person.ticket_code), now=NOW + datetime.timedelta(hours=1))
    assert (again.outcome, again.tone) == (Outcome.ALREADY, "warning")
    assert again.heading == "Already checked in"
    assert "already checked in at 10:02" in again.message  # Baku time, not UTC or Astrakhan
    person.refresh_from_db()
    assert person.checked_in_at == NOW  # the first time stays


@pytest.mark.parametrize(
    ("status", "outcome", "words"),
    [
        (Status.CANCELLED, Outcome.CANCELLED, "was cancelled"),
        (Status.WAITING, Outcome.WAITING, "waiting list"),
        (Status.PENDING, Outcome.PENDING, "awaiting approval"),
        (Status.DECLINED, Outcome.DECLINED, "was declined"),
    ],
)
def test_only_confirmed_registrations_get_in(event, status, outcome, words):
    person = RegistrationFactory(event=event, status=status)
    result = scan(event, person.ticket_code)
    assert (result.outcome, result.tone, result.heading) == (outcome, "danger", "Not valid")
    assert words in result.message
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_a_ticket_for_another_event_is_not_valid_and_names_that_event(event):
    other = RegistrationFactory(event=EventFactory(title="Volga trade days"))
    result = scan(event, other.ticket_code)
    assert (result.outcome, result.tone) == (Outcome.OTHER_EVENT, "danger")
    assert "another event: Volga trade days" in result.message
    other.refresh_from_db()
    assert other.checked_in_at is None


@pytest.mark.parametrize("code", ["", "ACDF", "ACDFGHJK", "ACDFGHJKACDF", "'; DROP TABLE"])
def test_an_unknown_code_is_not_valid(event, code):
    RegistrationFactory(event=event)
    result = scan(event, code)
    assert (result.outcome, result.tone) == (Outcome.UNKNOWN, "danger")
    assert "No ticket has this code" in result.message
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


# ---- photos ----


def upload(content: bytes, name="ticket.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def photo_of(code: str) -> bytes:
    """The ticket's QR image as a phone would photograph it: on a larger grey page, as JPEG."""
    qr = Image.open(io.BytesIO(tickets.qr_png(code, scale=6)))
    page = Image.new("RGB", (1200, 1600), (225, 222, 215))
    page.paste(qr.convert("RGB"), (300, 500))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


def test_the_code_is_read_from_the_qr_png_and_from_a_photo_of_it():
    assert checkin.code_from_photo(upload(tickets.qr_png("ACDFGHJK"))) == "ACDFGHJK"
    assert checkin.code_from_photo(upload(photo_of("QRTUVWXY"), "photo.jpg")) == "QRTUVWXY"


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\x01junk bytes, not an image" * 50, "not a photo that can be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a photo that can be read"),  # truncated
        (b"", "not a photo that can be read"),
        (None, "No QR code was found"),
    ],
)
def test_a_photo_that_cannot_be_read_says_why(content, words):
    with pytest.raises(checkin.ScanError) as error:
        checkin.code_from_photo(upload(blank_png() if content is None else content))
    assert words in str(error.value.message)


def test_a_photo_too_large_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(checkin, "MAX_PHOTO_BYTES", 1000)
    with pytest.raises(checkin.ScanError) as error:
        checkin.code_from_photo(upload(blank_png()))
    assert "too large" in str(error.value.message)


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(checkin.ScanError) as error:
        checkin.code_from_photo(upload(out.getvalue()))
    assert "too large" in str(error.value.message)


# ---- the check-in page ----


@pytest.fixture
def door(role_client):
    return role_client("Event managers")


def scan_url(event):
    return reverse("events:check-in-scan", args=[event.slug])


def page_after(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"].endswith("/check-in/#scan")
    return client.get(response["Location"]).content.decode()


def test_staff_scan_a_photo_then_type_the_same_code(door, event):
    person = RegistrationFactory(event=event, full_name="Leyla Aliyeva")
    response = door.post(scan_url(event), {"photo": upload(tickets.qr_png(person.ticket_code))})
    html = page_after(door, response)
    assert "scan-result-success" in html and "Checked in" in html and "Leyla Aliyeva" in html
    person.refresh_from_db()
    assert person.checked_in_at is not None
    # The answer is shown once: the next visit to the page is ready for the next ticket.
    assert "scan-result-success" not in door.get(response["Location"]).content.decode()

    code = tickets.display(person.ticket_code).lower()
    html = page_after(door, door.post(scan_url(event), {"code": code}))
    local = timezone.localtime(person.checked_in_at, event.zone).strftime("%H:%M")
    assert "scan-result-warning" in html and f"already checked in at {local}" in html


def test_a_cancelled_ticket_typed_at_the_door_is_red(door, event):
    person = RegistrationFactory(event=event, status=Status.CANCELLED)
    html = page_after(door, door.post(scan_url(event), {"code": person.ticket_code}))
    assert "scan-result-danger" in html and "This registration was cancelled." in html


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"code": "  "}, "Type the ticket code or take a photo"),
        ({"photo": "junk"}, "not a photo that can be read"),
        ({"photo": "blank"}, "No QR code was found"),
    ],
)
def test_an_unreadable_scan_is_answered_on_the_page_without_a_redirect(door, event, data, words):
    if "photo" in data:
        data = {"photo": upload(b"junk" * 100 if data["photo"] == "junk" else blank_png())}
    response = door.post(scan_url(event), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "scan-result-danger" in html and words in html


def test_the_camera_script_gets_json(door, event):
    person = RegistrationFactory(event=event, full_name="Pavel Orlov")
    ask = {"HTTP_ACCEPT": "application/json"}
    first = door.post(scan_url(event), {"code": person.ticket_code}, **ask).json()
    assert first["outcome"] == "checked-in" and first["tone"] == "success"
    assert first["name"] == "Pavel Orlov"
    assert door.post(scan_url(event), {"code": person.ticket_code}, **ask).json()["tone"] == (
        "warning"
    )
    nothing = door.post(scan_url(event), {"code": ""}, **ask)
    assert nothing.status_code == 400 and nothing.json()["tone"] == "danger"


def test_the_answer_is_in_the_staff_members_language(door, event):
    person = RegistrationFactory(event=event)
    response = door.post(f"/ru/events/{event.slug}/check-in/scan/", {"code": person.ticket_code})
    html = door.get(response["Location"]).content.decode()
    assert "Отмечен" in html or "отмечен" in html
    response = door.post(f"/az/events/{event.slug}/check-in/scan/", {"code": "ACDFGHJK"})
    html = door.get(response["Location"]).content.decode()
    assert "Bu kodla bilet yoxdur" in html


def test_the_scan_forms_carry_csrf_and_the_page_has_no_inline_script(door, event):
    html = door.get(reverse("events:check-in", args=[event.slug])).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 3
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*" capture="environment"' in html
    assert "js/checkin-scan" in html and "<script>" not in html


def test_a_scan_without_the_csrf_token_is_refused(django_user_model, event):
    from django.test import Client

    person = RegistrationFactory(event=event)
    user = django_user_model.objects.create_superuser("door2", "d2@example.org", "pw")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(scan_url(event), {"code": person.ticket_code}).status_code == 403
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_staff_without_the_check_in_role_get_the_friendly_403(role_client, client, event):
    person = RegistrationFactory(event=event)
    editor = role_client("Editors")
    response = editor.post(scan_url(event), {"code": person.ticket_code})
    assert response.status_code == 403
    assert "Not for your account" in response.content.decode()
    anonymous = client.post(scan_url(event), {"code": person.ticket_code})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_a_scan_takes_a_few_queries_whatever_the_number_of_registrations(
    event, django_assert_num_queries
):
    people = RegistrationFactory.create_batch(3, event=event)
    with django_assert_num_queries(4):  # read, claim, re-read, one history row
        scan(event, people[0].ticket_code)
    RegistrationFactory.create_batch(30, event=event)
    with django_assert_num_queries(4):
        scan(event, people[1].ticket_code)
    with django_assert_num_queries(3):  # already: no history
        scan(event, people[1].ticket_code)


def test_a_ticket_cancelled_at_the_moment_of_the_scan_is_not_let_in(event, monkeypatch):
    person = RegistrationFactory(event=event)
    claim = checkin._claim

    def cancelled_meanwhile(registration, now):
        Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
        return claim(registration, now)

    monkeypatch.setattr(checkin, "_claim", cancelled_meanwhile)
    result = scan(event, person.ticket_code)
    assert (result.outcome, result.tone) == (Outcome.CANCELLED, "danger")
    person.refresh_from_db()
    assert person.checked_in_at is None
