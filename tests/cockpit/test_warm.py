"""The server prepares the cockpits leaders open first before its first request (core.startup, cockpit.warm): the
top organization's and its children's, for the default period, as each kind of viewer sees them. The first leader of
the day is answered from them without reading a fact, and a write afterwards recomputes only what it changed — the
page always showing what a page built from nothing shows."""

import io
import re

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.core import startup
from qingfeng.core.dates import today
from qingfeng.core.management.commands.serve import Command
from tests.cockpit import scene

FIGURE = re.compile(r'data-figure="([^"]+)">([^<]+)<')
SCORE = re.compile(r'data-score="(\d+)">([^<]+)<')


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_first_leader_of_the_day_is_answered_from_what_the_server_prepared(world, monkeypatch):
    from qingfeng.indicators import engine

    scene.build(world)
    cache.clear()
    out = io.StringIO()
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)  # the test's transaction stays open
    Command(stdout=out).warm({"warm_seconds": 30})
    # the city and its two districts, for a viewer without discipline data and one with
    assert "已预先准备 驾驶舱：6 个页面" in out.getvalue()
    url = reverse("cockpit:cockpit")
    leader = signed_in(world.leader)
    with CaptureQueriesContext(connection) as queries:
        first = leader.get(url).content.decode()
    assert not any('"indicators_fact"' in q["sql"] for q in queries)  # nothing computed for the first visitor
    district = signed_in(world.district_user)
    with CaptureQueriesContext(connection) as queries:
        district.get(url)
    assert not any('"indicators_fact"' in q["sql"] for q in queries)

    # a meeting today in 迎泽: the city's figures for periods reaching today and 迎泽's are computed, nothing of 小店
    asked = []
    original = engine.compute_grid

    def spy(asks, user=None):
        asked.extend((org.pk, end) for org, _start, end, _keys in asks)
        return original(asks, user)

    monkeypatch.setattr(engine, "compute_grid", spy)
    record_activity(user=world.admin, org=world.branch_o, type=ActivityType.objects.get(name="党课"), date=today(),
                    topic="今天的党课")
    after = leader.get(url).content.decode()
    assert asked and {pk for pk, _end in asked} == {world.city.pk, world.yingze.pk}
    assert all(end == today() for _pk, end in asked)
    assert int(dict(FIGURE.findall(after))["activities.count"]) == int(dict(FIGURE.findall(first))["activities.count"]) + 1
    cache.clear()
    fresh = leader.get(url).content.decode()
    assert FIGURE.findall(after) == FIGURE.findall(fresh) and SCORE.findall(after) == SCORE.findall(fresh)


def test_preparing_never_stops_the_server(world, monkeypatch):
    """A warmer that fails is logged and the others still run; with no time given nothing is prepared; with facts
    never built there is nothing to share and nothing is computed."""
    from qingfeng.indicators.models import FactState

    ran = []

    def broken(deadline):
        raise RuntimeError("boom")

    monkeypatch.setattr(startup, "warmers", [("坏的", broken), ("好的", lambda deadline: ran.append(1) or 1)])
    assert startup.warm(10) == {"好的": 1} and ran == [1]
    assert startup.warm(0) == {} and ran == [1]
    monkeypatch.undo()
    FactState.objects.all().delete()
    assert startup.warm(10) == {"驾驶舱": 0}
