"""Distinct counts from the facts (issue 18): a trainee of two branches counts once for the organizations above
both; a write changing a trainee's attendance through the page changes the counts the facts keep exactly as a full
rebuild would — also where the trainee's rows at another branch (or at their relation's branch, for 轮训覆盖率) depend
on the changed attendance."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from qingfeng.activities.models import Activity, ActivityType, Attendance
from qingfeng.core.distinct import period_end, period_kind, period_start, rolling_start
from qingfeng.indicators import engine, store
from qingfeng.indicators.models import Fact, OwnFact
from tests.clock import TODAY

DAY = TODAY - dt.timedelta(days=3)
KEYS = ["study.reading_class_trainees", "training.rotation_trainees", "training.rotation_coverage"]


def periods():
    quarter = period_start(DAY, "q")
    return [(DAY.replace(day=1), period_end(DAY.replace(day=1), "m")), (quarter, period_end(quarter, "q")),
            (rolling_start(TODAY), TODAY), (DAY.replace(month=1, day=1), DAY.replace(month=12, day=31))]


def snapshot():
    own = sorted(OwnFact.objects.exclude(n=0, total=0).values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total"))
    fact = sorted(Fact.objects.exclude(n=0, total=0).values_list(
        "org_id", "grain", "day", "metric", "d1", "d2", "d3", "n", "total"))
    return own, fact


def values(world):
    out = {}
    for org in (world.city, world.community, world.branch_a, world.branch_b):
        for start, end in periods():
            assert period_kind(start, end) is not None
            got = engine.compute(org, start, end, KEYS)
            assert got == engine.compute_direct(org, start, end, KEYS), (org.code, start, end)
            out[(org.code, start)] = got
    return out


def training(name, org, day, people, presence="出席"):
    activity = Activity.objects.create(code=f"T-{org.code}-{name}-{day}", type=ActivityType.objects.get(name=name),
                                       org=org, date=day, topic="培训")
    for p in people:
        Attendance.objects.create(activity=activity, person=p, presence=presence)
    return activity


def edit_post(world, activity, absent):
    members = list(Attendance.objects.filter(activity=activity).values_list("person_id", flat=True))
    return {"org": activity.org.code, "type": activity.type_id, "date": activity.date.isoformat(),
            "topic": activity.topic, "channel": activity.channel, "member": members,
            "present": [pk for pk in members if pk not in {p.pk for p in absent}]}


def test_a_trainee_of_two_branches_counts_once_and_an_edit_keeps_the_facts_as_a_rebuild(world, client_for):
    trainee, other = world.members_a[0], world.members_a[1]
    trainee.cadre_level = other.cadre_level = "市管"
    trainee.save()
    other.save()
    # the same person trained at both branches (B's class taken as a guest), another one at A only
    at_a = training("读书班", world.branch_a, DAY, [trainee, other])
    training("读书班", world.branch_b, DAY - dt.timedelta(days=1), [trainee])
    rotation_a = training("专题轮训", world.branch_a, DAY, [trainee])
    training("专题轮训", world.branch_b, DAY, [trainee, world.members_b[0]])
    store.rebuild_facts()
    month = DAY.replace(day=1)
    before = values(world)
    assert before[("140100", month)]["study.reading_class_trainees"] == 2
    assert before[("14010500101B", month)]["study.reading_class_trainees"] == 1

    client = client_for(world.district_user)
    response = client.post(reverse("activities:edit", args=[at_a.code]), edit_post(world, at_a, absent=[trainee]))
    assert response.status_code == 302
    # The trainee still trained at B: counted once above both branches, no longer at A.
    after = values(world)
    assert after[("140100", month)]["study.reading_class_trainees"] == 2
    assert after[("14010500101A", month)]["study.reading_class_trainees"] == 1
    incremental = snapshot()
    store.rebuild_facts()
    assert snapshot() == incremental

    # The rotation training at A no longer held for the trainee: still covered (B, in the city), but not in A's
    # subtree — whose rows are kept at A, their relation's branch, changed by a write at A.
    response = client.post(reverse("activities:edit", args=[rotation_a.code]),
                           edit_post(world, rotation_a, absent=[trainee]))
    assert response.status_code == 302
    now = values(world)
    assert now[("14010500101A", month)]["training.rotation_trainees"] == 0
    assert now[("140100", month)]["training.rotation_trainees"] == 2
    incremental = snapshot()
    store.rebuild_facts()
    assert snapshot() == incremental


def test_coverage_at_the_relation_follows_a_training_elsewhere(world, client_for):
    """轮训覆盖率 keeps a trainee's rows at their relation's branch (A); a training edited at B moves them."""
    trainee = world.members_a[2]
    trainee.cadre_level = "市管"
    trainee.save()
    at_b = training("专题轮训", world.branch_b, DAY, [trainee, world.members_b[1]])
    store.rebuild_facts()
    month = DAY.replace(day=1)
    key = "training.rotation_coverage"
    assert engine.compute(world.community, month, period_end(month, "m"), [key]) == \
        engine.compute_direct(world.community, month, period_end(month, "m"), [key])
    assert engine.compute(world.city, month, period_end(month, "m"), [key])[key] > 0
    assert engine.compute(world.branch_a, month, period_end(month, "m"), [key])[key] == 0  # trained outside A

    client = client_for(world.district_user)
    assert client.post(reverse("activities:edit", args=[at_b.code]),
                       edit_post(world, at_b, absent=[trainee])).status_code == 302
    assert engine.compute(world.city, month, period_end(month, "m"), [key])[key] == 0.0
    values(world)
    incremental = snapshot()
    store.rebuild_facts()
    assert snapshot() == incremental
