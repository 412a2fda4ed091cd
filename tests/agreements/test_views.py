import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Measure
from portal.models import NewsArticle
from tests.factories import (
    AgreementDocumentFactory,
    AgreementFactory,
    MeasureFactory,
    NewsArticleFactory,
    PartyFactory,
    SectorFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db
LIST_URL = "/en/agreements/"


def _titles(response):
    return sorted(a.title for a in response.context["agreements"])


@pytest.fixture
def registry():
    azerbaijan = PartyFactory(name="Azerbaijan", slug="azerbaijan")
    astrakhan = PartyFactory(name="Astrakhan Region", slug="astrakhan")
    tourism = SectorFactory(slug="tourism", name="Tourism")
    trade = SectorFactory(slug="trade", name="Trade")
    programme = AgreementFactory(
        title="Action Program", kind=Agreement.Kind.ACTION_PROGRAMME,
        signed_on=datetime.date(2021, 12, 7), parties=[azerbaijan, astrakhan], sectors=[trade],
        summary="Ports and trade networks.",
    )  # fmt: skip
    MeasureFactory(agreement=programme, sector=tourism, progress=50)
    memo = AgreementFactory(
        title="Memorandum on ports", kind=Agreement.Kind.MEMORANDUM,
        signed_on=datetime.date(2023, 3, 1), parties=[azerbaijan],
        status=Agreement.Status.EXPIRED,
    )  # fmt: skip
    SignatoryFactory(agreement=memo, name="Jane Portmaster")
    AgreementFactory(title="Secret draft", status=Agreement.Status.DRAFT, parties=[azerbaijan])
    return programme, memo


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Action Program", "Memorandum on ports"]),
        ("party=astrakhan", ["Action Program"]),
        ("sector=tourism", ["Action Program"]),  # through a measure's sector
        ("sector=trade", ["Action Program"]),  # through the agreement's sectors
        ("kind=memorandum", ["Memorandum on ports"]),
        ("year=2021", ["Action Program"]),
        ("status=expired", ["Memorandum on ports"]),
        ("q=trade+networks", ["Action Program"]),
        ("q=portmaster", ["Memorandum on ports"]),
        ("party=azerbaijan&year=2023", ["Memorandum on ports"]),
    ],
)
def test_registry_filters(client, registry, query, expected):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert _titles(response) == expected


