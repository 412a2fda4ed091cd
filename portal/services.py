"""Rules that change the site's content."""

from collections.abc import Iterable

from .models import NewsArticle


def publish_articles(*, articles: Iterable[NewsArticle]) -> int:
    """Publish the given articles. Each keeps its publish time: one in the future stays
    scheduled, one in the past goes public now. Returns how many changed."""
    changed = 0
    for article in articles:
        if article.status == NewsArticle.Status.PUBLISHED:
            continue
        article.status = NewsArticle.Status.PUBLISHED
        article.save(update_fields=["status", "updated_at"])
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
