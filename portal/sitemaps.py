from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from agreements.models import Agreement
from events.models import Event

from .models import NewsArticle, Page


class I18nSitemap(Sitemap):
    """Every page once per language, each entry listing its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # entries (item × language) per sitemap page


class StaticViewSitemap(I18nSitemap):
    changefreq = "daily"

    def items(self):
        return ["portal:home", "portal:news-list", "events:list", "agreements:list"]

    def location(self, item):
        return reverse(item)


class PageSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.order_by("pk")

    def lastmod(self, page):
        return page.updated_at


class NewsSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return NewsArticle.objects.published().only("slug", "updated_at").order_by("-publish_at")

    def lastmod(self, article):
        return article.updated_at


class AgreementSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Agreement.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, agreement):
        return agreement.updated_at


class EventSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.public().only("slug", "updated_at").order_by("-starts_at", "-pk")

    def lastmod(self, event):
        return event.updated_at


sitemaps = {
    "site": StaticViewSitemap,
    "pages": PageSitemap,
    "news": NewsSitemap,
    "agreements": AgreementSitemap,
    "events": EventSitemap,
}
