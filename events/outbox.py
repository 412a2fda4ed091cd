"""Delivery of the outbox by the task worker: no web request ever talks to a mail server.

An email is a row in OutboxEmail, written in the same transaction as the change it reports
(``events.emails``). The row is the truth about what must be sent and when (status, attempts,
``next_attempt_at``); a task carries only its id. Delivery goes through Django's Tasks
framework (``django.tasks``; the database backend by default, run by ``manage.py run_worker``):

1. After commit, ``schedule_delivery`` enqueues ``deliver_email(id)`` (a registration's
   statement writes the task's row itself, in the email's transaction: ``delivery_task``).
   The worker claims the
   email with one conditional UPDATE — a lease of SEND_LEASE, so that two workers never send
   it twice and no lock is held while the mail server is slow — sends it and records how it
   went.
2. A failure keeps the email queued with a growing delay (``backoff``) and enqueues the next
   attempt with ``run_after`` = the new ``next_attempt_at``. After MAX_ATTEMPTS the email is
   given up; staff may still retry it from the admin.
3. A task whose email is not due (already sent, given up, being sent or rescheduled by another
   attempt) does nothing: whoever changed the email has scheduled its next attempt. So a
   duplicate task is harmless.
4. Every enqueue happens after a commit, so an email can be left without a task: the process
   died between its commit and the enqueue, or a worker was killed in the middle of sending
   (the lease runs out and nobody is left to retry). Each worker process therefore sweeps the
   outbox every SWEEP_INTERVAL (``run_worker``): an email due for longer than STRANDED_AFTER
   gets a new task (``rescue_stranded_emails``). No cron job is needed.

Why a sweep in the worker process rather than a sweep task that re-enqueues itself: such a
chain must be kept unique across restarts of many workers, and stops for good if its one
pending task is lost; a sweep in every worker process needs neither, and sweeps running at
the same time are harmless (they only enqueue; the lease decides who sends). When the queue
is more than STRANDED_AFTER behind, the sweep adds at most one extra task per waiting email
and per STRANDED_AFTER; the extra task finds the email sent and ends.
"""

import base64
import datetime
import logging
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core import mail
from django.db import connection, router, transaction
from django.db.models.signals import pre_save
from django.tasks import task
from django.tasks.signals import task_enqueued
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from portal.models import SiteProfile
from portal.validators import one_line

from .models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF = datetime.timedelta(hours=6)
# How long a worker owns an email it is sending before another may retry it.
SEND_LEASE = datetime.timedelta(minutes=10)
# An email due for this long has no task any more (see the module docstring, point 4).
STRANDED_AFTER = datetime.timedelta(minutes=5)
SWEEP_INTERVAL = datetime.timedelta(minutes=1)

Status = OutboxEmail.Status


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes between attempts, at most six hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@task
def deliver_email(email_id: int) -> bool:
    """The worker's task: one delivery attempt of one outbox email (see the module docstring)."""
    return deliver_outbox_email(email_id)


def schedule_delivery(email_id: int, *, run_after: datetime.datetime | None = None) -> None:
    """Enqueue the email's delivery once the current transaction commits. An enqueue that
    fails is logged, never raised: the change is committed and the sweep will find the email."""
    transaction.on_commit(partial(_enqueue, email_id, run_after), robust=True)


def _enqueue(email_id: int, run_after: datetime.datetime | None) -> None:
    delivery = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
    delivery.enqueue(email_id)


def delivery_task() -> DBTaskResult | None:
    """``deliver_email``'s row in the task queue, unsaved and without its argument (the
    email's id), for a statement that writes it in the email's own transaction
    (events.seat_claim): the email and its task are then committed together, and nothing is
    left to enqueue after the commit. The row is what the backend's ``enqueue`` would write.
    None when the queue is not a table of this database (another backend, another database,
    or ids made by the backend's own function): then ``schedule_delivery``."""
    backend = deliver_email.get_backend()
    if (
        not isinstance(backend, DatabaseBackend)
        or backend.options.get("id_function")
        or router.db_for_write(DBTaskResult) != connection.alias
    ):
        return None
    backend.validate_task(deliver_email)
    row = DBTaskResult(
        id=DBTaskResult._meta.pk.get_default(),
        args_kwargs={"args": [None], "kwargs": {}},
        priority=deliver_email.priority,
        task_path=deliver_email.module_path,
        queue_name=deliver_email.queue_name,
        run_after=deliver_email.run_after,
        backend_name=backend.alias,
    )
    # As a save would: django-tasks-db gives a task without run_after its "any time" value.
    pre_save.send(DBTaskResult, instance=row, raw=False, using=connection.alias, update_fields=None)
    return row


def delivery_enqueued(row: DBTaskResult, email_id: int) -> None:
    """Once the transaction that wrote ``row`` (delivery_task) commits, tell the task
    framework's listeners that the email's delivery was enqueued, as the backend's
    ``enqueue`` does."""
    row.args_kwargs = {"args": [email_id], "kwargs": {}}
    transaction.on_commit(
        lambda: task_enqueued.send(type(deliver_email.get_backend()), task_result=row.task_result),
        robust=True,
    )


