"""The look's rules that a unit test can hold: the palette's contrast (read from the CSS
itself), the wordmark's initials, the card visuals' tones, the site profile's identity."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.languages import column
from portal.models import SiteProfile
from portal.templatetags.portal import TONES, tone

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css"

# (text colour, background, at least): every pairing the pages use. 4.5:1 is WCAG AA for
# body text; 3:1 for the large figures and the wordmark's bar on the header (non-text).
PAIRS = [
    ("--ink", "--paper", 4.5),
    ("--ink", "--surface", 4.5),
    ("--ink-muted", "--paper", 4.5),
    ("--ink-muted", "--surface", 4.5),
    ("--brand", "--paper", 4.5),  # links and buttons' text on white
    ("--brand", "--surface", 4.5),
    ("--brand-dark", "--surface-strong", 4.5),  # sector badges
    ("--accent", "--paper", 4.5),  # eyebrows, labels
    ("--on-dark", "--brand", 4.5),  # header, primary buttons
    ("--on-dark", "--brand-dark", 4.5),
    ("--on-dark", "--brand-deep", 4.5),  # hero
    ("--on-dark-muted", "--brand-deep", 4.5),  # hero introduction
    ("--gold", "--brand-deep", 4.5),  # hero eyebrow
    ("--brand-deep", "--gold", 4.5),  # the hero's main button
    ("--gold", "--brand", 3.0),  # the wordmark's bar, the current section's underline
    ("--on-footer", "--footer", 4.5),
    ("--on-footer-link", "--footer", 4.5),
    ("--on-dark", "--success", 4.5),
    ("--on-dark", "--warning", 4.5),
    ("--on-dark", "--danger", 4.5),
    ("--danger", "--paper", 4.5),  # error messages, the error summary's links
    *[("--on-dark", f"--tone-{n}", 4.5) for n in range(1, TONES + 1)],
]


def palette() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\b", root))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background", "minimum"), PAIRS)
def test_palette_meets_wcag_aa(text, background, minimum):
    colours = palette()
    ratio = contrast(colours[text], colours[background])
    assert ratio >= minimum, f"{text} on {background}: {ratio:.2f}:1"


def test_every_tone_of_the_card_visuals_is_defined_and_styled():
    css = CSS.read_text()
    for n in range(1, TONES + 1):
        assert f"--tone-{n}:" in css and f".tone-{n} {{" in css
    assert {tone(key) for key in ["forum", "seminar", "b2b", "agriculture", "", None]} <= set(
        range(1, TONES + 1)
    )
    assert tone("forum") == tone("forum")  # the same kind keeps its colour


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Astrakhan Business Center", "ABC"),
        ("Астраханский деловой центр", "АДЦ"),
        ("Həştərxan Biznes Mərkəzi", "HBM"),
        ("Business Centre «Caspian» — Baku 2021", "BCC"),  # punctuation and digits skipped
        ("", "·"),
    ],
)
def test_wordmark_initials(name, initials):
    assert SiteProfile(name=name).initials == initials


@pytest.mark.django_db
def test_sharing_image_needs_its_description():
    profile = SiteProfile(name_en="Centre")
    profile.share_image = SimpleUploadedFile("card.png", b"x")
    with pytest.raises(ValidationError) as error:
        profile.clean()
    assert column("share_image_alt", "en") in error.value.message_dict
    profile.share_image_alt_en = "The centre's building on the Caspian shore"
    profile.clean()


@pytest.mark.django_db
def test_header_shows_the_wordmark_then_the_uploaded_logo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = SiteProfile.objects.create(
        name_en="Astrakhan Business Center", name_ru="Астраханский деловой центр"
    )
    html = client.get("/ru/").content.decode()
    assert '<span class="brand-mark" aria-hidden="true">АДЦ</span>' in html
    assert '<span class="brand-name">Астраханский деловой центр</span>' in html

    profile.logo.save("logo.png", SimpleUploadedFile("logo.png", b"png"), save=False)
    profile.logo_shows_name = True
    profile.save()
    html = client.get("/ru/").content.decode()
    header = html.split('<header class="site-header"')[1].split("</header>")[0]
    assert "brand-mark" not in header and "brand-name" not in header
    assert f'<img src="{profile.logo.url}" alt="Астраханский деловой центр"' in header
