"""Admin classes for models with translated fields (see portal.languages).

Built on django-modeltranslation's admin classes (not its tabbed variants: those load jQuery
UI from another host, which the strict CSP forbids). On top of them:

- the translated fields are grouped in one fieldset per language, the staff member's own
  language first and open, the others folded (a form with three languages of long texts was
  five screens long); when the own language is not written yet, the first written one is
  open too, and Django opens any section with an error;
- no language is required by the form: the model requires one of them (any one);
- the change list gets a column "EN ✓ RU ✓ AZ –" and a filter "not written in …";
- searches look in every language's column;
- one-line fields refuse line breaks (portal.validators).

A kernel module: it imports no app.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from .languages import (
    LANGUAGE_CODES,
    active_language,
    column,
    fallback_order,
    language_label,
    translated_fields,
    written_languages,
)
from .validators import SingleLineAdminMixin


class MultilingualFieldsetsMixin:
    """Fieldsets: the declared ones without the translated fields, and one per language
    (inserted after the first declared fieldset, or at ``language_fieldsets_at``)."""

    language_fieldsets_at = 1
    # Fold the other languages (inlines: one object's choice would fold every row's
    # fieldset, so they stay open).
    fold_unwritten = True

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        if hasattr(db_field, "translated_field"):
            # modeltranslation requires the default language; we require any one (the model).
            field.required = False

    def _declared_untranslated(self, request, obj):
        translated = set(translated_fields(self.model))
        declared = self.fieldsets or [(None, {"fields": self.fields or []})]
        fieldsets = []
        for name, options in declared:
            fields = [f for f in options.get("fields", []) if f not in translated]
            if fields or name:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_fieldsets(self, request, obj=None):
        fieldsets = self._declared_untranslated(request, obj)
        fields = translated_fields(self.model)
        if not fields:
            return fieldsets
        readonly = set(self.get_readonly_fields(request, obj))
        order = fallback_order(active_language())
        written = [
            code
            for code in order
            if obj is not None and any(code in written_languages(obj, name) for name in fields)
        ]
        # Open: the staff member's own language, and the first written one if theirs is not.
        shown = {order[0], *([] if order[0] in written else written[:1])}
        language_sets = []
        for index, code in enumerate(order):
            folded = self.fold_unwritten and code not in shown
            options = {
                "fields": [column(name, code) for name in fields if name not in readonly],
                "classes": ["collapse"] if folded else [],
            }
            if index == 0:
                options["description"] = _(
                    "Write in any language first; at least one is required. Visitors whose "
                    "language is missing see the first written one, marked as such."
                )
            language_sets.append((language_label(code), options))
        position = min(self.language_fieldsets_at, len(fieldsets))
        return fieldsets[:position] + language_sets + fieldsets[position:]


class MissingLanguageFilter(admin.SimpleListFilter):
    """Items whose title (their first translated field) is not written in a language."""

    title = _("missing language")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, language_label(code)) for code in LANGUAGE_CODES]

    def queryset(self, request, queryset):
        code = self.value()
        fields = translated_fields(queryset.model)
        if code not in LANGUAGE_CODES or not fields:
            return queryset
        name = column(fields[0], code)
        return queryset.filter(Q(**{f"{name}__isnull": True}) | Q(**{name: ""}))


class MultilingualAdmin(SingleLineAdminMixin, MultilingualFieldsetsMixin, TranslationAdmin):
    """ModelAdmin for a model registered in a translation.py."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "language_status"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingLanguageFilter]

    def get_search_fields(self, request):
        translated = set(translated_fields(self.model))
        expanded = []
        for name in super().get_search_fields(request):
            prefix, bare = (name[0], name[1:]) if name[:1] in "^=@" else ("", name)
            if bare in translated:
                expanded += [f"{prefix}{column(bare, code)}" for code in LANGUAGE_CODES]
            else:
                expanded.append(name)
        return expanded

    @admin.display(description=_("languages"))
    def language_status(self, obj):
        """EN ✓ RU ◐ AZ –: everything written, part of it, nothing."""
        fields = translated_fields(type(obj))
        written = {name: set(written_languages(obj, name)) for name in fields}
        wanted = [name for name in fields if written[name]]
        cells = []
        for code in LANGUAGE_CODES:
            done = sum(code in written[name] for name in wanted)
            if wanted and done == len(wanted):
                mark, state = "✓", _("written")
            elif done:
                mark, state = "◐", _("partly written")
            else:
                mark, state = "–", _("not written")
            cells.append((f"{language_label(code)}: {state}", code.upper(), mark))
        return format_html(
            '<span class="language-status">{}</span>',
            format_html_join(" ", '<span title="{}">{}&nbsp;{}</span>', cells),
        )


class MultilingualStackedInline(
    SingleLineAdminMixin, MultilingualFieldsetsMixin, TranslationStackedInline
):
    """A stacked inline whose translated fields are grouped per language."""

    fold_unwritten = False


class MultilingualTabularInline(
    SingleLineAdminMixin, MultilingualFieldsetsMixin, TranslationTabularInline
):
    """A tabular inline (one column per language and field): for one short field only."""

    def get_fieldsets(self, request, obj=None):
        # A table has no room for fieldsets: the translated columns follow the others.
        declared = self._declared_untranslated(request, obj)
        fields = [name for _title, options in declared for name in options["fields"]]
        translated = [
            column(name, code)
            for name in translated_fields(self.model)
            for code in fallback_order(active_language())
        ]
        return [(None, {"fields": translated + fields})]