@pytest.mark.parametrize(
    "query",
    ["party=nobody", "sector=no-such-sector", "kind=treaty", "year=20x1", "year=99999",
     "status=draft", "page=999", "page=abc", "q=" + "x" * 500],
)  # fmt: skip
def test_bad_filters_give_a_normal_page(client, registry, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert "Secret draft" not in response.content.decode()


def test_registry_rows_show_parties_date_status_and_progress(client, registry):
    html = client.get(LIST_URL).content.decode()
    assert "Astrakhan Region" in html
    assert 'datetime="2021-12-07"' in html
    assert "In force" in html and "Expired" in html
    assert '<progress class="agreement-progress" max="100" value="50"' in html
    assert 'aria-label="Overall progress of Action Program"' in html


def test_detail_page_shows_everything(client, today):
    tourism = SectorFactory(slug="tourism", name="Tourism")
    party = PartyFactory(name="Republic of Azerbaijan")
    body = PartyFactory(name="Ministry of Tourism")
    agreement = AgreementFactory(
        title="Action Program", parties=[party], valid_from=datetime.date(2022, 1, 1),
        valid_until=datetime.date(2022, 12, 31), summary="**Bold** summary",
    )  # fmt: skip
    SignatoryFactory(agreement=agreement, name="Mikayil Jabbarov", party=party)
    SignatoryFactory(agreement=agreement, name="Igor Babushkin", position="Governor")
    AgreementDocumentFactory(agreement=agreement, title="Signed text")
    late = MeasureFactory(
        agreement=agreement, number="6.1", title="Tourist routes", sector=tourism,
        due_on=today - datetime.timedelta(days=1), responsible_bodies=[body],
    )  # fmt: skip
    services.record_progress(measure=late, progress=40, text="Routes drafted.")
    MeasureFactory(agreement=agreement, number="1.1", title="No sector measure", progress=100)
    news = NewsArticleFactory(title="Signing ceremony")
    draft_news = NewsArticleFactory(title="Unpublished", status=NewsArticle.Status.DRAFT)
    agreement.related_news.set([news, draft_news])

    html = client.get(agreement.get_absolute_url()).content.decode()
    expected = [
        "Mikayil Jabbarov", "Igor Babushkin", "Governor", "Republic of Azerbaijan", "Signed text",
        "Tourist routes", "Ministry of Tourism", "Routes drafted.", "Signing ceremony",
        "<strong>Bold</strong>", "Overdue", "1 measure overdue", "Other measures",
        'aria-label="Progress of measure 6.1"', "Dec. 31, 2022",
    ]  # fmt: skip
    for text in expected:
        assert text in html, text
    assert "Unpublished" not in html
    assert html.index("Tourism") < html.index("Other measures")
    # overall progress: (40 + 100) / 2
    assert '<progress class="agreement-progress" max="100" value="70"' in html


def test_drafts_and_unknown_slugs_are_404_but_staff_preview_drafts(client, staff_client):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/en/agreements/no-such-agreement/").status_code == 404
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "this agreement is a draft" in response.content.decode()


def test_russian_interface(client, registry):
    html = client.get("/ru/agreements/").content.decode()
    assert '<html lang="ru">' in html
    assert "Соглашения" in html
    assert "Выполнено в целом" in html
    assert "Прогресс" not in html


def test_azerbaijani_tells_events_and_measures_apart(client, registry):
    """The events menu says "Tədbirlər"; an agreement's measures are its "bəndlər"."""
    html = client.get("/az/agreements/").content.decode()
    assert "Bütün saziş bəndləri (CSV)" in html
    assert "Ümumi icra səviyyəsi" in html
    assert "Bütün tədbirlər (CSV)" not in html
    assert html.count("Tədbirlər") == 1  # the events menu link, and nothing else


def test_agreement_page_in_azerbaijani_and_russian(client, today):
    agreement = AgreementFactory(title="Action Program")
    body = PartyFactory(name="Ministry of Tourism")
    MeasureFactory(
        agreement=agreement, number="6.1", title="Tourist routes",
        due_on=today - datetime.timedelta(days=1), responsible_bodies=[body],
    )  # fmt: skip
    az = client.get(f"/az/agreements/{agreement.slug}/").content.decode()
    for text in ("Saziş bəndləri", "İcraçılar", "İcra müddəti", "Vaxtı keçib",
                 "Vaxtı keçmiş bəndlər: 1", "6.1 bəndinin icrası"):  # fmt: skip
        assert text in az, text
    for unnatural in ("Gecikir", "Məsullar", "tədbir"):
        assert unnatural not in az.split("</nav>", 1)[1], unnatural
    ru = client.get(f"/ru/agreements/{agreement.slug}/").content.decode()
    for text in ("Исполнители", "Просрочено", "Выполнено в целом", "Выполнение меры 6.1"):
        assert text in ru, text
    assert "Прогресс" not in ru


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_measures(agreement, count, sectors, parties):
    for index in range(count):
        measure = MeasureFactory(
            agreement=agreement, sector=sectors[index % len(sectors)],
            responsible_bodies=parties, due_on=timezone.localdate(),
        )  # fmt: skip
        services.record_progress(measure=measure, progress=index % 101, text="Report")


@pytest.mark.parametrize("url_name", ["list", "detail", "overview"])
def test_query_counts_do_not_grow_with_measures(client, url_name):
    sectors = [SectorFactory() for _ in range(3)]
    parties = [PartyFactory(), PartyFactory()]
    agreement = AgreementFactory(parties=parties, sectors=sectors)
    SignatoryFactory(agreement=agreement, party=parties[0])
    AgreementDocumentFactory(agreement=agreement)
    agreement.related_news.add(NewsArticleFactory())
    _add_measures(agreement, 2, sectors, parties)
    url = reverse(
        f"agreements:{url_name}", kwargs={"slug": agreement.slug} if url_name == "detail" else {}
    )
    _count_queries(client, url)  # warm the site-profile cache
    with_2 = _count_queries(client, url)
    _add_measures(agreement, 198, sectors, parties)
    for _ in range(30):
        AgreementFactory(parties=parties, sectors=sectors)
    assert _count_queries(client, url) <= 8  # filter choices are computed again after a change
    with_200 = _count_queries(client, url)
    assert with_2 == with_200
    assert with_200 <= 8


def _csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff"))))


def test_registry_csv_and_json(client, registry):
    programme, memo = registry
    response = client.get(reverse("agreements:export-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = {row["slug"]: row for row in _csv_rows(response)}
    assert set(rows) == {programme.slug, memo.slug}
    assert rows[programme.slug]["parties"] == "Astrakhan Region; Azerbaijan"
    assert rows[programme.slug]["overall_progress"] == "50"
    assert rows[programme.slug]["signed_on"] == "2021-12-07"
    assert rows[memo.slug]["signatories"].startswith("Jane Portmaster")

    filtered = _csv_rows(client.get(reverse("agreements:export-csv") + "?kind=memorandum"))
    assert [row["slug"] for row in filtered] == [memo.slug]

    data = json.loads(client.get(reverse("agreements:export-json")).content)
    record = next(a for a in data["agreements"] if a["slug"] == programme.slug)
    assert record["overall_progress"] == 50
    assert record["kind"] == "action_programme"
    assert {p["name"] for p in record["parties"]} == {"Azerbaijan", "Astrakhan Region"}
    assert record["url"] == f"http://testserver{programme.get_absolute_url()}"


def test_measures_csv_and_json(client, today):
    agreement = AgreementFactory(slug="programme")
    measure = MeasureFactory(
        agreement=agreement, number="8.1", title="Ports «Caspian»", weight=2,
        due_on=today - datetime.timedelta(days=1), sector=SectorFactory(slug="navigation-ports"),
    )  # fmt: skip
    services.record_progress(
        measure=measure, reported_on=today - datetime.timedelta(days=5), progress=20, text="Old"
    )
    services.record_progress(measure=measure, progress=50, text="Working group set up")
    MeasureFactory(agreement=AgreementFactory(status=Agreement.Status.DRAFT), title="Hidden")

    rows = _csv_rows(client.get(reverse("agreements:measures-csv")))
    assert [row["title"] for row in rows] == ["Ports «Caspian»"]
    row = rows[0]
    assert row["agreement"] == "programme"
    assert (row["number"], row["status"], row["progress"]) == ("8.1", "in_progress", "50")
    assert (row["overdue"], row["weight"], row["sector"]) == ("yes", "2", "navigation-ports")
    assert row["last_report"] == "Working group set up"
    assert row["date"] == row["note"] == ""

    one = client.get(reverse("agreements:agreement-measures-csv", args=["programme"]))
    assert 'filename="programme-measures.csv"' in one["Content-Disposition"]

    data = json.loads(client.get(reverse("agreements:measures-json")).content)
    assert data["measures"][0]["overdue"] is True
    assert [r["text"] for r in data["measures"][0]["reports"]] == ["Working group set up", "Old"]


def test_exported_measures_csv_is_re_importable(client):
    from agreements.progress_import import preview_import

    agreement = AgreementFactory(slug="programme")
    first = MeasureFactory(agreement=agreement, number="1.1")
    services.record_progress(measure=first, progress=30, text="Started")
    MeasureFactory(agreement=agreement, number="1.2")
    exported = client.get(reverse("agreements:agreement-measures-csv", args=["programme"]))
    text = exported.content.decode("utf-8-sig")
    preview = preview_import(agreement=agreement, text=text)
    assert preview.changes == [] and preview.invalid == []
    assert len(preview.unchanged) == 2
    edited = text.replace(",in_progress,30,", ",in_progress,45,")
    preview = preview_import(agreement=agreement, text=edited)
    assert [(c.measure, c.progress) for c in preview.changes] == [(first, 45)]


FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+1+cmd|' /C calc'!A0", "@SUM(1+1)",
            "-2+3", "\tTab first", "\rCarriage return first"]  # fmt: skip


def test_public_csvs_neutralise_formulas(client):
    agreement = AgreementFactory(slug="programme", title=FORMULAS[0], reference_number=FORMULAS[2])
    for number, title in enumerate(FORMULAS, start=1):
        MeasureFactory(agreement=agreement, number=f"{number}.1", title=title)
    registry = _csv_rows(client.get(reverse("agreements:export-csv")))
    assert (registry[0]["title"], registry[0]["reference_number"]) == (
        "'" + FORMULAS[0], "'" + FORMULAS[2]
    )  # fmt: skip
    for url in (
        reverse("agreements:measures-csv"),
        reverse("agreements:agreement-measures-csv", args=["programme"]),
    ):
        titles = [row["title"] for row in _csv_rows(client.get(url))]
        assert titles == ["'" + formula for formula in FORMULAS], url
    # The JSON is data, not a spreadsheet: unchanged.
    data = json.loads(client.get(reverse("agreements:measures-json")).content)
    assert [measure["title"] for measure in data["measures"]] == FORMULAS


def test_a_measure_number_that_looks_like_a_formula_survives_the_round_trip(client):
    from agreements.progress_import import preview_import

    agreement = AgreementFactory(slug="programme")
    measure = MeasureFactory(agreement=agreement, number="-1")
    exported = client.get(reverse("agreements:agreement-measures-csv", args=["programme"]))
    text = exported.content.decode("utf-8-sig")
    assert "programme,'-1," in text
    preview = preview_import(agreement=agreement, text=text.replace(",planned,0,", ",planned,5,"))
    assert [(change.measure, change.progress) for change in preview.changes] == [(measure, 5)]


def test_progress_feed(client):
    measure = MeasureFactory(title="Trade house", number="9.1")
    services.record_progress(measure=measure, progress=100, text="The trade house opened.")
    hidden = MeasureFactory(agreement=AgreementFactory(status=Agreement.Status.DRAFT))
    services.record_progress(measure=hidden, progress=10, text="Secret step")
    response = client.get(reverse("agreements:feed"))
    assert response["Content-Type"].startswith("application/rss+xml")
    xml = response.content.decode()
    assert "9.1 Trade house — 100% (Done)" in xml
    assert "The trade house opened." in xml
    assert "Secret step" not in xml


def test_overview_chart_and_table(client, today):
    tourism = SectorFactory(slug="tourism", name="Tourism")
    agreement = AgreementFactory()
    MeasureFactory(agreement=agreement, sector=tourism, status=Measure.Status.DONE)
    MeasureFactory(agreement=agreement, sector=tourism, due_on=today - datetime.timedelta(days=1))
    MeasureFactory(agreement=AgreementFactory(status=Agreement.Status.EXPIRED), sector=tourism)
    response = client.get(reverse("agreements:overview"))
    html = response.content.decode()
    # Server-drawn: labels and figures as text, each bar a stretched SVG on one scale.
    assert '<figure class="overview-chart" aria-labelledby="chart-title">' in html
    assert '<span class="chart-label">Tourism</span>' in html
    assert '<svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none"' in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    tourism_row = response.context["overview"].rows[0]
    assert tourism_row.label == "Tourism"
    assert tourism_row.counts == {"planned": 1, "in_progress": 0, "done": 1, "cancelled": 0}
    assert tourism_row.overdue == 1
    # The longest sector's bar fills the width: one planned half, one done half.
    assert [(seg.status, seg.x, seg.width) for seg in tourism_row.segments if seg.count] == [
        ("planned", 0, 50),
        ("done", 50, 50),
    ]
    assert "Tourism: Done — 1" in html  # the chart's own text alternative


def test_home_section_lists_agreements_in_force_with_progress(client):
    agreement = AgreementFactory(title="Action Program")
    MeasureFactory(agreement=agreement, progress=30)
    AgreementFactory(title="Old memo", status=Agreement.Status.EXPIRED)
    html = client.get("/en/").content.decode()
    assert "Agreements in force" in html
    assert "Action Program" in html and "Old memo" not in html
    assert 'aria-label="Overall progress of Action Program"' in html


def test_news_article_links_to_its_agreements(client):
    article = NewsArticleFactory()
    AgreementFactory(title="Action Program").related_news.add(article)
    AgreementFactory(title="Draft deal", status=Agreement.Status.DRAFT).related_news.add(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Action Program" in html and "Draft deal" not in html


def test_sitemap_lists_public_agreements_only(client):
    public = AgreementFactory(status="in_force")
    draft = AgreementFactory(status="draft")
    xml = client.get("/sitemap-agreements.xml").content.decode()
    assert f"/ru/agreements/{public.slug}/</loc>" in xml
    assert f"/agreements/{draft.slug}/" not in xml


def test_the_list_rows_are_rendered_once_and_follow_changes(client):
    """The table's rows are a fragment kept per content generation and language: a second
    request renders none of them again, a change (a progress report) shows at once."""
    agreement = AgreementFactory(title="Caspian ports memorandum")
    measure = MeasureFactory(agreement=agreement)
    url = reverse("agreements:list")
    assert "Caspian ports memorandum" in client.get(url).content.decode()
    assert "Caspian ports memorandum" in client.get("/ru" + url[3:]).content.decode()
    services.record_progress(measure=measure, progress=40, text="Under way")
    assert ">40%<" in client.get(url).content.decode().replace(" ", "")
    Agreement.objects.filter(pk=agreement.pk).update(title="Quietly renamed")  # no signal
    assert "Caspian ports memorandum" in client.get(url).content.decode()  # the fragment


def test_the_agreement_page_figures_are_those_of_with_progress(today):
    """The page takes its progress figures from the measures it shows (views.agreement_parts),
    by the rules of AgreementQuerySet.with_progress: weighted mean of the measures not
    cancelled, their number, how many are overdue."""
    from agreements.views import agreement_parts

    mixed = AgreementFactory()
    late = today - datetime.timedelta(days=3)
    MeasureFactory(agreement=mixed, progress=10, weight=3, due_on=late)  # overdue
    MeasureFactory(agreement=mixed, progress=100, weight=1, due_on=late, status="done")
    MeasureFactory(agreement=mixed, progress=0, weight=5, status="cancelled", due_on=late)
    MeasureFactory(agreement=mixed, progress=33, weight=2, due_on=today)
    cancelled_only = AgreementFactory()
    MeasureFactory(agreement=cancelled_only, status="cancelled")
    empty = AgreementFactory()
    for agreement in (mixed, cancelled_only, empty):
        annotated = Agreement.objects.with_progress().get(pk=agreement.pk)
        shown = Agreement.objects.get(pk=agreement.pk)
        agreement_parts(shown)
        for figure in ("overall_progress", "measure_count", "overdue_count"):
            assert getattr(shown, figure) == getattr(annotated, figure), (agreement, figure)
    assert Agreement.objects.with_progress().get(pk=mixed.pk).overdue_count == 1


def _agreement_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "agreements_" in q["sql"]]


def test_remembered_fragments_read_no_rows_and_follow_changes(client):
    """Once rendered, neither the unfiltered list nor the agreement page reads an agreement
    (the page's row is remembered too); a change to the content shows on the next request,
    in every language."""
    sector = SectorFactory()
    agreement = AgreementFactory(title="Caspian ports memorandum", sectors=[sector])
    measure = MeasureFactory(agreement=agreement, title="Dredge the channel")
    detail = agreement.get_absolute_url()
    for url in (LIST_URL, detail, f"{LIST_URL}?sector={sector.slug}"):
        client.get(url)
    assert _agreement_queries(client, LIST_URL) == []
    assert _agreement_queries(client, detail) == []
    # A filtered list counts its rows, but reads neither them nor the status counts again.
    assert len(_agreement_queries(client, f"{LIST_URL}?sector={sector.slug}")) == 1
    services.record_progress(measure=measure, progress=40, text="Under way")
    assert ">40%<" in client.get(LIST_URL).content.decode().replace(" ", "")
    assert ">40%<" in client.get(detail).content.decode().replace(" ", "")
    Measure.objects.filter(pk=measure.pk).update(title="Quietly renamed")  # no signal
    assert "Dredge the channel" in client.get(detail).content.decode()  # the fragment
    measure.title_ru = "Углубить канал"
    measure.save()
    assert "Углубить канал" in client.get("/ru" + detail[3:]).content.decode()


def test_fragments_follow_the_date(client, monkeypatch, today):
    """Overdue marks and "period ended" follow the date, not only content changes: the
    fragments' keys carry the date (the clock is moved, nothing is saved)."""
    agreement = AgreementFactory(status="in_force", valid_until=today + datetime.timedelta(days=1))
    MeasureFactory(agreement=agreement, due_on=today + datetime.timedelta(days=1))
    detail = agreement.get_absolute_url()
    for url in (LIST_URL, detail):
        page = client.get(url).content.decode()
        assert "status-period-ended" not in page and "1 measure overdue" not in page
    later = today + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    for url in (LIST_URL, detail):
        page = client.get(url).content.decode()
        assert "status-period-ended" in page, url
        assert "1 measure overdue" in page, url
    assert "Period ended (1)" in client.get(LIST_URL).content.decode()  # the filter bar
