"""Rules that change agreements and their measures."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES, active_language, column

from .models import Agreement, Measure, ProgressReport


class AgreementError(Exception):
    """A change to an agreement or a measure that the rules refuse; ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def record_progress(
    *,
    measure: Measure,
    reported_on: datetime.date | None = None,
    text: str = "",
    progress: int | None = None,
    status: str = "",
    texts: Mapping[str, str] | None = None,
) -> ProgressReport:
    """Add a dated progress report to a measure and bring the measure up to date.

    ``text`` is written in the current language; ``texts`` gives it in several
    ({"en": …, "ru": …}). A report must say something (text, progress or status).
    Progress is 0–100 and the date cannot be in the future. When a report gives
    progress but no status, the status follows from it: 100 % means done, more than
    0 % moves a planned measure to in progress. The measure's progress and status then
    follow its latest report (by date, then by when it was recorded), so a back-dated
    report does not overwrite a newer one.
    """
    written = {code: (texts or {}).get(code, "").strip() for code in LANGUAGE_CODES}
    if text.strip():
        written[active_language()] = text.strip()
    written = {code: value for code, value in written.items() if value}
    if not (written or progress is not None or status):
        raise AgreementError(_("A progress report needs a text, a progress or a status."))
    if progress is not None and not 0 <= progress <= 100:
        raise AgreementError(_("Progress must be between 0 and 100 %."))
    if status and status not in Measure.Status.values:
        raise AgreementError(_("Unknown status: %(status)s.") % {"status": status})
    if progress is not None and not status:
        if progress == 100:
            status = Measure.Status.DONE
        elif progress > 0 and measure.status == Measure.Status.PLANNED:
            status = Measure.Status.IN_PROGRESS
    report = ProgressReport(
        measure=measure,
        reported_on=reported_on or timezone.localdate(),
        **{column("text", code): value for code, value in written.items()},
        progress=progress,
        status=status,
    )
    try:
        report.full_clean()
    except ValidationError as error:
        raise AgreementError(" ".join(error.messages)) from error
    with transaction.atomic():
        report.save()
        apply_latest_report(measure=measure)
    return report


def apply_latest_report(*, measure: Measure) -> Measure:
    """Set the measure's progress and status from its latest reports.

    Progress comes from the latest report that gives a progress, status from the
    latest that gives a status; without such a report the measure keeps its own.
    Called after any report is added, changed or deleted.
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        reports = ProgressReport.objects.filter(measure=measure).order_by("-reported_on", "-pk")
        latest_progress = reports.exclude(progress=None).values_list("progress", flat=True).first()
        latest_status = reports.exclude(status="").values_list("status", flat=True).first()
        changed = []
        if latest_progress is not None and latest_progress != measure.progress:
            measure.progress = latest_progress
            changed.append("progress")
        if latest_status and latest_status != measure.status:
            measure.status = latest_status
            changed.append("status")
        if changed:
            measure.save(update_fields=changed)
    return measure


def import_progress(*, agreement: Agreement, rows) -> int:
    """Record one progress report per valid row of a bulk upload, all or nothing.

    ``rows`` are the changes of a preview (see ``progress_import.preview_import``),
    built again from the file when the officer confirms. Returns how many reports
    were recorded.
    """
    recorded = 0
    with transaction.atomic():
        for row in rows:
            if row.measure.agreement_id != agreement.pk:
                raise AgreementError(_("A row belongs to another agreement."))
            record_progress(
                measure=row.measure,
                reported_on=row.reported_on,
                text=row.note,
                progress=row.progress,
                status=row.status,
            )
            recorded += 1
    return recorded
