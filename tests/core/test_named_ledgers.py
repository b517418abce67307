"""Every frequent writer names the models it writes (`changes.record(ledgers=…)`), so its refresh recomputes only the
fact sources reading them. A model left out would leave the figures made from it stale: each writer runs here under
tests/core/ledger_guard.py, which fails when a table some fact source reads was written and not named, and at the end
every organization's own fact rows must equal what a whole refresh computes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from qingfeng.core import changes
from qingfeng.core.idnumbers import make_credit_code, make_id_number
from qingfeng.core.metrics import Rows
from qingfeng.indicators import store
from qingfeng.indicators.models import OwnFact
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person
from qingfeng.service.models import ServiceItem
from tests.core.ledger_guard import guarding, written_table

D = dt.date


def test_the_written_table_is_read_from_each_kind_of_statement():
    assert written_table('INSERT INTO "people_person" ("name") VALUES (%s)') == "people_person"
    assert written_table('  update "membership_candidate" SET "stage" = %s') == "membership_candidate"
    assert written_table('DELETE FROM "orgs_committeeseat" WHERE id = 1') == "orgs_committeeseat"
    assert written_table("COPY indicators_ownfact (org_id, day) FROM STDIN") == "indicators_ownfact"
    assert written_table('COPY "shadow"."indicators_fact" (org_id) FROM STDIN') == "indicators_fact"
    assert written_table('WITH x AS (SELECT 1) UPDATE "indicators_fact" SET n = 0') == "indicators_fact"
    assert written_table('SELECT "id" FROM "people_person" WHERE id = 1 FOR UPDATE') is None
    assert written_table("SAVEPOINT s1") is None


def test_the_guard_catches_a_model_left_out_and_a_write_after_the_announcement(world):
    person = world.members_a[0]
    with guarding() as guard, changes.batch():
        Person.objects.filter(pk=person.pk).update(phone="13800000000")
        changes.record(orgs=[person.org_id], ledgers=(ServiceItem,))
    assert len(guard.problems) == 1 and "people.person" in guard.problems[0]
    assert "test_named_ledgers.py" in guard.problems[0]  # names the line that wrote it
    with guarding() as guard:
        changes.record(orgs=[person.org_id], ledgers=(Person,))
        Person.objects.filter(pk=person.pk).update(phone="13800000001")
    assert len(guard.problems) == 1 and "after the last announcement" in guard.problems[0]
    # an announcement naming no models refreshes everything: whatever came before is covered
    with guarding() as guard:
        Person.objects.filter(pk=person.pk).update(phone="13800000002")
        changes.record(orgs=[person.org_id])
    guard.assert_clean()
    assert guard.announced == [None]


def test_the_guard_sees_bulk_rows_written_with_copy_or_executemany(world):
    rows = Rows()
    rows.add(world.branch_a.pk, D(2024, 1, 1), "guard-test")
    with guarding() as guard:
        store.insert_own(rows)  # COPY on PostgreSQL, executemany elsewhere
    assert "indicators.ownfact" in guard.written
    guard.assert_clean()  # a derived table: no source reads it


def own_rows(org: Organization) -> tuple[dict[Any, list[int]], dict[Any, list[int]]]:
    """(what the store holds, what a whole refresh computes) of the organization's own fact rows."""
    st = store.state()
    assert st is not None
    span = (st.windows_from, st.windows_to) if st.windows_from and st.windows_to else None
    want = {k: v for k, v in store.own_rows_for(org, span).data.items() if v[0] or v[1]}
    got = {r[:6]: [r[6], r[7]] for r in OwnFact.objects.filter(org_id=org.pk).values_list(
        "org_id", "day", "metric", "d1", "d2", "d3", "n", "total")}
    return got, want


@pytest.fixture
def city(world):
    """The test city with its facts built, as on a running platform, and a saved form for 一表通."""
    from tests.forms.records import saved_forms

    world.templates = saved_forms(world)
    store.rebuild_facts()
    return world


