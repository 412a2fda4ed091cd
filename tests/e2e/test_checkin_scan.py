"""Scanning tickets on the check-in page on a phone (360 px): the ticket's QR image uploaded as
the photo, the same code typed again, a cancelled ticket, and the live camera.

Chromium on Linux has no BarcodeDetector and the test machine has no camera, so for the
camera step the page gets a stand-in for both (a detector that reads the codes the test gives
it, and a canvas stream as the camera); everything after them is the page's own script, its
POST with the CSRF token, the JSON answer and the panel, under the site's real CSP."""

import re

import pytest
from playwright.sync_api import expect

from events import tickets
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FAKE_CAMERA = """
window.__codes = [];
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 240;
  const context = canvas.getContext("2d");
  setInterval(() => { context.fillStyle = "#" + Math.floor(Math.random() * 4096).toString(16);
    context.fillRect(0, 0, 320, 240); }, 100);
  return canvas.captureStream(10);
};
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code"]; }
  async detect() { return window.__codes.length ? [{ rawValue: window.__codes.shift() }] : []; }
};
"""
GREEN, AMBER, RED = "rgb(29, 107, 58)", "rgb(255, 193, 7)", "rgb(164, 22, 26)"


def test_staff_scan_tickets_on_a_phone(live_server, page, screenshot, django_user_model):
    django_user_model.objects.create_superuser("door", "door@example.org", "door-password-1")
    event = EventFactory(title="Caspian forum", capacity=10, time_zone="Asia/Baku")
    leyla = RegistrationFactory(event=event, full_name="Leyla Aliyeva")
    gone = RegistrationFactory(event=event, full_name="Gone Person", status="cancelled")
    pavel = RegistrationFactory(event=event, full_name="Pavel Orlov")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(FAKE_CAMERA)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/en/events/{event.slug}/check-in/")
    page.get_by_label("Username").fill("door")
    page.get_by_label("Password").fill("door-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/en/events/{event.slug}/check-in/")
    panel = page.locator("[data-scan-result]")

    # The photo: choosing it sends it (the page's script), the server reads the QR code.
    page.get_by_label("Photo of the ticket's QR code").set_input_files(
        files=[
            {
                "name": "ticket.png",
                "mimeType": "image/png",
                "buffer": tickets.qr_png(leyla.ticket_code),
            }
        ]
    )
    page.wait_for_url("**/check-in/#scan")
    expect(panel).to_contain_text("Checked in")
    expect(panel).to_contain_text("Leyla Aliyeva")
    assert panel.evaluate("e => getComputedStyle(e).backgroundColor") == GREEN
    screenshot("check-in-scan", phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sideways

    # The same ticket typed by hand, loosely.
    page.get_by_label("Ticket code").fill(tickets.display(leyla.ticket_code).lower())
    page.get_by_role("button", name="Check the code").click()
    expect(panel).to_contain_text("Already checked in")
    expect(panel).to_contain_text(re.compile(r"already checked in at \d\d:\d\d"))
    assert panel.evaluate("e => getComputedStyle(e).backgroundColor") == AMBER

    page.get_by_label("Ticket code").fill(gone.ticket_code)
    page.get_by_role("button", name="Check the code").click()
    expect(panel).to_contain_text("This registration was cancelled.")
    assert panel.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("check-in-scan-refused")
    page.set_viewport_size({"width": 360, "height": 780})

    # The camera: the code it reads is posted and answered in place, without a new page.
    page.get_by_role("button", name="Scan with the camera").click()
    page.get_by_role("button", name="Stop the camera").wait_for()
    page.evaluate("code => window.__codes.push(code)", pavel.ticket_code)
    expect(panel).to_contain_text("Pavel Orlov")
    expect(panel).to_contain_text("Checked in")
    assert page.url.endswith("/check-in/#scan")
    expect(page.locator("[data-count=checked_in]")).to_have_text("2")  # the numbers follow
    page.get_by_role("button", name="Stop the camera").click()

    checked_in = Registration.objects.filter(checked_in_at__isnull=False)
    assert set(checked_in.values_list("full_name", flat=True)) == {"Leyla Aliyeva", "Pavel Orlov"}
    assert not [e for e in errors if "Content Security Policy" in e], errors
