"""List slots (news and event cards) show a small WebP thumbnail, not the original upload."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from portal.thumbnails import thumbnail_name, thumbnail_url
from tests.factories import EventFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db


def jpeg(size=(2400, 1600)) -> ContentFile:
    output = io.BytesIO()
    Image.new("RGB", size, "navy").save(output, "JPEG")
    return ContentFile(output.getvalue(), name="cover.jpg")


def test_news_card_shows_a_thumbnail_of_the_cover(client):
    article = NewsArticleFactory(title="With a cover", cover_alt="A ship")
    article.cover_image.save("cover.jpg", jpeg())
    html = client.get(reverse("portal:news-list")).content.decode()
    thumb = thumbnail_name(article.cover_image.name, "card")
    assert f'src="/media/{thumb}"' in html
    assert f'src="{article.cover_image.url}"' not in html
    with default_storage.open(thumb) as stored, Image.open(stored) as picture:
        assert picture.format == "WEBP"
        assert picture.size == (640, 360)
    assert default_storage.size(thumb) < article.cover_image.size


def test_event_card_shows_a_thumbnail(client):
    event = EventFactory(title="With an image", image_alt="The hall")
    event.image.save("hall.jpg", jpeg((800, 800)))
    html = client.get(reverse("events:list")).content.decode()
    assert thumbnail_name(event.image.name, "card") in html
    assert 'alt="The hall"' in html


def test_the_thumbnail_is_made_once():
    article = NewsArticleFactory()
    article.cover_image.save("cover.jpg", jpeg())
    first = thumbnail_url(article.cover_image)
    name = thumbnail_name(article.cover_image.name, "card")
    modified = default_storage.get_modified_time(name)
    assert thumbnail_url(article.cover_image) == first
    assert default_storage.get_modified_time(name) == modified


def test_an_unreadable_image_falls_back_to_the_original():
    article = NewsArticleFactory()
    article.cover_image.save("broken.jpg", ContentFile(b"not an image"))
    assert thumbnail_url(article.cover_image) == article.cover_image.url


def test_no_image_no_url():
    assert thumbnail_url(NewsArticleFactory().cover_image) == ""
