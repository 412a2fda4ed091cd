"""Screenshots of the public pages for docs/design.md and the README.

Needs a running site with the demo content (``make run``) and Debian's Chromium:

    .venv/bin/python docs/take_screenshots.py http://127.0.0.1:8000 docs/design after

writes ``after-<page>.png`` files: the first screen at 1280 × 800 and at 360 × 740 (a phone),
in the languages listed below. PNGs are reduced to 256 colours to keep the repository light.
The README's pictures: ``docs/take_screenshots.py http://127.0.0.1:8000 docs/screenshots readme``.
"""

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
EVENT = "events/demo-caspian-trade-and-logistics-forum/"
AGREEMENT = "agreements/action-program-2022/"
# name: (path under /<language>/, language, viewport, whole page?)
SHOTS = {
    "home-desktop": ("", "en", DESKTOP, True),
    "home-ru-phone": ("", "ru", PHONE, False),
    "event-desktop": (EVENT, "en", DESKTOP, False),
    "event-az-phone": (EVENT, "az", PHONE, False),
    "events-phone": ("events/", "en", PHONE, False),
    "agreement-ru-phone": (AGREEMENT, "ru", PHONE, False),
    "overview-phone": ("agreements/overview/", "en", PHONE, False),
    "news-desktop": ("news/", "en", DESKTOP, False),
}
README_SHOTS = {
    "home": ("", "en", DESKTOP, True),
    "home-ru-phone": ("", "ru", PHONE, True),
    "event-az-phone": (EVENT, "az", PHONE, False),
}
# Pages shown after an action: the registration form sent empty.
FORM_ERRORS = {"register-errors-az-phone": (EVENT + "register/", "az", PHONE)}


def save(png: bytes, path: Path) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(base_url: str, folder: str, prefix: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        readme = prefix == "readme"
        for name, (path, language, viewport, full_page) in (
            README_SHOTS if readme else SHOTS
        ).items():
            page = browser.new_page(viewport=viewport)
            page.goto(f"{base_url}/{language}/{path}")
            file_name = f"{name}.png" if readme else f"{prefix}-{name}.png"
            save(page.screenshot(full_page=full_page), out / file_name)
            page.close()
        if readme:
            return
        for name, (path, language, viewport) in FORM_ERRORS.items():
            page = browser.new_page(viewport=viewport)
            page.goto(f"{base_url}/{language}/{path}")
            page.locator("main form button[type=submit]").last.click()
            page.wait_for_load_state()
            save(page.screenshot(), out / f"{prefix}-{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
