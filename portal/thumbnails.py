"""Thumbnails: list slots (news and event cards) show a small WebP, not the original upload.

A thumbnail is made on first use from the stored image and kept next to the uploads under
``thumbnails/<size>/`` (same name, .webp), so it is made once per image and size and shared by
every app server that shares the media folder. Uploads get new generated names, so a replaced
image never shows an old thumbnail. If the original cannot be read, the original URL is used.
"""

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

# name -> (width, height): cards are 16:9, at most ~400 CSS px wide, sharp on 1.5x screens.
SIZES = {"card": (640, 360)}


def thumbnail_name(name: str, size: str) -> str:
    return str(PurePosixPath("thumbnails", size, name).with_suffix(".webp"))


def thumbnail_url(image, size: str = "card") -> str:
    """URL of ``image``'s thumbnail (an ImageFieldFile), made now if it does not exist."""
    if not image:
        return ""
    storage = image.storage
    name = thumbnail_name(image.name, size)
    if not storage.exists(name):
        try:
            storage.save(name, ContentFile(make_thumbnail(image, SIZES[size])))
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            logger.warning("No thumbnail for %s: %s", image.name, error)
            return image.url
    return storage.url(name)


def make_thumbnail(image, box: tuple[int, int]) -> bytes:
    """The image cropped to the box's proportions and scaled down to it, as WebP."""
    with image.open("rb") as source, Image.open(source) as picture:
        picture = ImageOps.exif_transpose(picture)
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        fitted = ImageOps.fit(picture, box, method=Image.Resampling.LANCZOS)
        output = io.BytesIO()
        fitted.save(output, "WEBP", quality=80, method=4)
    return output.getvalue()
