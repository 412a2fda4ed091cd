from portal.sitemaps import I18nSitemap

from .models import Event


class EventSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.public().only("slug", "updated_at").order_by("-starts_at", "-pk")

    def lastmod(self, event):
        return event.updated_at
