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
