from django import forms

from .languages import columns
from .lists import FilterForm, ObjectBySlugField, YearField
from .models import NewsArticle, SiteProfile
from .uploads import KeepUploadsMixin, clean_image_field


class NewsArticleAdminForm(KeepUploadsMixin, forms.ModelForm):
    """The admin's article form; a new cover image is checked and re-encoded before saving,
    and kept when another field fails."""

    kept_image_fields = ("cover_image",)

    class Meta:
        model = NewsArticle
        fields = [
            "slug",
            *columns("title", "lead", "body", "cover_alt", "cover_caption", "source_name"),
            "cover_image",
            "byline",
            "source_url",
            "status",
            "publish_at",
            "is_featured",
            "sectors",
        ]

    def clean_cover_image(self):
        return clean_image_field(self.cleaned_data.get("cover_image"))


class SiteProfileAdminForm(KeepUploadsMixin, forms.ModelForm):
    """The site profile's form: the logo and the sharing image are checked and re-encoded
    like every upload (no SVG), and kept when another field fails."""

    kept_image_fields = ("logo", "share_image")

    class Meta:
        model = SiteProfile
        fields = [
            *columns("name", "tagline", "intro", "address", "share_image_alt"),
            "logo",
            "logo_shows_name",
            "share_image",
            "phone",
            "email",
        ]

    def clean_logo(self):
        return clean_image_field(self.cleaned_data.get("logo"))

    def clean_share_image(self):
        return clean_image_field(self.cleaned_data.get("share_image"))


class NewsFilterForm(FilterForm):
    """The news list's filter bar: a sector (by slug) and a year."""

    sector = ObjectBySlugField()
    year = YearField()

    def __init__(self, data=None, *, sectors=()):
        super().__init__(data)
        self.fields["sector"].objects = list(sectors)
