import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Measure, natural_key
from agreements.validators import validate_document
from tests.factories import AgreementFactory, MeasureFactory, PartyFactory, SectorFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "days_past_due, status, overdue",
    [
        (1, Measure.Status.IN_PROGRESS, True),
        (1, Measure.Status.PLANNED, True),
        (0, Measure.Status.IN_PROGRESS, False),  # due today is not late yet
        (1, Measure.Status.DONE, False),
        (1, Measure.Status.CANCELLED, False),
        (None, Measure.Status.PLANNED, False),  # no due date
    ],
)
def test_overdue_is_derived_from_due_date_and_status(today, days_past_due, status, overdue):
    due_on = None if days_past_due is None else today - DAY * days_past_due
    measure = MeasureFactory(due_on=due_on, status=status)
    assert measure.is_overdue is overdue
    assert Measure.objects.overdue().filter(pk=measure.pk).exists() is overdue


def test_overall_progress_is_weighted_mean_without_cancelled_measures():
    agreement = AgreementFactory()
    MeasureFactory(agreement=agreement, progress=100, weight=3)
    MeasureFactory(agreement=agreement, progress=0, weight=1)
    MeasureFactory(agreement=agreement, progress=0, weight=5, status=Measure.Status.CANCELLED)
    annotated = Agreement.objects.with_progress().get(pk=agreement.pk)
    assert annotated.overall_progress == pytest.approx(75.0)
    assert annotated.measure_count == 2


def test_overall_progress_is_none_without_measures_and_counts_overdue(today):
    empty = AgreementFactory()
    late = AgreementFactory()
    MeasureFactory(agreement=late, due_on=today - DAY, progress=50)
    MeasureFactory(agreement=late, due_on=today - DAY, status=Measure.Status.DONE, progress=100)
    rows = {a.pk: a for a in Agreement.objects.with_progress()}
    assert rows[empty.pk].overall_progress is None
    assert rows[empty.pk].overdue_count == 0
    assert rows[late.pk].overdue_count == 1
    assert rows[late.pk].overall_progress == pytest.approx(75.0)


def test_overall_progress_is_not_multiplied_by_joins():
    sector, party = SectorFactory(), PartyFactory()
    agreement = AgreementFactory(sectors=[sector], parties=[party, PartyFactory()])
    MeasureFactory(agreement=agreement, progress=20, sector=sector)
    MeasureFactory(agreement=agreement, progress=40, sector=sector)
    annotated = (
        Agreement.objects.filter(parties__isnull=False, sectors=sector).with_progress().first()
    )
    assert annotated.overall_progress == pytest.approx(30.0)
    assert annotated.measure_count == 2


@pytest.mark.parametrize("progress", [101, 250])
def test_progress_above_100_is_refused_by_validation(progress):
    measure = MeasureFactory.build(agreement=AgreementFactory(), progress=progress)
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "progress" in error.value.message_dict


def test_due_date_before_signing_is_refused():
    agreement = AgreementFactory(signed_on=datetime.date(2021, 12, 7))
    measure = MeasureFactory.build(agreement=agreement, due_on=datetime.date(2021, 12, 6))
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "due_on" in error.value.message_dict
    measure.due_on = datetime.date(2021, 12, 7)
    measure.full_clean()  # the signing day itself is fine


def test_agreement_validity_and_reserved_slugs():
    agreement = AgreementFactory.build(
        slug="overview", valid_from=datetime.date(2022, 1, 1), valid_until=datetime.date(2021, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert set(error.value.message_dict) >= {"slug", "valid_until"}


def test_measure_numbers_sort_naturally():
    numbers = ["10.1", "2.10", "2.2", "1"]
    assert sorted(numbers, key=natural_key) == ["1", "2.2", "2.10", "10.1"]


def _zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("text.pdf", b"%PDF-1.7\n..."),
        ("text.DOCX", _zip("[Content_Types].xml")),
        ("table.ods", _zip("mimetype")),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
        ("letter.rtf", b"{\\rtf1 hello}"),
    ],
)
def test_documents_of_accepted_types_pass(name, content):
    validate_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("page.html", b"<html>", "Only PDF and office documents"),
        ("program.exe", b"MZ\x90\x00", "Only PDF and office documents"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "not a .pdf document"),
        ("fake.docx", _zip("random.txt"), "not a .docx document"),
        ("broken.xlsx", b"PK\x03\x04 truncated", "not a .xlsx document"),
        ("noext", b"%PDF-1.4", "Only PDF and office documents"),
    ],
)
def test_documents_of_other_types_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile(name, content))
    assert message in error.value.messages[0]


def test_documents_over_the_size_limit_are_refused(settings):
    settings.AGREEMENT_DOCUMENT_MAX_BYTES = 1024
    validate_document(SimpleUploadedFile("ok.pdf", b"%PDF-" + b"x" * 1000))
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 1100))
    assert "the limit is 1.0" in error.value.messages[0]
