"""Editors' comforts: the server-rendered preview (the public page's own sanitiser), the
"Scheduled for …" status in the news list and on the preview banner, plain help texts."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import NewsArticle
from portal.text import render_markdown, short_moment
from tests.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db
PREVIEW = reverse("admin:markdown-preview")
NASTY = (
    "## Heading\n\n**bold** and <script>alert(1)</script> "
    '<img src=x onerror="alert(2)"> [a link](javascript:alert(3)) [ok](https://example.org)'
)


def test_the_preview_is_what_the_public_page_shows(staff_client, client):
    preview = staff_client.post(PREVIEW, {"text": NASTY})
    assert preview.status_code == 200
    assert preview["Content-Type"] == "text/html; charset=utf-8"
    html = preview.content.decode()
    assert html == render_markdown(NASTY)
    assert "<h2>Heading</h2>" in html and "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    article = NewsArticleFactory(body=NASTY)
    public = client.get(article.get_absolute_url()).content.decode()
    assert html in public  # the very same HTML on the article's page


def test_the_preview_is_for_logged_in_staff(client, staff_client):
    assert client.post(PREVIEW, {"text": "x"}).status_code == 302  # to the login page
    assert staff_client.get(PREVIEW).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(django_user_model):
    user = django_user_model.objects.create_superuser("strict", "s@example.org", "pw")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(PREVIEW, {"text": "**x**"}).status_code == 403


def test_text_fields_offer_the_preview_and_plain_help(staff_client):
    html = staff_client.get(reverse("admin:portal_newsarticle_add")).content.decode()
    assert html.count(f'data-markdown-preview="{PREVIEW}"') == 3  # the body in each language
    assert "Markdown" not in html
    assert "Web address" in html and ">Slug" not in html


def test_the_news_list_says_scheduled_for_when(staff_client):
    later = timezone.now() + datetime.timedelta(days=2)
    NewsArticleFactory(title="Coming soon", publish_at=later)
    NewsArticleFactory(title="Out now")
    NewsArticleFactory(title="Not yet written", status=NewsArticle.Status.DRAFT)
    html = staff_client.get(reverse("admin:portal_newsarticle_changelist")).content.decode()
    assert f"Scheduled for {short_moment(later)}" in html
    assert "On the site since" in html and ">Draft<" in html


def test_short_moment_reads_like_a_person_would_say_it():
    this_year = timezone.make_aware(datetime.datetime(timezone.localdate().year, 12, 3, 10, 0))
    assert short_moment(this_year) == "3 Dec, 10:00"
    assert short_moment(this_year.replace(year=this_year.year + 1)) == (
        f"3 Dec {this_year.year + 1}, 10:00"
    )


def test_the_preview_banner_says_scheduled_for_when(staff_client):
    later = timezone.now() + datetime.timedelta(days=2)
    article = NewsArticleFactory(publish_at=later)
    html = staff_client.get(article.get_absolute_url()).content.decode()
    assert f"scheduled for {short_moment(later)}; visitors see the article from then on." in html
