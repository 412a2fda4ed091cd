"""The XLSX export of registrations, read back with openpyxl: text cells stay text (phone
numbers, formula-like names, no apostrophes), moments are real dates, status and language
are words in the staff member's language, and each question has its column."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import EventQuestion, PersonalDataExport, Registration
from tests.factories import EventFactory, EventQuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(staff_client, registrations, **headers):
    return staff_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_xlsx", "_selected_action": [r.pk for r in registrations]},
        **headers,
    )


def rows_of(response) -> tuple[list[str], dict[str, dict]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    by_name = {}
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        by_name[cells["Full name"].value] = cells
    return header, by_name


@pytest.fixture
def event():
    event = EventFactory(title="Caspian Forum", time_zone="Asia/Baku")
    EventQuestionFactory(event=event, label="Company website", position=1)
    EventQuestionFactory(
        event=event,
        label="Sessions",
        kind=EventQuestion.Kind.SEVERAL_CHOICES,
        position=2,
        choices=["Trade", "Ports"],
    )
    return event


def test_cells_keep_their_types(staff_client, event):
    website, sessions = event.questions.all()
    ports = sessions.choices.get(label_en="Ports")
    answered = services.register_attendee(
        event=event,
        full_name="Leyla Mammadova",
        email="leyla@example.org",
        phone="+994 50 123 45 67",
        organisation="-Caspian- LLC",
        consent=True,
        language="az",
        answers={website: '=HYPERLINK("http://evil.example")', sessions: [ports.pk]},
    ).registration
    checked_in = timezone.now().replace(second=0, microsecond=0)
    Registration.objects.filter(pk=answered.pk).update(checked_in_at=checked_in)
    plain = RegistrationFactory(
        event=event, full_name="@Ivan", phone="0501234567", status=Registration.Status.WAITING
    )
    response = export(staff_client, [answered, plain])
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')

    header, rows = rows_of(response)
    assert header[:6] == ["Event", "Full name", "Email", "Organisation", "Position", "Phone"]
    assert header[-2:] == ["Company website", "Sessions"]
    leyla, ivan = rows["Leyla Mammadova"], rows["@Ivan"]
    # Text cells, exactly as typed: no apostrophe, no number, no formula.
    for cell, text in [
        (leyla["Phone"], "+994 50 123 45 67"),
        (ivan["Phone"], "0501234567"),
        (leyla["Organisation"], "-Caspian- LLC"),
        (leyla["Company website"], '=HYPERLINK("http://evil.example")'),
        (ivan["Full name"], "@Ivan"),
    ]:
        assert (cell.value, cell.data_type) == (text, "s")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    # Words, not codes; answers as text.
    assert (leyla["Status"].value, ivan["Status"].value) == ("Confirmed", "On the waiting list")
    assert leyla["Language"].value == "Azerbaijani"
    assert leyla["Sessions"].value == "Ports"
    assert ivan["Sessions"].value is None
    # Real dates, in the site's zone (as the CSV and the admin show them).
    registered = leyla["Registered"]
    assert registered.is_date and isinstance(registered.value, datetime.datetime)
    expected = timezone.localtime(answered.created_at).replace(tzinfo=None)
    assert abs(registered.value - expected) < datetime.timedelta(milliseconds=1)
    assert leyla["Checked in"].value == timezone.localtime(checked_in).replace(tzinfo=None)
    assert ivan["Checked in"].value is None


def test_words_are_in_the_staff_members_language(staff_client, event):
    registration = RegistrationFactory(event=event, full_name="Anna", language="ru")
    response = export(staff_client, [registration], HTTP_ACCEPT_LANGUAGE="ru")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    with translation.override("ru"):
        assert header[0] == translation.gettext("Event") != "Event"
        status, language = translation.gettext("Status"), translation.gettext("Language")
        assert values[status] == str(Registration.Status.CONFIRMED.label)
        assert values[language] == translation.gettext("Russian")


def test_questions_of_several_events_are_named_with_their_event(staff_client, event):
    fair = EventFactory(title="Volga Fair")
    EventQuestionFactory(event=fair, label="Stand size")
    forum_visitor = RegistrationFactory(event=event, full_name="Forum visitor")
    fair_visitor = RegistrationFactory(event=fair, full_name="Fair visitor")
    header, _rows = rows_of(export(staff_client, [forum_visitor, fair_visitor]))
    assert header[-3:] == [
        "Caspian Forum: Company website",
        "Caspian Forum: Sessions",
        "Volga Fair: Stand size",
    ]


def test_the_export_is_logged(staff_client, event):
    registrations = RegistrationFactory.create_batch(3, event=event)
    export(staff_client, registrations)
    logged = PersonalDataExport.objects.get()
    assert (logged.what, logged.row_count, logged.username) == ("Registrations (XLSX)", 3, "staff")
    assert list(logged.events.all()) == [event]


def test_the_export_needs_the_export_permission(django_user_model, client, event):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(*_permissions("view_registration", "change_registration"))
    client.force_login(user)
    response = export(client, RegistrationFactory.create_batch(1, event=event))
    assert response.get("Content-Type") != XLSX
    assert not PersonalDataExport.objects.exists()


def _permissions(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="events", codename__in=codenames)


def test_the_export_reads_a_constant_number_of_queries(staff_client, event):
    website, sessions = event.questions.all()

    def register(count):
        for _n in range(count):
            n = Registration.objects.count()
            services.register_attendee(
                event=event,
                full_name=f"Person {n}",
                email=f"p{n}@example.org",
                consent=True,
                answers={website: f"site{n}.example", sessions: [sessions.choices.first().pk]},
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = export(staff_client, Registration.objects.all())
        assert len(rows_of(response)[1]) == Registration.objects.count()
        return len(captured)

    register(3)
    few = queries()
    register(30)
    assert queries() == few
