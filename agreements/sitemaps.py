import datetime

from django.db.models import Max, OuterRef, Subquery

from portal.pagecache import remember
from portal.sitemaps import I18nSitemap

from .models import Agreement, ProgressReport


class AgreementSitemap(I18nSitemap):
    """An agreement page changes with the agreement and with each progress report on its
    measures: its lastmod is the later of the two."""

    changefreq = "weekly"

    def items(self):
        reports = ProgressReport.objects.filter(measure__agreement=OuterRef("pk"))
        return (
            Agreement.objects.public()
            .only("slug", "updated_at")
            .annotate(
                last_report=Subquery(reports.order_by("-created_at").values("created_at")[:1])
            )
            .order_by("pk")
        )

    def lastmod(self, agreement):
        return max(filter(None, (agreement.updated_at, agreement.last_report)))

    def get_latest_lastmod(self):
        return latest_change()


def latest_change() -> datetime.datetime | None:
    """When the public registry last changed: an agreement or a progress report (the list's
    lastmod; worked out once per content change)."""
    return remember("sitemap:agreements", _latest_change)


def _latest_change() -> datetime.datetime | None:
    found = Agreement.objects.public().aggregate(
        agreement=Max("updated_at"), report=Max("measures__reports__created_at")
    )
    return max(filter(None, found.values()), default=None)
