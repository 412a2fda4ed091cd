import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from events import services
from events.demo import FORUM_SLUG
from events.emails import render_queued_email
from events.models import Event, OutboxEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_registers_then_cancels_and_the_waiting_list_moves_up(
    live_server, page, screenshot, run_worker
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
    assert "Please check your email." in page.locator("main").inner_text()

    # Someone else registers after the last seat went: they wait.
    waiting = services.register_attendee(
        event=event, full_name="Next Person", email="next@example.org", consent=True
    ).registration
    assert waiting.status == Registration.Status.WAITING

    run_worker()
    [confirmation] = [m for m in mail.outbox if m.to == ["aysel@example.org"]]
    path = re.search(r"/en/registrations/[\w-]+/", confirmation.body).group(0)
    page.goto(live_server.url + path)
    assert "Your seat is confirmed." in page.locator("main").inner_text()
    screenshot("registration")
    page.get_by_role("link", name="Cancel my registration").click()
    page.wait_for_url(f"**{path}cancel/")
    assert "Are you sure" in page.locator("main").inner_text()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITING  # asking changed nothing
    screenshot("registration-cancel", phone=True)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.wait_for_url(f"**{path}")
    page.get_by_text("Your registration is cancelled.").first.wait_for()

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    run_worker()
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


def test_visitor_switches_an_event_to_azerbaijani_registers_and_gets_the_email_in_azerbaijani(
    live_server, page, screenshot
):
    call_command("load_demo", verbosity=0)
    event = Event.objects.get(slug=FORUM_SLUG)
    # What an Azerbaijani reader sees, from the translations themselves (not copied here).
    with translation.override("az"):
        az = {
            "title": event.title,
            "venue": event.venue_name,
            "register": gettext("Register"),
            "full_name": capfirst(gettext("full name")),
            "email": capfirst(gettext("email")),
            "organisation": capfirst(gettext("organisation")),
            "position": capfirst(pgettext("job title", "position")),
            "consent": gettext("I agree to the processing of my personal data for this event."),
            "thanks": gettext("Thank you for registering"),
            "check_email": gettext("Please check your email."),
            "confirmed": gettext("Your seat is confirmed."),
            "subject": gettext("Your registration is confirmed: %(event)s")
            % {"event": event.title},
            "dear": gettext("Dear %(name)s,") % {"name": "Həsən Əliyev"},
        }
    assert az["register"] != "Register" and az["thanks"] != "Thank you for registering"

    page.goto(f"{live_server.url}/en/events/{FORUM_SLUG}/")
    assert page.locator("h1").inner_text() == "Demo: Caspian trade and logistics forum"
    page.locator(".language-switcher").get_by_role("link", name="AZ").click()
    page.wait_for_url(f"**/az/events/{FORUM_SLUG}/")
    assert page.locator("html").get_attribute("lang") == "az"
    assert page.locator("h1").inner_text() == az["title"]
    assert az["venue"] in page.locator("main").inner_text()
    screenshot("event-az")
    screenshot("event-az", phone=True)

    page.locator(".registration-box").get_by_role("link", name=az["register"]).click()
    page.wait_for_url(f"**/az/events/{FORUM_SLUG}/register/")
    page.get_by_label(az["full_name"]).fill("Həsən Əliyev")
    page.get_by_label(az["email"]).fill("hasan.aliyev@example.org")
    page.get_by_label(az["organisation"]).fill("Xəzər Logistika MMC")
    page.get_by_label(az["position"]).fill("İxrac meneceri")
    page.get_by_label(az["consent"]).check()
    screenshot("register-az", phone=True)
    page.get_by_role("button", name=az["register"]).click()
    page.wait_for_url(f"**/az/events/{FORUM_SLUG}/register/done/")
    assert page.locator("h1").inner_text() == az["thanks"]
    # The page says no more than "check your email" (it never tells whether an address was
    # registered already); the email says the seat is confirmed.
    assert az["check_email"] in page.locator("main").inner_text()
    assert az["title"] in page.locator("main").inner_text()
    screenshot("registered-az")
    screenshot("registered-az", phone=True)

    registration = Registration.objects.get(email="hasan.aliyev@example.org")
    assert (registration.language, registration.full_name) == ("az", "Həsən Əliyev")
    # The worker writes the email just before it sends it (events.emails.render_queued_email).
    email = render_queued_email(OutboxEmail.objects.get(registration=registration))
    assert email.language == "az" and email.subject == az["subject"]
    assert az["dear"] in email.body and az["title"] in email.body and az["venue"] in email.body
    assert "Dear" not in email.body and "Your registration" not in email.subject
    link = re.search(r"https?://[^/]+(/az/registrations/[\w-]+/)", email.body).group(1)
    page.goto(live_server.url + link)
    assert page.locator("html").get_attribute("lang") == "az"
    assert az["confirmed"] in page.locator("main").inner_text()  # the registrant's own page
