"""Demo content for the portal: sectors, key figures, pages and the founding article.

Loading is idempotent: existing rows (looked up by slug) are left as they are, so
running it again changes nothing and never overwrites what staff have edited.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from .models import KeyFigure, NewsArticle, Page, Sector, SiteProfile

DATA_DIR = Path(__file__).parent / "demo_data"
FOUNDING_ARTICLE_SLUG = "azerbaijan-astrakhan-action-program-2022"

SECTORS = [
    # slug, English, Russian, Azerbaijani
    ("industry", "Industry", "Промышленность", "Sənaye"),
    ("agriculture", "Agriculture", "Сельское хозяйство", "Kənd təsərrüfatı"),
    ("investment", "Mutual investment", "Взаимные инвестиции", "Qarşılıqlı investisiyalar"),
    ("smb", "Small and medium business", "Малый и средний бизнес", "Kiçik və orta biznes"),
    ("culture", "Culture", "Культура", "Mədəniyyət"),
    ("tourism", "Tourism", "Туризм", "Turizm"),
    ("sports", "Sports", "Спорт", "İdman"),
    ("navigation-ports", "Navigation and ports", "Судоходство и порты", "Gəmiçilik və limanlar"),
    ("trade", "Trade and exports", "Торговля и экспорт", "Ticarət və ixrac"),
]

KEY_FIGURES = [
    (
        ("$2.6 billion", "2,6 млрд $", "2,6 milyard $"),
        "trade turnover between Azerbaijan and Russia in 2020",
        "товарооборот между Азербайджаном и Россией в 2020 году",
        "2020-ci ildə Azərbaycan ilə Rusiya arasında ticarət dövriyyəsi",
    ),
    (
        ("230+", "230+", "230+"),
        "intergovernmental and intercompany documents signed",
        "подписанных межправительственных и межкорпоративных документов",
        "imzalanmış hökumətlərarası və şirkətlərarası sənəd",
    ),
    (
        ("6", "6", "6"),
        "road maps being implemented",
        "«дорожных карт» в стадии реализации",
        "həyata keçirilən «yol xəritəsi»",
    ),
]

SITE = {
    "name": "Astrakhan Business Center",
    "name_ru": "Астраханский бизнес-центр",
    "name_az": "Həştərxan Biznes Mərkəzi",
    "intro": (
        "The Astrakhan Business Center, opened on 7 December 2021, is a platform for "
        "cooperation between Azerbaijan and the Astrakhan region of Russia: trade, industry, "
        "agriculture, investment, small business, culture, tourism, sports and the ports of "
        "the Caspian."
    ),
    "intro_ru": (
        "Астраханский бизнес-центр, открытый 7 декабря 2021 года, — площадка для "
        "сотрудничества Азербайджана и Астраханской области России: торговля, промышленность, "
        "сельское хозяйство, инвестиции, малый бизнес, культура, туризм, спорт и порты Каспия."
    ),
    "intro_az": (
        "7 dekabr 2021-ci ildə açılan Həştərxan Biznes Mərkəzi Azərbaycan ilə Rusiyanın "
        "Həştərxan vilayəti arasında əməkdaşlıq platformasıdır: ticarət, sənaye, kənd "
        "təsərrüfatı, investisiyalar, kiçik biznes, mədəniyyət, turizm, idman və Xəzər limanları."
    ),
    "address": "Astrakhan, Russian Federation (demo address)",
    "address_ru": "Астрахань, Российская Федерация (демонстрационный адрес)",
    "address_az": "Həştərxan, Rusiya Federasiyası (nümayiş ünvanı)",
    "phone": "+7 000 000 00 00",
    "email": "info@business-centre.example",
}

PAGES = {
    "about": {
        "title": "About the centre",
        "title_ru": "О центре",
        "title_az": "Mərkəz haqqında",
        "body": (
            "The **Astrakhan Business Center** opened on 7 December 2021, the day the Action "
            "Program for 2022 between Azerbaijan and the Astrakhan region was signed.\n\n"
            "It helps companies and public bodies of both sides find partners, follow the "
            "agreements signed between them and take part in forums, missions and B2B "
            "meetings.\n\n"
            "*This text is demo content: staff edit it in the admin under Pages.*"
        ),
        "body_ru": (
            "**Астраханский бизнес-центр** открылся 7 декабря 2021 года — в день подписания "
            "Программы действий на 2022 год между Азербайджаном и Астраханской областью.\n\n"
            "Центр помогает компаниям и государственным органам обеих сторон находить "
            "партнёров, следить за выполнением подписанных соглашений и участвовать в форумах, "
            "бизнес-миссиях и B2B-встречах.\n\n"
            "*Это демонстрационный текст: сотрудники редактируют его в админке, "
            "в разделе «Страницы».*"
        ),
        "body_az": (
            "**Həştərxan Biznes Mərkəzi** 7 dekabr 2021-ci ildə — Azərbaycan ilə Həştərxan "
            "vilayəti arasında 2022-ci il üçün Fəaliyyət Proqramının imzalandığı gün açılıb.\n\n"
            "Mərkəz hər iki tərəfin şirkətlərinə və dövlət qurumlarına tərəfdaş tapmağa, "
            "imzalanmış sazişlərin icrasını izləməyə, forumlarda, biznes missiyalarında və "
            "B2B görüşlərində iştirak etməyə kömək edir.\n\n"
            "*Bu, nümayiş mətnidir: işçilər onu admin panelində, "
            "«Səhifələr» bölməsində redaktə edir.*"
        ),
    },
    "contacts": {
        "title": "Contacts",
        "title_ru": "Контакты",
        "title_az": "Əlaqə",
        "body": (
            "Write to us at [info@business-centre.example](mailto:info@business-centre.example) "
            "or call +7 000 000 00 00 on working days, 9:00–18:00 Astrakhan time.\n\n"
            "*Demo contacts: replace them in the admin under Site profile and Pages.*"
        ),
        "body_ru": (
            "Пишите нам на [info@business-centre.example](mailto:info@business-centre.example) "
            "или звоните по телефону +7 000 000 00 00 в рабочие дни с 9:00 до 18:00 по "
            "астраханскому времени.\n\n"
            "*Демонстрационные контакты: замените их в админке («Профиль сайта» и «Страницы»).*"
        ),
        "body_az": (
            "Bizə [info@business-centre.example](mailto:info@business-centre.example) ünvanına "
            "yazın və ya iş günləri Həştərxan vaxtı ilə 9:00–18:00 arasında +7 000 000 00 00 "
            "nömrəsinə zəng edin.\n\n"
            "*Nümayiş əlaqələri: onları admin panelində («Sayt profili» və «Səhifələr») dəyişin.*"
        ),
    },
}


def founding_article_text() -> tuple[str, str]:
    """The seed article's lead and body (the first line holds its date and author)."""
    text = (DATA_DIR / "action-program-2022.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    # paragraphs[0] is "date 2021-12-08 By Ayya Lmahamad"
    return paragraphs[1], "\n\n".join(paragraphs[2:])


def load() -> None:
    for position, (slug, name, name_ru, name_az) in enumerate(SECTORS):
        Sector.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_ru": name_ru, "name_az": name_az, "position": position},
        )
    if not KeyFigure.objects.exists():
        for position, ((value, value_ru, value_az), label, label_ru, label_az) in enumerate(
            KEY_FIGURES
        ):
            KeyFigure.objects.create(
                value=value, value_ru=value_ru, value_az=value_az,
                label=label, label_ru=label_ru, label_az=label_az, position=position,
            )  # fmt: skip
    if not SiteProfile.objects.exists():
        SiteProfile.objects.create(**SITE)
    for slug, fields in PAGES.items():
        Page.objects.get_or_create(slug=slug, defaults=fields)

    lead, body = founding_article_text()
    article, created = NewsArticle.objects.get_or_create(
        slug=FOUNDING_ARTICLE_SLUG,
        defaults={
            "title": "Azerbaijan and Russia's Astrakhan region sign Action Program for 2022",
            "lead": lead,
            "body": body,
            "byline": "Ayya Lmahamad",
            "source_name": "Azernews",
            "publish_at": datetime.datetime(2021, 12, 8, 10, 0, tzinfo=ZoneInfo("Asia/Baku")),
            "status": NewsArticle.Status.PUBLISHED,
            "is_featured": True,
        },
    )
    if created:
        article.sectors.set(
            Sector.objects.filter(
                slug__in=["industry", "agriculture", "investment", "smb", "navigation-ports"]
            )
        )
