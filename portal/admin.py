from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import NewsArticleAdminForm
from .lookup import SkeletonSearchMixin
from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile
from .multilingual_admin import MultilingualAdmin


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
class PageAdmin(SkeletonSearchMixin, MultilingualAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body", "slug"]
    fields = ["slug", "version"]


@admin.register(SiteProfile)
class SiteProfileAdmin(MultilingualAdmin):
    list_display = ["name", "email", "phone"]
    fieldsets = [
        (_("Contacts (shown in every page's footer)"), {"fields": ["phone", "email"]}),
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists() and super().has_add_permission(request)


@admin.register(NewsArticle)
class NewsArticleAdmin(SkeletonSearchMixin, MultilingualAdmin):
    form = NewsArticleAdminForm
    list_display = ["title", "status", "publish_at", "sector_list", "is_featured", "visibility"]
    list_filter = ["status", "is_featured", "sectors", "publish_at"]
    search_fields = ["title", "lead", "body", "byline"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["sectors"]
    readonly_fields = ["cover_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["slug"]}),
        (_("Cover image"), {"fields": ["cover_image", "cover_preview"]}),
        (_("Credits"), {"fields": ["byline", "source_url"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "is_featured", "sectors"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors"))
    def sector_list(self, article):
        return ", ".join(str(sector) for sector in article.sectors.all())

    @admin.display(description=_("on the site"), boolean=True)
    def visibility(self, article):
        return article.is_public

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
