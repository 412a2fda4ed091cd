import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.admin import IMPORT_SALT
from agreements.models import Agreement, Measure, ProgressReport
from tests.factories import AgreementFactory, MeasureFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "admin:agreements_agreement_changelist",
        "admin:agreements_agreement_add",
        "admin:agreements_measure_changelist",
        "admin:agreements_measure_add",
        "admin:agreements_party_changelist",
    ],
)
def test_admin_pages_load(staff_client, name):
    MeasureFactory()
    assert staff_client.get(reverse(name)).status_code == 200


def test_agreement_change_page_has_inlines_and_tools(staff_client):
    measure = MeasureFactory(number="3.2", progress=40)
    response = staff_client.get(
        reverse("admin:agreements_agreement_change", args=[measure.agreement.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "signatories-TOTAL_FORMS" in html and "documents-TOTAL_FORMS" in html
    assert "3.2" in html
    assert (
        reverse("admin:agreements_agreement_import_progress", args=[measure.agreement.pk]) in html
    )
    changelist = staff_client.get(
        reverse("admin:agreements_agreement_changelist") + "?status__exact=in_force&q=Agreement"
    )
    assert "40%" in changelist.content.decode()


def test_party_autocomplete(staff_client):
    PartyFactory(name="Astrakhan Region")
    response = staff_client.get(
        reverse("admin:autocomplete")
        + "?app_label=agreements&model_name=agreement&field_name=parties&term=astra"
    )
    assert [r["text"] for r in response.json()["results"]] == ["Astrakhan Region"]


def test_record_progress_from_the_measure_page(staff_client):
    measure = MeasureFactory()
    change_page = staff_client.get(reverse("admin:agreements_measure_change", args=[measure.pk]))
    url = reverse("admin:agreements_measure_record_progress") + f"?ids={measure.pk}"
    assert url in change_page.content.decode()
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"reported_on": "2022-05-01", "progress": "101"})
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()
    response = staff_client.post(url, {"reported_on": "2022-05-01"})
    assert "Give a progress, a status or a text." in response.content.decode()
    response = staff_client.post(
        url, {"reported_on": "2022-05-01", "progress": "35", "text_en": "Contracts signed"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (35, Measure.Status.IN_PROGRESS)
    assert measure.reports.get().text == "Contracts signed"


def test_record_progress_action_for_several_measures(staff_client):
    first, second = MeasureFactory(), MeasureFactory()
    response = staff_client.post(
        reverse("admin:agreements_measure_changelist"),
        {"action": "record_progress_action", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    response = staff_client.post(
        response["Location"], {"reported_on": "2022-05-01", "status": "done"}
    )
    assert response.status_code == 302
    assert set(Measure.objects.values_list("status", flat=True)) == {Measure.Status.DONE}


def test_deleting_a_report_in_the_inline_resyncs_the_measure(staff_client):
    from agreements import services

    measure = MeasureFactory()
    first = services.record_progress(measure=measure, reported_on="2022-01-01", progress=20)
    second = services.record_progress(measure=measure, reported_on="2022-02-01", progress=60)
    data = {
        "agreement": measure.agreement.pk, "number": measure.number, "title_en": measure.title,
        "weight": 1, "reports-TOTAL_FORMS": 2, "reports-INITIAL_FORMS": 2,
        "reports-0-id": first.pk, "reports-0-measure": measure.pk, "reports-0-text_en": "a",
        "reports-1-id": second.pk, "reports-1-measure": measure.pk, "reports-1-text_en": "b",
        "reports-1-DELETE": "on",
    }  # fmt: skip
    response = staff_client.post(
        reverse("admin:agreements_measure_change", args=[measure.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measure.refresh_from_db()
    assert measure.progress == 20


def _upload(staff_client, agreement, text, name="progress.csv"):
    url = reverse("admin:agreements_agreement_import_progress", args=[agreement.pk])
    return staff_client.post(url, {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"))})


def test_import_shows_a_preview_and_applies_only_on_confirm(staff_client):
    agreement = AgreementFactory()
    measure = MeasureFactory(agreement=agreement, number="1.1", progress=10)
    text = "number,date,status,progress,note\n1.1,2022-06-01,,80,Port works\n7.7,,,5,\n"
    response = _upload(staff_client, agreement, text)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 measure will change" in html
    assert "10% → <strong>80%</strong>" in html
    assert "1 invalid row (it will be skipped)" in html
    assert "No measure with this number in this agreement." in html
    measure.refresh_from_db()
    assert measure.progress == 10  # nothing saved by the preview

    payload = response.context["payload"]
    url = reverse("admin:agreements_agreement_import_progress", args=[agreement.pk])
    response = staff_client.post(url, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.progress == 80
    assert measure.reports.get().text == "Port works"


def test_import_refuses_tampered_payloads_and_wrong_files(staff_client):
    agreement = AgreementFactory()
    url = reverse("admin:agreements_agreement_import_progress", args=[agreement.pk])
    response = staff_client.post(url, {"payload": "number,progress\n1.1,100\n"})
    assert response.status_code == 302
    response = _upload(staff_client, agreement, "%PDF", name="report.pdf")
    assert "Upload a .csv file." in response.content.decode()
    assert IMPORT_SALT  # the payload is signed with the import's own salt


def test_document_upload_of_wrong_type_is_refused_in_admin(staff_client):
    agreement = AgreementFactory(slug="deal", status=Agreement.Status.SIGNED)
    data = {
        "title_en": agreement.title, "slug": "deal", "kind": agreement.kind, "status": "signed",
        "signatories-TOTAL_FORMS": 0, "signatories-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 1, "documents-INITIAL_FORMS": 0,
        "documents-0-title_en": "Text", "documents-0-language": "en", "documents-0-order": 0,
        "documents-0-file": SimpleUploadedFile("text.pdf", b"<html>not a pdf</html>"),
        "measures-TOTAL_FORMS": 0, "measures-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = staff_client.post(
        reverse("admin:agreements_agreement_change", args=[agreement.pk]), data
    )
    assert response.status_code == 200
    assert "not a .pdf document" in response.content.decode()
    assert not agreement.documents.exists()


def test_import_preview_and_confirmation_say_what_really_changes(staff_client):
    from agreements import services

    agreement = AgreementFactory()
    stale = MeasureFactory(agreement=agreement, number="1.1")
    services.record_progress(measure=stale, reported_on="2024-03-10", progress=60)
    MeasureFactory(agreement=agreement, number="1.2", progress=10)
    text = "number,date,status,progress,note\n1.1,2024-01-05,done,100,\n1.2,2024-04-01,,90,\n"
    response = _upload(staff_client, agreement, text)
    html = response.content.decode()
    assert "1 measure will change" in html
    assert "Older than the latest report (March 10, 2024): no change." in html
    assert "10% → <strong>90%</strong>" in html
    assert "60% → <strong>100%</strong>" not in html  # what the old preview promised

    url = reverse("admin:agreements_agreement_import_progress", args=[agreement.pk])
    response = staff_client.post(url, {"payload": response.context["payload"]}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown[0] == "2 progress reports recorded. 1 measure changed."
    assert "1.2 Measure" in shown[1] and "10% → 90%" in shown[1]
    assert shown[2].startswith("1.1 ") and "no change" in shown[2]
    stale.refresh_from_db()
    assert (stale.progress, stale.status) == (60, Measure.Status.IN_PROGRESS)


def test_the_quick_form_says_when_an_older_report_changes_nothing(staff_client):
    from agreements import services

    measure = MeasureFactory()
    services.record_progress(measure=measure, reported_on="2024-03-10", progress=60)
    url = reverse("admin:agreements_measure_record_progress") + f"?ids={measure.pk}"
    page = staff_client.get(url).content.decode()
    assert "latest report: March 10, 2024" in page
    response = staff_client.post(url, {"reported_on": "2024-02-01", "progress": "100"}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert shown[0] == "1 progress report recorded. 0 measures changed."
    assert "Older than the latest report (March 10, 2024): no change." in shown[1]
    measure.refresh_from_db()
    assert measure.progress == 60
