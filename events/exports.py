"""Registrations for staff as a spreadsheet: CSV and XLSX with the same columns.

One table (``registration_table``) feeds both: the person's details, status and language in
words in the staff member's language, when they registered and checked in, and a column per
question of the exported events with the answers (events.questions). The CSV is text for
any program; the XLSX keeps the types — moments are real dates, phone numbers and every
other text are text cells — so Excel neither turns "+994 50 123 45 67" into a number nor
runs "=HYPERLINK(…)" as a formula. Each export is logged by the admin action that makes it
(services.record_personal_data_export).
"""

import csv
import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.spreadsheet import safe_cell

from .models import EventQuestion, Registration, RegistrationAnswer
from .questions import answer_text, answers_by_question, questions_of

Value = str | datetime.datetime | None
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Registration], Value]
    width: int = 16


def _moment(name: str) -> Callable[[Registration], Value]:
    return lambda registration: getattr(registration, name)


def _base_columns() -> list[Column]:
    return [
        Column(_("Event"), lambda r: r.event.title, 30),
        Column(_("Full name"), lambda r: r.full_name, 24),
        Column(_("Email"), lambda r: r.email, 28),
        Column(_("Organisation"), lambda r: r.organisation, 24),
        Column(pgettext("job title", "Position"), lambda r: r.position, 20),
        Column(_("Phone"), lambda r: r.phone, 18),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Language"), lambda r: r.get_language_display(), 12),
        Column(_("Registered"), _moment("created_at")),
        Column(_("Checked in"), _moment("checked_in_at")),
        Column(_("Walk-in"), lambda r: _("Yes") if r.is_walk_in else "", 8),
    ]


def _question_label(question: EventQuestion, *, with_event: bool) -> str:
    return f"{question.event.title}: {question.label}" if with_event else question.label


def with_answers(registrations):
    """The queryset with what the table reads, in a constant number of queries."""
    answers = RegistrationAnswer.objects.select_related("question").prefetch_related("choices")
    return registrations.select_related("event").prefetch_related(Prefetch("answers", answers))


def registration_table(registrations: Sequence[Registration]) -> tuple[list[Column], list[list]]:
    """The columns and the rows (typed values: text, aware date-times or None). Question
    columns are named "Event: question" when the questions of several events are exported."""
    base = _base_columns()
    questions = questions_of(registrations)
    with_event = len({question.event_id for question in questions}) > 1
    columns = base + [
        Column(_question_label(question, with_event=with_event), lambda r: "", 24)
        for question in questions
    ]
    rows = []
    for registration in registrations:
        answers = answers_by_question(registration)
        rows.append(
            [column.value(registration) for column in base]
            + [_answer(answers.get(question.pk)) for question in questions]
        )
    return columns, rows


def _answer(answer: RegistrationAnswer | None) -> str:
    return answer_text(answer) if answer else ""


def registrations_csv(registrations: Sequence[Registration]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows Cyrillic and Azerbaijani letters;
    cells that a spreadsheet would run as formulas are neutralised (portal.spreadsheet)."""
    columns, rows = registration_table(registrations)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in columns])
    for row in rows:
        writer.writerow([safe_cell(_csv_text(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def registrations_xlsx(registrations: Sequence[Registration]) -> bytes:
    """An Excel workbook, one row per registration under a frozen header row."""
    columns, rows = registration_table(registrations)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registrations")[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _cell(sheet, column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value: Value) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the wall-clock time in the site's zone, as in the CSV.
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
        cell.number_format = DATE_TIME_FORMAT
        return cell
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    # A text cell, never a formula or a number (openpyxl guesses a formula from a leading
    # "="): "=HYPERLINK(…)" and "+994 …" stay as typed, with no apostrophe. The text format
    # keeps them text when someone edits the cell in Excel.
    cell.data_type = "s"
    cell.number_format = "@"
    return cell
