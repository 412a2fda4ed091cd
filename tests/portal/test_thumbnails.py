"""List slots (news and event cards) show a small WebP thumbnail, not the original upload."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
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


def test_an_upload_gets_its_thumbnails_from_the_worker_before_any_page_view(
    django_capture_on_commit_callbacks, run_worker
):
    article = NewsArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        article.cover_image.save("cover.jpg", jpeg())  # saves the article: the admin's upload
    assert DBTaskResult.objects.get().task_path == "portal.thumbnails.make_thumbnails"
    card = thumbnail_name(article.cover_image.name, "card")
    share = thumbnail_name(article.cover_image.name, "share")
    assert not default_storage.exists(card) and not default_storage.exists(share)
    assert run_worker() == 1
    with default_storage.open(card) as stored, Image.open(stored) as picture:
        assert (picture.format, picture.size) == ("WEBP", (640, 360))
    with default_storage.open(share) as stored, Image.open(stored) as picture:
        assert (picture.format, picture.size) == ("JPEG", (1200, 630))
    # Saving the article again without a new image enqueues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Edited"
        article.save()
    assert DBTaskResult.objects.count() == 1
