"""Rules that change agreements and their measures."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES, active_language, column

from .models import Agreement, Measure, ProgressReport


class AgreementError(Exception):
    """A change to an agreement or a measure that the rules refuse; ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class MeasureState:
    """What a measure shows: its status and progress."""

    status: str
    progress: int

    @property
    def status_label(self) -> str:
        return Measure.Status(self.status).label


@dataclass(frozen=True)
class Report:
    """What the rule needs of a progress report. ``order`` breaks ties between reports of
    the same date: the one recorded later (a higher primary key) is the newer."""

    reported_on: datetime.date
    order: float
    progress: int | None
    status: str


@dataclass(frozen=True)
class ProgressOutcome:
    """What a progress report does (or would do) to its measure, and why.

    ``newer_progress_on`` / ``newer_status_on`` are the dates of the existing reports that
    outrank the new one's progress or status (None when the new report is the latest)."""

    measure: Measure
    before: MeasureState
    after: MeasureState
    newer_progress_on: datetime.date | None = None
    newer_status_on: datetime.date | None = None
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def lowers_progress(self) -> bool:
        return self.after.progress < self.before.progress

    @property
    def older_than_latest(self) -> bool:
        return bool(self.newer_progress_on or self.newer_status_on)


def report_status(*, measure_status: str, progress: int | None, status: str) -> str:
    """The status a report records. When a report gives progress but no status, the status
    follows from it: 100 % means done, more than 0 % moves a planned measure to in progress."""
    if status or progress is None:
        return status
    if progress == 100:
        return Measure.Status.DONE
    if progress > 0 and measure_status == Measure.Status.PLANNED:
        return Measure.Status.IN_PROGRESS
    return ""


def state_after_reports(*, current: MeasureState, reports: Iterable[Report]) -> MeasureState:
    """The rule "the latest report by date wins": progress comes from the latest report that
    gives a progress, status from the latest that gives a status (by date, then by when it
    was recorded); without such a report the measure keeps its own."""
    ordered = sorted(reports, key=lambda report: (report.reported_on, report.order))
    progress = next((r.progress for r in reversed(ordered) if r.progress is not None), None)
    status = next((r.status for r in reversed(ordered) if r.status), "")
    return MeasureState(
        status=status or current.status,
        progress=current.progress if progress is None else progress,
    )


def existing_reports(measures: Iterable[Measure]) -> dict[int, list[Report]]:
    """The progress reports of these measures (one query), for state_after_reports."""
    reports: dict[int, list[Report]] = {measure.pk: [] for measure in measures}
    rows = ProgressReport.objects.filter(measure__in=list(reports)).values_list(
        "measure_id", "reported_on", "pk", "progress", "status"
    )
    for measure_id, reported_on, pk, progress, status in rows:
        reports[measure_id].append(Report(reported_on, pk, progress, status))
    return reports


def predict_progress(
    *,
    measure: Measure,
    reported_on: datetime.date,
    progress: int | None,
    status: str,
    reports: list[Report] | None = None,
) -> ProgressOutcome:
    """What recording this report would do to the measure (nothing is written).
    ``reports`` are the measure's existing reports (read from the database when None)."""
    if reports is None:
        reports = existing_reports([measure])[measure.pk]
    before = MeasureState(status=measure.status, progress=measure.progress)
    status = report_status(measure_status=measure.status, progress=progress, status=status)
    new = Report(reported_on, float("inf"), progress, status)
    after = state_after_reports(current=before, reports=[*reports, new])

    def newest_outranking(gives) -> datetime.date | None:
        dates = [r.reported_on for r in reports if gives(r) and r.reported_on > reported_on]
        return max(dates, default=None)

    outcome = ProgressOutcome(
        measure=measure,
        before=before,
        after=after,
        newer_progress_on=newest_outranking(lambda r: r.progress is not None)
        if progress is not None
        else None,
        newer_status_on=newest_outranking(lambda r: bool(r.status)) if status else None,
    )
    outcome.warnings.extend(outcome_warnings(outcome))
    return outcome


