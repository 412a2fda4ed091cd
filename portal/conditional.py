"""Conditional GET (ETag and Last-Modified, answered with 304) for feeds and calendar files.

Feed readers and calendar apps poll these URLs; a poll that finds nothing new costs one small
aggregate query and no rendering. The validators change when a row is added, edited, deleted
or becomes public (a scheduled article whose time has come), and with any staff change to
public content (the page cache's content generation).

A kernel module: it imports no app. Each app gives its own validators (agreements.feeds,
events.ics) to ``conditional``.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.views.decorators.http import condition

from .models import NewsArticle
from .pagecache import GENERATION_KEY


@dataclass
class Validators:
    etag: str | None
    last_modified: datetime.datetime | None


def validators_for(request, name: str, queryset, date_field: str) -> Validators:
    """The ETag and Last-Modified of a response listing ``queryset`` (computed once per
    request): they change with the rows' number, newest ``date_field`` and highest pk."""
    cached = getattr(request, "_portal_validators", None)
    if cached is not None:
        return cached
    facts = queryset.order_by().aggregate(n=Count("pk"), last=Max(date_field), top=Max("pk"))
    if not facts["n"]:
        validators = Validators(None, None)
    else:
        raw = "|".join(
            str(part)
            for part in (
                name, request.get_host(), request.path, facts["n"], facts["last"], facts["top"],
                cache.get(GENERATION_KEY),
            )
        )  # fmt: skip
        validators = Validators(hashlib.sha256(raw.encode()).hexdigest()[:32], facts["last"])
    request._portal_validators = validators
    return validators


def conditional(view, facts):
    """``view`` answering 304 when the validators ``facts(request, **kwargs)`` match."""
    return condition(
        etag_func=lambda request, *args, **kwargs: facts(request, **kwargs).etag,
        last_modified_func=lambda request, *args, **kwargs: facts(request, **kwargs).last_modified,
    )(view)


def news_feed_etag(request, **kwargs) -> Validators:
    return validators_for(request, "news", NewsArticle.objects.published(), "updated_at")
