from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from portal.text import render_markdown
from portal.thumbnails import thumbnail_url

register = template.Library()


@register.filter
def markdown(text: str):
    """Render staff-written Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def thumbnail(image, size: str = "card") -> str:
    """``{{ article.cover_image|thumbnail:"card" }}``: URL of a small WebP for list slots."""
    return thumbnail_url(image, size)


@register.filter
def translated(obj, field: str) -> str:
    """``{{ page|translated:"title" }}``: the field in the visitor's language."""
    return obj.translated(field)


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
