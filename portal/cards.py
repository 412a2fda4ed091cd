"""Link-preview cards: the picture a page shows when it is shared and has no image of its own.

A card is a 1200 × 630 PNG drawn with Pillow from the centre's name, the kind of page
("Event", "News") and the page's title (and an optional line under it, e.g. the event's date).
It is drawn once and kept in the media storage under ``cards/``, named by a hash of what it
shows and of the design's version: the same text never draws twice, on any app server that
shares the media folder, and a changed title or centre name gets a new file (old ones are
simply no longer linked). Drawing takes some 50 ms; afterwards a card costs one ``exists``.

Text is set in DejaVu Sans, which has the Cyrillic and Azerbaijani letters (ə, ğ, ı, ş): the
Debian package fonts-dejavu-core (installed by .ci/run; README, "Deploying"), or any copy
Pillow can find by name, or the folder named by PORTAL_CARD_FONT_DIR. Without it the card is
still drawn, with Pillow's own font, and a warning is logged once.

A kernel module: it imports no app.
"""

import functools
import hashlib
import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
LOGO_SIZE = 512
# Raise when the drawing changes: every card is then drawn again under a new name.
DESIGN_VERSION = "1"

BACKGROUND = (11, 79, 108)  # the site header's colour (static/css/portal.css)
ACCENT = (242, 183, 5)
TEXT = (255, 255, 255)
MUTED = (208, 226, 234)
MARGIN = 80

FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu",  # Fedora, Arch
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


@functools.cache
def font_path(weight: str) -> str | None:
    """The DejaVu Sans file of ``weight`` ("regular" or "bold"), or None when none is found."""
    name = FONT_FILES[weight]
    chosen = settings.PORTAL_CARD_FONT_DIR
    for folder in ((chosen,) if chosen else ()) + FONT_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    try:  # Pillow also looks by name in the system's font folders
        return ImageFont.truetype(name, 10).path
    except OSError:
        logger.warning(
            "No %s font found (install fonts-dejavu-core or set PORTAL_CARD_FONT_DIR): link "
            "preview cards use Pillow's own font, which lacks Cyrillic and Azerbaijani letters.",
            name,
        )
        return None


@functools.cache
def font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(weight)
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


def card_url(*, title: str, label: str = "", detail: str = "", site_name: str) -> str:
    """The URL of the card showing these texts, drawn now if it was never drawn."""
    title, label, detail, site_name = texts = tuple(map(str, (title, label, detail, site_name)))
    return _stored(
        "card",
        texts,
        lambda: draw_card(title=title, label=label, detail=detail, site_name=site_name),
    )


def logo_url(*, site_name: str) -> str:
    """A square PNG of the centre's name (the publisher's logo in structured data)."""
    site_name = str(site_name)
    return _stored("logo", (site_name,), lambda: draw_logo(site_name=site_name))


def _stored(kind: str, texts: tuple[str, ...], draw) -> str:
    digest = hashlib.sha256("\x1f".join((DESIGN_VERSION, kind, *texts)).encode()).hexdigest()
    name = f"cards/{kind}-{digest[:32]}.png"
    if not default_storage.exists(name):
        # Two requests may draw the same card at once: both write the same bytes, and a
        # storage that renames the second copy only leaves a spare file.
        saved = default_storage.save(name, ContentFile(draw()))
        if saved != name:
            default_storage.delete(saved)
    return default_storage.url(name)


def draw_card(*, title: str, label: str, detail: str, site_name: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, 24, HEIGHT), fill=ACCENT)

    top = MARGIN - 10
    # The home page's card: the centre's name is its title, not said twice.
    named = [] if title == site_name else wrap(draw, site_name, font("bold", 34), text_width)
    for line in named[:2]:
        draw.text((MARGIN, top), line, font=font("bold", 34), fill=MUTED)
        top += 44
    if label:
        label_font = font("bold", 30)
        left, _top, right, bottom = draw.textbbox((0, 0), label, font=label_font)
        box_top = top + 26
        draw.rounded_rectangle(
            (MARGIN, box_top, MARGIN + right - left + 36, box_top + bottom + 22),
            radius=10,
            fill=ACCENT,
        )
        draw.text((MARGIN + 18, box_top + 9), label, font=label_font, fill=BACKGROUND)
        top = box_top + bottom + 22

    detail_room = 70 if detail else 0
    title_font, lines = fit_title(draw, title, text_width, HEIGHT - top - MARGIN - detail_room)
    line_height = int(title_font.size * 1.2)
    y = top + 40
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += line_height
    if detail:
        detail_font = font("regular", 34)
        [line, *_rest] = wrap(draw, detail, detail_font, text_width) or [""]
        draw.text((MARGIN, HEIGHT - MARGIN - 40), line, font=detail_font, fill=MUTED)
    return _png(image)


def draw_logo(*, site_name: str) -> bytes:
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, LOGO_SIZE - 28, LOGO_SIZE, LOGO_SIZE), fill=ACCENT)
    initials = "".join(word[0] for word in site_name.split() if word[:1].isalnum())[:3].upper()
    big = font("bold", 200 if len(initials) < 3 else 150)
    left, top, right, bottom = draw.textbbox((0, 0), initials or "·", font=big)
    draw.text(
        ((LOGO_SIZE - right - left) / 2, (LOGO_SIZE - 28 - bottom - top) / 2),
        initials or "·",
        font=big,
        fill=TEXT,
    )
    return _png(image)


def fit_title(draw, title: str, width: int, height: int):
    """The largest title size from 72 px down to 40 px at which the title fits ``height``;
    at 40 px, what does not fit ends in an ellipsis."""
    for size in range(72, 39, -4):
        title_font = font("bold", size)
        lines = wrap(draw, title, title_font, width)
        if len(lines) * size * 1.2 <= height:
            return title_font, lines
    most = max(1, int(height // (title_font.size * 1.2)))
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = ellipsize(draw, lines[-1], title_font, width)
    return title_font, lines


def wrap(draw, text: str, text_font, width: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a word wider than that on its
    own is cut to fit)."""
    lines: list[str] = []
    line = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=text_font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while draw.textlength(line, font=text_font) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and draw.textlength(line[:cut], font=text_font) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def ellipsize(draw, line: str, text_font, width: int) -> str:
    while line and draw.textlength(line + "…", font=text_font) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _png(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()
