from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models.functions import ExtractYear
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from . import sharing
from .forms import NewsFilterForm
from .languages import ContentLanguageMixin
from .lists import PaginatedListView
from .models import NewsArticle, Page, Sector, SiteProfile
from .pagecache import remember
from .search import search
from .text import summary_text


class NewsListView(PaginatedListView):
    template_name = "portal/news_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.sectors = list(Sector.objects.all())
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
        context.update(sectors=self.sectors, years=years, filters=self.filters)
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


class NewsDetailView(ContentLanguageMixin, DetailView):
    content_language_field = "body"
    template_name = "portal/news_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = NewsArticle.objects.prefetch_related("sectors")
        if self.request.user.is_staff:
            return articles  # staff preview drafts and scheduled articles
        return articles.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        sector_ids = [sector.pk for sector in article.sectors.all()]
        related = NewsArticle.objects.none()
        if sector_ids:
            related = (
                NewsArticle.objects.published()
                .filter(sectors__in=sector_ids)
                .exclude(pk=article.pk)
                .distinct()[:3]
            )
        context["related_articles"] = related
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
        context["results"] = search(
            get.get("q", ""), kind=get.get("kind", ""), page=get.get("page", "")[:10] or 1
        )
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
