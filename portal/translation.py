"""The site's translated fields (django-modeltranslation; see portal.languages)."""

from modeltranslation.translator import TranslationOptions, register

from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name",)


@register(KeyFigure)
class KeyFigureTranslation(TranslationOptions):
    fields = ("value", "label")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")


@register(SiteProfile)
class SiteProfileTranslation(TranslationOptions):
    fields = ("name", "tagline", "intro", "address", "share_image_alt")


@register(NewsArticle)
class NewsArticleTranslation(TranslationOptions):
    fields = ("title", "lead", "body", "cover_alt", "cover_caption", "source_name")
