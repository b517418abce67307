"""The calendar feed: its address from the API and 我的账户, read without a session, RFC 5545 (parsed back with the
icalendar package), one all-day event per item with a stable UID and the action URL; revocable."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from qingfeng.core.dates import month_end
from qingfeng.reminders.models import Preference
from tests.api.conftest import bearer
from tests.clock import TODAY
from tests.reminders.conftest import read_feed

DAY = dt.timedelta(days=1)


def feed_url(client, user) -> str:
    response = client.get("/api/v1/me/calendar", headers=bearer(user))
    assert response.status_code == 200, response.content
    return response.json()["url"]


def test_the_feed_lists_every_item_as_an_all_day_event_with_a_stable_uid(world, client):
    from qingfeng.service.models import ServiceItem

    ServiceItem.objects.create(code="S-1", org=world.branch_a, name="加装电梯", committed_on=TODAY - DAY * 3,
                               planned_on=TODAY + DAY * 60)
    url = feed_url(client, world.clerk)
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert feed_url(client, world.clerk) == url  # the same address on every request
    events = read_feed(url)
    inbox = client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()["results"]
    # every inbox item is an event on its due day, with its link; the calendar also holds what is due later
    by_summary = {e["summary"]: e for e in events}
    for item in inbox:
        event = by_summary[item["title"]]
        assert event["start"] == dt.date.fromisoformat(item["due"]) and event["end"] == event["start"] + DAY
        assert event["url"] == "http://testserver" + item["url"]
    later = [e for e in events if e["start"] > month_end(TODAY) + DAY * 6]
    assert any("加装电梯" in e["summary"] for e in later)
    assert all(isinstance(e["start"], dt.date) and not isinstance(e["start"], dt.datetime) for e in events)
    again = read_feed(url)
    assert sorted(e["uid"] for e in again) == sorted(e["uid"] for e in events)
    assert len({e["uid"] for e in events}) == len(events)


def test_an_item_done_leaves_the_feed_and_the_others_keep_their_uids(world, client):
    url = feed_url(client, world.clerk)
    before = {e["uid"]: e for e in read_feed(url)}
    theme = [uid for uid, e in before.items() if e["summary"] == f"主题党日（{TODAY.year}年{TODAY.month}月）尚未召开"]
    assert len(theme) == 1
    response = client.post("/api/v1/activities", {"org": world.branch_a.code, "type": "主题党日",
                                                  "date": TODAY.isoformat(), "topic": "学习", "attendance": []},
                           content_type="application/json", headers=bearer(world.clerk))
    assert response.status_code == 201
    after = {e["uid"] for e in read_feed(url)}
    assert after == set(before) - set(theme)


def test_the_feed_shows_only_what_its_owner_may_see(world, client):
    from qingfeng.supervision.models import Finding

    Finding.objects.create(code="F-O", source="督导检查", found_on=TODAY - DAY, org=world.branch_o, description="台账不全",
                           deadline=TODAY + DAY)
    Finding.objects.create(code="F-A", source="督导检查", found_on=TODAY - DAY, org=world.branch_a, description="台账不全",
                           deadline=TODAY + DAY)
    clerk = " ".join(e["summary"] for e in read_feed(feed_url(client, world.clerk)))
    outsider = " ".join(e["summary"] for e in read_feed(feed_url(client, world.outsider)))
    assert "F-A" in clerk and "F-O" not in clerk
    assert "F-O" not in outsider and "F-A" not in outsider  # the outsider oversees, the branch rectifies


def test_renewing_or_revoking_the_address_from_my_account(world, client_for, client):
    url = feed_url(client, world.clerk)
    page = client_for(world.clerk)
    profile = page.get(reverse("accounts:profile")).content.decode()
    assert url in profile
    page.post(reverse("reminders:feed"), {"op": "renew"})
    assert Client().get(url).status_code == 404
    renewed = feed_url(client, world.clerk)
    assert renewed != url and Client().get(renewed).status_code == 200
    page.post(reverse("reminders:feed_revoke"))
    assert Client().get(renewed).status_code == 404
    assert Preference.objects.get(user=world.clerk).key is None
    assert "calendar/" not in client_for(world.clerk).get(reverse("accounts:profile")).content.decode()
    page.post(reverse("reminders:feed"))
    assert Client().get(feed_url(client, world.clerk)).status_code == 200


def test_a_forged_or_foreign_address_is_not_found(world, client):
    url = feed_url(client, world.clerk)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    forged = secret[:22] + ("0" * 32 if secret[22:] != "0" * 32 else "1" * 32)
    assert Client().get(f"/calendar/{forged}.ics").status_code == 404
    assert Client().get("/calendar/short.ics").status_code == 404
    world.clerk.is_active = False
    world.clerk.save()
    assert Client().get(url).status_code == 404
