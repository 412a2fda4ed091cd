"""Emails are entirely in the registrant's language (subject, both parts, the event's title,
venue and address, the calendar file and the centre's name), multipart (text and HTML), with
the calendar file only for the kinds that give or take a seat, and the ticket's QR image inline
only for the kinds that confirm one."""

import base64
import datetime
import email.message
import io
import re
from pathlib import Path

import icalendar
import pytest
import zxingcpp
from django.conf import settings
from django.core import mail
from django.utils.html import escape
from PIL import Image

from events import services
from events.emails import INTRODUCTIONS, SUBJECTS, WITH_CALENDAR, queue_registration_email
from events.models import OutboxEmail, Registration
from events.outbox import _message
from portal.models import SiteProfile
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "events" / "email"
BAKU = datetime.timezone(datetime.timedelta(hours=4))
NEXT_YEAR = datetime.date.today().year + 1
START = datetime.datetime(NEXT_YEAR, 3, 12, 10, tzinfo=BAKU)

CONTENT = {
    "ru": {
        "title": "Каспийский форум по торговле и логистике",
        "venue": "Выставочный центр",
        "address": "Астрахань, ул. Примерная, 1",
        "centre": "Астраханский деловой центр",
        "when": f"12 марта {NEXT_YEAR} г., 10:00–13:00 (бакинское время)",
    },
    "az": {
        "title": "Xəzər ticarət və logistika forumu",
        "venue": "Sərgi mərkəzi",
        "address": "Həştərxan, Nümunə küçəsi, 1",
        "centre": "Həştərxan Biznes Mərkəzi",
        "when": f"12 mart {NEXT_YEAR}, 10:00–13:00 (Bakı vaxtı)",
    },
}
ENGLISH = {
    "title": "Caspian trade and logistics forum",
    "venue": "Exhibition centre",
    "address": "1 Example Street, Astrakhan",
    "centre": "Astrakhan Business Center",
    "when": f"12 March {NEXT_YEAR}, 10:00–13:00 (Baku time)",
}
# UI words that are written the same in English and in that language.
SAME_WORD = {"ru": set(), "az": {"Status"}}
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
WITH_TICKET = {"confirmed", "promoted", "reminder"}


def english_ui_strings() -> list[str]:
    """Every English sentence the email templates, introductions and subjects can put into an
    email."""
    strings = []
    for template in TEMPLATES.glob("*.*"):
        source = template.read_text(encoding="utf-8")
        strings += re.findall(r'{% translate "(.*?)" %}', source)
        strings += [
            re.sub(r"{{ \w+ }}", "", text).strip(" ,")
            for text in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source)
        ]
    strings += [str(text) for text in INTRODUCTIONS.values()]
    strings += [str(subject).split("%(")[0].strip(": ") for subject in SUBJECTS.values()]
    return [text for text in strings if len(text) > 3]


def mime(outbox_email: OutboxEmail) -> email.message.EmailMessage:
    """The message as the worker sends it."""
    return _message(outbox_email).message()


def visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def event():
    SiteProfile.objects.create(
        name_en=ENGLISH["centre"],
        name_ru=CONTENT["ru"]["centre"],
        name_az=CONTENT["az"]["centre"],
        email="events@centre.example.org",
        phone="+7 8512 00 00 00",
    )
    columns = {}
    for field, key in (("title", "title"), ("venue_name", "venue"), ("venue_address", "address")):
        columns[f"{field}_en"] = ENGLISH[key]
        for language in CONTENT:
            columns[f"{field}_{language}"] = CONTENT[language][key]
    return EventFactory(
        capacity=5,
        time_zone="Asia/Baku",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
        **columns,
    )


def test_the_english_strings_list_is_not_empty():
    strings = english_ui_strings()
    assert "Your registration is confirmed. We look forward to seeing you." in strings
    assert "Keep this link to yourself: anyone who has it can cancel your registration." in strings
    assert "Open your registration" in strings  # from the HTML templates
    assert "Your registration is confirmed" in strings  # from the subjects


