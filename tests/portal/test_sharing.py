"""Link previews (portal.sharing, portal.cards): OpenGraph and Twitter tags with an image on
every public page type, plain-text descriptions, the drawn cards, NewsArticle JSON-LD."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from portal import cards
from portal.models import Page, SiteProfile
from portal.sharing import json_ld_script
from portal.text import summary_text
from tests.factories import AgreementFactory, EventFactory, NewsArticleFactory
from tests.structured import json_ld, meta, read_head

pytestmark = pytest.mark.django_db

REQUIRED = [
    "description", "og:type", "og:title", "og:description", "og:url", "og:site_name",
    "og:locale", "og:image", "og:image:width", "og:image:height", "og:image:alt",
    "twitter:card", "twitter:image",
]  # fmt: skip


@pytest.fixture
def content():
    with translation.override("en"):
        SiteProfile.objects.create(
            name="Astrakhan Business Center",
            name_ru="Астраханский бизнес-центр",
            name_az="Həştərxan Biznes Mərkəzi",
            intro="The **platform** for [cooperation](https://example.org).",
        )
        article = NewsArticleFactory(title="Ports agree", title_ru="Порты договорились")
        event = EventFactory(title="Caspian forum", title_az="Xəzər forumu")
        agreement = AgreementFactory(title="Action Program")
        page = Page.objects.create(slug="about", title="About", body="About *us*.")
    return {"article": article, "event": event, "agreement": agreement, "page": page}


PAGES = {
    "home": lambda c: reverse("portal:home"),
    "news list": lambda c: reverse("portal:news-list"),
    "article": lambda c: c["article"].get_absolute_url(),
    "events list": lambda c: reverse("events:list"),
    "event": lambda c: c["event"].get_absolute_url(),
    "agreements list": lambda c: reverse("agreements:list"),
    "agreement": lambda c: c["agreement"].get_absolute_url(),
    "overview": lambda c: reverse("agreements:overview"),
    "page": lambda c: c["page"].get_absolute_url(),
    "search": lambda c: reverse("portal:search") + "?q=forum",
}


@pytest.mark.parametrize("language", ["en", "ru", "az"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_public_page_type_has_opengraph_and_twitter_tags_with_an_image(
    client, content, name, language
):
    with translation.override(language):
        url = PAGES[name](content)
    response = client.get(url)
    assert response.status_code == 200
    tags = meta(response.content.decode())
    missing = [key for key in REQUIRED if not tags.get(key)]
    assert not missing, f"{name} ({language}) lacks {missing}"
    assert tags["og:url"] == f"http://testserver{url.split('?')[0]}"
    assert tags["og:image"].startswith("http://testserver/media/")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    # The language of what the page shows: the visitor's, or the one an untranslated item
    # is shown in (<html lang>).
    shown = re.search(r'<html lang="(\w+)"', response.content.decode()).group(1)
    assert tags["og:locale"] == {"en": "en_GB", "ru": "ru_RU", "az": "az_AZ"}[shown]
    if name.endswith("list") or name in ("home", "search", "overview"):
        assert shown == language
    assert tags["twitter:card"] == "summary_large_image"
    assert len(tags["description"]) <= 160
    assert "*" not in tags["description"] and "](" not in tags["description"]


def test_each_page_gets_its_own_card_drawn_once_and_kept(client, content):
    event_url = content["event"].get_absolute_url()
    first = meta(client.get(event_url).content.decode())["og:image"]
    home = meta(client.get(reverse("portal:home")).content.decode())["og:image"]
    assert first != home
    name = first.removeprefix("http://testserver/media/")
    assert default_storage.exists(name)
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    drawn = []
    original = cards.draw_card
    cards.draw_card = lambda **texts: drawn.append(texts) or original(**texts)
    try:
        again = meta(client.get(event_url).content.decode())["og:image"]
    finally:
        cards.draw_card = original
    assert again == first and drawn == []  # not drawn again for the next visitor
    content["event"].title = "Caspian forum, new dates"
    content["event"].save()
    changed = meta(client.get(event_url).content.decode())["og:image"]
    assert changed != first  # a new title is a new card


def test_an_item_with_an_image_is_previewed_with_a_1200_by_630_jpeg_of_it(client, content):
    picture = io.BytesIO()
    Image.new("RGBA", (800, 800), (200, 30, 30, 128)).save(picture, "PNG")
    event = content["event"]
    event.image = SimpleUploadedFile("photo.png", picture.getvalue(), "image/png")
    event.image_alt = "The forum's hall"
    event.save()
    tags = meta(client.get(event.get_absolute_url()).content.decode())
    assert tags["og:image"].endswith(".jpg")
    assert tags["og:image:alt"] == "The forum's hall"
    name = tags["og:image"].removeprefix("http://testserver/media/")
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))


def test_the_sharing_image_and_logo_from_the_site_profile_are_used(client, content):
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 60, 120)).save(picture, "PNG")
    profile = SiteProfile.objects.get()
    profile.share_image = SimpleUploadedFile("share.png", picture.getvalue(), "image/png")
    profile.share_image_alt = "The centre's hall"
    profile.logo = SimpleUploadedFile("logo.png", picture.getvalue(), "image/png")
    profile.save()
    home = meta(client.get(reverse("portal:home")).content.decode())
    assert home["og:image"].endswith(".jpg") and home["og:image:alt"] == "The centre's hall"
    # A page with a title of its own keeps its drawn card.
    event = meta(client.get(content["event"].get_absolute_url()).content.decode())
    assert event["og:image"].endswith(".png")
    page = client.get(content["article"].get_absolute_url()).content.decode()
    article = json_ld(page, "NewsArticle")
    assert article["publisher"]["logo"]["url"].endswith(profile.logo.url)


def test_cards_set_cyrillic_and_azerbaijani_letters_in_a_font_that_has_them():
    assert cards.font_path("bold"), "DejaVu Sans is missing: apt-get install fonts-dejavu-core"
    font = cards.font("bold", 60)
    missing = font.getmask("\uffff").getbbox()  # a code point no font has: the empty box
    for letter in "əğışçöüİЖЯ":
        assert font.getmask(letter).getbbox() != missing, letter
    png = cards.draw_card(
        title="Xəzər biznes forumu: ağır şərtlər", label="Tədbir", detail="", site_name="Mərkəz"
    )
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 630)


def test_cards_are_still_drawn_without_the_font(monkeypatch, settings):
    monkeypatch.setattr(cards, "FONT_DIRS", ())
    monkeypatch.setattr(cards, "FONT_FILES", {"regular": "NoSuch.ttf", "bold": "NoSuch.ttf"})
    settings.PORTAL_CARD_FONT_DIR = ""
    cards.font_path.cache_clear()
    cards.font.cache_clear()
    try:
        assert cards.font_path("bold") is None
        png = cards.draw_card(title="Форум", label="Event", detail="", site_name="Centre")
    finally:
        cards.font_path.cache_clear()
        cards.font.cache_clear()
    assert png.startswith(b"\x89PNG")


def test_summary_text_is_plain_and_cut_on_a_word_boundary():
    text = "A **bold** [link](https://example.org) and <b>html</b>. " + "word " * 60
    summary = summary_text(text, 160)
    assert summary.startswith("A bold link and html. word")
    assert len(summary) <= 160 and summary.endswith("word…")
    assert summary_text("Short *text*.") == "Short text."


def test_the_events_meta_description_is_plain_text(client, content):
    event = content["event"]
    event.description = "Join **us** at the [forum](https://example.org/forum)."
    event.save()
    tags = meta(client.get(event.get_absolute_url()).content.decode())
    assert tags["description"] == tags["og:description"] == "Join us at the forum."


@pytest.mark.parametrize("language", ["en", "ru", "az"])
def test_news_article_json_ld_has_image_publisher_logo_and_dates(client, content, language):
    article = content["article"]
    with translation.override(language):
        url = article.get_absolute_url()
        headline = article.title  # the visitor's language or its fallback
    html = client.get(url).content.decode()
    data = json_ld(html, "NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == headline
    if language == "ru":
        assert headline == "Порты договорились"
    assert data["image"] == [meta(html)["og:image"]]
    assert data["datePublished"] and data["dateModified"] >= data["datePublished"]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert (
        publisher["name"]
        == {
            "en": "Astrakhan Business Center",
            "ru": "Астраханский бизнес-центр",
            "az": "Həştərxan Biznes Mərkəzi",
        }[language]
    )
    assert publisher["logo"]["url"].endswith(".png")
    logo = publisher["logo"]["url"].removeprefix("http://testserver/media/")
    assert default_storage.exists(logo)


def test_json_ld_cannot_close_its_script_element(client, content):
    article = content["article"]
    article.title = "</script><script>alert(1)</script> & <!--"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html, "NewsArticle")["headline"] == article.title
    script = json_ld_script({"text": "</script>"})
    assert script.count("</script>") == 1 and "\\u003C/script\\u003E" in script


def test_only_one_description_and_one_json_ld_block_per_page(client, content):
    head = read_head(client.get(content["event"].get_absolute_url()).content.decode())
    assert len(head.meta["description"]) == 1
    assert [block["@type"] for block in head.json_ld] == ["Event"]