def outcome_warnings(outcome: ProgressOutcome) -> list[str]:
    """Plain sentences for what staff might not expect: an older report that changes
    nothing (or less than it says), and progress going down."""
    warnings = []
    newest = max(filter(None, [outcome.newer_progress_on, outcome.newer_status_on]), default=None)
    if newest is not None:
        date = formats.date_format(newest, "DATE_FORMAT")
        if not outcome.changed:
            warnings.append(
                _("Older than the latest report (%(date)s): no change.") % {"date": date}
            )
        elif outcome.newer_progress_on:
            warnings.append(
                _("Older than the latest report (%(date)s): the progress stays at %(progress)s%%.")
                % {"date": date, "progress": outcome.after.progress}
            )
        else:
            warnings.append(
                _("Older than the latest report (%(date)s): the status stays “%(status)s”.")
                % {"date": date, "status": outcome.after.status_label}
            )
    if outcome.lowers_progress:
        warnings.append(
            _("Lowers progress from %(before)s%% to %(after)s%%.")
            % {"before": outcome.before.progress, "after": outcome.after.progress}
        )
    return warnings


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
    status = report_status(measure_status=measure.status, progress=progress, status=status)
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
    """Set the measure's progress and status from its reports by the rule "the latest
    report by date wins" (state_after_reports). Called after any report is added, changed
    or deleted."""
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        current = MeasureState(status=measure.status, progress=measure.progress)
        state = state_after_reports(
            current=current, reports=existing_reports([measure])[measure.pk]
        )
        changed = []
        if state.progress != measure.progress:
            measure.progress = state.progress
            changed.append("progress")
        if state.status != measure.status:
            measure.status = state.status
            changed.append("status")
        if changed:
            measure.save(update_fields=changed)
    return measure


def record_progress_for(*, measures: Iterable[Measure], **report) -> list[ProgressOutcome]:
    """The quick form: the same progress report for several measures, all or nothing.
    Returns what the report did to each measure (the same rule as everywhere: a report
    older than a measure's latest one is added to its story but changes nothing)."""
    outcomes = []
    with transaction.atomic():
        for measure in measures:
            outcomes.append(_record_and_compare(measure, **report))
    return outcomes


def _record_and_compare(measure: Measure, **report) -> ProgressOutcome:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    reported_on = report.get("reported_on") or timezone.localdate()
    if isinstance(reported_on, str):
        reported_on = datetime.date.fromisoformat(reported_on)
    predicted = predict_progress(
        measure=measure,
        reported_on=reported_on,
        progress=report.get("progress"),
        status=report.get("status", ""),
    )
    record_progress(measure=measure, **report)
    measure.refresh_from_db(fields=["status", "progress"])
    after = MeasureState(status=measure.status, progress=measure.progress)
    outcome = ProgressOutcome(
        measure=measure,
        before=predicted.before,
        after=after,
        newer_progress_on=predicted.newer_progress_on,
        newer_status_on=predicted.newer_status_on,
    )
    outcome.warnings.extend(outcome_warnings(outcome))
    return outcome


def import_progress(*, agreement: Agreement, rows) -> list[ProgressOutcome]:
    """Record one progress report per valid row of a bulk upload, all or nothing.

    ``rows`` are the changes of a preview (see ``progress_import.preview_import``),
    built again from the file when the officer confirms. Returns what each report actually
    did to its measure, read back from the database.
    """
    outcomes = []
    with transaction.atomic():
        for row in rows:
            if row.measure.agreement_id != agreement.pk:
                raise AgreementError(_("A row belongs to another agreement."))
            outcomes.append(
                _record_and_compare(
                    row.measure,
                    reported_on=row.reported_on,
                    text=row.note,
                    progress=row.progress,
                    status=row.status,
                )
            )
    return outcomes
