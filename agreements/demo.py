"""Demo content: the Action Program for 2022 between Azerbaijan and the Astrakhan region.

What the founding article says is recorded as fact: who signed, when, and the areas the
programme covers. The programme's own text is not public here, so each measure's wording
beyond those areas, its due date, progress and reports, and the summary documents are demo
data and say so, in each language.

Idempotent (see portal.demo): the agreement and its parties are looked up by slug and
created once; the signatories, measures, reports and documents are created with the
agreement. When the agreement already exists, nothing is added or changed except the
translations an older load_demo did not write (signatories by their order, measures by
their number, reports by their date).
"""

import datetime

from django.core.files.base import ContentFile

from portal.demo import (
    FOUNDING_ARTICLE_SLUG,
    fill_missing_translations,
    get_or_create_demo,
    in_three,
    text_columns,
)
from portal.models import NewsArticle, Sector

from .models import Agreement, AgreementDocument, Measure, Party, Signatory
from .services import record_progress

AGREEMENT_SLUG = "action-program-2022"

PARTIES = {
    "azerbaijan": {
        "name": in_three(
            "Republic of Azerbaijan", "Азербайджанская Республика", "Azərbaycan Respublikası"
        ),
        "kind": Party.Kind.STATE,
        "country": in_three("Azerbaijan", "Азербайджан", "Azərbaycan"),
    },
    "astrakhan-region": {
        "name": in_three("Astrakhan Region", "Астраханская область", "Həştərxan vilayəti"),
        "kind": Party.Kind.REGION,
        "country": in_three("Russia", "Россия", "Rusiya"),
    },
}

AGREEMENT = {
    "title": in_three(
        "Action Program for 2022 between Azerbaijan and the Astrakhan Region",
        "Программа действий на 2022 год по развитию сотрудничества между Азербайджанской "
        "Республикой и Астраханской областью",
        "Azərbaycan Respublikası ilə Həştərxan vilayəti arasında əməkdaşlığın inkişafına dair "
        "2022-ci il üçün Fəaliyyət Proqramı",
    ),
    "kind": Agreement.Kind.ACTION_PROGRAMME,
    "signed_on": datetime.date(2021, 12, 7),
    # The place of signing is left empty: the founding article does not give it.
    "valid_from": datetime.date(2022, 1, 1),
    "valid_until": datetime.date(2022, 12, 31),
    "status": Agreement.Status.IN_FORCE,
    "summary": in_three(
        "An Action Program for 2022 on the development of bilateral cooperation, signed on "
        "7 December 2021 by Azerbaijan's Minister of Economy Mikayil Jabbarov and the Governor "
        "of the Astrakhan Region Igor Babushkin. It includes measures to expand cooperation in "
        "industry, agriculture, mutual investment, small and medium-sized businesses, culture, "
        "tourism and sports. The parties also agreed to develop navigation and inter-port "
        "cooperation and to create trade networks in Astrakhan and Azerbaijan for mutual "
        "exports.\n\n"
        "*Demo content: the measures below, their due dates and progress reports illustrate "
        "the registry; they are not the programme's text.*",
        "Программа действий на 2022 год по развитию двустороннего сотрудничества подписана "
        "7 декабря 2021 года министром экономики Азербайджана Микаилом Джаббаровым и "
        "губернатором Астраханской области Игорем Бабушкиным. Документ предусматривает "
        "меры по расширению сотрудничества в сферах промышленности, сельского "
        "хозяйства, взаимных инвестиций, малого и среднего бизнеса, культуры, туризма и "
        "спорта. Стороны также договорились развивать судоходство и межпортовое "
        "сотрудничество, создавать в Астрахани и Азербайджане торговые сети для наращивания "
        "взаимного экспорта.\n\n"
        "*Демонстрационные данные: приведённые ниже меры, сроки их выполнения и отчёты "
        "показывают возможности реестра и не являются текстом программы.*",
        "İkitərəfli əməkdaşlığın inkişafına dair 2022-ci il üçün Fəaliyyət Proqramı 7 dekabr "
        "2021-ci ildə Azərbaycanın iqtisadiyyat naziri Mikayıl Cabbarov və Həştərxan "
        "vilayətinin qubernatoru İqor Babuşkin tərəfindən imzalanıb. Sənəddə sənaye, kənd "
        "təsərrüfatı, qarşılıqlı investisiyalar, kiçik və orta biznes, mədəniyyət, turizm və "
        "idman sahələrində əməkdaşlığın genişləndirilməsi üzrə tədbirlər əksini tapıb. "
        "Tərəflər həmçinin gəmiçilik və limanlararası əməkdaşlığı inkişaf etdirmək, "
        "qarşılıqlı ixracın artırılması üçün Həştərxanda və Azərbaycanda ticarət şəbəkələri "
        "yaratmaq barədə razılığa gəliblər.\n\n"
        "*Nümunə məlumatlar: aşağıdakı bəndlər, onların icra müddətləri və hesabatlar "
        "reyestrin imkanlarını göstərir, proqramın mətni deyil.*",
    ),
}

