"""Fills the minimal project's table: 1,000 items, of which the list page shows 20."""

import datetime

from django.utils import timezone

from .models import Item


def seed() -> None:
    Item.objects.all().delete()
    now = timezone.now()
    Item.objects.bulk_create(
        Item(
            title=f"Item number {n}",
            summary="A short text of about thirty words, as list pages show under a title. " * 2,
            published_at=now - datetime.timedelta(hours=n),
        )
        for n in range(1000)
    )
