from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import NewsArticle, SiteProfile


class LatestNewsFeed(Feed):
    """RSS 2.0 feed of the latest published news."""

    description = _("The latest news from the business centre.")

    def title(self):
        return _("%(centre)s: news") % {"centre": SiteProfile.current().name}

    def link(self):
        return reverse("portal:news-list")

    def items(self):
        return NewsArticle.objects.published()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or None
