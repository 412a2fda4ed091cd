"""What a page tells search engines and link previews: its description, OpenGraph and Twitter
tags with an image, and schema.org structured data (JSON-LD).

Every public page has a preview image: the item's own (a 1200 × 630 JPEG rendition,
portal.thumbnails) or, when it has none, a card drawn for the page (portal.cards). Templates
ask for all of it with ``{% page_meta %}`` (templates/includes/page_meta.html) and
``{% json_ld data %}``.

A kernel module: it imports no app.
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import cards
from .languages import active_language
from .text import summary_text
from .thumbnails import SIZES, thumbnail_url

OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "az": "az_AZ"}
DESCRIPTION_LENGTH = 160


def og_locale(code: str) -> str:
    """OpenGraph's form of a language code: "ru" → "ru_RU"."""
    return OG_LOCALES.get(code, code)


def preview_image(request, site_profile, *, image=None, alt="", title="", label="", detail=""):
    """The page's preview image as {url, width, height, alt, type}: the item's ``image`` (an
    ImageFieldFile) when it has one; for pages about the centre itself (no title of their
    own) the sharing image staff uploaded in the site profile, if any; else the card drawn
    from the texts."""
    width, height = SIZES["share"]
    if not image and site_profile.share_image and title in ("", site_profile.name):
        image, alt = site_profile.share_image, site_profile.share_image_alt
    if image:
        url, kind = thumbnail_url(image, "share"), "image/jpeg"
        if not url.endswith(".jpg"):  # unreadable upload: the original is linked as it is
            return {"url": request.build_absolute_uri(url), "alt": alt}
    else:
        url, kind = (
            cards.card_url(title=title, label=label, detail=detail, site_name=site_profile.name),
            "image/png",
        )
        alt = " — ".join(str(part) for part in (site_profile.name, label, title) if part)
    return {
        "url": request.build_absolute_uri(url),
        "width": width,
        "height": height,
        "alt": alt,
        "type": kind,
    }


def page_meta(request, site_profile, **given) -> dict:
    """The context of includes/page_meta.html. ``given``: title, description (Markdown or
    plain text), label (the kind of page, for the card), detail (a line under the title on
    the card), image and image_alt, or preview (what preview_image gave the view), type
    (OpenGraph's, "website" unless said), language (of the content shown, when not the
    visitor's)."""
    title = given.get("title") or site_profile.name
    description = summary_text(
        given.get("description") or site_profile.intro or site_profile.name, DESCRIPTION_LENGTH
    )
    language = given.get("language") or active_language()
    return {
        "title": title,
        "description": description,
        "type": given.get("type") or "website",
        "url": request.build_absolute_uri(request.path),
        "site_name": site_profile.name,
        "locale": og_locale(language),
        "alternate_locales": [
            og_locale(code) for code, _name in settings.LANGUAGES if code != language
        ],
        "image": given.get("preview")
        or preview_image(
            request,
            site_profile,
            image=given.get("image"),
            alt=given.get("image_alt") or "",
            title=title,
            label=given.get("label") or "",
            detail=given.get("detail") or "",
        ),
    }


def publisher(request, site_profile) -> dict:
    """The centre as a schema.org Organization (publisher of news, organiser of events): its
    uploaded logo, or the square mark drawn from its name."""
    if site_profile.logo:
        logo = {"url": request.build_absolute_uri(site_profile.logo.url)}
    else:
        logo = {
            "url": request.build_absolute_uri(cards.logo_url(site_name=site_profile.name)),
            "width": cards.LOGO_SIZE,
            "height": cards.LOGO_SIZE,
        }
    return {
        "@type": "Organization",
        "name": site_profile.name,
        "url": request.build_absolute_uri(reverse("portal:home")),
        "logo": {"@type": "ImageObject", **logo},
    }


# As django.utils.html.json_script escapes: no "</script>", "<!--" or "&" can reach the
# HTML parser, whatever the data says.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element, safely escaped."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return mark_safe(  # noqa: S308 - every character that could end the element is escaped
        f'<script type="application/ld+json">{text.translate(JSON_SCRIPT_ESCAPES)}</script>'
    )
