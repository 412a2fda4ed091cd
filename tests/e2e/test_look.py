"""Phone first, in the browser: what a visitor on a 360 × 740 screen sees without scrolling,
the folded list filters, the overview chart without overflow, and the error summary's focus."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from agreements.demo import AGREEMENT_SLUG
from events.demo import FORUM_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}

# The element's box, and whether it lies inside the first screen.
IN_FIRST_SCREEN = """(el) => {
  const box = el.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          inside: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight
                  && box.right <= document.documentElement.clientWidth && box.height > 0};
}"""


def url(live_server, name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return live_server.url + reverse(name, kwargs=kwargs or None)


def test_phone_first_screen_has_what_the_visitor_needs(live_server, page, screenshot):
    """Event: date, place, seat state and the Register button; agreement: overall progress."""
    call_command("load_demo")
    page.set_viewport_size(PHONE)
    for language in ("en", "ru", "az"):
        page.goto(url(live_server, "events:detail", language, slug=FORUM_SLUG))
        for selector in (
            ".event-facts time",  # the date
            ".event-facts dd:not(:has(time))",  # the place
            ".registration-state",  # the seats left
            ".registration-box .register-button",
        ):
            box = page.locator(selector).first.evaluate(IN_FIRST_SCREEN)
            assert box["inside"], (language, selector, box)
        if language == "az":
            screenshot("event-first-screen-az", phone=True)

        page.goto(url(live_server, "agreements:detail", language, slug=AGREEMENT_SLUG))
        progress = page.get_by_role("progressbar", name="Overall progress")
        if language == "en":
            assert progress.is_visible()
        box = page.locator(".agreement-progress-box .agreement-progress").evaluate(IN_FIRST_SCREEN)
        assert box["inside"], (language, "overall progress", box)


def test_list_filters_fold_behind_a_button_on_phones(live_server, page):
    call_command("load_demo")
    for name, count in (
        ("portal:news-list", "2 articles"),
        ("events:list", "3 events"),
        ("agreements:list", "1 agreement"),
    ):
        page.set_viewport_size(PHONE)
        page.goto(url(live_server, name, "en"))
        panel = page.locator(".filter-panel")
        toggle = page.get_by_role("button", name="Filters")
        assert not panel.is_visible(), name
        assert toggle.evaluate(IN_FIRST_SCREEN)["inside"], name
        status = page.locator(".result-count")
        assert status.inner_text() == count
        assert status.evaluate(IN_FIRST_SCREEN)["inside"], name
        toggle.click()
        page.get_by_label("Sector").wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"

        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        assert panel.is_visible() and not toggle.is_visible(), name


def test_overview_chart_fits_a_phone(live_server, page, screenshot):
    call_command("load_demo")
    page.set_viewport_size(PHONE)
    for language in ("en", "ru", "az"):
        page.goto(url(live_server, "agreements:overview", language))
        measured = page.evaluate(
            """() => {
              const width = document.documentElement.clientWidth;
              const problems = [];
              const rows = document.querySelectorAll('.overview-chart .chart-row');
              const shown = '.overview-chart .chart-row > *, '
                + '.overview-chart figcaption :not(.visually-hidden)';
              for (const el of document.querySelectorAll(shown)) {
                const box = el.getBoundingClientRect();
                if (box.left < 0 || box.right > width) problems.push(el.className + ' sticks out');
                if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'svg')
                  problems.push(el.className + ' clips its text');
                const size = parseFloat(getComputedStyle(el).fontSize);
                if (el.textContent.trim() && size < 12) problems.push(el.className + ' ' + size);
              }
              return {rows: rows.length, problems,
                      scrolls: document.documentElement.scrollWidth > width};
            }"""
        )
        assert measured["rows"] > 2, language
        assert not measured["problems"], (language, measured["problems"])
        assert not measured["scrolls"], language
    screenshot("overview-az", phone=True)


def test_a_failed_registration_focuses_the_error_summary(live_server, page):
    call_command("load_demo")
    page.set_viewport_size(PHONE)
    page.goto(url(live_server, "events:register", "ru", slug=FORUM_SLUG))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.title().startswith("Ошибка: ")
    summary = page.locator("#error-summary")
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert summary.evaluate(IN_FIRST_SCREEN)["inside"]
    summary.locator('a[href="#id_email"]').click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    label = page.locator("label[for=id_email]").evaluate(IN_FIRST_SCREEN)
    assert label["inside"], label  # the label stays in sight above the field
