"""Writes through the API go through the apps' actions: same checks, same history, burden entries
with channel "api", and a refused request changes nothing."""

import datetime as dt

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.core.models import Entry
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding, FindingEvent
from tests.clock import TODAY

DAY = TODAY - dt.timedelta(days=3)


def meeting(world, **extra):
    ActivityType.objects.get_or_create(name="支部委员会")
    body = {"org": world.branch_a.code, "type": "支部委员会", "date": DAY.isoformat(), "topic": "学习会议精神",
            "attendance": [{"person": p.pk} for p in world.members_a[:6]]
            + [{"person": world.members_a[6].pk, "presence": "请假"}, {"person": world.members_a[7].pk, "presence": "缺席"}]}
    body.update(extra)
    return body


def test_clerk_records_a_meeting_with_attendance(world, api):
    response = api(world.clerk).post("activities", meeting(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["present"], body["on_leave"], body["absent"], body["entered_via"]) == (6, 1, 1, "api")
    activity = Activity.objects.get(code=body["code"])
    assert activity.org == world.branch_a and activity.created_by == world.clerk
    entries = Entry.objects.filter(channel="api", user=world.clerk)
    assert entries.filter(model="activities.activity", object_id=activity.pk).count() == 1
    assert entries.filter(model="activities.attendance").count() == 8
    assert api(world.clerk).get(f"activities/{body['code']}").json()["attendance"][0]["presence"] in {"出席", "请假", "缺席"}


def test_a_refused_meeting_writes_nothing_and_says_why(world, api):
    clerk = api(world.clerk)
    future = clerk.post("activities", meeting(world, date=(TODAY + dt.timedelta(days=2)).isoformat()))
    assert future.status_code == 400
    error = future.json()
    assert error["code"] == "rejected" and "晚于今天" in error["message_zh"] and error["message_en"]
    assert error["errors"][0]["loc"] == ["body", "date"]
    stranger = clerk.post("activities", meeting(world, attendance=[{"person": world.members_o[0].pk}]))
    assert stranger.status_code == 400 and "不是该组织的党员" in stranger.json()["message_zh"]
    twice = clerk.post("activities", meeting(world, attendance=[{"person": world.members_a[0].pk}] * 2))
    assert twice.status_code == 400
    assert clerk.post("activities", meeting(world, type="不存在的类型")).status_code == 400
    assert clerk.post("activities", {"org": world.branch_a.code}).status_code == 400
    assert not Activity.objects.exists() and not Entry.objects.exists()


def test_meeting_writes_respect_scope_and_role(world, api):
    assert api(world.clerk).post("activities", meeting(world, org=world.branch_b.code, attendance=[])).status_code == 404
    assert api(world.leader).post("activities", meeting(world)).status_code == 403
    assert api(world.outsider).post("activities", meeting(world)).status_code == 404
    assert api(world.district_user).post("activities", meeting(world)).status_code == 201


def test_a_finding_goes_from_rectifying_to_closed_with_history(world, api):
    district, clerk = api(world.district_user), api(world.clerk)
    created = district.post("findings", {"org": world.branch_a.code, "source": "督导检查", "found_on": DAY.isoformat(),
                                         "description": "三会一课记录不全", "deadline": (DAY + dt.timedelta(days=30)).isoformat()})
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["status"] == "rectifying"
    assert clerk.post(f"findings/{code}/submit", {"note": "已补齐记录"}).json()["status"] == "submitted"
    # The branch cannot verify its own rectification; the leader reads only.
    assert clerk.post(f"findings/{code}/return", {"reason": "x"}).status_code == 403
    assert api(world.leader).post(f"findings/{code}/submit", {"note": "x"}).status_code == 403
    empty = district.post(f"findings/{code}/return", {"reason": "  "})
    assert empty.status_code == 400 and empty.json()["errors"][0]["loc"] == ["body", "reason"]
    assert district.post(f"findings/{code}/return", {"reason": "缺少签字"}).json()["status"] == "returned"
    assert district.post(f"findings/{code}/close", {}).status_code == 400  # not submitted
    clerk.post(f"findings/{code}/submit", {"note": "已签字"})
    closed = district.post(f"findings/{code}/close", {"note": "核验通过"}).json()
    assert closed["status"] == "closed" and closed["closed_on"] == TODAY.isoformat()
    history = [(e["from_status"], e["to_status"], e["actor"]) for e in district.get(f"findings/{code}/events").json()]
    assert history == [("", "rectifying", "district"), ("rectifying", "submitted", "clerk"),
                       ("submitted", "returned", "district"), ("returned", "submitted", "clerk"),
                       ("submitted", "closed", "district")]
    finding = Finding.objects.get(code=code)
    assert finding.entered_via == "api" and FindingEvent.objects.filter(finding=finding).count() == 5
    assert Entry.objects.filter(model="supervision.finding", object_id=finding.pk, channel="api").count() == 1
    assert api(world.outsider).post(f"findings/{code}/submit", {"note": "x"}).status_code == 404


def test_service_item_from_commitment_to_completion(world, api):
    clerk = api(world.clerk)
    created = clerk.post("service-items", {"org": world.branch_a.code, "name": "楼道照明维修", "category": "民生保障",
                                           "committed_on": DAY.isoformat(), "planned_on": (DAY + dt.timedelta(days=20)).isoformat()})
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["status"] == "已承诺"
    assert clerk.post(f"service-items/{code}/start", {}).json()["status"] == "推进中"
    done = clerk.post(f"service-items/{code}/complete", {"beneficiaries": 120})
    assert done.status_code == 200 and done.json()["done"] is True and done.json()["beneficiaries"] == 120
    again = clerk.post(f"service-items/{code}/complete", {"beneficiaries": 1})
    assert again.status_code == 400 and again.json()["code"] == "rejected"
    assert ServiceItem.objects.get(code=code).entered_via == "api"
    assert api(world.leader).post("service-items", {"org": world.branch_a.code, "name": "x", "committed_on": DAY.isoformat(),
                                                    "planned_on": DAY.isoformat()}).status_code == 403
    assert api(world.outsider).post(f"service-items/{code}/start", {}).status_code == 404