SIGNATORIES = [
    {
        "name": in_three("Mikayil Jabbarov", "Микаил Джаббаров", "Mikayıl Cabbarov"),
        "position": in_three(
            "Minister of Economy of the Republic of Azerbaijan",
            "Министр экономики Азербайджанской Республики",
            "Azərbaycan Respublikasının iqtisadiyyat naziri",
        ),
        "party": "azerbaijan",
    },
    {
        "name": in_three("Igor Babushkin", "Игорь Бабушкин", "İqor Babuşkin"),
        "position": in_three(
            "Governor of the Astrakhan Region",
            "Губернатор Астраханской области",
            "Həştərxan vilayətinin qubernatoru",
        ),
        "party": "astrakhan-region",
    },
]

DOCUMENT_TITLE = in_three(
    "Summary of the Action Program (demo)",
    "Краткое изложение Программы действий (демо)",
    "Fəaliyyət Proqramının qısa məzmunu (nümunə)",
)

DEMO_NOTE = in_three(
    "*Demo data: the area comes from the founding article; this wording, the due date and "
    "the progress reports are invented for the demonstration.*",
    "*Демонстрационные данные: направление взято из новости о подписании программы; "
    "формулировка, срок и отчёты о ходе выполнения придуманы для примера.*",
    "*Nümunə məlumatlar: istiqamət proqramın imzalanması barədə xəbərdən götürülüb; "
    "bəndin mətni, icra müddəti və hesabatlar nümunə üçün hazırlanıb.*",
)

