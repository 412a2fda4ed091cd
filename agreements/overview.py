"""The implementation overview: measures of the agreements in force, by sector and status.

Computed in one aggregate query and laid out here as plain numbers, so that the
template draws the chart (and its table equivalent) without any logic. The chart is a list
with one row per sector: the label and the figures are HTML text, which wraps and keeps its
size on a phone; only each bar is a small SVG, stretched to the row's width.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES, column, columns
from portal.models import Sector

from .models import Agreement, Measure, overdue_condition

STATUSES = Measure.Status.values  # planned, in_progress, done, cancelled: the bar's order
# A bar's own coordinates: the longest bar is CHART_BAR_WIDTH long (the SVG's viewBox).
CHART_BAR_WIDTH = 100


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float = 0
    width: float = 0


@dataclass
class Row:
    label: str
    slug: str
    counts: dict[str, int]
    overdue: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered_counts(self) -> list[int]:
        return [self.counts[status] for status in STATUSES]


@dataclass
class Overview:
    rows: list[Row]
    total: Row
    statuses: list[tuple[str, str]]
    width: int = CHART_BAR_WIDTH


def implementation_overview() -> Overview:
    """Counts of measures by sector and status across all agreements in force."""
    overdue = overdue_condition()
    counts = (
        Measure.objects.filter(agreement__status=Agreement.Status.IN_FORCE)
        .order_by()
        .values("sector__slug", *columns("sector__name"))
        .annotate(
            overdue=Count("pk", filter=overdue),
            **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
        )
        .order_by("sector__position", "sector__slug")
    )
    rows = []
    for item in counts:
        if item["sector__slug"]:
            sector = Sector(**{column("name", code): item[column("sector__name", code)]
                               for code in LANGUAGE_CODES})  # fmt: skip
            label, slug = str(sector), item["sector__slug"]
        else:
            label, slug = str(_("No sector")), ""
        rows.append(
            Row(
                label=label,
                slug=slug,
                counts={status: item[status] for status in STATUSES},
                overdue=item["overdue"],
            )
        )
    total = Row(
        label=str(_("All sectors")),
        slug="",
        counts={status: sum(row.counts[status] for row in rows) for status in STATUSES},
        overdue=sum(row.overdue for row in rows),
    )
    overview = Overview(rows=rows, total=total, statuses=list(Measure.Status.choices))
    lay_out(overview)
    return overview


def lay_out(overview: Overview) -> None:
    """Bar geometry: every sector's bar on the same scale, the longest filling the width;
    the total's bar on its own scale (it always fills the width)."""
    longest = max([row.total for row in overview.rows] + [1])
    labels = dict(Measure.Status.choices)
    for index, row in enumerate([overview.total, *overview.rows]):
        x = 0.0
        scale = CHART_BAR_WIDTH / ((overview.total.total or 1) if index == 0 else longest)
        for status in STATUSES:
            count = row.counts[status]
            width = count * scale
            row.segments.append(
                Segment(status=status, label=str(labels[status]), count=count, x=x, width=width)
            )
            x += width
