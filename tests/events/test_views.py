import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event, OutboxEmail, Registration
from tests.factories import (
    AgreementFactory,
    EventFactory,
    NewsArticleFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status
DAY = datetime.timedelta(days=1)


def form_data(**overrides):
    data = {
        "full_name": "Ann Example",
        "email": "ann@example.org",
        "organisation": "Example LLC",
        "position": "Director",
        "phone": "+7 (900) 123-45-67",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def register_url(event, language="en"):
    return f"/{language}/events/{event.slug}/register/"


# ---- list ------------------------------------------------------------------------------


def test_list_shows_upcoming_soonest_first_and_hides_drafts_and_past(client):
    now = timezone.now()
    later = EventFactory(title="Later", starts_at=now + 10 * DAY)
    sooner = EventFactory(title="Sooner", starts_at=now + 2 * DAY)
    EventFactory(title="Secret draft", status=Event.Status.DRAFT)
    EventFactory(title="Long ago", starts_at=now - 30 * DAY)
    response = client.get(reverse("events:list"))
    assert list(response.context["events"]) == [sooner, later]
    html = response.content.decode()
    assert "Secret draft" not in html and "Long ago" not in html


def test_past_tab_lists_past_events_most_recent_first(client):
    now = timezone.now()
    old = EventFactory(title="Old", starts_at=now - 60 * DAY)
    recent = EventFactory(title="Recent", starts_at=now - 3 * DAY)
    EventFactory(title="Coming")
    response = client.get(reverse("events:list") + "?when=past")
    assert list(response.context["events"]) == [recent, old]
    assert "Past event" in response.content.decode()


def test_list_filters_by_sector_kind_and_month(client):
    trade = SectorFactory(slug="trade", name="Trade")
    start = timezone.now() + 40 * DAY
    match = EventFactory(kind=Event.Kind.SEMINAR, starts_at=start, sectors=[trade])
    EventFactory(kind=Event.Kind.FORUM, starts_at=start, sectors=[trade])
    EventFactory(kind=Event.Kind.SEMINAR, starts_at=start)
    EventFactory(kind=Event.Kind.SEMINAR, starts_at=start + 60 * DAY, sectors=[trade])
    month = timezone.localtime(start).strftime("%Y-%m")
    response = client.get(
        reverse("events:list"), {"sector": "trade", "kind": "seminar", "month": month}
    )
    assert list(response.context["events"]) == [match]


def test_bad_filters_and_pages_are_ignored(client):
    EventFactory()
    response = client.get(reverse("events:list"), {"month": "13-2024", "kind": "<x>", "page": "x"})
    assert response.status_code == 200
    assert len(response.context["events"]) == 1


def test_cards_show_seats_waiting_list_and_closed(client):
    EventFactory(title="Roomy", capacity=5)
    full = EventFactory(title="Full", capacity=1)
    RegistrationFactory(event=full)
    EventFactory(title="Closed", registration_closes_at=timezone.now() - DAY)
    html = client.get(reverse("events:list")).content.decode()
    assert "5 seats left" in html
    assert "Full — waiting list" in html
    assert "Registration closed" in html


def test_list_in_russian(client):
    EventFactory(title="Forum", title_ru="Форум", capacity=3)
    html = client.get("/ru/events/").content.decode()
    assert "Форум" in html and "Осталось 3 места" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_flat(client):
    sectors = [SectorFactory() for _ in range(3)]
    for event in EventFactory.create_batch(3, sectors=sectors):
        RegistrationFactory.create_batch(2, event=event)
    url = reverse("events:list")
    _count_queries(client, url)
    few = _count_queries(client, url)
    for event in EventFactory.create_batch(9, sectors=sectors):
        RegistrationFactory.create_batch(3, event=event)
    assert _count_queries(client, url) <= 8  # filter choices are computed again after a change
    assert _count_queries(client, url) == few
    assert few <= 8


def test_detail_query_count_is_flat(client):
    sectors = [SectorFactory() for _ in range(2)]
    event = EventFactory(sectors=sectors)
    event.related_news.add(NewsArticleFactory())
    url = event.get_absolute_url()
    _count_queries(client, url)
    few = _count_queries(client, url)
    RegistrationFactory.create_batch(20, event=event)
    event.related_news.add(*NewsArticleFactory.create_batch(3))
    event.sectors.add(SectorFactory())
    # The event and its related items are loaded again after a change, then kept.
    assert _count_queries(client, url) <= 8
    assert _count_queries(client, url) == few
    assert few <= 8


def test_home_page_shows_the_next_events(client):
    EventFactory(title="Next forum")
    EventFactory(title="Hidden draft", status=Event.Status.DRAFT)
    html = client.get("/en/").content.decode()
    assert "Upcoming events" in html and "Next forum" in html and "Hidden draft" not in html


# ---- detail and calendar files ------------------------------------------------------


def test_detail_shows_time_in_the_events_time_zone_with_its_name(client):
    start = datetime.datetime(2030, 5, 20, 10, 0, tzinfo=datetime.UTC)
    event = EventFactory(starts_at=start, time_zone="Asia/Baku", capacity=4)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "14:00" in html  # 10:00 UTC is 14:00 in Baku
    assert "Baku time (UTC+04:00)" in html  # the city people say, not "Asia/Baku"
    assert "Registration is open: 4 seats left." in html
    assert reverse("events:event-calendar", args=[event.slug]) in html
    ru = client.get(event.get_absolute_url().replace("/en/", "/ru/")).content.decode()
    assert "бакинское время (UTC+04:00)" in ru


def test_draft_is_404_for_the_public_and_visible_to_staff(client, staff_client):
    event = EventFactory(status=Event.Status.DRAFT)
    for url in [
        event.get_absolute_url(),
        register_url(event),
        reverse("events:event-calendar", args=[event.slug]),
    ]:
        assert client.get(url).status_code == 404
    assert staff_client.get(event.get_absolute_url()).status_code == 200
    assert client.post(register_url(event), form_data()).status_code == 404
    assert not Registration.objects.exists()


def test_unknown_event_is_404(client):
    assert client.get("/en/events/no-such-event/").status_code == 404
    assert client.post("/en/events/no-such-event/register/", form_data()).status_code == 404


def test_cancelled_event_shows_a_banner_and_takes_no_registrations(client):
    event = EventFactory(status=Event.Status.CANCELLED)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "This event has been cancelled." in html
    assert register_url(event) not in html
    response = client.post(register_url(event), form_data())
    assert response.status_code == 200
    assert "does not take registrations" in response.content.decode()
    assert not Registration.objects.exists()


def test_event_calendar_file(client):
    event = EventFactory(title="Trade forum", time_zone="Asia/Baku")
    RegistrationFactory(event=event, email="secret@example.org", full_name="Secret Person")
    response = client.get(reverse("events:event-calendar", args=[event.slug]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    content = response.content.decode()
    assert "secret@example.org" not in content and "Secret Person" not in content
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Trade forum"
    assert str(vevent["UID"]).startswith(f"event-{event.pk}@")
    assert vevent.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert str(vevent.decoded("DTSTART").tzinfo) == "Asia/Baku"
    assert calendar.walk("VTIMEZONE")  # the zone is defined in the file
    assert "http://testserver/en/events/" in str(vevent["URL"])


def test_all_events_calendar_has_upcoming_public_events_only(client):
    upcoming = EventFactory(title="Upcoming one")
    EventFactory(title="Draft one", status=Event.Status.DRAFT)
    EventFactory(title="Past one", starts_at=timezone.now() - 10 * DAY)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("events:calendar")).content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [upcoming.title]


# ---- registration form --------------------------------------------------------------


def test_register_confirms_and_shows_the_confirmation_page(
    client, django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event, "ru"), form_data(email="Ann@Example.org"))
    run_worker()
    assert response.status_code == 302
    assert response["Location"] == f"/ru/events/{event.slug}/register/done/"
    registration = Registration.objects.get()
    assert registration.status == Status.CONFIRMED
    assert registration.language == "ru"
    assert registration.phone == "+7 (900) 123-45-67"
    page = client.get(response["Location"]).content.decode()
    assert "Спасибо за регистрацию" in page and "Пожалуйста, проверьте почту." in page
    assert registration.token not in page  # the secret link goes by email only
    assert "Ваше место подтверждено." not in page  # the status too: see the next tests
    [message] = mail.outbox
    assert f"/ru/registrations/{registration.token}/" in message.body


def test_register_when_full_joins_the_waiting_list(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    assert "Join the waiting list" in client.get(register_url(event)).content.decode()
    response = client.post(register_url(event), form_data(), follow=True)
    assert "Please check your email." in response.content.decode()
    assert Registration.objects.get(email="ann@example.org").status == Status.WAITING


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "Sorry, the event is fully booked and has no waiting list."),
        ("ru", "К сожалению, мест нет, а листа ожидания у мероприятия нет."),
        ("az", "Təəssüf ki, yer qalmayıb və tədbirin gözləmə siyahısı yoxdur."),
    ],
)
def test_a_submission_for_an_event_that_filled_up_meanwhile_says_so_and_stores_nothing(
    client, language, message
):
    """The seats are counted only inside the lock: the form of an event that filled up
    since the visitor opened it answers with the refusal, in the visitor's language."""
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    RegistrationFactory(event=event)
    response = client.post(register_url(event, language), form_data())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.filter(email="ann@example.org").exists()
    assert not OutboxEmail.objects.filter(to="ann@example.org").exists()


