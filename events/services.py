"""The rules of registration: seats, the waiting list, approval, cancellation and check-in.

Every change goes through these functions: the public views, the admin, the check-in page
and the management commands all call them. Capacity is enforced by locking the event row
(``SELECT … FOR UPDATE``; SQLite takes its write lock when the transaction begins) before
counting, and a database constraint backs up "one active registration per email".
"""

import datetime
import functools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.languages import LANGUAGE_CODES, column, columns, fallback_order
from portal.models import Page

from .emails import queue_message_email, queue_registration_email
from .models import (
    STAFF_MESSAGE_MAX_LENGTH,
    Event,
    EventMessage,
    EventQuestion,
    OutboxEmail,
    PersonalDataExport,
    Registration,
    RegistrationAnswer,
)
from .outbox import delivery_enqueued, delivery_task, schedule_delivery
from .questions import check_answers, store_answers
from .seat_claim import PreparedClaim, claim_seat, lock_and_claim, lock_row, prepare_claim

Status = Registration.Status
State = Event.RegistrationState


class RegistrationError(Exception):
    """A registration rule refused the change; ``message`` is shown to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


REFUSALS = {
    State.CANCELLED: _("This event has been cancelled, so it takes no registrations."),
    State.UNAVAILABLE: _("Registration for this event is not available."),
    State.NOT_YET_OPEN: _("Registration for this event has not opened yet."),
    State.CLOSED: _("Registration for this event is closed."),
    State.FULL: _("Sorry, the event is fully booked and has no waiting list."),
}


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


# What a registration's decision reads of the event under its lock (Event.window_state and
# the statuses _status_if_free and _status_if_full give).
REGISTRATION_RULES = (
    "status",
    "registration_opens_at",
    "registration_closes_at",
    "starts_at",
    "capacity",
    "approval_required",
    "waiting_list_enabled",
)


def _locked_rules(event: Event) -> Event | None:
    """The event's row locked, as a new instance with the fields a registration's decision
    reads (the others deferred), or None when it was deleted. On PostgreSQL one statement
    written once per process (events.seat_claim.lock_row); elsewhere the ORM's query."""
    if connection.vendor == "postgresql":
        return lock_row(Event, event.pk, REGISTRATION_RULES)
    return Event.objects.select_for_update().filter(pk=event.pk).first()


def _find_active(event: Event, email: str) -> Registration | None:
    return event.registrations.active().filter(email__iexact=email).first()


def register_attendee(
    *,
    event: Event,
    full_name: str,
    email: str,
    organisation: str = "",
    position: str = "",
    phone: str = "",
    consent: bool,
    language: str = "en",
    answers: Mapping[EventQuestion, object] | None = None,
    now: datetime.datetime | None = None,
    asked: list[EventQuestion] | None = None,
    policy_version: str | None = None,
) -> RegistrationResult:
    """Register a person: confirmed while seats remain, else waiting (if the event has a
    waiting list), or pending when the event needs approval. ``answers`` to the event's
    questions are stored with a new registration (events.questions; ValueError for answers
    that break a question's rules, which the form prevents).

    Refused (RegistrationError) without consent, outside the registration window, for a
    cancelled or unpublished event, and when full without a waiting list. Registering again
    with the address of an active registration (any letter case) changes nothing and emails
    that registration's link to the address (``created`` is False). Nothing in the outcome
    that a visitor is shown may depend on it: whether an address is registered is not told
    on screen, only to the address itself.

    ``asked`` (the event's questions as events.questions.asked_questions gives them) and
    ``policy_version`` (the privacy policy's version in force) save reading them again when
    the caller, the registration form, has just read them.
    """
    email = email.strip()
    if not consent:
        raise RegistrationError(_("Please agree to the processing of your personal data."))
    if not email:
        raise RegistrationError(_("Please enter your email address."))
    answers = answers or {}
    check_answers(event, answers, asked)
    now = now or timezone.now()
    # Read before the lock: the policy in force. Built before it: the registration (its
    # token and ticket code), its history row and its outbox row. Inside the lock only: the
    # lock, then the seat count and the inserts (on PostgreSQL one statement, in one query
    # with the lock's: events.seat_claim); the worker writes the email after commit
    # (tests/events/test_services.py counts these queries). Refusals come first, the same
    # for every address, so that they tell nobody who is in; an address that is registered
    # already is found by the constraint (nothing inserted), and then gets its link.
    if policy_version is None:
        policy_version = Page.privacy_policy_version()
    registration = Registration(
        event=event,
        email=email,
        consent=True,
        consent_at=now,
        policy_version=policy_version,
        status=Status.CONFIRMED,
        created_at=now,
        full_name=full_name,
        organisation=organisation,
        position=position,
        phone=phone,
        language=language,
    )
    if connection.vendor == "postgresql":
        created = _claim_on_postgresql(registration, event, answers, now=now)
    else:
        with transaction.atomic():
            registration.event = _open_for_registration(_locked_rules(event), now)
            created = _claim_through_the_orm(registration, now=now)
            if created:
                store_answers(registration, answers)
    registration.event = event  # the caller's instance, whole
    if created:
        return RegistrationResult(registration, created=True)
    # The address has an active registration (the lock made any other one for this event
    # commit first): its link goes to the address, outside the lock.
    existing = _find_active(event, email)
    if existing is None:
        raise IntegrityError("the registration was not inserted")
    with transaction.atomic():
        queue_registration_email(existing, "link")
    return RegistrationResult(existing, created=False)


