"""The lifecycle's indicators through `qingfeng indicators` and `qingfeng drill`, with hand-computed values."""

import datetime as dt
import io
import json

from django.core.management import call_command

from qingfeng.core.idnumbers import make_id_number
from qingfeng.membership import actions
from qingfeng.membership.models import Candidate

D = dt.date


def indicators(org, start, end, only):
    out = io.StringIO()
    call_command("indicators", "--org", org, "--from", start, "--to", end, "--only", only, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def applicant(world, n, applied_on, branch=None):
    return actions.register_application(org=branch or world.branch_a, name=f"申请人{n}",
                                        id_number=make_id_number("140105", D(1995, 1, n), 300 + n), applied_on=applied_on)


def test_applications_and_candidacies_in_progress_by_stage(world):
    first = applicant(world, 1, D(2023, 1, 5))
    actions.record_talk(first, D(2023, 1, 20))
    actions.make_activist(first, D(2023, 3, 1), [world.members_a[0]])
    applicant(world, 2, D(2023, 2, 5))
    applicant(world, 3, D(2024, 2, 5))
    applicant(world, 4, D(2023, 6, 1), branch=world.branch_o)  # the sibling district
    closed = applicant(world, 5, D(2023, 4, 1))
    actions.close_candidacy(closed, "本人撤回")
    Candidate.objects.filter(pk=closed.pk).update(closed_on=D(2023, 9, 1))
    values = indicators("140105", "2023-01-01", "2023-12-31",
                        "development.applications,development.in_progress,"
                        "development.in_progress[stage=入党积极分子],development.in_progress[stage=申请人]")
    assert values == {"development.applications": 3, "development.in_progress": 2,
                      "development.in_progress[stage=入党积极分子]": 1, "development.in_progress[stage=申请人]": 1}
    # at the end of August the withdrawn one was still in progress
    assert indicators("140105", "2023-01-01", "2023-08-31", "development.in_progress")["development.in_progress"] == 3
    assert indicators("140100", "2023-01-01", "2023-12-31", "development.applications")["development.applications"] == 4


def test_late_steps_count_what_is_overdue_at_the_end_of_the_period(world):
    applicant(world, 1, D(2023, 1, 5))  # no talk: late from 2023-02-06
    values = indicators("140105", "2023-01-01", "2023-02-05", "development.late_steps")
    assert values == {"development.late_steps": 0}
    assert indicators("140105", "2023-01-01", "2023-02-06", "development.late_steps")["development.late_steps"] == 1


def test_dues_collected_and_the_monthly_payment_rate(world):
    payer, other = world.members_a[0], world.members_a[1]
    actions.declare_income(payer, D(2024, 1, 1), "salary", 4000)   # 40.00 a month
    actions.declare_income(other, D(2024, 1, 1), "retired", 3001)  # 15.005 → 15.01
    for month in (1, 2, 3):
        actions.record_payment(payer, D(2024, month, 1), D(2024, month, 10))
    actions.record_payment(other, D(2024, 1, 1), D(2024, 1, 12))
    values = indicators("14010500101A", "2024-01-01", "2024-03-31", "dues.collected,dues.payment_rate")
    # 3 × 40.00 + 15.01 = 135.01 yuan → 135; 4 member-months paid of 8 members × 3 months
    assert values == {"dues.collected": 135, "dues.payment_rate": 16.7}
    out = io.StringIO()
    call_command("drill", "dues.payment_rate", "--org", "14010500101A", "--from", "2024-01-01", "--to", "2024-03-31",
                 "--format", "json", stdout=out)
    drilled = json.loads(out.getvalue())
    assert len(drilled["numerator"]) == 4 and len(drilled["denominator"]) == 24


def test_lapsed_members(world):
    actions.declare_income(world.members_a[0], D(2024, 1, 1), "salary", 3000)
    for month in range(1, 7):
        actions.record_payment(world.members_a[0], D(2024, month, 1), D(2024, month, 5))
    # nobody attended anything, so all eight of branch A have lapsed organizational life by mid-July
    assert indicators("14010500101A", "2024-07-01", "2024-07-15", "members.lapsed") == {"members.lapsed": 8}


# ---- the same two from the pre-aggregated facts, kept current by the actions ---------------------------

def both(org, start, end, keys=("dues.payment_rate", "members.lapsed")):
    """The facts' values, after checking them against the direct computation."""
    from qingfeng.indicators import engine

    values = engine.compute(org, start, end, list(keys))
    assert values == engine.compute_direct(org, start, end, list(keys)), (org.code, start, end)
    return values


def test_payment_rate_from_the_facts_at_the_boundaries(world):
    """Whole months only (a partial last month does not count), and a month paid for belongs to the
    organization holding the relation on its last day — also when the payment was recorded before the
    member transferred in that month."""
    from qingfeng.indicators import store
    from qingfeng.people.actions import transfer_member

    store.rebuild_facts()
    payer, mover = world.members_a[0], world.members_a[1]
    for person in (payer, mover):
        actions.declare_income(person, D(2024, 1, 1), "salary", 4000)
    for month in (1, 2, 3):
        actions.record_payment(payer, D(2024, month, 1), D(2024, month, 10))
    actions.record_payment(mover, D(2024, 1, 1), D(2024, 1, 5))
    actions.record_payment(mover, D(2024, 2, 1), D(2024, 2, 5))  # recorded while still in branch A ...
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 2, 29), ["dues.payment_rate"]) == {"dues.payment_rate": 25.0}
    transfer_member(mover, world.branch_b, D(2024, 2, 10))  # ... who holds the relation on 29 February: B
    rate = "dues.payment_rate"
    # A: due 8 (Jan) + 7 (Feb); paid: payer Jan, Feb, mover Jan = 3 → 20 %; March is partial
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 3, 15), [rate]) == {rate: 20.0}
    # B: due 3 + 4; paid: the mover's February → 1/7
    assert both(world.branch_b, D(2024, 1, 1), D(2024, 3, 15), [rate]) == {rate: 14.3}
    # the community: 11 + 11 due, 4 paid
    assert both(world.community, D(2024, 1, 1), D(2024, 3, 15), [rate]) == {rate: 18.2}
    # with March whole: A due 8 + 7 + 7, paid 4
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 3, 31), [rate]) == {rate: 18.2}
    # February alone, from its second day: no whole month, no rate
    assert both(world.branch_a, D(2024, 2, 2), D(2024, 3, 30), [rate]) == {rate: None}
    assert both(world.branch_b, D(2024, 2, 1), D(2024, 2, 29), [rate]) == {rate: 25.0}


