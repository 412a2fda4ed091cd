"""In a real browser: name badges print eight to an A4 page, none split across pages, names
in Cyrillic and Azerbaijani letters included; the decline page with a message fits a phone."""

import re

import pytest
from django.urls import reverse

from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MM = 96 / 25.4  # CSS pixels in a millimetre

NAMES = [
    "Həsən Əliyev", "Анна Смирнова", "Şəhla Qasımova", "Ибрагим Гусейнов", "Leyla Aliyeva",
    "Çingiz Məmmədov", "Ёлкина Юлия", "Gülnarə Rəhimova-Hüseynzadə", "Pavel Orlov", "Zaur Ağayev",
]  # fmt: skip


# Per sheet, per badge: its box, whether the name and the badge show all their text, and
# the sheet's height.
MEASURE_SHEETS = """
sheets => sheets.map(sheet => [...sheet.querySelectorAll(".name-badge")].map(badge => {
  const box = badge.getBoundingClientRect();
  const name = badge.querySelector(".name-badge-name");
  return {
    x: box.x, y: box.y, width: box.width, height: box.height,
    fits: name.scrollWidth <= name.clientWidth + 1
      && badge.scrollHeight <= badge.clientHeight + 1,
    sheetHeight: sheet.getBoundingClientRect().height,
  };
}))
"""


def log_in(page, live_server, django_user_model, next_url):
    django_user_model.objects.create_superuser("door", "door@example.org", "door-password-1")
    page.goto(live_server.url + next_url)
    page.get_by_label("Username").fill("door")
    page.get_by_label("Password").fill("door-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")


def test_badges_print_eight_to_an_a4_page_and_none_is_split(
    live_server, page, screenshot, django_user_model
):
    event = EventFactory(title="Xəzər ticarət forumu — Каспийский форум", capacity=None)
    for name in NAMES:
        RegistrationFactory(event=event, full_name=name, organisation="Bakı Limanı MMC")
    log_in(page, live_server, django_user_model, reverse("events:badges", args=[event.slug]))
    screenshot("badges")

    page.emulate_media(media="print")
    sheets = page.locator(".badge-sheet").evaluate_all(MEASURE_SHEETS)
    screenshot("badges-print")  # the print layout, as one long page
    assert [len(sheet) for sheet in sheets] == [8, 2]
    for sheet in sheets:
        # A sheet fits the A4 page inside its 10 mm margins (277 mm), so it is never split.
        assert sheet[0]["sheetHeight"] <= 277 * MM
        for badge in sheet:
            assert abs(badge["width"] - 90 * MM) < 1 and abs(badge["height"] - 65 * MM) < 1
            assert badge["fits"], badge
        columns = {round(badge["x"]) for badge in sheet}
        rows = {round(badge["y"]) for badge in sheet}
        assert len(columns) == 2 and len(rows) == (4 if len(sheet) == 8 else 1)

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 2  # a page per sheet
    # The names are drawn with a real font (embedded), not the browser's missing-glyph box.
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+\w+", pdf)


def test_declining_with_a_message_on_a_phone(live_server, page, screenshot, django_user_model):
    event = EventFactory(title="Seminar on ports", capacity=5, approval_required=True)
    person = RegistrationFactory(
        event=event, status=Registration.Status.PENDING, full_name="Pavel Orlov"
    )
    workspace = reverse("admin:events_event_workspace", args=[event.pk])
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, live_server, django_user_model, workspace)
    page.get_by_label("Select Pavel Orlov").check()
    page.get_by_label("With the ticked registrations:").select_option("decline")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Message to the person (optional)").fill(
        "Sorry: the hall is smaller than planned.\nWe will write before the next seminar."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("decline-with-message", phone=True)
    page.get_by_role("button", name="Decline the registration").click()
    page.wait_for_url(f"**{workspace}")
    page.get_by_text("1 registration declined.").wait_for()
    person.refresh_from_db()
    assert person.status == Registration.Status.DECLINED
    assert person.staff_message.startswith("Sorry: the hall is smaller")