def comparable(response) -> str:
    """The page without what differs on every request (CSP nonce, CSRF token)."""
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_registering_a_registered_address_looks_the_same_as_a_new_one_and_emails_the_link(
    client, django_capture_on_commit_callbacks, run_worker
):
    """Nobody learns on screen whether an address is registered, or anything about that
    registration: the answer is the page a new registration gets, and the existing link goes
    to the address itself."""
    event = EventFactory(capacity=1)
    taken = RegistrationFactory(
        event=event, email="taken@example.org", full_name="Taken Person", language="ru"
    )
    waiting = RegistrationFactory(event=event, email="waits@example.org", status=Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(register_url(event), form_data(email="new@example.org"), follow=True)
        again_confirmed = client.post(
            register_url(event), form_data(email="TAKEN@example.org"), follow=True
        )
        again_waiting = client.post(
            register_url(event), form_data(email="waits@example.org"), follow=True
        )
    assert new.redirect_chain == again_confirmed.redirect_chain == again_waiting.redirect_chain
    assert comparable(new) == comparable(again_confirmed) == comparable(again_waiting)
    for secret in ("Taken Person", "taken@example.org", taken.token, waiting.token):
        assert secret not in again_confirmed.content.decode() + again_waiting.content.decode()
    # Nothing changed, except that each registered address got its own link.
    assert event.registrations.count() == 3
    assert Registration.objects.get(email="new@example.org").status == Status.WAITING
    run_worker()
    links = {m.to[0]: m for m in mail.outbox if m.to[0] != "new@example.org"}
    assert set(links) == {"taken@example.org", "waits@example.org"}
    assert links["taken@example.org"].subject.startswith("Ваша регистрация:")  # her language
    assert f"/ru/registrations/{taken.token}/" in links["taken@example.org"].body
    assert f"/en/registrations/{waiting.token}/" in links["waits@example.org"].body


def test_confirmation_page_without_a_registration_goes_back_to_the_event(client):
    event, other = EventFactory(), EventFactory()
    response = client.get(reverse("events:registered", args=[event.slug]))
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    client.post(register_url(other), form_data())
    response = client.get(reverse("events:registered", args=[event.slug]))
    assert response.status_code == 302  # a registration for another event does not count


def test_the_confirmation_page_needs_the_signed_cookie_the_form_sets(client):
    from django.contrib.sessions.models import Session

    event = EventFactory()
    client.cookies["registered-for"] = str(event.pk)  # forged: not signed
    response = client.get(reverse("events:registered", args=[event.slug]))
    assert response.status_code == 302
    client.post(register_url(event), form_data())
    response = client.get(reverse("events:registered", args=[event.slug]))
    assert response.status_code == 200
    assert not Session.objects.exists()  # a submission writes no session row


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"consent": ""}, "Please agree to the processing of your personal data."),
        ({"full_name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"full_name": ""}, "This field is required."),
        ({"phone": "call me"}, "Enter a phone number"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, overrides, message):
    event = EventFactory()
    response = client.post(register_url(event), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_bad_input_message_in_azerbaijani(client):
    event = EventFactory()
    response = client.post(register_url(event, "az"), form_data(consent=""))
    assert "şəxsi məlumatlarınızın işlənməsinə razılıq verin" in response.content.decode()


def test_form_links_the_privacy_policy_and_hides_the_honeypot(client):
    html = client.get(register_url(EventFactory())).content.decode()
    assert 'href="/en/pages/privacy/"' in html
    assert 'class="hp-field"' in html and 'name="website"' in html


def test_honeypot_blocks_bots(client):
    response = client.post(register_url(EventFactory()), form_data(website="http://spam"))
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_closed_window_is_refused_with_a_message(client):
    event = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(register_url(event), form_data())
    assert "does not take registrations" in response.content.decode()
    assert not Registration.objects.exists()


def test_full_without_waiting_list_is_refused_with_a_message(client):
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    RegistrationFactory(event=event)
    response = client.post(register_url(event), form_data())
    assert "Fully booked" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_warm_submission_reads_the_event_only_under_its_lock(client):
    """The form's event comes from the worker's memory (events.pages.registration_event): a
    warm submission's only read of the event row is the locked one, and the whole POST runs
    the same few queries however many have registered."""
    event = EventFactory(capacity=100)
    client.post(register_url(event), form_data(email="first@example.org"))  # warms the worker

    def submit(email):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(register_url(event), form_data(email=email))
        assert response.status_code == 302
        return [q["sql"] for q in queries.captured_queries]

    few = submit("second@example.org")
    RegistrationFactory.create_batch(30, event=event)
    many = submit("third@example.org")
    assert len(few) == len(many), many
    # PostgreSQL: the lock and the claim (events.seat_claim, with the worker's task); SQLite's
    # ORM path adds the seat count, two INSERTs and the savepoints.
    assert len(many) <= (5 if connection.vendor == "postgresql" else 10), many
    event_reads = [sql for sql in many if 'FROM "events_event"' in sql]
    if connection.vendor == "postgresql":
        # The lock, then the claim, whose guard compares the locked row with the worker's
        # copy (events.seat_claim): sent together, in one round trip.
        lock, claim = event_reads
        assert lock.endswith("FOR UPDATE") and claim.startswith("WITH unchanged"), event_reads
        assert many.index(claim) == many.index(lock) + 1
    else:
        assert len(event_reads) == 1, event_reads
    assert Registration.objects.filter(event=event).count() == 33


def test_a_change_the_worker_has_not_seen_yet_is_decided_under_the_lock(client):
    """A change written without the model's signals (so the content generation, and the
    form's remembered event, stay as they were) still decides: the service reads the event's
    status, window and capacity again under the lock."""
    event = EventFactory(capacity=100)
    client.post(register_url(event), form_data(email="first@example.org"))
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = client.post(register_url(event), form_data(email="second@example.org"))
    assert response.status_code == 200
    assert "This event has been cancelled, so it takes no registrations." in (
        response.content.decode()
    )
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED, capacity=1)
    response = client.post(register_url(event), form_data(email="third@example.org"))
    assert Registration.objects.get(email="third@example.org").status == Status.WAITING


def test_a_deleted_event_takes_no_registration():
    from events import services

    event = EventFactory()
    Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(services.RegistrationError) as refused:
        services.register_attendee(
            event=event, full_name="Ann", email="ann@example.org", consent=True
        )
    assert str(refused.value.message) == "Registration for this event is not available."
    assert not Registration.objects.exists()


def test_rate_limit_per_address(client, settings):
    event = EventFactory(capacity=None)
    for number in range(settings.PORTAL_SUBMISSIONS_PER_WINDOW):
        response = client.post(register_url(event), form_data(email=f"p{number}@example.org"))
        assert response.status_code == 302
    response = client.post(register_url(event), form_data(email="one-more@example.org"))
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert Registration.objects.count() == settings.PORTAL_SUBMISSIONS_PER_WINDOW
    other = client.post(
        register_url(event), form_data(email="other@example.org"), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_rate_limit_behind_the_proxy_counts_the_address_the_proxy_saw(client, settings):
    settings.BEHIND_PROXY = True
    event = EventFactory(capacity=None)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for number in range(settings.PORTAL_SUBMISSIONS_PER_WINDOW):
        client.post(
            register_url(event), form_data(email=f"p{number}@example.org"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.1", **proxy,
        )  # fmt: skip
    # The same visitor (last entry, added by the proxy) is limited whatever it forges first.
    limited = client.post(
        register_url(event), form_data(email="forged@example.org"),
        HTTP_X_FORWARDED_FOR="192.0.2.77, 198.51.100.1", **proxy,
    )  # fmt: skip
    assert limited.status_code == 429
    # Another visitor behind the same proxy is not.
    other = client.post(
        register_url(event), form_data(email="other@example.org"),
        HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy,
    )  # fmt: skip
    assert other.status_code == 302


# ---- the registrant's page ----------------------------------------------------------


def test_registrant_page_shows_the_status_and_cancels_with_promotion(
    client, django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    url = f"/en/registrations/{holder.token}/"
    html = client.get(url).content.decode()
    assert "Your seat is confirmed." in html and holder.full_name in html
    assert f"{url}cancel/" in html
    asked = client.get(f"{url}cancel/")
    assert "Are you sure you want to cancel your registration" in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}cancel/", follow=True)
    run_worker()
    assert "Your registration is cancelled." in response.content.decode()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    assert {m.to[0] for m in mail.outbox} == {holder.email, waiting.email}


def test_forged_tokens_are_404_and_change_nothing(client):
    registration = RegistrationFactory()
    other_last = "B" if registration.token.endswith("A") else "A"
    for token in ["x", registration.token[:-1] + other_last, "a" * 300, "../admin"]:
        assert client.get(f"/en/registrations/{token}/").status_code == 404
        assert client.post(f"/en/registrations/{token}/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_one_token_shows_only_its_own_registration(client):
    mine = RegistrationFactory(full_name="Mine Person")
    other = RegistrationFactory(full_name="Other Person")
    html = client.get(mine.get_absolute_url()).content.decode()
    assert "Mine Person" in html and "Other Person" not in html and other.email not in html


def test_cancel_needs_csrf(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    registration = RegistrationFactory()
    assert strict.post(f"/en/registrations/{registration.token}/cancel/").status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


# ---- lost link ------------------------------------------------------------------------


def test_lost_link_answers_the_same_for_known_and_unknown_emails(
    client, django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory()
    registration = RegistrationFactory(event=event, email="known@example.org")
    url = reverse("events:lost-link", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "KNOWN@example.org"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "nobody@example.org"}, follow=True)
    run_worker()
    message = "If this address is registered for the event"
    assert message in known.content.decode() and message in unknown.content.decode()
    assert known.redirect_chain == unknown.redirect_chain
    [sent] = mail.outbox
    assert sent.to == ["known@example.org"] and registration.token in sent.body


def test_lost_link_with_bad_email_is_a_form_error(client):
    event = EventFactory()
    response = client.post(reverse("events:lost-link", args=[event.slug]), {"email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not OutboxEmail.objects.exists()


# ---- check-in -------------------------------------------------------------------------


def test_check_in_is_for_staff_only(client, django_user_model):
    event = EventFactory()
    url = reverse("events:check-in", args=[event.slug])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    user = django_user_model.objects.create_user("visitor", "v@example.org", "pw")
    client.force_login(user)
    assert client.get(url).status_code == 403
    registration = RegistrationFactory(event=event)
    toggle = reverse("events:check-in-toggle", args=[event.slug, registration.pk])
    assert client.post(toggle).status_code == 403
    assert (
        client.post(reverse("events:walk-in", args=[event.slug]), {"full_name": "X"}).status_code
        == 403
    )
    assert client.get(reverse("events:check-in-counts", args=[event.slug])).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_staff_search_check_in_undo_and_walk_in(staff_client):
    event = EventFactory(capacity=5)
    ann = RegistrationFactory(event=event, full_name="Ann Caspian", organisation="Port LLC")
    RegistrationFactory(event=event, full_name="Bob Volga")
    RegistrationFactory(event=event, full_name="Wanda Waiting", status=Status.WAITING)
    url = reverse("events:check-in", args=[event.slug])
    assert "Wanda Waiting" not in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"q": "port"})["Location"] == url
    html = staff_client.get(url).content.decode()
    assert "Ann Caspian" in html and "Bob Volga" not in html
    toggle = reverse("events:check-in-toggle", args=[event.slug, ann.pk])
    response = staff_client.post(toggle, {"action": "in"})
    assert response["Location"] == f"{url}#registration-{ann.pk}"
    ann.refresh_from_db()
    assert ann.checked_in_at is not None
    counts = staff_client.get(reverse("events:check-in-counts", args=[event.slug])).json()
    assert counts["checked_in"] == 1 and counts["confirmed"] == 2 and counts["waiting"] == 1
    staff_client.post(toggle, {"action": "undo"})
    ann.refresh_from_db()
    assert ann.checked_in_at is None
    response = staff_client.post(
        reverse("events:walk-in", args=[event.slug]), {"full_name": "Walk Inn"}, follow=True
    )
    assert "Walk Inn is added and checked in." in response.content.decode()
    assert event.registrations.get(full_name="Walk Inn").checked_in_at is not None
    bad = staff_client.post(reverse("events:walk-in", args=[event.slug]), {"full_name": ""})
    assert bad.status_code == 200 and "This field is required." in bad.content.decode()


def test_event_page_links_related_public_agreements(client):
    event = EventFactory()
    public = AgreementFactory(title="Road map on ports")
    draft = AgreementFactory(title="Secret draft agreement", status="draft")
    event.related_agreements.set([public, draft])
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Road map on ports" in html and public.get_absolute_url() in html
    assert "Secret draft agreement" not in html


@pytest.mark.parametrize("page", ["register", "lost-link"])
def test_forms_carry_exactly_one_csrf_token(client, page):
    event = EventFactory()
    html = client.get(f"/en/events/{event.slug}/{page}/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == 1


def test_registrant_cannot_cancel_after_the_event(client):
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    registration = RegistrationFactory(event=event)
    url = f"/en/registrations/{registration.token}/"
    assert f"{url}cancel/" not in client.get(url).content.decode()
    client.post(f"{url}cancel/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("query", ["петров", "PETROV", "Петров", "petrov"])
def test_check_in_search_ignores_case_and_script(staff_client, query):
    event = EventFactory(capacity=10)
    RegistrationFactory(event=event, full_name="Иван Петров")
    RegistrationFactory(event=event, full_name="Anna Petrova")
    RegistrationFactory(event=event, full_name="Bob Volga")
    url = reverse("events:check-in", args=[event.slug])
    staff_client.post(url, {"q": query})  # the search is posted, never in the URL
    html = staff_client.get(url).content.decode()
    assert "Иван Петров" in html and "Anna Petrova" in html
    assert "Bob Volga" not in html


# ---- the registrant cancels: "are you sure?" first ---------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_asking_to_cancel_never_cancels(client, method):
    registration = RegistrationFactory(event=EventFactory(capacity=1))
    waiting = RegistrationFactory(event=registration.event, status=Status.WAITING)
    url = reverse("registrations:cancel", args=[registration.token])
    for _ in range(3):  # a link preview, a prefetch, a reload
        response = getattr(client, method)(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CONFIRMED and waiting.status == Status.WAITING
    assert not OutboxEmail.objects.exists()


def test_the_question_page_says_what_happens_and_a_cancelled_one_shows_its_state(client):
    registration = RegistrationFactory(status=Status.WAITING)
    url = reverse("registrations:cancel", args=[registration.token])
    html = client.get(url).content.decode()
    assert "Are you sure you want to cancel your registration for this event?" in html
    assert "You leave the waiting list." in html
    assert registration.get_absolute_url() in html  # "No, keep my registration"
    response = client.post(url, follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    later = client.get(url)  # an old tab: back to the page, which shows the state
    assert later.status_code == 302 and later["Location"] == registration.get_absolute_url()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Your registration is cancelled." in page and url not in page


def test_the_question_in_russian_and_azerbaijani(client):
    registration = RegistrationFactory()
    for code, question, button in [
        ("ru", "Вы уверены, что хотите отменить регистрацию", "Да, отменить регистрацию"),
        ("az", "Bu tədbirə qeydiyyatınızı ləğv etmək istədiyinizə əminsiniz?", "Bəli, ləğv et"),
    ]:
        with translation.override(code):
            url = reverse("registrations:cancel", args=[registration.token])
        html = client.get(url).content.decode()
        assert f'<html lang="{code}"' in html and question in html and button in html
        assert "Are you sure" not in html
