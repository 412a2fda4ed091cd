"""The events' translated fields (django-modeltranslation; see portal.languages).

The change history (django-simple-history) of events records every language: the
historical model is registered with the same fields.
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Event


class EventTranslation(TranslationOptions):
    fields = ("title", "description", "venue_name", "venue_address", "organisers", "image_alt")


translator.register([Event, Event.history.model], EventTranslation)
