import datetime

from django.db.models import Max

from portal.pagecache import remember
from portal.sitemaps import I18nSitemap

from .models import Event


class EventSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.public().only("slug", "updated_at").order_by("-starts_at", "-pk")

    def lastmod(self, event):
        return event.updated_at

    def get_latest_lastmod(self):
        return latest_change()


def latest_change() -> datetime.datetime | None:
    """When the public events last changed (the list's lastmod; worked out once per content
    change)."""
    return remember(
        "sitemap:events", lambda: Event.objects.public().aggregate(last=Max("updated_at"))["last"]
    )
