"""The seat state stays live on cached pages (events.views.seat_states, static/js/seats.js)."""

import pytest
from django.utils import translation

from events import services
from events.models import Registration
from portal.pagecache import HEADER
from tests.factories import EventFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_seat_badge_changes_within_seconds_on_a_page_served_from_the_cache(
    live_server, page, settings, language, screenshot
):
    settings.PORTAL_PAGE_CACHE_SECONDS = 60
    event = EventFactory(title="Caspian trade forum", capacity=1)
    with translation.override(language):
        one_left = translation.ngettext(
            "Registration is open: %(counter)s seat left.",
            "Registration is open: %(counter)s seats left.",
            1,
        ) % {"counter": 1}
        waiting = translation.gettext("Join the waiting list")
        full_badge = translation.gettext("Full — waiting list")
    url = f"{live_server.url}/{language}/events/{event.slug}/"
    list_url = f"{live_server.url}/{language}/events/"
    page.goto(url)  # the first visitor fills the cache
    response = page.goto(url)
    assert response.headers[HEADER.lower()] == "hit"
    box = page.locator("[data-seat-box]")
    assert one_left in box.inner_text()

    # Someone else takes the last seat; the open page catches up within a few seconds.
    taken = services.register_attendee(
        event=event, full_name="Other Person", email="other@example.org", consent=True
    ).registration
    assert taken.status == Registration.Status.CONFIRMED
    page.get_by_role("link", name=waiting).wait_for(timeout=9_000)
    assert one_left not in box.inner_text()
    # The page itself is still the cached one: only the box was read again.
    assert page.goto(url).headers[HEADER.lower()] == "hit"
    page.get_by_role("link", name=waiting).wait_for(timeout=9_000)
    screenshot(f"live-seats-{language}", phone=True)

    cached_list = page.goto(list_url)
    assert cached_list.headers.get(HEADER.lower()) in ("hit", "miss")
    page.locator("[data-seat-badge]", has_text=full_badge).wait_for(timeout=9_000)


def test_without_script_the_page_shows_the_state_it_was_rendered_with(live_server, browser):
    event = EventFactory(title="Caspian trade forum", capacity=3)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/events/{event.slug}/")
        assert "Registration is open: 3 seats left." in page.locator("[data-seat-box]").inner_text()
    finally:
        context.close()
