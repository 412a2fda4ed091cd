"""The demo content (``manage.py load_demo``) as a visitor of each language sees it.

After ``make run`` on a fresh clone the English, Russian and Azerbaijani pages show the
founding article, events, venues, the agreement, its signatories and progress reports in the
page's own language; only the one demo item written in Russian alone is shown in another
language, marked with its ``lang`` and the note "Available in Russian". Loading again changes
nothing, and a database made by an older load_demo gains the missing translations without
losing anything staff wrote.
"""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from agreements.demo import AGREEMENT_SLUG
from agreements.models import (
    Agreement,
    AgreementDocument,
    Measure,
    Party,
    ProgressReport,
    Signatory,
)
from events.demo import NEARLY_FULL_SLUG, OPENING_SLUG
from events.models import Event, Registration
from portal.demo import FOUNDING_ARTICLE_SLUG, SINGLE_LANGUAGE, SINGLE_LANGUAGE_ARTICLE_SLUG
from portal.languages import AVAILABLE_IN
from portal.models import KeyFigure, NewsArticle, Page, Sector, SiteProfile

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ru", "az"]

# What each page must show, in each language (written out here rather than read from the
# demo modules, so that a lost translation cannot hide behind the same lost value).
EXPECTED = {
    "home": {
        "en": ["Astrakhan Business Center", "Action Program for 2022",
               "Demo: B2B meetings on agriculture and food exports", "$2.6 billion"],
        "ru": ["Астраханский деловой центр", "подписали Программу действий на 2022 год",
               "Демо: B2B-встречи по экспорту", "2,6 млрд долларов"],
        "az": ["Həştərxan Biznes Mərkəzi", "2022-ci il üçün Fəaliyyət Proqramı imzalanıb",
               "kənd təsərrüfatı və ərzaq məhsullarının ixracı üzrə B2B görüşləri",
               "2,6 milyard dollar"],
    },
    f"news/{FOUNDING_ARTICLE_SLUG}": {
        "en": ["Azerbaijan and Russia&#x27;s Astrakhan region sign Action Program for 2022",
               "Mikayil Jabbarov", "Igor Babushkin", "$2.6 billion"],
        "ru": ["Азербайджан и Астраханская область подписали Программу действий на 2022 год",
               "Микаил Джаббаров", "Игорь Бабушкин", "2,6 млрд долларов США"],
        "az": ["Azərbaycan ilə Rusiyanın Həştərxan vilayəti arasında 2022-ci il üçün Fəaliyyət "
               "Proqramı imzalanıb", "Mikayıl Cabbarov", "İqor Babuşkin",
               "2,6 milyard ABŞ dolları", "dekabrın 7-də"],
    },
    f"events/{OPENING_SLUG}": {
        "en": ["Opening of the Astrakhan Business Center", "Baku, Azerbaijan",
               "Government of the Astrakhan region"],
        "ru": ["Открытие Астраханского делового центра", "Баку, Азербайджан",
               "Правительство Астраханской области"],
        "az": ["Həştərxan Biznes Mərkəzinin açılışı", "Bakı, Azərbaycan",
               "Həştərxan vilayətinin hökuməti", "7 dekabr 2021-ci ildə"],
    },
    f"events/{NEARLY_FULL_SLUG}": {
        "en": ["Demo conference hall", "1 Example Street, Baku",
               "Illustration: ripe red tomatoes in a wooden crate", "This is a demo event"],
        "ru": ["Демонстрационный конференц-зал", "Баку, ул. Примерная, 1",
               "Иллюстрация: спелые красные томаты в деревянном ящике",
               "Это демонстрационное мероприятие"],
        "az": ["Nümunə konfrans zalı", "Bakı, Nümunə küçəsi, 1",
               "İllüstrasiya: taxta yeşikdə yetişmiş qırmızı pomidorlar", "Bu, nümunə tədbirdir"],
    },
    f"agreements/{AGREEMENT_SLUG}": {
        "en": ["Mikayil Jabbarov", "Minister of Economy of the Republic of Azerbaijan",
               "Igor Babushkin", "(Russia)", "Baku", "Summary of the Action Program (demo)",
               "Demo report: the trade house opened.", "Develop navigation and inter-port"],
        "ru": ["Микаил Джаббаров", "Министр экономики Азербайджанской Республики",
               "Игорь Бабушкин", "(Россия)", "Баку", "Краткое изложение Программы действий",
               "Демонстрационный отчёт: торговый дом открыт.",
               "Развитие судоходства и межпортового сотрудничества"],
        "az": ["Mikayıl Cabbarov", "Azərbaycan Respublikasının iqtisadiyyat naziri",
               "İqor Babuşkin", "(Rusiya)", "Bakı", "Fəaliyyət Proqramının qısa məzmunu",
               "Nümunə hesabat: ticarət evi açılıb.",
               "Gəmiçilik və limanlararası əməkdaşlığın inkişafı"],
    },
}  # fmt: skip
# English words that must not be left on the Russian and Azerbaijani pages.
ENGLISH_LEFTOVERS = ["Demo report", "Demo data", "Astrakhan region", "Example Street", "Baku,"]