@pytest.mark.parametrize("language", ["ru", "az"])
def test_a_registration_is_confirmed_in_the_registrants_language(event, language):
    result = services.register_attendee(
        event=event,
        full_name="Həsən Əliyev" if language == "az" else "Иван Петров",
        email="guest@example.org",
        organisation="Caspian LLC",
        position="Director",
        consent=True,
        language=language,
    )
    email = OutboxEmail.objects.get(registration=result.registration)
    expected = CONTENT[language]
    assert email.language == language
    assert expected["title"] in email.subject
    for part in (email.body, visible_text(email.html)):
        for key in ("title", "venue", "address", "centre", "when"):
            assert expected[key] in part, key
        for key in ("title", "venue", "address", "centre"):
            assert ENGLISH[key] not in email.subject + part, key
    assert f'<html lang="{language}">' in email.html
    for part in (email.body, email.html):
        assert f"/{language}/registrations/{result.registration.token}/" in part
        assert f"/{language}/events/{event.slug}/" in part
    [vevent] = icalendar.Calendar.from_ical(mime(email).get_payload()[1].get_content()).walk(
        "VEVENT"
    )
    assert str(vevent["SUMMARY"]) == expected["title"]
    assert expected["venue"] in str(vevent["LOCATION"])


@pytest.mark.parametrize("language", ["ru", "az"])
@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_no_english_ui_string_in_any_kind_of_email(event, language, kind):
    registration = RegistrationFactory(event=event, language=language, full_name="Ləman Quliyeva")
    email = queue_registration_email(registration, kind)
    strings = set(english_ui_strings()) - SAME_WORD[language]
    for text in (f"{email.subject}\n{email.body}", visible_text(email.html)):
        assert CONTENT[language]["title"] in text
        assert [english for english in strings if english in text] == []
        assert [month for month in ENGLISH_MONTHS if month in text] == []
        assert CONTENT[language]["centre"] in text


def test_english_registrants_get_the_english_texts(event):
    registration = RegistrationFactory(event=event, language="en")
    email = queue_registration_email(registration, "confirmed")
    assert email.subject == f"Your registration is confirmed: {ENGLISH['title']}"
    for key in ("venue", "address", "centre", "when"):
        assert ENGLISH[key] in email.body
    assert CONTENT["ru"]["title"] not in email.body


