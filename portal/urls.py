"""The root URLconf: with portal/home.py, the composition root, the only place that knows
every app (their URLs, sitemaps and feeds). The rest of portal/ is a kernel that imports no
app; apps import the kernel, never this module (tests/test_layers.py keeps both true)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from agreements import sitemaps as agreement_sitemaps
from events import sitemaps as event_sitemaps

from . import home, views
from .conditional import conditional, news_feed_etag
from .feeds import LatestNewsFeed
from .pagecache import cache_public_page
from .sitemaps import NewsSitemap, PageSitemap, StaticViewSitemap, latest_news_change

sitemaps = {
    "site": StaticViewSitemap(
        {
            "portal:news-list": latest_news_change,
            "events:list": event_sitemaps.latest_change,
            "agreements:list": agreement_sitemaps.latest_change,
        },
        home="portal:home",
    ),
    "pages": PageSitemap,
    "news": NewsSitemap,
    "agreements": agreement_sitemaps.AgreementSitemap,
    "events": event_sitemaps.EventSitemap,
}

site_patterns = [
    path("", cache_public_page(home.HomeView.as_view()), name="home"),
    path("news/", cache_public_page(views.NewsListView.as_view()), name="news-list"),
    path("news/feed/", conditional(LatestNewsFeed(), news_feed_etag), name="news-feed"),
    path(
        "news/<slug:slug>/", cache_public_page(views.NewsDetailView.as_view()), name="news-detail"
    ),
    path("pages/<slug:slug>/", cache_public_page(views.PageView.as_view()), name="page"),
    path("search/", cache_public_page(views.SearchView.as_view()), name="search"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # An index of per-section sitemaps, each paginated (?p=2): one file of every article in
    # three languages would be tens of thousands of entries and seconds to render.
    path("sitemap.xml", cache_public_page(sitemap_index), {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        cache_public_page(sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", include((site_patterns, "portal"))),
        path("agreements/", include("agreements.urls")),
        path("events/", include("events.urls")),
        path("registrations/", include("events.registration_urls")),
    ),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler500 = "portal.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = _("Business Centre Portal administration")
admin.site.site_title = _("Business Centre Portal")
admin.site.index_title = _("Content and registrations")
