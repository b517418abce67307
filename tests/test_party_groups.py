"""党小组: a branch secretary sets up groups with their members and 组长 on the organization's pages; a 党小组会
starts its attendance from the group; the API shows the groups under the organization."""

import datetime as dt
import os
import re
import threading
import time

import pytest
from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.orgs.models import GroupMembership, PartyGroup
from tests.api.conftest import bearer
from tests.clock import TODAY


def create(client, world, name, status=302):
    response = client.post(reverse("orgs:party_groups", args=[world.branch_a.code]), {"name": name})
    assert response.status_code == status, response.content.decode()[-2000:]
    return response


def set_members(client, world, group, members, leader=None, status=302, on=None):
    data = {"form": "members", "members": [p.pk for p in members], "leader": leader.pk if leader else "",
            "on": on.isoformat() if on else ""}
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


# ---- a 党小组会 records its group ------------------------------------------------------------------------------

def history(world):
    """Two groups of branch A with a history (days before the test's day): 甲0 and 甲1 were the first group until
    SWITCH, when 甲1 moved to the second group, set up that day with 甲2; the third group was set up on LATE."""
    a = world.members_a
    first = PartyGroup.objects.create(org=world.branch_a, name="第一党小组", established_on=START)
    second = PartyGroup.objects.create(org=world.branch_a, name="第二党小组", established_on=SWITCH)
    third = PartyGroup.objects.create(org=world.branch_a, name="第三党小组", established_on=LATE)
    GroupMembership.objects.create(group=first, person=a[0], start_on=START)
    GroupMembership.objects.create(group=first, person=a[1], start_on=START, end_on=SWITCH)
    GroupMembership.objects.create(group=second, person=a[1], start_on=SWITCH)
    GroupMembership.objects.create(group=second, person=a[2], start_on=SWITCH)
    GroupMembership.objects.create(group=third, person=a[3], start_on=LATE)
    return first, second, third


START, SWITCH, LATE = TODAY - dt.timedelta(days=120), TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=10)
BEFORE, AFTER = SWITCH - dt.timedelta(days=20), SWITCH + dt.timedelta(days=5)  # two meeting days


def listed(html):
    """The names of the members a new meeting is for (the rows not hidden), by person id."""
    return sorted(int(pk) for pk in re.findall(r'<li [^>]*data-member="(\d+)"(?![^>]*hidden)', html))


def offered(html):
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', html.split("data-party-group")[1].split("</select>")[0])


def meeting(world, group, day, members, **extra):
    kind = ActivityType.objects.get(role="party_group")
    return {"org": world.branch_a.code, "type": kind.pk, "date": day.isoformat(), "topic": "学习党章", "channel": "线下",
            "group": group.pk if group else "", "member": [p.pk for p in members], "present": [p.pk for p in members],
            **extra}


def test_the_members_offered_are_the_groups_members_on_the_meetings_day(world, client_for):
    a = world.members_a
    first, second, third = history(world)
    kind = ActivityType.objects.get(role="party_group")
    clerk = client_for(world.clerk)
    url = reverse("activities:create")
    query = {"org": world.branch_a.code, "type": kind.pk}
    before = clerk.get(url, {**query, "group": first.pk, "date": BEFORE.isoformat()}).content.decode()
    assert listed(before) == sorted([a[0].pk, a[1].pk])  # 甲1 was still in the first group
    assert [name for _pk, name in offered(before)] == ["第一党小组"]  # the others were set up later
    after = clerk.get(url, {**query, "group": first.pk, "date": AFTER.isoformat()}).content.decode()
    assert listed(after) == [a[0].pk]
    assert [name for _pk, name in offered(after)] == ["第一党小组", "第二党小组"]
    # the page fetches the card again when the date changes (htmx): the card alone, for that day
    card = clerk.get(url, {**query, "group": second.pk, "date": AFTER.isoformat()}, headers={"HX-Request": "true"})
    body = card.content.decode()
    assert card.status_code == 200 and "<html" not in body and "data-attendance" in body
    assert listed(body) == sorted([a[1].pk, a[2].pk])
    assert f'<option value="{second.pk}" selected>' in body
    # the day's date field asks for the card again on a change
    page = clerk.get(url, query).content.decode()
    date_input = re.search(r'<input[^>]*name="date"[^>]*>', page).group(0)
    assert 'hx-get="/activities/new/"' in date_input or f'hx-get="{url}"' in date_input
    # a group set up after the day is refused with the reason, and nothing is written
    response = clerk.post(url, meeting(world, third, AFTER, [a[3]]))
    assert response.status_code == 400
    assert f"第三党小组 成立于 {LATE.isoformat()}，晚于活动日期" in response.content.decode()
    assert not Activity.objects.exists()
    # on the day itself it is taken, with the members of that day
    assert clerk.post(url, meeting(world, first, BEFORE, a[:2])).status_code == 302
    activity = Activity.objects.get()
    assert activity.party_group == first and activity.date == BEFORE


