"""Activity types are data: a 系统管理员 renames or adds them in the admin, and what the rules rely on follows the
type's role (ActivityType.role), never its name."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityRole, ActivityType
from qingfeng.indicators import store

D = dt.date


def indicators(org, *keys, start="2021-01-01", end="2021-12-31") -> dict:
    out = StringIO()
    call_command("indicators", "--org", org, "--from", start, "--to", end, "--only", ",".join(keys), stdout=out)
    return json.loads(out.getvalue())


def admin_rename(client, activity_type: ActivityType, new_name: str):
    data = {"name": new_name, "role": activity_type.role, "sort": activity_type.sort,
            "is_supervision": "on" if activity_type.is_supervision else "",
            "needs_audience": "on" if activity_type.needs_audience else "",
            "is_restricted": "on" if activity_type.is_restricted else ""}
    response = client.post(reverse("admin:activities_activitytype_change", args=[activity_type.pk]),
                           {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    activity_type.refresh_from_db()
    assert activity_type.name == new_name


@pytest.mark.django_db
def test_the_seeded_types_carry_their_roles():
    roles = dict(ActivityType.objects.values_list("name", "role"))
    assert roles["宣讲"] == ActivityRole.LECTURE and roles["党委(党组)会议"] == ActivityRole.FIRST_TOPIC
    assert roles["其他"] == ""  # a type the rules do not single out
    # Every role the platform relies on is held by one seeded type.
    assert sorted(r for r in roles.values() if r) == sorted(ActivityRole.values)


@pytest.mark.parametrize("built", [False, True], ids=["records", "facts"])
def test_renaming_the_lecture_type_in_the_admin_keeps_lecture_events(world, client_for, built):
    lecture = ActivityType.objects.get(role=ActivityRole.LECTURE)
    Activity.objects.create(code="XJ1", type=lecture, org=world.branch_a, date=D(2021, 3, 5), topic="理论微宣讲",
                            audience=40)
    Activity.objects.create(code="XJ2", type=lecture, org=world.branch_b, date=D(2021, 4, 5), topic="身边榜样",
                            audience=25, channel="线上")
    if built:
        store.rebuild_facts()
    keys = ("lecture.events", "lecture.audience", "lecture.events[channel=线上]")
    before = indicators("140100", *keys)
    assert before == {"lecture.events": 2, "lecture.audience": 65, "lecture.events[channel=线上]": 1}
    admin_rename(client_for(world.admin), lecture, "理论宣讲")
    assert indicators("140100", *keys) == before
    # The renamed type is what activities.count[type=…] knows it by now.
    assert indicators("140100", "activities.count[type=理论宣讲]") == {"activities.count[type=理论宣讲]": 2}


def test_a_type_added_in_the_admin_is_recorded_and_counted(world, client_for):
    admin = client_for(world.admin)
    response = admin.post(reverse("admin:activities_activitytype_add"), {"name": "主题教育专题学习", "sort": 50})
    assert response.status_code == 302
    added = ActivityType.objects.get(name="主题教育专题学习")
    assert added.role == ""
    store.rebuild_facts()  # the page's write then refreshes the facts like any other
    clerk = client_for(world.clerk)
    members = world.members_a
    response = clerk.post(reverse("activities:create"), {
        "org": world.branch_a.code, "type": added.pk, "date": "2021-03-05", "topic": "专题学习", "channel": "线下",
        "member": [p.pk for p in members], "present": [p.pk for p in members]})
    assert response.status_code == 302
    got = indicators("140105", "activities.count[type=主题教育专题学习]", "activities.count")
    assert got == {"activities.count[type=主题教育专题学习]": 1, "activities.count": 1}


def test_first_topic_follows_the_meeting_role_after_a_rename(world, client_for):
    from qingfeng.activities.actions import record_activity

    meeting = ActivityType.objects.get(role=ActivityRole.FIRST_TOPIC)
    admin_rename(client_for(world.admin), meeting, "党委会")
    recorded = record_activity(user=world.admin, org=world.community, type=meeting, date=D(2021, 3, 5),
                               topic="学习重要讲话", first_topic=True)
    assert recorded.first_topic
    assert indicators("140100", "study.first_topic_rate") == {"study.first_topic_rate": 100.0}
    # The form shows the 第一议题 box for the renamed type, whatever it is called.
    page = client_for(world.admin).get(reverse("activities:create") + f"?org={world.community.code}").content.decode()
    assert f'data-show-for="{meeting.pk}"' in page


def test_a_renamed_battle_supervision_type_still_decides_the_findings_source(world, client_for):
    from django.core.exceptions import ValidationError

    from qingfeng.supervision.actions import record_finding

    battle = ActivityType.objects.get(role=ActivityRole.BATTLE)
    admin_rename(client_for(world.admin), battle, "一线督战")
    round_ = Activity.objects.create(code="DZ1", type=battle, org=world.city, date=D(2021, 3, 1), topic="督战第一轮")
    with pytest.raises(ValidationError) as info:
        record_finding(user=world.admin, org=world.branch_a, source="巡察", found_on=D(2021, 3, 2),
                       description="台账不全", deadline=D(2021, 4, 2), round=round_)
    assert "source" in info.value.message_dict
    finding = record_finding(user=world.admin, org=world.branch_a, source="督战", found_on=D(2021, 3, 2),
                             description="台账不全", deadline=D(2021, 4, 2), round=round_)
    assert finding.round == round_
    # The finding page started from the round proposes the round's source.
    page = client_for(world.admin).get(reverse("supervision:create") + "?round=DZ1").content.decode()
    assert 'value="督战" selected' in page


def test_theme_day_compliance_follows_the_role(world, client_for):
    theme = ActivityType.objects.get(role=ActivityRole.THEME_DAY)
    for month in (1, 2, 3):
        Activity.objects.create(code=f"ZT{month}", type=theme, org=world.branch_a, date=D(2021, month, 10), topic="主题党日")
    keys = ("orglife.theme_day_compliance",)
    before = indicators("140105", *keys, start="2021-01-01", end="2021-03-31")
    admin_rename(client_for(world.admin), theme, "支部主题党日")
    assert indicators("140105", *keys, start="2021-01-01", end="2021-03-31") == before
    assert before["orglife.theme_day_compliance"] is not None
