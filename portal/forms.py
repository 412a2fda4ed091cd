from django import forms

from .languages import columns
from .lists import FilterForm, ObjectBySlugField, YearField
from .models import NewsArticle
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


class NewsFilterForm(FilterForm):
    """The news list's filter bar: a sector (by slug) and a year."""

    sector = ObjectBySlugField()
    year = YearField()

    def __init__(self, data=None, *, sectors=()):
        super().__init__(data)
        self.fields["sector"].objects = list(sectors)