def test_a_group_meeting_shows_its_group_in_the_page_and_the_api_and_it_can_be_changed(world, client_for, client):
    a = world.members_a
    first, second, _third = history(world)
    clerk = client_for(world.clerk)
    assert clerk.post(reverse("activities:create"), meeting(world, second, AFTER, [a[1], a[2]])).status_code == 302
    activity = Activity.objects.get()
    assert activity.party_group == second
    detail = clerk.get(reverse("activities:detail", args=[activity.code])).content.decode()
    link = reverse("orgs:party_group", args=[world.branch_a.code, second.pk])
    assert re.search(rf'<a href="{link}" data-party-group>第二党小组</a>', detail)
    api = client.get(f"/api/v1/activities/{activity.code}", headers=bearer(world.clerk)).json()
    assert api["party_group"] == {"id": second.pk, "name": "第二党小组"}
    listing = client.get("/api/v1/activities", headers=bearer(world.clerk)).json()
    assert listing["results"][0]["party_group"]["name"] == "第二党小组"
    # the edit page offers the groups of the meeting's day, the recorded one chosen; another is saved
    edit_url = reverse("activities:edit", args=[activity.code])
    edit = clerk.get(edit_url).content.decode()
    assert (str(second.pk), "第二党小组") in offered(edit) and f'<option value="{second.pk}" selected>' in edit
    data = meeting(world, first, AFTER, [a[1], a[2]])
    data.pop("org")
    assert clerk.post(edit_url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.party_group == first
    assert sorted(activity.attendance.values_list("person__name", flat=True)) == ["甲1", "甲2"]  # attendance kept
    # another type records no group: refused with the reason, nothing changed
    committee = ActivityType.objects.get(role="branch_committee")
    response = clerk.post(edit_url, {**data, "type": committee.pk})
    assert response.status_code == 400 and "只有党小组会记录党小组" in response.content.decode()
    activity.refresh_from_db()
    assert activity.party_group == first and activity.type.role == "party_group"
    # without a group it stays a 党小组会, recorded for no group
    assert clerk.post(edit_url, {**data, "group": ""}).status_code == 302
    activity.refresh_from_db()
    assert activity.party_group is None


def test_a_group_of_another_organization_is_refused(world, client_for, client):
    a = world.members_a
    history(world)
    theirs = PartyGroup.objects.create(org=world.branch_b, name="乙党小组", established_on=START)
    clerk = client_for(world.clerk)
    response = clerk.post(reverse("activities:create"), meeting(world, theirs, AFTER, a[:2]))
    body = response.content.decode()
    assert response.status_code == 400 and "所选党小组不是第一党支部的党小组" in body
    assert "乙党小组" not in body  # nothing told about another organization's group
    assert not Activity.objects.exists()
    # nor an id that is no group at all
    response = clerk.post(reverse("activities:create"), {**meeting(world, None, AFTER, a[:2]), "group": "99999"})
    assert response.status_code == 400 and "所选党小组不是第一党支部的党小组" in response.content.decode()
    # the API refuses it too, and writes nothing
    kind = ActivityType.objects.get(role="party_group")
    response = client.post("/api/v1/activities", content_type="application/json", headers=bearer(world.clerk), data={
        "org": world.branch_a.code, "type": kind.name, "date": AFTER.isoformat(), "topic": "学习党章",
        "party_group": theirs.pk, "attendance": [{"person": a[0].pk}]})
    assert response.status_code == 400 and "不是“第一党支部”的党小组" in response.json()["message_zh"]
    assert not Activity.objects.exists()
    # and a meeting already recorded keeps its group when the edit names a group of another organization
    first = PartyGroup.objects.get(name="第一党小组")
    response = client.post("/api/v1/activities", content_type="application/json", headers=bearer(world.clerk), data={
        "org": world.branch_a.code, "type": kind.name, "date": AFTER.isoformat(), "topic": "学习党章",
        "party_group": first.pk, "attendance": [{"person": a[0].pk}]})
    assert response.status_code == 201 and response.json()["party_group"]["id"] == first.pk
    activity = Activity.objects.get()
    data = meeting(world, theirs, AFTER, [a[0]])
    data.pop("org")
    response = clerk.post(reverse("activities:edit", args=[activity.code]), data)
    assert response.status_code == 400 and "所选党小组不是第一党支部的党小组" in response.content.decode()
    activity.refresh_from_db()
    assert activity.party_group == first


def test_a_group_set_up_today_with_a_meeting_is_not_dissolved_the_same_day(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    create(clerk, world, "第一党小组")
    group = PartyGroup.objects.get()
    set_members(clerk, world, group, a[:3], leader=a[0])
    assert clerk.post(reverse("activities:create"), meeting(world, group, TODAY, a[:3])).status_code == 302
    response = clerk.post(reverse("orgs:party_group_dissolve", args=[world.branch_a.code, group.pk]), follow=True)
    assert "第一党小组 今天设立，已记录党小组会，今天不能撤销" in response.content.decode()
    assert PartyGroup.objects.filter(pk=group.pk).standing().exists()
    assert GroupMembership.objects.filter(group=group, end_on__isnull=True).count() == 3
    assert Activity.objects.get().party_group == group


def test_english_pages_count_a_groups_people_in_english(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    create(clerk, world, "第一党小组")
    set_members(clerk, world, PartyGroup.objects.get(), a[:3], leader=a[0])
    clerk.cookies["django_language"] = "en"
    for url in (reverse("orgs:party_groups", args=[world.branch_a.code]),
                reverse("orgs:detail", args=[world.branch_a.code])):
        body = clerk.get(url).content.decode()
        assert "3 people" in body and "3 person" not in body and "3 人" not in body


# ---- a group entered after the fact -----------------------------------------------------------------------------

def test_a_group_entered_late_carries_its_real_days_so_its_earlier_meetings_can_name_it(world, client_for):
    """A secretary enters a 党小组 set up months ago, with its members from that day and a later change: the meeting
    pages of the days between offer it with the members of each day."""
    a = world.members_a
    clerk = client_for(world.clerk)
    page = clerk.get(reverse("orgs:party_groups", args=[world.branch_a.code])).content.decode()
    assert re.search(rf'name="established_on"[^>]*value="{TODAY.isoformat()}"', page)  # today by default
    response = clerk.post(reverse("orgs:party_groups", args=[world.branch_a.code]),
                          {"name": "第一党小组", "established_on": START.isoformat()})
    assert response.status_code == 302
    group = PartyGroup.objects.get()
    assert group.established_on == START
    set_members(clerk, world, group, a[:3], leader=a[0], on=START)
    set_members(clerk, world, group, [a[0], a[2]], leader=a[0], on=SWITCH)  # 甲1 left on SWITCH
    kind = ActivityType.objects.get(role="party_group")
    query = {"org": world.branch_a.code, "type": kind.pk, "group": group.pk}
    before = clerk.get(reverse("activities:create"), {**query, "date": BEFORE.isoformat()}).content.decode()
    assert listed(before) == sorted(p.pk for p in a[:3])
    assert [name for _pk, name in offered(before)] == ["第一党小组"]
    after = clerk.get(reverse("activities:create"), {**query, "date": AFTER.isoformat()}).content.decode()
    assert listed(after) == sorted([a[0].pk, a[2].pk])
    assert clerk.post(reverse("activities:create"), meeting(world, group, BEFORE, a[:3])).status_code == 302
    assert Activity.objects.get().party_group == group


def test_days_a_group_change_cannot_take_are_refused_with_the_reason(world, client_for):
    a = world.members_a
    clerk = client_for(world.clerk)
    url = reverse("orgs:party_groups", args=[world.branch_a.code])
    tomorrow = TODAY + dt.timedelta(days=1)
    response = clerk.post(url, {"name": "第一党小组", "established_on": tomorrow.isoformat()})
    assert response.status_code == 400 and f"日期不能晚于今天（{TODAY.isoformat()}）" in response.content.decode()
    world.branch_a.established_on = START
    world.branch_a.save(update_fields=["established_on"])
    response = clerk.post(url, {"name": "第一党小组", "established_on": (START - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and f"不能早于本支部的成立日期（{START.isoformat()}）" in response.content.decode()
    assert not PartyGroup.objects.exists()
    clerk.post(url, {"name": "第一党小组", "established_on": START.isoformat()})
    clerk.post(url, {"name": "第二党小组", "established_on": START.isoformat()})
    first, second = PartyGroup.objects.order_by("name")
    assert (first.name, second.name) == ("第一党小组", "第二党小组")
    set_members(clerk, world, first, a[:3], on=START)
    set_members(clerk, world, first, [a[0], a[2]], on=SWITCH)  # 甲1 left the first group on SWITCH
    set_members(clerk, world, second, [a[1]], on=AFTER)  # and joined the second on AFTER
    rows = sorted(GroupMembership.objects.values_list("group__name", "person__name", "start_on", "end_on"))
    # before the group was set up
    body = set_members(clerk, world, first, a[:3], on=START - dt.timedelta(days=1), status=400).content.decode()
    assert f"变动日期不能早于本小组的成立日期（{START.isoformat()}）" in body
    # 甲1 back in the first group for days they were already counted in it
    body = set_members(clerk, world, first, a[:3], on=SWITCH - dt.timedelta(days=5), status=400).content.decode()
    assert f"甲1 在 {START.isoformat()} 至 {SWITCH.isoformat()} 已在第一党小组" in body
    # moving 甲1 back before the day they joined the second group would undo that change
    body = set_members(clerk, world, first, a[:3], on=AFTER - dt.timedelta(days=2), status=400).content.decode()
    assert f"甲1 自 {AFTER.isoformat()} 起在第二党小组，变动日期不能早于该日" in body
    # in the future
    body = set_members(clerk, world, first, [a[0]], on=tomorrow, status=400).content.decode()
    assert "日期不能晚于今天" in body
    assert sorted(GroupMembership.objects.values_list("group__name", "person__name", "start_on", "end_on")) == rows
    # on the day itself, the move is taken
    set_members(clerk, world, first, a[:3], on=AFTER)
    assert sorted(first.current_members().values_list("name", flat=True)) == ["甲0", "甲1", "甲2"]
    assert GroupMembership.objects.filter(group=second, person=a[1]).count() == 0  # joined that day: a slip, gone


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite lets one writer in at a time: saves cannot overlap")
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_branchs_groups_at_once_cannot_give_a_person_two_groups(world):
    """One secretary puts 甲0 in the first group from June while another, at the same moment, puts them in the second
    from January: the second save waits for the first and is refused with the reason — never two groups at once."""
    from django.core.exceptions import ValidationError
    from django.db import connections, transaction

    from qingfeng.orgs.actions import create_party_group, set_group_members

    person = world.members_a[0]
    first = create_party_group(world.branch_a, "第一党小组", established_on=dt.date(2025, 1, 1))
    second = create_party_group(world.branch_a, "第二党小组", established_on=dt.date(2025, 1, 1))
    written, go = threading.Event(), threading.Event()
    out: dict[str, object] = {}

    def from_june():
        try:
            with transaction.atomic():
                set_group_members(first, [person], on=dt.date(2026, 6, 1))
                written.set()
                go.wait(10)  # still uncommitted while the other save starts
        finally:
            connections.close_all()

    def from_january():
        try:
            set_group_members(second, [person], on=dt.date(2026, 1, 1))
            out["second"] = "saved"
        except ValidationError as exc:
            out["second"] = " ".join(exc.messages)
        finally:
            connections.close_all()

    a = threading.Thread(target=from_june)
    a.start()
    assert written.wait(10)
    b = threading.Thread(target=from_january)
    b.start()
    time.sleep(0.5)
    go.set()
    a.join(10)
    b.join(10)
    assert "起在第一党小组" in str(out["second"]), out
    held = sorted((m.group.name, m.start_on, m.end_on)
                  for m in GroupMembership.objects.filter(person=person).select_related("group"))
    assert held == [("第一党小组", dt.date(2026, 6, 1), None)]
