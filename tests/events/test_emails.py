"""Emails are entirely in the registrant's language: subject, body, the event's title,
venue and address, the calendar file and the centre's name."""

import re
from pathlib import Path

import icalendar
import pytest
from django.conf import settings

from events import services
from events.emails import SUBJECTS, queue_registration_email, render_queued_email
from events.models import OutboxEmail
from portal.models import SiteProfile
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Path(settings.BASE_DIR) / "templates" / "events" / "email" / "registration.txt"

CONTENT = {
    "ru": {
        "title": "Каспийский форум по торговле и логистике",
        "venue": "Выставочный центр",
        "address": "Астрахань, ул. Примерная, 1",
        "centre": "Астраханский деловой центр",
    },
    "az": {
        "title": "Xəzər ticarət və logistika forumu",
        "venue": "Sərgi mərkəzi",
        "address": "Həştərxan, Nümunə küçəsi, 1",
        "centre": "Həştərxan Biznes Mərkəzi",
    },
}
ENGLISH = {
    "title": "Caspian trade and logistics forum",
    "venue": "Exhibition centre",
    "address": "1 Example Street, Astrakhan",
    "centre": "Astrakhan Business Center",
}
# UI words that are written the same in English and in that language.
SAME_WORD = {"ru": set(), "az": {"Status"}}
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def english_ui_strings() -> list[str]:
    """Every English sentence the email template and subjects can put into an email."""
    source = TEMPLATE.read_text(encoding="utf-8")
    strings = re.findall(r'{% translate "(.*?)" %}', source)
    strings += [
        re.sub(r"{{ \w+ }}", "", text).strip(" ,")
        for text in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source)
    ]
    strings += [str(subject).split("%(")[0].strip(": ") for subject in SUBJECTS.values()]
    return [text for text in strings if len(text) > 3]


@pytest.fixture
def event():
    SiteProfile.objects.create(
        name_en=ENGLISH["centre"], name_ru=CONTENT["ru"]["centre"], name_az=CONTENT["az"]["centre"]
    )
    columns = {}
    for field, key in (("title", "title"), ("venue_name", "venue"), ("venue_address", "address")):
        columns[f"{field}_en"] = ENGLISH[key]
        for language in CONTENT:
            columns[f"{field}_{language}"] = CONTENT[language][key]
    return EventFactory(capacity=5, time_zone="Europe/Astrakhan", **columns)


def test_the_english_strings_list_is_not_empty():
    strings = english_ui_strings()
    assert "Your registration is confirmed. We look forward to seeing you." in strings
    assert "Keep this link to yourself: anyone who has it can cancel your registration." in strings
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
    # Queued inside the event's lock as a bare row; the worker writes it out before sending.
    email = render_queued_email(OutboxEmail.objects.get(registration=result.registration))
    expected = CONTENT[language]
    assert email.language == language
    assert expected["title"] in email.subject
    for key in ("title", "venue", "address", "centre"):
        assert expected[key] in email.body, key
    for key in ("title", "venue", "address", "centre"):
        assert ENGLISH[key] not in email.subject + email.body, key
    assert f"/{language}/registrations/{result.registration.token}/" in email.body
    assert f"/{language}/events/{event.slug}/" in email.body
    [vevent] = icalendar.Calendar.from_ical(email.attachments[0]["content"]).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == expected["title"]
    assert expected["venue"] in str(vevent["LOCATION"])


@pytest.mark.parametrize("language", ["ru", "az"])
@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_no_english_ui_string_in_any_kind_of_email(event, language, kind):
    registration = RegistrationFactory(event=event, language=language, full_name="Ləman Quliyeva")
    email = queue_registration_email(registration, kind)
    text = f"{email.subject}\n{email.body}"
    assert CONTENT[language]["title"] in email.subject
    strings = set(english_ui_strings()) - SAME_WORD[language]
    assert [english for english in strings if english in text] == []
    assert [month for month in ENGLISH_MONTHS if month in text] == []
    assert CONTENT[language]["centre"] in email.body


def test_english_registrants_get_the_english_texts(event):
    registration = RegistrationFactory(event=event, language="en")
    email = queue_registration_email(registration, "confirmed")
    assert email.subject == f"Your registration is confirmed: {ENGLISH['title']}"
    for key in ("venue", "address", "centre"):
        assert ENGLISH[key] in email.body
    assert CONTENT["ru"]["title"] not in email.body
