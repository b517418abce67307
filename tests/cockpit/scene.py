"""Records on top of tests.world for the cockpit, the assessment and the review: two districts that do their
organizational life differently, findings (one overdue), 办实事 items, a warning-education session and a
discipline recommendation. Period of interest: 2021-01-01 .. 2021-06-30."""

from __future__ import annotations

import datetime as dt
import itertools

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.discipline.models import Recommendation
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding

START, END = dt.date(2021, 1, 1), dt.date(2021, 6, 30)
_codes = itertools.count(1)


def activity(org, type_name, day, attendees=(), first_topic=False, audience=None):
    act = Activity.objects.create(code=f"T{next(_codes):05d}", type=ActivityType.objects.get(name=type_name), org=org,
                                  date=day, topic=f"{type_name}{day}", first_topic=first_topic, audience=audience)
    Attendance.objects.bulk_create([Attendance(activity=act, person=p) for p in attendees])
    return act


def ensure_default_types():
    """The activity types and requirements of migration activities.0002. A live-server (transactional) test
    flushes the tables at its end, data migrations included, so a later test cannot count on them."""
    from qingfeng.activities.defaults import ACTIVITY_TYPES, REQUIREMENTS, TYPE_ROLES
    from qingfeng.activities.models import Requirement

    if ActivityType.objects.exists():
        return
    for sort, (name, supervision, audience, restricted) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.create(name=name, is_supervision=supervision, needs_audience=audience,
                                    is_restricted=restricted, sort=sort, role=TYPE_ROLES.get(name, ""))
    for name, cadence, minimum in REQUIREMENTS:
        Requirement.objects.create(activity_type=ActivityType.objects.get(name=name), cadence=cadence,
                                   min_full_members=minimum)


def build(world):
    ensure_default_types()
    for month in range(1, 7):
        activity(world.branch_a, "主题党日", dt.date(2021, month, 10), world.members_a)
        activity(world.branch_o, "主题党日", dt.date(2021, month, 12), world.members_o)
    for month in range(1, 4):
        activity(world.branch_b, "主题党日", dt.date(2021, month, 15), world.members_b)
    for day in (dt.date(2021, 2, 3), dt.date(2021, 5, 6)):
        activity(world.branch_a, "支部党员大会", day, world.members_a)
        activity(world.branch_o, "支部党员大会", day, world.members_o)
        activity(world.branch_o, "党课", day, world.members_o)
    activity(world.branch_a, "党课", dt.date(2021, 3, 3), world.members_a)
    activity(world.xiaodian, "党委(党组)会议", dt.date(2021, 2, 1), first_topic=True)
    activity(world.xiaodian, "党委(党组)会议", dt.date(2021, 4, 1), first_topic=False)
    activity(world.yingze, "党委(党组)会议", dt.date(2021, 3, 1), first_topic=True)
    activity(world.community, "警示教育", dt.date(2021, 4, 20), audience=40)
    activity(world.street, "宣讲", dt.date(2021, 3, 8), audience=120)
    Finding.objects.create(code="F1", source="督导检查", found_on=dt.date(2021, 2, 1), org=world.branch_a,
                           description="台账不全", deadline=dt.date(2021, 3, 1), closed_on=dt.date(2021, 2, 20),
                           status="closed", category="形式主义")
    Finding.objects.create(code="F2", source="督导检查", found_on=dt.date(2021, 3, 1), org=world.branch_a,
                           description="会议记录缺失", deadline=dt.date(2021, 4, 1), category="官僚主义")
    ServiceItem.objects.create(code="S1", org=world.branch_o, name="修缮楼道照明", committed_on=dt.date(2021, 1, 5),
                               planned_on=dt.date(2021, 3, 31), completed_on=dt.date(2021, 3, 20), beneficiaries=300)
    ServiceItem.objects.create(code="S2", org=world.branch_o, name="老旧小区加装扶手", committed_on=dt.date(2021, 1, 5),
                               planned_on=dt.date(2021, 5, 31))
    Recommendation.objects.create(code="R1", org=world.xiaodian, issued_on=dt.date(2021, 5, 1), recipient="某局")
    from qingfeng.indicators.store import rebuild_facts

    rebuild_facts()
