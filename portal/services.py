"""Rules that change the site's content."""

from collections.abc import Iterable

from django.utils import timezone

from .models import NewsArticle


def publish_articles(*, articles: Iterable[NewsArticle]) -> int:
    """Publish the given articles.

    An article keeps its publish time when one is set in the future (it stays
    scheduled); otherwise it goes public now. Returns how many changed.
    """
    now = timezone.now()
    changed = 0
    for article in articles:
        if article.status == NewsArticle.Status.PUBLISHED:
            continue
        article.status = NewsArticle.Status.PUBLISHED
        if article.publish_at is None:
            article.publish_at = now
        article.save(update_fields=["status", "publish_at", "updated_at"])
        changed += 1
    return changed


def unpublish_articles(*, articles: Iterable[NewsArticle]) -> int:
    """Turn the given articles back into drafts (hidden from the public)."""
    changed = 0
    for article in articles:
        if article.status == NewsArticle.Status.DRAFT:
            continue
        article.status = NewsArticle.Status.DRAFT
        article.save(update_fields=["status", "updated_at"])
        changed += 1
    return changed
