"""The site's own sitemaps and the base every app's sitemap uses (each app keeps its own in
its sitemaps.py; portal/urls.py puts them together). A kernel module: it imports no app."""

import datetime
from collections.abc import Callable

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import NewsArticle, Page
from .pagecache import remember


class I18nSitemap(Sitemap):
    """Every page once per language, each entry listing its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # entries (item × language) per sitemap page


class StaticViewSitemap(I18nSitemap):
    """Pages without an object of their own (the lists), named by their URL names. Each one's
    lastmod is the latest change of what it shows: ``latest`` maps a URL name to a function
    that gives it (each app's sitemaps.latest_change), and ``home`` names the page that shows
    them all (the latest of the rest)."""

    changefreq = "daily"

    def __init__(self, latest: dict[str, Callable[[], datetime.datetime | None]], home: str):
        super().__init__()
        self.latest = latest
        self.home = home

    def items(self) -> list[tuple[str, datetime.datetime | None]]:
        found = [(name, latest()) for name, latest in self.latest.items()]
        home = max((when for _name, when in found if when), default=None)
        return [(self.home, home), *found]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return self.items()[0][1]


class PageSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.order_by("pk")

    def lastmod(self, page):
        return page.updated_at

    def get_latest_lastmod(self):
        return Page.objects.aggregate(last=Max("updated_at"))["last"]


class NewsSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return NewsArticle.objects.published().only("slug", "updated_at").order_by("-publish_at")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        return latest_news_change()


def latest_news_change() -> datetime.datetime | None:
    """When the public news last changed (the news list's lastmod; worked out once per
    content change)."""
    return remember(
        "sitemap:news",
        lambda: NewsArticle.objects.published().aggregate(last=Max("updated_at"))["last"],
    )