def writes(w) -> list[tuple[str, Callable[[], object]]]:
    """Each converted writer once (a step may use what an earlier one returned: `made`)."""
    from qingfeng.activities import actions as activities
    from qingfeng.burden import actions as burden
    from qingfeng.core.ledger import person_by_id
    from qingfeng.discipline import actions as discipline
    from qingfeng.economy import actions as economy
    from qingfeng.education import actions as education
    from qingfeng.entities import actions as entities
    from qingfeng.forms import actions as forms
    from qingfeng.grassroots import actions as grassroots
    from qingfeng.honors.actions import NewHonoree, record_commendation
    from qingfeng.membership import actions as membership
    from qingfeng.orgs import actions as orgs
    from qingfeng.people.actions import register_person, transfer_member

    user, a, b = w.admin, w.branch_a, w.branch_b
    made: dict[str, Any] = {}
    cadre = person_by_id(make_id_number("140105", D(1985, 1, 1), 701), "驻村一")
    applicant = make_id_number("140105", D(1998, 4, 2), 123)
    template = w.templates["own"]

    def keep(name: str, value: object) -> object:
        made[name] = value
        return value

    def renamed_branch() -> Organization:
        branch = Organization.objects.get(pk=b.pk)
        branch.name = "第二党支部（更名）"
        return orgs.save_organization(branch)

    return [
        ("burden.register_form", lambda: keep("form", burden.register_form(
            user=user, org=a, code="BB-9", name="台账", enabled_on=D(2020, 1, 1)))),
        ("burden.retire_form", lambda: burden.retire_form(made["form"], user=user, on=D(2024, 1, 1), reason="取消")),
        ("grassroots.dispatch", lambda: keep("assignment", grassroots.dispatch(
            user=user, person=cadre, org=a, role="第一书记", start_on=D(2024, 1, 1)))),
        ("grassroots.end_assignment", lambda: grassroots.end_assignment(
            made["assignment"], user=user, on=D(2025, 1, 1), reason="期满")),
        ("grassroots.identify_weak_org", lambda: keep("weak", grassroots.identify_weak_org(
            user=user, org=b, identified_on=D(2024, 2, 1), problems="软弱"))),
        ("grassroots.rectify_weak_org", lambda: grassroots.rectify_weak_org(made["weak"], user=user, on=D(2024, 12, 1))),
        ("grassroots.hold_election (the current term moves)", lambda: grassroots.hold_election(
            user=user, org=a, held_on=D(2024, 6, 1), term_years=5)),
        ("grassroots.hold_election (an earlier one)", lambda: grassroots.hold_election(
            user=user, org=a, held_on=D(2021, 6, 1), term_years=5)),
        ("orgs.record_elections", lambda: orgs.record_elections({(b.pk, D(2025, 3, 1)): 3})),
        ("orgs.save_organization (in place)", renamed_branch),
        ("orgs.set_village_tags", lambda: orgs.set_village_tags(a, ["贫困村"], user=user)),
        ("orgs.elect_committee", lambda: keep("seats", orgs.elect_committee(
            a, D(2024, 6, 1), [(w.members_a[0], "书记", ""), (w.members_a[1], "委员", "")], user=user))),
        ("orgs.add_seat", lambda: keep("seat", orgs.add_seat(a, w.members_a[2], "委员", "", D(2024, 9, 1), user=user))),
        ("orgs.end_seat", lambda: orgs.end_seat(made["seat"], D(2025, 9, 1), user=user)),
        ("education.enroll", lambda: keep("study", education.enroll(
            user=user, person=w.members_a[4], org=a, level="本科", enrolled_on=D(2022, 9, 1)))),
        ("education.graduate", lambda: education.graduate(made["study"], user=user, on=D(2025, 7, 1))),
        ("economy.record_support", lambda: economy.record_support(
            user=user, code="ZC-1", org=a, source="市级", amount=50000, paid_on=D(2024, 3, 1))),
        ("activities.create_lecture_team", lambda: keep("team", activities.create_lecture_team(
            user=user, org=a, code="XJ-9", name="宣讲队", established_on=D(2020, 1, 1)))),
        ("activities.add_lecturer", lambda: keep("lecturer", activities.add_lecturer(
            made["team"], user=user, person=w.members_a[3], joined_on=D(2020, 2, 1)))),
        ("activities.remove_lecturer", lambda: activities.remove_lecturer(made["lecturer"], user=user, on=D(2021, 1, 1))),
        ("activities.add_lecturer (rejoining)", lambda: activities.add_lecturer(
            made["team"], user=user, person=w.members_a[3], joined_on=D(2021, 6, 1))),
        ("activities.dissolve_lecture_team", lambda: activities.dissolve_lecture_team(
            made["team"], user=user, on=D(2022, 1, 1))),
        ("entities.register_entity", lambda: keep("entity", entities.register_entity(
            user=user, org=a, credit_code=make_credit_code("91140105MA0K12345"), name="企业", type="非公有制企业",
            coverage="单独组建", since=D(2020, 1, 1)))),
        ("entities.change_coverage", lambda: entities.change_coverage(
            made["entity"], user=user, mode="联合组建", since=D(2022, 1, 1))),
        ("entities.deregister_entity", lambda: entities.deregister_entity(made["entity"], user=user, on=D(2023, 1, 1))),
        ("honors.record_commendation", lambda: record_commendation(
            user=user, code="BZ-1", name="先进基层党组织", grantor_level="市级", date=D(2024, 7, 1), honorees=[
                NewHonoree("集体", a, collective_name="第一党支部"), NewHonoree("个人", a, person=w.members_a[5])])),
        ("forms.record_filling", lambda: forms.record_filling(
            template, version=template.latest(), user=w.district_user, org=w.xiaodian, start=D(2025, 1, 1),
            end=D(2025, 12, 31), channel="page")),
        ("forms.retire_hand_form", lambda: forms.retire_hand_form(template, user=user, on=D(2025, 2, 1))),
        ("discipline.file_case (a new person)", lambda: keep("case", discipline.file_case(
            w.discipline_user, code="AJ-1", id_number=make_id_number("140105", D(1970, 3, 3), 901), name="当事人",
            org=a, filed_on=D(2023, 3, 1)))),
        ("discipline.close_case", lambda: discipline.close_case(w.discipline_user, made["case"], D(2024, 3, 1))),
        ("discipline.record_disposition", lambda: discipline.record_disposition(
            w.discipline_user, id_number=w.members_a[6].id_number, name=w.members_a[6].name, org=a,
            decided_on=D(2024, 4, 1), form=1)),
        ("discipline.issue_recommendation", lambda: keep("recommendation", discipline.issue_recommendation(
            w.discipline_user, code="JY-1", org=a, issued_on=D(2024, 5, 1), recipient="某局"))),
        ("discipline.record_reply", lambda: discipline.record_reply(
            w.discipline_user, made["recommendation"], D(2024, 6, 1))),
        ("membership.register_application (a new person)", lambda: keep("candidate", membership.register_application(
            org=a, name="张申请", id_number=applicant, applied_on=D(2022, 1, 10), user=w.clerk))),
        ("membership.record_talk", lambda: membership.record_talk(made["candidate"], D(2022, 2, 8), user=w.clerk)),
        ("membership.make_activist", lambda: membership.make_activist(
            made["candidate"], D(2022, 3, 1), [w.members_a[0]], user=w.clerk)),
        ("membership.make_candidate", lambda: membership.make_candidate(
            made["candidate"], D(2023, 3, 1), [w.members_a[0], w.members_a[1]], user=w.clerk)),
        ("membership.record_review_and_training", lambda: membership.record_review_and_training(
            made["candidate"], D(2023, 4, 1), 3, None, user=w.clerk)),
        ("membership.record_vote", lambda: membership.record_vote(made["candidate"], D(2023, 5, 6), 8, 7, 7, user=w.clerk)),
        ("membership.approve_admission", lambda: membership.approve_admission(made["candidate"], D(2023, 6, 1),
                                                                              user=w.clerk)),
        ("membership.record_full_vote", lambda: membership.record_full_vote(made["candidate"], D(2024, 5, 6),
                                                                            user=w.clerk)),
        ("membership.approve_full_membership", lambda: membership.approve_full_membership(
            made["candidate"], D(2024, 6, 1), user=w.clerk)),
        ("membership.register_application (a known person)", lambda: keep("other", membership.register_application(
            org=a, name=cadre.name, id_number=cadre.id_number, applied_on=D(2024, 1, 10), user=None))),
        ("membership.close_candidacy", lambda: membership.close_candidacy(made["other"], "本人撤回", user=w.clerk)),
        ("membership.record_payment", lambda: membership.record_payment(
            w.members_a[7], D(2024, 1, 1), D(2024, 1, 20), amount_fen=500, user=w.clerk)),
        ("membership.decide_transfer", lambda: membership.decide_transfer(membership.request_transfer(
            w.members_a[2], w.branch_o, D(2024, 3, 1), user=w.clerk), True, user=w.outsider)),
        ("membership.issue_transfer_letter", lambda: membership.issue_transfer_letter(
            w.members_b[1], "外省某单位", D(2024, 4, 1), user=w.clerk)),
        ("people.transfer_member (the transfer page)", lambda: transfer_member(
            w.members_b[0], a, D(2024, 3, 1), note="", user=user, channel="page")),
        ("people.register_person (the admin)", lambda: register_person(Person(
            name="新成员", id_number=make_id_number("140105", D(1990, 2, 2), 455), gender="男", birth_date=D(1990, 2, 2),
            category="正式党员", admitted_on=D(2018, 1, 1), full_on=D(2019, 1, 1), org=b), user=user, channel="page")),
    ]


def test_every_writer_names_what_it_writes_and_the_rows_stay_whole(city):
    refreshes = {}
    for name, write in writes(city):
        with guarding() as guard:
            write()
        assert guard.problems == [], f"{name}:\n" + "\n".join(guard.problems)
        assert guard.announced, f"{name} announced nothing"
        assert None not in guard.announced, f"{name} names no models: its refresh is whole"
        refreshes[name] = len(guard.announced)
    # an admission (the step and the membership it starts) is one refresh, not one for each
    assert refreshes["membership.approve_admission"] == refreshes["membership.approve_full_membership"] == 1
    # the own rows after these scoped refreshes are those a whole refresh computes, in every organization
    held: set[str] = set()
    for org in Organization.objects.order_by("path"):
        got, want = own_rows(org)
        assert got == want, org.code
        held |= {k[2] for k in got}
    assert {"form", "weak_id", "weak_rect", "eover", "team", "lec", "cov", "hon_col", "eco_fund", "case", "disp", "recm",
            "fill", "app", "dev", "rec", "xfer", "paid", "deg_y", "dsp_y"} <= held
