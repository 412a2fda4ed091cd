"""The staff's admin site: a start page that says what needs them, and the editors' preview.

The start page (the admin index) lists, per section, what needs attention now — each item a
count with a link — and the last changes made by other staff. Each app contributes its own
section with ``register_attention`` (from its admin.py; see events/dashboard.py), and shows
only what the staff member's role may see. ``markdown_preview`` renders a text exactly as
the public page will (portal.text.render_markdown), for the editors' "Preview" button
(static/js/admin-preview.js).

A kernel module: it imports no app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .text import render_markdown

MAX_PREVIEW_CHARACTERS = 100_000


@dataclass
class Link:
    text: str
    url: str


@dataclass
class Attention:
    """One thing on the start page: "3 registrations awaiting approval", with a link."""

    key: str  # stable name, for tests and styles: "pending-registrations"
    label: str
    count: int
    url: str
    details: list[Link] = field(default_factory=list)


@dataclass
class Section:
    title: str
    items: list[Attention]


AttentionProvider = Callable[[HttpRequest], Section | None]
_providers: list[AttentionProvider] = []


def register_attention(provider: AttentionProvider) -> AttentionProvider:
    """Add an app's section to the start page. The provider gets the request and returns
    its section (None, or no items, when the staff member's role may see none of it)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def attention_for(request: HttpRequest) -> list[Section]:
    sections = (provider(request) for provider in _providers)
    return [section for section in sections if section and section.items]


class PortalAdminSite(admin.AdminSite):
    index_template = "admin/start_page.html"
    # The app list in a left column took 290 px of every page: at 1366 px the registrations
    # list then pushed its key columns out of view. The start page and the breadcrumbs lead
    # everywhere the column did.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {
            "attention": attention_for(request),
            "recent_changes": self.recent_changes(request),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def recent_changes(self, request, *, limit: int = 10) -> list[LogEntry]:
        """The last changes other staff made, to what this staff member may see."""
        user = request.user
        entries = LogEntry.objects.exclude(user=user).select_related("user", "content_type")
        if not user.is_superuser:
            visible = [
                model
                for model, model_admin in self._registry.items()
                if model_admin.has_view_or_change_permission(request)
            ]
            types = ContentType.objects.get_for_models(*visible, for_concrete_models=False)
            entries = entries.filter(content_type__in=list(types.values()))
        return list(entries.order_by("-action_time", "-pk")[:limit])

    def get_urls(self):
        return [
            path(
                "markdown-preview/",
                self.admin_view(markdown_preview),
                name="markdown-preview",
            ),
            *super().get_urls(),
        ]


@never_cache
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """POST ``text``: the HTML the public page would show for it (same sanitiser)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    text = request.POST.get("text", "")[:MAX_PREVIEW_CHARACTERS]
    return HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")


class MarkdownPreviewMixin:
    """For a ModelAdmin: the fields named in ``markdown_fields`` (every language's column of
    a translated one) get a "Preview" button that shows the text as the public page will."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        original = getattr(db_field, "translated_field", db_field)
        if formfield is not None and original.name in self.markdown_fields:
            formfield.widget.attrs.update(
                {
                    "data-markdown-preview": reverse(f"{self.admin_site.name}:markdown-preview"),
                    "data-preview-show": _("Preview"),
                    "data-preview-hide": _("Hide preview"),
                    "data-preview-error": _("The preview could not be shown; try again."),
                }
            )
        return formfield

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-preview.js"])


class CheckboxesMixin:
    """For a ModelAdmin: the many-to-many fields in ``checkbox_fields`` (a short list, such as
    the sectors) as plain checkboxes instead of the two-box picker."""

    checkbox_fields: tuple[str, ...] = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.checkbox_fields:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
