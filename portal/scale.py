"""A large, realistic dataset for the benchmark and for query-count checks.

Rows are written with bulk inserts in batches; text is varied from the founding
article so that full-text search has real words to find.
"""

import datetime
import random
import re

from django.utils import timezone
from django.utils.text import slugify

from .demo import founding_article_texts
from .models import NewsArticle, Sector

BATCH = 2000
TOPICS = [
    "trade mission", "port of Olya", "Caspian shipping", "agricultural exports", "tomato supplies",
    "investment forum", "small business grants", "tourism route", "cultural festival",
    "sports exchange", "industrial park", "logistics hub", "customs cooperation", "road map",
]  # fmt: skip


def sentences() -> list[str]:
    texts = founding_article_texts()
    lead, body = texts["lead"]["en"], texts["body"]["en"]
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", f"{lead} {body}") if len(s) > 30]


def load_news(*, count: int, seed: int = 1) -> int:
    """Create ``count`` published news articles spread over the last five years."""
    rng = random.Random(seed)
    pool = sentences()
    sectors = list(Sector.objects.all())
    now = timezone.now()
    start = NewsArticle.objects.count()
    created = 0
    while created < count:
        batch = []
        for i in range(min(BATCH, count - created)):
            n = start + created + i
            topic = rng.choice(TOPICS)
            title = f"{topic.capitalize()}: {rng.choice(pool)[:120]}"
            batch.append(
                NewsArticle(
                    title=title[:250],
                    slug=f"{slugify(topic)}-{n}",
                    lead=rng.choice(pool),
                    body="\n\n".join(rng.sample(pool, k=min(6, len(pool)))),
                    byline=rng.choice(["Ayya Lmahamad", "Press office", "Editorial team"]),
                    publish_at=now - datetime.timedelta(minutes=rng.randint(60, 5 * 365 * 1440)),
                    status=NewsArticle.Status.PUBLISHED,
                    is_featured=rng.random() < 0.02,
                )
            )
        articles = NewsArticle.objects.bulk_create(batch)
        if sectors:
            through = NewsArticle.sectors.through
            links = [
                through(newsarticle_id=article.pk, sector_id=sector.pk)
                for article in articles
                for sector in rng.sample(sectors, k=rng.randint(1, 3))
            ]
            through.objects.bulk_create(links)
        created += len(batch)
    return created