class LangElements(HTMLParser):
    """Collects each element that carries a ``lang`` attribute, with the text inside it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.open: list[list] = []  # [tag, attrs, text parts]
        self.found: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append([tag, dict(attrs), []])

    def handle_endtag(self, tag):
        while self.open:
            open_tag, attrs, parts = self.open.pop()
            if "lang" in attrs:
                self.found.append((open_tag, attrs, "".join(parts)))
            if open_tag == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element[2].append(data)


def lang_elements(html: str) -> list[tuple[str, dict, str]]:
    parser = LangElements()
    parser.feed(html)
    return parser.found


def foreign_elements(html: str, language: str) -> list[tuple[str, dict, str]]:
    """Content elements marked as written in another language than the page's (the
    language switcher's links name their own language and do not count)."""
    return [
        (tag, attrs, text)
        for tag, attrs, text in lang_elements(html)
        if attrs["lang"] != language and "hreflang" not in attrs and tag != "html"
    ]


def fallback_notes(html: str) -> list[tuple[str, dict, str]]:
    return [e for e in lang_elements(html) if "fallback-note" in e[1].get("class", "")]


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return NewsArticle.objects.get(slug=SINGLE_LANGUAGE_ARTICLE_SLUG)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_demo_pages_are_in_the_visitors_language(client, demo, page, language):
    response = client.get(f"/{language}/{page}/".replace("/home/", "/"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in EXPECTED[page][language]:
        assert text in html, f"{text!r} missing on /{language}/{page}/"
    assert f'<html lang="{language}"' in html
    if language != "en":
        main = html[html.index("<main") : html.index("</main>")]
        assert not [word for word in ENGLISH_LEFTOVERS if word in main]

    # Nothing is marked as another language, no fallback note, except the single-language
    # item where a page lists it (the home page's latest news).
    single_texts = [demo.title_ru, demo.lead_ru]
    for _tag, attrs, text in foreign_elements(html, language):
        assert attrs["lang"] == SINGLE_LANGUAGE
        assert any(piece[:60] in text for piece in single_texts), text
    notes = fallback_notes(html)
    lists_single_item = page == "home" and language != SINGLE_LANGUAGE
    assert len(notes) == (1 if lists_single_item else 0)


@pytest.mark.parametrize("language", ["en", "az"])
def test_the_single_language_item_shows_its_language_and_the_note(client, demo, language):
    html = client.get(f"/{language}/news/{SINGLE_LANGUAGE_ARTICLE_SLUG}/").content.decode()
    # The page follows the text shown (Russian); the note is in the visitor's language.
    assert '<html lang="ru"' in html
    assert [attrs["lang"] for tag, attrs, _text in lang_elements(html) if tag == "main"] == [
        language
    ]
    [note] = fallback_notes(html)
    with translation.override(language):
        expected_note = str(AVAILABLE_IN[SINGLE_LANGUAGE])
    assert note[1]["lang"] == language and note[2] == expected_note
    if language != "en":
        assert expected_note != "Available in Russian"  # the note itself is translated
    marked = {attrs["lang"] for _tag, attrs, _text in foreign_elements(html, language)}
    assert marked == {"ru"}
    headings = [text for tag, _attrs, text in foreign_elements(html, language) if tag == "h1"]
    assert headings == [demo.title_ru]
    # …and it is listed, marked, on the home page of that language.
    home = client.get(f"/{language}/").content.decode()
    assert [n[1]["lang"] for n in fallback_notes(home)] == [language]


def test_the_single_language_item_reads_plainly_in_russian(client, demo):
    html = client.get(f"/ru/news/{SINGLE_LANGUAGE_ARTICLE_SLUG}/").content.decode()
    assert '<html lang="ru"' in html and demo.title_ru in html
    assert not fallback_notes(html) and not foreign_elements(html, "ru")
    assert demo.written_languages() == ["ru"]


def test_demo_images_and_documents_are_real_files(demo):
    for event in Event.objects.exclude(image=""):
        with event.image.open("rb") as file, Image.open(file) as image:
            assert image.size == (1280, 720)
        assert event.written_languages("image_alt") == LANGUAGES
    assert Event.objects.exclude(image="").count() == 2
    documents = AgreementDocument.objects.filter(agreement__slug=AGREEMENT_SLUG)
    assert sorted(documents.values_list("language", flat=True)) == ["az", "en", "ru"]
    for document in documents:
        with document.file.open("rb") as file:
            content = file.read()
        assert content.startswith(b"{\\rtf1")
    russian = documents.get(language="ru").file.open("rb").read()
    assert "\\u{}?".format(ord("П")).encode() in russian  # "Программа", escaped for RTF


DEMO_MODELS = [
    Sector, KeyFigure, Page, SiteProfile, NewsArticle, Party, Agreement, Signatory,
    AgreementDocument, Measure, ProgressReport, Event, Registration,
    Agreement.history.model, Measure.history.model, Event.history.model,
]  # fmt: skip


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in DEMO_MODELS}


def test_load_demo_twice_changes_nothing(demo):
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first


def test_an_older_demo_database_gains_the_missing_translations(demo):
    """A database made by the load_demo before the content was translated: the founding
    article, venues, signatory names, countries and reports were in English only."""
    article = NewsArticle.objects.filter(slug=FOUNDING_ARTICLE_SLUG)
    article.update(title_ru=None, title_az="", lead_ru="", lead_az="", body_ru="", body_az="")
    Signatory.objects.update(name_ru="", name_az=None)
    Party.objects.update(country_ru="", country_az="")
    ProgressReport.objects.update(text_ru="", text_az="")
    opening = Event.objects.filter(slug=OPENING_SLUG)
    opening.update(venue_name_ru="", venue_name_az="", organisers_ru="", organisers_az="")
    # Staff work that loading must respect: a rewritten English title without Russian, an
    # address removed in every language, an edited Russian name.
    Page.objects.filter(slug="about").update(title_en="About us", title_ru="")
    opening.update(venue_address_en="", venue_address_ru="", venue_address_az="")
    Sector.objects.filter(slug="industry").update(name_ru="Промышленность и энергетика")

    call_command("load_demo", verbosity=0)

    article = article.get()
    assert article.title_ru.startswith("Азербайджан и Астраханская область подписали")
    assert "Mikayıl Cabbarov" in article.body_az and "Микаил Джаббаров" in article.body_ru
    assert article.lead_az.startswith("Azərbaycan ilə Rusiyanın Həştərxan vilayəti")
    assert list(Signatory.objects.values_list("name_ru", "name_az")) == [
        ("Микаил Джаббаров", "Mikayıl Cabbarov"),
        ("Игорь Бабушкин", "İqor Babuşkin"),
    ]
    assert set(Party.objects.values_list("country_ru", flat=True)) == {"Азербайджан", "Россия"}
    assert not ProgressReport.objects.filter(text_az="").exists()
    assert ProgressReport.objects.filter(text_ru="Демонстрационный отчёт: торговый дом открыт.")
    opening = opening.get()
    assert (opening.venue_name_ru, opening.organisers_az) == (
        "Астраханский деловой центр",
        "Həştərxan vilayətinin hökuməti, Azərbaycan İqtisadiyyat Nazirliyi",
    )
    # Nothing staff wrote or removed came back.
    about = Page.objects.get(slug="about")
    assert (about.title_en, about.title_ru, about.title_az) == ("About us", "", "Mərkəz haqqında")
    assert opening.written_languages("venue_address") == []
    assert Sector.objects.get(slug="industry").name_ru == "Промышленность и энергетика"
    # Neither rows nor anything else were added.
    assert Agreement.objects.get(slug=AGREEMENT_SLUG).measures.count() == 11
    assert NewsArticle.objects.count() == 2

    filled = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == filled


def test_load_demo_writes_the_named_columns_whatever_the_active_language(demo):
    """Loading under another active language (a shell opened after a Russian request)
    still puts each text in its own language's column."""
    Agreement.objects.all().delete()
    with translation.override("az"):
        call_command("load_demo", verbosity=0)
    agreement = Agreement.objects.get(slug=AGREEMENT_SLUG)
    assert agreement.title_en.startswith("Action Program for 2022")
    assert agreement.title_az.startswith("Azərbaycan Respublikası ilə Həştərxan")
    assert Measure.objects.filter(agreement=agreement, title_ru__startswith="Развитие")
