"""The implementation overview: measures of the agreements in force, by sector and status.

Computed in one aggregate query and laid out here as plain numbers, so that the
template draws the SVG chart (and its table equivalent) without any logic.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES, column, columns
from portal.models import Sector

from .models import Agreement, Measure, overdue_condition

STATUSES = Measure.Status.values  # planned, in_progress, done, cancelled: the bar's order
CHART_LABEL_WIDTH = 220
CHART_BAR_WIDTH = 420
CHART_ROW_HEIGHT = 34
CHART_TOP = 10


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
    y: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered_counts(self) -> list[int]:
        return [self.counts[status] for status in STATUSES]

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def end_x(self) -> float:
        return CHART_LABEL_WIDTH + sum(segment.width for segment in self.segments) + 6


@dataclass
class Overview:
    rows: list[Row]
    total: Row
    statuses: list[tuple[str, str]]
    # Room after the bars for "11 · 7 overdue" in the longest language (Russian).
    width: int = CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 190
    height: int = 0


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
    """Bar geometry: every bar on the same scale, the longest filling the width."""
    longest = max([row.total for row in overview.rows] + [1])
    labels = dict(Measure.Status.choices)
    for index, row in enumerate([overview.total, *overview.rows]):
        row.y = CHART_TOP + index * CHART_ROW_HEIGHT + (10 if index else 0)
        x = CHART_LABEL_WIDTH
        scale = CHART_BAR_WIDTH / (overview.total.total or 1) if index == 0 else None
        for status in STATUSES:
            count = row.counts[status]
            width = count * (scale if scale else CHART_BAR_WIDTH / longest)
            row.segments.append(
                Segment(status=status, label=str(labels[status]), count=count, x=x, width=width)
            )
            x += width
    overview.height = CHART_TOP + (len(overview.rows) + 1) * CHART_ROW_HEIGHT + 20
