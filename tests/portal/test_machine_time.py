"""The machine-readable moment in <time datetime> (portal's machine_time filter)."""

import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone


def render(moment, zone="Asia/Baku") -> str:
    template = Template(
        "{% load tz portal %}{% timezone zone %}{{ moment|machine_time }}{% endtimezone %}"
    )
    return template.render(Context({"moment": moment, "zone": zone}))


def test_the_moment_is_given_to_the_second_in_the_current_time_zone():
    # timezone.now() has microseconds; HTML's datetime allows at most three digits of them.
    moment = datetime.datetime(2026, 12, 9, 7, 5, 43, 914055, tzinfo=datetime.UTC)
    assert render(moment) == "2026-12-09T11:05:43+04:00"
    assert render(moment, "Europe/Moscow") == "2026-12-09T10:05:43+03:00"


def test_no_moment_gives_an_empty_value():
    assert render(None) == ""


def test_a_moment_already_local_keeps_its_wall_clock():
    moment = timezone.make_aware(datetime.datetime(2021, 12, 7, 11), ZoneInfo("Asia/Baku"))
    assert render(moment) == "2021-12-07T11:00:00+04:00"
