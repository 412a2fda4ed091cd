import zlib

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from portal import languages, sharing
from portal.text import render_markdown, short_moment
from portal.thumbnails import thumbnail_url

register = template.Library()


@register.filter
def markdown(text: str):
    """Render staff-written Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter(name="short_moment")
def short_moment_filter(moment) -> str:
    """``{{ article.publish_at|short_moment }}`` → "3 Dec, 10:00" (portal.text.short_moment)."""
    return short_moment(moment) if moment else ""


@register.filter
def machine_time(moment) -> str:
    """``<time datetime="{{ event.starts_at|machine_time }}">``: the moment in the current time
    zone to the second, "2026-12-09T11:00:00+04:00". Django's ``date:"c"`` adds microseconds
    when there are any (a time set by ``timezone.now()``), which HTML's datetime attribute
    does not allow beyond three digits."""
    if not moment:
        return ""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@register.filter
def thumbnail(image, size: str = "card") -> str:
    """``{{ article.cover_image|thumbnail:"card" }}``: URL of a small WebP for list slots."""
    return thumbnail_url(image, size)


TONES = 6  # .tone-1 … .tone-6 in static/css/portal.css


@register.filter
def tone(key) -> int:
    """``{{ event.kind|tone }}``: one of the card visuals' tones (1–6), always the same for
    the same key, so that a kind of event or a sector keeps its colour across the site."""
    return zlib.crc32(str(key or "").encode()) % TONES + 1


# ---- translated content: which language a text is shown in (portal.languages) ----


def _shown_language(obj, field: str) -> str | None:
    """The language of obj.<field> as shown, when it is not the page's language."""
    if obj is None:
        return None
    shown = languages.language_of(obj, field)
    return None if shown == languages.active_language() else shown


@register.simple_tag
def lang_attr(obj, field: str) -> str:
    """``<h1{% lang_attr event "title" %}>``: ` lang="en"` when the text shown is in another
    language than the page (the visitor's is not written), else nothing."""
    shown = _shown_language(obj, field)
    return format_html(' lang="{}"', shown) if shown else ""


@register.simple_tag
def fallback_note(obj, field: str) -> str:
    """``{% fallback_note article "body" %}``: "Available in English", in the visitor's
    language, when the text is shown in another language than theirs."""
    shown = _shown_language(obj, field)
    if not shown:
        return ""
    return format_html(
        '<span class="fallback-note" lang="{}">{}</span>',
        languages.active_language(),
        languages.AVAILABLE_IN[shown],
    )


@register.simple_tag
def tr(obj, field: str) -> str:
    """``{% tr event "title" %}``: the field's text, wrapped in ``<span lang="…">`` when it is
    shown in another language than the page."""
    value = getattr(obj, field, "") or ""
    shown = _shown_language(obj, field)
    return format_html('<span lang="{}">{}</span>', shown, value) if shown else value


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, **given) -> dict:
    """``{% page_meta title=event.title description=event.description label=kind
    image=event.image image_alt=event.image_alt %}``: the page's meta description, OpenGraph
    and Twitter tags with a preview image (portal.sharing.page_meta says what each takes)."""
    given.setdefault("language", context.get("content_language"))
    return sharing.page_meta(context["request"], context["site_profile"], **given)


@register.simple_tag
def json_ld(data: dict):
    """``{% json_ld data %}``: schema.org data as a safely escaped JSON-LD script element."""
    return sharing.json_ld_script(data)


@register.filter
def lang_of(obj, field: str) -> str:
    """``{{ article|lang_of:"title" }}``: the language code of the text shown."""
    return languages.language_of(obj, field)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, for the switcher and hreflang links."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "is_current": code == current,
            }
        )
    return links
