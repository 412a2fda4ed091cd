from django.db import models


class Item(models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        app_label = "minimal"
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title
