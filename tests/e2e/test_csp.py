"""The strict Content-Security-Policy breaks nothing: admin and public pages in Chromium."""

import pytest
from django.core.management import call_command

from portal.demo import FOUNDING_ARTICLE_SLUG
from portal.models import NewsArticle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-enough-password-2024"

# Records violations from inside the page too (init scripts are not subject to the page's CSP).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def watched_page(page):
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.add_init_script(WATCH_VIOLATIONS)

    def visit(url):
        response = page.goto(url)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        return response

    def violations():
        return console + page.evaluate("window.__cspViolations")

    page.visit = visit
    page.csp_violations = violations
    return page


def test_admin_works_under_the_csp(live_server, watched_page, django_user_model, screenshot):
    page = watched_page
    call_command("load_demo")
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    article = NewsArticle.objects.get(slug=FOUNDING_ARTICLE_SLUG)

    page.visit(f"{live_server.url}/admin/")
    page.wait_for_url("**/admin/login/**")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["__Host-csrftoken"]["secure"] and cookies["__Host-csrftoken"]["httpOnly"]
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "__Host-sessionid" in {cookie["name"] for cookie in page.context.cookies()}
    assert page.csp_violations() == []

    page.visit(f"{live_server.url}/admin/portal/newsarticle/{article.pk}/change/")
    # Admin JavaScript ran: the date shortcuts and the preview button are built by scripts
    # (Django's and our own).
    page.locator(".markdown-preview-button").first.wait_for()
    assert page.locator(".datetimeshortcuts").count() >= 2
    screenshot("admin-news-change-form")
    assert page.csp_violations() == []

    page.visit(f"{live_server.url}/admin/portal/newsarticle/add/")
    page.fill("#id_title_en", "Slug filled by script")
    page.locator("#id_lead_en").focus()
    assert page.input_value("#id_slug") == "slug-filled-by-script"  # prepopulate.js
    assert page.csp_violations() == []


def test_public_pages_work_under_the_csp(live_server, watched_page):
    page = watched_page
    call_command("load_demo")
    page.visit(f"{live_server.url}/en/")
    # Bootstrap's JavaScript and its data: SVG icons are allowed: the phone menu opens.
    page.set_viewport_size({"width": 360, "height": 780})
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("link", name="News", exact=True).first.wait_for(state="visible")
    assert page.csp_violations() == []

    page.visit(f"{live_server.url}/en/news/{FOUNDING_ARTICLE_SLUG}/")
    # The JSON-LD block is data, not script: present, parsed, and no violation reported.
    json_ld = page.locator('script[type="application/ld+json"]').text_content()
    assert '"@type": "NewsArticle"' in json_ld
    page.visit(f"{live_server.url}/en/news/")
    page.visit(f"{live_server.url}/en/pages/about/")
    assert page.csp_violations() == []
