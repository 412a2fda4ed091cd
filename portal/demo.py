"""Demo content for the portal: sectors, key figures, pages, the site profile and news.

Every text is written in English, Russian and Azerbaijani (``in_three``), except one news
item that is deliberately written in Russian only, so that the note "Available in Russian"
and its ``lang`` attribute can be seen from the English and Azerbaijani pages. Where the
content is invented rather than taken from the founding article, it says so in each
language.

Loading is idempotent and never overwrites what staff have written:

- a demo row is looked up by its slug (the site profile: the one profile; an agreement's
  signatories, measures and reports: their place in it) and created only when missing;
- an existing demo row only gains the translations it lacks. A database made by an older
  ``load_demo`` has, say, the founding article in English only: loading again writes the
  Russian and Azerbaijani columns. A field is filled only when it is written in one language
  at least and every language it is written in still holds the demo's own text — so a text
  staff rewrote does not get a translation of the original beside it, and a text staff
  removed in every language stays removed. Nothing non-empty is ever changed.

Apps' demo modules (agreements/demo.py, events/demo.py) use the helpers defined here.
"""

import datetime
import re
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

from .languages import LANGUAGE_CODES, column, is_written
from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile

DATA_DIR = Path(__file__).parent / "demo_data"
FOUNDING_ARTICLE_SLUG = "azerbaijan-astrakhan-action-program-2022"
# The demo item written in one language only (so the fallback note can be seen).
SINGLE_LANGUAGE_ARTICLE_SLUG = "demo-b2b-meetings-call-for-participants"
SINGLE_LANGUAGE = "ru"


# ---- helpers shared by the apps' demo modules ----


def in_three(en: str, ru: str, az: str) -> dict[str, str]:
    """One text in the three languages: ``{"en": …, "ru": …, "az": …}``."""
    return {"en": en, "ru": ru, "az": az}


def split_fields(spec: Mapping) -> tuple[dict, dict[str, dict[str, str]]]:
    """Separate a demo spec into plain values and translated texts (the dict values)."""
    plain = {name: value for name, value in spec.items() if not isinstance(value, dict)}
    texts = {name: value for name, value in spec.items() if isinstance(value, dict)}
    return plain, texts


