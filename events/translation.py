"""The events' translated fields (django-modeltranslation; see portal.languages).

The change history (django-simple-history) of events records every language: the
historical model is registered with the same fields.
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Event, EventMessage, EventQuestion, EventQuestionChoice


class EventTranslation(TranslationOptions):
    fields = ("title", "description", "venue_name", "venue_address", "organisers", "image_alt")


translator.register([Event, Event.history.model], EventTranslation)


class LabelTranslation(TranslationOptions):
    fields = ("label",)


translator.register([EventQuestion, EventQuestionChoice], LabelTranslation)


class EventMessageTranslation(TranslationOptions):
    fields = ("subject", "body")


translator.register(EventMessage, EventMessageTranslation)
