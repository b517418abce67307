"""HTTP caching where it is exact (issue 18.5): the cockpit answers 304 to a browser holding the current version —
without reading a figure — and a new version after any write that changes a figure; the indicator catalogue
answers 304 to an API client holding its content."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from tests.api.conftest import bearer
from tests.cockpit import scene
from tests.cockpit.test_cockpit import PERIOD, shown


@pytest.fixture
def city(world):
    scene.build(world)
    return world


def test_the_cockpit_answers_304_until_a_write_changes_its_figures(city, client):
    client.force_login(city.leader)
    url = reverse("cockpit:cockpit")
    first = client.get(url, PERIOD)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and "no-cache" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, PERIOD, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert not any('"indicators_fact"' in q["sql"] for q in queries)  # no figure read
    assert len(queries) < 10
    assert client.get(url, {**PERIOD, "to": "2021-05-31"}, headers={"If-None-Match": etag}).status_code == 200
    before = shown(first.content.decode(), "activities.count")
    record_activity(user=city.clerk, org=city.branch_a, type=ActivityType.objects.get(name="党课"),
                    date=scene.START.replace(month=4, day=2), topic="新的党课")
    changed = client.get(url, PERIOD, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert int(shown(changed.content.decode(), "activities.count")) == int(before) + 1
    # another user's browser holding the leader's version is answered in full, as that user sees it
    client.force_login(city.district_user)
    other = client.get(url, {**PERIOD, "org": "140105"}, headers={"If-None-Match": changed["ETag"]})
    assert other.status_code == 200 and other["ETag"] != changed["ETag"]


def test_the_catalogue_answers_304_to_a_client_holding_it(city, client):
    headers = bearer(city.city_user)
    first = client.get("/api/v1/indicators/catalog", headers=headers)
    assert first.status_code == 200 and first.json() and first["ETag"]
    again = client.get("/api/v1/indicators/catalog", headers={**headers, "If-None-Match": first["ETag"]})
    assert again.status_code == 304 and not again.content
    discipline = client.get("/api/v1/indicators/catalog",
                            headers={**bearer(city.discipline_user), "If-None-Match": first["ETag"]})
    assert discipline.status_code == 200 and discipline["ETag"] != first["ETag"]
    assert len(discipline.json()) > len(first.json())


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_leaders_asking_the_same_question_share_the_figures_until_a_write_changes_them(city):
    """A second person opening the same cockpit is answered from the figures built for the first (no fact read),
    never from figures older than the last write, and never with what the first may see and they may not."""
    url = reverse("cockpit:cockpit")
    leader, organizer, discipline = signed_in(city.leader), signed_in(city.city_user), signed_in(city.discipline_user)
    first = leader.get(url, PERIOD).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = organizer.get(url, PERIOD).content.decode()
    assert not any('"indicators_fact"' in q["sql"] for q in queries)  # the figures were shared
    assert shown(second, "activities.count") == shown(first, "activities.count")
    assert shown(second, "members.total") == shown(first, "members.total")
    # discipline figures are built for those who see them, not taken from a leader's page without them
    assert shown(first, "discipline.cases_filed") is None
    assert shown(discipline.get(url, PERIOD).content.decode(), "discipline.cases_filed") is not None
    before = int(shown(first, "activities.count"))
    record_activity(user=city.clerk, org=city.branch_a, type=ActivityType.objects.get(name="党课"),
                    date=scene.START.replace(month=4, day=2), topic="新的党课")
    assert int(shown(organizer.get(url, PERIOD).content.decode(), "activities.count")) == before + 1
    assert int(shown(leader.get(url, PERIOD).content.decode(), "activities.count")) == before + 1
    # another language is built in that language
    organizer.cookies["django_language"] = "en"
    assert "全部问题" not in organizer.get(url, PERIOD).content.decode()


def test_a_districts_cockpit_stays_valid_while_another_district_writes(city):
    """The version of a district's cockpit counts the writes of its own subtree and of its ancestors only: a meeting
    in the other district leaves the district's page 304 and its shared figures as they were (no figure read); one
    of its own branches' meetings changes them, as does any write to the city's own records."""
    district = signed_in(city.district_user)
    url, question = reverse("cockpit:cockpit"), {**PERIOD, "org": "140105"}
    lesson = ActivityType.objects.get(name="党课")
    record_activity(user=city.clerk, org=city.branch_a, type=lesson, date=scene.START.replace(month=4, day=1),
                    topic="本区的第一次党课")  # the district has written since the facts were built
    first = district.get(url, question)
    etag, before = first["ETag"], int(shown(first.content.decode(), "activities.count"))
    record_activity(user=city.admin, org=city.branch_o, type=lesson, date=scene.START.replace(month=4, day=3),
                    topic="另一个区的党课")
    assert district.get(url, question, headers={"If-None-Match": etag}).status_code == 304
    with CaptureQueriesContext(connection) as queries:
        again = district.get(url, question).content.decode()
    assert not any('"indicators_fact"' in q["sql"] for q in queries)  # still the shared figures
    assert int(shown(again, "activities.count")) == before
    # the city's cockpit counts the other district's meeting
    assert signed_in(city.leader).get(reverse("cockpit:cockpit"), PERIOD, headers={"If-None-Match": etag}).status_code == 200
    record_activity(user=city.admin, org=city.city, type=lesson, date=scene.START.replace(month=4, day=4),
                    topic="市委的党课")
    assert district.get(url, question, headers={"If-None-Match": etag}).status_code == 200  # an ancestor's write
    etag = district.get(url, question)["ETag"]
    record_activity(user=city.clerk, org=city.branch_a, type=lesson, date=scene.START.replace(month=4, day=2),
                    topic="本区的党课")
    changed = district.get(url, question, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert int(shown(changed.content.decode(), "activities.count")) == before + 1


def test_after_a_write_in_one_district_the_city_cockpit_computes_that_district_again_not_the_other(city, monkeypatch):
    """The city's page changes with every write in the city, but its ranking of districts is made of each district's
    own values: after a meeting in 迎泽, the page computes the city's figures and 迎泽's scores again and takes 小店's
    from the earlier request — and shows exactly what a page built from nothing shows."""
    from django.core.cache import cache

    from qingfeng.indicators import engine

    url = reverse("cockpit:cockpit")
    leader = signed_in(city.leader)
    lesson = ActivityType.objects.get(name="党课")
    record_activity(user=city.clerk, org=city.branch_a, type=lesson, date=scene.START.replace(month=4, day=1),
                    topic="小店的党课")  # both districts have written since the facts were built
    before = leader.get(url, PERIOD).content.decode()
    asked: list[int] = []
    original = engine.compute_grid

    def spy(asks, user=None):
        asked.extend(org.pk for org, *_rest in asks)
        return original(asks, user)

    monkeypatch.setattr(engine, "compute_grid", spy)
    record_activity(user=city.admin, org=city.branch_o, type=lesson, date=scene.START.replace(month=4, day=3),
                    topic="迎泽的党课")
    after = leader.get(url, PERIOD).content.decode()
    assert set(asked) == {city.city.pk, city.yingze.pk}  # 小店's values shared, not computed again
    assert int(shown(after, "activities.count")) == int(shown(before, "activities.count")) + 1
    cache.clear()
    fresh = leader.get(url, PERIOD).content.decode()
    assert city.xiaodian.pk in asked  # built from nothing this time
    for page in (after, fresh):
        assert 'data-score="140106"' in page
    scores = re.compile(r'data-score="(\d+)">([^<]+)<')
    assert scores.findall(after) == scores.findall(fresh)
    assert shown(after, "activities.count") == shown(fresh, "activities.count")


def test_a_districts_figures_are_not_served_again_once_the_log_forgets_its_write(city, monkeypatch):
    """The log forgets rows older than a few minutes (store.trim_log). A district whose only write is forgotten must
    not get back the version it had before that write — and with it the figures shared before the write."""
    import datetime as dt

    from django.utils import timezone

    from qingfeng.indicators import store
    from qingfeng.indicators.models import FactLog

    district = signed_in(city.district_user)
    url, question = reverse("cockpit:cockpit"), {**PERIOD, "org": "140105"}
    FactLog.objects.all().delete()  # as after a rebuild: nothing logged yet
    before = district.get(url, question)
    count = int(shown(before.content.decode(), "activities.count"))
    lesson = ActivityType.objects.get(name="党课")
    record_activity(user=city.clerk, org=city.branch_a, type=lesson, date=scene.START.replace(month=4, day=2),
                    topic="本区的党课")
    FactLog.objects.update(at=timezone.now() - dt.timedelta(minutes=30))
    monkeypatch.setattr(store, "TRIM_CHANCE", 1.0)  # the next write, in the other district, forgets the first
    record_activity(user=city.admin, org=city.branch_o, type=lesson, date=scene.START.replace(month=4, day=3),
                    topic="另一个区的党课")
    assert not FactLog.objects.filter(org_id=city.branch_a.pk).exists()
    after = district.get(url, question, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert int(shown(after.content.decode(), "activities.count")) == count + 1


def test_a_write_today_leaves_the_figures_of_earlier_periods_shared_and_a_backdated_one_does_not(city, monkeypatch):
    """A meeting recorded late in the period changes the figures of every period ending on or after its day — the
    city's and its district's for the period, the trend's last month — and none of the periods that ended before it
    (the month-earlier scores, the earlier trend months), which come from the earlier request. A meeting recorded
    for an earlier month changes those months too (the month-earlier period ends on 30 May). Either way the page shows what a page built from nothing shows."""
    import datetime as dt

    from django.core.cache import cache

    from qingfeng.indicators import engine

    url = reverse("cockpit:cockpit")
    leader = signed_in(city.leader)
    lesson = ActivityType.objects.get(name="党课")
    record_activity(user=city.clerk, org=city.branch_a, type=lesson, date=dt.date(2021, 1, 5), topic="小店的党课")
    record_activity(user=city.admin, org=city.branch_o, type=lesson, date=dt.date(2021, 1, 6), topic="迎泽的党课")
    leader.get(url, PERIOD)
    asked: list[tuple[int, dt.date]] = []
    original = engine.compute_grid

    def spy(asks, user=None):
        asked.extend((org.pk, end) for org, _start, end, _keys in asks)
        return original(asks, user)

    monkeypatch.setattr(engine, "compute_grid", spy)
    scores = re.compile(r'data-score="(\d+)">([^<]+)<')
    for day, expected_ends in ((dt.date(2021, 6, 20), {dt.date(2021, 6, 30)}),
                               (dt.date(2021, 2, 10), {dt.date(2021, m, d) for m, d in
                                                       ((2, 28), (3, 31), (4, 30), (5, 30), (5, 31), (6, 30))})):
        asked.clear()
        record_activity(user=city.admin, org=city.branch_o, type=lesson, date=day, topic="迎泽的又一次党课")
        after = leader.get(url, PERIOD).content.decode()
        assert city.xiaodian.pk not in {pk for pk, _end in asked}  # the other district: nothing of it computed
        assert {end for _pk, end in asked} == expected_ends, asked
        assert all(end >= day for _pk, end in asked)  # no period that ended before the meeting computed again
        cache.clear()
        fresh = leader.get(url, PERIOD).content.decode()
        assert scores.findall(after) == scores.findall(fresh)
        assert re.findall(r'data-figure="([^"]+)">([^<]+)<', after) == re.findall(
            r'data-figure="([^"]+)">([^<]+)<', fresh)
