"""The header, footer and head links rendered once per worker, language and content
generation (portal.fragments, {% localcache %} in base.html)."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Engine, engines
from django.template.base import Node
from django.template.loader_tags import BlockNode
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import fragments
from portal.fragments import LocalFragments
from portal.models import NewsArticle, SiteProfile
from portal.pagecache import GENERATION_CHECK_SECONDS, GENERATION_KEY
from portal.templatetags.fragments import LocalCacheNode
from tests.factories import NewsArticleFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_a_site_profile_change_shows_in_header_and_footer_on_the_next_request(client):
    profile = SiteProfile.objects.create(name_en="Old Name Centre", phone="+7 111")
    assert "Old Name Centre" in client.get(reverse("portal:home")).content.decode()
    profile.name_en = "New Name Centre"
    profile.phone = "+7 222"
    profile.save()
    html = client.get(reverse("portal:home")).content.decode()
    assert "Old Name Centre" not in html
    assert "New Name Centre" in html and "tel:+7222" in html


def test_the_header_is_rendered_once_per_generation(client, monkeypatch):
    client.get(reverse("portal:news-list"))  # rendered and remembered
    renders = []
    original = fragments.fragments.set
    monkeypatch.setattr(
        fragments.fragments,
        "set",
        lambda key, html, *args: (renders.append(key[0]), original(key, html, *args)),
    )
    client.get(reverse("portal:news-list"))
    assert renders == []  # head links, header and footer all came from memory
    cache.set(GENERATION_KEY, "a-staff-change")  # as another worker process does
    client.get(reverse("portal:news-list"))
    assert renders == []  # this worker asks for the generation at most once a second
    _a_second_later(monkeypatch)
    client.get(reverse("portal:news-list"))
    assert sorted(renders) == ["footer", "head-links", "header", "news-filters"]


def _a_second_later(monkeypatch):
    later = time.monotonic() + GENERATION_CHECK_SECONDS
    monkeypatch.setattr(fragments.time, "monotonic", lambda: later)


def test_language_links_follow_the_query_string(client):
    first = client.get(reverse("portal:news-list")).content.decode()
    second = client.get(reverse("portal:news-list") + "?page=2").content.decode()
    assert 'href="/ru/news/"' in first and "/ru/news/?page=2" not in first
    assert "/ru/news/?page=2" in second


def test_the_header_is_per_language(client):
    assert "Главная" in client.get("/ru/").content.decode()
    assert "Ana səhifə" in client.get("/az/").content.decode()
    assert "Главная" not in client.get("/en/").content.decode()


def test_the_search_box_keeps_the_query_escaped(client):
    html = client.get(reverse("portal:search") + '?q="><b>x').content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in html
    assert "<b>x" not in html
    # The next page's header has an empty box again.
    assert 'value=""' in client.get(reverse("portal:news-list")).content.decode()


def test_a_worker_reads_the_generation_at_most_once_a_second(client, monkeypatch):
    client.get(reverse("portal:news-list"))
    reads = []
    original = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *args: (reads.append(key), original(key, *args))[1]
    )
    client.get(reverse("portal:news-list"))
    client.get(reverse("events:list"))
    assert reads.count(GENERATION_KEY) == 0
    _a_second_later(monkeypatch)
    client.get(reverse("portal:news-list"))
    assert reads.count(GENERATION_KEY) == 1


def test_local_fragments_evict_the_oldest_and_expire(monkeypatch):
    store = LocalFragments(max_entries=2, seconds=60)
    store.set(("a",), "A")
    store.set(("b",), "B")
    assert store.get(("a",)) == "A"  # now the most recently used
    store.set(("c",), "C")
    assert store.get(("b",)) is None and store.get(("a",)) == "A" and len(store) == 2
    later = time.monotonic() + 61
    monkeypatch.setattr(fragments.time, "monotonic", lambda: later)
    assert store.get(("a",)) is None


def test_an_article_page_shows_an_edit_and_hides_a_withdrawn_article_at_once(client):
    sector = SectorFactory()
    article = NewsArticleFactory(sectors=[sector], body="Old body text.")
    other = NewsArticleFactory(sectors=[sector], title="A related story")
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Old body text." in html and "A related story" in html
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm) == 0  # the article, its body, sectors and related news all remembered
    article.body = "New body text."
    article.save()
    other.status = NewsArticle.Status.DRAFT
    other.save()
    html = client.get(url).content.decode()
    assert "New body text." in html and "A related story" not in html
    article.status = NewsArticle.Status.DRAFT
    article.save()
    assert client.get(url).status_code == 404


def test_extends_finds_the_base_blocks_without_walking_a_fragment_that_holds_none(monkeypatch):
    base = engines["django"].engine.get_template("base.html")
    fragments_nodes = base.nodelist.get_nodes_by_type(LocalCacheNode)
    inside = {id(n) for f in fragments_nodes for n in f.nodelist.get_nodes_by_type(Node)}
    walked = []
    original = Node.get_nodes_by_type

    def counting(node, nodetype):
        walked.append(id(node))
        return original(node, nodetype)

    monkeypatch.setattr(Node, "get_nodes_by_type", counting)
    blocks = {node.name for node in base.nodelist.get_nodes_by_type(BlockNode)}
    assert blocks == {"title", "meta", "canonical", "extra_head", "content", "scripts"}
    # the head's links, the header and the footer are visited, not the nodes inside them
    assert len(fragments_nodes) == 3 and len(inside) > 100
    assert {id(f) for f in fragments_nodes} <= set(walked)
    assert not inside & set(walked)


def test_a_block_inside_a_fragment_can_still_be_overridden_and_extended():
    templates = {
        "parent.html": '{% load fragments %}{% localcache "t" %}[{% block aside %}parent'
        "{% endblock %}]{% endlocalcache %}",
        "child.html": '{% extends "parent.html" %}{% block aside %}child+{{ block.super }}'
        "{% endblock %}",
    }
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", templates)],
        libraries={"fragments": "portal.templatetags.fragments"},
    )
    assert engine.get_template("child.html").render(Context()) == "[child+parent]"
