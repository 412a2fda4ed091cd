"""Skeleton look-ups: the rules (portal.lookup), Python and PostgreSQL agreeing, and the
queries that use them on the database in use."""

import pytest
from django.db import connection
from django.db.models import Value

from events.models import Registration
from portal.lookup import Skeleton, matching, search_terms, skeleton
from tests.factories import RegistrationFactory

# Spellings of one name, in the scripts and transliterations people use: each group meets.
SAME = [
    ["Petrov", "Петров", "PETROV", "петров", "ПЕТРОВ"],
    ["Hasanov", "Həsənov", "HƏSƏNOV", "Гасанов", "Gasanov"],
    ["Jabbarov", "Джаббаров", "Cabbarov", "Jabarov", "Dzhabbarov", "CABBAROV"],
    ["Aliyev", "Алиев", "Əliyev", "Aliev", "ƏLİYEV"],
    ["Mikayil", "Микаил", "Mikayıl", "Mikail", "MİKAYIL"],
    ["Məmmədov", "Мамедов", "Mammadov", "Mamedov"],
    ["Hüseynov", "Гусейнов", "Huseynov", "Husseinov"],
    ["Xəlilov", "Халилов", "Khalilov"],
    ["Qasımov", "Гасымов", "Gasimov"],
    ["Heydər", "Гейдар", "Heydar", "Haidar"],
    ["Gəncə", "Гянджа", "Ganja"],
    ["Şəki", "Шеки", "Sheki", "ŞƏKİ"],
    ["Çingiz", "Чингиз", "Chingiz"],
    ["Rəşad", "Рашад", "Rashad"],
    ["Yusif", "Юсиф", "Usif"],
    ["İlham", "ilham", "ILHAM", "Ильхам"],
    ["Sergey", "Сергей", "Sergei"],
    ["Maksim", "Максим", "Maxim"],
    ["Щукин", "Shchukin"],
    ["Шмидт", "Schmidt"],
    ["Ёлкин", "Елкин", "Yelkin"],  # ё is е, as Russian mostly writes it
    ["Babushkin", "Бабушкин"],
    ["Jackson", "Джексон"],
    ["O'Brien", "OBrien", "O’Brien"],
    ["Zoë", "Zoe", "ZOË"],
]
# Different names that must stay apart.
DIFFERENT = [
    ("Petrov", "Popov"),
    ("Aliyev", "Alimov"),
    ("Ivanov", "Ibanov"),
    ("Hasanov", "Husanov"),
    ("Jabbarov", "Jafarov"),
    ("Mammadov", "Mahmudov"),
    ("Şəki", "Saki"),
    ("Çingiz", "Jingiz"),
    ("Babushkin", "Baburin"),
    ("Ильхам", "Ильдар"),
    ("Kim", "Kom"),
]
# Names and words in every script the portal sees, for the Python/SQL comparison.
CORPUS = sorted(
    {name for group in SAME for name in group}
    | {name for pair in DIFFERENT for name in pair}
    | {
        "Mikayil Jabbarov", "Микаил Джаббаров", "Mikayıl Cabbarov", "Igor Babushkin",
        "Игорь Бабушкин", "İqor Babuşkin", "Азербайджанская Республика",
        "Azərbaycan Respublikası", "Астраханская область", "Həştərxan vilayəti",
        "торговля, судоходство и ТОРГОВЫЕ сети", "ticarət GƏMİÇİLİK kənd təsərrüfatı",
        "Ölkələrarası əməkdaşlıq", "Ğ ğ Ü ü Ö ö Ç ç Ş ş Ə ə I ı İ i", "Ъ ъ Ь ь Ы ы Э э Ю ю Я я Ё ё",
        "ivan.petrov@example.org", "Ann O'Neil-Smith", "  spaced   out  ", "---", "", "2022",
        "№ 3.2 (2022)", "Ҹәлил Һәсәнов Ғәни Ҝәнҹә Јусиф Өмәр Үзејир", "naïve café Ærø Łódź",
        "Ivanov_Petrov", "ΑΘΗΝΑ", "Zoë", "Straße", "Дж", "ие", "aaa", "ssss",
        "i\u0307", "И\u0306", "e\u0301", "ş\u0327",
    }
)  # fmt: skip


