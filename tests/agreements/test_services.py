import datetime

import pytest

from agreements import services
from agreements.models import Measure, ProgressReport
from agreements.progress_import import preview_import
from tests.factories import AgreementFactory, MeasureFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_measure_follows_its_latest_report(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - 3 * DAY, progress=20)
    services.record_progress(
        measure=measure, reported_on=today - DAY, progress=70, status=Measure.Status.IN_PROGRESS
    )
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (70, Measure.Status.IN_PROGRESS)


def test_a_back_dated_report_does_not_override_a_newer_one(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - DAY, progress=80)
    services.record_progress(measure=measure, reported_on=today - 10 * DAY, progress=10)
    measure.refresh_from_db()
    assert measure.progress == 80
    assert measure.reports.count() == 2


def test_a_text_only_report_keeps_progress_and_status(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - DAY, progress=40)
    services.record_progress(measure=measure, text="Meeting held.")
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (40, Measure.Status.IN_PROGRESS)


@pytest.mark.parametrize(
    "progress, expected",
    [(0, Measure.Status.PLANNED), (1, Measure.Status.IN_PROGRESS), (100, Measure.Status.DONE)],
)
def test_status_follows_progress_when_not_given(progress, expected):
    measure = MeasureFactory()
    report = services.record_progress(measure=measure, progress=progress)
    measure.refresh_from_db()
    assert measure.status == expected
    assert report.status == ("" if expected == Measure.Status.PLANNED else expected)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"progress": 101}, "between 0 and 100"),
        ({"progress": -1}, "between 0 and 100"),
        ({}, "needs a text, a progress or a status"),
        ({"text": "   "}, "needs a text, a progress or a status"),
        ({"status": "finished"}, "Unknown status"),
        ({"progress": 5, "reported_in_days": 1}, "future"),
    ],
)
def test_invalid_reports_are_refused_and_change_nothing(today, kwargs, message):
    kwargs = dict(kwargs)  # the parameter list is shared by every run
    if "reported_in_days" in kwargs:
        kwargs["reported_on"] = today + DAY * kwargs.pop("reported_in_days")
    measure = MeasureFactory(progress=30, status=Measure.Status.IN_PROGRESS)
    with pytest.raises(services.AgreementError) as error:
        services.record_progress(measure=measure, **kwargs)
    assert message in str(error.value.message)
    measure.refresh_from_db()
    assert measure.progress == 30
    assert not ProgressReport.objects.exists()


def test_deleting_the_latest_report_brings_back_the_previous_state(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - 2 * DAY, progress=30)
    latest = services.record_progress(measure=measure, reported_on=today - DAY, progress=100)
    latest.delete()
    services.apply_latest_report(measure=measure)
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (30, Measure.Status.IN_PROGRESS)


def _agreement_with_measures():
    agreement = AgreementFactory(slug="programme")
    first = MeasureFactory(agreement=agreement, number="1.1", progress=10)
    second = MeasureFactory(agreement=agreement, number="1.2", progress=50)
    return agreement, first, second


def test_preview_lists_changes_unchanged_and_invalid_rows(today):
    agreement, first, second = _agreement_with_measures()
    MeasureFactory(number="9.9")  # another agreement's measure
    text = (
        "number,date,status,progress,note\n"
        "1.1,2022-05-01,in_progress,40,Factory visit\n"  # change
        "1.2,,,50,\n"  # same progress, no note: unchanged
        "9.9,,,10,\n"  # not in this agreement
        "1.1,,,20,\n"  # listed twice
        "2.1,,done,,\n"  # unknown number
        "1.2,,finished,,\n"  # bad status
        "1.2,,,150,\n"  # out of range
        "1.2,31/02/2022,,60,\n"  # impossible date
        f"1.2,{(today + DAY).isoformat()},,60,\n"  # future
    )
    preview = preview_import(agreement=agreement, text=text)
    assert [(c.measure, c.progress, c.status) for c in preview.changes] == [
        (first, 40, Measure.Status.IN_PROGRESS)
    ]
    assert preview.changes[0].reported_on == datetime.date(2022, 5, 1)
    assert preview.unchanged == [3]
    assert [row.line for row in preview.invalid] == [4, 5, 6, 7, 8, 9, 10]
    messages = [" ".join(str(e) for e in row.errors) for row in preview.invalid]
    assert "No measure with this number" in messages[0]
    assert "more than once" in messages[1]
    assert "Unknown status" in messages[3]
    assert "between 0 and 100" in messages[4]
    assert "not a date" in messages[5]
    assert "future" in messages[6]


def test_preview_reads_semicolons_labels_and_percent_signs():
    agreement, first, _second = _agreement_with_measures()
    text = "\ufeffNumber;Date;Status;Progress;Note\n1.1;01.06.2022;In progress;55%;Ок\n"
    preview = preview_import(agreement=agreement, text=text.removeprefix("\ufeff"))
    assert [(c.measure, c.progress, c.status, c.note) for c in preview.changes] == [
        (first, 55, Measure.Status.IN_PROGRESS, "Ок")
    ]


