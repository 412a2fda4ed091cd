"""Reading a bulk progress upload (CSV) into a preview of what it would change.

Nothing here writes: ``services.import_progress`` applies the preview's changes. Each
change carries the measure's resulting status and progress, predicted by the same rule that
applies them ("the latest report by date wins", ``services.predict_progress``), so the
preview says what confirming will really do.
The columns are those of the measures export (``number``, ``date``, ``status``,
``progress``, ``note``; others are ignored), so an exported file can be edited in a
spreadsheet and uploaded again.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.spreadsheet import read_cell

from .models import Agreement, Measure
from .services import ProgressOutcome, existing_reports, predict_progress

MAX_ROWS = 2000
NUMBER_COLUMNS = ("number", "measure", "measure number", "no", "№")
STATUS_ALIASES = {
    **{value: value for value in Measure.Status.values},
    **{str(label).lower(): value for value, label in Measure.Status.choices},
    "in progress": Measure.Status.IN_PROGRESS,
    "in-progress": Measure.Status.IN_PROGRESS,
    "completed": Measure.Status.DONE,
    "canceled": Measure.Status.CANCELLED,
}


@dataclass
class Change:
    line: int
    measure: Measure
    reported_on: datetime.date
    status: str
    progress: int | None
    note: str
    outcome: ProgressOutcome | None = None

    @property
    def old_status(self) -> str:
        return self.measure.get_status_display()

    @property
    def new_status(self) -> str:
        return Measure.Status(self.status).label if self.status else ""


@dataclass
class InvalidRow:
    line: int
    number: str
    errors: list[str]


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    error: str = ""

    @property
    def changing(self) -> list[Change]:
        """Rows whose report changes its measure's status or progress."""
        return [change for change in self.changes if change.outcome.changed]

    @property
    def not_changing(self) -> list[Change]:
        """Rows recorded as a report that leaves the measure as it is (an older date, or
        only a note)."""
        return [change for change in self.changes if not change.outcome.changed]


def read_text(data: bytes) -> str:
    """Decode an upload: UTF-8 (with or without BOM), else Windows-1251 from old Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def parse_date(value: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def preview_import(*, agreement: Agreement, text: str) -> Preview:
    """What the upload would change in the agreement's measures, and which rows are invalid.

    A row is unchanged (and skipped) when its status and progress equal the
    measure's and it has no note. Rows of another agreement, unknown measure
    numbers, a measure listed twice, a status we do not know, progress outside
    0–100 and dates that are unreadable or in the future are invalid.
    """
    preview = Preview()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        preview.error = _("The file is empty.")
        return preview
    columns = {name.strip().lower(): name for name in reader.fieldnames if name}
    number_column = next((columns[name] for name in NUMBER_COLUMNS if name in columns), None)
    if number_column is None:
        preview.error = _('The file needs a "number" column with the measures\' numbers.')
        return preview

    measures = {measure.number: measure for measure in agreement.measures.all()}
    today = timezone.localdate()
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            preview.error = _("Only the first %(count)d rows were read.") % {"count": MAX_ROWS}
            break
        row = {
            key.strip().lower(): read_cell((value or "").strip()).strip()
            for key, value in raw.items()
            if key
        }
        if not any(row.values()):
            continue
        number = row.get(number_column.strip().lower(), "")
        errors = []
        other = row.get("agreement", "")
        if other and other != agreement.slug:
            errors.append(_("This row belongs to another agreement (%(slug)s).") % {"slug": other})
        measure = measures.get(number)
        if measure is None and not errors:
            errors.append(_("No measure with this number in this agreement."))
        elif number in seen:
            errors.append(_("This measure appears more than once in the file."))
        seen.add(number)

        status = ""
        if row.get("status"):
            status = STATUS_ALIASES.get(row["status"].lower(), "")
            if not status:
                errors.append(_("Unknown status “%(value)s”.") % {"value": row["status"]})
        progress = None
        if row.get("progress"):
            try:
                progress = int(float(row["progress"].rstrip("%").replace(",", ".")))
            except ValueError:
                errors.append(
                    _("Progress “%(value)s” is not a number.") % {"value": row["progress"]}
                )
            else:
                if not 0 <= progress <= 100:
                    errors.append(_("Progress must be between 0 and 100 %."))
        reported_on = today
        if row.get("date"):
            try:
                reported_on = parse_date(row["date"])
            except ValueError:
                errors.append(
                    _("Date “%(value)s” is not a date (YYYY-MM-DD).") % {"value": row["date"]}
                )
            else:
                if reported_on > today:
                    errors.append(_("A report cannot be dated in the future."))
        if errors:
            preview.invalid.append(InvalidRow(line=line, number=number, errors=errors))
            continue
        note = row.get("note", "")
        same_status = not status or status == measure.status
        same_progress = progress is None or progress == measure.progress
        if same_status and same_progress and not note:
            preview.unchanged.append(line)
            continue
        preview.changes.append(
            Change(
                line=line,
                measure=measure,
                reported_on=reported_on,
                status="" if same_status else status,
                progress=None if same_progress else progress,
                note=note,
            )
        )
    predict(preview)
    return preview


def predict(preview: Preview) -> None:
    """Attach to each change what recording it would do to its measure."""
    reports = existing_reports([change.measure for change in preview.changes])
    for change in preview.changes:
        change.outcome = predict_progress(
            measure=change.measure,
            reported_on=change.reported_on,
            progress=change.progress,
            status=change.status,
            reports=reports[change.measure.pk],
        )
