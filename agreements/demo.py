"""Demo content: the Action Program for 2022 between Azerbaijan and the Astrakhan region.

What the founding article says is recorded as fact: who signed, when, and the areas
the programme covers. The programme's own text is not public here, so each measure's
wording beyond those areas, its due date, progress and reports are demo data and say
so. Idempotent: nothing is created or changed when the agreement already exists.
"""

import datetime

from portal.demo import FOUNDING_ARTICLE_SLUG
from portal.models import NewsArticle, Sector

from .models import Agreement, Measure, Party, Signatory
from .services import record_progress

AGREEMENT_SLUG = "action-program-2022"

PARTIES = {
    "azerbaijan": {
        "name": "Republic of Azerbaijan",
        "name_ru": "Азербайджанская Республика",
        "name_az": "Azərbaycan Respublikası",
        "kind": Party.Kind.STATE,
        "country": "Azerbaijan",
    },
    "astrakhan-region": {
        "name": "Astrakhan Region (Russian Federation)",
        "name_ru": "Астраханская область (Российская Федерация)",
        "name_az": "Həştərxan vilayəti (Rusiya Federasiyası)",
        "kind": Party.Kind.REGION,
        "country": "Russia",
    },
}

AGREEMENT = {
    "title": "Action Program for 2022 between Azerbaijan and the Astrakhan Region",
    "title_ru": "Программа действий на 2022 год между Азербайджаном и Астраханской областью",
    "title_az": "Azərbaycan ilə Həştərxan vilayəti arasında 2022-ci il üçün Fəaliyyət Proqramı",
    "kind": Agreement.Kind.ACTION_PROGRAMME,
    "signed_on": datetime.date(2021, 12, 7),
    "valid_from": datetime.date(2022, 1, 1),
    "valid_until": datetime.date(2022, 12, 31),
    "status": Agreement.Status.IN_FORCE,
    "summary": (
        "An Action Program for 2022 on the development of bilateral cooperation, signed on "
        "7 December 2021 by Azerbaijan's Minister of Economy Mikayil Jabbarov and the Governor "
        "of the Astrakhan Region Igor Babushkin. It includes measures to expand cooperation in "
        "industry, agriculture, mutual investment, SMBs, culture, tourism and sports, and the "
        "parties agreed to develop navigation and inter-port cooperation and trade networks "
        "for mutual exports.\n\n"
        "*Demo content: the measures below are illustrations, not the programme's text.*"
    ),
    "summary_ru": (
        "Программа действий на 2022 год по развитию двустороннего сотрудничества, подписанная "
        "7 декабря 2021 года министром экономики Азербайджана Микаилом Джаббаровым и "
        "губернатором Астраханской области Игорем Бабушкиным. Она включает меры по расширению "
        "сотрудничества в промышленности, сельском хозяйстве, взаимных инвестициях, малом и "
        "среднем бизнесе, культуре, туризме и спорте; стороны также договорились развивать "
        "судоходство и межпортовое сотрудничество и торговые сети для взаимного экспорта.\n\n"
        "*Демонстрационные данные: меры ниже — примеры, а не текст программы.*"
    ),
    "summary_az": (
        "İkitərəfli əməkdaşlığın inkişafına dair 2022-ci il üçün Fəaliyyət Proqramı 7 dekabr "
        "2021-ci ildə Azərbaycanın iqtisadiyyat naziri Mikayıl Cabbarov və Həştərxan "
        "vilayətinin qubernatoru İqor Babuşkin tərəfindən imzalanıb. Proqram sənaye, kənd "
        "təsərrüfatı, qarşılıqlı investisiyalar, kiçik və orta biznes, mədəniyyət, turizm və "
        "idman sahələrində əməkdaşlığın genişləndirilməsi üzrə tədbirləri əhatə edir; tərəflər "
        "həmçinin gəmiçilik və limanlararası əməkdaşlığı, qarşılıqlı ixrac üçün ticarət "
        "şəbəkələrini inkişaf etdirməyə razılaşıblar.\n\n"
        "*Nümayiş məlumatları: aşağıdakı tədbirlər proqramın mətni deyil, nümunədir.*"
    ),
}

SIGNATORIES = [
    (
        "Mikayil Jabbarov",
        "Minister of Economy of the Republic of Azerbaijan",
        "Министр экономики Азербайджанской Республики",
        "Azərbaycan Respublikasının iqtisadiyyat naziri",
        "azerbaijan",
    ),
    (
        "Igor Babushkin",
        "Governor of the Astrakhan Region",
        "Губернатор Астраханской области",
        "Həştərxan vilayətinin qubernatoru",
        "astrakhan-region",
    ),
]

DEMO_NOTE = (
    "Demo data: the area comes from the news article; this wording, the due date and the "
    "progress reports are invented for the demonstration."
)
DEMO_NOTE_RU = (
    "Демонстрационные данные: направление взято из новости; формулировка, срок и отчёты "
    "о ходе выполнения придуманы для демонстрации."
)
DEMO_NOTE_AZ = (
    "Nümayiş məlumatları: istiqamət xəbərdən götürülüb; bu mətn, müddət və icra "
    "hesabatları nümayiş üçün uydurulub."
)

