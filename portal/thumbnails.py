"""Thumbnails: list slots (news and event cards) show a small WebP, not the original upload,
and link previews (og:image) a 1200 × 630 JPEG, the size and format every sharing service reads.

A thumbnail is made on first use from the stored image and kept next to the uploads under
``thumbnails/<size>/`` (same name, .webp or .jpg), so it is made once per image and size and
shared by every app server that shares the media folder. Uploads get new generated names, so a
replaced image never shows an old thumbnail. If the original cannot be read, the original URL
is used.
"""

import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

# name -> (width, height): cards are 16:9, at most ~400 CSS px wide, sharp on 1.5x screens;
# "share" is the link preview's.
SIZES = {"card": (640, 360), "share": (1200, 630)}
FORMATS = {"card": "WEBP", "share": "JPEG"}
SUFFIXES = {"WEBP": ".webp", "JPEG": ".jpg"}


def thumbnail_name(name: str, size: str) -> str:
    return str(PurePosixPath("thumbnails", size, name).with_suffix(SUFFIXES[FORMATS[size]]))


def thumbnail_url(image, size: str = "card") -> str:
    """URL of ``image``'s thumbnail (an ImageFieldFile), made now if it does not exist."""
    if not image:
        return ""
    storage = image.storage
    name = thumbnail_name(image.name, size)
    if not storage.exists(name):
        try:
            storage.save(name, ContentFile(make_thumbnail(image, SIZES[size], FORMATS[size])))
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            logger.warning("No thumbnail for %s: %s", image.name, error)
            return image.url
    return storage.url(name)


def make_thumbnail(image, box: tuple[int, int], fmt: str = "WEBP") -> bytes:
    """The image cropped to the box's proportions and scaled to it, as WebP or JPEG."""
    with image.open("rb") as source, Image.open(source) as picture:
        picture = ImageOps.exif_transpose(picture)
        if fmt == "JPEG":  # no transparency: flatten onto white
            picture = flattened(picture)
        elif picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        fitted = ImageOps.fit(picture, box, method=Image.Resampling.LANCZOS)
        output = io.BytesIO()
        if fmt == "JPEG":
            fitted.save(output, "JPEG", quality=85, optimize=True)
        else:
            fitted.save(output, "WEBP", quality=80, method=4)
    return output.getvalue()


def flattened(picture: Image.Image) -> Image.Image:
    if "A" not in picture.getbands() and picture.mode != "P":
        return picture.convert("RGB")
    rgba = picture.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