def text_columns(texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """``{"title": {"en": "x", "ru": "y"}}`` → ``{"title_en": "x", "title_ru": "y"}``.

    Always the explicit columns: modeltranslation would write a bare ``title=`` into the
    active language's column, whatever language that happens to be.
    """
    return {
        column(field, code): value
        for field, by_language in texts.items()
        for code, value in by_language.items()
    }


def fill_missing_translations(obj, texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Write the demo's texts into ``obj``'s empty language columns, field by field, when
    the field is written in one language at least and every written language still holds
    the demo's text (the rule in this module's docstring). Returns the columns written."""
    filled = []
    for field, demo in texts.items():
        current = {code: getattr(obj, column(field, code)) or "" for code in LANGUAGE_CODES}
        written = [code for code, value in current.items() if is_written(value)]
        if not written:
            continue  # removed by staff, or never written by an earlier load_demo
        if any(current[code].strip() != demo.get(code, "").strip() for code in written):
            continue  # staff rewrote it: a translation of the demo text would not match
        for code in LANGUAGE_CODES:
            if code not in written and demo.get(code):
                setattr(obj, column(field, code), demo[code])
                filled.append(column(field, code))
    if filled:
        obj.save(update_fields=filled)
    return filled


def get_or_create_demo(model, spec: Mapping, **lookup):
    """The demo row found by ``lookup``, created from ``spec`` when missing, otherwise
    given the translations it lacks. Returns ``(obj, created)`` like get_or_create."""
    plain, texts = split_fields(spec)
    obj, created = model.objects.get_or_create(**lookup, defaults={**plain, **text_columns(texts)})
    if not created:
        fill_missing_translations(obj, texts)
    return obj, created


# ---- the portal's own demo content ----

SECTORS = [
    ("industry", in_three("Industry", "Промышленность", "Sənaye")),
    ("agriculture", in_three("Agriculture", "Сельское хозяйство", "Kənd təsərrüfatı")),
    (
        "investment",
        in_three("Mutual investment", "Взаимные инвестиции", "Qarşılıqlı investisiyalar"),
    ),
    (
        "smb",
        in_three(
            "Small and medium-sized businesses", "Малый и средний бизнес", "Kiçik və orta biznes"
        ),
    ),
    ("culture", in_three("Culture", "Культура", "Mədəniyyət")),
    ("tourism", in_three("Tourism", "Туризм", "Turizm")),
    ("sports", in_three("Sports", "Спорт", "İdman")),
    (
        "navigation-ports",
        in_three("Navigation and ports", "Судоходство и порты", "Gəmiçilik və limanlar"),
    ),
    ("trade", in_three("Trade and exports", "Торговля и экспорт", "Ticarət və ixrac")),
]

# From the founding article.
KEY_FIGURES = [
    {
        "value": in_three("$2.6 billion", "2,6 млрд долларов", "2,6 milyard dollar"),
        "label": in_three(
            "trade turnover between Azerbaijan and Russia in 2020",
            "товарооборот Азербайджана и России в 2020 году",
            "2020-ci ildə Azərbaycan ilə Rusiya arasında ticarət dövriyyəsi",
        ),
    },
    {
        "value": in_three("230+", "230+", "230+"),
        "label": in_three(
            "intergovernmental and intercompany documents signed",
            "подписанных межправительственных и межкорпоративных документов",
            "imzalanmış hökumətlərarası və şirkətlərarası sənəd",
        ),
    },
    {
        "value": in_three("6", "6", "6"),
        "label": in_three(
            "road maps being implemented",
            "реализуемых «дорожных карт»",
            "icra olunan «yol xəritəsi»",
        ),
    },
]

# The centre opened in Baku on 7 December 2021 (the Russian name is the one the Astrakhan
# governor's press office uses); the street address and contacts are placeholders.
SITE = {
    "name": in_three(
        "Astrakhan Business Center", "Астраханский деловой центр", "Həştərxan Biznes Mərkəzi"
    ),
    "tagline": in_three(
        "Trade, investment and partnership between Azerbaijan and the Astrakhan region",
        "Торговля, инвестиции и партнёрство Азербайджана и Астраханской области",
        "Azərbaycan ilə Həştərxan vilayəti arasında ticarət, investisiya və tərəfdaşlıq",
    ),
    "intro": in_three(
        "The Astrakhan Business Center, opened in Baku on 7 December 2021, is a platform for "
        "cooperation between Azerbaijan and the Astrakhan region of Russia: trade, industry, "
        "agriculture, investment, small business, culture, tourism, sports and the ports of "
        "the Caspian.",
        "Астраханский деловой центр, открытый в Баку 7 декабря 2021 года, — площадка для "
        "развития сотрудничества Азербайджана и Астраханской области в сферах торговли, "
        "промышленности, сельского хозяйства, инвестиций, малого и среднего бизнеса, "
        "культуры, туризма, спорта, судоходства и портовой деятельности на Каспии.",
        "7 dekabr 2021-ci ildə Bakıda açılmış Həştərxan Biznes Mərkəzi Azərbaycan ilə "
        "Rusiyanın Həştərxan vilayəti arasında ticarət, sənaye, kənd təsərrüfatı, "
        "investisiya, kiçik və orta biznes, mədəniyyət, turizm, idman, gəmiçilik və Xəzər "
        "limanları sahəsində əməkdaşlıq platformasıdır.",
    ),
    "address": in_three(
        "Baku, Azerbaijan (demo address)",
        "Баку, Азербайджан (демонстрационный адрес)",
        "Bakı, Azərbaycan (nümunə ünvan)",
    ),
    "phone": "+994 12 000 00 00",
    "email": "info@business-centre.example",
}

PAGES = {
    "about": {
        "title": in_three("About the centre", "О центре", "Mərkəz haqqında"),
        "body": in_three(
            "The **Astrakhan Business Center** opened in Baku on 7 December 2021, the day the "
            "Action Program for 2022 between Azerbaijan and the Astrakhan region was signed.\n\n"
            "It helps companies and public bodies of both sides find partners, follow the "
            "agreements signed between them and take part in forums, business missions and "
            "B2B meetings.\n\n"
            "*This text is demo content: staff edit it in the admin under Pages.*",
            "**Астраханский деловой центр** открылся в Баку 7 декабря 2021 года — в день "
            "подписания Программы действий на 2022 год между Азербайджаном и Астраханской "
            "областью.\n\n"
            "Центр помогает компаниям и органам власти обеих сторон находить партнёров, "
            "следить за выполнением подписанных соглашений, участвовать в форумах, "
            "бизнес-миссиях и B2B-встречах.\n\n"
            "*Это демонстрационный текст: сотрудники редактируют его в панели администратора, "
            "в разделе «Страницы».*",
            "**Həştərxan Biznes Mərkəzi** 7 dekabr 2021-ci ildə — Azərbaycan ilə Həştərxan "
            "vilayəti arasında 2022-ci il üçün Fəaliyyət Proqramının imzalandığı gün Bakıda "
            "açılıb.\n\n"
            "Mərkəz hər iki tərəfin şirkətlərinə və dövlət qurumlarına tərəfdaş tapmağa, "
            "imzalanmış sazişlərin icrasını izləməyə, forumlarda, biznes missiyalarında və "
            "B2B görüşlərində iştirak etməyə kömək edir.\n\n"
            "*Bu, nümunə mətndir: əməkdaşlar onu idarəetmə panelində, «Səhifələr» bölməsində "
            "redaktə edirlər.*",
        ),
    },
    "contacts": {
        "title": in_three("Contacts", "Контакты", "Əlaqə"),
        "body": in_three(
            "Write to us at [info@business-centre.example](mailto:info@business-centre.example) "
            "or call +994 12 000 00 00 on working days, 9:00–18:00 Baku time.\n\n"
            "*Demo contacts: replace them in the admin under Site profile and Pages.*",
            "Пишите нам на [info@business-centre.example](mailto:info@business-centre.example) "
            "или звоните по телефону +994 12 000 00 00 в рабочие дни с 9:00 до 18:00 "
            "по бакинскому времени.\n\n"
            "*Контакты демонстрационные: замените их в панели администратора, в разделах "
            "«Профиль сайта» и «Страницы».*",
            "Bizə [info@business-centre.example](mailto:info@business-centre.example) ünvanına "
            "yazın və ya iş günləri Bakı vaxtı ilə 9:00–18:00 arasında +994 12 000 00 00 "
            "nömrəsinə zəng edin.\n\n"
            "*Nümunə əlaqə məlumatlarıdır: onları idarəetmə panelində, «Sayt profili» və "
            "«Səhifələr» bölmələrində dəyişin.*",
        ),
    },
}

FOUNDING_ARTICLE_TITLE = in_three(
    "Azerbaijan and Russia's Astrakhan region sign Action Program for 2022",
    "Азербайджан и Астраханская область подписали Программу действий на 2022 год",
    "Azərbaycan ilə Rusiyanın Həştərxan vilayəti arasında 2022-ci il üçün Fəaliyyət "
    "Proqramı imzalanıb",
)

SINGLE_LANGUAGE_ARTICLE = {
    "title_ru": "Открыт приём заявок на B2B-встречи по экспорту сельскохозяйственной продукции",
    "lead_ru": (
        "Астраханский деловой центр приглашает производителей и покупателей плодоовощной "
        "продукции Азербайджана и Астраханской области к участию в B2B-встречах."
    ),
    "body_ru": (
        "На встречах участники проведут короткие переговоры один на один с потенциальными "
        "партнёрами. Заявки принимаются на странице мероприятия в разделе «Мероприятия».\n\n"
        "*Демонстрационная новость. Она намеренно опубликована только на русском языке: "
        "так портал показывает материалы, которые ещё не переведены, — с пометкой о языке "
        "текста.*"
    ),
}


def founding_article_texts() -> dict[str, dict[str, str]]:
    """The founding article's title, lead and body in each language.

    ``demo_data/action-program-2022.txt`` is the seed article as published (its first line
    holds the date and author); the ``.ru.txt`` and ``.az.txt`` files are its translations,
    lead first. Paragraphs are separated by blank lines.
    """
    texts: dict[str, dict[str, str]] = {
        "title": dict(FOUNDING_ARTICLE_TITLE),
        "lead": {},
        "body": {},
    }
    for code in LANGUAGE_CODES:
        name = "action-program-2022.txt" if code == "en" else f"action-program-2022.{code}.txt"
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        if code == "en":
            paragraphs = paragraphs[1:]  # "date 2021-12-08 By Ayya Lmahamad"
        texts["lead"][code] = paragraphs[0]
        texts["body"][code] = "\n\n".join(paragraphs[1:])
    return texts


def load() -> None:
    for position, (slug, name) in enumerate(SECTORS):
        get_or_create_demo(Sector, {"name": name, "position": position}, slug=slug)
    if not KeyFigure.objects.exists():
        for position, figure in enumerate(KEY_FIGURES):
            KeyFigure.objects.create(**text_columns(figure), position=position)
    profile = SiteProfile.objects.order_by("pk").first()
    if profile is None:
        plain, texts = split_fields(SITE)
        SiteProfile.objects.create(**plain, **text_columns(texts))
    else:
        fill_missing_translations(profile, split_fields(SITE)[1])
    for slug, spec in PAGES.items():
        get_or_create_demo(Page, spec, slug=slug)

    article, created = get_or_create_demo(
        NewsArticle,
        {
            **founding_article_texts(),
            "source_name": in_three("Azernews", "Azernews", "Azernews"),
            "byline": "Ayya Lmahamad",
            "publish_at": datetime.datetime(2021, 12, 8, 10, 0, tzinfo=ZoneInfo("Asia/Baku")),
            "status": NewsArticle.Status.PUBLISHED,
            "is_featured": True,
        },
        slug=FOUNDING_ARTICLE_SLUG,
    )
    if created:
        article.sectors.set(
            Sector.objects.filter(
                slug__in=["industry", "agriculture", "investment", "smb", "navigation-ports"]
            )
        )

    single, created = NewsArticle.objects.get_or_create(
        slug=SINGLE_LANGUAGE_ARTICLE_SLUG,
        defaults={
            **SINGLE_LANGUAGE_ARTICLE,
            "publish_at": timezone.now(),
            "status": NewsArticle.Status.PUBLISHED,
        },
    )
    if created:
        single.sectors.set(Sector.objects.filter(slug__in=["agriculture", "trade"]))
