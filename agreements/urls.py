from django.urls import path

from portal.conditional import conditional
from portal.pagecache import cache_public_page

from . import views
from .feeds import ProgressReportFeed, progress_feed_etag

app_name = "agreements"

urlpatterns = [
    path(
        "",
        cache_public_page(
            views.AgreementListView.as_view(),
            params=("kind", "page", "party", "q", "sector", "status", "year"),
        ),
        name="list",
    ),
    path("overview/", cache_public_page(views.OverviewView.as_view()), name="overview"),
    path("feed/", conditional(ProgressReportFeed(), progress_feed_etag), name="feed"),
    path("agreements.csv", views.AgreementsExportView.as_view(fmt="csv"), name="export-csv"),
    path("agreements.json", views.AgreementsExportView.as_view(fmt="json"), name="export-json"),
    path("measures.csv", views.measures_export, {"fmt": "csv"}, name="measures-csv"),
    path("measures.json", views.measures_export, {"fmt": "json"}, name="measures-json"),
    path("<slug:slug>/", cache_public_page(views.AgreementDetailView.as_view()), name="detail"),
    path(
        "<slug:slug>/measures.csv",
        views.measures_export,
        {"fmt": "csv"},
        name="agreement-measures-csv",
    ),
    path(
        "<slug:slug>/measures.json",
        views.measures_export,
        {"fmt": "json"},
        name="agreement-measures-json",
    ),
]
