"""Recording meetings with attendance, the activity pages and the branch calendar — through HTTP."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.audit.models import AuditLog
from qingfeng.core.models import Entry
from tests.clock import TODAY
from tests.ledgers.conftest import png_upload


def meeting_type(name="支部委员会"):
    return ActivityType.objects.get(name=name)


def attendance_post(world, day, *, absent=(), leave=(), type_name="支部委员会", **extra):
    members = world.members_a
    data = {
        "org": world.branch_a.code, "type": meeting_type(type_name).pk, "date": day.isoformat(),
        "topic": "研究发展党员工作", "channel": "线下",
        "member": [p.pk for p in members],
        "present": [p.pk for p in members if p not in absent and p not in leave],
        "leave": [p.pk for p in leave],
    }
    data.update(extra)
    return data


def test_clerk_records_a_committee_meeting_with_attendance(world, client_for):
    client = client_for(world.clerk)
    day = TODAY
    members = world.members_a
    form = client.get(reverse("activities:create"))
    assert form.status_code == 200
    body = form.content.decode()
    # Every member of the branch is listed and pre-ticked.
    assert body.count('checked data-present') == 8 and "甲7" in body
    response = client.post(reverse("activities:create"),
                           attendance_post(world, day, absent=[members[0]], leave=[members[1]]))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:detail", args=[activity.code])
    marks = dict(Attendance.objects.filter(activity=activity).values_list("person__name", "presence"))
    assert marks == {"甲0": "缺席", "甲1": "请假", **{f"甲{i}": "出席" for i in range(2, 8)}}
    # One burden entry per row created (the activity and its 8 attendance rows), all on branch A.
    assert Entry.objects.filter(org=world.branch_a, channel="page").count() == 9
    page = client.get(response["Location"]).content.decode()
    assert "出席 6" in page and "请假 1" in page and "缺席 1" in page
    # The history: the creation, attributed to the clerk, and the attendance written with it.
    history = AuditLog.objects.filter(model="activities.Activity", object_id=str(activity.pk))
    assert [(h.action, h.username) for h in history.order_by("id")] == [("create", "clerk"), ("update", "clerk")]
    assert "参加人员：出席 6，请假 1，缺席 1" in page


def test_first_topic_flag_is_only_for_party_committee_meetings(world, client_for):
    client = client_for(world.clerk)
    response = client.post(reverse("activities:create"),
                           attendance_post(world, TODAY, first_topic="on"))
    assert response.status_code == 400
    assert "“第一议题”只用于党委(党组)会议" in response.content.decode()
    assert not Activity.objects.exists() and not Entry.objects.exists()


def test_first_topic_is_recorded_on_a_party_committee_meeting(world, client_for):
    client = client_for(world.district_user)
    data = {"org": world.xiaodian.code, "type": meeting_type("党委(党组)会议").pk, "date": TODAY.isoformat(),
            "topic": "传达学习重要讲话精神", "channel": "线下", "first_topic": "on"}
    assert client.post(reverse("activities:create"), data).status_code == 302
    assert Activity.objects.get().first_topic is True


def test_a_meeting_in_the_future_or_with_strangers_is_refused(world, client_for):
    client = client_for(world.clerk)
    tomorrow = TODAY + dt.timedelta(days=1)
    response = client.post(reverse("activities:create"), attendance_post(world, tomorrow))
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    data = attendance_post(world, TODAY)
    data["member"].append(world.members_o[0].pk)  # a member of the sibling district's branch
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 400 and "不是该组织的党员" in response.content.decode()
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_audience_belongs_to_lectures_and_a_lecture_names_its_sub_team(world, client_for):
    from qingfeng.activities.models import LectureTeam

    team = LectureTeam.objects.create(code="XJ01", name="青年宣讲队", org=world.branch_a)
    client = client_for(world.clerk)
    response = client.post(reverse("activities:create"), attendance_post(world, TODAY, audience="40"))
    assert response.status_code == 400 and "受众人数" in response.content.decode()
    data = {"org": world.branch_a.code, "type": meeting_type("宣讲").pk, "date": TODAY.isoformat(),
            "topic": "党的创新理论进社区", "channel": "线上线下结合", "audience": "120", "lecture_team": team.pk}
    assert client.post(reverse("activities:create"), data).status_code == 302
    lecture = Activity.objects.get()
    assert (lecture.audience, lecture.lecture_team, lecture.channel) == (120, team, "线上线下结合")


def test_outsider_can_neither_record_for_nor_see_a_branch_of_another_district(world, client_for):
    client = client_for(world.clerk)
    client.post(reverse("activities:create"), attendance_post(world, TODAY))
    activity = Activity.objects.get()
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("activities:detail", args=[activity.code])).status_code == 404
    assert outsider.get(reverse("activities:edit", args=[activity.code])).status_code == 404
    response = outsider.post(reverse("activities:create"), attendance_post(world, TODAY))
    assert "不存在或不在您的管理范围内" in response.content.decode()
    assert Activity.objects.count() == 1
    assert activity.code not in outsider.get(reverse("activities:list")).content.decode().split("data-ledger-table")[1]


def test_leader_reads_but_cannot_record(world, client_for):
    client = client_for(world.leader)
    assert client.get(reverse("activities:create")).status_code == 403
    assert client.get(reverse("activities:list")).status_code == 200


def test_editing_attendance_keeps_history(world, client_for):
    client = client_for(world.clerk)
    day = TODAY
    client.post(reverse("activities:create"), attendance_post(world, day))
    activity = Activity.objects.get()
    data = attendance_post(world, day, absent=world.members_a[:2])
    data["topic"] = "研究发展党员工作（补充）"
    assert client.post(reverse("activities:edit", args=[activity.code]), data).status_code == 302
    assert Attendance.objects.filter(activity=activity, presence="缺席").count() == 2
    # The list shows each activity's attendance: present / listed.
    listed = Attendance.objects.filter(activity=activity).count()
    row = client.get(reverse("activities:list")).content.decode().split("研究发展党员工作（补充）")[1].split("</tr>")[0]
    assert f"{listed - 2}/{listed}" in row
    logs = AuditLog.objects.filter(model="activities.Activity", object_id=str(activity.pk), action="update")
    assert any(log.before and log.before.get("topic") == "研究发展党员工作" for log in logs)
    assert any(log.after.get("attendance", {}).get("缺席") == 2 and log.before["attendance"]["缺席"] == 0 for log in logs)


def test_list_filters_and_its_query_count_does_not_grow_with_rows(world, client_for):
    from qingfeng.activities.actions import record_activity

    day = TODAY
    for i in range(3):
        record_activity(user=world.clerk, org=world.branch_a, type=meeting_type("主题党日"), date=day, topic=f"主题党日{i}")
    record_activity(user=world.clerk, org=world.branch_a, type=meeting_type("党课"), date=day, topic="专题党课")
    client = client_for(world.district_user)
    body = client.get(reverse("activities:list"), {"type": meeting_type("党课").pk}).content.decode()
    assert "专题党课" in body and "主题党日0" not in body
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("activities:list"))
    for i in range(3, 10):
        record_activity(user=world.clerk, org=world.branch_a, type=meeting_type("主题党日"), date=day, topic=f"主题党日{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("activities:list"))
    assert len(many) == len(few)


def test_htmx_filter_returns_only_the_results(world, client_for):
    client = client_for(world.clerk)
    response = client.get(reverse("activities:list"), {"q": "x"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "data-ledger-table" in body and "<html" not in body


def test_minutes_attached_to_a_meeting_are_served_only_within_scope(world, client_for):
    client = client_for(world.clerk)
    data = attendance_post(world, TODAY)
    data["files"] = [png_upload("会场.png")]
    assert client.post(reverse("activities:create"), data).status_code == 302
    activity = Activity.objects.get()
    from qingfeng.files.models import Attachment

    attachment = Attachment.objects.get()
    assert attachment.record == activity and attachment.mime == "image/png"
    url = reverse("files:download", args=[attachment.key])
    assert url in client.get(reverse("activities:detail", args=[activity.code])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(world.outsider).get(url).status_code == 404


# ---- the calendar ------------------------------------------------------------------------------

def test_calendar_turns_a_missed_month_into_a_met_one(world, client_for):
    today = TODAY
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    if last_month_end.year != today.year:
        pytest.skip("January: the previous month belongs to last year's calendar")
    client = client_for(world.clerk)
    url = reverse("activities:calendar", args=[world.branch_a.code])
    body = client.get(url).content.decode()
    window = f'data-window="{last_month_end.replace(day=1).isoformat()}" data-status="'
    committee = body[body.index('data-requirement="支部委员会"'):]
    assert committee[committee.index(window) + len(window):].startswith("missed")
    # The one-tap link pre-fills the type and the window's last day.
    assert f"type={meeting_type().pk}&amp;date={last_month_end.isoformat()}" in committee
    client.post(reverse("activities:create"), attendance_post(world, last_month_end))
    committee = client.get(url).content.decode().split('data-requirement="支部委员会"')[1]
    assert committee[committee.index(window) + len(window):].startswith("met")


def test_committee_requirement_does_not_apply_to_a_small_branch(world, client_for):
    body = client_for(world.district_user).get(
        reverse("activities:calendar", args=[world.branch_b.code])).content.decode()
    committee = body.split('data-requirement="支部委员会"')[1].split("data-requirement=")[0]
    assert 'data-status="missed"' not in committee and "正式党员不足 7 人" in committee


def test_calendar_of_a_sibling_branch_is_404(world, client_for):
    url = reverse("activities:calendar", args=[world.branch_o.code])
    assert client_for(world.clerk).get(url).status_code == 404


def test_an_officer_sees_which_branches_missed_meetings(world, client_for):
    from qingfeng.activities.actions import record_activity

    today = TODAY
    if today.month == 1:
        pytest.skip("no window of this year is over yet")
    body = client_for(world.district_user).get(
        reverse("activities:calendar", args=[world.community.code])).content.decode()
    a = body.split(f'data-branch="{world.branch_a.code}"')[1].split("</tr>")[0]
    b = body.split(f'data-branch="{world.branch_b.code}"')[1].split("</tr>")[0]
    # Branch A (8 full members) owes 支部委员会 every month; branch B (3) does not.
    missed_a = int(a.split('bg-red-lt">')[1].split("<")[0])
    missed_b = int(b.split('bg-red-lt">')[1].split("<")[0])
    assert missed_a > missed_b
    record_activity(user=world.clerk, org=world.branch_a, type=meeting_type(), date=today.replace(day=1) - dt.timedelta(days=1),
                    topic="补开支部委员会")
    body = client_for(world.district_user).get(
        reverse("activities:calendar", args=[world.community.code])).content.decode()
    a = body.split(f'data-branch="{world.branch_a.code}"')[1].split("</tr>")[0]
    assert int(a.split('bg-red-lt">')[1].split("<")[0]) == missed_a - 1
    assert world.branch_o.code not in body


def test_recording_a_fifty_member_meeting_costs_no_more_queries_than_an_eight_member_one(world, client_for):
    from tests.world import member

    def post(branch_members):
        data = attendance_post(world, TODAY, absent=branch_members[:3], leave=branch_members[3:5])
        data["member"] = [p.pk for p in branch_members]
        data["present"] = [p.pk for p in branch_members[5:]]
        client = client_for(world.clerk)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("activities:create"), data)
        assert response.status_code == 302
        return len(queries)

    # each counted twice, the fewer kept: a cache a process refills now and then (names read once a minute, on
    # first use) is not the meeting's cost, and it falls on one post or another depending on the tests before
    small = min(post(world.members_a), post(world.members_a))
    world.members_a += [member(f"丁{i}", world.branch_a) for i in range(42)]
    large = min(post(world.members_a), post(world.members_a))
    assert large == small
    latest = Activity.objects.order_by("-id").first()
    assert Attendance.objects.filter(activity=latest).count() == 50
    body = client_for(world.clerk).get(reverse("activities:create")).content.decode()
    assert body.count("checked data-present") == 50


def test_warning_for_a_missed_month_goes_when_the_meeting_is_recorded(world, client_for):
    from qingfeng.indicators.warnings import warnings_for

    today = TODAY
    end = today.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)

    def committee_warnings():
        return [w for w in warnings_for(world.branch_a, today, kinds=["meetings"])
                if w.message.startswith("支部委员会") and w.due == end]

    assert len(committee_warnings()) == 1
    client_for(world.clerk).post(reverse("activities:create"), attendance_post(world, start))
    assert committee_warnings() == []
