"""Conditional GET (ETag and Last-Modified, answered with 304) for feeds and calendar files.

Feed readers and calendar apps poll these URLs; a poll that finds nothing new costs one small
aggregate query and no rendering. The validators change when a row is added, edited, deleted
or becomes public (a scheduled article whose time has come), and with any staff change to
public content (the page cache's content generation).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.views.decorators.http import condition

from agreements.models import ProgressReport
from events.models import Event

from .models import NewsArticle
from .pagecache import GENERATION_KEY


@dataclass
class Validators:
    etag: str | None
    last_modified: datetime.datetime | None


def _validators(request, name: str, queryset, date_field: str) -> Validators:
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


def _conditional(view, facts):
    return condition(
        etag_func=lambda request, *args, **kwargs: facts(request, **kwargs).etag,
        last_modified_func=lambda request, *args, **kwargs: facts(request, **kwargs).last_modified,
    )(view)


def news_feed_etag(request, **kwargs) -> Validators:
    return _validators(request, "news", NewsArticle.objects.published(), "updated_at")


def progress_feed_etag(request, **kwargs) -> Validators:
    reports = ProgressReport.objects.public()
    return _validators(request, "progress", reports, "created_at")


def calendar_validators(request, slug: str = "", **kwargs) -> Validators:
    events = Event.objects.public()
    events = events.filter(slug=slug) if slug else events.upcoming()
    return _validators(request, "calendar", events, "updated_at")


def conditional_feed(feed, facts):
    return _conditional(feed, facts)


def conditional_calendar(view):
    return _conditional(view, calendar_validators)
