"""Each kind of item appears before its due day for the people whose work it is, and disappears once the record
that satisfies it is written through the apps' pages or the API. The day is tests.clock.TODAY (2026-06-17 unless
QINGFENG_TEST_TODAY says otherwise): dates here are derived from it."""

import datetime as dt

from django.urls import reverse

from qingfeng.core.dates import add_months, add_years, month_end, month_start
from qingfeng.core.idnumbers import make_id_number
from qingfeng.orgs.models import Election
from tests.api.conftest import bearer
from tests.clock import TODAY

D = dt.date
DAY = dt.timedelta(days=1)
MONTH = month_start(TODAY)


def kinds(items, kind):
    return [i for i in items if i["kind"] == kind]


def titles(items, kind=None):
    return [i["title"] for i in items if kind is None or i["kind"] == kind]


def post_api(client, user, path, body):
    response = client.post(f"/api/v1/{path}", body, content_type="application/json", headers=bearer(user))
    assert response.status_code in (200, 201), response.content
    return response.json()


def period(day):
    return f"{day.year}年{day.month}月"


def test_the_months_meetings_are_due_until_recorded(world, inbox, client):
    items = kinds(inbox(world.clerk), "meeting")
    this_month = [i for i in items if period(TODAY) in i["title"]]
    assert {i["title"] for i in this_month} == {f"主题党日（{period(TODAY)}）尚未召开",
                                                f"支部委员会（{period(TODAY)}）尚未召开"}
    assert all(i["due"] == month_end(TODAY).isoformat() and i["org"] == world.branch_a.code for i in this_month)
    # the action link opens the form for that meeting, its type chosen
    theme = next(i for i in this_month if i["title"].startswith("主题党日"))
    assert theme["url"].startswith(reverse("activities:create")) and f"org={world.branch_a.code}" in theme["url"]
    assert client.get(theme["url"]).status_code == 302  # a page for signed-in users
    # last month's windows are overdue for a while: the meeting may have been held and not entered yet
    last = month_start(TODAY - DAY * 28) if TODAY.day <= 28 else None
    if last is not None and last < MONTH:
        assert f"主题党日（{period(last)}）尚未召开" in titles(items)
    # the branch of 3 members has no 支部委员会 to hold (7 正式党员 needed); the clerk does not see branch B anyway
    assert all(i["org"] == world.branch_a.code for i in items)

    post_api(client, world.clerk, "activities", {"org": world.branch_a.code, "type": "主题党日", "date": TODAY.isoformat(),
                                                 "topic": "重温入党誓词", "attendance": []})
    after = titles(inbox(world.clerk), "meeting")
    assert f"主题党日（{period(TODAY)}）尚未召开" not in after
    assert f"支部委员会（{period(TODAY)}）尚未召开" in after
    if TODAY.day > 1:  # as of a day before the meeting, it was still due
        assert f"主题党日（{period(TODAY)}）尚未召开" in titles(inbox(world.clerk, TODAY - DAY), "meeting")


def test_a_finding_is_the_branchs_until_submitted_then_the_officers_until_closed(world, inbox, client):
    deadline = TODAY + DAY * 3
    code = post_api(client, world.district_user, "findings", {
        "org": world.branch_a.code, "source": "督导检查", "found_on": (TODAY - DAY * 10).isoformat(),
        "description": "三会一课记录不全，缺少签到表", "deadline": deadline.isoformat()})["code"]
    mine = kinds(inbox(world.clerk), "finding")
    assert [(i["due"], i["url"]) for i in mine] == [(deadline.isoformat(), reverse("supervision:detail", args=[code]))]
    assert "三会一课记录不全" in mine[0]["title"]
    assert kinds(inbox(world.district_user), "verify") == []
    assert kinds(inbox(world.district_user), "finding") == []  # not the district's own to rectify

    post_api(client, world.clerk, f"findings/{code}/submit", {"note": "已补齐"})
    assert kinds(inbox(world.clerk), "finding") == []
    verify = kinds(inbox(world.district_user), "verify")
    assert [i["url"] for i in verify] == [reverse("supervision:detail", args=[code])]
    assert [i["url"] for i in kinds(inbox(world.city_user), "verify")] == [verify[0]["url"]]
    assert kinds(inbox(world.clerk), "verify") == []  # nobody verifies their own branch's work

    post_api(client, world.district_user, f"findings/{code}/return", {"reason": "缺少签字"})
    assert "退回" in kinds(inbox(world.clerk), "finding")[0]["title"]
    post_api(client, world.clerk, f"findings/{code}/submit", {"note": "已签字"})
    post_api(client, world.district_user, f"findings/{code}/close", {"note": "核验通过"})
    assert kinds(inbox(world.district_user), "verify") == [] and kinds(inbox(world.clerk), "finding") == []