def _status_if_full(event: Event) -> str | None:
    """A registration's status when no seat is free (None: refused, the event is full)."""
    if event.approval_required:
        return Status.PENDING
    return Status.WAITING if event.waiting_list_enabled else None


def _status_if_free(event: Event) -> str:
    return Status.PENDING if event.approval_required else Status.CONFIRMED


def _claim_through_the_orm(registration: Registration, *, now) -> bool:
    """Count the seats and insert the registration, its history row and its outbox row
    (SQLite: the transaction holds the database's write lock). False when the address was
    registered meanwhile (nothing inserted); RegistrationError when full."""
    event = registration.event
    status = _status_if_free(event) if event.seats_left != 0 else _status_if_full(event)
    if status is None:
        raise RegistrationError(REFUSALS[State.FULL])
    registration.status = status
    try:
        with transaction.atomic():
            registration.save(force_insert=True)
    except IntegrityError:
        return False
    queue_registration_email(registration, status, render=False)
    return True


@functools.cache
def _registration_history() -> type:
    # Registration.history builds a new manager class at every access (simple_history).
    return Registration.history.model


def _prepare_claim(registration: Registration, *, now) -> PreparedClaim:
    """The values of the registration, its history row, its outbox row and the email's
    delivery task for the claim's statement (events.seat_claim), made before the lock is
    taken."""
    history_model = _registration_history()
    history = history_model(
        history_date=now,
        history_type="+",
        history_user=history_model.get_default_history_user(registration),
        **{
            field.attname: getattr(registration, field.attname)
            for field in history_model.tracked_fields
        },
    )
    email = OutboxEmail(
        to=registration.email, language=registration.language, registration=registration
    )
    return prepare_claim(registration, history, email, delivery_task())


def _open_for_registration(locked: Event | None, now) -> Event:
    """The locked event, or RegistrationError when its status or time window refuses (the
    seats are counted next); None is a deleted event."""
    state = State.UNAVAILABLE if locked is None else locked.window_state(now)
    if state in REFUSALS:
        raise RegistrationError(REFUSALS[state])
    return locked


def _decision(event: Event) -> dict:
    """What decides a registration's status beside the seat count."""
    return {
        "capacity": event.capacity,
        "when_free": _status_if_free(event),
        "when_full": _status_if_full(event),
    }


