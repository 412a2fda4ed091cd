from django.urls import path

from portal.conditional import conditional
from portal.pagecache import cache_public_page

from . import views
from .ics import calendar_validators

app_name = "events"

urlpatterns = [
    path("", cache_public_page(views.EventListView.as_view()), name="list"),
    path("seats.json", views.seat_states, name="seats"),
    path("calendar.ics", conditional(views.events_calendar, calendar_validators), name="calendar"),
    path("<slug:slug>/", cache_public_page(views.EventDetailView.as_view()), name="detail"),
    path(
        "<slug:slug>/calendar.ics",
        conditional(views.event_calendar, calendar_validators),
        name="event-calendar",
    ),
    path("<slug:slug>/register/", views.RegisterView.as_view(), name="register"),
    path("<slug:slug>/register/done/", views.RegisteredView.as_view(), name="registered"),
    path("<slug:slug>/lost-link/", views.LostLinkView.as_view(), name="lost-link"),
    path("<slug:slug>/check-in/", views.CheckInView.as_view(), name="check-in"),
    path("<slug:slug>/check-in/walk-in/", views.WalkInView.as_view(), name="walk-in"),
    path("<slug:slug>/check-in/scan/", views.CheckInScanView.as_view(), name="check-in-scan"),
    path(
        "<slug:slug>/check-in/counts.json",
        views.CheckInCountsView.as_view(),
        name="check-in-counts",
    ),
    path(
        "<slug:slug>/check-in/<int:pk>/", views.CheckInToggleView.as_view(), name="check-in-toggle"
    ),
]
