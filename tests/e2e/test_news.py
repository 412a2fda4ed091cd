import pytest
from django.core.management import call_command

from portal.demo import FOUNDING_ARTICLE_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_founding_article_and_switches_to_russian(live_server, page, screenshot):
    call_command("load_demo")
    page.goto(f"{live_server.url}/en/")
    # The headline says what the centre is for; the name stands above it (and in the header).
    assert page.locator("h1").first.inner_text() == (
        "Trade, investment and partnership between Azerbaijan and the Astrakhan region"
    )
    assert page.locator(".hero-eyebrow").inner_text() == "Astrakhan Business Center".upper()
    screenshot("home")
    screenshot("home", phone=True)

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="News", exact=True
    ).click()
    page.wait_for_url("**/en/news/")
    page.get_by_role("link", name="Action Program for 2022").first.click()
    page.wait_for_url(f"**/en/news/{FOUNDING_ARTICLE_SLUG}/")
    assert "Mikayil Jabbarov" in page.locator("article").inner_text()
    screenshot("article")
    screenshot("article", phone=True)

    page.locator(".language-switcher").get_by_role("link", name="RU").click()
    page.wait_for_url(f"**/ru/news/{FOUNDING_ARTICLE_SLUG}/")
    # The article is written in Russian too: the whole page is Russian, nothing is marked
    # as another language and no fallback note is shown.
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("main").get_attribute("lang") == "ru"
    assert page.locator("article").get_attribute("lang") is None
    assert page.locator("article h1").inner_text().startswith("Азербайджан и Астраханская область")
    assert "Микаил Джаббаров" in page.locator("article").inner_text()
    assert page.locator(".fallback-note").count() == 0
    screenshot("article-ru", phone=True)
    assert page.get_by_role("link", name="Новости", exact=True).first.is_visible()


def test_phone_menu_opens_and_skip_link_works(live_server, page):
    call_command("load_demo")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/en/")
    news_link = page.get_by_role("link", name="News", exact=True).first
    assert not news_link.is_visible()
    page.get_by_role("button", name="Show or hide the menu").click()
    news_link.wait_for(state="visible")
    page.keyboard.press("Tab")  # focus moves to the skip link first
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Nothing on the page may come from another host.
    assert page.evaluate(
        "performance.getEntriesByType('resource').every(e => e.name.startsWith(location.origin))"
    )
