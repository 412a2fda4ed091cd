"""Uploaded images are checked and re-encoded (portal.uploads), also through the admin form."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from events.forms import EventAdminForm
from portal.models import NewsArticle, SiteProfile
from portal.uploads import MAX_IMAGE_PIXELS, clean_uploaded_image
from tests.factories import EventFactory, NewsArticleFactory

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(image_format="PNG", size=(64, 48), mode="RGB", **save) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, "teal").save(output, image_format, **save)
    return output.getvalue()


def upload(name, content) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "image_format, extension", [("PNG", ".png"), ("JPEG", ".jpg"), ("WEBP", ".webp")]
)
def test_accepted_formats_are_re_encoded_under_their_real_extension(image_format, extension):
    # The name lies about the format: the stored name follows the content.
    cleaned = clean_uploaded_image(upload("photo.gif", image_bytes(image_format)))
    assert cleaned.name == f"photo{extension}"
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.format == image_format
        assert image.size == (64, 48)


def test_html_appended_to_a_png_does_not_survive():
    polyglot = image_bytes("PNG") + HTML
    with Image.open(io.BytesIO(polyglot)) as image:
        image.load()  # Pillow reads the polyglot as a valid PNG...
    cleaned = clean_uploaded_image(upload("cover.png", polyglot)).read()
    assert b"<script" not in cleaned and b"<html" not in cleaned  # ...we keep only pixels
    assert cleaned.endswith(b"IEND\xaeB`\x82")


def test_exif_metadata_such_as_gps_position_is_dropped():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {2: (46.0, 21.0, 0.0)}  # GPS latitude
    original = image_bytes("JPEG", exif=exif.tobytes())
    assert b"CameraMaker" in original
    cleaned = clean_uploaded_image(upload("photo.jpg", original)).read()
    assert b"CameraMaker" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert not image.getexif()


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # SVG content under an image name
        ("page.png", HTML),
        ("anim.gif", image_bytes("GIF")),
        ("scan.tiff", image_bytes("TIFF")),
        ("broken.png", image_bytes("PNG")[:60]),  # truncated
        ("empty.png", b""),
    ],
)
def test_other_files_are_refused(name, content):
    with pytest.raises(ValidationError) as error:
        clean_uploaded_image(upload(name, content))
    assert error.value.code in {"image_format", "invalid_image"}


def test_files_over_the_size_limit_are_refused_before_decoding():
    content = image_bytes("PNG")
    with pytest.raises(ValidationError) as error:
        clean_uploaded_image(upload("big.png", content), max_bytes=len(content) - 1)
    assert error.value.code == "image_too_large"
    big = upload("big.png", b"\0" * (10 * 2**20 + 1))  # the real default: 10 MB
    with pytest.raises(ValidationError, match="the limit is 10 MB"):
        clean_uploaded_image(big)


def test_images_over_the_pixel_limit_are_refused():
    # A small file (1-bit, one colour) that decodes to 48 megapixels.
    content = image_bytes("PNG", size=(8000, 6000), mode="1")
    assert len(content) < 200_000 and MAX_IMAGE_PIXELS < 8000 * 6000
    with pytest.raises(ValidationError) as error:
        clean_uploaded_image(upload("bomb.png", content))
    assert error.value.code == "image_too_many_pixels"
    assert "40 megapixels" in str(error.value.messages)


def test_pillow_refuses_decompression_bombs_everywhere():
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS  # set by PortalConfig.ready()


# --- Through the admin ----------------------------------------------------------------------


def change_form_data(article, **changes):
    data = {
        "title_en": article.title, "slug": article.slug, "lead_en": article.lead,
        "body_en": article.body, "status": article.status,
        "publish_at_0": article.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": article.publish_at.strftime("%H:%M:%S"),
        "cover_alt_en": "The signing ceremony",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.django_db
def test_admin_stores_a_re_encoded_cover_under_a_generated_name(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = NewsArticleFactory()
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    data = change_form_data(article, cover_image=upload("cover.png", image_bytes("PNG") + HTML))
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    article.refresh_from_db()
    stored = article.cover_image
    assert stored.name.startswith("news/") and stored.name.endswith(".png")
    assert "cover" not in stored.name  # a generated name, not the uploaded one
    assert b"<script" not in (tmp_path / stored.name).read_bytes()
    # Saving again without a new file keeps the stored image.
    assert staff_client.post(url, change_form_data(article)).status_code == 302
    article.refresh_from_db()
    assert article.cover_image.name == stored.name


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Django's own check
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("logo.svg", SVG, "Upload a valid image"),
        ("logo.png", SVG, "Upload a valid image"),
        ("bomb.png", image_bytes("PNG", size=(8000, 6000), mode="1"), "40 megapixels"),
    ],
)
def test_admin_refuses_bad_covers_with_a_message(staff_client, settings, tmp_path, name, content,
                                                 message):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    article = NewsArticleFactory()
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    response = staff_client.post(url, change_form_data(article, cover_image=upload(name, content)))
    assert response.status_code == 200
    assert message in response.content.decode()
    article.refresh_from_db()
    assert not article.cover_image
    assert not list(tmp_path.rglob("*.*"))
    assert NewsArticle.objects.count() == 1


@pytest.mark.django_db
def test_event_images_get_the_same_re_encoding(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory()
    data = {**model_to_dict(event), "image_alt_en": "The hall"}
    data = {key: value for key, value in data.items() if value is not None and key != "image"}
    form = EventAdminForm(
        data=data, files={"image": upload("hall.png", image_bytes("PNG") + HTML)}, instance=event
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    assert b"<script" not in (tmp_path / saved.image.name).read_bytes()
    refused = EventAdminForm(data=data, files={"image": upload("x.svg", SVG)}, instance=event)
    assert not refused.is_valid() and "image" in refused.errors


@pytest.mark.django_db
def test_a_chosen_cover_survives_another_fields_error(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = NewsArticleFactory()
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    chosen = upload("harbour.png", image_bytes("PNG") + HTML)
    response = staff_client.post(
        url, change_form_data(article, cover_alt_en="", cover_image=chosen)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Describe the cover image" in html
    assert "Kept from your last try: harbour.png." in html
    token = re.search(r'name="cover_image-kept" value="([^"]+)"', html).group(1)
    [kept] = (tmp_path / "kept-uploads").iterdir()
    kept_bytes = kept.read_bytes()
    assert b"<script" not in kept_bytes  # kept re-encoded, as it will be stored

    # A forged token brings nothing back.
    forged = change_form_data(article, **{"cover_image-kept": token[:-2] + "xx"})
    assert staff_client.post(url, forged).status_code == 302
    article.refresh_from_db()
    assert not article.cover_image

    # The next submission, with the alt text and no new file, saves the kept image.
    response = staff_client.post(url, change_form_data(article, **{"cover_image-kept": token}))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.cover_image.name.startswith("news/")
    assert (tmp_path / article.cover_image.name).read_bytes() == kept_bytes
    assert not kept.exists()  # used once, then removed

    # Ticking "clear" wins over a kept image.
    again = change_form_data(article, **{"cover_image-kept": token, "cover_image-clear": "on"})
    staff_client.post(url, again)
    article.refresh_from_db()
    assert not article.cover_image


@pytest.mark.django_db
def test_the_event_form_keeps_its_image_too(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = EventFactory()
    data = {**model_to_dict(event), "image_alt_en": ""}  # an image needs its description
    data = {key: value for key, value in data.items() if value is not None and key != "image"}
    form = EventAdminForm(
        data=data, files={"image": upload("hall.png", image_bytes())}, instance=event
    )
    assert not form.is_valid() and "image_alt_en" in form.errors
    token, shown = form.fields["image"].widget.kept
    assert shown == "hall.png" and f'name="image-kept" value="{token}"' in str(form["image"])
    again = EventAdminForm(data={**data, "image_alt_en": "The hall", "image-kept": token},
                           instance=event)  # fmt: skip
    assert again.is_valid(), again.errors
    assert again.save().image.name.startswith("events/")


@pytest.mark.django_db
def test_site_profile_logo_and_sharing_image_through_the_admin(staff_client, settings, tmp_path):
    """Re-encoded under generated names like every upload; SVG refused; the sharing image
    needs its description, and a good logo is kept while that is fixed."""
    settings.MEDIA_ROOT = tmp_path
    profile = SiteProfile.objects.create(name_en="Centre")
    url = reverse("admin:portal_siteprofile_change", args=[profile.pk])
    data = {"name_en": "Centre", "logo_shows_name": "on"}

    response = staff_client.post(url, {**data, "logo": upload("logo.svg", SVG)})
    assert response.status_code == 200 and "Upload a valid image" in response.content.decode()

    response = staff_client.post(
        url,
        {
            **data,
            "logo": upload("logo.png", image_bytes("PNG") + HTML),
            "share_image": upload("card.jpg", image_bytes("JPEG", size=(120, 63))),
        },
    )
    assert response.status_code == 200  # the sharing image has no description yet
    assert "Describe the sharing image" in response.content.decode()
    kept = re.search(r'name="logo-kept" value="([^"]+)"', response.content.decode()).group(1)

    response = staff_client.post(
        url,
        {
            **data,
            "logo-kept": kept,
            "share_image": upload("card.jpg", image_bytes("JPEG", size=(120, 63))),
            "share_image_alt_en": "The centre's hall",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    profile.refresh_from_db()
    logo, share = profile.logo.name, profile.share_image.name
    assert logo.startswith("site/") and logo.endswith(".png") and "logo" not in logo
    assert share.startswith("site/") and share.endswith(".jpg")
    assert b"<script" not in (tmp_path / profile.logo.name).read_bytes()
    assert profile.logo_shows_name
