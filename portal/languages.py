"""Content written in several languages, and which language a visitor is shown.

Translated fields come from django-modeltranslation (each app's ``translation.py``): a field
``title`` registered there has the columns ``title_en``, ``title_ru`` and ``title_az``, and
reading ``obj.title`` gives the visitor's language or, where that is not written, the first
written language in ``MODELTRANSLATION_FALLBACK_LANGUAGES``. This module answers the questions
that the library leaves to us:

- which language a shown text is really in (``language_of``), so that the page can mark it
  with ``lang`` and a short note ("Available in English");
- which languages an item is written in (``written_languages``), for the admin's list column
  and filter;
- the rule that an item may be written first in any one language, but in one at least
  (``MultilingualModel.clean``).

A kernel module: it imports no app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)

# "Available in English", in the visitor's language: one sentence per language, because
# Russian and Azerbaijani do not build it from a language name the way English does.
AVAILABLE_IN = {
    "en": _("Available in English"),
    "ru": _("Available in Russian"),
    "az": _("Available in Azerbaijani"),
}


def active_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def fallback_order(language: str | None = None) -> tuple[str, ...]:
    """The languages tried for a visitor of ``language``: theirs first, then the fallbacks."""
    language = language or active_language()
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    order = [language, *fallbacks.get(language, fallbacks["default"])]
    order += [code for code in LANGUAGE_CODES if code not in order]
    return tuple(dict.fromkeys(order))


def language_label(code: str) -> str:
    """E.g. "Russian (русский)" for a staff member who reads English."""
    info = get_language_info(code)
    translated, local = str(info["name_translated"]), info["name_local"]
    if code == active_language() or translated.casefold() == local.casefold():
        return translated
    return f"{translated} ({local})"


def column(field: str, language: str) -> str:
    """``column("title", "ru")`` → ``"title_ru"``."""
    return f"{field}_{language}"


def columns(*fields: str) -> list[str]:
    """Every language's column of each field: ``columns("title")`` → title_en, title_ru, …"""
    return [column(field, code) for field in fields for code in LANGUAGE_CODES]


def is_written(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return bool(getattr(value, "name", value))  # files: an empty FieldFile has no name


def written_languages(obj, field: str) -> list[str]:
    """The languages in which ``obj``'s ``field`` is written, in the site's order."""
    return [code for code in LANGUAGE_CODES if is_written(getattr(obj, column(field, code), None))]


def language_of(obj, field: str, language: str | None = None) -> str:
    """The language of the text a visitor of ``language`` is shown for ``field``.

    The same order as the modeltranslation descriptor, so this names the language of exactly
    what ``getattr(obj, field)`` returns. When nothing is written, the visitor's language.
    """
    order = fallback_order(language)
    for code in order:
        if is_written(getattr(obj, column(field, code), None)):
            return code
    return order[0]


def translated_fields(model) -> tuple[str, ...]:
    """The fields of ``model`` registered for translation, in the model's field order (the
    first is its title or name)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        registered = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()
    return tuple(field.name for field in model._meta.fields if field.name in registered)


def required_fields(model) -> tuple[str, ...]:
    """Translated fields that must be written in one language at least (the ones the model
    declares without ``blank=True``)."""
    return tuple(name for name in translated_fields(model) if not model._meta.get_field(name).blank)


class MultilingualModel:
    """Mixin for models with translated fields (registered in the app's translation.py)."""

    @property
    def primary_language(self) -> str:
        """The language the visitor is shown this item in: that of its first translated
        field (the title or name)."""
        fields = translated_fields(type(self))
        return language_of(self, fields[0]) if fields else active_language()

    def language_of(self, field: str) -> str:
        return language_of(self, field)

    def written_languages(self, field: str | None = None) -> list[str]:
        if field is None:
            fields = translated_fields(type(self))
            if not fields:
                return []
            field = fields[0]
        return written_languages(self, field)

    def clean(self) -> None:
        """Each required text is written in one language at least (any one)."""
        super().clean()
        errors = {}
        for name in required_fields(type(self)):
            if not written_languages(self, name):
                label = self._meta.get_field(name).verbose_name
                errors[column(name, active_language())] = _(
                    "Write the %(field)s in at least one language."
                ) % {"field": label}
        if errors:
            raise ValidationError(errors)


class ContentLanguageMixin:
    """For a DetailView: ``content_language`` in the context is the language of the object's
    main text as shown, which ``base.html`` puts on ``<html lang>`` and ``og:locale`` (the
    header and footer keep the visitor's own)."""

    content_language_field = "title"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["content_language"] = language_of(self.object, self.content_language_field)
        return context