def _claim_on_postgresql(registration, event, answers, *, now) -> bool:
    """The lock, the count and the inserts of _claim_through_the_orm. When ``event`` as the
    caller read it (the registration form's copy from the worker's memory) is open for
    registration and no answers go with it, all in one query that is its own transaction
    (events.seat_claim.lock_and_claim), deciding with that copy and guarded by it: it
    inserts only if the locked row still holds the copy's status, window, capacity,
    approval and waiting list. Otherwise, or when staff changed one of them a moment ago,
    in a transaction: the lock, the window checked on the locked row, the claim, the
    answers."""
    prepared = _prepare_claim(registration, now=now)
    if not answers and event.window_state(now) == State.OPEN:
        claim = lock_and_claim(
            prepared,
            event=event,
            fields=REGISTRATION_RULES,
            confirmed=Status.CONFIRMED,
            **_decision(event),
        )
        if claim is not None:
            return _claimed(registration, prepared, claim, answers)
    with transaction.atomic():
        locked = _open_for_registration(_locked_rules(event), now)
        claim = claim_seat(
            prepared, event_id=event.pk, confirmed=Status.CONFIRMED, **_decision(locked)
        )
        return _claimed(registration, prepared, claim, answers)


def _claimed(registration: Registration, prepared: PreparedClaim, claim, answers) -> bool:
    """After the claim's statement: RegistrationError when full, False when the address was
    registered meanwhile (nothing inserted), else the registration is saved (with its
    answers) and its email's delivery is queued (by the statement itself when it wrote the
    task's row)."""
    if claim.status is None:
        raise RegistrationError(REFUSALS[State.FULL])
    if claim.registration_id is None:
        return False
    registration.pk = claim.registration_id
    registration.status = claim.status
    registration._state.adding = False
    registration._state.db = connection.alias
    store_answers(registration, answers)
    if prepared.task is None:
        schedule_delivery(claim.email_id)
    else:
        delivery_enqueued(prepared.task, claim.email_id)
    return True


def promote_from_waiting_list(*, event: Event) -> list[Registration]:
    """Give free seats to the waiting list, first come first served; email each person."""
    promoted = []
    with transaction.atomic():
        event = _locked_event(event)
        if event.status != Event.Status.PUBLISHED or event.is_past:
            return promoted
        seats = event.seats_left
        waiting = event.registrations.waiting_in_order()
        if seats is not None:
            waiting = waiting[:seats]
        for registration in waiting:
            registration.status = Status.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            queue_registration_email(registration, "promoted")
            promoted.append(registration)
    return promoted


def _staff_message(message: str) -> str:
    """A message from staff to the person, as it is sent and kept (at most
    STAFF_MESSAGE_MAX_LENGTH characters; the admin's form says so first)."""
    message = message.strip()
    if len(message) > STAFF_MESSAGE_MAX_LENGTH:
        raise RegistrationError(
            _("The message is too long: at most %(limit)d characters.")
            % {"limit": STAFF_MESSAGE_MAX_LENGTH}
        )
    return message


def cancel_registration(
    *, registration: Registration, by_staff: bool = False, message: str = ""
) -> list[Registration]:
    """Cancel an active registration. A freed seat goes to the first person waiting, unless
    the event is still at or over its capacity (walk-ins let in over capacity hold seats
    too, so theirs are the first to go back).

    The registrant cancels from their page; staff cancel ``by_staff``, optionally with a
    ``message`` to the person, which goes into the email and is kept on the registration
    (its change history records who wrote it and when). Returns the registrations promoted
    from the waiting list. Cancelling twice is harmless.
    """
    message = _staff_message(message) if by_staff else ""
    with transaction.atomic():
        registration = _locked_registration(registration)
        if not registration.is_active:
            return []
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.staff_message = message
        registration.save(update_fields=["status", "staff_message", "updated_at"])
        queue_registration_email(registration, "cancelled_by_staff" if by_staff else "cancelled")
        return promote_from_waiting_list(event=registration.event) if held_seat else []


NO_SEAT_FOR_STAFF = _("No seats are left. Raise the capacity first.")


def _locked_registration(registration: Registration) -> Registration:
    """The registration and its event, both locked (call inside a transaction)."""
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    return registration


def _seat_for(registration: Registration, *, email_kind: str = "confirmed") -> Registration:
    """Confirm a waiting or pending registration if a seat is free (caller holds the lock)."""
    if registration.event.seats_left == 0:
        raise RegistrationError(NO_SEAT_FOR_STAFF)
    registration.status = Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    queue_registration_email(registration, email_kind)
    return registration


