"""Pictures for the demo events, drawn with Pillow (no files to ship, no network).

Each is a plain illustration without lettering, so that it reads the same in every
language; events/demo.py gives each one an alt text in English, Russian and Azerbaijani.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

SIZE = (1280, 720)


def _png(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def tomatoes_in_a_crate() -> ContentFile:
    """Ripe red tomatoes heaped in a wooden crate, on a warm background."""
    image = Image.new("RGB", SIZE, (246, 236, 214))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    crate_top, crate_bottom = 400, 660
    left, right = 180, width - 180
    # Tomatoes first: the crate's front covers their lower halves.
    rows = [(330, 9, 0), (270, 8, 48), (215, 6, 140)]
    for y, count, indent in rows:
        step = (right - left - 2 * indent) / count
        for index in range(count):
            x = left + indent + step * (index + 0.5)
            radius = step * 0.62
            draw.ellipse(
                (x - radius, y - radius * 0.9, x + radius, y + radius * 0.9),
                fill=(206, 38, 30),
                outline=(150, 20, 18),
                width=4,
            )
            draw.ellipse(
                (x - radius * 0.55, y - radius * 0.7, x - radius * 0.15, y - radius * 0.35),
                fill=(238, 120, 100),
            )
            leaves = [
                (x, y - radius * 0.95),
                (x - radius * 0.35, y - radius * 1.05),
                (x - radius * 0.1, y - radius * 0.8),
                (x + radius * 0.3, y - radius * 1.08),
                (x + radius * 0.12, y - radius * 0.8),
            ]
            draw.polygon(leaves, fill=(60, 130, 50))
    # The crate: three slats with gaps, and two darker posts.
    slat = (crate_bottom - crate_top) // 3
    for index in range(3):
        top = crate_top + index * slat
        draw.rectangle((left, top + 6, right, top + slat - 6), fill=(176, 124, 72))
        draw.line((left, top + slat - 8, right, top + slat - 8), fill=(140, 94, 50), width=4)
    for post in (left, right - 40):
        draw.rectangle((post, crate_top - 10, post + 40, crate_bottom), fill=(128, 84, 44))
    draw.rectangle((0, crate_bottom, width, height), fill=(214, 196, 160))
    return _png(image, "demo-tomatoes.png")


def cargo_ship() -> ContentFile:
    """A cargo ship loaded with containers on a blue sea under a pale sky."""
    image = Image.new("RGB", SIZE, (200, 226, 244))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    sea_level = 470
    draw.rectangle((0, sea_level, width, height), fill=(32, 92, 150))
    # Containers in three tiers, in the colours of real boxes.
    colours = [(196, 60, 48), (40, 110, 170), (230, 170, 40), (70, 140, 80), (220, 220, 220)]
    box_width, box_height = 70, 42
    for tier in range(3):
        for index in range(10 - tier):
            x = 290 + index * (box_width + 4) + tier * 18
            y = 380 - tier * (box_height + 4)
            colour = colours[(index * 3 + tier * 2) % len(colours)]
            draw.rectangle((x, y, x + box_width, y + box_height), fill=colour)
            draw.line((x + box_width // 2, y + 4, x + box_width // 2, y + box_height - 4),
                      fill=tuple(max(c - 40, 0) for c in colour), width=2)  # fmt: skip
    # The bridge and funnel at the stern.
    draw.rectangle((150, 300, 270, 425), fill=(245, 245, 240))
    for row in range(2):
        for column in range(3):
            x, y = 162 + column * 36, 316 + row * 40
            draw.rectangle((x, y, x + 24, y + 20), fill=(60, 80, 100))
    draw.rectangle((190, 240, 230, 300), fill=(196, 60, 48))
    # The hull, its bow raised to the right.
    hull = [(110, 425), (1100, 425), (1160, 395), (1080, 530), (170, 530)]
    draw.polygon(hull, fill=(40, 44, 52))
    draw.line((130, 445, 1120, 445), fill=(170, 40, 36), width=8)
    # Waves in front of the hull.
    for row, y in enumerate(range(510, height, 45)):
        offset = 40 if row % 2 else 0
        for x in range(-offset, width, 120):
            draw.arc((x, y, x + 120, y + 40), start=200, end=340, fill=(150, 196, 230), width=4)
    return _png(image, "demo-cargo-ship.png")
