"""Every public page type fits the screen in every language: no sideways scroll, and the whole
navigation visible on one line per link, at phone, tablet and desktop widths.

Russian and Azerbaijani labels run a third longer than English ones; the header once
overflowed in Russian between 992 and 1200 px. One page is loaded once per language and then
measured at each width (the HTML does not depend on the width), which keeps the 15 × 13
combinations well under a minute.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from agreements.models import Agreement
from events.models import Event, Registration
from portal.models import NewsArticle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 768, 1024, 1280, 1440)
LANGUAGES = ("en", "ru", "az")

# Measured in the page: whether it scrolls sideways, and every visible header link or control
# that sticks out of the viewport or whose text takes more than one line.
MEASURE = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const problems = [];
  for (const el of document.querySelectorAll(
      '.site-header a, .site-header button, .site-header input')) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    const label = (el.textContent || el.getAttribute('aria-label') || el.name).trim();
    if (box.left < 0 || box.right > width) {
      problems.push(`${label}: ${Math.round(box.left)}..${Math.round(box.right)} px`);
    }
    if (el.classList.contains('nav-link')) {
      const text = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      if (text > 1.5 * parseFloat(style.lineHeight)) {
        problems.push(`${label}: wraps (${Math.round(text)} px high)`);
      }
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, problems};
}"""


def public_paths(language: str) -> dict[str, str]:
    """One URL of each public page type, in ``language``."""
    article = NewsArticle.objects.published().first()
    event = Event.objects.upcoming().filter(status=Event.Status.PUBLISHED).first()
    agreement = Agreement.objects.first()
    registration = Registration.objects.filter(event__status=Event.Status.PUBLISHED).first()
    with translation.override(language):
        return {
            "home": reverse("portal:home"),
            "news list": reverse("portal:news-list"),
            "article": article.get_absolute_url(),
            "events list": reverse("events:list"),
            "event": event.get_absolute_url(),
            "registration form": reverse("events:register", kwargs={"slug": event.slug}),
            "agreements list": reverse("agreements:list"),
            "agreement": agreement.get_absolute_url(),
            "overview chart": reverse("agreements:overview"),
            "search results": reverse("portal:search") + "?q=2022",
            "about page": reverse("portal:page", kwargs={"slug": "about"}),
            "registrant page": registration.get_absolute_url(),
            "not found": f"/{language}/no-such-page/",
        }


def test_every_page_fits_every_width_in_every_language(live_server, page, screenshot):
    call_command("load_demo")
    failures = []
    for language in LANGUAGES:
        for name, path in public_paths(language).items():
            page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
            response = page.goto(live_server.url + path)
            assert response.status == (404 if name == "not found" else 200), (language, name)
            assert page.locator("html").get_attribute("lang") in LANGUAGES
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                measured = page.evaluate(MEASURE)
                where = f"{language} {width}px {name} ({path})"
                if measured["scrollWidth"] > measured["clientWidth"]:
                    failures.append(
                        f"{where}: scrolls sideways, "
                        f"{measured['scrollWidth']} > {measured['clientWidth']} px"
                    )
                failures += [f"{where}: {problem}" for problem in measured["problems"]]
                if name == "home" and language in ("ru", "az") and width in (1024, 1280):
                    screenshot(f"header-{language}-{width}")
    assert not failures, "\n".join(failures)


def test_the_phone_menu_shows_every_section_on_one_line(live_server, page):
    """Below 992 px the sections are behind the toggler; opened, they still fit."""
    call_command("load_demo")
    for language in LANGUAGES:
        page.set_viewport_size({"width": 360, "height": 780})
        page.goto(f"{live_server.url}/{language}/")
        toggler = page.locator(".navbar-toggler")
        assert toggler.get_attribute("aria-expanded") == "false"
        toggler.press("Enter")  # the keyboard opens it too
        page.locator("#main-nav.show").wait_for()
        assert toggler.get_attribute("aria-expanded") == "true"
        links = page.locator(".site-sections .nav-link")
        assert links.count() == 6
        measured = page.evaluate(MEASURE)
        assert measured["scrollWidth"] <= measured["clientWidth"], language
        assert not measured["problems"], (language, measured["problems"])