def test_lapsed_members_from_the_facts_at_the_boundaries(world):
    """The six complete months before `to`'s month: a month leaves the window exactly in the seventh; a member
    admitted in July 2023 counts from February 2024 on; attendance at another organization's activity counts
    for the member's current organization."""
    from qingfeng.activities.actions import record_activity, update_activity
    from qingfeng.activities.models import ActivityType
    from qingfeng.indicators import store
    from qingfeng.people.actions import register_person, transfer_member
    from qingfeng.people.models import Person

    store.rebuild_facts()
    keen, idle = world.members_a[0], world.members_a[1]
    actions.declare_income(keen, D(2023, 8, 1), "salary", 4000)
    for k in range(6):  # August 2023 .. January 2024
        actions.record_payment(keen, D(2023, 8 + k, 1) if k < 5 else D(2024, 1, 1), D(2024, 1, 20))
    meeting = record_activity(user=world.admin, org=world.branch_a, type=ActivityType.objects.get(name="支部党员大会"),
                              date=D(2023, 8, 20), topic="学习", presence={keen.pk: "出席", idle.pk: "出席"})
    register_person(Person(name="新党员", id_number=make_id_number("140105", D(1998, 3, 3), 321), category="预备党员",
                           admitted_on=D(2023, 7, 15), org=world.branch_a))
    lapsed = "members.lapsed"
    # January 2024 (window 2023-07 .. 2023-12): keen paid and attended; the newcomer not yet admitted long enough
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 1, 31), [lapsed]) == {lapsed: 7}
    # February (window 2023-08 .. 2024-01): August is the sixth month, still in; the newcomer now counts
    assert both(world.branch_a, D(2024, 2, 1), D(2024, 2, 1), [lapsed]) == {lapsed: 8}
    # March: August has left the window, keen has lapsed organizational life
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 3, 1), [lapsed]) == {lapsed: 9}
    # keen moves to branch B; then the attendance at branch A's meeting is corrected to absent
    transfer_member(keen, world.branch_b, D(2024, 2, 20))
    assert both(world.branch_b, D(2024, 2, 1), D(2024, 2, 25), [lapsed]) == {lapsed: 3}
    assert both(world.branch_a, D(2024, 2, 1), D(2024, 2, 25), [lapsed]) == {lapsed: 8}
    update_activity(meeting, user=world.admin, date=meeting.date, topic=meeting.topic, channel=meeting.channel,
                    audience=None, first_topic=False, lecture_team=None, minutes="", presence={keen.pk: "缺席"})
    assert both(world.branch_b, D(2024, 2, 1), D(2024, 2, 25), [lapsed]) == {lapsed: 4}
    assert both(world.community, D(2024, 2, 1), D(2024, 2, 25), [lapsed]) == {lapsed: 12}


