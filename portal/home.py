"""The home page: the one page that shows every app's content (with portal/urls.py, the
composition root; the rest of portal/ imports no app)."""

from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from agreements.models import Agreement
from events.models import Event

from .models import KeyFigure, NewsArticle
from .pagecache import generation


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's sections are rendered once per content generation and language, for at
        # most a minute (seat badges follow the live counts through static/js/seats.js): the
        # lists below are read only when the sections are rendered.
        context["home_key"] = generation()
        context["key_figures"] = KeyFigure.objects.filter(is_visible=True)
        # Lists: the hero and the sections below read their first items again.
        context["latest_news"] = SimpleLazyObject(
            lambda: list(
                NewsArticle.objects.published()
                .order_by("-is_featured", "-publish_at", "-pk")
                .prefetch_related("sectors")[:4]
            )
        )
        # Agreements section (templates/agreements/home_section.html).
        context["agreements_in_force"] = SimpleLazyObject(
            lambda: list(Agreement.objects.in_force().with_progress()[:6])
        )
        # Events app: the next upcoming events.
        context["upcoming_events"] = SimpleLazyObject(
            lambda: list(
                Event.objects.filter(status=Event.Status.PUBLISHED)
                .upcoming()
                .with_seat_counts()[:3]
            )
        )
        return context
