import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from portal.demo import FOUNDING_ARTICLE_SLUG
from portal.models import KeyFigure, NewsArticle, Page, Sector

pytestmark = pytest.mark.django_db

MODELS = [Sector, KeyFigure, Page, NewsArticle]


def _snapshot():
    return {model.__name__: list(model.objects.values()) for model in MODELS}


def test_load_demo_loads_the_founding_article_and_is_idempotent():
    call_command("load_demo")
    article = NewsArticle.objects.published().get(slug=FOUNDING_ARTICLE_SLUG)
    assert article.byline == "Ayya Lmahamad"
    assert article.publish_at.date().isoformat() == "2021-12-08"
    assert "Mikayil Jabbarov" in article.body
    assert {f.value for f in KeyFigure.objects.all()} == {"$2.6 billion", "230+", "6"}
    assert set(Page.objects.values_list("slug", flat=True)) >= {"about", "contacts"}
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first


def test_load_demo_keeps_staff_edits():
    call_command("load_demo")
    Page.objects.filter(slug="about").update(title="Edited by staff")
    call_command("load_demo")
    assert Page.objects.get(slug="about").title == "Edited by staff"


def test_demo_admin_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_admin")
    assert not get_user_model().objects.exists()


def test_demo_admin_in_debug(settings):
    settings.DEBUG = True
    call_command("create_demo_admin")
    call_command("create_demo_admin")
    assert get_user_model().objects.get().is_superuser


def test_load_scale_data_adds_published_news_with_sectors():
    call_command(
        "load_scale_data", news=250, events=0, registrations=0, agreements=0, measures=0,
        reports=0, stdout=None,
    )  # fmt: skip
    # + the demo's two articles (the founding article and the Russian-only item)
    assert NewsArticle.objects.published().count() == 252
    assert NewsArticle.sectors.through.objects.count() >= 250
    assert NewsArticle.objects.values("slug").distinct().count() == 252
