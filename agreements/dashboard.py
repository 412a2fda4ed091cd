"""The agreements section of the staff's start page (portal.backoffice): measures overdue and
due within 30 days. For agreements officers (who may change measures)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.backoffice import Attention, Link, Section

from .models import Measure

DETAILS = 5


def measures_attention(request) -> Section | None:
    if not request.user.has_perm("agreements.change_measure"):
        return None
    changelist = reverse("admin:agreements_measure_changelist")
    overdue = Measure.objects.overdue().select_related("agreement").order_by("due_on", "pk")
    overdue_count = overdue.count()
    due_soon = Measure.objects.due_soon().count()
    return Section(
        title=_("Agreements"),
        items=[
            Attention(
                key="overdue-measures",
                label=ngettext("measure overdue", "measures overdue", overdue_count),
                count=overdue_count,
                url=f"{changelist}?due=overdue",
                details=[
                    Link(
                        text=_("%(measure)s — due %(date)s")
                        % {"measure": measure, "date": measure.due_on.strftime("%Y-%m-%d")},
                        url=reverse("admin:agreements_measure_change", args=[measure.pk]),
                    )
                    for measure in overdue[:DETAILS]
                ],
            ),
            Attention(
                key="measures-due-soon",
                label=ngettext(
                    "measure due within 30 days", "measures due within 30 days", due_soon
                ),
                count=due_soon,
                url=f"{changelist}?due=soon",
            ),
        ],
    )
