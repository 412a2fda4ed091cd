"""The move to a column per language keeps every existing text (portal 0006, agreements 0003,
events 0005): a database filled in the old layout is migrated forward and checked value by
value (and back again on PostgreSQL)."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("portal", "0005_news_home_order_index"),
    ("agreements", "0002_change_history"),
    ("events", "0004_registration_seats_index"),
]
AFTER = [
    ("portal", "0006_content_in_three_languages"),
    ("agreements", "0003_content_in_three_languages"),
    ("events", "0005_content_in_three_languages"),
]


def migrate(targets):
    """Migrate to ``targets``; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def fill_old_database(apps):
    """Today's content in the old layout: English in the plain column, ru/az beside it."""
    now = timezone.now()
    get = apps.get_model
    get("portal", "Sector").objects.create(
        name="Trade", name_ru="Торговля", name_az="Ticarət", slug="trade"
    )
    get("portal", "KeyFigure").objects.create(
        value="$2.6 billion", value_ru="2,6 млрд $", value_az="", label="turnover",
        label_ru="товарооборот", label_az="dövriyyə",
    )  # fmt: skip
    get("portal", "Page").objects.create(
        slug="about", title="About", title_ru="О центре", title_az="", body="Text",
        body_ru="Текст", body_az="",
    )  # fmt: skip
    get("portal", "SiteProfile").objects.create(
        name="Centre", name_ru="Центр", name_az="Mərkəz", intro="Intro", address="Street 1",
        address_az="Küçə 1",
    )  # fmt: skip
    News = get("portal", "NewsArticle")
    News.objects.create(
        slug="english", title="Signed", lead="Lead", body="Body", language="en",
        cover_alt="Ceremony", cover_caption="Caption", source_name="Azernews", publish_at=now,
    )  # fmt: skip
    News.objects.create(
        slug="russian", title="Подписано", lead="Лид", body="Текст", language="ru",
        source_name="ТАСС", publish_at=now,
    )  # fmt: skip
    News.objects.create(
        slug="azerbaijani", title="İmzalandı", lead="Qısa", body="Mətn", language="az",
        publish_at=now,
    )  # fmt: skip
    party = get("agreements", "Party").objects.create(
        name="Azerbaijan", name_ru="Азербайджан", name_az="Azərbaycan", slug="az",
        country="Azerbaijan",
    )  # fmt: skip
    agreement = get("agreements", "Agreement").objects.create(
        slug="programme", title="Programme", title_ru="Программа", title_az="Proqram",
        summary="Summary", summary_ru="Кратко", summary_az="", full_text="Full text",
        signed_at="Baku",
    )  # fmt: skip
    get("agreements", "HistoricalAgreement").objects.create(
        id=agreement.pk, slug="programme", title="Old programme", title_ru="Старая",
        title_az="", summary="", summary_ru="", summary_az="", full_text="", signed_at="",
        kind="other", status="draft", reference_number="", created_at=now, history_date=now,
        history_type="+",
    )  # fmt: skip
    get("agreements", "Signatory").objects.create(
        agreement=agreement, name="Mikayil Jabbarov", position="Minister",
        position_ru="Министр", position_az="Nazir", party=party,
    )  # fmt: skip
    get("agreements", "AgreementDocument").objects.create(
        agreement=agreement, title="Signed text", file="agreements/x.pdf"
    )
    measure = get("agreements", "Measure").objects.create(
        agreement=agreement, number="1.1", title="Ports", title_ru="Порты", title_az="Limanlar",
        description="Deepen the channel", description_ru="", description_az="Kanal",
    )  # fmt: skip
    get("agreements", "ProgressReport").objects.create(
        measure=measure, reported_on=datetime.date(2022, 5, 1), text="Done", text_ru="Готово",
        text_az="",
    )  # fmt: skip
    event = get("events", "Event").objects.create(
        slug="forum", title="Forum", title_ru="Форум", title_az="Forum", description="About",
        description_ru="О форуме", description_az="", starts_at=now, ends_at=now,
        venue_name="Hall", venue_address="Street 2", organisers="The centre", image_alt="",
    )  # fmt: skip
    get("events", "HistoricalEvent").objects.create(
        id=event.pk, slug="forum", title="Old forum", title_ru="", title_az="",
        description="", description_ru="", description_az="", starts_at=now, ends_at=now,
        venue_name="Old hall", venue_address="", organisers="", image_alt="", kind="forum",
        time_zone="Europe/Astrakhan", status="draft", sequence=0, created_at=now,
        history_date=now, history_type="+", online_url="", waiting_list_enabled=True,
        approval_required=False,
    )  # fmt: skip


