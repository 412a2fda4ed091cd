"""A visitor registers with answers to the event's questions, opens the HTML email from the
outbox as a mail client would, follows its button to their page and finds the ticket."""

import datetime
import io
import re

import pytest
import zxingcpp
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from events.models import EventQuestion, RegistrationAnswer
from portal.models import SiteProfile
from tests.factories import EventFactory, EventQuestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def as_a_mail_client_shows_it(message) -> str:
    """The HTML part with its inline images (cid:) in place, as data: addresses."""
    mime = message.message()
    html = mime.get_body(preferencelist=("html",)).get_content()
    for part in mime.walk():
        if part["Content-ID"]:
            cid = part["Content-ID"].strip("<>")
            payload = part.get_payload()  # base64 already
            data = f"data:{part.get_content_type()};base64,{''.join(payload.split())}"
            html = html.replace(f"cid:{cid}", data)
    return html


def read_qr(locator) -> str:
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())))
    return result.text


def test_visitor_registers_answers_two_questions_and_opens_the_ticket_from_the_email(
    live_server, page, screenshot, run_worker, settings, browser, django_user_model
):
    settings.PORTAL_BASE_URL = live_server.url  # the email's links lead to this server
    SiteProfile.objects.create(
        name_en="Astrakhan Business Center", email="events@example.org", phone="+7 8512 00 00 00"
    )
    day = datetime.date.today() + datetime.timedelta(days=10)
    start = datetime.datetime.combine(day, datetime.time(6), datetime.UTC)  # 10:00 in Baku
    event = EventFactory(
        title="Caspian trade forum",
        time_zone="Asia/Baku",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        venue_name="Business Centre",
        venue_address="1 Example Street, Baku",
        capacity=20,
    )
    EventQuestionFactory(
        event=event, label="Which sessions will you attend?", required=True,
        kind=EventQuestion.Kind.ONE_CHOICE, choices=["Ports", "Trade"],
    )  # fmt: skip
    EventQuestionFactory(event=event, label="Dietary needs", kind=EventQuestion.Kind.SHORT_TEXT)

    page.goto(f"{live_server.url}/en/events/{event.slug}/register/")
    page.get_by_label("Full name").fill("Aysel Mammadova")
    page.get_by_label("Email").fill("aysel@example.org")
    page.get_by_label("Organisation").fill("Caspian Shipping LLC")
    page.get_by_label("Position").fill("Export manager")
    page.get_by_label("Ports").check()
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_label("I agree to the processing").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**/en/events/{event.slug}/register/done/")
    assert sorted(answer.question.label for answer in RegistrationAnswer.objects.all()) == [
        "Dietary needs",
        "Which sessions will you attend?",
    ]

    run_worker()
    [confirmation] = mail.outbox
    page.goto("about:blank")  # a document of its own, not under the site's CSP
    page.set_content(as_a_mail_client_shows_it(confirmation))
    qr = page.get_by_role("img", name=re.compile("QR code of ticket"))
    assert qr.evaluate("image => image.naturalWidth") > 0  # the inline image is there
    assert "(Baku time)" in page.locator("body").inner_text()
    code = qr.get_attribute("alt").rsplit(" ", 1)[-1]
    assert read_qr(qr) == code.replace("-", "")
    screenshot("email-confirmed")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # fits a phone
    screenshot("email-confirmed", phone=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Open your registration").click()
    page.wait_for_url("**/en/registrations/*/")
    main = page.locator("main")
    assert "Your seat is confirmed." in main.inner_text()
    assert code in page.locator(".ticket-code").inner_text()
    assert read_qr(page.get_by_role("img", name=f"QR code of ticket {code}")) == code.replace(
        "-", ""
    )
    screenshot("registration-ticket", phone=True)
    ticket_image = page.get_by_role("img", name=f"QR code of ticket {code}").screenshot()

    # At the door, on the staff member's phone: the picture of the ticket as the photo, then
    # the same code typed.
    django_user_model.objects.create_superuser("door", "door@example.org", "door-password-1")
    door = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-GB").new_page()
    door.goto(f"{live_server.url}/en/events/{event.slug}/check-in/")
    door.get_by_label("Username").fill("door")
    door.get_by_label("Password").fill("door-password-1")
    door.get_by_role("button", name="Log in").click()
    door.wait_for_url(f"**/en/events/{event.slug}/check-in/")
    door.get_by_label("Photo of the ticket's QR code").set_input_files(
        files=[{"name": "ticket.png", "mimeType": "image/png", "buffer": ticket_image}]
    )
    panel = door.locator("[data-scan-result]")
    expect(panel).to_contain_text("Checked in")
    expect(panel).to_contain_text("Aysel Mammadova")
    door.get_by_label("Ticket code").fill(code)
    door.get_by_role("button", name="Check the code").click()
    expect(panel).to_contain_text(re.compile(r"already checked in at \d\d:\d\d"))
    door.context.close()
