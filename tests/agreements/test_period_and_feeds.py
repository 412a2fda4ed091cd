"""The derived "period ended" state, the folded full text, the progress feed's dates and
lastmod on every sitemap URL."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import FULL_TEXT_FOLDED_FROM, Agreement
from portal.models import Page
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements(today):
    ended = AgreementFactory(
        title="Action Program for 2022", valid_until=today - datetime.timedelta(days=1)
    )
    running = AgreementFactory(title="Trade route plan", valid_until=today)
    open_ended = AgreementFactory(title="Memorandum", valid_until=None)
    expired = AgreementFactory(
        title="Old treaty", status=Agreement.Status.EXPIRED, valid_until=datetime.date(2020, 1, 1)
    )
    signed = AgreementFactory(
        title="Signed plan", status=Agreement.Status.SIGNED, valid_until=datetime.date(2021, 1, 1)
    )
    return {"ended": ended, "running": running, "open": open_ended, "expired": expired,
            "signed": signed}  # fmt: skip


def test_period_ended_is_derived_from_the_validity_period_and_the_status(agreements, today):
    assert agreements["ended"].period_ended
    assert agreements["signed"].period_ended
    assert not agreements["running"].period_ended  # its last day is today
    assert not agreements["open"].period_ended
    assert not agreements["expired"].period_ended  # its status says so already
    ended = set(Agreement.objects.period_ended().values_list("title", flat=True))
    assert ended == {"Action Program for 2022", "Signed plan"}
    tomorrow = today + datetime.timedelta(days=1)
    assert Agreement.objects.period_ended(today=tomorrow).count() == 3
    assert "period_ended" not in {field.name for field in Agreement._meta.get_fields()}


@pytest.mark.parametrize("language", ["en", "ru", "az"])
def test_the_list_and_the_page_show_period_ended_beside_the_status(client, agreements, language):
    with translation.override(language):
        label = str(Agreement.PERIOD_ENDED_LABEL)
        in_force = str(Agreement.Status.IN_FORCE.label)
        list_html = client.get(reverse("agreements:list")).content.decode()
        page_html = client.get(agreements["ended"].get_absolute_url()).content.decode()
        running_html = client.get(agreements["running"].get_absolute_url()).content.decode()
    badge = f'<span class="badge status-badge status-period-ended">{label}</span>'
    assert list_html.count(badge) == 2
    assert re.search(f'status-in_force">{in_force}</span>\\s*{re.escape(badge)}', page_html)
    assert badge not in running_html


def test_the_status_filter_counts_and_selects_period_ended(client, agreements):
    url = reverse("agreements:list")
    html = client.get(url).content.decode()
    assert '<option value="period-ended">Period ended (2)</option>' in html
    assert '<option value="in_force">In force (3)</option>' in html
    assert '<option value="expired">Expired (1)</option>' in html
    filtered = client.get(url, {"status": "period-ended"}).content.decode()
    assert "2 agreements" in filtered
    assert "Action Program for 2022" in filtered and "Signed plan" in filtered
    assert "Trade route plan" not in filtered
    assert '<option value="period-ended" selected>Period ended (2)</option>' in filtered
    # The counts follow the other filters.
    searched = client.get(url, {"q": "program"}).content.decode()
    assert '<option value="period-ended">Period ended (1)</option>' in searched
    assert '<option value="signed">Signed (0)</option>' in searched


def test_a_long_full_text_is_folded_and_a_short_one_is_not(client):
    long = AgreementFactory(full_text="A clause of the agreement. " * (FULL_TEXT_FOLDED_FROM // 20))
    short = AgreementFactory(full_text="One **short** clause.")
    long_html = client.get(long.get_absolute_url()).content.decode()
    assert re.search(
        r'<details class="full-text">\s*<summary>Show the full text</summary>', long_html
    )
    assert "A clause of the agreement." in long_html
    short_html = client.get(short.get_absolute_url()).content.decode()
    assert "<strong>short</strong>" in short_html and 'class="full-text"' not in short_html


def test_the_progress_feed_dates_a_report_by_its_own_date(client, today):
    measure = MeasureFactory(agreement=AgreementFactory())
    ProgressReportFactory(measure=measure, reported_on=datetime.date(2022, 3, 15), progress=40)
    xml = client.get(reverse("agreements:feed")).content.decode()
    [pubdate] = re.findall(r"<pubDate>([^<]+)</pubDate>", xml)
    assert pubdate.startswith("Tue, 15 Mar 2022 00:00:00")
    assert today.strftime("%d %b %Y") not in pubdate


def test_every_sitemap_url_has_a_lastmod(client):
    agreement = AgreementFactory()
    ProgressReportFactory(measure=MeasureFactory(agreement=agreement))
    NewsArticleFactory()
    EventFactory()
    Page.objects.create(slug="about", title="About", body="About us.")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    sections = [entry.findtext("s:loc", namespaces=namespace) for entry in index]
    assert len(sections) == 5
    assert all(entry.findtext("s:lastmod", namespaces=namespace) for entry in index)
    urls = []
    for section in sections:
        root = ET.fromstring(client.get(section[len("http://testserver") :]).content)  # noqa: S314
        for entry in root.findall("s:url", namespace):
            urls.append((entry.findtext("s:loc", namespaces=namespace),
                         entry.findtext("s:lastmod", namespaces=namespace)))  # fmt: skip
    assert len(urls) == 3 * 8  # home, three lists, page, article, agreement, event
    assert [loc for loc, lastmod in urls if not lastmod] == []


def test_a_lists_lastmod_is_the_latest_change_of_what_it_shows(client):
    agreement = AgreementFactory()
    report = ProgressReportFactory(measure=MeasureFactory(agreement=agreement))
    later = timezone.now() + datetime.timedelta(days=1)
    type(report).objects.filter(pk=report.pk).update(created_at=later)
    xml = client.get("/sitemap-site.xml").content.decode()
    agreements_list = re.search(
        r"<loc>http://testserver/en/agreements/</loc>\s*<lastmod>([^<]+)", xml
    )
    # A sitemap's lastmod is the date where the site is (Django's sitemaps write the
    # current time zone's date): not the UTC date, which differs near midnight.
    later_there = timezone.localdate(later).isoformat()
    assert agreements_list.group(1) == later_there
    home = re.search(r"<loc>http://testserver/en/</loc>\s*<lastmod>([^<]+)", xml)
    assert home.group(1) == later_there
    page = client.get("/sitemap-agreements.xml").content.decode()
    assert f"<lastmod>{later_there}</lastmod>" in page
