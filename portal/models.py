"""The site itself: sectors, key figures, editable pages, the site profile and news."""

import re
import uuid
from pathlib import PurePath

from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import MultilingualModel, active_language, column
from .text import FORMATTING_HELP

SITE_PROFILE_CACHE_KEY = "portal:site-profile"


class Sector(MultilingualModel, models.Model):
    """The shared taxonomy used by news, agreements, measures and events."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_("The end of the sector's filter links; letters, digits and hyphens."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name or ""

    @classmethod
    def filter_choices(cls) -> list["Sector"]:
        """Every sector in its order, for the lists' filter bars: read once per content
        generation and language (sectors in one position are ordered by their name in it)."""
        from .pagecache import remember

        return remember(f"sectors:{active_language()}", lambda: list(cls.objects.all()))


class KeyFigure(MultilingualModel, models.Model):
    """A number shown on the home page, e.g. "$2.6 billion — trade turnover in 2020"."""

    value = models.CharField(
        _("value"),
        max_length=40,
        help_text=_('As it should appear, e.g. "$2.6 billion" or "230+".'),
    )
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_visible = models.BooleanField(_("shown on the home page"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")

    def __str__(self) -> str:
        return f"{self.value} — {self.label}"


# The editable page that holds the privacy policy; the registration form links to it.
PRIVACY_PAGE_SLUG = "privacy"


class Page(MultilingualModel, models.Model):
    """An editable page such as About or Contacts, written in Markdown."""

    slug = models.SlugField(
        _("web address"),
        unique=True,
        help_text=_(
            'The end of the page\'s web address; "about" and "contacts" are linked from the '
            "navigation."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=FORMATTING_HELP,
    )
    version = models.CharField(
        _("version"),
        max_length=40,
        blank=True,
        help_text=_(
            'For the privacy policy: change it (e.g. "2026-02") whenever the text changes '
            "in substance. Each registration records the version its registrant agreed to."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:page", kwargs={"slug": self.slug})

    @classmethod
    def privacy_policy_version(cls) -> str:
        """The version of the privacy policy in force ("" when the page has none); read once
        per content generation (saving a page starts a new one: portal.pagecache), since
        every registration form and submission needs it."""
        from .pagecache import remember

        def read() -> str:
            versions = cls.objects.filter(slug=PRIVACY_PAGE_SLUG).values_list("version", flat=True)
            return versions.first() or ""

        return remember("privacy-policy-version", read)


def require_image_description(instance, image_field: str, alt_field: str, message) -> None:
    """An uploaded image needs its text alternative (in the language being edited): the
    error is keyed to that language's column, which the admin form has (it has no bare
    ``alt_field``)."""
    if getattr(instance, image_field) and not (getattr(instance, alt_field) or "").strip():
        raise ValidationError({column(alt_field, active_language()): message})


def identity_upload_to(instance: "SiteProfile", filename: str) -> str:
    # Generated names: a replaced logo never shows from a browser's or proxy's old copy.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"site/{uuid.uuid4().hex}{suffix}"


class SiteProfile(MultilingualModel, models.Model):
    """The centre's name, introduction, contacts and identity (one row; shown on every page).

    Without a logo, the header shows a wordmark made from the name (its initials in a
    square, then the name); a logo that already spells the name replaces both."""

    name = models.CharField(_("centre name"), max_length=200)
    tagline = models.CharField(
        _("headline"),
        max_length=160,
        blank=True,
        help_text=_(
            "The home page's headline: what the centre is for, in one line (e.g. "
            '"Trade and investment between two regions"). The centre\'s name is shown above '
            "it already."
        ),
    )
    intro = models.TextField(_("home page introduction"), blank=True, help_text=FORMATTING_HELP)
    logo = models.ImageField(
        _("logo"),
        upload_to=identity_upload_to,
        blank=True,
        help_text=_(
            "A JPEG, PNG or WebP image, shown about 36 pixels high on a white plate in the "
            "header; upload it at least 72 pixels high. Without a logo the header shows a "
            "wordmark made from the centre's name."
        ),
    )
    logo_shows_name = models.BooleanField(
        _("the logo spells the centre's name"),
        default=False,
        help_text=_(
            "Tick when the name is written in the logo itself: the header then shows the "
            "logo alone (its text alternative is the centre's name in the visitor's language)."
        ),
    )
    share_image = models.ImageField(
        _("image for social sharing"),
        upload_to=identity_upload_to,
        blank=True,
        help_text=_(
            "Shown when a page of the site is shared on social networks or in messengers, "
            "unless the page has an image of its own. 1200 × 630 pixels works everywhere."
        ),
    )
    share_image_alt = models.CharField(
        _("sharing image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        require_image_description(
            self,
            "share_image",
            "share_image_alt",
            _("Describe the sharing image for people who cannot see it."),
        )

    @property
    def initials(self) -> str:
        """Up to three initials of the name as shown ("Astrakhan Business Center" → "ABC"),
        for the wordmark drawn when there is no logo."""
        words = [word for word in re.split(r"[\W_]+", self.name or "") if word[:1].isalpha()]
        return "".join(word[0] for word in words[:3]).upper() or "·"

    @classmethod
    def current(cls) -> "SiteProfile":
        """The profile, cached because every page's header and footer need it: in the cache
        (cleared whenever a profile is saved or deleted: see forget_site_profile) and, for
        the current content generation, in the worker's memory (a save starts a new one:
        portal.pagecache), so that most requests do not even ask the cache. Read-only."""
        from .pagecache import generation

        current_generation = generation()
        remembered = _remembered_profile
        if remembered and remembered[0] == current_generation:
            return remembered[1]
        profile = cache.get(SITE_PROFILE_CACHE_KEY)
        if profile is None:
            profile = cls.objects.order_by("pk").first() or cls(name="Business Centre")
            cache.set(SITE_PROFILE_CACHE_KEY, profile, 300)
        _remember_profile(current_generation, profile)
        return profile


_remembered_profile: tuple[str, SiteProfile] | None = None


def _remember_profile(current_generation: str, profile: SiteProfile) -> None:
    global _remembered_profile
    _remembered_profile = (current_generation, profile)


def forget_site_profile(**kwargs) -> None:
    """post_save / post_delete receiver: the next request reads the profile again, also when
    the change comes from the shell or load_demo rather than the admin."""
    cache.delete(SITE_PROFILE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SITE_PROFILE_CACHE_KEY))


def cover_upload_to(instance: "NewsArticle", filename: str) -> str:
    # Generated names: an uploaded name never decides where a file lands.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"news/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


class NewsArticleQuerySet(models.QuerySet):
    def published(self) -> "NewsArticleQuerySet":
        """Visible to the public: published, and the publish time has come."""
        return self.filter(status=NewsArticle.Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self) -> "NewsArticleQuerySet":
        """Published for a time still to come, soonest first."""
        return self.filter(
            status=NewsArticle.Status.PUBLISHED, publish_at__gt=timezone.now()
        ).order_by("publish_at", "pk")

    def drafts(self) -> "NewsArticleQuerySet":
        return self.filter(status=NewsArticle.Status.DRAFT)


class NewsArticle(MultilingualModel, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(
        _("web address"),
        max_length=250,
        unique=True,
        help_text=_(
            "The end of the article's web address, filled in from the title. Avoid changing "
            "it once the article is public: links to it would stop working."
        ),
    )
    lead = models.TextField(
        _("lead"), max_length=600, help_text=_("One or two sentences shown in lists and previews.")
    )
    body = models.TextField(
        _("body"),
        help_text=FORMATTING_HELP,
    )
    cover_image = models.ImageField(_("cover image"), upload_to=cover_upload_to, blank=True)
    cover_alt = models.CharField(
        _("cover image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    cover_caption = models.CharField(_("cover caption"), max_length=250, blank=True)
    byline = models.CharField(_("byline"), max_length=150, blank=True)
    source_name = models.CharField(_("source name"), max_length=150, blank=True)
    source_url = models.URLField(_("source URL"), blank=True)
    publish_at = models.DateTimeField(
        _("publish time"),
        default=timezone.now,
        db_index=True,
        help_text=_("A published article appears on the site from this moment."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured articles lead the home page.")
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="news_articles"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NewsArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="news_status_publish_idx"),
            # The home page: featured first, then newest, among published articles.
            models.Index(
                fields=["-is_featured", "-publish_at"],
                condition=Q(status="published"),
                name="news_home_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:news-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        require_image_description(
            self,
            "cover_image",
            "cover_alt",
            _("Describe the cover image for people who cannot see it."),
        )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        """Published, but the publish time is still to come."""
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()


class Translated:
    """The hand-made translation mixin of the first migrations, which name it among the
    models' bases. It does nothing now: see portal.languages.MultilingualModel."""


class SearchEntry(models.Model):
    """One public item in the site search's index, kept up to date by portal.search.

    What a hit shows is stored here per language (``shown``: title, summary and context in each
    written language; ``urls``: the item's address in every language), so results need no
    query per kind. The words are indexed per language: on PostgreSQL in the tsvector columns
    below (GIN-indexed, filled with to_tsvector by portal.search.backends); on SQLite in the
    FTS5 table ``portal_searchtext`` (rowid = this id; created by migration 0008, emptied by a
    trigger when an entry is deleted), where the ``document_*`` columns stay empty.
    """

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    public_from = models.DateTimeField(
        null=True, help_text="Found only from this time on (scheduled news); empty: always."
    )
    date = models.DateField(null=True)
    shown = models.JSONField(default=dict)
    urls = models.JSONField(default=dict)
    document_en = SearchVectorField(null=True)
    document_ru = SearchVectorField(null=True)
    document_az = SearchVectorField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="portal_search_entry_once")
        ]
        verbose_name = "search entry"
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
