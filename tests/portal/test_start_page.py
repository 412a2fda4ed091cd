"""The staff's start page (the admin index): what needs each role now, with counts that match
the data and links that lead to exactly those items; and the last changes by other staff."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from agreements.models import Measure
from events.models import OutboxEmail, Registration
from portal.models import NewsArticle
from portal.roles import AGREEMENTS_OFFICERS, EDITORS, EVENT_MANAGERS
from tests.factories import EventFactory, MeasureFactory, NewsArticleFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
ITEM = re.compile(
    r'data-attention="(?P<key>[\w-]+)">\s*<a href="(?P<url>[^"]+)">'
    r'<span class="start-count">(?P<count>\d+)</span>'
)
EVENT_ITEMS = {"pending-registrations", "undelivered-emails", "events-this-week"}
MEASURE_ITEMS = {"overdue-measures", "measures-due-soon"}
NEWS_ITEMS = {"scheduled-articles", "draft-articles"}


@pytest.fixture
def work():
    """Something to do for every role, and look-alikes that must not be counted."""
    now = timezone.now()
    today = timezone.localdate()
    forum = EventFactory(title="Caspian forum", capacity=10, starts_at=now + 3 * DAY)
    RegistrationFactory.create_batch(2, event=forum, status=Registration.Status.PENDING)
    RegistrationFactory(event=forum)  # confirmed: nothing to approve
    EventFactory(title="Full seminar", capacity=1, starts_at=now + 2 * DAY).registrations.create(
        full_name="Only seat", email="seat@example.org", status=Registration.Status.CONFIRMED
    )
    EventFactory(title="Open day", capacity=None, starts_at=now + 5 * DAY)
    later = EventFactory(title="Later fair", starts_at=now + 20 * DAY)
    RegistrationFactory(event=later, status=Registration.Status.PENDING)
    past = EventFactory(starts_at=now - 10 * DAY)
    RegistrationFactory(event=past, status=Registration.Status.PENDING)  # stale: not counted
    OutboxEmail.objects.create(to="a@example.org", subject="Stuck", body="x")
    OutboxEmail.objects.create(
        to="b@example.org", subject="Given up", body="x", status=OutboxEmail.Status.FAILED
    )
    OutboxEmail.objects.create(
        to="c@example.org", subject="Sent", body="x", status=OutboxEmail.Status.SENT
    )
    MeasureFactory(number="1.1", due_on=today - DAY, status=Measure.Status.IN_PROGRESS)
    MeasureFactory(number="1.2", due_on=today - DAY, status=Measure.Status.DONE)
    MeasureFactory(number="2.1", due_on=today + 10 * DAY)
    MeasureFactory(number="2.2", due_on=today + 30 * DAY)
    MeasureFactory(number="2.3", due_on=today + 31 * DAY)
    NewsArticleFactory(title="Tomorrow's news", publish_at=now + DAY)
    NewsArticleFactory(title="Out already")
    NewsArticleFactory.create_batch(2, status=NewsArticle.Status.DRAFT)


def items(client) -> dict[str, tuple[int, str]]:
    html = client.get(reverse("admin:index")).content.decode()
    return {
        m["key"]: (int(m["count"]), m["url"].replace("&amp;", "&")) for m in ITEM.finditer(html)
    }


def test_an_event_manager_sees_approvals_emails_and_this_weeks_events(role_client, work):
    client = role_client(EVENT_MANAGERS)
    shown = items(client)
    assert set(shown) == EVENT_ITEMS
    assert shown["pending-registrations"][0] == 3  # the forum's two and the later fair's one
    assert shown["undelivered-emails"][0] == 2  # queued and given up; the sent one is not
    assert shown["events-this-week"][0] == 2  # the forum and the open day; the full one is not
    html = client.get(reverse("admin:index")).content.decode()
    assert "Caspian forum: 2 awaiting approval" in html
    assert "Open day" in html and "unlimited seats" in html
    assert "Full seminar" not in html and "Later fair —" not in html

    # Each link leads to exactly the items counted.
    pending = client.get(shown["pending-registrations"][1])
    assert pending.context["cl"].result_count == 3
    emails = client.get(shown["undelivered-emails"][1])
    assert emails.context["cl"].result_count == 2
    week = client.get(shown["events-this-week"][1])
    assert {event.title for event in week.context["cl"].result_list} == {
        "Caspian forum",
        "Open day",
    }


def test_an_agreements_officer_sees_measures_overdue_and_due_soon(role_client, work):
    client = role_client(AGREEMENTS_OFFICERS)
    shown = items(client)
    assert set(shown) == MEASURE_ITEMS  # no news items, though the role may look at news
    assert shown["overdue-measures"][0] == 1
    assert shown["measures-due-soon"][0] == 2  # due in 10 and in 30 days; not in 31
    overdue = client.get(shown["overdue-measures"][1]).context["cl"]
    assert [measure.number for measure in overdue.result_list] == ["1.1"]
    soon = client.get(shown["measures-due-soon"][1]).context["cl"]
    assert sorted(measure.number for measure in soon.result_list) == ["2.1", "2.2"]


def test_an_editor_sees_scheduled_articles_with_their_time_and_drafts(role_client, work):
    client = role_client(EDITORS)
    shown = items(client)
    assert set(shown) == NEWS_ITEMS
    assert shown["scheduled-articles"][0] == 1
    assert shown["draft-articles"][0] == 2
    html = client.get(reverse("admin:index")).content.decode()
    article = NewsArticle.objects.get(title="Tomorrow's news")
    when = timezone.localtime(article.publish_at)
    assert f"Tomorrow&#x27;s news — scheduled for {when.day} {when:%b}" in html
    scheduled = client.get(shown["scheduled-articles"][1]).context["cl"]
    assert [a.title for a in scheduled.result_list] == ["Tomorrow's news"]
    drafts = client.get(shown["draft-articles"][1]).context["cl"]
    assert drafts.result_count == 2


def test_a_superuser_sees_every_section(staff_client, work):
    assert set(items(staff_client)) == EVENT_ITEMS | MEASURE_ITEMS | NEWS_ITEMS


def test_nothing_to_do_shows_zero_not_nothing(role_client):
    shown = items(role_client(EVENT_MANAGERS))
    assert {key: count for key, (count, _url) in shown.items()} == dict.fromkeys(EVENT_ITEMS, 0)


def test_last_changes_by_other_staff_only_what_the_role_may_see(role_client):
    editor = role_client(EDITORS)
    other_editor = role_client(EDITORS, "second-editor")
    manager = role_client(EVENT_MANAGERS)
    article = NewsArticleFactory(title="Edited by a colleague")
    response = other_editor.post(
        reverse("admin:portal_newsarticle_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    data = {"title_en": "Edited by a colleague", "slug": article.slug, "lead_en": "Lead",
            "body_en": "Body", "status": "draft", "publish_at_0": "2026-01-01",
            "publish_at_1": "10:00:00"}  # fmt: skip
    url = reverse("admin:portal_newsarticle_change", args=[article.pk])
    assert other_editor.post(url, data).status_code == 302
    assert LogEntry.objects.filter(user=other_editor.user).count() == 1

    sidebar = editor.get(reverse("admin:index")).content.decode().split("recent-changes-module")[1]
    sidebar = sidebar.split("recent-actions-module")[0]
    assert "Edited by a colleague" in sidebar and "second-editor" in sidebar
    own = other_editor.get(reverse("admin:index")).content.decode()
    assert (
        "Edited by a colleague"
        not in own.split("recent-changes-module")[1].split("recent-actions-module")[0]
    )  # one's own changes are under "My actions"
    assert "Edited by a colleague" not in manager.get(reverse("admin:index")).content.decode()


def test_an_approval_in_the_admin_is_among_the_last_changes(role_client):
    first = role_client(EVENT_MANAGERS)
    second = role_client(EVENT_MANAGERS, "second-manager")
    registration = RegistrationFactory(
        full_name="Approved Person",
        status=Registration.Status.PENDING,
        event=EventFactory(approval_required=True),
    )
    second.post(
        reverse("admin:events_registration_changelist"),
        {"action": "approve", "_selected_action": [registration.pk]},
    )
    html = first.get(reverse("admin:index")).content.decode()
    assert "Approved Person" in html and "Changed status." in html


def test_the_start_page_in_russian_and_azerbaijani(role_client, work):
    client = role_client(EVENT_MANAGERS)
    ru = client.get(reverse("admin:index"), headers={"accept-language": "ru"}).content.decode()
    assert "Что ждёт вас сейчас" in ru and "регистрации ждут одобрения" in ru
    assert "Caspian forum: 2 ждут одобрения" in ru
    az = client.get(reverse("admin:index"), headers={"accept-language": "az"}).content.decode()
    assert "İndi sizi nə gözləyir" in az and "təsdiq gözləyən qeydiyyat" in az


def test_the_start_page_does_not_grow_queries_with_the_work(staff_client, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    queries()  # the first request also fills caches (session, content types)
    few = queries()
    now = timezone.now()
    for index in range(8):
        event = EventFactory(starts_at=now + DAY)
        RegistrationFactory(event=event, status=Registration.Status.PENDING)
        NewsArticleFactory(publish_at=now + (index + 1) * DAY)
        MeasureFactory(due_on=timezone.localdate() - DAY)
    assert queries() == few
