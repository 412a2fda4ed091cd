import re

import pytest
from django.core import mail

from events import services
from events.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_registers_then_cancels_and_the_waiting_list_moves_up(
    live_server, page, screenshot
):
    event = EventFactory(title="Caspian trade forum", capacity=2)
    RegistrationFactory(event=event)

    page.goto(f"{live_server.url}/en/")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Events", exact=True
    ).click()
    page.wait_for_url("**/en/events/")
    assert "1 seat left" in page.locator("main").inner_text()
    screenshot("events")
    page.get_by_role("link", name="Caspian trade forum").click()
    page.wait_for_url(f"**/en/events/{event.slug}/")
    assert "Registration is open: 1 seat left." in page.locator("main").inner_text()
    screenshot("event")
    page.get_by_role("link", name="Register", exact=True).click()

    page.get_by_label("Full name").fill("Aysel Mammadova")
    page.get_by_label("Email").fill("aysel@example.org")
    page.get_by_label("Organisation").fill("Caspian Shipping LLC")
    page.get_by_label("Position").fill("Export manager")
    page.get_by_label("I agree to the processing").check()
    screenshot("register", phone=True)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**/en/events/{event.slug}/register/done/")
    assert page.locator("h1").inner_text() == "Thank you for registering"
    assert "Your seat is confirmed." in page.locator("main").inner_text()

    # Someone else registers after the last seat went: they wait.
    waiting = services.register_attendee(
        event=event, full_name="Next Person", email="next@example.org", consent=True
    ).registration
    assert waiting.status == Registration.Status.WAITING

    [confirmation] = [m for m in mail.outbox if m.to == ["aysel@example.org"]]
    path = re.search(r"/en/registrations/[\w-]+/", confirmation.body).group(0)
    page.goto(live_server.url + path)
    assert "Your seat is confirmed." in page.locator("main").inner_text()
    screenshot("registration")
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").first.wait_for()

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    promoted = [m for m in mail.outbox if m.to == ["next@example.org"]]
    assert promoted[-1].subject.startswith("A seat is now yours")


def test_staff_checks_people_in_on_a_phone(live_server, page, screenshot, django_user_model):
    django_user_model.objects.create_superuser("door", "door@example.org", "door-password-1")
    event = EventFactory(title="Door test", capacity=5)
    RegistrationFactory(event=event, full_name="Leyla Aliyeva", organisation="Baku Port")
    RegistrationFactory(event=event, full_name="Pavel Orlov", organisation="Volga Trade")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server.url}/en/events/{event.slug}/check-in/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("Username").fill("door")
    page.get_by_label("Password").fill("door-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/en/events/{event.slug}/check-in/")

    page.get_by_label("Search by name, email or organisation").fill("baku")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Clear search").wait_for()
    assert "Pavel Orlov" not in page.locator("main").inner_text()
    assert "baku" not in page.url  # the search is posted, never part of an address
    page.get_by_role("button", name="Check in Leyla Aliyeva").click()
    page.get_by_text("Checked in at").wait_for()
    assert page.locator("[data-count=checked_in]").inner_text() == "1"
    screenshot("check-in", phone=True)
    page.get_by_role("button", name="Undo Leyla Aliyeva").click()
    page.get_by_role("button", name="Check in Leyla Aliyeva").wait_for()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0
    page.get_by_role("button", name="Clear search").click()
    page.get_by_role("button", name="Check in Pavel Orlov").wait_for()  # everyone again
