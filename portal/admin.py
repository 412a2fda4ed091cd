from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import dashboard, services
from .backoffice import CheckboxesMixin, MarkdownPreviewMixin, register_attention
from .forms import NewsArticleAdminForm, SiteProfileAdminForm
from .lookup import SkeletonSearchMixin
from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile
from .multilingual_admin import MultilingualAdmin
from .text import short_moment

register_attention(dashboard.news_attention)


@admin.register(Sector)
class SectorAdmin(SkeletonSearchMixin, MultilingualAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["slug", "position"]


@admin.register(KeyFigure)
class KeyFigureAdmin(MultilingualAdmin):
    list_display = ["__str__", "position", "is_visible"]
    fields = ["position", "is_visible"]
    list_editable = ["position", "is_visible"]


@admin.register(Page)
class PageAdmin(SkeletonSearchMixin, MarkdownPreviewMixin, MultilingualAdmin):
    markdown_fields = ("body",)
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body", "slug"]
    fields = ["slug", "version"]


@admin.register(SiteProfile)
class SiteProfileAdmin(MarkdownPreviewMixin, MultilingualAdmin):
    form = SiteProfileAdminForm
    markdown_fields = ("intro",)
    list_display = ["name", "email", "phone"]
    readonly_fields = ["logo_preview", "share_image_preview"]
    fieldsets = [
        (_("Contacts (shown in every page's footer)"), {"fields": ["phone", "email"]}),
        (
            _("Logo and sharing image"),
            {
                "fields": [
                    "logo",
                    "logo_preview",
                    "logo_shows_name",
                    "share_image",
                    "share_image_preview",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists() and super().has_add_permission(request)

    @admin.display(description=_("logo as shown"))
    def logo_preview(self, profile):
        if not profile.logo:
            return _("None: the header shows the wordmark made from the centre's name.")
        return format_html(
            '<span class="logo-preview"><img src="{}" alt="" height="36"></span>', profile.logo.url
        )

    @admin.display(description=_("preview"))
    def share_image_preview(self, profile):
        if not profile.share_image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="320">', profile.share_image.url, profile.share_image_alt
        )


class PublicationFilter(admin.SimpleListFilter):
    """On the site, scheduled for later, or a draft (what the "publication" column says)."""

    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("public", _("On the site")),
            ("scheduled", _("Scheduled")),
            ("draft", _("Draft")),
        ]

    def queryset(self, request, queryset):
        choices = {
            "public": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": queryset.drafts,
        }
        return choices[self.value()]() if self.value() in choices else queryset


@admin.register(NewsArticle)
class NewsArticleAdmin(
    SkeletonSearchMixin, CheckboxesMixin, MarkdownPreviewMixin, MultilingualAdmin
):
    form = NewsArticleAdminForm
    list_display = ["title", "publication", "sector_list", "is_featured"]
    list_filter = [PublicationFilter, "is_featured", "sectors", "publish_at"]
    search_fields = ["title", "lead", "body", "byline"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    checkbox_fields = ("sectors",)
    readonly_fields = ["cover_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    markdown_fields = ("body",)
    # The texts first (one section per language), then the rest.
    language_fieldsets_at = 0
    fieldsets = [
        (_("Cover image"), {"fields": ["cover_image", "cover_preview"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "is_featured", "sectors"]}),
        (_("Credits"), {"fields": ["byline", "source_url"], "classes": ["collapse"]}),
        (_("Web address"), {"fields": ["slug"], "classes": ["collapse"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors"))
    def sector_list(self, article):
        return ", ".join(str(sector) for sector in article.sectors.all())

    @admin.display(description=_("publication"), ordering="publish_at")
    def publication(self, article):
        """ "Scheduled for 3 Dec, 10:00", "On the site since …" or "Draft"."""
        when = short_moment(article.publish_at)
        if article.status == NewsArticle.Status.DRAFT:
            return format_html('<span class="publication-draft">{}</span>', _("Draft"))
        if article.is_scheduled:
            return format_html(
                '<span class="publication-scheduled">{}</span>',
                _("Scheduled for %(when)s") % {"when": when},
            )
        return format_html(
            '<span class="publication-public">{}</span>',
            _("On the site since %(when)s") % {"when": when},
        )

    @admin.display(description=_("preview"))
    def cover_preview(self, article):
        if not article.cover_image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="320">',
            article.cover_image.url,
            article.cover_alt,
        )

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish_articles(articles=queryset)
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = services.unpublish_articles(articles=queryset)
        self.message_user(
            request,
            ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
            messages.SUCCESS,
        )