def test_a_term_ending_is_due_for_the_organization_and_its_superior(world, inbox, feed, client_for):
    district = client_for(world.district_user)
    ends = TODAY + DAY * 5
    held = add_years(ends, -3)
    response = district.post(reverse("grassroots:election_create"),
                             {"org": world.branch_a.code, "held_on": held.isoformat(), "term_years": 3})
    assert response.status_code == 302
    mine = kinds(inbox(world.clerk), "election")
    assert [(i["org"], i["due"]) for i in mine] == [(world.branch_a.code, ends.isoformat())]
    assert mine[0]["url"] == reverse("grassroots:election_create") + f"?org={world.branch_a.code}"
    # the district approves the terms of the organizations directly under it, not of every branch below
    assert kinds(inbox(world.district_user), "election") == []
    street_end = add_months(TODAY, 5)
    district.post(reverse("grassroots:election_create"),
                  {"org": world.street.code, "held_on": add_years(street_end, -5).isoformat(), "term_years": 5})
    assert [e["summary"] for e in feed(world.district_user) if e["uid"].startswith("election:")] == [
        f"本届任期将于 {street_end.isoformat()} 届满，应按期换届"]
    # a term ending more than six months ahead is not due yet
    later = add_months(TODAY, 7)
    district.post(reverse("grassroots:election_create"),
                  {"org": world.branch_b.code, "held_on": add_years(later, -3).isoformat(), "term_years": 3})
    assert [i["org"] for i in kinds(inbox(world.clerk), "election")] == [world.branch_a.code]

    response = district.post(reverse("grassroots:election_create"),
                             {"org": world.branch_a.code, "held_on": TODAY.isoformat(), "term_years": 3})
    assert response.status_code == 302
    assert kinds(inbox(world.clerk), "election") == []
    # as of a day before that election the old term was still the current one
    assert [i["due"] for i in kinds(inbox(world.clerk, TODAY - DAY), "election")] == [ends.isoformat()]
    assert Election.objects.filter(org=world.branch_a).count() == 2


def test_development_steps_are_due_until_taken(world, inbox, feed, client_for):
    client = client_for(world.clerk)
    applied = add_months(TODAY, -1) + DAY * 3  # the talk is due within a month: in three days
    id_number = make_id_number("140105", D(1999, 3, 4), 77)
    response = client.post(reverse("membership:apply"), {"org": world.branch_a.code, "name": "张申请",
                                                          "id_number": id_number, "applied_on": applied.isoformat()})
    assert response.status_code == 302
    talk = kinds(inbox(world.clerk), "development")
    assert [(i["title"], i["due"]) for i in talk] == [("张申请：递交入党申请一个月内派人谈话",
                                                       add_months(applied, 1).isoformat())]
    assert talk[0]["url"] == response["Location"]
    candidate = talk[0]["url"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("membership:step", args=[candidate, "talk"]), {"on": TODAY.isoformat()})
    assert kinds(inbox(world.clerk), "development") == []
    # the next dated step: a year of training before the activist may become a 发展对象 (in the feed, not this month)
    client.post(reverse("membership:step", args=[candidate, "activist"]),
                {"on": TODAY.isoformat(), "people": world.members_a[0].id_number})
    events = [e for e in feed(world.clerk) if e["uid"].startswith(f"candidate:{candidate}:")]
    assert [(e["summary"], e["start"]) for e in events] == [("张申请：培养考察满一年，可确定为发展对象", add_years(TODAY, 1))]
    assert kinds(inbox(world.outsider), "development") == []


