from django import forms

from .models import NewsArticle
from .uploads import clean_image_field


class NewsArticleAdminForm(forms.ModelForm):
    """The admin's article form; a new cover image is checked and re-encoded before saving."""

    class Meta:
        model = NewsArticle
        fields = [
            "title",
            "slug",
            "lead",
            "body",
            "language",
            "cover_image",
            "cover_alt",
            "cover_caption",
            "byline",
            "source_name",
            "source_url",
            "status",
            "publish_at",
            "is_featured",
            "sectors",
        ]

    def clean_cover_image(self):
        return clean_image_field(self.cleaned_data.get("cover_image"))
