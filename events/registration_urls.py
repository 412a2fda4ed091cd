"""The registrant's own pages: /<lang>/registrations/<token>/."""

from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("<str:token>/", views.RegistrationDetailView.as_view(), name="detail"),
    path("<str:token>/cancel/", views.CancelRegistrationView.as_view(), name="cancel"),
    path("<str:token>/erase/", views.EraseRegistrationView.as_view(), name="erase"),
]