def test_an_attendance_row_given_to_another_person_in_the_admin_refreshes_the_one_replaced(world, client_for):
    """The admin's attendance rows are editable: moving a row from one member to another takes an attended
    meeting from the first, whose organization (neither the meeting's nor the second's) must follow."""
    from django.urls import reverse

    from qingfeng.activities.models import Activity, ActivityType, Attendance
    from qingfeng.indicators import store

    keen, stand_in = world.members_o[0], world.members_a[0]
    actions.declare_income(keen, D(2024, 1, 1), "salary", 4000)
    actions.record_payment(keen, D(2024, 1, 1), D(2024, 1, 5))
    meeting = Activity.objects.create(code="HD-ADMIN-1", type=ActivityType.objects.get(name="支部党员大会"),
                                      org=world.branch_b, date=D(2024, 1, 10), topic="联学")
    row = Attendance.objects.create(activity=meeting, person=keen, presence="出席")
    store.rebuild_facts()
    lapsed = "members.lapsed"
    assert both(world.branch_o, D(2024, 3, 1), D(2024, 3, 15), [lapsed]) == {lapsed: 3}  # all of O but keen
    form = {"code": meeting.code, "type": meeting.type_id, "org": world.branch_b.pk, "date": "2024-01-10",
            "topic": "联学", "channel": "线下", "audience": "", "lecture_team": "", "minutes": "",
            "attendance-TOTAL_FORMS": "1", "attendance-INITIAL_FORMS": "1", "attendance-MIN_NUM_FORMS": "0",
            "attendance-MAX_NUM_FORMS": "1000", "attendance-0-id": row.pk, "attendance-0-activity": meeting.pk,
            "attendance-0-person": stand_in.pk, "attendance-0-presence": "出席"}
    response = client_for(world.admin).post(reverse("admin:activities_activity_change", args=[meeting.pk]), form)
    assert response.status_code == 302
    assert Attendance.objects.get(pk=row.pk).person == stand_in
    assert both(world.branch_o, D(2024, 3, 1), D(2024, 3, 15), [lapsed]) == {lapsed: 4}


def test_payment_rate_when_a_relation_moves_on_a_month_boundary(world):
    """A transfer on the 1st leaves the month before to the old organization — also for a payment recorded
    after the move and collected by the new one; a transfer on a month's last day gives that month to the new
    organization. Partial months at either end of the period do not count."""
    from qingfeng.indicators import store
    from qingfeng.people.actions import transfer_member

    store.rebuild_facts()
    mover, stayer, payer = world.members_a[:3]
    for person in (mover, stayer, payer):
        actions.declare_income(person, D(2024, 1, 1), "salary", 4000)
    transfer_member(mover, world.branch_b, D(2024, 3, 1))
    actions.record_payment(mover, D(2024, 2, 1), D(2024, 3, 5))  # held in A on 29 February
    actions.record_payment(mover, D(2024, 3, 1), D(2024, 3, 5))
    actions.record_payment(stayer, D(2024, 3, 1), D(2024, 3, 5))
    transfer_member(stayer, world.branch_b, D(2024, 3, 31))  # held in B on 31 March
    for month in (1, 2, 3):
        actions.record_payment(payer, D(2024, month, 1), D(2024, month, 10))
    rate = "dues.payment_rate"
    # A over February and March: due 8 + 6, paid the mover's February and the payer's two → 3/14
    assert both(world.branch_a, D(2024, 2, 1), D(2024, 3, 31), [rate]) == {rate: 21.4}
    assert both(world.branch_a, D(2024, 1, 15), D(2024, 4, 10), [rate]) == {rate: 21.4}  # the same whole months
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 3, 31), [rate]) == {rate: 18.2}  # January too: 4/22
    # B: due 3 + 5, paid the mover's and the stayer's March
    assert both(world.branch_b, D(2024, 2, 1), D(2024, 3, 31), [rate]) == {rate: 25.0}
    assert both(world.community, D(2024, 2, 1), D(2024, 3, 31), [rate]) == {rate: 22.7}  # 5/22


def test_dues_collected_from_the_facts(world):
    """By the collecting organization on the day paid, fen summed and then rounded to yuan; kept current by
    record_payment (the payer's current organization collects)."""
    from qingfeng.indicators import store
    from qingfeng.people.actions import transfer_member

    store.rebuild_facts()
    payer, other = world.members_a[0], world.members_a[1]
    actions.declare_income(payer, D(2024, 1, 1), "salary", 4000)   # 40.00 a month
    actions.declare_income(other, D(2024, 1, 1), "retired", 3001)  # 15.005 → 15.01
    for month in (1, 2, 3):
        actions.record_payment(payer, D(2024, month, 1), D(2024, month, 10))
    actions.record_payment(other, D(2024, 1, 1), D(2024, 1, 31))
    transfer_member(other, world.branch_o, D(2024, 2, 1))
    other.refresh_from_db()
    actions.record_payment(other, D(2024, 2, 1), D(2024, 3, 1))  # collected by O now
    key = "dues.collected"
    assert both(world.branch_a, D(2024, 1, 1), D(2024, 3, 31), [key]) == {key: 135}  # 120.00 + 15.01
    assert both(world.branch_a, D(2024, 1, 11), D(2024, 3, 9), [key]) == {key: 55}   # 40.00 + 15.01, edge days
    assert both(world.branch_o, D(2024, 1, 1), D(2024, 3, 31), [key]) == {key: 15}
    assert both(world.city, D(2024, 1, 1), D(2024, 3, 31), [key]) == {key: 150}       # 150.02
    assert both(world.city, D(2024, 3, 1), D(2024, 3, 31), [key]) == {key: 55}        # 40.00 + 15.01
