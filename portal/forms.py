from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import NewsArticle
from .uploads import clean_uploaded_image


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
        image = self.cleaned_data.get("cover_image")
        if isinstance(image, UploadedFile):  # a new upload, not the stored file or "clear"
            return clean_uploaded_image(image)
        return image
