"""The agreements' translated fields (django-modeltranslation; see portal.languages).

The change history (django-simple-history) of agreements and measures records every
language: their historical models are registered with the same fields.
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Agreement, AgreementDocument, Measure, Party, ProgressReport, Signatory


class PartyTranslation(TranslationOptions):
    fields = ("name", "country")


class AgreementTranslation(TranslationOptions):
    fields = ("title", "summary", "full_text", "signed_at")


class SignatoryTranslation(TranslationOptions):
    fields = ("name", "position")


class AgreementDocumentTranslation(TranslationOptions):
    fields = ("title",)


class MeasureTranslation(TranslationOptions):
    fields = ("title", "description")


class ProgressReportTranslation(TranslationOptions):
    fields = ("text",)


translator.register(Party, PartyTranslation)
translator.register([Agreement, Agreement.history.model], AgreementTranslation)
translator.register(Signatory, SignatoryTranslation)
translator.register(AgreementDocument, AgreementDocumentTranslation)
translator.register([Measure, Measure.history.model], MeasureTranslation)
translator.register(ProgressReport, ProgressReportTranslation)
