import datetime
import json

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from events.models import Event
from portal.models import NewsArticle
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def test_news_changelist_shows_status_and_filters(staff_client):
    NewsArticleFactory(title="Listed article", sectors=[SectorFactory(name="Trade")])
    response = staff_client.get(reverse("admin:portal_newsarticle_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Listed article" in html and "Trade" in html
    assert "?publication=draft" in html  # the publication filter


def test_bulk_publish_and_unpublish(staff_client):
    drafts = NewsArticleFactory.create_batch(2, status=NewsArticle.Status.DRAFT)
    url = reverse("admin:portal_newsarticle_changelist")
    ids = [str(a.pk) for a in drafts]
    response = staff_client.post(url, {"action": "publish", "_selected_action": ids}, follow=True)
    assert "2 articles published." in response.content.decode()
    assert NewsArticle.objects.published().count() == 2
    staff_client.post(url, {"action": "unpublish", "_selected_action": ids[:1]})
    assert NewsArticle.objects.published().count() == 1


def test_publishing_keeps_a_future_publish_time(staff_client):
    later = timezone.now() + datetime.timedelta(days=3)
    article = NewsArticleFactory(status=NewsArticle.Status.DRAFT, publish_at=later)
    staff_client.post(
        reverse("admin:portal_newsarticle_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == NewsArticle.Status.PUBLISHED
    assert article.publish_at == later
    assert not NewsArticle.objects.published().exists()


def test_add_form_has_slug_prepopulation_and_view_on_site(staff_client):
    add = staff_client.get(reverse("admin:portal_newsarticle_add")).content.decode()
    assert "prepopulated_fields" in add or "data-prepopulated-field" in add
    article = NewsArticleFactory()
    change = staff_client.get(reverse("admin:portal_newsarticle_change", args=[article.pk]))
    assert "View on site" in change.content.decode()


def test_creating_an_article_in_the_admin(staff_client):
    sector = SectorFactory()
    response = staff_client.post(
        reverse("admin:portal_newsarticle_add"),
        {
            "title_en": "From the admin", "slug": "from-the-admin", "lead_en": "Lead",
            "body_en": "Body", "status": "published",
            "publish_at_0": "2024-01-02", "publish_at_1": "10:00:00", "sectors": [sector.pk],
            "cover_alt_en": "", "cover_caption_en": "", "byline": "", "source_name_en": "",
            "source_url": "",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert NewsArticle.objects.published().get().slug == "from-the-admin"


def test_anonymous_visitors_cannot_reach_the_admin(client):
    response = client.get(reverse("admin:portal_newsarticle_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# ---- content in three languages ----

ARTICLE_FORM = {
    "slug": "written-in-russian", "status": "published", "publish_at_0": "2024-01-02",
    "publish_at_1": "10:00:00", "byline": "", "source_url": "",
}  # fmt: skip


def test_an_article_can_be_written_in_russian_only(staff_client):
    response = staff_client.post(
        reverse("admin:portal_newsarticle_add"),
        {**ARTICLE_FORM, "title_ru": "Только по-русски", "lead_ru": "Лид", "body_ru": "Текст"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = NewsArticle.objects.get()
    assert article.title_ru == "Только по-русски"
    assert not article.title_en and not article.title_az


def test_an_article_without_any_language_is_refused_with_a_message(staff_client):
    response = staff_client.post(reverse("admin:portal_newsarticle_add"), ARTICLE_FORM)
    assert response.status_code == 200
    assert "Write the title in at least one language." in response.content.decode()
    assert not NewsArticle.objects.exists()


def test_the_form_groups_texts_per_language_the_staff_members_own_first(staff_client):
    html = staff_client.get(
        reverse("admin:portal_newsarticle_add"), headers={"accept-language": "az"}
    ).content.decode()
    az, ru, en = (html.index(f'name="title_{code}"') for code in ("az", "ru", "en"))
    assert az < ru < en  # the Azerbaijani fallback order: az, ru, en
    assert ">Azərbaycan dili</h2>" in html and ">Rus dili (Русский)</h2>" in html


def test_changelist_shows_which_languages_are_written_and_filters_the_missing(staff_client):
    NewsArticleFactory(title_en="Both", title_ru="Оба", lead_ru="Лид", body_ru="Текст")
    NewsArticleFactory(title_en="English only", title_ru=None)
    url = reverse("admin:portal_newsarticle_changelist")
    html = staff_client.get(url).content.decode()
    assert "EN&nbsp;✓" in html and "AZ&nbsp;–" in html
    assert "RU&nbsp;✓" in html and "RU&nbsp;–" in html
    missing_ru = staff_client.get(url, {"missing": "ru"}).content.decode()
    assert "English only" in missing_ru and "Both" not in missing_ru
    missing_en = staff_client.get(url, {"missing": "en"}).content.decode()
    assert "English only" not in missing_en and "Both" not in missing_en


def test_a_partly_translated_item_is_marked_as_such(staff_client):
    NewsArticleFactory(title_en="Full", title_az="Başlıq", lead_az=None, body_az=None)
    html = staff_client.get(reverse("admin:portal_newsarticle_changelist")).content.decode()
    assert "AZ&nbsp;◐" in html


def test_admin_search_finds_words_of_every_language(staff_client):
    NewsArticleFactory(title_en="Trade", title_az="Ticarət günü")
    url = reverse("admin:portal_newsarticle_changelist")
    assert "Ticarət günü" not in staff_client.get(url, {"q": "nothing"}).content.decode()
    assert "Trade" in staff_client.get(url, {"q": "günü"}).content.decode()


# ---- the admin in Russian and Azerbaijani -------------------------------------------


def _in_language(staff_client, language):
    staff_client.cookies["django_language"] = language
    return staff_client


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            [
                "— Выберите —",  # the actions select's empty choice (Django 6.1)
                "Фильтр: дата подписания",  # the date hierarchy's label
                "Выберите для изменения: соглашение",  # not "Выберите соглашение"
            ],
        ),
        (
            "az",
            [
                "— Seçin —",
                "Filtr: İmzalanma tarixi",
                "Dəyişmək üçün seçin: saziş",  # a title that starts in capitals
                "7 dekabr",  # the date hierarchy's day, month in lower case
            ],
        ),
    ],
)
def test_agreement_changelist_reads_in_the_staff_members_language(staff_client, language, expected):
    AgreementFactory(signed_on=datetime.date(2021, 12, 7))
    html = _in_language(staff_client, language).get("/admin/agreements/agreement/")
    html = html.content.decode()
    for text in expected:
        assert text in html, text
    for english in ("Select an option", "Filter by", "Select agreement to change"):
        assert english not in html, english
    assert "7 Dekabr" not in html


@pytest.mark.parametrize(
    ("language", "column", "overdue"),
    [("ru", "Срок выполнения", "Просрочено"), ("az", "İcra müddəti", "Vaxtı keçib")],
)
def test_measure_changelist_names_progress_and_overdue_naturally(
    staff_client, language, column, overdue
):
    MeasureFactory()
    html = _in_language(staff_client, language).get("/admin/agreements/measure/")
    html = html.content.decode()
    assert column in html
    assert overdue in html
    assert "Прогресс" not in html and "Gecikir" not in html and "Icra" not in html


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "ru",
            [
                "История изменений: Caspian forum",
                "Изменено",
                "Создано",
                # 06:00 and 07:00 UTC in Astrakhan (UTC+4), in the Russian date format
                "16 декабря 2026 г. 10:00",
                "16 декабря 2026 г. 11:00",
                "Опубликовано",  # a choice by its label, not "published"
            ],
        ),
        (
            "az",
            [
                "Dəyişikliklərin tarixçəsi: Caspian forum",
                "Dəyişdirilib",
                "Yaradılıb",
                "16 dekabr 2026, 10:00",
                "16 dekabr 2026, 11:00",
                "Dərc olunub",
            ],
        ),
    ],
)
def test_history_page_is_translated_and_shows_local_times(staff_client, language, texts):
    utc = datetime.UTC
    event = EventFactory(
        title="Caspian forum",
        status=Event.Status.DRAFT,
        starts_at=datetime.datetime(2026, 12, 16, 6, 0, tzinfo=utc),
        ends_at=datetime.datetime(2026, 12, 16, 9, 0, tzinfo=utc),
    )
    event.starts_at = datetime.datetime(2026, 12, 16, 7, 0, tzinfo=utc)
    event.status = Event.Status.PUBLISHED
    event.save()

    html = _in_language(staff_client, language).get(f"/admin/events/event/{event.pk}/history/")
    html = html.content.decode()
    for text in texts:
        assert text in html, text
    for raw in ("+00:00", "06:00:00", "View history", "Changed", "None", "published"):
        assert raw not in html, raw
    # The "Date/time" column too is in the site's zone and the staff member's format.
    latest = event.history.latest().history_date
    with translation.override(language):
        shown = formats.date_format(timezone.localtime(latest), "DATETIME_FORMAT")
    assert shown in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("ru", "вводите время в часовом поясе"), ("az", "saat qurşağında daxil edin")],
)
def test_admin_javascript_catalog_has_the_time_zone_note(staff_client, language, text):
    """Shown under every time field to staff whose clock is not in the site's zone."""
    catalog = _in_language(staff_client, language).get("/admin/jsi18n/").content.decode()
    assert json.dumps(text)[1:-1] in catalog  # the catalog is JSON, with \u escapes
