"""The news section of the staff's start page (portal.backoffice): articles scheduled for
later, with their time, and drafts. For editors, who may change articles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .backoffice import Attention, Link, Section
from .models import NewsArticle
from .text import short_moment

DETAILS = 5


def news_attention(request) -> Section | None:
    if not request.user.has_perm("portal.change_newsarticle"):
        return None
    changelist = reverse("admin:portal_newsarticle_changelist")
    scheduled = NewsArticle.objects.scheduled()
    count = scheduled.count()
    drafts = NewsArticle.objects.drafts().count()
    return Section(
        title=_("News"),
        items=[
            Attention(
                key="scheduled-articles",
                label=ngettext(
                    "article scheduled for later", "articles scheduled for later", count
                ),
                count=count,
                url=f"{changelist}?publication=scheduled",
                details=[
                    Link(
                        text=_("%(title)s — scheduled for %(when)s")
                        % {"title": article, "when": short_moment(article.publish_at)},
                        url=reverse("admin:portal_newsarticle_change", args=[article.pk]),
                    )
                    for article in scheduled[:DETAILS]
                ],
            ),
            Attention(
                key="draft-articles",
                label=ngettext("draft article", "draft articles", drafts),
                count=drafts,
                url=f"{changelist}?publication=draft",
            ),
        ],
    )
