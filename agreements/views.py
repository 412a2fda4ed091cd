from itertools import groupby

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.generic import DetailView, TemplateView, View

from portal.languages import ContentLanguageMixin, columns
from portal.lists import PaginatedListView, filters_key
from portal.lookup import matching
from portal.models import NewsArticle, Sector
from portal.pagecache import RememberedObjectMixin, fragment_key, generation, remember

from . import opendata
from .forms import RegistryFilterForm, public_statuses
from .models import Agreement, Measure, Party, ProgressReport, Signatory
from .overview import implementation_overview

AGREEMENTS_PER_PAGE = 20


class RegistryFilterMixin:
    """The registry's filters, read from the query string; anything invalid is ignored."""

    def load_filter_choices(self) -> None:
        # Once per content generation and language (parties are ordered by their names in
        # it), kept in the cache and the worker's memory.
        language = get_language()
        self.sectors = Sector.filter_choices()
        self.parties = remember(f"agreements:parties:{language}", registry_parties)

    def get_filters(self) -> dict:
        form = RegistryFilterForm(self.request.GET, parties=self.parties, sectors=self.sectors)
        return form.filters

    def filter_agreements(self, agreements, *, filters: dict | None = None):
        filters = self.filters if filters is None else filters
        if "party" in filters:
            agreements = agreements.filter(
                Exists(Agreement.parties.through.objects.filter(
                    agreement=OuterRef("pk"), party=filters["party"]
                ))
            )  # fmt: skip
        if "sector" in filters:
            # An agreement is in a sector when it is tagged so or one of its measures is.
            agreements = agreements.filter(
                Exists(Agreement.sectors.through.objects.filter(
                    agreement=OuterRef("pk"), sector=filters["sector"]
                ))
                | Exists(Measure.objects.filter(agreement=OuterRef("pk"), sector=filters["sector"]))
            )  # fmt: skip
        if "kind" in filters:
            agreements = agreements.filter(kind=filters["kind"])
        if filters.get("status") == Agreement.PERIOD_ENDED:
            agreements = agreements.period_ended()
        elif "status" in filters:
            agreements = agreements.filter(status=filters["status"])
        if "year" in filters:
            agreements = agreements.filter(signed_on__year=filters["year"])
        if "q" in filters:
            # Every word in the title, summary or number, in any language, ignoring case and
            # script (portal.lookup); or all of them in a signatory's name.
            query = filters["q"]
            in_text = matching(query, [*columns("title", "summary"), "reference_number"])
            signed_by = Signatory.objects.filter(matching(query, columns("name")))
            agreements = agreements.filter(
                in_text | Exists(signed_by.filter(agreement=OuterRef("pk")))
            )
        return agreements


def registry_parties() -> list[Party]:
    """The parties to at least one agreement (the party filter's choices)."""
    return list(Party.objects.filter(agreements__isnull=False).distinct())


def fragment_date() -> str:
    """Today's date, for the keys of fragments that show what follows the date: overdue
    measures and ended validity periods (Measure.is_overdue, Agreement.period_ended)."""
    return timezone.localdate().isoformat()


