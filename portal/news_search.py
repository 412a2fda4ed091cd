"""News in the site search: the portal app's own search kind (the ``search.py`` of the other
apps; ``portal/search/`` is the engine)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NewsArticle
from .search import Document, SearchKind, joined, written
from .text import plain_text


class NewsKind(SearchKind):
    key = "news"
    label = _("News")
    model = NewsArticle
    position = 10

    def indexed(self):
        # Scheduled articles too: public_from hides them until their time comes, which no
        # save announces.
        return NewsArticle.objects.filter(status=NewsArticle.Status.PUBLISHED)

    def document(self, article) -> Document:
        return Document(
            title=written(article, "title"),
            summary=written(article, "lead"),
            body=joined(
                {code: plain_text(text) for code, text in written(article, "body").items()},
                written(article, "cover_caption"),
                written(article, "source_name"),
            ),
            date=timezone.localdate(article.publish_at),
            public_from=article.publish_at,
        )