def approve_registration(*, registration: Registration) -> Registration:
    """Staff approve a pending registration: confirmed if a seat is free, otherwise
    waiting when the event has a waiting list. The registrant is emailed."""
    with transaction.atomic():
        registration = _locked_registration(registration)
        event = registration.event
        if registration.status != Status.PENDING:
            raise RegistrationError(_("Only registrations awaiting approval can be approved."))
        if event.seats_left == 0 and event.waiting_list_enabled:
            registration.status = Status.WAITING
            registration.save(update_fields=["status", "updated_at"])
            queue_registration_email(registration, "waiting")
            return registration
        return _seat_for(registration)


DECLINABLE = (Status.PENDING, Status.WAITING)


def decline_registration(*, registration: Registration, message: str = "") -> Registration:
    """Staff decline a pending or waiting registration; the registrant is emailed, with
    staff's ``message`` if they wrote one (kept on the registration, like a cancellation's)."""
    message = _staff_message(message)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in DECLINABLE:
            raise RegistrationError(_("Only pending or waiting registrations can be declined."))
        registration.status = Status.DECLINED
        registration.staff_message = message
        registration.save(update_fields=["status", "staff_message", "updated_at"])
        queue_registration_email(registration, "declined")
    return registration


def confirm_from_waiting_list(*, registration: Registration) -> Registration:
    """Staff give a seat to a particular person on the waiting list (if a seat is free)."""
    with transaction.atomic():
        registration = _locked_registration(registration)
        if registration.status != Status.WAITING:
            raise RegistrationError(_("Only registrations on the waiting list can be confirmed."))
        return _seat_for(registration, email_kind="promoted")


def resend_confirmation(*, registration: Registration) -> None:
    """Send the registrant their current status and link again."""
    with transaction.atomic():
        queue_registration_email(registration, "link")


def resend_registration_link(*, event: Event, email: str) -> bool:
    """Email the registrant's link if the address has an active registration.

    The caller must answer the same either way, so nobody learns who is registered.
    """
    registration = _find_active(event, email.strip())
    if registration is None:
        return False
    resend_confirmation(registration=registration)
    return True


def check_in(*, registration: Registration) -> Registration:
    """Mark a confirmed registrant as arrived (a second tap changes nothing)."""
    if registration.status != Status.CONFIRMED:
        raise RegistrationError(_("Only confirmed registrations can be checked in."))
    claimed = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )
    registration.refresh_from_db()
    if claimed:
        _record_history([registration])
    return registration


def undo_check_in(*, registration: Registration) -> Registration:
    changed = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=False).update(
        checked_in_at=None
    )
    registration.refresh_from_db()
    if changed:
        _record_history([registration])
    return registration


def _record_history(registrations: Iterable[Registration], reason: str = "") -> None:
    """A change-history entry for changes made with update() (which skips the history);
    the registrations must be fresh from the database."""
    Registration.history.bulk_history_create(
        registrations, update=True, default_change_reason=reason
    )


class OverCapacity(RegistrationError):
    """Adding the walk-in takes the event ``over`` people over its capacity, which staff
    have not agreed to yet (the check-in page asks, saying how many)."""

    def __init__(self, *, over: int, capacity: int):
        super().__init__(
            ngettext(
                "Every seat is taken (%(capacity)d). Adding this person takes the event "
                "%(over)d person over its capacity.",
                "Every seat is taken (%(capacity)d). Adding this person takes the event "
                "%(over)d people over its capacity.",
                over,
            )
            % {"over": over, "capacity": capacity}
        )
        self.over = over
        self.capacity = capacity


