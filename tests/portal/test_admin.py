import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import NewsArticle
from tests.factories import NewsArticleFactory, SectorFactory

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
