"""Checking a ticket in at the door: the code scanned by the camera, read from a photo or typed.

One scan, one answer. Only a confirmed registration of this very event is let in; a second scan
of the same ticket says when it was first checked in (in the event's own time zone), so that a
ticket passed back over the fence is noticed. Two doors scanning the same ticket at the same
moment get one "checked in" and one "already": the check-in is a single conditional UPDATE
(``checked_in_at IS NULL``), which the database applies to one of them only.
"""

import datetime
import warnings
from dataclasses import dataclass

import zxingcpp
from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from PIL import Image, UnidentifiedImageError

from . import tickets
from .models import Event, Registration

Status = Registration.Status

# A phone photo is 2–6 MB. The same limit as uploaded images (the proxy stops bodies over
# 12 MB, README), so that a bigger photo still gets this page's own message.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# 50 megapixels: more than any phone camera, far less than a decompression bomb.
MAX_PHOTO_PIXELS = 50_000_000
# A ticket fills a good part of the picture: 1600 px on the long side is plenty for the QR
# code and keeps decoding a 12-megapixel photo well under a second.
DECODE_SIZE = 1600


class ScanError(Exception):
    """The photo or the typed text could not be turned into a code; ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Outcome(models.TextChoices):
    """What a scan found (not stored: the registration's status and check-in time are)."""

    CHECKED_IN = "checked-in"
    ALREADY = "already"
    OTHER_EVENT = "other-event"
    CANCELLED = "cancelled"
    WAITING = "waiting"
    PENDING = "pending"
    DECLINED = "declined"
    UNKNOWN = "unknown"


TONES = {Outcome.CHECKED_IN: "success", Outcome.ALREADY: "warning"}  # the rest: "danger"
HEADINGS = {
    Outcome.CHECKED_IN: pgettext_lazy("ticket scan", "Checked in"),
    Outcome.ALREADY: pgettext_lazy("ticket scan", "Already checked in"),
}
NOT_VALID = pgettext_lazy("ticket scan", "Not valid")
REFUSED_STATUSES = {
    Status.CANCELLED: Outcome.CANCELLED,
    Status.WAITING: Outcome.WAITING,
    Status.PENDING: Outcome.PENDING,
    Status.DECLINED: Outcome.DECLINED,
}


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    registration: Registration | None = None
    event: Event | None = None

    @property
    def tone(self) -> str:
        """The Bootstrap colour: green, amber or red (the heading says the same in words)."""
        return TONES.get(self.outcome, "danger")

    @property
    def heading(self) -> str:
        return str(HEADINGS.get(self.outcome, NOT_VALID))

    @property
    def name(self) -> str:
        return self.registration.display_name if self.registration else ""

    @property
    def checked_in_time(self) -> str:
        """HH:MM in the event's own zone (the door is where the event is)."""
        at = self.registration.checked_in_at
        if at is None:  # undone since
            return ""
        return dateformat.time_format(timezone.localtime(at, self.event.zone), "H:i")

    @property
    def message(self) -> str:
        """The sentence under the heading, in the active language."""
        registration = self.registration
        if self.outcome == Outcome.CHECKED_IN:
            return _("Welcome! The ticket is valid and now checked in.")
        if self.outcome == Outcome.ALREADY:
            return _("This ticket was already checked in at %(time)s. Do not let it in twice.") % {
                "time": self.checked_in_time
            }
        if self.outcome == Outcome.OTHER_EVENT:
            return _("This ticket is for another event: %(event)s.") % {
                "event": registration.event.title
            }
        if self.outcome == Outcome.CANCELLED:
            return _("This registration was cancelled.")
        if self.outcome == Outcome.WAITING:
            return _("This person is on the waiting list and has no seat.")
        if self.outcome == Outcome.PENDING:
            return _("This registration is still awaiting approval.")
        if self.outcome == Outcome.DECLINED:
            return _("This registration was declined.")
        return _("No ticket has this code. Check the code and try again.")

    def for_session(self) -> dict:
        return {"outcome": self.outcome, "registration": getattr(self.registration, "pk", None)}

    @classmethod
    def from_session(cls, saved: dict, event: Event) -> "ScanResult":
        """The answer again on the page after the redirect (the registration read afresh)."""
        registration = (
            Registration.objects.select_related("event")
            .filter(pk=saved.get("registration"))
            .first()
        )
        outcome = saved.get("outcome") if registration else Outcome.UNKNOWN
        return cls(outcome, registration, event)

    def as_json(self) -> dict:
        return {
            "outcome": self.outcome,
            "tone": self.tone,
            "heading": self.heading,
            "message": self.message,
            "name": self.name,
        }


def refusal_json(message: str) -> dict:
    """The camera script's answer when the request itself was not a code (no ticket read)."""
    return {"outcome": "invalid", "tone": "danger", "heading": str(NOT_VALID), "message": message}


def check_in_by_ticket(
    *, event: Event, code: str, now: datetime.datetime | None = None
) -> ScanResult:
    """Check in the ticket with this code at this event's door.

    Only a confirmed registration of this event is checked in; anything else gets a red answer
    naming the reason (another event, cancelled, waiting list, pending, declined, unknown
    code). A ticket that is already checked in keeps its first time. ``code`` may be typed
    loosely ("acdf-ghjk")."""
    now = now or timezone.now()
    code = tickets.normalise(code)
    registration = (
        Registration.objects.select_related("event").filter(ticket_code=code).first()
        if len(code) == tickets.LENGTH
        else None
    )
    if registration is None:
        return ScanResult(Outcome.UNKNOWN, event=event)
    if registration.event_id != event.pk:
        return ScanResult(Outcome.OTHER_EVENT, registration, event)
    if registration.status in REFUSED_STATUSES:
        return ScanResult(REFUSED_STATUSES[registration.status], registration, event)
    claimed = _claim(registration, now)
    registration.refresh_from_db()
    if claimed:
        Registration.history.bulk_history_create(
            [registration], update=True, default_change_reason="ticket scanned"
        )
        return ScanResult(Outcome.CHECKED_IN, registration, event)
    if registration.checked_in_at is not None and registration.status == Status.CONFIRMED:
        return ScanResult(Outcome.ALREADY, registration, event)
    # The status changed between reading and checking in (cancelled at that very moment).
    outcome = REFUSED_STATUSES.get(registration.status, Outcome.UNKNOWN)
    return ScanResult(outcome, registration, event)


def _claim(registration: Registration, now: datetime.datetime) -> bool:
    """Check in if still confirmed and not yet in: one UPDATE, so only one scan can win."""
    return bool(
        Registration.objects.filter(
            pk=registration.pk, status=Status.CONFIRMED, checked_in_at__isnull=True
        ).update(checked_in_at=now)
    )


def code_from_photo(photo) -> str:
    """The ticket code in an uploaded photo of its QR code.

    Raises ScanError for a file that is too large, is not an image, or shows no QR code."""
    if photo.size > MAX_PHOTO_BYTES:
        raise ScanError(
            _("The photo is too large (at most %(megabytes)d MB). Take it again.")
            % {"megabytes": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    too_large = ScanError(_("The photo is too large. Take it again."))
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its limit; any photo that big is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(photo)
        with image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise too_large
            image.draft("L", (DECODE_SIZE, DECODE_SIZE))  # JPEG: decode at a smaller size
            image = image.convert("L")
            image.thumbnail((DECODE_SIZE, DECODE_SIZE))
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except ScanError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        message = _("This file is not a photo that can be read. Take the photo again.")
        raise ScanError(message) from None
    for barcode in found:
        code = tickets.normalise(barcode.text)
        if code:
            return code
    raise ScanError(
        _(
            "No QR code was found in the photo. Hold the ticket flat, fill the picture with it "
            "and try again, or type the code."
        )
    )