def add_walk_in(
    *,
    event: Event,
    full_name: str,
    organisation: str = "",
    email: str = "",
    phone: str = "",
    over_capacity: int = 0,
) -> Registration:
    """Register and check in someone who came without registering.

    A free seat is theirs. When every seat is taken, staff may still let them in over
    capacity: ``over_capacity`` is how many people over the capacity the staff member has
    agreed the event may then be (the check-in page's second step names the number). If
    adding the person would take the event further over than that, for instance because
    another door let someone in meanwhile, OverCapacity says by how many and nothing
    changes.

    A walk-in let in over capacity is marked ``over_capacity`` and holds a seat like
    everyone else, so the public page shows no seats left (never fewer than none). Nobody
    on the waiting list moves: they keep their places in the same order, and a later
    cancellation gives them a seat only once fewer people hold one than the capacity.
    """
    email = email.strip()
    with transaction.atomic():
        event = _locked_event(event)
        if email and _find_active(event, email):
            raise RegistrationError(_("This email is already registered for the event."))
        full = event.seats_left == 0
        if full:
            over = event.seats_over + 1
            if over > over_capacity:
                raise OverCapacity(over=over, capacity=event.capacity)
        now = timezone.now()
        return Registration.objects.create(
            event=event,
            full_name=full_name,
            organisation=organisation,
            email=email,
            phone=phone,
            status=Status.CONFIRMED,
            is_walk_in=True,
            over_capacity=full,
            checked_in_at=now,
            created_at=now,
        )


# A change of any of these (the place in any language) is a change of time or place.
CHANGE_FIELDS = (
    "starts_at", "ends_at", "time_zone", "online_url", *columns("venue_name", "venue_address"),
)  # fmt: skip


def apply_event_change(*, event: Event, previous: Event | None) -> tuple[int, list[Registration]]:
    """Staff saved an event (``previous`` is how it was before, None for a new one): tell the
    registrants about a new time or place or a cancellation, and when the capacity changed,
    give any new seats to the waiting list. Returns (emails queued, people promoted)."""
    notified = notify_event_changed(event=event, previous=previous)
    promoted = []
    if previous is not None and event.capacity != previous.capacity:
        promoted = promote_from_waiting_list(event=event)
    return notified, promoted


def notify_event_changed(*, event: Event, previous: Event | None) -> int:
    """After staff save an event: email confirmed, waiting and pending registrants if the
    time or place changed or the event was cancelled. Compares with the event as it was
    before the save, so a save without such a change sends nothing. Returns emails queued.
    """
    if previous is None:
        return 0
    became_cancelled = (
        event.status == Event.Status.CANCELLED and previous.status != Event.Status.CANCELLED
    )
    changed = any(getattr(event, f) != getattr(previous, f) for f in CHANGE_FIELDS)
    if not became_cancelled and not (changed and event.status == Event.Status.PUBLISHED):
        return 0
    kind = "event_cancelled" if became_cancelled else "event_changed"
    count = 0
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(sequence=previous.sequence + 1)
        event.sequence = previous.sequence + 1
        for registration in event.registrations.active().exclude(email=""):
            registration.event = event
            queue_registration_email(registration, kind)
            count += 1
    return count


def send_reminders(*, now: datetime.datetime | None = None, within=datetime.timedelta(hours=24)):
    """Email each confirmed registrant once, when their event starts within a day."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + within,
    ).exclude(email="")
    sent = 0
    for registration in due.select_related("event"):
        with transaction.atomic():
            # The conditional update makes "never twice" hold even for two cron runs at once.
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                queue_registration_email(registration, "reminder")
                sent += 1
    return sent


PERSONAL_DATA_ERASED = {
    "full_name": "",
    "email": "",
    "organisation": "",
    "position": "",
    "phone": "",
    # Staff's message may name the person or quote what they wrote.
    "staff_message": "",
}


def _anonymise(pks: list[int], *, now: datetime.datetime, reason: str) -> None:
    """Remove the personal data of these registrations everywhere we keep a copy: the row,
    its change history, its answers to the event's questions, its emails and the names in the
    admin's action log."""
    Registration.objects.filter(pk__in=pks).update(**PERSONAL_DATA_ERASED, anonymised_at=now)
    Registration.history.filter(id__in=pks).update(**PERSONAL_DATA_ERASED)
    RegistrationAnswer.objects.filter(registration__in=pks).delete()
    OutboxEmail.objects.filter(registration__in=pks).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(pk) for pk in pks],
    ).update(object_repr=str(_("(personal data erased)")))
    _record_history(Registration.objects.filter(pk__in=pks), reason)