def test_preview_without_a_number_column_says_so():
    agreement, *_ = _agreement_with_measures()
    preview = preview_import(agreement=agreement, text="measure_id,progress\n1,50\n")
    assert "number" in str(preview.error)
    assert not preview.changes


def test_import_applies_every_change_or_none():
    agreement, first, second = _agreement_with_measures()
    text = "number,progress,note\n1.1,60,a\n1.2,100,b\n"
    preview = preview_import(agreement=agreement, text=text)
    other = AgreementFactory()
    preview.changes[1].measure = MeasureFactory(agreement=other)  # tampered row
    with pytest.raises(services.AgreementError):
        services.import_progress(agreement=agreement, rows=preview.changes)
    first.refresh_from_db()
    assert first.progress == 10
    assert not ProgressReport.objects.exists()

    preview = preview_import(agreement=agreement, text=text)
    assert len(services.import_progress(agreement=agreement, rows=preview.changes)) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.progress, second.progress, second.status) == (60, 100, Measure.Status.DONE)
    assert ProgressReportFactory._meta.model.objects.filter(measure=second).get().text == "b"


# ---- the preview tells the truth: "the latest report by date wins" ----


def _truth_case():
    """1.1 is at 60 % after a report of 10 March; 1.2 at 50 % after one of 1 March;
    1.3 has no reports yet."""
    agreement = AgreementFactory(slug="truth")
    stale = MeasureFactory(agreement=agreement, number="1.1")
    services.record_progress(measure=stale, reported_on=datetime.date(2024, 3, 10), progress=60)
    lowered = MeasureFactory(agreement=agreement, number="1.2")
    services.record_progress(measure=lowered, reported_on=datetime.date(2024, 3, 1), progress=50)
    fresh = MeasureFactory(agreement=agreement, number="1.3")
    text = (
        "number,date,status,progress,note\n"
        "1.1,2024-01-05,done,100,Old news\n"  # older than the latest report: no change
        "1.2,2024-04-01,,30,Scope cut\n"  # newer, lowers progress
        "1.3,2024-04-01,,100,Opened\n"  # newer, done
    )
    return agreement, (stale, lowered, fresh), text


def _state(measure):
    measure.refresh_from_db()
    return services.MeasureState(status=measure.status, progress=measure.progress)


def test_the_preview_shows_the_resulting_state_and_warns():
    agreement, (stale, lowered, fresh), text = _truth_case()
    preview = preview_import(agreement=agreement, text=text)
    outcomes = {change.measure.number: change.outcome for change in preview.changes}

    assert outcomes["1.1"].after == services.MeasureState(Measure.Status.IN_PROGRESS, 60)
    assert not outcomes["1.1"].changed
    assert outcomes["1.1"].newer_progress_on == datetime.date(2024, 3, 10)
    assert "Older than the latest report" in outcomes["1.1"].warnings[0]
    assert "no change" in outcomes["1.1"].warnings[0]

    assert outcomes["1.2"].after == services.MeasureState(Measure.Status.IN_PROGRESS, 30)
    assert outcomes["1.2"].lowers_progress
    assert any("Lowers progress from 50% to 30%" in w for w in outcomes["1.2"].warnings)

    assert outcomes["1.3"].after == services.MeasureState(Measure.Status.DONE, 100)
    assert outcomes["1.3"].warnings == []
    assert [change.measure.number for change in preview.changing] == ["1.2", "1.3"]
    assert [change.measure.number for change in preview.not_changing] == ["1.1"]
    assert _state(stale).progress == 60  # the preview wrote nothing


def test_the_preview_equals_what_confirm_produces():
    agreement, measures, text = _truth_case()
    preview = preview_import(agreement=agreement, text=text)
    predicted = {change.measure.pk: change.outcome.after for change in preview.changes}

    outcomes = services.import_progress(agreement=agreement, rows=preview.changes)

    assert {measure.pk: _state(measure) for measure in measures} == predicted
    assert {outcome.measure.pk: outcome.after for outcome in outcomes} == predicted
    assert [outcome.changed for outcome in outcomes] == [False, True, True]
    assert ProgressReport.objects.filter(measure=measures[0]).count() == 2  # still recorded


def test_a_report_of_the_same_date_as_the_latest_wins(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - DAY, progress=40)
    outcome = services.predict_progress(
        measure=measure, reported_on=today - DAY, progress=70, status=""
    )
    assert outcome.after.progress == 70 and not outcome.older_than_latest
    [recorded] = services.record_progress_for(
        measures=[measure], reported_on=today - DAY, progress=70
    )
    assert recorded.after == outcome.after == _state(measure)


def test_an_older_report_can_still_set_a_status_no_newer_report_gives(today):
    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on=today - DAY, text="Talks only.")
    services.record_progress(measure=measure, reported_on=today - 5 * DAY, progress=0)
    outcome = services.predict_progress(
        measure=measure,
        reported_on=today - 10 * DAY,
        progress=None,
        status=Measure.Status.CANCELLED,
    )
    assert outcome.after.status == Measure.Status.CANCELLED  # no newer report has a status
    [recorded] = services.record_progress_for(
        measures=[measure], reported_on=today - 10 * DAY, status=Measure.Status.CANCELLED
    )
    assert recorded.after == outcome.after == _state(measure)