def sender(language: str) -> str:
    """The From header: the centre's name in the email's language, and the address of
    DEFAULT_FROM_EMAIL (formataddr quotes and RFC 2047-encodes the name as needed)."""
    with translation.override(language):
        name = one_line(SiteProfile.current().name)
    return formataddr((name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


class PortalEmail(mail.EmailMultiAlternatives):
    """Text and HTML alternatives; ``inline_images`` (the ticket's QR) go with the HTML part
    in a multipart/related part, each with its Content-ID, so that a mail client shows them
    with images from the web blocked:

        multipart/mixed
          multipart/alternative
            text/plain
            multipart/related
              text/html          (<img src="cid:…">)
              image/png          (Content-ID, inline)
          text/calendar          (event.ics, for the kinds that carry one)
    """

    def __init__(self, *args, inline_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    def message(self, **kwargs):
        msg = super().message(**kwargs)
        html = msg.get_body(preferencelist=("html",)) if self.inline_images else None
        for image in self.inline_images:
            maintype, subtype = image["mimetype"].split("/", 1)
            html.add_related(
                base64.b64decode(image["content"]),
                maintype=maintype,
                subtype=subtype,
                cid=f"<{image['content_id']}>",
                disposition="inline",
                filename=image["filename"],
            )
        return msg


def reply_to() -> list[str]:
    """Replies go to the centre's own address (its contact in the site profile), if any."""
    address = SiteProfile.current().email
    return [address] if address else []


def _message(email: OutboxEmail) -> mail.EmailMessage:
    inline = [item for item in email.attachments if item.get("content_id")]
    message = PortalEmail(
        # Django refuses a header with a line break: one in an event's title (typed before
        # forms refused them, or by a script) must not stop the email.
        subject=one_line(email.subject),
        body=email.body,
        from_email=sender(email.language),
        to=[email.to],
        reply_to=reply_to(),
        # Auto-Submitted: out-of-office replies and the like are not sent back to us.
        headers={"Content-Language": email.language, "Auto-Submitted": "auto-generated"},
        inline_images=inline if email.html else (),
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        if not attachment.get("content_id"):
            message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def deliver_outbox_email(pk: int) -> bool:
    """Send one queued email if it is due. True when it went out; a failure keeps it queued
    (or gives it up after MAX_ATTEMPTS) and schedules the next attempt."""
    now = timezone.now()
    # Claim the email with one conditional UPDATE (a lease), so that two workers never
    # send it twice, and no database lock is held while we talk to the mail server.
    due = OutboxEmail.objects.filter(pk=pk, status=Status.QUEUED, next_attempt_at__lte=now)
    if not due.update(next_attempt_at=now + SEND_LEASE):
        return False
    email = OutboxEmail.objects.filter(pk=pk).first()
    if email is None:  # erased in the meantime
        return False
    attempts = email.attempts + 1
    try:
        from .emails import render_queued_email  # emails imports this module

        email = render_queued_email(email)
        mail.mailers.default.send_messages([_message(email)])
    except Exception as error:  # any mail-server failure keeps the email queued
        _record_failure(email, attempts=attempts, error=error)
        return False
    # update(), not save(): the row may have been erased while we were sending.
    OutboxEmail.objects.filter(pk=pk).update(
        status=Status.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
    )
    return True


def _record_failure(email: OutboxEmail, *, attempts: int, error: Exception) -> None:
    gave_up = attempts >= MAX_ATTEMPTS
    next_attempt_at = timezone.now() + backoff(attempts)
    # The address stays out of the log (staff see the full error in the admin).
    logger.warning(
        "Email %s failed (attempt %s of %s): %s",
        email.pk,
        attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
    )
    with transaction.atomic():
        recorded = OutboxEmail.objects.filter(pk=email.pk).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            status=Status.FAILED if gave_up else Status.QUEUED,
            next_attempt_at=next_attempt_at,
        )
        if recorded and not gave_up:
            schedule_delivery(email.pk, run_after=next_attempt_at)


def retry_outbox_emails(*, emails) -> int:
    """Staff asked to try the given unsent emails again now (also ones that were given up):
    each is due at once and gets a delivery task. Returns how many were queued."""
    with transaction.atomic():
        pks = list(emails.exclude(status=Status.SENT).values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=pks).update(
            status=Status.QUEUED, next_attempt_at=timezone.now()
        )
        for pk in pks:
            schedule_delivery(pk)
    return len(pks)


def rescue_stranded_emails(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Give a new delivery task to each queued email that has been due for longer than
    STRANDED_AFTER (its task was lost). Returns how many were rescued."""
    now = now or timezone.now()
    with transaction.atomic():
        stranded = OutboxEmail.objects.due(now - STRANDED_AFTER).select_for_update(skip_locked=True)
        pks = list(stranded.values_list("pk", flat=True)[:limit])
        # Due from now on, so that the next sweep leaves them to their new task.
        OutboxEmail.objects.filter(pk__in=pks).update(next_attempt_at=now)
        for pk in pks:
            schedule_delivery(pk)
    if pks:
        logger.info("Rescued %s email(s) left without a delivery task", len(pks))
    return len(pks)


def deliver_due_emails(
    *, now: datetime.datetime | None = None, limit: int = 500
) -> tuple[int, int]:
    """Send the queued emails whose time has come, in this process (``manage.py send_outbox``,
    a one-off without the worker). Returns (sent, failed)."""
    sent = failed = 0
    for pk in OutboxEmail.objects.due(now).values_list("pk", flat=True)[:limit]:
        if deliver_outbox_email(pk):
            sent += 1
        else:
            failed += 1
    return sent, failed
