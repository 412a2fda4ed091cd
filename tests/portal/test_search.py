"""The site search on the database in use: run the suite on SQLite and on PostgreSQL
(DATABASE_URL) and the same cases run on both; PostgreSQL-only checks skip on SQLite."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import Agreement
from events.models import Event
from portal.models import NewsArticle, SearchEntry
from portal.search import analysis, backends, clean_query, fill_empty_index, fold, search
from portal.search.results import Hit, excerpt, highlight
from tests.factories import AgreementFactory, EventFactory, MeasureFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db
LANGUAGES = ("en", "ru", "az")

ODD_QUERIES = [
    '"unfinished quote',
    "trade & | ! ( ) : * <-> '",
    "-",
    "-trade",
    '-"road map"',
    "or or or",
    "x" * 2000,
    "İ",
    "ı",
    "договор Астрахань",
    "Şəki İlham ğ ı ə ö ü ç",
    "?!.,;",
    "<script>alert(1)</script>",
    "%_\\",
    "   ",
    'NEAR(a b) OR "x" AND {title_en} : y * ^z',
    "a:* | !b",
]
# A NUL or other control character never reaches the search view: the site answers 400
# (tests/portal/test_bad_requests.py); clean_query still copes with it (test below).


def only(code: str, **texts) -> dict:
    """Field values for an item written in one language only."""
    values = {}
    for name, text in texts.items():
        for other in LANGUAGES:
            values[f"{name}_{other}"] = text if other == code else None
    return values


def every_kind(code: str, title: str, text: str) -> None:
    """A news article, event, agreement and measure, each written only in ``code``."""
    NewsArticleFactory(**only(code, title=title, lead=text, body=text))
    EventFactory(**only(code, title=title, description=text))
    agreement = AgreementFactory(**only(code, title=title, summary=text))
    MeasureFactory(agreement=agreement, **only(code, title=title, description=text))


def counts(results) -> dict[str, int]:
    return {group.key: group.count for group in results.groups}


def group(results, key):
    return next(g for g in results.groups if g.key == key)


ALL_ONE = {"news": 1, "events": 1, "agreements": 1, "measures": 1}
# Written in one language; found by these forms of the word, whatever the page's language.
CASES = {
    "en": ("Trading with the Caspian ports", "Traders meet.", ["trade", "TRADING", "traded"]),
    "ru": (
        "Форум по вопросам торговли",
        "Встреча в Астрахани.",
        ["торговля", "ТОРГОВЛЯ", "торговлю", "Торговли"],
    ),
    "az": (
        "Ticarət forumu",
        "Həştərxanda görüş.",
        ["ticarət", "TİCARƏT", "ticaret", "ticarəti", "ticarətin", "Ticarətə"],
    ),
}


@pytest.mark.parametrize("written_in", LANGUAGES)
@pytest.mark.parametrize("page_language", LANGUAGES)
def test_words_in_any_language_find_every_kind(written_in, page_language):
    title, text, queries = CASES[written_in]
    every_kind(written_in, title, text)
    every_kind(written_in, "Something else", "Nothing to see.")
    with translation.override(page_language):
        for query in queries:
            assert counts(search(query)) == ALL_ONE, query


@pytest.mark.parametrize("page_language", LANGUAGES)
def test_letters_in_any_case_and_azerbaijani_i(page_language):
    EventFactory(title="Forum", title_ru="Форум по судоходству", title_az="Gəmiçilik forumu")
    NewsArticleFactory(title="İlham visits Şəki")
    with translation.override(page_language):
        assert search("СУДОХОДСТВУ").total == 1
        assert search("gəmiçilik").total == search("GƏMİÇİLİK").total == 1
        assert search("gemicilik").total == 1
        for query in ("ilham", "İLHAM", "ILHAM", "Ilham"):
            assert search(query).total == 1, query


def test_an_item_in_russian_only_is_found_and_marked_from_english(client):
    NewsArticleFactory(**only("ru", title="Астрахань и Баку договорились о торговле", lead="Да."))
    html = client.get("/en/search/", {"q": "торговля"}).content.decode()
    assert html.count('class="search-hit"') == 1
    assert 'lang="ru"' in html and "<mark>торговле</mark>" in html
    assert 'href="/en/news/' in html  # the visitor stays in their language


@pytest.mark.parametrize(
    ("page_language", "shown", "marked"),
    [
        ("en", "Caspian trade", ""),
        ("ru", "Каспийская торговля", ""),
        ("az", "Каспийская торговля", "ru"),
    ],
)
def test_a_hit_is_shown_in_the_visitors_language_else_the_best_written(
    page_language, shown, marked
):
    EventFactory(
        title_en="Caspian trade", title_ru="Каспийская торговля", title_az=None,
        description_en="Ships.", description_ru="Суда.", description_az=None,
    )  # fmt: skip
    with translation.override(page_language):
        hit = group(search("торговля"), "events").hits[0]
    assert hit.title.replace("<mark>", "").replace("</mark>", "") == shown
    assert hit.language == marked
    assert hit.url.startswith(f"/{page_language}/events/")


def test_title_matches_rank_above_text_matches_over_all_matches():
    # The title match is the oldest of 30: every match is ranked, not only the newest.
    oldest = timezone.now() - datetime.timedelta(days=3000)
    NewsArticleFactory(title="Tomatoes from Azerbaijan", lead="Supplies.", publish_at=oldest)
    for _n in range(29):
        NewsArticleFactory(title="Weekly digest", lead="A word about tomatoes and more.")
    results = search("tomatoes")
    news = group(results, "news")
    assert news.count == 30 and "Azerbaijan" in str(news.hits[0].title)
    page = search("tomatoes", kind="news", page=1)
    assert "Azerbaijan" in str(page.groups[0].hits[0].title)


def test_matched_words_are_highlighted_and_text_is_escaped():
    NewsArticleFactory(title="<b>Port</b> of Olya opens", lead="The port of Olya opens a line.")
    hit = group(search("olya ports"), "news").hits[0]
    assert "<mark>Olya</mark>" in hit.title and "&lt;b&gt;<mark>Port</mark>" in hit.title
    assert "<b>" not in hit.title
    assert "<mark>port</mark>" in hit.snippet


def test_a_hits_html_escapes_every_field_and_marks_another_language():
    hit = Hit(
        title=highlight("<i>Port</i>", "en", {"port"}),
        snippet=highlight("A & B", "en", {"port"}),
        url='/en/news/x/?a=1&b="2"',
        context="<script>x</script>",
        date_text="7 <March>",
        language="ru",
    )
    html = hit.html
    assert 'href="/en/news/x/?a=1&amp;b=&quot;2&quot;" lang="ru">&lt;i&gt;<mark>Port' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "7 &lt;March&gt;" in html
    assert '<p class="mb-1" lang="ru">A &amp; B</p>' in html and "<script>" not in html
    plain = Hit(title=hit.title, snippet=hit.snippet, url="/en/news/x/").html
    assert "lang=" not in plain and "text-body-secondary" not in plain


def test_only_whole_words_are_highlighted_in_every_script():
    found = {"port"}
    assert highlight("Ports, portsmouth & PORT_x (ports)", "en", found) == (
        "<mark>Ports</mark>, portsmouth &amp; PORT_x (<mark>ports</mark>)"
    )
    assert highlight("Торговля, торговлю; неторговля", "ru", {"торговл"}) == (
        "<mark>Торговля</mark>, <mark>торговлю</mark>; неторговля"
    )
    assert highlight("Ticarət ticarətin TİCARƏT", "az", {"ticaret"}) == (
        "<mark>Ticarət</mark> <mark>ticarətin</mark> <mark>TİCARƏT</mark>"
    )
    assert highlight("No match <here>", "en", found) == "No match &lt;here&gt;"


def test_a_snippet_starts_five_words_before_the_first_match():
    words = [f"w{i}" for i in range(60)]
    words[40] = "(shipping"
    snippet = excerpt(" ".join(words), "en", {"ship"}, size=10)
    assert snippet == "… w35 w36 w37 w38 w39 (shipping w41 w42 w43 w44 …"
    assert excerpt("Shipping first. Then more.", "en", {"ship"}) == "Shipping first. Then more."
    assert excerpt("None here.", "en", {"ship"}) == "None here."


def test_a_hit_shows_its_date_in_the_pages_language():
    published = timezone.make_aware(datetime.datetime(2025, 3, 7, 12, 0))
    NewsArticleFactory(title="Dated ferry news", publish_at=published)
    for language, shown in (("en", "March 7, 2025"), ("ru", "7 марта 2025 г.")):
        with translation.override(language):
            hit = group(search("ferry"), "news").hits[0]
        assert hit.date == datetime.date(2025, 3, 7)
        assert hit.date_text == shown


def test_markdown_is_plain_text_in_snippets():
    EventFactory(title="Port day", description="**Bold** [ports](https://example.org) & more")
    hit = group(search("port"), "events").hits[0]
    assert str(hit.snippet) == "Bold <mark>ports</mark> &amp; more"


def test_only_public_items_are_found():
    NewsArticleFactory(title="Secret shipping draft", status=NewsArticle.Status.DRAFT)
    EventFactory(title="Secret shipping event", status=Event.Status.DRAFT)
    draft = AgreementFactory(title="Secret shipping agreement", status=Agreement.Status.DRAFT)
    MeasureFactory(agreement=draft, title="Secret shipping measure")
    EventFactory(title="Cancelled shipping event", status=Event.Status.CANCELLED)
    assert counts(search("shipping")) == {**ALL_ONE, "news": 0, "agreements": 0, "measures": 0}


def test_scheduled_news_is_found_once_its_time_has_come_without_a_save(monkeypatch):
    soon = timezone.now() + datetime.timedelta(hours=2)
    NewsArticleFactory(title="Scheduled shipping news", publish_at=soon)
    assert search("shipping").total == 0
    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(backends.timezone, "now", lambda: later)
    assert search("shipping").total == 1


def test_the_index_follows_saves_and_deletes():
    article = NewsArticleFactory(title="Caspian ferries")
    assert search("ferries").total == 1
    article.title_en = "Volga barges"
    article.save()
    assert search("ferries").total == 0 and search("barges").total == 1
    article.status = NewsArticle.Status.DRAFT
    article.save()
    assert search("barges").total == 0
    event = EventFactory(title="Barges forum")
    assert search("barges").total == 1
    event.delete()
    assert search("barges").total == 0 and not SearchEntry.objects.exists()


def test_an_agreements_change_reaches_its_measures():
    agreement = AgreementFactory(title="Memorandum", status=Agreement.Status.DRAFT)
    MeasureFactory(agreement=agreement, title="Open a ferry line")
    assert search("ferry").total == 0
    agreement.status = Agreement.Status.SIGNED
    agreement.title_en = "Ferry memorandum"
    agreement.save()
    assert counts(search("ferry")) == {**ALL_ONE, "news": 0, "events": 0}
    hit = group(search("line"), "measures").hits[0]
    assert hit.context == "Ferry memorandum"
    agreement.delete()
    assert search("ferry").total == 0


def test_left_out_words_phrases_and_alternatives():
    NewsArticleFactory(title="Road map signed", lead="Ports.")
    NewsArticleFactory(title="Map of the road", lead="Ports.")
    NewsArticleFactory(title="Ferry timetable", lead="Boats.")
    assert group(search("road -signed"), "news").count == 1
    assert group(search('road -"map signed"'), "news").count == 1
    assert group(search('road -"signed map"'), "news").count == 2
    assert group(search('"road map"'), "news").count == 1
    assert group(search("signed or ferry"), "news").count == 2
    assert search("-road").total == 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_query_gives_a_page(client, language, query):
    NewsArticleFactory(title="Trade mission to Baku")
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_query_in_one_kind_gives_a_page(client, query):
    EventFactory(title="Trade forum")
    response = client.get("/az/search/", {"q": query, "kind": "events", "page": "x"})
    assert response.status_code == 200


def test_query_is_cleaned_and_parsed():
    assert clean_query("a\x00b  c\n") == "a b c"
    assert len(clean_query("x" * 2000)) == analysis.MAX_QUERY_LENGTH
    assert fold("İLHAM") == fold("ilham") == fold("Ilham") == "ilham"
    query = analysis.parse_query('trade -"road map" or "Caspian ports" -x or -y')
    assert [[(t.text, t.left_out) for t in terms] for terms in query.alternatives] == [
        [("trade", False), ("road map", True)],
        [("Caspian ports", False), ("x", True)],
    ]
    assert not analysis.parse_query("-only -left -out")
    assert len(analysis.parse_query(" ".join(f"w{n}" for n in range(50))).alternatives[0]) == 10


def test_azerbaijani_words_lose_their_endings_but_keep_four_letters():
    assert analysis.words("az", "Ticarətin ticarətə TİCARƏT ticaret") == ["ticaret"] * 4
    assert analysis.words("az", "ölkələrimizin Bakıda Bakı bank banka") == [
        "olke", "baki", "baki", "bank", "bank",
    ]  # fmt: skip
    assert analysis.words("ru", "Торговля торговли trading") == ["торговл", "торговл", "trade"]


def test_empty_and_punctuation_only_make_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("?!").groups == []
        assert search("-left -out").groups == []
        assert search("").groups == []


def test_a_search_makes_one_query_and_one_kind_one(django_assert_num_queries):
    every_kind("en", "Caspian shipping", "Ferries.")
    with django_assert_num_queries(1):
        assert search("caspian").total == 4
    with django_assert_num_queries(1):
        assert search("caspian", kind="measures").total == 1
    # A page past the end shows the last one: read again.
    with django_assert_num_queries(2):
        results = search("caspian", kind="measures", page=7)
    assert results.page.number == 1 and len(results.groups[0].hits) == 1


def test_more_link_and_one_kind_pages(client):
    NewsArticleFactory.create_batch(25, title="Logistics hub news", lead="Logistics.")
    html = client.get("/en/search/", {"q": "logistics"}).content.decode()
    assert "kind=news" in html
    results = search("logistics", kind="news", page=2)
    assert results.page.number == 2
    assert len(results.groups[0].hits) == 5 and results.groups[0].count == 25
    last = search("logistics", kind="news", page=99)
    assert last.page.number == 2


@pytest.mark.parametrize(
    ("language", "total", "more"),
    [
        ("en", "26 results", "All 25 results: News"),
        ("ru", "26 результатов", "Новости: все результаты (25)"),
        ("az", "26 nəticə", "Xəbərlər: bütün nəticələr (25)"),
    ],
)
def test_counted_texts_and_the_more_link_in_each_language(client, language, total, more):
    NewsArticleFactory.create_batch(25, title="Logistics hub news", lead="Logistics.")
    EventFactory(title="Logistics forum")
    html = client.get(f"/{language}/search/", {"q": "logistics", "page": "3"}).content.decode()
    assert f'role="status">{total}</p>' in html
    # The link keeps the words, names the kind and drops the page number.
    assert f'href="?q=logistics&amp;kind=news">{more}</a>' in html
    assert "kind=events" not in html  # every event is shown already


def test_header_has_a_search_box(client):
    html = client.get("/en/").content.decode()
    assert f'action="{reverse("portal:search")}"' in html


def test_rebuild_command_indexes_bulk_inserts_and_refuses_unknown_kinds():
    NewsArticle.objects.bulk_create(
        [NewsArticle(title_en="Bulk ferry news", slug="bulk-ferry", lead_en="L", body_en="B")]
    )
    NewsArticle.objects.update(status=NewsArticle.Status.PUBLISHED)
    assert search("ferry").total == 0
    call_command("rebuild_search_index", verbosity=0)
    assert search("ferry").total == 1
    call_command("rebuild_search_index", "news", verbosity=0)
    assert search("ferry").total == 1
    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "nonsense", verbosity=0)


def test_an_empty_index_is_filled_after_migrating():
    NewsArticleFactory(title="Ferry news")
    SearchEntry.objects.all().delete()
    fill_empty_index(sender=None)
    assert search("ferry").total == 1


def test_postgresql_finds_through_each_languages_gin_index():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for code, (title, text, _queries) in CASES.items():
        every_kind(code, title, text)
    for _title, _text, queries in CASES.values():
        sql, params = backends.PostgresIndex().matches(analysis.parse_query(queries[0]), None)
        with connection.cursor() as cursor:
            # The test tables are tiny: without this the planner reads them whole.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for index in ("en", "ru", "az"):
            assert f"Bitmap Index Scan on search_document_{index}_idx" in plan, plan


def test_postgresql_gin_indexes_keep_no_pending_list():
    """With GIN's fastupdate every search reads the unmerged entries whole until a vacuum."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'search_document_%%_idx'"
        )
        options = dict(cursor.fetchall())
    assert options == {f"search_document_{code}_idx": ["fastupdate=off"] for code in LANGUAGES}


@pytest.mark.parametrize(("language", "query"), [("ru", "торговля"), ("az", "ticarət")])
def test_demo_content_is_found_in_russian_and_azerbaijani(client, language, query):
    call_command("load_demo", verbosity=0)
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    assert 'class="search-hit"' in html
