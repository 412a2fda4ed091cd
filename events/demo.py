"""Demo events: the centre's opening (past) and a few clearly marked demo events ahead.

Idempotent: events are looked up by slug and left alone when they exist, so running it
again changes nothing and never overwrites what staff have edited. Upcoming demo events
are dated relative to the day they are first loaded.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from agreements.demo import AGREEMENT_SLUG
from agreements.models import Agreement
from portal.demo import FOUNDING_ARTICLE_SLUG
from portal.models import PRIVACY_PAGE_SLUG, NewsArticle, Page, Sector

from .models import Event, Registration

OPENING_SLUG = "opening-of-the-astrakhan-business-center"
NEARLY_FULL_SLUG = "demo-b2b-meetings-agriculture-and-food"

PRIVACY_PAGE = {
    "title": "Privacy policy",
    "title_ru": "Политика конфиденциальности",
    "title_az": "Məxfilik siyasəti",
    "body": (
        "When you register for an event we store your name, email, organisation, position "
        "and (if you give it) phone number, to manage the event and to write to you about it. "
        "We do not share them with anyone except the event's organisers, and we delete them "
        "after the retention period.\n\n"
        "With the link in your email you can cancel your registration at any time, and erase "
        "your personal data.\n\n"
        "*Demo text: staff replace it in the admin under Pages.*"
    ),
    "body_ru": (
        "При регистрации на мероприятие мы храним ваше имя, email, организацию, должность "
        "и (если вы его указали) телефон, чтобы провести мероприятие и писать вам о нём. "
        "Мы передаём их только организаторам мероприятия и удаляем по истечении срока "
        "хранения.\n\n"
        "По ссылке из письма можно в любой момент отменить регистрацию и удалить свои "
        "персональные данные.\n\n"
        "*Демонстрационный текст: сотрудники заменяют его в админке, в разделе «Страницы».*"
    ),
    "body_az": (
        "Tədbirə qeydiyyatdan keçdiyiniz zaman tədbiri təşkil etmək və sizə onun barədə yazmaq "
        "üçün adınızı, e-poçtunuzu, təşkilatınızı, vəzifənizi və (göstərdiyiniz halda) telefon "
        "nömrənizi saxlayırıq. Onları yalnız tədbirin təşkilatçıları ilə bölüşürük və saxlama "
        "müddəti bitdikdən sonra silirik.\n\n"
        "Məktubdakı keçidlə qeydiyyatınızı istənilən vaxt ləğv edə və şəxsi məlumatlarınızı "
        "silə bilərsiniz.\n\n"
        "*Nümayiş mətni: işçilər onu admin panelində, «Səhifələr» bölməsində dəyişir.*"
    ),
    "version": "1",
}

OPENING = {
    "title": "Opening of the Astrakhan Business Center",
    "title_ru": "Открытие Астраханского бизнес-центра",
    "title_az": "Həştərxan Biznes Mərkəzinin açılışı",
    "kind": Event.Kind.OPENING,
    "time_zone": "Europe/Astrakhan",
    "venue_name": "Astrakhan Business Center",
    "venue_address": "Astrakhan, Russian Federation (demo address)",
    "description": (
        "The Astrakhan Business Center opened on 7 December 2021 as a platform for "
        "cooperation between Azerbaijan and the Astrakhan region. On the same occasion "
        "Azerbaijan's Economy Minister Mikayil Jabbarov and Astrakhan Governor Igor Babushkin "
        "signed the Action Program for 2022."
    ),
    "description_ru": (
        "Астраханский бизнес-центр открылся 7 декабря 2021 года как площадка сотрудничества "
        "Азербайджана и Астраханской области. Тогда же министр экономики Азербайджана "
        "Микаил Джаббаров и губернатор Астраханской области Игорь Бабушкин подписали "
        "Программу действий на 2022 год."
    ),
    "description_az": (
        "Həştərxan Biznes Mərkəzi 7 dekabr 2021-ci ildə Azərbaycan ilə Həştərxan vilayəti "
        "arasında əməkdaşlıq platforması kimi açılıb. Həmin gün Azərbaycanın iqtisadiyyat "
        "naziri Mikayıl Cabbarov və Həştərxan qubernatoru İqor Babuşkin 2022-ci il üçün "
        "Fəaliyyət Proqramını imzalayıblar."
    ),
    "organisers": "Government of the Astrakhan region, Ministry of Economy of Azerbaijan",
    "status": Event.Status.PUBLISHED,
}

DEMO_NOTE = "\n\n*This is a demo event: try registering; nothing is real.*"
DEMO_NOTE_RU = "\n\n*Это демонстрационное мероприятие: попробуйте зарегистрироваться.*"
DEMO_NOTE_AZ = "\n\n*Bu, nümayiş tədbiridir: qeydiyyatı yoxlaya bilərsiniz.*"

UPCOMING = [
    {
        "slug": NEARLY_FULL_SLUG,
        "days_ahead": 7,
        "hours": (10, 14),
        "title": "Demo: B2B meetings on agriculture and food exports",
        "title_ru": "Демо: B2B-встречи по сельскому хозяйству и экспорту продуктов",
        "title_az": "Demo: kənd təsərrüfatı və ərzaq ixracı üzrə B2B görüşləri",
        "kind": Event.Kind.B2B,
        "time_zone": "Asia/Baku",
        "venue_name": "Demo venue, Baku",
        "venue_address": "1 Example Street, Baku (demo)",
        "capacity": 20,
        "sectors": ["agriculture", "trade"],
        "description": "Short one-to-one meetings between producers and buyers." + DEMO_NOTE,
        "description_ru": "Короткие встречи производителей и покупателей." + DEMO_NOTE_RU,
        "description_az": "İstehsalçılar və alıcılar arasında qısa görüşlər." + DEMO_NOTE_AZ,
        "demo_registrations": 19,
    },
    {
        "slug": "demo-caspian-trade-and-logistics-forum",
        "days_ahead": 14,
        "hours": (10, 17),
        "title": "Demo: Caspian trade and logistics forum",
        "title_ru": "Демо: Каспийский форум торговли и логистики",
        "title_az": "Demo: Xəzər ticarət və logistika forumu",
        "kind": Event.Kind.FORUM,
        "time_zone": "Europe/Astrakhan",
        "venue_name": "Astrakhan Business Center",
        "venue_address": "Astrakhan, Russian Federation (demo address)",
        "capacity": 150,
        "sectors": ["navigation-ports", "trade", "investment"],
        "description": "Ports, shipping lines and traders of the Caspian." + DEMO_NOTE,
        "description_ru": "Порты, судоходные линии и торговцы Каспия." + DEMO_NOTE_RU,
        "description_az": "Xəzərin limanları, gəmiçilik xətləri və tacirləri." + DEMO_NOTE_AZ,
        "demo_registrations": 3,
    },
    {
        "slug": "demo-online-seminar-export-support-for-smb",
        "days_ahead": 30,
        "hours": (11, 13),
        "title": "Demo: online seminar on export support for small business",
        "title_ru": "Демо: онлайн-семинар о поддержке экспорта для малого бизнеса",
        "title_az": "Demo: kiçik biznes üçün ixraca dəstək üzrə onlayn seminar",
        "kind": Event.Kind.SEMINAR,
        "time_zone": "Asia/Baku",
        "online_url": "https://example.org/demo-webinar",
        "capacity": None,
        "sectors": ["smb", "trade"],
        "description": "How the support programmes of both sides work." + DEMO_NOTE,
        "description_ru": "Как работают программы поддержки обеих сторон." + DEMO_NOTE_RU,
        "description_az": "Hər iki tərəfin dəstək proqramları necə işləyir." + DEMO_NOTE_AZ,
        "demo_registrations": 0,
    },
]


def load() -> None:
    Page.objects.get_or_create(slug=PRIVACY_PAGE_SLUG, defaults=PRIVACY_PAGE)

    astrakhan = ZoneInfo("Europe/Astrakhan")
    opening, created = Event.objects.get_or_create(
        slug=OPENING_SLUG,
        defaults={
            **OPENING,
            "starts_at": datetime.datetime(2021, 12, 7, 11, 0, tzinfo=astrakhan),
            "ends_at": datetime.datetime(2021, 12, 7, 15, 0, tzinfo=astrakhan),
        },
    )
    if created:
        opening.sectors.set(Sector.objects.filter(slug__in=["industry", "trade", "investment"]))
        opening.related_news.set(NewsArticle.objects.filter(slug=FOUNDING_ARTICLE_SLUG))
        opening.related_agreements.set(Agreement.objects.filter(slug=AGREEMENT_SLUG))

    today = timezone.localdate()
    for spec in UPCOMING:
        spec = dict(spec)
        slug = spec.pop("slug")
        days_ahead = spec.pop("days_ahead")
        start_hour, end_hour = spec.pop("hours")
        sector_slugs = spec.pop("sectors")
        how_many = spec.pop("demo_registrations")
        zone = ZoneInfo(spec["time_zone"])
        day = today + datetime.timedelta(days=days_ahead)
        event, created = Event.objects.get_or_create(
            slug=slug,
            defaults={
                **spec,
                "status": Event.Status.PUBLISHED,
                "starts_at": datetime.datetime.combine(day, datetime.time(start_hour), zone),
                "ends_at": datetime.datetime.combine(day, datetime.time(end_hour), zone),
            },
        )
        if not created:
            continue
        event.sectors.set(Sector.objects.filter(slug__in=sector_slugs))
        Registration.objects.bulk_create(
            Registration(
                event=event,
                full_name=f"Demo Participant {number}",
                email=f"demo-participant-{number}@example.org",
                organisation="Example Trading LLC (demo)",
                position="Manager",
                consent=True,
                consent_at=timezone.now(),
                status=Registration.Status.CONFIRMED,
            )
            for number in range(1, how_many + 1)
        )
