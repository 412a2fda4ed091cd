"""Questions on an event's registration form: their form fields, the answers they take and
how answers read for staff (the registration's admin page and the exports).

Staff write each question and choice in one or more languages (events.translation); the
form shows them in the visitor's language or, where that is not written, in the first
written one, marked with its ``lang``. A value of the form is what ``register_attendee``
stores: text for the text kinds, True/False for yes-or-no, a choice's id or a list of them.
"""

from collections.abc import Iterable, Mapping

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.languages import active_language, language_of
from portal.pagecache import remember
from portal.validators import refuse_line_breaks

from .models import Event, EventQuestion, Registration, RegistrationAnswer

Kind = EventQuestion.Kind
FIELD_PREFIX = "question_"
SHORT_TEXT_LENGTH = 300
LONG_TEXT_LENGTH = 3000
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class AnswerError(ValueError):
    """Answers that break a question's rules (the form prevents them)."""


def asked_questions(event: Event) -> list[EventQuestion]:
    """The questions the form asks, in order: a choice question without choices yet is left
    out (the admin shows it as unfinished)."""
    questions = event.questions.prefetch_related("choices")
    return [
        question for question in questions if not question.has_choices or question.choices.all()
    ]


def remembered_questions(event: Event) -> list[EventQuestion]:
    """``asked_questions``, read once per worker and content generation (a saved question
    or choice starts a new one, portal.pagecache): the form is built for every submission."""
    return remember(f"event-questions:{event.pk}", lambda: asked_questions(event))


def field_name(question: EventQuestion) -> str:
    return f"{FIELD_PREFIX}{question.pk}"


def shown_label(obj) -> str:
    """The label in the visitor's language, or the written one it falls back to, marked."""
    language = language_of(obj, "label")
    if language == active_language():
        return obj.label
    return format_html('<span lang="{}">{}</span>', language, obj.label)


def form_field(question: EventQuestion) -> forms.Field:
    options = {"label": shown_label(question), "required": question.required}
    if question.kind == Kind.SHORT_TEXT:
        return refuse_line_breaks(forms.CharField(max_length=SHORT_TEXT_LENGTH, **options))
    if question.kind == Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4})
        return forms.CharField(max_length=LONG_TEXT_LENGTH, widget=widget, **options)
    if question.kind == Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **options,
        )
    choices = [(choice.pk, shown_label(choice)) for choice in question.choices.all()]
    if question.kind == Kind.ONE_CHOICE:
        return forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **options
        )
    return forms.TypedMultipleChoiceField(
        choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **options
    )


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


def check_answers(
    event: Event,
    answers: Mapping[EventQuestion, object],
    asked: list[EventQuestion] | None = None,
) -> None:
    """The rules the form enforces, for anyone who calls the service directly: answers only
    to the event's own questions, every required question answered, choices from the list.
    ``asked``: the event's asked_questions() if the caller has read them already."""
    for question, value in answers.items():
        if question.event_id != event.pk:
            raise AnswerError(f"question {question.pk} is not one of this event's")
        if question.has_choices and not is_empty(value):
            offered = {choice.pk for choice in question.choices.all()}
            picked = value if isinstance(value, list) else [value]
            if not set(picked) <= offered or (question.kind == Kind.ONE_CHOICE and len(picked) > 1):
                raise AnswerError(f"question {question.pk}: {picked} is not among its choices")
    for question in asked_questions(event) if asked is None else asked:
        if question.required and is_empty(answers.get(question)):
            raise AnswerError(f"question {question.pk} is required")


def store_answers(registration: Registration, answers: Mapping[EventQuestion, object]) -> None:
    """Save the non-empty answers with the registration (inside the registration's
    transaction)."""
    for question, value in answers.items():
        if is_empty(value):
            continue
        answer = RegistrationAnswer.objects.create(
            registration=registration,
            question=question,
            text=value if question.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT) else "",
            yes=value if question.kind == Kind.YES_NO else None,
        )
        if question.has_choices:
            answer.choices.set(value if isinstance(value, list) else [value])


def answer_text(answer: RegistrationAnswer) -> str:
    """The answer as staff read it, in their language (choices joined by "; ")."""
    kind = answer.question.kind
    if kind == Kind.YES_NO:
        return "" if answer.yes is None else (_("Yes") if answer.yes else _("No"))
    if kind in EventQuestion.CHOICE_KINDS:
        return "; ".join(choice.label for choice in answer.choices.all())
    return answer.text


def questions_of(registrations: Iterable[Registration]) -> list[EventQuestion]:
    """Every question of the registrations' events, event by event: the exports' columns."""
    event_ids = sorted({registration.event_id for registration in registrations})
    return list(
        EventQuestion.objects.filter(event_id__in=event_ids)
        .select_related("event")
        .order_by("event__starts_at", "event_id", "position", "pk")
    )


def answers_by_question(registration: Registration) -> dict[int, RegistrationAnswer]:
    """The registration's answers keyed by question id (prefetch ``answers__choices`` and
    ``answers__question`` for many registrations)."""
    return {answer.question_id: answer for answer in registration.answers.all()}
