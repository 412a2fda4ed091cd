"""Ticket codes and their QR images.

A confirmed registration's ticket is a short code that staff scan or type at the door. The
code uses 25 letters and digits with no look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), so that a
code read aloud or typed from a phone screen comes out right; eight of them give about 37 bits,
far more than anyone could guess at a door where staff scan one ticket at a time (the check-in
page is for staff only). The QR code carries the code itself, nothing else.
"""

import base64
import io
import re
import secrets

import segno

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 8

_NOT_CODE = re.compile(r"[^0-9A-Z]")


def new_ticket_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """The code in what someone typed or a scanner read: upper case, spaces and dashes gone
    ("acdf-ghjk " → "ACDFGHJK"). Not checked against the alphabet: a wrong code is simply
    not found."""
    return _NOT_CODE.sub("", (text or "").upper())[: LENGTH * 2]


def display(code: str) -> str:
    """The code as people read it: two groups of four ("ACDF-GHJK")."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


def qr_png(code: str, *, scale: int = 8) -> bytes:
    """A PNG of the code's QR image (black on white, with the quiet zone scanners need)."""
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(code: str, *, scale: int = 6) -> str:
    """The QR image as an SVG document (for pages: sharp at any size, no request)."""
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode()


def qr_data_uri(code: str) -> str:
    """The PNG as a data: address, for an <img> on a page (the CSP allows data: images)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(code)).decode()
