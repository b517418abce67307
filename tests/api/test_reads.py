"""Read routes through HTTP with a bearer token: scope, masking, filters, pagination, error bodies."""

import datetime as dt

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding
from tests.clock import TODAY


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_the_tree_starts_at_the_users_own_organization(world, api):
    clerk_roots = api(world.clerk).get("organizations/tree").json()
    assert [o["code"] for o in clerk_roots] == ["14010500101A"]
    assert clerk_roots[0]["member_count"] == 8
    city_roots = api(world.city_user).get("organizations/tree").json()
    assert [(o["code"], o["children_count"], o["member_count"]) for o in city_roots] == [("140100", 2, 15)]


def test_children_and_detail_stay_inside_the_subtree(world, api):
    district = api(world.district_user)
    children = district.get("organizations/140105/children").json()
    assert [o["code"] for o in children["results"]] == ["140105001", "140105S01"]
    detail = district.get("organizations/14010500101").json()
    assert [a["code"] for a in detail["ancestors"]] == ["140100", "140105", "140105001"]
    assert detail["children_count"] == 2 and detail["member_count"] == 11
    response = district.get("organizations/140106001O")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["message_zh"] and response.json()["message_en"]
    assert district.get("organizations/140106/children").status_code == 404


def test_organization_list_filters_and_paginates(world, api):
    city = api(world.city_user)
    assert codes(city.get("organizations", kind="党支部")) == ["14010500101A", "14010500101B", "140105S01", "140106001O"]
    assert codes(city.get("organizations", within="140106")) == ["140106", "140106001", "140106001O"]
    assert codes(city.get("organizations", q="柳巷")) == ["140106001", "140106001O"]
    page = city.get("organizations", page=2, page_size=4).json()
    assert (page["count"], page["pages"], len(page["results"])) == (10, 3, 4)
    assert city.get("organizations", page=9).json()["results"] == []
    bad = city.get("organizations", page_size=0)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and bad.json()["errors"]
    assert api(world.clerk).get("organizations", within="140105").status_code == 404


def test_people_are_masked_and_scoped(world, api):
    person = world.members_a[0]
    person.phone = "13812345678"
    person.save()
    clerk = api(world.clerk)
    rows = clerk.get("people", page_size=100).json()
    assert rows["count"] == 8
    first = rows["results"][0]
    assert first["id_number"] == person.masked_id != person.id_number
    assert first["phone"] == "138****5678"
    body = clerk.get(f"people/{person.pk}").content.decode()
    assert person.id_number not in body and "13812345678" not in body
    detail = clerk.get(f"people/{person.pk}").json()
    assert [r["org"] for r in detail["relations"]] == ["14010500101A"]
    assert clerk.get(f"people/{world.members_b[0].pk}").status_code == 404
    assert clerk.get(f"people/{world.members_o[0].pk}").status_code == 404
    assert api(world.district_user).get("people", q="乙").json()["count"] == 3
    assert api(world.district_user).get("people", q=world.members_o[0].id_number[:8]).json()["count"] == 0
    assert api(world.city_user).get("people", org="140106").json()["count"] == 4


def make_activity(world, org, code, day=dt.date(2026, 3, 5), type_name="支部委员会"):
    kind = ActivityType.objects.get_or_create(name=type_name)[0]
    activity = Activity.objects.create(code=code, type=kind, org=org, date=day, topic=f"{type_name}会议")
    return activity


def test_activities_list_with_attendance_counts(world, api):
    a = make_activity(world, world.branch_a, "A-1")
    Attendance.objects.bulk_create([Attendance(activity=a, person=p, presence="出席") for p in world.members_a[:6]]
                                   + [Attendance(activity=a, person=world.members_a[6], presence="请假")])
    make_activity(world, world.branch_o, "O-1", day=dt.date(2026, 4, 1))
    assert codes(api(world.clerk).get("activities")) == ["A-1"]
    assert codes(api(world.city_user).get("activities")) == ["O-1", "A-1"]
    assert codes(api(world.city_user).get("activities", **{"from": "2026-04-01"})) == ["O-1"]
    detail = api(world.clerk).get("activities/A-1").json()
    assert (detail["present"], detail["on_leave"], detail["absent"]) == (6, 1, 0)
    assert len(detail["attendance"]) == 7
    assert api(world.clerk).get("activities/O-1").status_code == 404


def test_restricted_activity_types_exist_only_for_discipline(world, api):
    restricted = ActivityType.objects.create(name="审查调查会商", is_restricted=True)
    Activity.objects.create(code="R-1", type=restricted, org=world.branch_a, date=dt.date(2026, 3, 1), topic="会商")
    assert api(world.city_user).get("activities/R-1").status_code == 404
    assert api(world.discipline_user).get("activities/R-1").status_code == 200
    names = [t["name"] for t in api(world.city_user).get("activity-types").json()]
    assert "审查调查会商" not in names
    assert "审查调查会商" in [t["name"] for t in api(world.discipline_user).get("activity-types").json()]


def test_findings_and_service_items_are_scoped_and_filtered(world, api):
    Finding.objects.create(code="F-A", source="督导检查", found_on=TODAY - dt.timedelta(days=40), org=world.branch_a,
                           description="记录不全", deadline=TODAY - dt.timedelta(days=9))  # overdue
    Finding.objects.create(code="F-O", source="巡察", found_on=TODAY - dt.timedelta(days=39), org=world.branch_o,
                           description="台账缺失", deadline=dt.date(2099, 2, 5))
    ServiceItem.objects.create(code="S-A", org=world.branch_a, name="加装电梯", committed_on=TODAY - dt.timedelta(days=44),
                               planned_on=TODAY + dt.timedelta(days=135))
    city = api(world.city_user)
    assert codes(city.get("findings")) == ["F-O", "F-A"]
    assert codes(city.get("findings", overdue=True)) == ["F-A"]
    assert codes(city.get("findings", source="巡察")) == ["F-O"]
    assert city.get("findings", status="nonsense").status_code == 400
    assert codes(api(world.clerk).get("findings")) == ["F-A"]
    assert api(world.outsider).get("findings/F-A").status_code == 404
    assert api(world.clerk).get("findings/F-A/events").json() == []
    assert codes(api(world.clerk).get("service-items", done=False)) == ["S-A"]
    assert api(world.outsider).get("service-items/S-A").status_code == 404


def test_me_describes_the_tokens_user(world, api):
    body = api(world.clerk).get("me").json()
    assert (body["username"], body["role"], body["org"]["code"], body["read_only"]) == ("clerk", "clerk", "14010500101A",
                                                                                       False)
    assert api(world.leader).get("me").json()["read_only"] is True