# number, sector, weight, title, what it means, reports [(date, progress, text)]
MEASURES = [
    ("1.1", "industry", 1,
     in_three("Expand bilateral cooperation in industry",
              "Расширение двустороннего сотрудничества в сфере промышленности",
              "Sənaye sahəsində ikitərəfli əməkdaşlığın genişləndirilməsi"),
     in_three("Agree a list of joint industrial projects and support their launch.",
              "Согласование перечня совместных промышленных проектов и содействие их запуску.",
              "Birgə sənaye layihələrinin siyahısının razılaşdırılması və onların icrasına "
              "dəstək."),
     [("2022-04-15", 30,
       in_three("Demo report: a list of joint industrial projects was agreed.",
                "Демонстрационный отчёт: согласован перечень совместных промышленных проектов.",
                "Nümunə hesabat: birgə sənaye layihələrinin siyahısı razılaşdırılıb.")),
      ("2022-10-01", 60,
       in_three("Demo report: two projects started.",
                "Демонстрационный отчёт: начата реализация двух проектов.",
                "Nümunə hesabat: iki layihənin icrasına başlanılıb."))]),
    ("1.2", "industry", 1,
     in_three("Joint projects of industrial enterprises (demo)",
              "Совместные проекты промышленных предприятий (демо)",
              "Sənaye müəssisələrinin birgə layihələri (nümunə)"),
     in_three("Prepare joint projects of industrial enterprises of both sides.",
              "Подготовка совместных проектов промышленных предприятий обеих сторон.",
              "Hər iki tərəfin sənaye müəssisələrinin birgə layihələrinin hazırlanması."),
     []),
    ("2.1", "agriculture", 1,
     in_three("Expand bilateral cooperation in agriculture",
              "Расширение двустороннего сотрудничества в сфере сельского хозяйства",
              "Kənd təsərrüfatı sahəsində ikitərəfli əməkdaşlığın genişləndirilməsi"),
     in_three("Increase supplies of fruit and vegetables and develop direct contracts "
              "between producers and buyers.",
              "Увеличение поставок плодоовощной продукции и развитие прямых контрактов "
              "между производителями и покупателями.",
              "Meyvə-tərəvəz tədarükünün artırılması, istehsalçılar və alıcılar arasında "
              "birbaşa müqavilələrin inkişafı."),
     [("2022-06-20", 50,
       in_three("Demo report: supply contracts for vegetables were signed.",
                "Демонстрационный отчёт: подписаны контракты на поставку овощей.",
                "Nümunə hesabat: tərəvəz tədarükünə dair müqavilələr imzalanıb.")),
      ("2022-12-10", 100,
       in_three("Demo report: the planned deliveries were completed.",
                "Демонстрационный отчёт: запланированные поставки выполнены.",
                "Nümunə hesabat: planlaşdırılan tədarüklər başa çatdırılıb."))]),
    ("3.1", "investment", 1,
     in_three("Expand mutual investment",
              "Расширение взаимных инвестиций",
              "Qarşılıqlı investisiyaların genişləndirilməsi"),
     in_three("Present investment projects of both sides to potential investors.",
              "Презентация инвестиционных проектов обеих сторон потенциальным инвесторам.",
              "Hər iki tərəfin investisiya layihələrinin potensial investorlara təqdim "
              "edilməsi."),
     [("2022-09-05", 40,
       in_three("Demo report: an investment forum was held.",
                "Демонстрационный отчёт: проведён инвестиционный форум.",
                "Nümunə hesabat: investisiya forumu keçirilib."))]),
    ("4.1", "smb", 1,
     in_three("Develop partnership between small and medium-sized businesses",
              "Развитие партнёрства в сфере малого и среднего бизнеса",
              "Kiçik və orta biznes sahəsində tərəfdaşlığın inkişafı"),
     in_three("Hold regular B2B meetings for small and medium-sized companies of both sides "
              "at the business centre.",
              "Регулярное проведение B2B-встреч малых и средних компаний обеих сторон на "
              "площадке делового центра.",
              "Biznes mərkəzində hər iki tərəfin kiçik və orta şirkətləri üçün mütəmadi B2B "
              "görüşlərinin keçirilməsi."),
     [("2022-05-12", 60,
       in_three("Demo report: B2B meetings took place at the business centre.",
                "Демонстрационный отчёт: на площадке делового центра прошли B2B-встречи.",
                "Nümunə hesabat: biznes mərkəzində B2B görüşləri keçirilib.")),
      ("2022-11-30", 100,
       in_three("Demo report: the meeting programme for the year is complete.",
                "Демонстрационный отчёт: программа встреч на год выполнена.",
                "Nümunə hesabat: illik görüşlər proqramı tamamlanıb."))]),
    ("5.1", "culture", 1,
     in_three("Expand cooperation in culture",
              "Расширение сотрудничества в сфере культуры",
              "Mədəniyyət sahəsində əməkdaşlığın genişləndirilməsi"),
     in_three("Hold days of Azerbaijani culture in Astrakhan and days of the Astrakhan "
              "region's culture in Azerbaijan.",
              "Проведение Дней культуры Азербайджана в Астрахани и Дней культуры "
              "Астраханской области в Азербайджане.",
              "Həştərxanda Azərbaycan mədəniyyəti günlərinin, Azərbaycanda isə Həştərxan "
              "vilayətinin mədəniyyət günlərinin keçirilməsi."),
     [("2022-08-25", 100,
       in_three("Demo report: days of culture were held in both regions.",
                "Демонстрационный отчёт: Дни культуры прошли в обоих регионах.",
                "Nümunə hesabat: mədəniyyət günləri hər iki tərəfdə keçirilib."))]),
    ("6.1", "tourism", 1,
     in_three("Expand cooperation in tourism",
              "Расширение сотрудничества в сфере туризма",
              "Turizm sahəsində əməkdaşlığın genişləndirilməsi"),
     in_three("Present the tourism potential of both sides to tour operators.",
              "Презентация туристического потенциала обеих сторон для туроператоров.",
              "Hər iki tərəfin turizm potensialının turoperatorlara təqdim edilməsi."),
     [("2022-07-01", 70,
       in_three("Demo report: joint tourism presentations were made.",
                "Демонстрационный отчёт: проведены совместные туристические презентации.",
                "Nümunə hesabat: birgə turizm təqdimatları keçirilib."))]),
    ("6.2", "tourism", 1,
     in_three("Tourist routes between Baku and Astrakhan (demo)",
              "Туристические маршруты между Баку и Астраханью (демо)",
              "Bakı ilə Həştərxan arasında turist marşrutları (nümunə)"),
     in_three("Develop tourist routes that link Baku and Astrakhan.",
              "Разработка туристических маршрутов, связывающих Баку и Астрахань.",
              "Bakı ilə Həştərxanı birləşdirən turist marşrutlarının hazırlanması."),
     [("2022-09-15", 30,
       in_three("Demo report: two routes are being prepared.",
                "Демонстрационный отчёт: идёт подготовка двух маршрутов.",
                "Nümunə hesabat: iki marşrut hazırlanır."))]),
    ("7.1", "sports", 1,
     in_three("Expand cooperation in sports",
              "Расширение сотрудничества в сфере спорта",
              "İdman sahəsində əməkdaşlığın genişləndirilməsi"),
     in_three("Hold joint sports competitions and exchange coaches and athletes.",
              "Проведение совместных спортивных соревнований, обмен тренерами и спортсменами.",
              "Birgə idman yarışlarının keçirilməsi, məşqçi və idmançı mübadiləsi."),
     []),
    ("8.1", "navigation-ports", 2,
     in_three("Develop navigation and inter-port cooperation",
              "Развитие судоходства и межпортового сотрудничества",
              "Gəmiçilik və limanlararası əməkdaşlığın inkişafı"),
     in_three("Increase cargo traffic between the ports of Astrakhan and Baku and "
              "coordinate the ports' work.",
              "Наращивание грузопотока между портами Астрахани и Баку, координация работы "
              "портов.",
              "Həştərxan və Bakı limanları arasında yük axınının artırılması, limanların "
              "fəaliyyətinin əlaqələndirilməsi."),
     [("2022-03-10", 20,
       in_three("Demo report: the ports agreed a schedule of consultations.",
                "Демонстрационный отчёт: порты согласовали график консультаций.",
                "Nümunə hesabat: limanlar məsləhətləşmələrin cədvəlini razılaşdırıb.")),
      ("2022-10-20", 50,
       in_three("Demo report: a working group on cargo flows was set up.",
                "Демонстрационный отчёт: создана рабочая группа по грузопотокам.",
                "Nümunə hesabat: yük axınları üzrə işçi qrup yaradılıb."))]),
    ("9.1", "trade", 2,
     in_three("Create trade networks in Astrakhan and Azerbaijan to strengthen mutual exports",
              "Создание торговых сетей в Астрахани и Азербайджане для наращивания взаимного "
              "экспорта",
              "Qarşılıqlı ixracın artırılması üçün Həştərxanda və Azərbaycanda ticarət "
              "şəbəkələrinin yaradılması"),
     in_three("Open trade houses through which producers of each side sell their goods on "
              "the other side's market.",
              "Открытие торговых домов, через которые производители каждой стороны "
              "реализуют продукцию на рынке другой.",
              "Hər tərəfin istehsalçılarının məhsullarını digər tərəfin bazarında satacağı "
              "ticarət evlərinin açılması."),
     [("2022-06-01", 50,
       in_three("Demo report: premises for a trade house were chosen.",
                "Демонстрационный отчёт: выбрано помещение для торгового дома.",
                "Nümunə hesabat: ticarət evi üçün bina seçilib.")),
      ("2022-12-15", 100,
       in_three("Demo report: the trade house opened.",
                "Демонстрационный отчёт: торговый дом открыт.",
                "Nümunə hesabat: ticarət evi açılıb."))]),
]  # fmt: skip


