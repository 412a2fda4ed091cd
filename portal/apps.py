from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True  # the app's own config (PortalAdminConfig is named in INSTALLED_APPS)
    name = "portal"
    verbose_name = _("Site and news")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_migrate, post_save
        from PIL import Image

        from . import fragments, lookup, search
        from .models import SiteProfile, forget_site_profile
        from .news_search import NewsKind
        from .pagecache import connect_content_signals
        from .thumbnails import connect_thumbnail_signals
        from .uploads import MAX_IMAGE_PIXELS

        connect_content_signals()
        # New uploads get their thumbnails from the worker (portal.thumbnails).
        connect_thumbnail_signals()
        # Values read once per request: the content generation (portal.fragments).
        request_started.connect(fragments.open_request_memo, dispatch_uid="portal-memo-open")
        request_finished.connect(fragments.close_request_memo, dispatch_uid="portal-memo-close")
        for signal in (post_save, post_delete):
            signal.connect(forget_site_profile, sender=SiteProfile, dispatch_uid="site-profile")
        # SQLite's LIKE folds only ASCII: look-ups compare skeletons made in Python.
        connection_created.connect(
            lookup.register_sqlite_functions, dispatch_uid="portal-sqlite-skeleton"
        )
        search.register(NewsKind())
        post_migrate.connect(search.fill_empty_index, sender=self, dispatch_uid="search-fill")

        # Pillow refuses decompression bombs (at twice this size) wherever it opens images.
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site: the start page and the editors' preview
    (portal.backoffice)."""

    default = False
    default_site = "portal.backoffice.PortalAdminSite"
