from portal.sitemaps import I18nSitemap

from .models import Agreement


class AgreementSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Agreement.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, agreement):
        return agreement.updated_at
