"""The site's own sitemaps and the base every app's sitemap uses (each app keeps its own in
its sitemaps.py; portal/urls.py puts them together). A kernel module: it imports no app."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import NewsArticle, Page


class I18nSitemap(Sitemap):
    """Every page once per language, each entry listing its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # entries (item × language) per sitemap page


class StaticViewSitemap(I18nSitemap):
    """Pages without an object of their own, named by their URL names."""

    changefreq = "daily"

    def __init__(self, names: list[str]):
        super().__init__()
        self.names = names

    def items(self):
        return self.names

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
