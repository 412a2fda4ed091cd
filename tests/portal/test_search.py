import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from agreements.models import Agreement
from events.models import Event
from portal.models import NewsArticle
from portal.search import clean_query, fold, search
from tests.factories import AgreementFactory, EventFactory, MeasureFactory, NewsArticleFactory

pytestmark = pytest.mark.django_db
URL = "/en/search/"

ODD_QUERIES = [
    '"unfinished quote',
    "trade & | ! ( ) : * <-> '",
    "-",
    "or or or",
    "x" * 2000,
    "договор Астрахань",
    "Şəki İlham ğ ı ə ö ü ç",
    "?!.,;",
    "<script>alert(1)</script>",
    "%_\\",
    "   ",
]
# A NUL or other control character never reaches the search view: the site answers 400
# (tests/portal/test_bad_requests.py); clean_query still copes with it (test below).


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _titles(group):
    return [str(hit.title) for hit in group.hits]


def _group(results, key):
    return next(group for group in results.groups if group.key == key)


def test_finds_every_kind_and_counts_them(client):
    NewsArticleFactory(title="Caspian shipping grows", lead="Ferries to Olya.")
    EventFactory(title="Caspian shipping forum")
    agreement = AgreementFactory(title="Memorandum on Caspian shipping")
    MeasureFactory(agreement=agreement, title="Open a Caspian shipping line")
    NewsArticleFactory(title="Tomato supplies")
    results = search("caspian shipping")
    assert [(g.key, g.count) for g in results.groups] == [
        ("news", 1), ("events", 1), ("agreements", 1), ("measures", 1),
    ]  # fmt: skip
    assert results.total == 4
    response = client.get(URL, {"q": "caspian shipping"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tomato" not in html
    assert html.count('class="search-hit"') == 4


def test_title_matches_rank_above_text_matches():
    NewsArticleFactory(title="Weekly digest", lead="A word about tomatoes and more.")
    NewsArticleFactory(title="Tomatoes from Azerbaijan", lead="Supplies grew.")
    hits = _group(search("tomatoes"), "news").hits
    assert "Azerbaijan" in str(hits[0].title)
    assert len(hits) == 2


def test_matched_words_are_highlighted_and_text_is_escaped():
    NewsArticleFactory(title="<b>Port</b> of Olya opens", lead="The port of Olya opens a line.")
    hit = _group(search("olya"), "news").hits[0]
    assert "<mark>" in hit.title and "</mark>" in hit.title
    assert "&lt;b&gt;" in hit.title and "<b>" not in hit.title
    assert "<mark>" in hit.snippet


def test_drafts_and_unpublished_never_appear():
    NewsArticleFactory(title="Secret shipping draft", status=NewsArticle.Status.DRAFT)
    EventFactory(title="Secret shipping event", status=Event.Status.DRAFT)
    draft = AgreementFactory(title="Secret shipping agreement", status=Agreement.Status.DRAFT)
    MeasureFactory(agreement=draft, title="Secret shipping measure")
    assert search("secret shipping").total == 0


def test_russian_and_azerbaijani_words_match_in_any_letter_case():
    EventFactory(title="Forum", title_ru="Форум по судоходству", title_az="Gəmiçilik forumu")
    assert search("СУДОХОДСТВУ").total == 1
    assert search("gəmiçilik").total == 1
    assert search("GƏMİÇİLİK").total == 1


def test_news_in_russian_is_found_by_russian_words():
    NewsArticleFactory(title_en=None, title_ru="Астрахань и Баку подписали договор")
    assert search("договор").total == 1


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_query_gives_a_page(client, query):
    NewsArticleFactory(title="Trade mission to Baku")
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_query_in_one_kind_gives_a_page(client, query):
    response = client.get(URL, {"q": query, "kind": "events", "page": "x"})
    assert response.status_code == 200


def test_query_is_cleaned():
    assert clean_query("a\x00b  c\n") == "a b c"
    assert len(clean_query("x" * 2000)) == 200
    assert fold("İLHAM") == fold("ilham") == fold("Ilham")


def test_punctuation_only_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search("?!").groups == []


def test_more_link_and_one_kind_pages(client):
    NewsArticleFactory.create_batch(25, title="Logistics hub news", lead="Logistics.")
    html = client.get(URL, {"q": "logistics"}).content.decode()
    assert "kind=news" in html
    results = search("logistics", kind="news", page=2)
    assert results.page.number == 2
    assert len(results.groups[0].hits) == 5
    assert results.groups[0].count == 25


def test_header_has_a_search_box(client):
    html = client.get("/en/").content.decode()
    assert f'action="{reverse("portal:search")}"' in html


@pytest.mark.postgres
def test_postgresql_queries_use_the_gin_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from portal.search import KINDS, prefer_index_scans, websearch_query

    NewsArticleFactory(title="Logistics")
    indexes = {
        "news": "news_search_idx",
        "events": "event_search_idx",
        "agreements": "agreement_search_idx",
        "measures": "measure_search_idx",
    }
    for key, index in indexes.items():
        # Only the full-text condition, so that the GIN index is the only index that fits: the
        # plan shows it only when the query's expression is exactly the indexed one.
        model = KINDS[key].queryset().model
        matches = (
            model.objects.alias(document=KINDS[key].vector())
            .filter(document=websearch_query("logistics hub"))
            .order_by()  # the default ordering of measures joins agreements
        )
        sql, params = matches.query.sql_with_params()
        with connection.cursor() as cursor:
            prefer_index_scans()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {index}" in plan, plan


def test_left_out_words_exclude_on_every_database():
    NewsArticleFactory(title="Road map signed", lead="Ports.")
    NewsArticleFactory(title="Map of the road", lead="Ports.")
    assert _group(search("road -signed"), "news").count == 1


@pytest.mark.postgres
def test_postgresql_websearch_syntax():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    NewsArticleFactory(title="Road map signed", lead="Ports.")
    NewsArticleFactory(title="Map of the road", lead="Ports.")
    assert _group(search('"road map"'), "news").count == 1
    assert _group(search("road -signed"), "news").count == 1
    assert _group(search("signed or nothing"), "news").count == 1
