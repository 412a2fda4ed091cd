import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from portal.models import NewsArticle, Sector, SiteProfile
from portal.text import render_markdown
from tests.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    now = timezone.now()
    public = NewsArticleFactory(publish_at=now - datetime.timedelta(minutes=1))
    NewsArticleFactory(status=NewsArticle.Status.DRAFT)
    NewsArticleFactory(publish_at=now + datetime.timedelta(minutes=1))
    assert list(NewsArticle.objects.published()) == [public]


def test_scheduled_article_becomes_public_when_its_time_comes():
    article = NewsArticleFactory(publish_at=timezone.now() + datetime.timedelta(seconds=1))
    assert not article.is_public
    article.publish_at = timezone.now() - datetime.timedelta(seconds=1)
    article.save()
    assert NewsArticle.objects.published().filter(pk=article.pk).exists()


def test_cover_image_requires_alt_text():
    article = NewsArticleFactory.build(cover_alt="  ")
    article.cover_image = SimpleUploadedFile("cover.png", b"x", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        article.clean()
    assert "cover_alt_en" in error.value.message_dict  # the column the admin form has


def test_translated_field_falls_back_to_the_next_written_language():
    sector = Sector.objects.create(name_en="Tourism", name_ru="Туризм", slug="tourism-x")
    with override("ru"):
        assert str(sector) == "Туризм"
    with override("az"):
        assert str(sector) == "Туризм"  # Azerbaijani readers get Russian before English
    sector.name_ru = ""
    with override("az"):
        assert str(sector) == "Tourism"


def test_site_profile_has_a_default_without_rows():
    assert SiteProfile.current().name == "Business Centre"


def test_markdown_is_rendered_and_html_is_sanitised():
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_site_profile_change_shows_on_the_next_request(client):
    profile = SiteProfile.objects.create(name="Old name")
    assert "Old name" in client.get("/en/").content.decode()
    profile.name = "New name"
    profile.save()  # outside the admin too (shell, load_demo)
    assert "New name" in client.get("/en/").content.decode()
