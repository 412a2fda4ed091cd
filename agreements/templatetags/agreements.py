from django import template

from agreements.models import Agreement, round_percent

register = template.Library()


@register.simple_tag
def agreements_for_article(article) -> list[Agreement]:
    """The public agreements a news article is linked to (one query)."""
    return list(Agreement.objects.public().filter(related_news=article).order_by("title"))


@register.filter
def percent(value) -> int | None:
    """``{{ value|percent }}``: a percentage rounded by the one rule (round_percent)."""
    if value in (None, ""):
        return None
    return round_percent(float(value))
