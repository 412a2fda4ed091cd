import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.conditional import Validators, validators_for
from portal.feeds import MultilingualFeed
from portal.models import SiteProfile

from .models import ProgressReport


class ProgressReportFeed(MultilingualFeed):
    """RSS 2.0 feed of the latest progress reports on the measures of public agreements."""

    language_field = "text"

    description = _("The latest progress reports on the measures of the agreements.")

    def title(self):
        return _("%(centre)s: progress of the agreements") % {"centre": SiteProfile.current().name}

    def link(self):
        return reverse("agreements:list")

    def items(self):
        return (
            ProgressReport.objects.public()
            .select_related("measure__agreement")
            .order_by("-reported_on", "-pk")[:30]
        )

    def item_title(self, item):
        measure = item.measure
        agreement = measure.agreement.title
        title = f"{agreement} — {measure.number} {measure.title}"
        if item.progress is not None:
            title += f" — {item.progress}%"
        if item.status:
            title += f" ({item.get_status_display()})"
        return title

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return f"{item.measure.agreement.get_absolute_url()}#report-{item.pk}"

    def item_guid(self, item):
        return f"progress-report-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        """The report's own date (midnight where the centre is), not when it was typed in:
        a report entered today about March is dated in March."""
        return timezone.make_aware(datetime.datetime.combine(item.reported_on, datetime.time()))

    def item_updateddate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.measure.agreement.title]


def progress_feed_etag(request, **kwargs) -> Validators:
    """The feed's conditional-GET validators (portal.conditional)."""
    return validators_for(request, "progress", ProgressReport.objects.public(), "created_at")
