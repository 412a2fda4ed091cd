import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from portal.models import NewsArticle, Page
from tests.factories import NewsArticleFactory, SectorFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def test_root_redirects_to_english_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("accept, expected", [("ru-RU,ru;q=0.9", "/ru/"), ("az", "/az/")])
def test_root_redirects_by_browser_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response["Location"] == expected


@pytest.mark.parametrize(
    "language, label", [("en", "Latest news"), ("ru", "Последние новости"), ("az", "Son xəbərlər")]
)
def test_home_page_in_each_language(client, language, label):
    article = NewsArticleFactory(title="Founding article")
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert label in html
    assert article.title in html
    assert f'<html lang="{language}">' in html


def test_language_switcher_keeps_the_visitor_on_the_same_page(client):
    article = NewsArticleFactory()
    response = client.get(f"/en/news/{article.slug}/")
    html = response.content.decode()
    assert f'href="/ru/news/{article.slug}/"' in html
    assert f'href="/az/news/{article.slug}/"' in html


def test_language_switcher_keeps_the_query_string(client):
    response = client.get("/en/news/?year=2021&page=1")
    assert 'href="/ru/news/?year=2021&amp;page=1"' in response.content.decode()


def test_news_list_is_newest_first_and_hides_drafts(client):
    now = timezone.now()
    older = NewsArticleFactory(title="Older", publish_at=now - datetime.timedelta(days=2))
    newer = NewsArticleFactory(title="Newer", publish_at=now - datetime.timedelta(days=1))
    NewsArticleFactory(title="Secret draft", status=NewsArticle.Status.DRAFT)
    NewsArticleFactory(title="Scheduled", publish_at=now + datetime.timedelta(days=1))
    response = client.get(reverse("portal:news-list"))
    assert list(response.context["articles"]) == [newer, older]
    html = response.content.decode()
    assert "Secret draft" not in html and "Scheduled" not in html


def test_news_list_filters_by_sector_and_year(client):
    tourism = SectorFactory(slug="tourism", name="Tourism")
    in_2021 = NewsArticleFactory(
        publish_at=datetime.datetime(2021, 12, 8, tzinfo=datetime.UTC), sectors=[tourism]
    )
    NewsArticleFactory(publish_at=datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC))
    NewsArticleFactory(publish_at=datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC))
    url = reverse("portal:news-list")
    assert list(client.get(url, {"sector": "tourism"}).context["articles"]) == [in_2021]
    assert len(client.get(url, {"year": "2021"}).context["articles"]) == 2
    assert list(client.get(url, {"sector": "tourism", "year": "2021"}).context["articles"]) == [
        in_2021
    ]
    assert list(client.get(url, {"year": "2022", "sector": "tourism"}).context["articles"]) == []


@pytest.mark.parametrize(
    "query", ["?sector=nope", "?year=abcd", "?year=99999", "?page=abc", "?page=999", "?page=-1"]
)
def test_news_list_bad_input_gives_a_normal_page(client, query):
    NewsArticleFactory()
    response = client.get(reverse("portal:news-list") + query)
    assert response.status_code == 200


def test_news_list_paginates(client, settings):
    NewsArticleFactory.create_batch(settings.NEWS_PER_PAGE + 1)
    first = client.get(reverse("portal:news-list"))
    second = client.get(reverse("portal:news-list"), {"page": 2})
    assert len(first.context["articles"]) == settings.NEWS_PER_PAGE
    assert len(second.context["articles"]) == 1
    assert 'rel="next"' in first.content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_news_list_query_count_does_not_grow_with_articles(client):
    sectors = [SectorFactory() for _ in range(3)]
    NewsArticleFactory.create_batch(3, sectors=sectors)
    url = reverse("portal:news-list")
    _count_queries(client, url)  # the site profile, read once for every page
    NewsArticleFactory(sectors=sectors)
    # Right after a change (a new content generation) the page reads everything …
    cold_3 = _count_queries(client, url)
    warm_3 = _count_queries(client, url)
    NewsArticleFactory.create_batch(296, sectors=sectors)
    cold_300 = _count_queries(client, url)
    warm_300 = _count_queries(client, url)
    assert cold_3 == cold_300 <= 8
    # … and then nothing: sectors, years, count, filter bar and cards are remembered.
    assert warm_3 == warm_300 == 0
    page_2 = _count_queries(client, url + "?page=2")
    assert page_2 == 2  # that page's articles and their sectors


def test_home_query_count_does_not_grow_with_articles(client):
    NewsArticleFactory.create_batch(3, sectors=[SectorFactory()])
    url = reverse("portal:home")
    _count_queries(client, url)  # the site profile, read once for every page
    NewsArticleFactory(sectors=[SectorFactory()])
    # Right after a change the sections read their lists; then they are remembered.
    few = _count_queries(client, url)
    assert _count_queries(client, url) == 0
    NewsArticleFactory.create_batch(100, sectors=[SectorFactory()])
    assert _count_queries(client, url) == few <= 8
    assert _count_queries(client, url) == 0


def test_article_page_shows_everything(client):
    sector = SectorFactory(name="Industry")
    article = NewsArticleFactory(
        title="Signed", byline="Ayya Lmahamad", source_name="Azernews",
        source_url="https://example.org/a", sectors=[sector],
    )  # fmt: skip
    related = NewsArticleFactory(title="Related one", sectors=[sector])
    unrelated = NewsArticleFactory(title="Unrelated one")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "By Ayya Lmahamad" in html
    assert 'href="https://example.org/a"' in html
    assert "<strong>bold</strong>" in html
    assert related.title in html and unrelated.title not in html
    assert 'property="og:title" content="Signed"' in html
    assert 'name="twitter:card"' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Signed"
    assert data["author"]["name"] == "Ayya Lmahamad"


