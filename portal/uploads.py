"""Uploaded images: checked and re-encoded before they are stored.

Use ``clean_uploaded_image`` from a form's ``clean_<field>()`` (see portal.forms) for every
image staff or visitors upload. Re-encoding keeps only the pixels, so whatever else the file
carried — HTML or script appended after the image data, EXIF metadata such as GPS position —
does not reach the disk. Files are stored under generated names by the model's ``upload_to``.
"""

import io
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Pillow format -> stored extension. No SVG (it is a document that can carry script), no
# GIF/TIFF/BMP: the three formats browsers show everywhere are enough for photos and logos.
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}

# Errors Pillow raises for files that are not what they claim to be.
_BROKEN_IMAGE = (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError)


def clean_uploaded_image(
    upload, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> ContentFile:
    """Return a freshly encoded copy of an uploaded JPEG, PNG or WebP image.

    Refuses (ValidationError) files over ``max_bytes``, images over ``max_pixels``, SVG and any
    other format, and files Pillow cannot decode. The copy has the same format, orientation
    applied and no metadata; its name ends with the extension of its real format.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="image_too_large",
            params={"size": round(upload.size / 2**20, 1), "limit": max_bytes // 2**20},
        )
    name = PurePath(getattr(upload, "name", "") or "image").stem or "image"
    if PurePath(getattr(upload, "name", "") or "").suffix.lower() in {".svg", ".svgz"}:
        raise _unsupported()
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Between the limit and twice the limit Pillow only warns; we refuse below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
        with image:
            if image.format not in IMAGE_FORMATS:
                raise _unsupported()
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _(
                        "The image is %(width)s × %(height)s pixels; the limit is "
                        "%(limit)s megapixels."
                    ),
                    code="image_too_many_pixels",
                    params={"width": width, "height": height, "limit": max_pixels // 10**6},
                )
            image_format = image.format
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
            pixels = ImageOps.exif_transpose(image)
            data = _encode(pixels, image_format)
    except ValidationError:
        raise
    except _BROKEN_IMAGE as error:
        raise ValidationError(
            _("This file is not a valid image or is damaged."), code="invalid_image"
        ) from error
    finally:
        upload.seek(0)
    return ContentFile(data, name=f"{name}{IMAGE_FORMATS[image_format]}")


def _unsupported() -> ValidationError:
    return ValidationError(
        _("Upload a JPEG, PNG or WebP image; other formats, SVG included, are not accepted."),
        code="image_format",
    )


def _encode(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=88, optimize=True, progressive=True)
    elif image_format == "PNG":
        if image.mode not in {"RGB", "RGBA", "L", "LA", "P", "1"}:
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True)
    else:
        if image.mode not in {"RGB", "RGBA"}:
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(output, "WEBP", quality=85)
    return output.getvalue()


def clean_image_field(value):
    """For a form's clean_<image field>(): re-encode a new upload; keep a stored file or a
    cleared field as it is."""
    if isinstance(value, UploadedFile):
        return clean_uploaded_image(value)
    return value