def test_a_transfer_waits_in_the_receivers_inbox_until_accepted(world, inbox, client_for):
    member = world.members_a[2]
    on = TODAY + DAY * 2
    client_for(world.clerk).post(reverse("membership:transfer_request", args=[member.pk]),
                                 {"to_org": world.branch_o.code, "on": on.isoformat()})
    waiting = kinds(inbox(world.outsider), "transfer")
    assert [(i["org"], i["due"], i["url"]) for i in waiting] == [
        (world.branch_o.code, on.isoformat(), reverse("membership:transfers"))]
    assert member.name in waiting[0]["title"]
    assert kinds(inbox(world.clerk), "transfer") == []  # the sender has nothing to do
    transfer = member.transfer_requests.get()
    client_for(world.outsider).post(reverse("membership:transfer_decide", args=[transfer.pk, "accept"]))
    assert kinds(inbox(world.outsider), "transfer") == []


def test_dues_months_behind_are_due_before_the_member_lapses(world, inbox, feed, client_for):
    client = client_for(world.clerk)
    member = world.members_a[0]
    first_unpaid = add_months(MONTH, -5)  # five months unpaid: the sixth (this one) is the last before lapsing
    start = add_months(first_unpaid, -1)
    client.post(reverse("membership:dues_declare", args=[member.pk]),
                {"kind": "salary", "income": 4000, "since": start.isoformat(), "month": f"{start:%Y-%m}",
                 "org": world.branch_a.code})
    client.post(reverse("membership:dues_pay", args=[member.pk]), {"paid_on": start.isoformat(), "month": f"{start:%Y-%m}"})
    behind = kinds(inbox(world.clerk), "dues")
    assert [(i["title"], i["due"]) for i in behind] == [
        (f"{member.name} 已有 5 个月未交党费（{first_unpaid:%Y-%m} 起）", month_end(TODAY).isoformat())]
    assert behind[0]["url"] == reverse("membership:dues", args=[world.branch_a.code]) + f"?month={first_unpaid:%Y-%m}"
    # paying the oldest month moves the deadline a month on: out of this month's inbox, into the calendar
    client.post(reverse("membership:dues_pay", args=[member.pk]),
                {"paid_on": TODAY.isoformat(), "month": f"{first_unpaid:%Y-%m}"})
    assert kinds(inbox(world.clerk), "dues") == []
    assert [e["start"] for e in feed(world.clerk) if e["uid"].startswith("dues:")] == [
        month_end(add_months(first_unpaid, 6))]
    month = add_months(first_unpaid, 1)
    while month < MONTH:
        client.post(reverse("membership:dues_pay", args=[member.pk]), {"paid_on": TODAY.isoformat(), "month": f"{month:%Y-%m}"})
        month = add_months(month, 1)
    assert [e for e in feed(world.clerk) if e["uid"].startswith("dues:")] == []


def test_a_service_item_is_due_on_its_planned_day_until_completed(world, inbox, client):
    planned = TODAY + DAY * 4
    code = post_api(client, world.clerk, "service-items", {
        "org": world.branch_a.code, "name": "楼道照明维修", "category": "民生保障",
        "committed_on": (TODAY - DAY).isoformat(), "planned_on": planned.isoformat()})["code"]
    items = kinds(inbox(world.clerk), "service")
    assert [(i["due"], i["url"]) for i in items] == [(planned.isoformat(), reverse("service:detail", args=[code]))]
    assert "楼道照明维修" in items[0]["title"]
    post_api(client, world.clerk, f"service-items/{code}/complete", {"beneficiaries": 40})
    assert kinds(inbox(world.clerk), "service") == []


def test_links_are_those_of_the_pages_whatever_a_code_holds(world, inbox):
    from qingfeng.supervision.models import Finding

    codes = ["巡察-2026 #1", "F%20?x", "ZC-1"]
    for code in codes:
        Finding.objects.create(code=code, source="巡察", found_on=TODAY - DAY, org=world.branch_a, description="台账不全",
                               deadline=TODAY + DAY)
    urls = sorted(i["url"] for i in kinds(inbox(world.clerk), "finding"))
    assert urls == sorted(reverse("supervision:detail", args=[code]) for code in codes)