# number, sector, weight, (title en, ru, az), reports [(date, progress, status, text)]
MEASURES = [
    ("1.1", "industry", 1,
     ("Expand bilateral cooperation in industry",
      "Расширение двустороннего сотрудничества в промышленности",
      "Sənayedə ikitərəfli əməkdaşlığın genişləndirilməsi"),
     [("2022-04-15", 30, "", "Demo report: a list of joint industrial projects was agreed."),
      ("2022-10-01", 60, "", "Demo report: two projects started.")]),
    ("1.2", "industry", 1,
     ("Joint projects of industrial enterprises (demo)",
      "Совместные проекты промышленных предприятий (демо)",
      "Sənaye müəssisələrinin birgə layihələri (demo)"),
     []),
    ("2.1", "agriculture", 1,
     ("Expand bilateral cooperation in agriculture",
      "Расширение двустороннего сотрудничества в сельском хозяйстве",
      "Kənd təsərrüfatında ikitərəfli əməkdaşlığın genişləndirilməsi"),
     [("2022-06-20", 50, "", "Demo report: supply contracts for vegetables were signed."),
      ("2022-12-10", 100, "", "Demo report: the planned deliveries were completed.")]),
    ("3.1", "investment", 1,
     ("Expand mutual investment",
      "Расширение взаимных инвестиций",
      "Qarşılıqlı investisiyaların genişləndirilməsi"),
     [("2022-09-05", 40, "", "Demo report: an investment forum was held.")]),
    ("4.1", "smb", 1,
     ("Develop partnership between small and medium-sized businesses",
      "Развитие партнёрства малого и среднего бизнеса",
      "Kiçik və orta biznes arasında tərəfdaşlığın inkişafı"),
     [("2022-05-12", 60, "", "Demo report: B2B meetings took place at the business centre."),
      ("2022-11-30", 100, "", "Demo report: the meeting programme for the year is complete.")]),
    ("5.1", "culture", 1,
     ("Expand cooperation in culture",
      "Расширение сотрудничества в сфере культуры",
      "Mədəniyyət sahəsində əməkdaşlığın genişləndirilməsi"),
     [("2022-08-25", 100, "", "Demo report: days of culture were held in both regions.")]),
    ("6.1", "tourism", 1,
     ("Expand cooperation in tourism",
      "Расширение сотрудничества в сфере туризма",
      "Turizm sahəsində əməkdaşlığın genişləndirilməsi"),
     [("2022-07-01", 70, "", "Demo report: joint tourism presentations were made.")]),
    ("6.2", "tourism", 1,
     ("Tourist routes between Baku and Astrakhan (demo)",
      "Туристические маршруты между Баку и Астраханью (демо)",
      "Bakı ilə Həştərxan arasında turist marşrutları (demo)"),
     [("2022-09-15", 30, "", "Demo report: two routes are being prepared.")]),
    ("7.1", "sports", 1,
     ("Expand cooperation in sports",
      "Расширение сотрудничества в сфере спорта",
      "İdman sahəsində əməkdaşlığın genişləndirilməsi"),
     []),
    ("8.1", "navigation-ports", 2,
     ("Develop navigation and inter-port cooperation",
      "Развитие судоходства и межпортового сотрудничества",
      "Gəmiçilik və limanlararası əməkdaşlığın inkişafı"),
     [("2022-03-10", 20, "", "Demo report: the ports agreed a schedule of consultations."),
      ("2022-10-20", 50, "", "Demo report: a working group on cargo flows was set up.")]),
    ("9.1", "trade", 2,
     ("Create trade networks in Astrakhan and Azerbaijan to strengthen mutual exports",
      "Создание торговых сетей в Астрахани и Азербайджане для укрепления взаимного экспорта",
      "Qarşılıqlı ixracın gücləndirilməsi üçün Həştərxanda və Azərbaycanda ticarət "
      "şəbəkələrinin yaradılması"),
     [("2022-06-01", 50, "", "Demo report: premises for a trade house were chosen."),
      ("2022-12-15", 100, "", "Demo report: the trade house opened.")]),
]  # fmt: skip


def load() -> None:
    parties = {}
    for slug, fields in PARTIES.items():
        parties[slug], _created = Party.objects.get_or_create(slug=slug, defaults=fields)
    agreement, created = Agreement.objects.get_or_create(slug=AGREEMENT_SLUG, defaults=AGREEMENT)
    if not created:
        return  # never overwrite what staff have edited
    agreement.parties.set(parties.values())
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    agreement.sectors.set(sectors[slug] for slug in {m[1] for m in MEASURES} if slug in sectors)
    for order, (name, position, position_ru, position_az, party) in enumerate(SIGNATORIES):
        Signatory.objects.create(
            agreement=agreement, name=name, position=position, position_ru=position_ru,
            position_az=position_az, party=parties[party], order=order,
        )  # fmt: skip
    for number, sector, weight, (title, title_ru, title_az), reports in MEASURES:
        measure = Measure.objects.create(
            agreement=agreement, number=number, sector=sectors.get(sector), weight=weight,
            title=title, title_ru=title_ru, title_az=title_az,
            description=DEMO_NOTE, description_ru=DEMO_NOTE_RU, description_az=DEMO_NOTE_AZ,
            due_on=datetime.date(2022, 12, 31),
        )  # fmt: skip
        measure.responsible_bodies.set(parties.values())
        for date, progress, status, text in reports:
            record_progress(
                measure=measure,
                reported_on=datetime.date.fromisoformat(date),
                progress=progress,
                status=status,
                text=text,
            )
    article = NewsArticle.objects.filter(slug=FOUNDING_ARTICLE_SLUG).first()
    if article:
        agreement.related_news.add(article)
