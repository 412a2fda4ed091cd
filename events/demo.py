"""Demo events: the centre's opening (past) and a few clearly marked demo events ahead.

Idempotent (see portal.demo): events and the privacy page are looked up by slug and
created once; an existing one only gains the translations an older load_demo did not
write. Upcoming demo events are dated relative to the day they are first loaded.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from agreements.demo import AGREEMENT_SLUG
from agreements.models import Agreement
from portal.demo import FOUNDING_ARTICLE_SLUG, get_or_create_demo, in_three
from portal.models import PRIVACY_PAGE_SLUG, NewsArticle, Page, Sector

from . import demo_images
from .models import Event, Registration

OPENING_SLUG = "opening-of-the-astrakhan-business-center"
NEARLY_FULL_SLUG = "demo-b2b-meetings-agriculture-and-food"
FORUM_SLUG = "demo-caspian-trade-and-logistics-forum"
SEMINAR_SLUG = "demo-online-seminar-export-support-for-smb"

PRIVACY_PAGE = {
    "title": in_three("Privacy policy", "Политика конфиденциальности", "Məxfilik siyasəti"),
    "body": in_three(
        "When you register for an event we store your name, email, organisation, position "
        "and (if you give it) phone number, to manage the event and to write to you about it. "
        "We do not share them with anyone except the event's organisers, and we delete them "
        "after the retention period.\n\n"
        "With the link in your email you can cancel your registration at any time, and erase "
        "your personal data.\n\n"
        "*Demo text: staff replace it in the admin under Pages.*",
        "При регистрации на мероприятие мы храним ваши имя, адрес электронной почты, "
        "организацию, должность и (если вы его указали) номер телефона, чтобы провести "
        "мероприятие и сообщать вам о нём. Мы передаём эти данные только организаторам "
        "мероприятия и удаляем их по истечении срока хранения.\n\n"
        "По ссылке из письма вы можете в любой момент отменить регистрацию и удалить свои "
        "персональные данные.\n\n"
        "*Демонстрационный текст: сотрудники заменяют его в панели администратора, "
        "в разделе «Страницы».*",
        "Tədbirə qeydiyyatdan keçərkən tədbiri təşkil etmək və sizə onunla bağlı yazmaq üçün "
        "adınızı, e-poçt ünvanınızı, təşkilatınızı, vəzifənizi və (göstərmisinizsə) telefon "
        "nömrənizi saxlayırıq. Bu məlumatları yalnız tədbirin təşkilatçıları ilə bölüşürük və "
        "saxlanma müddəti başa çatdıqdan sonra silirik.\n\n"
        "Məktubdakı keçid vasitəsilə qeydiyyatınızı istənilən vaxt ləğv edə və şəxsi "
        "məlumatlarınızı silə bilərsiniz.\n\n"
        "*Nümunə mətn: əməkdaşlar onu idarəetmə panelində, «Səhifələr» bölməsində "
        "dəyişirlər.*",
    ),
    "version": "1",
}

CENTRE = in_three(
    "Astrakhan Business Center", "Астраханский деловой центр", "Həştərxan Biznes Mərkəzi"
)

# The centre opened in Baku on 7 December 2021; the hours are not in the founding article.
OPENING = {
    "title": in_three(
        "Opening of the Astrakhan Business Center",
        "Открытие Астраханского делового центра",
        "Həştərxan Biznes Mərkəzinin açılışı",
    ),
    "kind": Event.Kind.OPENING,
    "time_zone": "Asia/Baku",
    "venue_name": CENTRE,
    "venue_address": in_three(
        "Baku, Azerbaijan (demo address)",
        "Баку, Азербайджан (демонстрационный адрес)",
        "Bakı, Azərbaycan (nümunə ünvan)",
    ),
    "description": in_three(
        "The Astrakhan Business Center opened in Baku on 7 December 2021 as a platform for "
        "cooperation between Azerbaijan and the Astrakhan region. The same day Azerbaijan's "
        "Minister of Economy Mikayil Jabbarov and the Governor of the Astrakhan Region "
        "Igor Babushkin signed the Action Program for 2022.\n\n"
        "*Demo data: the times of the ceremony and the list of organisers are illustrative.*",
        "Астраханский деловой центр открылся в Баку 7 декабря 2021 года как площадка для "
        "сотрудничества Азербайджана и Астраханской области. В тот же день министр экономики "
        "Азербайджана Микаил Джаббаров и губернатор Астраханской области Игорь Бабушкин "
        "подписали Программу действий на 2022 год.\n\n"
        "*Демонстрационные данные: время церемонии и состав организаторов указаны для "
        "примера.*",
        "Həştərxan Biznes Mərkəzi 7 dekabr 2021-ci ildə Bakıda Azərbaycan ilə Həştərxan "
        "vilayəti arasında əməkdaşlıq platforması kimi açılıb. Həmin gün Azərbaycanın "
        "iqtisadiyyat naziri Mikayıl Cabbarov və Həştərxan vilayətinin qubernatoru "
        "İqor Babuşkin 2022-ci il üçün Fəaliyyət Proqramını imzalayıblar.\n\n"
        "*Nümunə məlumatlar: mərasimin vaxtı və təşkilatçıların siyahısı nümunə kimi "
        "göstərilib.*",
    ),
    "organisers": in_three(
        "Government of the Astrakhan region, Ministry of Economy of Azerbaijan",
        "Правительство Астраханской области, Министерство экономики Азербайджана",
        "Həştərxan vilayətinin hökuməti, Azərbaycan İqtisadiyyat Nazirliyi",
    ),
    "status": Event.Status.PUBLISHED,
}

DEMO_NOTE = in_three(
    "\n\n*This is a demo event: you can try registering, but it will not take place.*",
    "\n\n*Это демонстрационное мероприятие: регистрацию можно опробовать, само мероприятие "
    "не состоится.*",
    "\n\n*Bu, nümunə tədbirdir: qeydiyyatı sınaya bilərsiniz, lakin tədbir keçirilməyəcək.*",
)


def with_demo_note(description: dict[str, str]) -> dict[str, str]:
    return {code: text + DEMO_NOTE[code] for code, text in description.items()}


UPCOMING = [
    {
        "slug": NEARLY_FULL_SLUG,
        "days_ahead": 7,
        "hours": (10, 14),
        "title": in_three(
            "Demo: B2B meetings on agriculture and food exports",
            "Демо: B2B-встречи по экспорту сельскохозяйственной и пищевой продукции",
            "Nümunə: kənd təsərrüfatı və ərzaq məhsullarının ixracı üzrə B2B görüşləri",
        ),
        "kind": Event.Kind.B2B,
        "time_zone": "Asia/Baku",
        "venue_name": in_three(
            "Demo conference hall", "Демонстрационный конференц-зал", "Nümunə konfrans zalı"
        ),
        "venue_address": in_three(
            "1 Example Street, Baku (demo)", "Баку, ул. Примерная, 1", "Bakı, Nümunə küçəsi, 1"
        ),
        "capacity": 20,
        "sectors": ["agriculture", "trade"],
        "description": with_demo_note(
            in_three(
                "Short one-to-one meetings between Azerbaijani producers of fruit, vegetables "
                "and food and buyers from the Astrakhan region and other Russian regions. Each "
                "meeting lasts 15 minutes; participants receive their schedule the day before.",
                "Короткие встречи один на один азербайджанских производителей фруктов, овощей "
                "и продуктов питания с покупателями из Астраханской области и других регионов "
                "России. Каждая встреча длится 15 минут; график встреч участники получат "
                "накануне.",
                "Azərbaycanın meyvə, tərəvəz və ərzaq istehsalçıları ilə Həştərxan vilayətindən "
                "və Rusiyanın digər bölgələrindən olan alıcılar arasında təkbətək qısa "
                "görüşlər. Hər görüş 15 dəqiqə davam edir; görüşlərin cədvəli iştirakçılara "
                "bir gün əvvəl göndəriləcək.",
            )
        ),
        "organisers": CENTRE,
        "image": demo_images.tomatoes_in_a_crate,
        "image_alt": in_three(
            "Illustration: ripe red tomatoes in a wooden crate",
            "Иллюстрация: спелые красные томаты в деревянном ящике",
            "İllüstrasiya: taxta yeşikdə yetişmiş qırmızı pomidorlar",
        ),
        "demo_registrations": 19,
    },
    {
        "slug": FORUM_SLUG,
        "days_ahead": 14,
        "hours": (10, 17),
        "title": in_three(
            "Demo: Caspian trade and logistics forum",
            "Демо: Каспийский форум по торговле и логистике",
            "Nümunə: Xəzər ticarət və logistika forumu",
        ),
        "kind": Event.Kind.FORUM,
        "time_zone": "Europe/Astrakhan",
        "venue_name": in_three(
            "Demo exhibition centre", "Демонстрационный выставочный центр", "Nümunə sərgi mərkəzi"
        ),
        "venue_address": in_three(
            "1 Example Embankment, Astrakhan (demo)",
            "Астрахань, Примерная набережная, 1",
            "Həştərxan, Nümunə sahil küçəsi, 1",
        ),
        "capacity": 150,
        "sectors": ["navigation-ports", "trade", "investment"],
        "description": with_demo_note(
            in_three(
                "Ports, shipping lines, logistics companies and traders of the Caspian discuss "
                "cargo flows between Astrakhan and Baku, new routes and how to shorten the "
                "time goods spend in port.",
                "Порты, судоходные и логистические компании, торговые организации Каспийского "
                "региона обсудят грузопотоки между Астраханью и Баку, новые маршруты и "
                "сокращение сроков обработки грузов в портах.",
                "Xəzər regionunun limanları, gəmiçilik və logistika şirkətləri, ticarət "
                "təşkilatları Həştərxan ilə Bakı arasında yük axınlarını, yeni marşrutları və "
                "limanlarda yüklərin emalı müddətinin qısaldılmasını müzakirə edəcəklər.",
            )
        ),
        "organisers": CENTRE,
        "image": demo_images.cargo_ship,
        "image_alt": in_three(
            "Illustration: a cargo ship loaded with containers at sea",
            "Иллюстрация: грузовое судно с контейнерами в море",
            "İllüstrasiya: dənizdə konteynerlərlə yüklənmiş yük gəmisi",
        ),
        "demo_registrations": 3,
    },
    {
        "slug": SEMINAR_SLUG,
        "days_ahead": 30,
        "hours": (11, 13),
        "title": in_three(
            "Demo: online seminar on export support for small business",
            "Демо: онлайн-семинар о мерах поддержки экспорта для малого бизнеса",
            "Nümunə: kiçik biznes üçün ixraca dəstək mexanizmlərinə dair onlayn seminar",
        ),
        "kind": Event.Kind.SEMINAR,
        "time_zone": "Asia/Baku",
        "online_url": "https://example.org/demo-webinar",
        "capacity": None,
        "sectors": ["smb", "trade"],
        "description": with_demo_note(
            in_three(
                "How the export support programmes of both sides work, and how a small "
                "company applies for them.",
                "Как устроены программы поддержки экспорта обеих сторон и как малой компании "
                "подать заявку на участие в них.",
                "Hər iki tərəfin ixraca dəstək proqramları necə işləyir və kiçik şirkət "
                "onlarda iştirak etmək üçün necə müraciət edə bilər.",
            )
        ),
        "organisers": CENTRE,
        "demo_registrations": 0,
    },
]


def load() -> None:
    get_or_create_demo(Page, PRIVACY_PAGE, slug=PRIVACY_PAGE_SLUG)

    opening_day = datetime.date(2021, 12, 7)
    baku = ZoneInfo(OPENING["time_zone"])
    opening, created = get_or_create_demo(
        Event,
        {
            **OPENING,
            "starts_at": datetime.datetime.combine(opening_day, datetime.time(11), baku),
            "ends_at": datetime.datetime.combine(opening_day, datetime.time(15), baku),
        },
        slug=OPENING_SLUG,
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
        draw_image = spec.pop("image", None)
        zone = ZoneInfo(spec["time_zone"])
        day = today + datetime.timedelta(days=days_ahead)
        event, created = get_or_create_demo(
            Event,
            {
                **spec,
                "status": Event.Status.PUBLISHED,
                "starts_at": datetime.datetime.combine(day, datetime.time(start_hour), zone),
                "ends_at": datetime.datetime.combine(day, datetime.time(end_hour), zone),
            },
            slug=slug,
        )
        if not created:
            continue
        if draw_image:
            picture = draw_image()
            event.image.save(picture.name, picture)
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
