"""One-line fields refuse line breaks (portal.validators), in the admin and on public forms,
in the reader's language; and an email whose subject somehow holds one still goes out."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import services
from events.models import Event, OutboxEmail
from portal.models import NewsArticle
from portal.validators import one_line, validate_single_line
from tests.events.admin_forms import event_form
from tests.factories import EventFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text", ["two\nlines", "two\rlines", "two\r\nlines", "tab\there", "sep\u2028arator", "nul\x00"]
)
def test_the_validator_refuses_line_breaks_and_control_characters(text):
    with pytest.raises(ValidationError) as error:
        validate_single_line(text)
    assert error.value.code == "line_break"


@pytest.mark.parametrize("text", ["Xəzər forumu", "Каспийский форум", "A – B · C", ""])
def test_the_validator_accepts_one_line(text):
    validate_single_line(text)


def test_one_line_joins_lines_with_one_space():
    assert one_line("Caspian\r\n  Forum\n\n2027\u2028x\x00") == "Caspian Forum 2027 x"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Please keep this on one line, without line breaks or tabs."),
        ("ru", "Пожалуйста, уместите это в одну строку, без переносов строк и табуляций."),
        ("az", "Zəhmət olmasa, bunu bir sətirdə yazın: sətir keçidi və tab olmadan."),
    ],
)
def test_the_admin_refuses_an_event_title_with_a_line_break(staff_client, language, message):
    event = EventFactory(title="Caspian Forum")
    url = reverse("admin:events_event_change", args=[event.pk])
    for field in ("title_en", "title_ru", "venue_name_az"):
        response = staff_client.post(
            url, event_form(event, **{field: "Caspian\nForum"}), HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors[field] == [message]
    event.refresh_from_db()
    assert event.title == "Caspian Forum"


def test_the_admin_refuses_a_news_title_with_a_line_break(staff_client):
    article = NewsArticleFactory(title="Trade up")
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    data = {
        "title_en": "Trade\r\nup", "slug": article.slug, "lead_en": "Lead", "body_en": "Body",
        "status": "published", "publish_at_0": "2024-01-02", "publish_at_1": "10:00:00",
    }  # fmt: skip
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "title_en" in response.context["adminform"].form.errors
    # A text area is not a one-line field: the lead and body keep their line breaks.
    assert "lead_en" not in response.context["adminform"].form.errors
    assert NewsArticle.objects.get().title == "Trade up"


@pytest.mark.parametrize("language", ["ru", "az"])
def test_the_registration_form_refuses_line_breaks_in_the_visitors_language(client, language):
    event = EventFactory()
    data = {
        "full_name": "Ann\nBcc: evil@example.org",
        "email": "ann@example.org",
        "organisation": "Org",
        "position": "Boss",
        "consent": "on",
    }
    response = client.post(f"/{language}/events/{event.slug}/register/", data)
    assert response.status_code == 200
    expected = {
        "ru": "Пожалуйста, уместите это в одну строку",
        "az": "Zəhmət olmasa, bunu bir sətirdə yazın",
    }[language]
    assert response.context["form"].errors["full_name"][0].startswith(expected)


def test_emails_of_an_event_whose_title_holds_a_line_break_still_go_out(
    run_worker, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Caspian Forum")
    # As a title written before forms refused line breaks, or by a script, would be.
    Event.objects.filter(pk=event.pk).update(title_en="Caspian\r\nForum")
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_attendee(
            event=event, full_name="Ann", email="ann@example.org", consent=True
        )
    assert run_worker() == 1
    [sent] = mail.outbox
    assert sent.subject == "Your registration is confirmed: Caspian Forum"
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
    sent.message().as_bytes()  # the headers are valid