def values(model, *names, **lookup):
    return model.objects.filter(**lookup).values_list(*names).get()


@pytest.mark.django_db(transaction=True)
def test_every_text_moves_into_its_languages_column_and_back(old_apps):
    fill_old_database(old_apps)
    new = migrate(AFTER)
    get = new.get_model

    assert values(get("portal", "Sector"), "name_en", "name_ru", "name_az") == (
        "Trade", "Торговля", "Ticarət",
    )  # fmt: skip
    assert values(get("portal", "KeyFigure"), "value_en", "value_ru", "label_en", "label_az") == (
        "$2.6 billion", "2,6 млрд $", "turnover", "dövriyyə",
    )  # fmt: skip
    assert values(get("portal", "Page"), "title_en", "title_ru", "body_en", "body_ru") == (
        "About", "О центре", "Text", "Текст",
    )  # fmt: skip
    profile = get("portal", "SiteProfile")
    assert values(profile, "name_en", "name_ru", "name_az", "intro_en", "address_en",
                  "address_az") == (
        "Centre", "Центр", "Mərkəz", "Intro", "Street 1", "Küçə 1",
    )  # fmt: skip
    News = get("portal", "NewsArticle")
    assert values(News, "title_en", "lead_en", "body_en", "cover_alt_en", "cover_caption_en",
                  "source_name_en", "title_ru", "title_az", slug="english") == (
        "Signed", "Lead", "Body", "Ceremony", "Caption", "Azernews", None, None,
    )  # fmt: skip
    assert values(News, "title_ru", "lead_ru", "body_ru", "source_name_ru", "title_en",
                  slug="russian") == ("Подписано", "Лид", "Текст", "ТАСС", None)  # fmt: skip
    assert values(News, "title_az", "lead_az", "body_az", "title_en", slug="azerbaijani") == (
        "İmzalandı", "Qısa", "Mətn", None,
    )  # fmt: skip
    assert values(get("agreements", "Party"), "name_en", "name_ru", "name_az", "country_en") == (
        "Azerbaijan", "Азербайджан", "Azərbaycan", "Azerbaijan",
    )  # fmt: skip
    assert values(get("agreements", "Agreement"), "title_en", "title_ru", "title_az",
                  "summary_en", "summary_ru", "full_text_en", "signed_at_en") == (
        "Programme", "Программа", "Proqram", "Summary", "Кратко", "Full text", "Baku",
    )  # fmt: skip
    assert values(get("agreements", "HistoricalAgreement"), "title_en", "title_ru") == (
        "Old programme", "Старая",
    )  # fmt: skip
    assert values(get("agreements", "Signatory"), "name_en", "position_en", "position_ru",
                  "position_az") == (
        "Mikayil Jabbarov", "Minister", "Министр", "Nazir",
    )  # fmt: skip
    assert values(get("agreements", "AgreementDocument"), "title_en") == ("Signed text",)
    assert values(get("agreements", "Measure"), "title_en", "title_ru", "title_az",
                  "description_en", "description_az") == (
        "Ports", "Порты", "Limanlar", "Deepen the channel", "Kanal",
    )  # fmt: skip
    assert values(get("agreements", "ProgressReport"), "text_en", "text_ru") == ("Done", "Готово")
    assert values(get("events", "Event"), "title_en", "title_ru", "description_en",
                  "description_ru", "venue_name_en", "venue_address_en", "organisers_en") == (
        "Forum", "Форум", "About", "О форуме", "Hall", "Street 2", "The centre",
    )  # fmt: skip
    assert values(get("events", "HistoricalEvent"), "title_en", "venue_name_en") == (
        "Old forum", "Old hall",
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL only: SQLite rebuilds every altered table, which takes half a minute",
)
@pytest.mark.django_db(transaction=True)
def test_going_back_returns_each_article_to_its_language(old_apps):
    fill_old_database(old_apps)
    migrate(AFTER)
    old = migrate(BEFORE)
    News = old.get_model("portal", "NewsArticle")
    assert values(News, "language", "title", slug="russian") == ("ru", "Подписано")
    assert values(News, "language", "title", slug="azerbaijani") == ("az", "İmzalandı")
    assert values(old.get_model("agreements", "Agreement"), "title", "title_ru") == (
        "Programme", "Программа",
    )  # fmt: skip