def erase_personal_data(
    *, registration: Registration, now: datetime.datetime | None = None
) -> list[Registration]:
    """The registrant erases their personal data: an active registration for an event that
    has not ended is cancelled first (the seat goes to the waiting list, no email is sent to
    the address being erased); then name, email, organisation, position, phone and the
    answers to the event's questions are removed. Status and check-in stay, so the event's
    counts do not change. Erasing twice is harmless. Returns the registrations promoted from
    the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = _locked_registration(registration)
        event = registration.event
        if registration.is_anonymised:
            return []
        held_seat = False
        if registration.is_active and event.ends_at >= now:
            held_seat = registration.status == Status.CONFIRMED
            registration.status = Status.CANCELLED
            registration.save(update_fields=["status", "updated_at"])
        _anonymise([registration.pk], now=now, reason="erased by the registrant")
        return promote_from_waiting_list(event=event) if held_seat else []


def purge_personal_data(*, older_than_days: int, now: datetime.datetime | None = None) -> int:
    """Anonymise the registrations of events that ended more than ``older_than_days`` ago
    (the retention period), keeping their status and check-in for statistics; delete the
    emails sent that long ago. Returns how many registrations were anonymised; running it
    again anonymises nothing more.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=older_than_days)
    pks = list(
        Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pks), 500):
        with transaction.atomic():
            _anonymise(pks[start : start + 500], now=now, reason="retention period over")
    OutboxEmail.objects.filter(created_at__lt=cutoff).exclude(
        status=OutboxEmail.Status.QUEUED
    ).delete()
    return len(pks)


def record_personal_data_export(
    *, user, registrations: list[Registration], what: str
) -> PersonalDataExport:
    """Log an export of registrants' personal data: who, when, which events, how many rows."""
    with transaction.atomic():
        export = PersonalDataExport.objects.create(
            user=user,
            username=user.get_username(),
            row_count=len(registrations),
            what=what,
        )
        export.events.set({registration.event_id for registration in registrations})
    return export


def message_language(message: EventMessage, registration_language: str) -> str:
    """The language a registrant reads the message in: theirs if it is written, else the
    next written one in their fallback order (portal.languages)."""
    written = message.sendable_languages()
    return next(code for code in fallback_order(registration_language) if code in written)


def send_event_message(
    *,
    event: Event,
    audience: str,
    subjects: Mapping[str, str],
    bodies: Mapping[str, str],
    sent_by,
    key: uuid.UUID | None = None,
) -> EventMessage:
    """Staff write to some of an event's registrants (``audience``, an
    EventMessage.Audience): each person with an email address in that group gets the message
    in their language, or the next written one, through the outbox (one email each, sent by
    the worker), and the sending is logged (who, when, to whom, how many).

    Each language that has a subject must have a text and the other way round, and one
    language at least must have both; nobody in the group is refused too (RegistrationError).
    Sending with the ``key`` of a message already sent sends nothing again and returns it
    (a double click on the preview's button).
    """
    subjects = {code: subjects.get(code, "").strip() for code in LANGUAGE_CODES}
    bodies = {code: bodies.get(code, "").strip() for code in LANGUAGE_CODES}
    if any(bool(subjects[code]) != bool(bodies[code]) for code in LANGUAGE_CODES):
        raise RegistrationError(_("Write both the subject and the text in each language used."))
    if not any(subjects.values()):
        raise RegistrationError(_("Write the message in at least one language."))
    key = key or uuid.uuid4()
    with transaction.atomic():
        already = EventMessage.objects.filter(key=key).first()
        if already is not None:
            return already
        recipients = list(event.registrations.in_audience(audience).order_by("pk"))
        if not recipients:
            raise RegistrationError(_("Nobody in this group has an email address to write to."))
        message = EventMessage(
            event=event,
            audience=audience,
            recipient_count=len(recipients),
            sent_by=sent_by,
            sent_by_name=sent_by.get_username(),
            key=key,
        )
        for code in LANGUAGE_CODES:
            setattr(message, column("subject", code), subjects[code])
            setattr(message, column("body", code), bodies[code])
        message.save()
        for registration in recipients:
            registration.event = event
            language = message_language(message, registration.language)
            queue_message_email(registration, message, language)
    return message
