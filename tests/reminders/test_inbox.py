"""The inbox page, the bell, hiding, the officers' window counts and the scope: through HTTP and the CLI."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from qingfeng.core.dates import month_end, month_start
from qingfeng.indicators.store import rebuild_facts
from qingfeng.reminders.models import HiddenItem
from tests.api.conftest import bearer
from tests.clock import TODAY

DAY = dt.timedelta(days=1)


def meeting(client, user, org, type_name, day=TODAY):
    response = client.post("/api/v1/activities", {"org": org.code, "type": type_name, "date": day.isoformat(),
                                                  "topic": "学习", "attendance": []},
                           content_type="application/json", headers=bearer(user))
    assert response.status_code == 201, response.content


def test_the_page_groups_overdue_this_week_and_later_this_month(world, client_for, client):
    from qingfeng.supervision.models import Finding

    for code, deadline in (("F-LATE", TODAY - DAY * 3), ("F-WEEK", TODAY + DAY * 6), ("F-MONTH", TODAY + DAY * 7),
                           ("F-NEXT", max(month_end(TODAY), TODAY + DAY * 7) + DAY)):
        Finding.objects.create(code=code, source="督导检查", found_on=TODAY - DAY * 30, org=world.branch_a,
                               description=f"问题{code}", deadline=deadline)
    page = client_for(world.clerk).get(reverse("reminders:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    groups = {g: html.split(f'data-group="{g}"')[1].split('data-group=')[0] for g in ("overdue", "week", "month")}
    assert "F-LATE" in groups["overdue"] and "F-WEEK" in groups["week"]
    if TODAY + DAY * 7 <= month_end(TODAY):
        assert "F-MONTH" in groups["month"]
    assert "F-NEXT" not in html  # next month's and beyond the week: in the calendar, not the inbox
    assert reverse("supervision:detail", args=["F-WEEK"]) in groups["week"]
    # the bell counts what is overdue or due within the week
    bell = client_for(world.clerk).get(reverse("reminders:bell")).content.decode()
    api = client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()
    overdue_or_week = [i for i in api["results"] if i["due"] <= (TODAY + DAY * 6).isoformat()]
    assert api["due_soon"] == len(overdue_or_week) and f">{len(overdue_or_week)}</span>" in bell
    assert api["count"] == len(api["results"])
    assert [i["due"] for i in api["results"]] == sorted(i["due"] for i in api["results"])
    # every page carries the bell, loaded after the page
    assert reverse("reminders:bell") in client_for(world.clerk).get(reverse("core:home")).content.decode()


def test_an_item_hidden_stays_hidden_and_can_be_shown_again(world, client_for, client, feed):
    from qingfeng.supervision.models import Finding

    Finding.objects.create(code="F-1", source="督导检查", found_on=TODAY - DAY * 30, org=world.branch_a,
                           description="台账不全", deadline=TODAY + DAY)
    page = client_for(world.clerk)
    response = page.post(reverse("reminders:hide"), {"item": "finding:F-1"})
    assert response.status_code == 302
    results = client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()["results"]
    assert "F-1" not in json.dumps(results, ensure_ascii=False)
    assert not any(e["uid"] == "finding:F-1@qingfeng" for e in feed(world.clerk))  # nor in the calendar
    html = page.get(reverse("reminders:inbox") + "?hidden=1").content.decode()
    assert "已隐藏" in html and "F-1" in html
    # an item that is not the user's (or not due) cannot be hidden: nothing is stored
    body = page.post(reverse("reminders:hide"), {"item": "finding:NOPE"}, follow=True).content.decode()
    assert "没有这项待办" in body and HiddenItem.objects.filter(item="finding:NOPE").count() == 0
    client_for(world.outsider).post(reverse("reminders:hide"), {"item": "finding:F-1"})
    assert not HiddenItem.objects.filter(user=world.outsider).exists()
    page = client_for(world.clerk)
    page.post(reverse("reminders:unhide"), {"item": "finding:F-1"})
    results = client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()["results"]
    assert any(i["kind"] == "finding" and "F-1" in i["title"] for i in results)
    assert any(e["uid"] == "finding:F-1@qingfeng" for e in feed(world.clerk))


def test_a_siblings_items_never_appear(world, client):
    from qingfeng.service.models import ServiceItem
    from qingfeng.supervision.models import Finding

    for suffix, org in (("A", world.branch_a), ("O", world.branch_o)):
        Finding.objects.create(code=f"F-{suffix}", source="督导检查", found_on=TODAY - DAY * 30, org=org,
                               description="台账不全", deadline=TODAY + DAY, status="submitted")
        Finding.objects.create(code=f"G-{suffix}", source="督导检查", found_on=TODAY - DAY * 30, org=org,
                               description="台账不全", deadline=TODAY + DAY)
        ServiceItem.objects.create(code=f"S-{suffix}", org=org, name="加装电梯", committed_on=TODAY - DAY,
                                   planned_on=TODAY + DAY)

    def orgs(user):
        return {i["org"] for i in client.get("/api/v1/inbox", headers=bearer(user)).json()["results"]}

    a_side = {world.branch_a.code, world.community.code, world.street.code, world.xiaodian.code}
    o_side = {world.branch_o.code, world.other_street.code, world.yingze.code}
    assert orgs(world.clerk) == {world.branch_a.code}
    assert orgs(world.district_user) <= a_side and world.branch_a.code in orgs(world.district_user)
    assert orgs(world.outsider) <= o_side and world.branch_o.code in orgs(world.outsider)
    assert {world.branch_a.code, world.branch_o.code} <= orgs(world.city_user)  # F-A, F-O to verify


@pytest.mark.parametrize("with_facts", [False, True])
def test_officers_see_per_window_how_many_branches_have_not_met_yet(world, client, with_facts):
    """Counted from the compliance facts when they are built (and kept current by every write), from the records
    otherwise: the same numbers."""
    from qingfeng.activities.models import Activity, ActivityType

    if with_facts:
        # the facts span the years of the requirement activities on record (one of last year: never this month's)
        Activity.objects.create(code="OLD", org=world.branch_b, type=ActivityType.objects.get(name="主题党日"),
                                date=TODAY.replace(year=TODAY.year - 1, month=1, day=1), topic="x")
        rebuild_facts()

    def theme_day(user):
        items = client.get("/api/v1/inbox", headers=bearer(user)).json()["results"]
        return [i["title"] for i in items if i["kind"] == "meetings_below" and i["title"].startswith("主题党日")]

    month = f"{TODAY.year}年{TODAY.month}月"
    # under 小店区: branches A, B and the school's branch
    assert theme_day(world.district_user) == [f"主题党日（{month}）：下级 3 个党支部尚未记录"]
    assert theme_day(world.city_user) == [f"主题党日（{month}）：下级 4 个党支部尚未记录"]
    meeting(client, world.clerk, world.branch_a, "主题党日")
    assert theme_day(world.district_user) == [f"主题党日（{month}）：下级 2 个党支部尚未记录"]
    meeting(client, world.district_user, world.branch_b, "主题党日", TODAY - DAY if TODAY.day > 1 else TODAY)
    meeting(client, world.district_user, world.school, "主题党日", month_start(TODAY))
    assert theme_day(world.district_user) == []
    assert theme_day(world.city_user) == [f"主题党日（{month}）：下级 1 个党支部尚未记录"]
    # the counts link to the warnings page of the officer's subtree
    items = client.get("/api/v1/inbox", headers=bearer(world.outsider)).json()["results"]
    assert {i["url"] for i in items if i["kind"] == "meetings_below"} == {
        reverse("indicators:warnings") + f"?org={world.yingze.code}&kind=meetings"}
    # a clerk keeps the branch's own meetings, the counts are for those who oversee
    assert [i for i in client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()["results"]
            if i["kind"] == "meetings_below"] == []


def test_the_api_answers_for_a_day_and_refuses_a_malformed_one(world, client):
    day = month_start(TODAY) + DAY * 2
    body = client.get("/api/v1/inbox", {"on": day.isoformat()}, headers=bearer(world.clerk)).json()
    assert body["results"] and all(i["due"] <= month_end(day).isoformat() or i["due"] <= (day + DAY * 6).isoformat()
                                   for i in body["results"])
    assert set(body["results"][0]) >= {"kind", "title", "due", "org", "url"}
    bad = client.get("/api/v1/inbox", {"on": "17.06.2026"}, headers=bearer(world.clerk))
    assert bad.status_code == 400 and bad.json()["message_zh"]
    assert client.get("/api/v1/inbox").status_code == 401


def test_titles_in_chinese_and_english(world, client, client_for):
    items = client.get("/api/v1/inbox", headers=bearer(world.clerk)).json()["results"]
    meetings = [i for i in items if i["kind"] == "meeting"]
    month = f"{TODAY.year}-{TODAY.month}"
    assert f"主题党日（{TODAY.year}年{TODAY.month}月）尚未召开" in [i["title"] for i in meetings]
    assert f"Theme party day ({month}) not yet held" in [i["title_en"] for i in meetings]
    page = client_for(world.clerk)
    page.cookies["django_language"] = "en"
    html = page.get(reverse("reminders:inbox")).content.decode()
    assert f"Theme party day ({month}) not yet held" in html and "Due this week" in html and "Organizational life" in html


def test_the_command_prints_a_users_inbox(world):
    out = io.StringIO()
    call_command("remind", "--user", "clerk", "--format", "json", stdout=out)
    body = json.loads(out.getvalue())["clerk"]
    api_like = [i for group in body["groups"].values() for i in group]
    assert body["count"] == len(body["groups"]["overdue"]) + len(body["groups"]["week"])
    assert {i["org"] for i in api_like} == {world.branch_a.code}
    text = io.StringIO()
    call_command("remind", "--user", "clerk", stdout=text)
    assert "尚未召开" in text.getvalue() and reverse("activities:create") in text.getvalue()
    with pytest.raises(Exception, match="nobody"):
        call_command("remind", "--user", "nobody", stdout=io.StringIO())


def test_hiding_forgets_choices_about_items_no_longer_due(world, client_for):
    from qingfeng.supervision.models import Finding

    for code in ("F-1", "F-2"):
        Finding.objects.create(code=code, source="督导检查", found_on=TODAY - DAY * 30, org=world.branch_a,
                               description="台账不全", deadline=TODAY + DAY)
    page = client_for(world.clerk)
    page.post(reverse("reminders:hide"), {"item": "finding:F-1"})
    Finding.objects.filter(code="F-1").update(status="closed", closed_on=TODAY)
    page.post(reverse("reminders:hide"), {"item": "finding:F-2"})
    assert set(HiddenItem.objects.filter(user=world.clerk).values_list("item", flat=True)) == {"finding:F-2"}


def test_the_command_lists_who_would_get_an_email(world, client_for):
    client_for(world.clerk).post(reverse("reminders:digest"), {"digest": "on", "email": "clerk@example.cn"})
    out = io.StringIO()
    call_command("remind", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["user"] for r in rows] == ["clerk"] and rows[0]["email"] and rows[0]["count"] > 0
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("remind", "--on", "2026/06/17", stdout=io.StringIO())


def test_days_beyond_the_calendar_are_refused(world, client, client_for):
    for day in ("9999-12-31", "0001-01-01"):
        response = client.get("/api/v1/inbox", {"on": day}, headers=bearer(world.city_user))
        assert response.status_code == 400 and response.json()["code"] == "invalid_day"
    assert client_for(world.clerk).get(reverse("reminders:inbox"), {"on": "9999-12-31"}).status_code == 200
    with pytest.raises(Exception, match="1900"):
        call_command("remind", "--on", "9999-12-31", stdout=io.StringIO())
