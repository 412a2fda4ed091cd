"""Every public page type is valid HTML (the Nu HTML Checker finds no error) and has no axe-core
violation of any impact, at 360, 1024 and 1280 px, in English, Russian and Azerbaijani.

Run by `make test-validity` (and CI), not by `make test`: the pages are the same ones the
layout test measures, and a full run takes a few minutes. One live server, one browser: each
page is loaded once per language, then axe runs at each width (the HTML does not depend on the
width; what axe sees does: the phone menu, the chart's scroll region). The HTML the server sent
for every page in every language goes to one java run of the checker.
"""

import datetime
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import Agreement
from events.demo import FORUM_SLUG, NEARLY_FULL_SLUG, OPENING_SLUG
from events.models import Event, Registration
from portal.models import NewsArticle
from tests.factories import EventFactory, NewsArticleFactory, RegistrationFactory
from tests.needs import unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.validity, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (360, 1024, 1280)
LANGUAGES = ("en", "ru", "az")
REPORTS = ROOT / "test-artifacts" / "validity"
NODE_MODULES = ROOT / "node_modules"
# Set by CI, where a missing checker fails the run instead of skipping it (tests/needs.py).
REQUIRED = "PORTAL_REQUIRE_CHECKERS"


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    status: int = 200
    # "submit-empty": the path is a form, sent empty with the browser's own checks off, so
    # that the page under test is the server's answer with every error shown.
    action: str = ""


def build_site() -> None:
    """The demo content, plus the event states that it lacks: full, cancelled."""
    call_command("load_demo")
    now = timezone.now()
    full = EventFactory(
        title="Full workshop", slug="full-workshop", capacity=1, waiting_list_enabled=False
    )
    RegistrationFactory(event=full, status=Registration.Status.CONFIRMED)
    EventFactory(
        title="Cancelled seminar",
        slug="cancelled-seminar",
        status=Event.Status.CANCELLED,
        starts_at=now + datetime.timedelta(days=10),
    )
    event = Event.objects.get(slug=FORUM_SLUG)
    RegistrationFactory(event=event, email="registrant@example.org")
    # No sector, so nothing related: the article's aside then has no "Related news".
    NewsArticleFactory(title="Lone article", slug="lone-article", publish_at=now)


def public_pages(language: str) -> list[PublicPage]:
    """One URL of each public page type (and each state of the event page), in ``language``."""
    article = NewsArticle.objects.published().filter(sectors__isnull=False).first()
    lone_article = NewsArticle.objects.get(slug="lone-article")
    agreement = Agreement.objects.public().first()
    registration = Registration.objects.get(email="registrant@example.org")

    def event(slug: str) -> str:
        return Event.objects.get(slug=slug).get_absolute_url()

    with translation.override(language):
        search = reverse("portal:search")
        forum_register = reverse("events:register", kwargs={"slug": FORUM_SLUG})
        return [
            PublicPage("home", reverse("portal:home")),
            PublicPage("news list", reverse("portal:news-list")),
            PublicPage("news list, nothing found", reverse("portal:news-list") + "?year=1999"),
            PublicPage("article", article.get_absolute_url()),
            PublicPage("article, nothing related", lone_article.get_absolute_url()),
            PublicPage("events list", reverse("events:list")),
            PublicPage("events list, past", reverse("events:list") + "?when=past"),
            PublicPage("event, open", event(FORUM_SLUG)),
            PublicPage("event, nearly full", event(NEARLY_FULL_SLUG)),
            PublicPage("event, full", event("full-workshop")),
            PublicPage("event, past", event(OPENING_SLUG)),
            PublicPage("event, cancelled", event("cancelled-seminar")),
            PublicPage("registration form", forum_register),
            PublicPage("registration form, errors", forum_register, action="submit-empty"),
            PublicPage("lost-link form", reverse("events:lost-link", kwargs={"slug": FORUM_SLUG})),
            PublicPage("registrant page", registration.get_absolute_url()),
            PublicPage(
                "erase confirmation",
                reverse("registrations:erase", kwargs={"token": registration.token}),
            ),
            PublicPage("agreements list", reverse("agreements:list")),
            PublicPage("agreement", agreement.get_absolute_url()),
            PublicPage("overview chart", reverse("agreements:overview")),
            PublicPage("about page", reverse("portal:page", kwargs={"slug": "about"})),
            PublicPage("privacy page", reverse("portal:page", kwargs={"slug": "privacy"})),
            PublicPage("search, results", search + "?q=2022"),
            PublicPage("search, nothing found", search + "?q=zzyzx"),
            PublicPage("search, no query", search),
            PublicPage("not found", f"/{language}/no-such-page/", status=404),
        ]


# ---- axe-core ----


def installed(path: str) -> Path:
    """A file of the checkers that `make test-validity` installs from package.json."""
    found = NODE_MODULES / path
    if not found.exists():
        unavailable(f"{found} is missing (make test-validity installs it)", flag=REQUIRED)
    return found