@pytest.mark.parametrize("group", SAME, ids=lambda group: group[0])
def test_spellings_of_one_name_meet(group):
    assert {skeleton(name) for name in group} == {skeleton(group[0])}


@pytest.mark.parametrize("pair", DIFFERENT, ids=lambda pair: "-".join(pair))
def test_different_names_stay_apart(pair):
    first, second = pair
    assert skeleton(first) != skeleton(second)


def test_skeleton_of_odd_values():
    assert skeleton(None) is None
    assert skeleton("") == skeleton("?!") == skeleton(" - ") == ""
    assert skeleton(42) == "42"
    assert skeleton("Ivan  PETROV,\tivan@example.org") == "ivan patrov ivan ahampla orh"


def test_search_terms_keep_quoted_words_together_and_drop_punctuation():
    assert search_terms('Петров "Ivan Ivanovich" - ?!') == ["patrov", "ivan ivanovič"]
    assert search_terms("petrov Петров") == ["patrov"]
    assert search_terms("") == []


@pytest.mark.django_db
def test_postgresql_function_gives_the_python_skeletons():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, portal_skeleton(value) FROM unnest(%s::text[]) AS value", [CORPUS]
        )
        in_sql = dict(cursor.fetchall())
    assert {value: skeleton(value) for value in CORPUS} == in_sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_skeleton(NULL)")
        assert cursor.fetchone() == (None,)


@pytest.mark.django_db
def test_the_database_function_is_the_python_one_on_any_database():
    RegistrationFactory(full_name="Микаил Джаббаров")
    annotated = Registration.objects.annotate(
        key=Skeleton("full_name"), literal=Skeleton(Value("Həsənov")), number=Skeleton("pk")
    ).get()
    assert annotated.key == skeleton("Mikayil Jabbarov")
    assert annotated.literal == "hasanov"
    assert annotated.number == str(annotated.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["петров", "PETROV", "Петров", "petr", "ПЕТР", "Ivan Petrov"])
def test_registrations_matching_any_case_and_script(query):
    event = RegistrationFactory(full_name="Иван Петров").event
    RegistrationFactory(event=event, full_name="Ivan Petrov", email="ip@example.org")
    RegistrationFactory(event=event, full_name="Anna Popova", email="anna@example.org")
    found = set(Registration.objects.matching(query).values_list("full_name", flat=True))
    assert found == {"Иван Петров", "Ivan Petrov"}


@pytest.mark.django_db
def test_registrations_matching_every_word_in_some_field():
    event = RegistrationFactory(full_name="Həsənov Rəşad", organisation="Caspian Port").event
    RegistrationFactory(event=event, full_name="Hasanov Ali", organisation="Baku Bank")
    assert Registration.objects.matching("hasanov port").get().full_name == "Həsənov Rəşad"
    assert Registration.objects.matching("ГАСАНОВ").count() == 2
    assert Registration.objects.matching("").count() == 2
    assert Registration.objects.matching("?!").count() == 2
    assert not Registration.objects.matching("hasanov volga").exists()


@pytest.mark.django_db
def test_matching_with_django_prefixes():
    RegistrationFactory(full_name="Ann Petrova", email="ann@example.org")
    RegistrationFactory(full_name="Petr Annov", email="petr@example.org")
    registrations = Registration.objects.all()
    starts = registrations.filter(matching("петр", ["^full_name"]))
    assert [r.full_name for r in starts] == ["Petr Annov"]
    exact = registrations.filter(matching("ANN PETROVA", ["=full_name"]))
    assert [r.full_name for r in exact] == []  # "=" compares each word with the whole field
    exact = registrations.filter(matching('"ann petrova"', ["=full_name"]))
    assert [r.full_name for r in exact] == ["Ann Petrova"]
