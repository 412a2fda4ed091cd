"""Turning staff-written Markdown into HTML that is safe to put on a page."""

import datetime
import functools
import html

import markdown
import nh3
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The help text of every field written with formatting marks (rendered by render_markdown).
# Plain words: staff need not know the name "Markdown".
FORMATTING_HELP = _(
    "A blank line starts a new paragraph; **bold**, *italic*, [link text](https://…), "
    "## heading, - list item. Any HTML is removed. “Preview” shows how it will look."
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML; whatever HTML the author typed is sanitised away by nh3."""
    return _render(text or "")


# A pure function of the text, and about 1 ms a call: an agreement page renders a hundred
# progress reports and measure descriptions, most of which it rendered on the last request.
@functools.lru_cache(maxsize=4096)
def _render(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def short_moment(moment: datetime.datetime) -> str:
    """A moment as staff say it, in the current time zone and language: "3 Dec, 10:00",
    with the year when it is not this year ("3 Dec 2027, 10:00")."""
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localdate().year
    return formats.date_format(local, "j M, H:i" if same_year else "j M Y, H:i")


def plain_text(text: str) -> str:
    """Markdown as the plain text a reader sees (for search snippets)."""
    return " ".join(html.unescape(strip_tags(render_markdown(text))).split())


def summary_text(text: str, limit: int = 160) -> str:
    """Markdown as plain text of at most ``limit`` characters, cut at a word boundary with an
    ellipsis (meta descriptions, link previews, structured data): no asterisks, no link
    syntax, no HTML."""
    plain = plain_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word longer than half the limit is cut inside
        cut = cut[:space]
    return cut.rstrip(" ,;:.·-–—") + "…"