def axe_script() -> str:
    return installed("axe-core/axe.min.js").read_text(encoding="utf-8")


# Every rule axe-core has, those it leaves off by default (experimental, AAA) included, none
# filtered by impact; only the violations come back (passes and the rest would make each run
# several times slower). One rule is left out: color-contrast-enhanced, WCAG's AAA level
# (7:1 for body text). The site's palette is held to AA (4.5:1), which color-contrast checks.
NOT_CHECKED = ["color-contrast-enhanced"]
RUN_AXE = """async (notChecked) => {
  const rules = axe.getRules().map((rule) => rule.ruleId)
    .filter((rule) => !notChecked.includes(rule));
  const results = await axe.run(document, {
    runOnly: {type: 'rule', values: rules},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                summary: n.failureSummary})),
  }));
}"""


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol, so the site's CSP (no inline scripts) does not
    # stop it; injected once per document.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    return page.evaluate(RUN_AXE, NOT_CHECKED)


def describe(where: str, violations: list[dict]) -> Iterator[str]:
    for violation in violations:
        yield f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for node in violation["nodes"][:5]:
            yield f"    {node['target']}: {node['html']}"
        if len(violation["nodes"]) > 5:
            yield f"    … and {len(violation['nodes']) - 5} more"


def open_page(page, base_url: str, public_page: PublicPage) -> None:
    response = page.goto(base_url + public_page.path)
    if public_page.action == "submit-empty":
        form = page.locator("main form[method=post]").first
        form.evaluate("form => { form.noValidate = true; }")
        with page.expect_navigation():
            form.locator("[type=submit]").first.click()
        assert page.locator(".is-invalid").count(), "the form came back without errors"
        response = None
    if response is not None:
        assert response.status == public_page.status, (public_page.name, public_page.path)


@pytest.fixture
def report():
    REPORTS.mkdir(parents=True, exist_ok=True)

    def write(name: str, lines: list[str]) -> Path:
        path = REPORTS / name
        path.write_text("\n".join(lines) + "\n")
        return path

    return write


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations_at_any_width(live_server, page, language, report):
    build_site()
    failures = []
    checked = 0
    for public_page in public_pages(language):
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
        open_page(page, live_server.url, public_page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 740 if width < 768 else 900})
            where = f"{language} {width}px {public_page.name} ({public_page.path})"
            failures += describe(where, axe_violations(page))
            checked += 1
        if public_page.name == "home":
            # The phone menu, opened: its links are hidden until then.
            page.set_viewport_size({"width": WIDTHS[0], "height": 740})
            page.locator(".navbar-toggler").click()
            page.locator("#main-nav.show").wait_for()
            failures += describe(f"{language} 360px home, menu open", axe_violations(page))
    report(f"axe-{language}.txt", [f"{checked} page views checked", *failures])
    assert not failures, "\n".join(failures)


# ---- Nu HTML Checker ----


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("Java is not installed (apt-get install default-jre-headless)", flag=REQUIRED)
    jar = os.environ.get("PORTAL_VNU_JAR") or installed("vnu-jar/build/dist/vnu.jar")
    return [java, "-Xss1024k", "-jar", str(jar)]


def test_no_nu_html_checker_errors(client, tmp_path, report):
    build_site()
    files = {}
    for language in LANGUAGES:
        for number, public_page in enumerate(public_pages(language)):
            if public_page.action == "submit-empty":
                response = client.post(public_page.path, {})
            else:
                response = client.get(public_page.path)
            assert response.status_code == public_page.status, (language, public_page)
            if public_page.action == "submit-empty":
                assert b"is-invalid" in response.content, "the form came back without errors"
            path = tmp_path / f"{language}-{number:02}.html"
            path.write_bytes(response.content)
            files[str(path)] = f"{language} {public_page.name} ({public_page.path})"
    # A canary: a checker that reads nothing (a wrong path, say) would find no errors either.
    canary = tmp_path / "canary.html"
    canary.write_text('<!doctype html><html lang="en"><title>x</title><dl><p>x</p></dl>')
    result = subprocess.run(  # noqa: S603 (a fixed command on our own files)
        [*vnu_command(), "--format", "json", "--exit-zero-always", str(canary), *sorted(files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    errors, warnings = [], []
    canary_errors = 0
    for message in messages:
        url = message.get("url", "?").removeprefix("file:")
        if url == str(canary):
            canary_errors += 1
            continue
        where = files.get(url, url)
        line = f"{where}:{message.get('lastLine', '?')}: {message['message']}"
        extract = message.get("extract", "").replace("\n", " ")
        text = f"{line}\n    {extract}"
        if message["type"] in ("error", "non-document-error"):
            errors.append(text)
        elif message.get("subType") == "warning":
            warnings.append(text)
    report(
        "nu-html-checker.txt",
        [f"{len(files)} documents checked", "ERRORS:", *errors, "WARNINGS:", *warnings],
    )
    assert canary_errors, "the checker found nothing wrong in a document with an error"
    assert not errors, f"{len(errors)} errors\n" + "\n".join(errors)