FULL_TEXT_INTRO = in_three(
    "*Demo text: the founding article names the programme's areas but does not publish its "
    "wording; this text is put together from the demo measures to show how an agreement's "
    "full text reads on its page.*\n\n"
    "The Republic of Azerbaijan and the Astrakhan Region of the Russian Federation, "
    "hereinafter the Parties, seeking to develop bilateral cooperation, have agreed on the "
    "following measures for 2022.",
    "*Демонстрационный текст: в новости о подписании названы направления программы, но не "
    "её текст; этот текст составлен из демонстрационных мер и показывает, как полный текст "
    "соглашения выглядит на его странице.*\n\n"
    "Азербайджанская Республика и Астраханская область Российской Федерации, далее "
    "именуемые Сторонами, стремясь к развитию двустороннего сотрудничества, договорились о "
    "следующих мерах на 2022 год.",
    "*Nümunə mətn: proqramın imzalanması barədə xəbərdə onun istiqamətləri göstərilib, "
    "mətni isə dərc olunmayıb; bu mətn nümunə bəndlərdən tərtib edilib və sazişin tam "
    "mətninin onun səhifəsində necə göründüyünü göstərir.*\n\n"
    "Azərbaycan Respublikası və Rusiya Federasiyasının Həştərxan vilayəti, bundan sonra "
    "Tərəflər adlandırılacaq, ikitərəfli əməkdaşlığı inkişaf etdirmək məqsədilə 2022-ci il "
    "üçün aşağıdakı bəndlər barədə razılığa gəliblər.",
)
FULL_TEXT_CLOSING = in_three(
    "Signed on 7 December 2021 by the Minister of Economy of the Republic of Azerbaijan "
    "Mikayil Jabbarov and the Governor of the Astrakhan Region Igor Babushkin.",
    "Подписано 7 декабря 2021 года министром экономики Азербайджанской Республики Микаилом "
    "Джаббаровым и губернатором Астраханской области Игорем Бабушкиным.",
    "7 dekabr 2021-ci ildə Azərbaycan Respublikasının iqtisadiyyat naziri Mikayıl Cabbarov "
    "və Həştərxan vilayətinin qubernatoru İqor Babuşkin tərəfindən imzalanıb.",
)


