"""党小组: a branch secretary sets up groups with their members and 组长 on the organization's pages; a 党小组会
starts its attendance from the group; the API shows the groups under the organization."""

import re

from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.orgs.models import GroupMembership, PartyGroup
from tests.api.conftest import bearer
from tests.clock import TODAY


def create(client, world, name, status=302):
    response = client.post(reverse("orgs:party_groups", args=[world.branch_a.code]), {"name": name})
    assert response.status_code == status, response.content.decode()[-2000:]
    return response


def set_members(client, world, group, members, leader=None, status=302):
    data = {"form": "members", "members": [p.pk for p in members], "leader": leader.pk if leader else ""}
    response = client.post(reverse("orgs:party_group", args=[world.branch_a.code, group.pk]), data)
    assert response.status_code == status, response.content.decode()[-2000:]
    return response


def test_the_secretary_sets_up_groups_and_the_org_page_and_api_show_them(world, client_for, client):
    a = world.members_a
    clerk = client_for(world.clerk)
    response = create(clerk, world, "第一党小组")
    first = PartyGroup.objects.get(name="第一党小组")
    assert response["Location"] == reverse("orgs:party_group", args=[world.branch_a.code, first.pk])
    set_members(clerk, world, first, a[:3], leader=a[1])
    create(clerk, world, "第二党小组")
    second = PartyGroup.objects.get(name="第二党小组")
    set_members(clerk, world, second, a[3:6], leader=a[3])
    page = clerk.get(reverse("orgs:detail", args=[world.branch_a.code])).content.decode()
    box = page.split("data-party-groups")[1].split("data-term")[0]
    assert "第一党小组" in box and "甲1" in box and "第二党小组" in box
    listing = clerk.get(reverse("orgs:party_groups", args=[world.branch_a.code])).content.decode()
    assert "甲6" in listing.split("data-ungrouped")[1]  # 甲6 and 甲7 are in no group yet
    detail = client.get(f"/api/v1/organizations/{world.branch_a.code}", headers=bearer(world.clerk)).json()
    assert [(g["name"], g["leader"], [m["name"] for m in g["members"]]) for g in detail["groups"]] == [
        ("第一党小组", "甲1", ["甲0", "甲1", "甲2"]), ("第二党小组", "甲3", ["甲3", "甲4", "甲5"])]
    # 甲2 moves to the second group; the first keeps its history
    set_members(clerk, world, second, [a[2], *a[3:6]], leader=a[3])
    assert sorted(first.current_members().values_list("name", flat=True)) == ["甲0", "甲1"]
    assert sorted(second.current_members().values_list("name", flat=True)) == ["甲2", "甲3", "甲4", "甲5"]
    # rename, then dissolve: its members leave it, the rows stay
    clerk.post(reverse("orgs:party_group", args=[world.branch_a.code, first.pk]), {"form": "name", "name": "老党员小组"})
    first.refresh_from_db()
    assert first.name == "老党员小组"
    assert clerk.post(reverse("orgs:party_group_dissolve", args=[world.branch_a.code, first.pk])).status_code == 302
    assert not PartyGroup.objects.filter(pk=first.pk).standing().exists() or \
        not PartyGroup.objects.filter(pk=first.pk).exists()
    assert not GroupMembership.objects.filter(group_id=first.pk, end_on__isnull=True).exists()
    detail = client.get(f"/api/v1/organizations/{world.branch_a.code}", headers=bearer(world.clerk)).json()
    assert [g["name"] for g in detail["groups"]] == ["第二党小组"]


def test_bad_groups_are_refused_with_a_reason(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    create(clerk, world, "第一党小组")
    assert "已有名为“第一党小组”的党小组" in create(clerk, world, " 第一党小组 ", status=400).content.decode()
    assert "请填写" in create(clerk, world, "", status=400).content.decode() or \
        "这个字段是必填项" in create(clerk, world, "", status=400).content.decode()
    group = PartyGroup.objects.get(name="第一党小组")
    body = set_members(clerk, world, group, a[:2], leader=a[5], status=400).content.decode()
    assert "组长须是本小组成员" in body
    # a member of another branch is not offered, and not taken
    body = set_members(clerk, world, group, [a[0], world.members_b[0]], status=400).content.decode()
    assert not GroupMembership.objects.exists()
    # only a branch has groups
    district = client_for(world.district_user)
    response = district.post(reverse("orgs:party_groups", args=[world.community.code]), {"name": "小组"})
    assert response.status_code == 400 and "只有党支部可以设立党小组" in response.content.decode()
    # a leader reads, and writes nothing
    leader = client_for(world.leader)
    assert leader.get(reverse("orgs:party_group", args=[world.branch_a.code, group.pk])).status_code == 200
    assert leader.post(reverse("orgs:party_groups", args=[world.branch_a.code]), {"name": "二组"}).status_code == 403
    assert PartyGroup.objects.count() == 1


def test_a_group_meeting_lists_the_group(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    create(clerk, world, "第一党小组")
    group = PartyGroup.objects.get()
    set_members(clerk, world, group, a[2:5], leader=a[2])
    meeting = ActivityType.objects.get(name="党小组会")
    form = clerk.get(reverse("activities:create"), {"org": world.branch_a.code, "type": meeting.pk,
                                                    "group": group.pk}).content.decode()
    listed = re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', form)
    assert sorted(map(int, listed)) == sorted(p.pk for p in a[2:5])
    assert len(re.findall(r'data-member="\d+"', form)) == 8  # the others are there, left out
    assert f'<option value="{group.pk}" selected>' in form
    # without a group chosen, every member is listed
    form = clerk.get(reverse("activities:create"), {"org": world.branch_a.code, "type": meeting.pk}).content.decode()
    assert len(re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', form)) == 8
    clerk.post(reverse("activities:create"), {
        "org": world.branch_a.code, "type": meeting.pk, "date": TODAY.isoformat(), "topic": "学习党章",
        "channel": "线下", "group": group.pk, "member": [p.pk for p in a[2:5]], "present": [a[2].pk, a[3].pk],
        "leave": [a[4].pk]})
    activity = Activity.objects.get(topic="学习党章")
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person__name", "presence")) == [
        ("甲2", "出席"), ("甲3", "出席"), ("甲4", "请假")]
