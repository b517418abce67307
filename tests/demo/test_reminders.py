"""The demo's users have something due on the demo's day (2021-05-11), and the branch clerk's month's meetings
leave the inbox and the calendar once recorded."""

import datetime as dt

import pytest

from qingfeng.accounts.models import User
from qingfeng.demo.users import DEMO_USERS
from tests.api.conftest import bearer
from tests.reminders.conftest import read_feed

DEMO_DAY = dt.date(2021, 5, 11)


@pytest.fixture
def demo_day(demo_city, db, settings):
    from qingfeng.core import dates

    settings.QINGFENG_TODAY = ""  # unpinned: the day the demo stored in its database
    dates.forget_stored_today()
    assert dates.today() == DEMO_DAY
    yield DEMO_DAY
    dates.forget_stored_today()


def test_every_demo_user_has_items_on_the_demos_day(demo_day, client):
    for username, _role, _where in DEMO_USERS:
        body = client.get("/api/v1/inbox", headers=bearer(User.objects.get(username=username))).json()
        assert body["results"], username


def test_the_branch_clerks_months_meetings_leave_inbox_and_feed_once_recorded(demo_day, client):
    branch = User.objects.get(username="branch")
    headers = bearer(branch)
    month = "2021年5月"
    due = [i for i in client.get("/api/v1/inbox", headers=headers).json()["results"]
           if i["kind"] == "meeting" and month in i["title"]]
    assert due and all(i["due"] == "2021-05-31" and i["org"] == branch.org.code for i in due)
    feed = read_feed(client.get("/api/v1/me/calendar", headers=headers).json()["url"])
    assert {i["title"] for i in due} <= {e["summary"] for e in feed}
    title = due[0]["title"]
    type_name = title.split("（")[0]
    response = client.post("/api/v1/activities", {"org": branch.org.code, "type": type_name, "date": "2021-05-11",
                                                  "topic": "学党史、守初心", "attendance": []},
                           content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert title not in [i["title"] for i in client.get("/api/v1/inbox", headers=headers).json()["results"]]
    feed_after = read_feed(client.get("/api/v1/me/calendar", headers=headers).json()["url"])
    assert title not in {e["summary"] for e in feed_after}
    assert len(feed_after) == len(feed) - 1