def test_json_ld_cannot_break_out_of_its_script(client):
    article = NewsArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_articles_are_404_to_the_public_and_previewable_by_staff(
    client, staff_client, state
):
    if state == "draft":
        fields = {"status": NewsArticle.Status.DRAFT}
    else:
        fields = {"publish_at": timezone.now() + datetime.timedelta(days=1)}
    article = NewsArticleFactory(**fields)
    assert client.get(article.get_absolute_url()).status_code == 404
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert response.context["is_preview"] is True


def test_published_article_is_not_marked_as_preview_for_staff(staff_client):
    article = NewsArticleFactory()
    response = staff_client.get(article.get_absolute_url())
    assert response.context["is_preview"] is False


def test_unknown_article_gets_the_styled_404(client):
    response = client.get("/ru/news/no-such-article/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_feed_lists_published_articles_only(client):
    public = NewsArticleFactory(title="Public news")
    NewsArticleFactory(title="Draft news", status=NewsArticle.Status.DRAFT)
    response = client.get("/en/news/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert public.title in body and "Draft news" not in body
    assert f"/en/news/{public.slug}/" in body


def test_editable_pages(client):
    Page.objects.create(slug="about", title="About us", title_ru="О нас", body="We **help**.")
    assert "<strong>help</strong>" in client.get("/en/pages/about/").content.decode()
    with override("ru"):
        assert "О нас" in client.get("/ru/pages/about/").content.decode()
    assert client.get("/en/pages/missing/").status_code == 404


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_is_unreachable():
    # A separate process whose database is a PostgreSQL port nobody listens on.
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr  # after the log lines


def test_sitemap_lists_every_language_with_alternates(client):
    article = NewsArticleFactory()
    NewsArticleFactory(slug="hidden-draft", status=NewsArticle.Status.DRAFT)
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-news.xml</loc>" in index
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for language in ("en", "ru", "az"):
        assert f"http://testserver/{language}/news/{article.slug}/</loc>" in xml
        assert (
            f'hreflang="{language}" href="http://testserver/{language}/news/{article.slug}/"' in xml
        )
    assert "hidden-draft" not in xml
    assert "<lastmod>" in xml


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_pages_have_a_canonical_link(client):
    article = NewsArticleFactory()
    html = client.get(article.get_absolute_url() + "?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver/en/news/{article.slug}/">' in html


def test_key_figures_and_address_follow_the_language(client):
    call_command("load_demo", verbosity=0)
    russian = client.get("/ru/").content.decode()
    assert "2,6 млрд долларов" in russian and "$2.6 billion" not in russian
    assert "Баку, Азербайджан" in russian
    english = client.get("/en/").content.decode()
    assert "$2.6 billion" in english and "Baku, Azerbaijan" in english


@pytest.mark.parametrize(
    ("language", "date", "datetime_", "month_day", "year_month"),
    [
        # Inside a date Azerbaijani writes the month in lower case; on its own (the events'
        # month filter) the name starts the phrase.
        ("az", "8 dekabr 2026", "8 dekabr 2026, 10:00", "8 dekabr", "Dekabr 2026"),
        ("ru", "8 декабря 2026 г.", "8 декабря 2026 г. 10:00", "8 декабря", "Декабрь 2026 г."),
    ],
)
def test_dates_read_naturally(language, date, datetime_, month_day, year_month):
    from django.utils.formats import date_format

    moment = datetime.datetime(2026, 12, 8, 10, 0)
    with override(language):
        assert date_format(moment.date(), "DATE_FORMAT") == date
        assert date_format(moment, "DATETIME_FORMAT") == datetime_
        assert date_format(moment.date(), "MONTH_DAY_FORMAT") == month_day
        assert date_format(moment.date(), "YEAR_MONTH_FORMAT") == year_month


def test_azerbaijani_article_date_has_a_lower_case_month(client):
    article = NewsArticleFactory(
        publish_at=timezone.make_aware(datetime.datetime(2021, 12, 8, 10, 0))
    )
    html = client.get(f"/az/news/{article.slug}/").content.decode()
    assert "8 dekabr 2021" in html
    assert "Dekabr" not in html


def test_an_unfiltered_list_is_counted_once_per_content_change(client):
    NewsArticleFactory.create_batch(3)
    url = reverse("portal:news-list")
    client.get(url)
    assert client.get(url).context["paginator"].count == 3
    NewsArticleFactory()  # a save: a new content generation, counted again
    assert client.get(url).context["paginator"].count == 4
    # A filtered list is always counted.
    sector = SectorFactory(slug="trade")
    NewsArticleFactory(sectors=[sector])
    assert client.get(url + "?sector=trade").context["paginator"].count == 1


def test_a_remembered_preview_never_reaches_the_public_and_a_scheduled_article_appears(
    client, staff_client, monkeypatch
):
    """The article of a page is remembered per worker (portal.pagecache.RememberedObjectMixin):
    a staff preview is kept apart from what the public gets, and a 404 is not kept, so a
    scheduled article appears when its time comes without any save."""
    due = timezone.now() + datetime.timedelta(minutes=5)
    article = NewsArticleFactory(title="Due soon", publish_at=due)
    url = article.get_absolute_url()
    assert staff_client.get(url).status_code == 200  # the preview, remembered for staff
    assert client.get(url).status_code == 404
    later = due + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Due soon" in client.get(url).content.decode()
