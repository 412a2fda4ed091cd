"""Thumbnails: list slots (news and event cards) show a small WebP, not the original upload,
and link previews (og:image) a 1200 × 630 JPEG, the size and format every sharing service reads.

Thumbnails are made when an image is uploaded: saving a news article, an event or the site
profile with a new image enqueues ``make_thumbnails`` for the worker (after commit), so that
page views find them made. A page viewed before the worker got to it makes the one it needs
itself. They are kept next to the uploads under ``thumbnails/<size>/`` (same name, .webp or
.jpg), once per image and size, shared by every app server that shares the media folder.
Uploads get new generated names, so a replaced image never shows an old thumbnail. If the
original cannot be read, the original URL is used.

A kernel module: the models it serves are named by label (``THUMBNAILED``), not imported.
"""

import io
import logging
from functools import partial
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

# name -> (width, height): cards are 16:9, at most ~400 CSS px wide, sharp on 1.5x screens;
# "share" is the link preview's.
SIZES = {"card": (640, 360), "share": (1200, 630)}
FORMATS = {"card": "WEBP", "share": "JPEG"}
SUFFIXES = {"WEBP": ".webp", "JPEG": ".jpg"}

# The uploads that have thumbnails, and which: model label -> image field -> sizes.
THUMBNAILED = {
    "portal.NewsArticle": {"cover_image": ("card", "share")},
    "events.Event": {"image": ("card", "share")},
    "portal.SiteProfile": {"share_image": ("share",)},
}


def thumbnail_name(name: str, size: str) -> str:
    return str(PurePosixPath("thumbnails", size, name).with_suffix(SUFFIXES[FORMATS[size]]))


def thumbnail_url(image, size: str = "card") -> str:
    """URL of ``image``'s thumbnail (an ImageFieldFile), made now if it does not exist yet."""
    if not image:
        return ""
    if not _ensure_thumbnail(image.storage, image.name, size):
        return image.url
    return image.storage.url(thumbnail_name(image.name, size))


def _ensure_thumbnail(storage, name: str, size: str) -> bool:
    """Make the thumbnail unless it exists; False when the original cannot be read."""
    target = thumbnail_name(name, size)
    if storage.exists(target):
        return True
    try:
        with storage.open(name, "rb") as source:
            made = make_thumbnail(source, SIZES[size], FORMATS[size])
        storage.save(target, ContentFile(made))
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        logger.warning("No thumbnail for %s: %s", name, error)
        return False
    return True


@task
def make_thumbnails(name: str, sizes: list[str]) -> int:
    """The worker's task: the thumbnails of one uploaded image; how many exist afterwards."""
    return sum(_ensure_thumbnail(default_storage, name, size) for size in sizes)


def schedule_thumbnails(sender, instance, raw=False, **kwargs) -> None:
    """post_save receiver for THUMBNAILED models: after commit, enqueue the thumbnails of
    each image that does not have them yet (a new upload). An enqueue that fails is logged:
    the page view makes the thumbnail instead."""
    if raw:  # loaddata
        return
    for field, sizes in THUMBNAILED.get(sender._meta.label, {}).items():
        image = getattr(instance, field)
        if not image or image.storage is not default_storage:
            continue
        missing = [
            size for size in sizes if not image.storage.exists(thumbnail_name(image.name, size))
        ]
        if missing:
            transaction.on_commit(
                partial(make_thumbnails.enqueue, image.name, missing), robust=True
            )


def connect_thumbnail_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    for label in THUMBNAILED:
        post_save.connect(
            schedule_thumbnails, sender=apps.get_model(label), dispatch_uid=f"thumbnails-{label}"
        )


def make_thumbnail(source, box: tuple[int, int], fmt: str = "WEBP") -> bytes:
    """The image (an open file) cropped to the box's proportions and scaled to it, as WebP
    or JPEG."""
    with Image.open(source) as picture:
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
