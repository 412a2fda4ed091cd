"""Content in three languages: which text a visitor sees, how it is marked, what is required."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from agreements.models import Agreement
from events.models import Event
from portal.languages import fallback_order, language_of, written_languages
from portal.models import NewsArticle, Page
from tests.factories import AgreementFactory, EventFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "ru", "az")
ONLY = {"en": "Trade forum", "ru": "Торговый форум", "az": "Ticarət forumu"}


def test_each_language_tries_its_own_first_then_the_others():
    assert fallback_order("en") == ("en", "ru", "az")
    assert fallback_order("ru") == ("ru", "en", "az")
    assert fallback_order("az") == ("az", "ru", "en")


@pytest.mark.parametrize("written", [("en",), ("ru",), ("az",), ("en", "az"), ("ru", "az")])
@pytest.mark.parametrize("visitor", LANGUAGES)
def test_language_of_names_exactly_the_text_the_visitor_is_shown(written, visitor):
    titles = {f"title_{code}": ONLY.get(code) if code in written else None for code in LANGUAGES}
    event = EventFactory(**titles, description_en="x")
    event.refresh_from_db()
    with override(visitor):
        shown = language_of(event, "title")
        assert event.title == ONLY[shown]
        assert shown == (visitor if visitor in written else next(
            code for code in fallback_order(visitor) if code in written
        ))  # fmt: skip
    assert written_languages(event, "title") == [c for c in LANGUAGES if c in written]


def test_an_item_may_be_written_in_any_single_language():
    article = NewsArticleFactory.build(
        title_en=None, lead_en=None, body_en=None,
        title_az="Xəzər forumu", lead_az="Qısa", body_az="Mətn", slug="only-az",
    )  # fmt: skip
    article.full_clean()  # no error: Azerbaijani alone is enough


def test_an_item_needs_one_language_at_least():
    page = Page(slug="empty")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "title_en" in error.value.message_dict
    with override("ru"):
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "title_ru" in error.value.message_dict
        assert "хотя бы на одном языке" in error.value.message_dict["title_ru"][0]


def test_blank_text_does_not_count_as_written():
    event = EventFactory(title_en="Forum", title_ru="   ")
    with override("ru"):
        assert language_of(event, "title") == "en"
    assert written_languages(event, "title") == ["en"]


# ---- what the visitor sees ----


def test_a_missing_translation_is_shown_in_the_next_language_with_lang_and_a_note(client):
    event = EventFactory(
        title_en="Caspian trade forum", title_ru=None, description_en="In English only.",
        status=Event.Status.PUBLISHED,
    )  # fmt: skip
    html = client.get(f"/ru{event.get_absolute_url()[3:]}").content.decode()
    assert '<h1 lang="en">Caspian trade forum</h1>' in html
    assert 'lang="ru">Только на английском</span>' in html
    assert '<html lang="en">' in html  # the page's main text is English
    assert '<main id="main" class="flex-grow-1" tabindex="-1" lang="ru">' in html
    assert '<meta property="og:locale" content="en_GB">' in html


def test_the_visitors_own_language_carries_no_note(client):
    event = EventFactory(
        title_en="Forum", title_ru="Форум", description_ru="По-русски.",
        status=Event.Status.PUBLISHED,
    )  # fmt: skip
    html = client.get(f"/ru{event.get_absolute_url()[3:]}").content.decode()
    assert "<h1>Форум</h1>" in html
    assert "fallback-note" not in html
    assert '<html lang="ru">' in html
    assert '<meta property="og:locale" content="ru_RU">' in html


def test_a_news_item_written_only_in_russian_is_read_in_russian_from_english(client):
    article = NewsArticleFactory(
        title_en=None, lead_en=None, body_en=None, title_ru="Астрахань и Баку",
        lead_ru="Коротко.", body_ru="Текст.", status=NewsArticle.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h1 lang="ru">Астрахань и Баку</h1>' in html
    assert 'lang="en">Available in Russian</span>' in html
    assert '"inLanguage": "ru"' in html
    listing = client.get(reverse("portal:news-list")).content.decode()
    assert '<span lang="ru">Астрахань и Баку</span>' in listing
    assert 'lang="en">Available in Russian</span>' in listing


def test_agreement_texts_follow_the_visitor(client):
    agreement = AgreementFactory(
        title_en="Road map", title_az="Yol xəritəsi", summary_en="English summary.",
        status=Agreement.Status.IN_FORCE,
    )  # fmt: skip
    az = client.get(f"/az{agreement.get_absolute_url()[3:]}").content.decode()
    assert "<h1>Yol xəritəsi</h1>" in az
    assert '<div class="article-body" lang="en">' in az  # the summary is English only
    ru = client.get(f"/ru{agreement.get_absolute_url()[3:]}").content.decode()
    assert '<h1 lang="en">Road map</h1>' in ru  # ru falls back to English before Azerbaijani


def test_feed_items_not_written_in_the_feeds_language_say_their_own(client):
    NewsArticleFactory(title_en="Only English", title_ru=None)
    NewsArticleFactory(title_en="Both", title_ru="Оба", lead_ru="Лид", body_ru="Текст")
    xml = client.get("/ru/news/feed/").content.decode()
    assert "<language>ru</language>" in xml
    english = xml[xml.index("<title>Only English</title>") :].split("</item>")[0]
    assert "<dc:language>en</dc:language>" in english
    russian = xml[xml.index("<title>Оба</title>") :].split("</item>")[0]
    assert "dc:language" not in russian
