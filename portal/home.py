"""The home page: the one page that shows every app's content (with portal/urls.py, the
composition root; the rest of portal/ imports no app)."""

from django.views.generic import TemplateView

from agreements.models import Agreement
from events.models import Event

from .models import KeyFigure, NewsArticle


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["key_figures"] = KeyFigure.objects.filter(is_visible=True)
        # Lists: the hero and the sections below read their first items again.
        context["latest_news"] = list(
            NewsArticle.objects.published()
            .order_by("-is_featured", "-publish_at", "-pk")
            .prefetch_related("sectors")[:4]
        )
        # Agreements section (templates/agreements/home_section.html).
        context["agreements_in_force"] = Agreement.objects.in_force().with_progress()[:6]
        # Events app: the next upcoming events.
        context["upcoming_events"] = list(
            Event.objects.filter(status=Event.Status.PUBLISHED).upcoming().with_seat_counts()[:3]
        )
        return context
