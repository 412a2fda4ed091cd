"""Questions per event: staff add them in the admin, visitors answer them on the registration
form in their language, staff read the answers, and the answers go with the personal data."""

import csv
import datetime
import io
import re

import pytest
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import EventQuestion, EventQuestionChoice, Registration, RegistrationAnswer
from events.questions import answer_text
from tests.events.admin_forms import event_form, questions_formset
from tests.factories import EventFactory, EventQuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Kind = EventQuestion.Kind


@pytest.fixture
def event():
    """An event with one question of each kind, in English (and some in Russian)."""
    event = EventFactory(slug="forum")
    EventQuestionFactory(event=event, label="Your website", kind=Kind.SHORT_TEXT, position=1)
    EventQuestionFactory(
        event=event, label="What would you like to discuss?", kind=Kind.LONG_TEXT, position=2
    )
    EventQuestionFactory(
        event=event,
        label="Which session?",
        label_ru="Какая сессия?",
        kind=Kind.ONE_CHOICE,
        required=True,
        position=3,
        choices=["Trade", "Logistics"],
    )
    EventQuestionFactory(
        event=event,
        label="Meals",
        kind=Kind.SEVERAL_CHOICES,
        position=4,
        choices=["Lunch", "Dinner", "Vegetarian"],
    )
    EventQuestionFactory(
        event=event, label="Do you need a visa letter?", kind=Kind.YES_NO, required=True, position=5
    )
    return event


def question(event, kind) -> EventQuestion:
    return event.questions.get(kind=kind)


def choice(event, label) -> EventQuestionChoice:
    return EventQuestionChoice.objects.get(question__event=event, label_en=label)


def form_data(event, **answers) -> dict:
    data = {
        "full_name": "Leyla Mammadova",
        "email": "leyla@example.org",
        "organisation": "Caspian Logistics",
        "position": "Director",
        "consent": "on",
    }
    data.update({f"question_{question(event, kind).pk}": value for kind, value in answers.items()})
    return data


def register(client, event, language="en", **answers):
    url = f"/{language}/events/{event.slug}/register/"
    return client.post(url, form_data(event, **answers))


def test_the_form_asks_each_kind_of_question(client, event):
    html = client.get("/en/events/forum/register/").content.decode()
    for kind, markup in [
        (Kind.SHORT_TEXT, '<input type="text" name="question_{}"'),
        (Kind.LONG_TEXT, '<textarea name="question_{}"'),
        (Kind.ONE_CHOICE, '<input type="radio"[^>]* name="question_{}" value="\\d+"'),
        (Kind.SEVERAL_CHOICES, '<input type="checkbox"[^>]* name="question_{}" value="\\d+"'),
        (Kind.YES_NO, '<input type="radio"[^>]* name="question_{}" value="yes"'),
    ]:
        assert re.search(markup.format(question(event, kind).pk), html), kind
    assert "Which session?" in html and "Vegetarian" in html
    # The questions come after the person's details and before the consent.
    assert html.index('name="phone"') < html.index("Your website") < html.index('name="consent"')


def test_labels_are_in_the_visitors_language_or_marked_in_the_one_written(client, event):
    html = client.get("/ru/events/forum/register/").content.decode()
    assert "Какая сессия?" in html
    assert "Which session?" not in html
    assert '<span lang="en">Meals</span>' in html  # not written in Russian: English, marked
    assert '<span lang="en">Lunch</span>' in html


def test_a_choice_question_without_choices_is_left_out(client, event):
    empty = EventQuestionFactory(event=event, label="Pick one", kind=Kind.ONE_CHOICE)
    html = client.get("/en/events/forum/register/").content.decode()
    assert f'name="question_{empty.pk}"' not in html
    assert "Pick one" not in html


def test_the_form_follows_a_staff_change_to_its_questions_at_once(client, event):
    """The form's questions are remembered per content generation (events.questions.
    remembered_questions): saving a question or a choice starts a new one."""
    empty = EventQuestionFactory(event=event, label="Pick one", kind=Kind.ONE_CHOICE)
    assert "Pick one" not in client.get("/en/events/forum/register/").content.decode()
    EventQuestionChoice.objects.create(question=empty, label="Ferries")
    html = client.get("/en/events/forum/register/").content.decode()
    assert "Pick one" in html and "Ferries" in html
    empty.label = "Pick a topic"
    empty.save()
    assert "Pick a topic" in client.get("/en/events/forum/register/").content.decode()