def full_text(language: str) -> str:
    """The demo's full text: an introduction, each measure as a numbered clause, the
    signatures (marked as demo data in each language)."""
    clauses = [
        f"**{number}.** {title[language]}. {meaning[language]}"
        for number, _sector, _weight, title, meaning, _reports in MEASURES
    ]
    return "\n\n".join([FULL_TEXT_INTRO[language], *clauses, FULL_TEXT_CLOSING[language]])


AGREEMENT["full_text"] = {code: full_text(code) for code in ("en", "ru", "az")}


def measure_description(meaning: dict[str, str]) -> dict[str, str]:
    return {code: f"{text}\n\n{DEMO_NOTE[code]}" for code, text in meaning.items()}


def summary_document(language: str) -> ContentFile:
    """The agreement's title and summary as a small RTF file (Unicode escapes, so any
    word processor shows Cyrillic and Azerbaijani letters)."""
    paragraphs = [AGREEMENT["title"][language], *AGREEMENT["summary"][language].split("\n\n")]

    def escape(text: str) -> str:
        text = text.replace("*", "")
        return "".join(
            "\\" + char if char in "\\{}" else char if ord(char) < 128 else f"\\u{ord(char)}?"
            for char in text
        )

    body = "\\par\\par\n".join(escape(paragraph) for paragraph in paragraphs)
    rtf = "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs24\n" + body + "\n}"
    return ContentFile(rtf.encode("ascii"), name=f"action-program-2022-summary-{language}.rtf")


def load() -> None:
    parties = {
        slug: get_or_create_demo(Party, spec, slug=slug)[0] for slug, spec in PARTIES.items()
    }
    agreement, created = get_or_create_demo(Agreement, AGREEMENT, slug=AGREEMENT_SLUG)
    if not created:
        fill_children(agreement)
        return
    agreement.parties.set(parties.values())
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    agreement.sectors.set(sectors[slug] for slug in {m[1] for m in MEASURES} if slug in sectors)
    for order, spec in enumerate(SIGNATORIES):
        Signatory.objects.create(
            agreement=agreement,
            party=parties[spec["party"]],
            order=order,
            **text_columns({"name": spec["name"], "position": spec["position"]}),
        )
    for order, language in enumerate(("en", "ru", "az")):
        AgreementDocument.objects.create(
            agreement=agreement,
            language=language,
            order=order,
            file=summary_document(language),
            **text_columns({"title": DOCUMENT_TITLE}),
        )
    for number, sector, weight, title, meaning, reports in MEASURES:
        measure = Measure.objects.create(
            agreement=agreement,
            number=number,
            sector=sectors.get(sector),
            weight=weight,
            due_on=datetime.date(2022, 12, 31),
            **text_columns({"title": title, "description": measure_description(meaning)}),
        )
        measure.responsible_bodies.set(parties.values())
        for date, progress, text in reports:
            record_progress(
                measure=measure,
                reported_on=datetime.date.fromisoformat(date),
                progress=progress,
                texts=text,
            )
    article = NewsArticle.objects.filter(slug=FOUNDING_ARTICLE_SLUG).first()
    if article:
        agreement.related_news.add(article)


def fill_children(agreement: Agreement) -> None:
    """The translations an older load_demo did not write, on the demo rows still there."""
    signatories = {signatory.order: signatory for signatory in agreement.signatories.all()}
    for order, spec in enumerate(SIGNATORIES):
        if order in signatories:
            texts = {"name": spec["name"], "position": spec["position"]}
            fill_missing_translations(signatories[order], texts)
    measures = {measure.number: measure for measure in agreement.measures.all()}
    for number, _sector, _weight, title, meaning, reports in MEASURES:
        measure = measures.get(number)
        if measure is None:
            continue
        texts = {"title": title, "description": measure_description(meaning)}
        fill_missing_translations(measure, texts)
        by_date = {report.reported_on.isoformat(): report for report in measure.reports.all()}
        for date, _progress, text in reports:
            if date in by_date:
                fill_missing_translations(by_date[date], {"text": text})
