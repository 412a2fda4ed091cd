from django import template

from agreements.models import Agreement

register = template.Library()


@register.simple_tag
def agreements_for_article(article) -> list[Agreement]:
    """The public agreements a news article is linked to (one query)."""
    return list(Agreement.objects.public().filter(related_news=article).order_by("title"))