def test_answers_of_every_kind_are_stored_with_the_registration(client, event):
    response = register(
        client,
        event,
        **{
            Kind.SHORT_TEXT: "caspian.example.org",
            Kind.LONG_TEXT: "Ports.\nAnd ferries.",
            Kind.ONE_CHOICE: str(choice(event, "Logistics").pk),
            Kind.SEVERAL_CHOICES: [str(choice(event, "Lunch").pk), str(choice(event, "Dinner").pk)],
            Kind.YES_NO: "no",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    answers = {a.question.kind: a for a in registration.answers.select_related("question")}
    assert answers[Kind.SHORT_TEXT].text == "caspian.example.org"
    assert answers[Kind.LONG_TEXT].text == "Ports.\nAnd ferries."
    assert list(answers[Kind.ONE_CHOICE].choices.all()) == [choice(event, "Logistics")]
    assert {c.label for c in answers[Kind.SEVERAL_CHOICES].choices.all()} == {"Lunch", "Dinner"}
    assert answers[Kind.YES_NO].yes is False
    assert answer_text(answers[Kind.YES_NO]) == "No"


def test_optional_questions_may_stay_unanswered(client, event):
    response = register(
        client, event, **{Kind.ONE_CHOICE: str(choice(event, "Trade").pk), Kind.YES_NO: "yes"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.answers.count() == 2  # nothing is stored for the empty ones
    assert registration.answers.get(question__kind=Kind.YES_NO).yes is True


@pytest.mark.parametrize(
    ("language", "required_message", "invalid_choice"),
    [
        ("en", "This field is required.", "Select a valid choice."),
        ("ru", "Обязательное поле.", "Выберите корректный вариант."),
        ("az", "Bu sahə vacibdir.", "Düzgün seçim edin."),
    ],
)
def test_required_and_invalid_answers_are_refused_in_the_visitors_language(
    client, event, language, required_message, invalid_choice
):
    other_event = EventQuestionFactory(kind=Kind.ONE_CHOICE, choices=["Elsewhere"])
    foreign_choice = other_event.choices.get()
    response = register(
        client,
        event,
        language,
        **{
            Kind.ONE_CHOICE: str(foreign_choice.pk),  # a choice of another event's question
            Kind.SEVERAL_CHOICES: ["999999"],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"question_{question(event, Kind.YES_NO).pk}"] == [required_message]
    assert errors[f"question_{question(event, Kind.ONE_CHOICE).pk}"][0].startswith(invalid_choice)
    assert errors[f"question_{question(event, Kind.SEVERAL_CHOICES).pk}"][0].startswith(
        invalid_choice
    )
    assert not Registration.objects.exists()
    assert not RegistrationAnswer.objects.exists()


def test_a_short_answer_is_one_line(client, event):
    response = register(
        client,
        event,
        "ru",
        **{
            Kind.SHORT_TEXT: "one\ntwo",
            Kind.ONE_CHOICE: str(choice(event, "Trade").pk),
            Kind.YES_NO: "yes",
        },
    )
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_the_service_refuses_answers_the_form_would_refuse(event):
    details = {"full_name": "A", "email": "a@example.org", "consent": True}
    with pytest.raises(ValueError, match="required"):
        services.register_attendee(event=event, **details, answers={})
    other = EventQuestionFactory(kind=Kind.SHORT_TEXT)
    with pytest.raises(ValueError, match="not one of this event's"):
        services.register_attendee(event=event, **details, answers={other: "x"})
    stray = EventQuestionFactory(kind=Kind.ONE_CHOICE, choices=["Elsewhere"]).choices.get()
    with pytest.raises(ValueError, match="not among its choices"):
        services.register_attendee(
            event=event,
            **details,
            answers={question(event, Kind.ONE_CHOICE): stray.pk, question(event, Kind.YES_NO): 1},
        )
    assert not Registration.objects.exists()


def answered(event, **fields) -> Registration:
    registration = services.register_attendee(
        event=event,
        full_name=fields.get("full_name", "Rashad Hasanov"),
        email=fields.get("email", "rashad@example.org"),
        phone=fields.get("phone", ""),
        consent=True,
        answers={
            question(event, Kind.SHORT_TEXT): "rashad.example.org",
            question(event, Kind.ONE_CHOICE): choice(event, "Trade").pk,
            question(event, Kind.SEVERAL_CHOICES): [
                choice(event, "Lunch").pk,
                choice(event, "Vegetarian").pk,
            ],
            question(event, Kind.YES_NO): True,
        },
    ).registration
    return registration


def test_answers_survive_editing_the_labels(event):
    registration = answered(event)
    session = question(event, Kind.ONE_CHOICE)
    session.label_en = "Which session will you attend?"
    session.save()
    trade = choice(event, "Trade")
    trade.label_en = "Trade and customs"
    trade.save()
    answer = registration.answers.get(question=session)
    assert answer.question.label == "Which session will you attend?"
    assert answer_text(answer) == "Trade and customs"


def test_the_admin_shows_the_answers_in_the_staff_members_language(staff_client, event):
    registration = answered(event)
    url = reverse("admin:events_registration_change", args=[registration.pk])
    html = staff_client.get(url).content.decode()
    assert "<dt>Your website</dt><dd>rashad.example.org</dd>" in html
    assert "<dd>Lunch; Vegetarian</dd>" in html
    assert "<dt>Do you need a visa letter?</dt><dd>Yes</dd>" in html
    html = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<dt>Какая сессия?</dt><dd>Trade</dd>" in html  # the choice falls back to English
    assert "<dd>Да</dd>" in html


def test_the_csv_export_has_a_column_per_question(staff_client, event):
    registration = answered(event)
    RegistrationFactory(event=event, full_name="No answers")
    other = EventFactory(title="Volga fair")
    RegistrationFactory(event=other, full_name="Fair visitor")
    response = staff_client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Registration.objects.values_list("pk", flat=True)),
        },
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    labels = [q.label for q in event.questions.all()]
    assert header[-len(labels) :] == labels
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name[registration.full_name]["Which session?"] == "Trade"
    assert by_name[registration.full_name]["Meals"] == "Lunch; Vegetarian"
    assert by_name[registration.full_name]["Do you need a visa letter?"] == "Yes"
    assert by_name[registration.full_name]["What would you like to discuss?"] == ""
    assert by_name["No answers"]["Meals"] == ""
    assert by_name["Fair visitor"]["Meals"] == ""


def test_erasure_removes_the_answers(event):
    registration = answered(event)
    services.erase_personal_data(registration=registration)
    assert not RegistrationAnswer.objects.exists()
    assert EventQuestion.objects.filter(event=event).count() == 5  # the questions stay


def test_purge_removes_the_answers_of_old_events(event):
    registration = answered(event)
    recent = EventFactory()
    EventQuestionFactory(event=recent, kind=Kind.SHORT_TEXT, label="Kept")
    kept = services.register_attendee(
        event=recent,
        full_name="Recent",
        email="recent@example.org",
        consent=True,
        answers={recent.questions.get(): "still here"},
    ).registration
    Event = type(event)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Event.objects.filter(pk=event.pk).update(
        starts_at=long_ago, ends_at=long_ago + datetime.timedelta(hours=2)
    )
    assert services.purge_personal_data(older_than_days=365) == 1
    assert not RegistrationAnswer.objects.filter(registration=registration).exists()
    assert RegistrationAnswer.objects.get(registration=kept).text == "still here"


# ---- the admin --------------------------------------------------------------------------


def test_staff_add_a_question_on_the_event_page(staff_client):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    row = {"kind": Kind.YES_NO, "required": "on", "position": "1", "label_en": "Parking?"}
    row["label_az"] = "Avtomobil dayanacağı?"
    response = staff_client.post(url, event_form(event, **questions_formset(row)))
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    added = event.questions.get()
    assert (added.kind, added.required, added.label_en, added.label_az) == (
        Kind.YES_NO,
        True,
        "Parking?",
        "Avtomobil dayanacağı?",
    )
    with translation.override("az"):
        assert added.label == "Avtomobil dayanacağı?"


def test_a_question_label_is_one_line(staff_client):
    event = EventFactory()
    url = reverse("admin:events_event_change", args=[event.pk])
    row = {"kind": Kind.SHORT_TEXT, "position": "1", "label_en": "Line one\nline two"}
    response = staff_client.post(url, event_form(event, **questions_formset(row)))
    assert response.status_code == 200
    assert "Please keep this on one line" in response.content.decode()
    assert not event.questions.exists()


def choices_formset(*rows, initial=0) -> dict:
    data = {
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": str(initial),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"choices-{index}-{key}": value for key, value in row.items()})
    return data


def test_choices_are_edited_on_the_questions_page(staff_client):
    session = EventQuestionFactory(label="Session", kind=Kind.ONE_CHOICE)
    url = reverse("admin:events_eventquestion_change", args=[session.pk])
    fields = {"kind": Kind.ONE_CHOICE, "position": "0", "label_en": "Session"}
    one = {"label_en": "Trade", "label_ru": "Торговля", "position": "0"}
    response = staff_client.post(url, {**fields, **choices_formset(one)})
    assert response.status_code == 200
    assert "Give the question at least two choices." in response.content.decode()
    two = {"label_en": "Ports", "label_ru": "Порты", "position": "1"}
    response = staff_client.post(url, {**fields, **choices_formset(one, two)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_change", args=[session.event_id])
    with translation.override("ru"):
        assert [c.label for c in session.choices.all()] == ["Торговля", "Порты"]
    event_page = staff_client.get(response["Location"]).content.decode()
    assert "Trade; Ports" in event_page


def test_an_answered_question_keeps_its_kind_and_cannot_be_deleted(staff_client, event):
    answered(event)
    website = question(event, Kind.SHORT_TEXT)
    url = reverse("admin:events_eventquestion_change", args=[website.pk])
    response = staff_client.post(
        url,
        {"kind": Kind.LONG_TEXT, "position": "1", "label_en": "Website", **choices_formset()},
    )
    assert "People have answered this question already" in response.content.decode()
    with pytest.raises(RestrictedError):
        website.delete()
    with pytest.raises(RestrictedError):
        choice(event, "Trade").delete()
    event.delete()  # the whole event, its registrations and their answers go together
    assert not RegistrationAnswer.objects.exists()
