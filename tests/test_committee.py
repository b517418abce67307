"""班子成员: an organization's committee (书记, 副书记, 委员 with their 分工) entered with each 换届, shown on the
organization page and in the API; a 支部委员会 is recorded for the committee, a 支部党员大会 for every member."""

import datetime as dt
import re

from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.orgs.models import CommitteeSeat
from tests.api.conftest import bearer
from tests.clock import TODAY


def elect(client, world, held_on, posts: dict, status=302):
    data = {"form": "elect", "held_on": held_on.isoformat()}
    for person, (post, duty) in posts.items():
        data[f"post_{person.pk}"] = post
        data[f"duty_{person.pk}"] = duty
    response = client.post(reverse("orgs:committee", args=[world.branch_a.code]), data)
    assert response.status_code == status, response.content.decode()[-2000:]
    return response


def test_the_committee_is_entered_and_shown_on_the_org_page_and_in_the_api(world, client_for, client):
    a = world.members_a
    district = client_for(world.district_user)
    elect(district, world, dt.date(2024, 3, 1), {a[2]: ("委员", "组织"), a[0]: ("书记", ""), a[1]: ("副书记", "")})
    page = district.get(reverse("orgs:detail", args=[world.branch_a.code])).content.decode()
    box = page.split("data-committee")[1].split("data-term")[0]
    assert re.findall(r'data-seat-post="([^"]+)"', box) == ["书记", "副书记", "委员"]
    assert box.index("甲0") < box.index("甲1") < box.index("甲2") and "组织委员" in box
    detail = client.get(f"/api/v1/organizations/{world.branch_a.code}", headers=bearer(world.clerk)).json()
    assert detail["secretary"] == "甲0"
    assert [(s["name"], s["post"], s["duty"]) for s in detail["committee"]] == [
        ("甲0", "书记", ""), ("甲1", "副书记", ""), ("甲2", "委员", "组织")]


def test_bad_committees_are_refused_with_a_reason_and_change_nothing(world, client_for):
    a = world.members_a
    district = client_for(world.district_user)
    body = elect(district, world, dt.date(2024, 3, 1), {a[0]: ("书记", ""), a[1]: ("书记", "")}, status=400)
    assert "一届班子只能有一名书记" in body.content.decode()
    # a member of branch B cannot sit on branch A's committee: the form does not even offer them
    response = district.post(reverse("orgs:committee", args=[world.branch_a.code]),
                             {"form": "elect", "held_on": "2024-03-01", f"post_{world.members_b[0].pk}": "书记"})
    assert response.status_code == 400 and "请至少列入一名班子成员" in response.content.decode()
    future = elect(district, world, TODAY + dt.timedelta(days=1), {a[0]: ("书记", "")}, status=400)
    assert "选举日期不能晚于今天" in future.content.decode()
    assert not CommitteeSeat.objects.exists()
    # a leader reads the committee but writes nothing
    leader = client_for(world.leader)
    assert leader.get(reverse("orgs:committee", args=[world.branch_a.code])).status_code == 200
    assert leader.post(reverse("orgs:committee", args=[world.branch_a.code]),
                       {"form": "elect", "held_on": "2024-03-01", f"post_{a[0].pk}": "书记"}).status_code == 403


def test_a_new_election_ends_the_old_committee(world, client_for):
    a = world.members_a
    district = client_for(world.district_user)
    elect(district, world, dt.date(2021, 3, 1), {a[0]: ("书记", ""), a[1]: ("委员", "宣传")})
    # 换届: the election page leads on to the new committee, dated the day of the election
    response = district.post(reverse("grassroots:election_create"),
                             {"org": world.branch_a.code, "held_on": "2024-03-01", "term_years": 3})
    assert response["Location"] == f'{reverse("orgs:committee", args=[world.branch_a.code])}?held_on=2024-03-01'
    assert 'value="2024-03-01"' in district.get(response["Location"]).content.decode()
    elect(district, world, dt.date(2024, 3, 1), {a[1]: ("书记", ""), a[3]: ("委员", "纪检")})
    now = CommitteeSeat.objects.filter(org=world.branch_a).on(TODAY).in_order()
    assert [(s.person.name, s.title) for s in now] == [("甲1", "书记"), ("甲3", "纪检委员")]
    assert [s.election.held_on for s in now] == [dt.date(2024, 3, 1)] * 2
    before = CommitteeSeat.objects.filter(org=world.branch_a).on(dt.date(2023, 12, 31)).in_order()
    assert [(s.person.name, s.title, s.end_on) for s in before] == [("甲0", "书记", dt.date(2024, 3, 1)),
                                                                    ("甲1", "宣传委员", dt.date(2024, 3, 1))]
    # 离任 between elections
    seat = now[1]
    district.post(reverse("orgs:committee_end", args=[world.branch_a.code, seat.pk]), {"end_on": "2025-05-01"})
    page = district.get(reverse("orgs:committee", args=[world.branch_a.code])).content.decode()
    assert "甲3" in page.split("data-past")[1]


def test_a_committee_meeting_lists_the_committee_and_a_general_meeting_everyone(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    elect(clerk, world, dt.date(2024, 3, 1), {a[0]: ("书记", ""), a[1]: ("委员", "组织"), a[2]: ("委员", "宣传")})
    committee = ActivityType.objects.get(name="支部委员会")
    assembly = ActivityType.objects.get(name="支部党员大会")
    form = clerk.get(reverse("activities:create"), {"org": world.branch_a.code, "type": committee.pk}).content.decode()
    listed = re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', form)
    assert sorted(map(int, listed)) == sorted(p.pk for p in a[:3])
    assert len(re.findall(r'data-member="\d+"', form)) == 8  # the others are there, left out, for another type
    form = clerk.get(reverse("activities:create"), {"org": world.branch_a.code, "type": assembly.pk}).content.decode()
    assert len(re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', form)) == 8
    # what the browser sends for the committee: its three members, one absent; nobody else is recorded
    clerk.post(reverse("activities:create"), {
        "org": world.branch_a.code, "type": committee.pk, "date": TODAY.isoformat(), "topic": "研究发展党员",
        "channel": "线下", "member": [p.pk for p in a[:3]], "present": [a[0].pk, a[1].pk]})
    activity = Activity.objects.get(topic="研究发展党员")
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person__name", "presence")) == [
        ("甲0", "出席"), ("甲1", "出席"), ("甲2", "缺席")]
    # editing it keeps to the three it was recorded for
    edit = clerk.get(reverse("activities:edit", args=[activity.code])).content.decode()
    assert len(re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', edit)) == 3
