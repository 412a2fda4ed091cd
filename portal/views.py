from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from . import sharing
from .forms import NewsFilterForm
from .languages import ContentLanguageMixin
from .lists import PaginatedListView, filters_key, with_query
from .models import NewsArticle, Page, Sector, SiteProfile
from .pagecache import RememberedObjectMixin, accept_query, generation, remember
from .search import search
from .text import summary_text


class NewsListView(PaginatedListView):
    template_name = "portal/news_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.sectors = Sector.filter_choices()
        self.filters = NewsFilterForm(request.GET, sectors=self.sectors).filters
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        articles = NewsArticle.objects.published().prefetch_related("sectors")
        if "sector" in self.filters:
            articles = articles.filter(sectors=self.filters["sector"])
        if "year" in self.filters:
            articles = articles.filter(publish_at__year=self.filters["year"])
        return articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = remember("news:years", news_years)
        # The filter bar and the page's cards are rendered once per content generation,
        # language, filters and page (the cards at most a minute: an article scheduled for
        # now appears within it); a page whose cards are remembered reads no article.
        filters = filters_key(self.filters)
        context.update(
            sectors=self.sectors,
            years=years,
            filters=self.filters,
            filters_key=filters,
            cards_key=f"{generation()}:{filters}:{context['page_obj'].number}",
        )
        return context


def news_years() -> list[int]:
    """The years that have published news, newest first (the year filter's choices)."""
    return list(
        NewsArticle.objects.published()
        .annotate(year=ExtractYear("publish_at"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def related_articles(article: NewsArticle, count: int = 3) -> list[NewsArticle]:
    """The newest published articles that share a sector with ``article``."""
    through = NewsArticle.sectors.through.objects
    # EXISTS, not a join with DISTINCT: the newest published articles are read in the
    # index's order until three share a sector (15 ms -> under 1 ms at 10,000).
    shares_a_sector = through.filter(
        newsarticle=OuterRef("pk"),
        sector__in=through.filter(newsarticle=article.pk).values("sector"),
    )
    return list(
        NewsArticle.objects.published()
        .filter(Exists(shares_a_sector))
        .exclude(pk=article.pk)[:count]
    )


class NewsDetailView(RememberedObjectMixin, ContentLanguageMixin, DetailView):
    content_language_field = "body"
    template_name = "portal/news_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = NewsArticle.objects.all()
        if self.request.user.is_staff:
            return articles  # staff preview drafts and scheduled articles
        return articles.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        # The article's body and aside are rendered once per content generation and language
        # (at most a minute: a related article scheduled for now appears within it); the
        # sectors and related articles below are read only when they are rendered.
        context["related_articles"] = SimpleLazyObject(lambda: related_articles(article))
        context["article_key"] = article.pk
        context["is_preview"] = not article.is_public
        context["preview_image"] = self.preview_image(article)
        context["structured_data"] = self.structured_data(article, context["preview_image"])
        return context

    def preview_image(self, article: NewsArticle) -> dict:
        """The cover, or the article's card (portal.sharing)."""
        return sharing.preview_image(
            self.request,
            SiteProfile.current(),
            image=article.cover_image,
            alt=article.cover_alt,
            title=article.title,
            label=_("News"),
            detail=formats.date_format(timezone.localtime(article.publish_at), "DATE_FORMAT"),
        )

    def structured_data(self, article: NewsArticle, image: dict) -> dict:
        """schema.org NewsArticle: headline, dates, image (the cover or the article's card),
        the centre as publisher with its logo."""
        request = self.request
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title[:110],
            "description": summary_text(article.lead, 300),
            "image": [image["url"]],
            "datePublished": article.publish_at.isoformat(),
            "dateModified": max(article.updated_at, article.publish_at).isoformat(),
            "inLanguage": article.language_of("body"),
            "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
            "publisher": sharing.publisher(request, SiteProfile.current()),
        }
        if article.byline:
            data["author"] = {"@type": "Person", "name": article.byline}
        return data


class SearchView(TemplateView):
    """Site-wide search; the logic is in portal.search."""

    template_name = "portal/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        results = search(
            get.get("q", ""), kind=get.get("kind", ""), page=get.get("page", "")[:10] or 1
        )
        context["results"] = results
        # The counted texts and links, written once here: {% blocktranslate count %} and
        # {% querystring %} were a tenth of the page's rendering.
        context["total_text"] = ngettext(
            "%(counter)s result", "%(counter)s results", results.total
        ) % {"counter": formats.localize(results.total)}
        for group in results.groups:
            if not results.kind and group.count > len(group.hits):
                group.more_url = with_query(get, kind=group.key, page=None)
                group.more_text = ngettext(
                    "All %(counter)s result: %(label)s",
                    "All %(counter)s results: %(label)s",
                    group.count,
                ) % {"counter": formats.localize(group.count), "label": group.label}
        accepted = {"q": get.get("q", "")}
        if results.kind:
            accepted["kind"] = results.kind
        if results.page is not None:
            accepted["page"] = results.page.number
        accept_query(self.request, accepted)
        return context


class PageView(ContentLanguageMixin, DetailView):
    content_language_field = "body"
    template_name = "portal/page.html"
    context_object_name = "page"
    model = Page


def robots_txt(request):
    """Everything public may be crawled; the admin and personal pages may not."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{code}/registrations/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
