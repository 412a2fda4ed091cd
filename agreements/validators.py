"""Checks on uploaded agreement documents: the name AND the content must be a document."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = b"%PDF-"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt
ZIP = b"PK\x03\x04"  # .docx/.xlsx/.pptx and OpenDocument
RTF = b"{\\rtf"

# extension -> (signature, a file the zip must contain or None)
DOCUMENT_TYPES = {
    "pdf": (PDF, None),
    "doc": (OLE2, None),
    "xls": (OLE2, None),
    "ppt": (OLE2, None),
    "docx": (ZIP, "[Content_Types].xml"),
    "xlsx": (ZIP, "[Content_Types].xml"),
    "pptx": (ZIP, "[Content_Types].xml"),
    "odt": (ZIP, "mimetype"),
    "ods": (ZIP, "mimetype"),
    "odp": (ZIP, "mimetype"),
    "rtf": (RTF, None),
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_document_bytes() -> int:
    return getattr(settings, "AGREEMENT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def validate_document(file) -> None:
    """Refuse anything that is not a PDF or office document, or is too large.

    The extension must be one we accept AND the first bytes must be that format's
    signature (a renamed .exe or .html is refused); office formats that are zip
    archives must also contain the file that marks them as such.
    """
    if getattr(file, "_committed", False):
        return  # already stored and checked when it was uploaded
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Only PDF and office documents can be uploaded (%(types)s)."),
            code="extension",
            params={"types": ", ".join(f".{ext}" for ext in DOCUMENT_TYPES)},
        )
    limit = max_document_bytes()
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="size",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    signature, marker = DOCUMENT_TYPES[extension]
    file.seek(0)
    head = file.read(len(signature))
    file.seek(0)
    valid = head == signature
    if valid and marker:
        try:
            with zipfile.ZipFile(file) as archive:
                valid = marker in archive.namelist()
        except zipfile.BadZipFile:
            valid = False
        file.seek(0)
    if not valid:
        raise ValidationError(
            _("The file's content is not a .%(extension)s document; it may be damaged or renamed."),
            code="content",
            params={"extension": extension},
        )
