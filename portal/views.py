import json

from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError, connection
from django.db.models.functions import ExtractYear
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView

from agreements.models import Agreement
from events.models import Event

from .languages import ContentLanguageMixin
from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile
from .pagecache import remember
from .roles import ROLE_LABELS
from .search import search


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["key_figures"] = KeyFigure.objects.filter(is_visible=True)
        context["latest_news"] = (
            NewsArticle.objects.published()
            .order_by("-is_featured", "-publish_at", "-pk")
            .prefetch_related("sectors")[:4]
        )
        # Agreements section (templates/agreements/home_section.html).
        context["agreements_in_force"] = Agreement.objects.in_force().with_progress()[:6]
        # Events app: the next upcoming events.
        context["upcoming_events"] = (
            Event.objects.filter(status=Event.Status.PUBLISHED).upcoming().with_seat_counts()[:3]
        )
        return context


class PaginatedListView(ListView):
    """A list whose bad page numbers show the nearest real page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


def by_slug(objects, slug: str | None):
    """The object with this slug among ``objects`` (a filter's choices), or None."""
    return next((obj for obj in objects if obj.slug == slug), None) if slug else None


def parse_year(value: str | None) -> int | None:
    """A four-digit year from a query string, or None for anything else."""
    return int(value) if value and value.isdigit() and len(value) == 4 else None


class NewsListView(PaginatedListView):
    template_name = "portal/news_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWS_PER_PAGE

    def get_filters(self) -> dict:
        """The valid filters from the query string; anything invalid is ignored."""
        get = self.request.GET
        filters = {
            "sector": by_slug(self.sectors, get.get("sector")),
            "year": parse_year(get.get("year")),
        }
        return {key: value for key, value in filters.items() if value}

    def get(self, request, *args, **kwargs):
        self.sectors = list(Sector.objects.all())
        self.filters = self.get_filters()
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
        context["json_ld"] = self.json_ld(article)
        return context

    def json_ld(self, article: NewsArticle) -> str:
        """schema.org NewsArticle, escaped so it cannot close its script element."""
        url = self.request.build_absolute_uri(article.get_absolute_url())
        profile = SiteProfile.current()
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title[:110],
            "description": article.lead,
            "datePublished": article.publish_at.isoformat(),
            "dateModified": article.updated_at.isoformat(),
            "inLanguage": article.language_of("body"),
            "mainEntityOfPage": url,
            "publisher": {"@type": "Organization", "name": profile.name},
        }
        if article.byline:
            data["author"] = {"@type": "Person", "name": article.byline}
        if article.cover_image:
            data["image"] = [self.request.build_absolute_uri(article.cover_image.url)]
        text = json.dumps(data, ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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


def bench_bare(request):
    """The benchmark's baseline (only routed when PORTAL_BENCH=1)."""
    return HttpResponse("ok\n", content_type="text/plain")


def robots_txt(request):
    """Everything public may be crawled; the admin and personal pages may not."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{code}/registrations/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@requires_csrf_token
def permission_denied(request, exception=None):
    """handler403: a page that says, in the staff member's language, that the page is not
    part of their role; in the admin's style under /admin/, in the site's elsewhere."""
    if request.path.startswith(reverse("admin:index")):
        roles = [
            str(ROLE_LABELS.get(name, name))
            for name in request.user.groups.values_list("name", flat=True)
        ] if request.user.is_authenticated else []  # fmt: skip
        context = {**admin.site.each_context(request), "roles": roles}
        html = loader.render_to_string("admin/403.html", context, request)
    else:
        html = loader.render_to_string("403.html", request=request)
    return HttpResponseForbidden(html)


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


# The last resort when even templates/500.html cannot be rendered (a missing static manifest
# entry, a broken template): still generic, still in the visitor's language.
FALLBACK_ERROR_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the generic error page, with no detail about what went wrong."""
    try:
        return HttpResponseServerError(loader.get_template(template_name).render())
    except Exception:  # whatever broke, the visitor still gets a plain, generic page
        title = gettext("Something went wrong")
        text = gettext(
            "An error occurred on our side. It has been logged; please try again in a few minutes."
        )
        return HttpResponseServerError(FALLBACK_ERROR_PAGE.format(title=title, text=text))