@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_each_kind_is_text_and_html_with_its_calendar_file_and_ticket(event, kind):
    status = "waiting" if kind == "waiting" else "pending" if kind == "pending" else "confirmed"
    if kind in ("declined", "cancelled"):
        status = kind
    registration = RegistrationFactory(event=event, language="en", status=status)
    message = mime(queue_registration_email(registration, kind))

    assert message["From"] == f"{ENGLISH['centre']} <portal@localhost>"
    assert message["Reply-To"] == "events@centre.example.org"
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert body.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    [alternative] = [part for part in message.walk() if part.get_content_subtype() == "alternative"]
    assert body in alternative.iter_parts()

    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == (1 if kind in WITH_CALENDAR else 0)
    if calendars:
        assert calendars[0].get_filename() == "event.ics"

    images = [part for part in message.walk() if part.get_content_maintype() == "image"]
    code = registration.ticket_code
    if kind in WITH_TICKET:
        [image] = images
        # In the HTML's multipart/related, named by the Content-ID the HTML points at.
        related = next(part for part in message.walk() if part.get_content_subtype() == "related")
        assert image in related.iter_parts() and html in related.iter_parts()
        content_id = image["Content-ID"].strip("<>")
        assert f'src="cid:{content_id}"' in html.get_content()
        assert image.get_content_disposition() == "inline"
        [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
        assert read.text == code
        assert f"{code[:4]}-{code[4:]}" in body.get_content()
    else:
        assert images == []
        assert code not in message.as_string() and "cid:" not in html.get_content()


def test_the_ticket_is_only_for_a_confirmed_registration(event):
    """A reminder or a resent confirmation that races a cancellation carries no ticket."""
    cancelled = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    assert queue_registration_email(cancelled, "reminder").attachments[0]["filename"] == (
        "event.ics"
    )
    assert all("content_id" not in item for item in cancelled.emails.get().attachments)


def test_the_date_is_shown_once_with_the_zones_city_and_a_map_link(event):
    registration = RegistrationFactory(event=event, language="en")
    email = queue_registration_email(registration, "confirmed")
    for text in (email.body, visible_text(email.html)):
        assert text.count(f"12 March {NEXT_YEAR}") == 1
        assert text.count("10:00") == 1
        assert "Asia/Baku" not in text and "UTC" not in text
    map_link = "https://www.openstreetmap.org/search?query=1%20Example%20Street%2C%20Astrakhan"
    assert map_link in email.body and f'href="{map_link}"' in email.html
    # No resource is loaded from the web: the only image is the inline ticket.
    assert re.findall(r'src="([^"]+)"', email.html) == [f"cid:{email.attachments[0]['content_id']}"]
    assert "<style" not in email.html and 'style="' in email.html  # CSS inlined


def test_an_event_over_several_days_names_both_dates(event):
    event.ends_at = START + datetime.timedelta(days=1, hours=7)
    assert event.when == f"12 March {NEXT_YEAR}, 10:00 – 13 March {NEXT_YEAR}, 17:00 (Baku time)"
    event.time_zone = "Europe/London"
    assert event.when.endswith("(London time)")


def test_user_supplied_text_is_escaped_in_the_html_part(event):
    event.title_en = 'Forum <script>alert("x")</script> & more'
    event.venue_name_en = "<b>Hall</b>"
    event.save()
    registration = RegistrationFactory(event=event, full_name="<img src=x onerror=alert(1)>")
    email = queue_registration_email(registration, "confirmed")
    assert "<script>" not in email.html and "<img src=x" not in email.html
    assert "<b>Hall</b>" not in email.html
    # css-inline writes the document out again: quotes in text need no escaping there.
    assert 'Forum &lt;script&gt;alert("x")&lt;/script&gt; &amp; more' in email.html
    assert escape("<img src=x onerror=alert(1)>") in email.html
    # The plain-text part is plain: the title as typed.
    assert event.title_en in email.body


def test_the_worker_sends_both_parts_and_the_inline_image(
    event, run_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.register_attendee(
            event=event, full_name="Ann", email="ann@example.org", consent=True, language="en"
        )
    run_worker()
    [sent] = mail.outbox
    message = sent.message()
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/calendar",
    ]
    png = base64.b64decode(result.registration.emails.get().attachments[0]["content"])
    assert message.get_body(("related",)) is not None and png.startswith(b"\x89PNG")


def test_a_message_to_attendees_is_text_and_html_in_the_persons_language(event, django_user_model):
    RegistrationFactory(event=event, language="az", full_name="Ləman")
    services.send_event_message(
        event=event,
        audience="confirmed",
        subjects={"en": "Hall changed", "az": "Zal dəyişdi"},
        bodies={"en": "x", "az": "Zal B-də görüşürük.\n<b>Vaxtında</b> gəlin."},
        sent_by=django_user_model.objects.create_user("staff"),
    )
    email = OutboxEmail.objects.get()
    assert email.subject == "Zal dəyişdi" and email.language == "az"
    assert "Zal B-də görüşürük.\n<b>Vaxtında</b> gəlin." in email.body
    assert "Zal B-də görüşürük.<br>&lt;b&gt;Vaxtında&lt;/b&gt; gəlin." in email.html
    assert CONTENT["az"]["when"] in visible_text(email.html)
    message = mime(email)
    assert message.get_body(preferencelist=("html",)) is not None
    assert [part.get_content_maintype() for part in message.walk()] == [
        "multipart", "text", "text",
    ]  # fmt: skip


def test_the_event_cancelled_email_does_not_call_the_seat_confirmed(event):
    registration = RegistrationFactory(event=event, language="en")
    email = queue_registration_email(registration, "event_cancelled")
    assert "Confirmed" not in email.body and "Confirmed" not in visible_text(email.html)


def test_the_person_promoted_from_the_waiting_list_gets_their_ticket(event):
    event.capacity = 1
    event.save()
    seated = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)
    services.cancel_registration(registration=seated)
    promoted = waiting.emails.get()
    assert promoted.subject.startswith("A seat is now yours")
    [image] = [part for part in mime(promoted).walk() if part.get_content_type() == "image/png"]
    [read] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert read.text == waiting.ticket_code
