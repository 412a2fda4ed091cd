from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from .languages import language_of
from .models import NewsArticle, SiteProfile


class MultilingualRss(Rss201rev2Feed):
    """RSS 2.0 whose items say their own language (Dublin Core ``dc:language``) when it is not
    the channel's: an item not written in the feed's language is given in the next one."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("language") and item["language"] != self.feed["language"]:
            handler.addQuickElement("dc:language", item["language"])


class MultilingualFeed(Feed):
    """A feed of translated items; ``language_field`` names the text whose language counts."""

    feed_type = MultilingualRss
    language_field = "title"

    def item_extra_kwargs(self, item):
        return {"language": language_of(item, self.language_field)}


class LatestNewsFeed(MultilingualFeed):
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