def signing_years() -> list[int]:
    """The years in which public agreements were signed, newest first (the year filter)."""
    return list(
        Agreement.objects.public()
        .exclude(signed_on=None)
        .annotate(year=ExtractYear("signed_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


class AgreementListView(RegistryFilterMixin, PaginatedListView):
    template_name = "agreements/agreement_list.html"
    context_object_name = "agreements"
    paginate_by = AGREEMENTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.load_filter_choices()
        self.filters = self.get_filters()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # What the paginator counts; the rows shown are read with their figures (rows()).
        return self.filter_agreements(Agreement.objects.public())

    def rows(self, page) -> list[Agreement]:
        """The page's agreements with their progress figures and parties."""
        bottom = (page.number - 1) * self.paginate_by
        agreements = Agreement.objects.public().with_progress().prefetch_related("parties")
        return list(self.filter_agreements(agreements)[bottom : bottom + self.paginate_by])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        # Built and read only when the rows are rendered (building the figures' subqueries
        # alone takes longer than a remembered page).
        context["agreements"] = context["object_list"] = SimpleLazyObject(lambda: self.rows(page))
        # The filter bar and the page's rows are rendered once per content generation,
        # language, date, filters and page (portal.fragments, the cache tag), so that a page
        # whose rows are remembered reads no agreement and counts no status. A search's
        # words are left out of the keys (any text would make a new entry): its bar is
        # rendered each time and its rows are keyed by the agreements found.
        filters = filters_key(self.filters)
        if "q" in self.filters:
            rows_key = fragment_key(context["agreements"])
        else:
            rows_key = f"{generation()}:{fragment_date()}:{filters}:{page.number}"
        context.update(
            sectors=self.sectors,
            parties=self.parties,
            years=remember("agreements:years", signing_years),
            kinds=Agreement.Kind.choices,
            statuses=SimpleLazyObject(self.counted_statuses),
            filters=self.filters,
            filters_key=f"{fragment_date()}:{filters}",
            rows_key=rows_key,
        )
        return context

    def counted_statuses(self) -> list[tuple[str, str]]:
        """The status filter's choices, each with how many agreements it would show given
        the other filters: "In force (3)", "Period ended (1)"."""
        others = {name: value for name, value in self.filters.items() if name != "status"}
        counts = self.filter_agreements(Agreement.objects.public(), filters=others).status_counts()
        return [(value, f"{label} ({counts[value]})") for value, label in public_statuses()]


class AgreementDetailView(RememberedObjectMixin, ContentLanguageMixin, DetailView):
    template_name = "agreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        agreements = Agreement.objects.all()
        if self.request.user.is_staff:
            return agreements  # staff preview drafts
        return agreements.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        # The page's body (status, progress, measures and their reports, full text, parties,
        # signatories, documents, news) is rendered once per content generation, language
        # and date (overdue marks and "period ended" follow it); what only the body shows is
        # read when it is rendered (``parts``), so a remembered body costs one query.
        context.update(
            parts=SimpleLazyObject(lambda: agreement_parts(agreement)),
            is_preview=agreement.status == Agreement.Status.DRAFT,
            body_key=f"{fragment_date()}:{agreement.pk}",
        )
        return context


def agreement_parts(agreement: Agreement) -> dict:
    """What an agreement's page body shows besides the agreement's own fields: its related
    rows (prefetched onto ``agreement``), its parties and its measures grouped by sector,
    each with its responsible bodies."""
    prefetch_related_objects(
        [agreement],
        "sectors",
        Prefetch("signatories", queryset=Signatory.objects.select_related("party")),
        "documents",
        Prefetch(
            "measures",
            queryset=Measure.objects.select_related("sector").prefetch_related(
                Prefetch("reports", queryset=ProgressReport.objects.order_by("reported_on", "pk"))
            ),
        ),
        Prefetch("related_news", queryset=NewsArticle.objects.published()),
    )
    parties, bodies = parties_and_bodies(agreement)
    measures = sorted(
        agreement.measures.all(),
        key=lambda m: (m.sector is None, m.sector.position if m.sector else 0,
                       str(m.sector or ""), m.sort_key),
    )  # fmt: skip
    for measure in measures:
        measure.responsible = bodies.get(measure.pk, [])
    agreement.set_progress_figures(measures)
    groups = [(sector, list(items)) for sector, items in groupby(measures, key=lambda m: m.sector)]
    return {"parties": parties, "measure_groups": groups}


def parties_and_bodies(agreement: Agreement) -> tuple[list[Party], dict[int, list[Party]]]:
    """The agreement's parties and each measure's responsible bodies, in one query."""
    own = (
        Party.objects.filter(agreements=agreement)
        .annotate(measure_pk=Value(None, output_field=IntegerField()))
        .order_by()
    )
    bodies = (
        Party.objects.filter(measures__agreement=agreement)
        .annotate(measure_pk=F("measures__pk"))
        .order_by()
    )
    parties, by_measure = [], {}
    for party in own.union(bodies, all=True).order_by("name"):
        if party.measure_pk is None:
            parties.append(party)
        else:
            by_measure.setdefault(party.measure_pk, []).append(party)
    return parties, by_measure


class OverviewView(TemplateView):
    template_name = "agreements/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The chart and its table are rendered once per content generation, language and
        # date (overdue counts follow it), at most a minute; the figures are counted only then.
        context["overview"] = SimpleLazyObject(implementation_overview)
        context["overview_key"] = f"{generation()}:{fragment_date()}"
        return context


class AgreementsExportView(RegistryFilterMixin, View):
    """The registry (with the list's filters applied) as CSV or JSON."""

    fmt = "csv"

    def get(self, request, *args, **kwargs):
        self.load_filter_choices()
        self.filters = self.get_filters()
        agreements = opendata.registry_queryset(self.filter_agreements(Agreement.objects.public()))
        records = (opendata.agreement_record(agreement, request) for agreement in agreements)
        if self.fmt == "json":
            return opendata.json_response("agreements.json", "agreements", records)
        return opendata.csv_response("agreements.csv", opendata.AGREEMENT_COLUMNS, records)


def measures_export(request, fmt: str, slug: str = ""):
    """All public measures, or one agreement's, as CSV or JSON."""
    measures = Measure.objects.public()
    filename = "measures"
    if slug:
        agreement = get_object_or_404(Agreement.objects.public(), slug=slug)
        measures = measures.filter(agreement=agreement)
        filename = f"{agreement.slug}-measures"
    measures = opendata.measures_queryset(measures)
    if fmt == "json":
        records = (opendata.measure_record(measure) for measure in measures)
        return opendata.json_response(f"{filename}.json", "measures", records)
    records = (opendata.measure_csv_record(measure) for measure in measures)
    return opendata.csv_response(f"{filename}.csv", opendata.MEASURE_COLUMNS, records)
