from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Site and news")

    def ready(self):
        from PIL import Image

        from .uploads import MAX_IMAGE_PIXELS

        # Pillow refuses decompression bombs (at twice this size) wherever it opens images.
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
