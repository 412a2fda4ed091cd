"""Events in the site search (registered by EventsConfig.ready)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.search import Document, SearchKind, joined, written
from portal.text import plain_text

from .models import Event


class EventKind(SearchKind):
    key = "events"
    label = _("Events")
    model = Event
    position = 20

    def indexed(self):
        return Event.objects.public()

    def document(self, event) -> Document:
        return Document(
            title=written(event, "title"),
            summary={
                code: plain_text(text) for code, text in written(event, "description").items()
            },
            body=joined(
                written(event, "venue_name"),
                written(event, "venue_address"),
                written(event, "organisers"),
            ),
            date=timezone.localdate(event.starts_at),
        )
