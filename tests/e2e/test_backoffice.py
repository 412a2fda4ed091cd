"""The back office in Chromium at 1366 × 768 and 360 × 740: an event manager (with only that
role) goes from the start page to the event workspace and approves a registration; the
registrations list keeps its Status column in view; an editor previews formatted text."""

import re

import pytest
from django.contrib.auth.models import Group

from events.models import Registration
from portal.roles import EDITORS, EVENT_MANAGERS, setup_roles
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-enough-password-2024"
SIZES = {"desktop": (1366, 768), "phone": (360, 740)}


def staff_member(django_user_model, role: str):
    setup_roles()
    user = django_user_model.objects.create_user(role.split()[0].lower(), password=PASSWORD,
                                                 is_staff=True)  # fmt: skip
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def no_page_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


@pytest.mark.parametrize("size", SIZES)
def test_an_event_manager_approves_from_the_workspace(
    live_server, page, screenshot, django_user_model, size
):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    event = EventFactory(title="Caspian forum", capacity=20, approval_required=True)
    RegistrationFactory(
        event=event, full_name="Aysel Mammadova", status=Registration.Status.PENDING
    )
    RegistrationFactory(event=event, full_name="Pavel Orlov", status=Registration.Status.PENDING)
    RegistrationFactory.create_batch(3, event=event, organisation="Volga Shipping Company LLC")
    log_in(page, live_server, staff_member(django_user_model, EVENT_MANAGERS))

    item = page.locator("[data-attention=pending-registrations]")
    assert item.locator(".start-count").inner_text() == "2"
    assert page.locator("[data-attention=overdue-measures]").count() == 0  # not this role's
    assert no_page_scroll(page)
    screenshot("backoffice-start-page", phone=size == "phone")
    item.get_by_role("link", name="Caspian forum: 2 awaiting approval").click()
    page.wait_for_url(f"**/admin/events/event/{event.pk}/workspace/?status=pending")
    assert page.locator("[data-count=pending] dd").inner_text() == "2"
    assert no_page_scroll(page)
    screenshot("backoffice-workspace", phone=size == "phone")

    page.get_by_role("button", name=re.compile(r"Aysel Mammadova$")).click()
    page.get_by_text("1 registration approved.").wait_for()
    assert page.locator("[data-count=pending] dd").inner_text() == "1"
    assert Registration.objects.get(full_name="Aysel Mammadova").status == "confirmed"
    assert Registration.objects.get(full_name="Pavel Orlov").status == "pending"

    page.goto(f"{live_server.url}/admin/events/registration/")
    status = page.locator("#result_list th.column-status_badge")
    first_status = page.locator("#result_list td.field-status_badge").first
    assert no_page_scroll(page)
    assert in_view(page, status) and in_view(page, first_status)
    if size == "desktop":
        assert in_view(page, page.locator("#result_list th.column-checked_in"))
    screenshot("backoffice-registrations", phone=size == "phone")


@pytest.mark.parametrize("size", SIZES)
def test_an_editor_previews_formatted_text(live_server, page, screenshot, django_user_model, size):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Security Policy" in m.text else 0)
    log_in(page, live_server, staff_member(django_user_model, EDITORS))
    page.goto(f"{live_server.url}/admin/portal/newsarticle/add/")

    body = page.locator("#id_body_en")
    body.fill("## Port news\n\nShips **doubled** <script>window.hacked = 1</script>")
    page.get_by_role("button", name="Preview").first.click()
    preview = page.locator("#id_body_en_preview")
    preview.locator("strong").wait_for()
    assert preview.locator("h2").inner_text() == "Port news"
    assert preview.locator("script").count() == 0
    assert page.evaluate("window.hacked === undefined")
    body.press_sequentially("\n\n- one more line", delay=5)  # the preview follows the typing
    preview.locator("li").wait_for()
    assert preview.locator("li").inner_text() == "one more line"
    screenshot("backoffice-markdown-preview", phone=size == "phone")
    page.get_by_role("button", name="Hide preview").click()
    assert preview.is_hidden()
    assert violations == []
