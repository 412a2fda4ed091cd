"""Uploaded images: checked and re-encoded before they are stored.

Use ``clean_uploaded_image`` from a form's ``clean_<field>()`` (see portal.forms) for every
image staff or visitors upload. Re-encoding keeps only the pixels, so whatever else the file
carried — HTML or script appended after the image data, EXIF metadata such as GPS position —
does not reach the disk. Files are stored under generated names by the model's ``upload_to``.
"""

import datetime
import io
import uuid
import warnings
from pathlib import PurePath

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html
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


# ---- keeping a good image when another field of the form fails ----
#
# A browser never sends a chosen file twice: when the form comes back with an error (an
# image without its alt text, say), the image would have to be chosen again. Instead the
# re-encoded image waits in the storage under a generated name, and a signed token in a
# hidden field brings it back with the next submission (for a day; older ones are removed).

KEPT_SALT = "portal.uploads.kept"
KEPT_PREFIX = "kept-uploads/"
KEPT_MAX_AGE = datetime.timedelta(days=1)


def keep_upload(content: ContentFile) -> str:
    """Store a checked, re-encoded image until the form is sent again; a signed token."""
    forget_old_uploads()
    suffix = PurePath(content.name or "").suffix.lower()[:6]
    name = default_storage.save(f"{KEPT_PREFIX}{uuid.uuid4().hex}{suffix}", content)
    return signing.dumps({"name": name, "shown": content.name}, salt=KEPT_SALT)


def kept_upload(token: str) -> ContentFile | None:
    """The image a token stands for, or None (forged, expired or already used)."""
    try:
        data = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
        name = data["name"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not name.startswith(KEPT_PREFIX) or ".." in name:
        return None
    try:
        with default_storage.open(name) as stored:
            content = ContentFile(stored.read(), name=data.get("shown") or PurePath(name).name)
    except OSError:
        return None
    content.kept_token = token
    return content


def forget_upload(token: str) -> None:
    try:
        name = signing.loads(token, salt=KEPT_SALT)["name"]
    except (signing.BadSignature, KeyError, TypeError):
        return
    if name.startswith(KEPT_PREFIX):
        default_storage.delete(name)


def forget_old_uploads() -> None:
    """Remove kept images nobody came back for."""
    try:
        _dirs, files = default_storage.listdir(KEPT_PREFIX)
    except (OSError, NotImplementedError):
        return
    oldest = timezone.now() - KEPT_MAX_AGE
    for file in files:
        name = KEPT_PREFIX + file
        try:
            if default_storage.get_modified_time(name) < oldest:
                default_storage.delete(name)
        except (OSError, NotImplementedError):
            continue


class KeepingImageInput(AdminFileWidget):
    """The admin's file input, plus the image kept from the last submission (if any)."""

    kept: tuple[str, str] | None = None  # (token, file name), set by KeepUploadsMixin

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if value is None and data.get(f"{name}-kept"):  # nothing new chosen, nothing cleared
            return kept_upload(data[f"{name}-kept"])
        return value

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept:
            return html
        token, shown = self.kept
        note = _("Kept from your last try: %(name)s. It is saved with the form; choose another "
                 "file to replace it.") % {"name": shown}  # fmt: skip
        return format_html(
            '{}<input type="hidden" name="{}-kept" value="{}"><p class="kept-upload">{}</p>',
            html,
            name,
            token,
            note,
        )


class KeepUploadsMixin:
    """For a ModelForm: the image fields in ``kept_image_fields`` survive a failed
    validation of another field (see keep_upload)."""

    kept_image_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.kept_image_fields:
            if name in self.fields:
                self.fields[name].widget = KeepingImageInput()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        for name in self.kept_image_fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, ContentFile) and name not in self._errors:
                token = getattr(value, "kept_token", None) or keep_upload(value)
                value.kept_token = token
                self.fields[name].widget.kept = (token, value.name)

    def save(self, commit=True):
        instance = super().save(commit)
        for name in self.kept_image_fields:
            token = getattr(self.cleaned_data.get(name), "kept_token", None)
            if token:  # the image is in memory (and being saved): the kept copy can go
                forget_upload(token)
        return instance
