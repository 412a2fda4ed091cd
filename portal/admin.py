from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import NewsArticleAdminForm
from .lookup import SkeletonSearchMixin
from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile


@admin.register(Sector)
class SectorAdmin(SkeletonSearchMixin, admin.ModelAdmin):
    list_display = ["name", "name_ru", "name_az", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_ru", "name_az"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ["value", "label", "position", "is_visible"]
    fields = [
        "value",
        "label",
        "value_ru",
        "label_ru",
        "value_az",
        "label_az",
        "position",
        "is_visible",
    ]
    list_editable = ["position", "is_visible"]


@admin.register(Page)
class PageAdmin(SkeletonSearchMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    fieldsets = [
        (None, {"fields": ["slug"]}),
        (_("English"), {"fields": ["title", "body"]}),
        (_("Russian"), {"fields": ["title_ru", "body_ru"]}),
        (_("Azerbaijani"), {"fields": ["title_az", "body_az"]}),
    ]


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone"]
    fieldsets = [
        (_("Name"), {"fields": ["name", "name_ru", "name_az"]}),
        (_("Home page introduction"), {"fields": ["intro", "intro_ru", "intro_az"]}),
        (
            _("Contacts (shown in every page's footer)"),
            {"fields": ["address", "address_ru", "address_az", "phone", "email"]},
        ),
    ]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists() and super().has_add_permission(request)


@admin.register(NewsArticle)
class NewsArticleAdmin(SkeletonSearchMixin, admin.ModelAdmin):
    form = NewsArticleAdminForm
    list_display = ["title", "status", "publish_at", "sector_list", "is_featured", "visibility"]
    list_filter = ["status", "is_featured", "language", "sectors", "publish_at"]
    search_fields = ["title", "lead", "body", "byline"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["sectors"]
    readonly_fields = ["cover_preview", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "language"]}),
        (
            _("Cover image"),
            {"fields": ["cover_image", "cover_preview", "cover_alt", "cover_caption"]},
        ),
        (_("Credits"), {"fields": ["byline", "source_name", "source_url"]}),
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
