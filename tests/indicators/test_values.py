"""Hand-computed fixtures for the indicator rules of spec/indicators.md. Every value is asked twice — from
the facts (after a rebuild) and straight from the records — and both must give the hand-computed number."""

from __future__ import annotations

import datetime as dt

import pytest

from qingfeng.activities.models import Activity, ActivityType, Attendance, Lecturer, LectureTeam, Requirement
from qingfeng.burden.models import ReportForm
from qingfeng.core.models import Entry
from qingfeng.discipline.models import Case
from qingfeng.entities.models import CoverageChange, Entity
from qingfeng.grassroots.models import Assignment
from qingfeng.indicators import engine, store
from qingfeng.orgs.actions import record_election
from qingfeng.people.actions import transfer_member
from qingfeng.people.models import CadreLevelRecord
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding
from tests.world import member, org

D = dt.date


def value(o, start, end, key):
    store.rebuild_facts()
    via_facts = engine.compute(o, start, end, [key])[key]
    assert via_facts == engine.compute_direct(o, start, end, [key])[key], key
    return via_facts


def activity(code, type_name, at, day, **extra):
    return Activity.objects.create(code=code, type=ActivityType.objects.get(name=type_name), org=at, date=day,
                                   topic=extra.pop("topic", "学习"), **extra)


@pytest.mark.django_db
def test_rates_round_half_away_from_zero_and_null_on_zero_denominator(world):
    ServiceItem.objects.bulk_create([
        ServiceItem(code=f"S{i}", org=world.branch_a, name="事项", committed_on=D(2021, 1, 5), planned_on=D(2021, 3, 1),
                    completed_on=D(2021, 2, 20) if i < 61 else None)
        for i in range(80)])
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "service.completion_rate") == 76.3
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "service.completed") == 61
    # Nothing planned in 2020: null, never 0 or 100.
    assert value(world.city, D(2020, 1, 1), D(2020, 12, 31), "service.completion_rate") is None
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "coverage.social") is None
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "rectify.on_time_rate") is None


@pytest.mark.django_db
def test_compliance_windows_inside_the_period_and_the_branch_life(world):
    # Period 15 Jan – 30 Apr 2021: whole months Feb, Mar, Apr; no whole quarter or year.
    start, end = D(2021, 1, 15), D(2021, 4, 30)
    activity("M1", "主题党日", world.branch_a, D(2021, 2, 3))
    activity("M2", "主题党日", world.branch_a, D(2021, 3, 3))
    activity("M3", "支部委员会", world.branch_a, D(2021, 4, 3))
    activity("M4", "主题党日", world.branch_a, D(2021, 1, 20))  # January straddles the start: not due
    # Branch A, 8 正式党员: 主题党日 (3 due, 2 met) and 支部委员会 (3 due, 1 met).
    assert value(world.branch_a, start, end, "orglife.compliance") == 50.0
    assert value(world.branch_a, start, end, "orglife.theme_day_compliance") == 66.7
    assert value(world.branch_a, start, end, "orglife.missing") == 3
    assert value(world.branch_a, start, end, "orglife.compliance[requirement=支部委员会]") == 33.3
    # Branch B has 3 正式党员: no 支部委员会 due; 主题党日 3 due, none met. A school branch likewise (no members).
    assert value(world.branch_b, start, end, "orglife.compliance") == 0.0
    assert value(world.community, start, end, "orglife.missing") == 3 + 3
    assert value(world.xiaodian, start, end, "orglife.missing") == 3 + 3 + 3
    # A branch founded on 10 Feb: February is not due for it.
    new = org("14010500101N", "新建党支部", world.community, kind="党支部", sector="社区", established_on=D(2021, 2, 10))
    activity("M5", "主题党日", new, D(2021, 3, 9))
    assert value(new, start, end, "orglife.theme_day_compliance") == 50.0
    # Whole quarters and the year appear only when the period holds them entirely.
    assert value(world.branch_b, D(2021, 1, 1), D(2021, 12, 31), "orglife.missing[requirement=组织生活会|党课]") == 1 + 4


@pytest.mark.django_db
def test_branch_committee_due_only_with_seven_full_members_on_the_first_day(world):
    branch = org("14010500101C", "第三党支部", world.community, kind="党支部", sector="社区", established_on=D(2015, 1, 1))
    for i in range(6):
        member(f"丁{i}", branch)
    # The seventh becomes 正式 on 1 March: March counts (a change dated that day counts), February does not.
    member("丁6", branch, admitted=D(2020, 3, 1), full=D(2021, 3, 1))
    key = "orglife.missing[requirement=支部委员会]"
    assert value(branch, D(2021, 2, 1), D(2021, 2, 28), key) == 0
    assert value(branch, D(2021, 3, 1), D(2021, 3, 31), key) == 1
    assert value(branch, D(2021, 2, 1), D(2021, 4, 30), "orglife.compliance[requirement=支部委员会]") == 0.0
    # Deactivating the requirement removes it (requirements are data).
    Requirement.objects.filter(activity_type__name="支部委员会").update(is_active=False)
    assert value(branch, D(2021, 2, 1), D(2021, 4, 30), "orglife.compliance[requirement=支部委员会]") is None


@pytest.mark.django_db
def test_elections_overdue_with_29_february_anniversary(world):
    record_election(world.street, D(2016, 2, 29), 5)
    assert value(world.city, D(2021, 1, 1), D(2021, 2, 27), "grassroots.elections_overdue") == 0
    assert value(world.city, D(2021, 1, 1), D(2021, 2, 28), "grassroots.elections_overdue") == 1
    record_election(world.street, D(2021, 3, 2), 5)
    assert value(world.city, D(2021, 1, 1), D(2021, 3, 2), "grassroots.elections_overdue") == 0
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "grassroots.elections[level=乡镇(街道)]") == 1
    assert value(world.city, D(2021, 1, 1), D(2021, 12, 31), "grassroots.elections[level=村(社区)]") == 0


@pytest.mark.django_db
def test_online_and_offline_combined_counts_under_both_channels_once(world):
    activity("L1", "宣讲", world.branch_a, D(2021, 5, 1), channel="线上线下结合", audience=40)
    activity("L2", "宣讲", world.branch_a, D(2021, 5, 2), channel="线上", audience=None)
    activity("L3", "宣讲", world.branch_o, D(2021, 5, 3), channel="线下", audience=15)
    y = (D(2021, 1, 1), D(2021, 12, 31))
    assert value(world.city, *y, "lecture.events[channel=线下]") == 2
    assert value(world.city, *y, "lecture.events[channel=线上]") == 2
    assert value(world.city, *y, "lecture.events[channel=线下|线上]") == 3
    assert value(world.city, *y, "lecture.audience[channel=线上]") == 40  # an empty 受众人数 adds 0
    assert value(world.xiaodian, *y, "lecture.audience") == 40
    assert value(world.city, *y, "activities.count[type=宣讲,channel=线上线下结合]") == 1


@pytest.mark.django_db
def test_end_dates_are_exclusive(world):
    gone = org("14010500101G", "撤销党支部", world.community, kind="党支部", sector="社区", established_on=D(2018, 1, 1))
    gone.dissolved_on = D(2021, 3, 1)
    gone.save()
    assert value(world.community, D(2021, 1, 1), D(2021, 2, 28), "orgs.branches") == 3
    assert value(world.community, D(2021, 1, 1), D(2021, 3, 1), "orgs.branches") == 2
    ReportForm.objects.bulk_create([ReportForm(code=f"F{i}", name="表", org=world.xiaodian, enabled_on=D(2019, 1, 1),
                                               retired_on=D(2020, 12, 31) if i < 7 else None) for i in range(10)])
    # 10 forms in use at the end of 24 Jan 2020; 7 stop on 31 Dec 2020, so 3 are in use at its end: 70.0%.
    assert value(world.city, D(2020, 1, 25), D(2020, 12, 31), "burden.forms_reduction") == 70.0
    assert value(world.city, D(2020, 1, 25), D(2020, 12, 30), "burden.forms_reduction") == 0.0
    assert value(world.city, D(2020, 1, 25), D(2020, 12, 31), "burden.forms_active") == 3


@pytest.mark.django_db
def test_distinct_attending_persons_only(world):
    a1 = activity("R1", "读书班", world.xiaodian, D(2021, 6, 1))
    a2 = activity("R2", "读书班", world.branch_a, D(2021, 6, 20))
    p, q, r = world.members_a[:3]
    Attendance.objects.create(activity=a1, person=p)
    Attendance.objects.create(activity=a2, person=p)
    Attendance.objects.create(activity=a2, person=q, presence="请假")
    Attendance.objects.create(activity=a2, person=r, presence="缺席")
    y = (D(2021, 1, 1), D(2021, 12, 31))
    assert value(world.city, *y, "study.reading_classes") == 2
    assert value(world.city, *y, "study.reading_class_trainees") == 1


@pytest.mark.django_db
def test_members_by_category_and_cadre_level_at_the_end_of_the_period(world):
    p = member("戊", world.branch_a, admitted=D(2020, 6, 1), full=D(2021, 6, 1), cadre_level="无")
    CadreLevelRecord.objects.create(person=p, level="县管", since=None)
    CadreLevelRecord.objects.create(person=p, level="市管", since=D(2021, 3, 1))
    assert value(world.branch_a, D(2021, 1, 1), D(2021, 2, 28), "members.total[category=预备党员]") == 1
    assert value(world.branch_a, D(2021, 1, 1), D(2021, 2, 28), "members.total[cadre_level=县管]") == 1
    assert value(world.branch_a, D(2021, 1, 1), D(2021, 3, 1), "members.total[cadre_level=市管]") == 1
    assert value(world.branch_a, D(2021, 1, 1), D(2021, 6, 1), "members.total[category=正式党员]") == 9
    assert value(world.branch_a, D(2020, 1, 1), D(2020, 5, 31), "members.total") == 8
    assert value(world.city, D(2020, 1, 1), D(2020, 12, 31), "members.recruited") == 1


@pytest.mark.django_db
def test_transfers_count_only_from_outside_the_subtree(world):
    transfer_member(world.members_a[0], world.branch_b, D(2021, 4, 1))
    transfer_member(world.members_o[0], world.branch_b, D(2021, 4, 2))
    y = (D(2021, 1, 1), D(2021, 12, 31))
    assert value(world.branch_b, *y, "members.transferred_in") == 2
    assert value(world.community, *y, "members.transferred_in") == 1
    assert value(world.city, *y, "members.transferred_in") == 0
    assert value(world.yingze, *y, "members.total") == 3
    assert value(world.branch_b, D(2021, 1, 1), D(2021, 3, 31), "members.total") == 3


@pytest.mark.django_db
def test_coverage_from_history_and_register(world):
    covered = Entity.objects.create(credit_code="911401000000000001", name="甲公司", type="非公有制企业", org=world.street,
                                    coverage="单独组建")
    CoverageChange.objects.create(entity=covered, mode="单独组建", since=D(2021, 3, 1))
    guided = Entity.objects.create(credit_code="911401000000000002", name="乙公司", type="非公有制企业", org=world.street,
                                   coverage="选派党建指导员")
    CoverageChange.objects.create(entity=guided, mode="选派党建指导员", since=None)
    Entity.objects.create(credit_code="911401000000000003", name="丙公司", type="非公有制企业", org=world.street,
                          coverage="未覆盖", deregistered_on=D(2021, 6, 1))
    assert value(world.city, D(2021, 1, 1), D(2021, 2, 28), "coverage.nonpublic") == 33.3
    assert value(world.city, D(2021, 1, 1), D(2021, 3, 1), "coverage.nonpublic") == 66.7
    assert value(world.city, D(2021, 1, 1), D(2021, 3, 1), "coverage.nonpublic_org") == 33.3
    assert value(world.city, D(2021, 1, 1), D(2021, 6, 1), "coverage.nonpublic") == 100.0


@pytest.mark.django_db
def test_lectures_dispatches_findings_and_entries(world):
    team = LectureTeam.objects.create(code="T1", name="一分队", org=world.xiaodian, established_on=D(2020, 1, 1))
    LectureTeam.objects.create(code="T2", name="二分队", org=world.xiaodian, dissolved_on=D(2021, 1, 1))
    Lecturer.objects.create(team=team, person=world.members_a[0])
    Lecturer.objects.create(team=team, person=world.members_a[1], left_on=D(2021, 5, 11))
    y = (D(2020, 5, 12), D(2021, 5, 11))
    assert value(world.city, *y, "lecture.teams") == 1
    assert value(world.city, *y, "lecture.lecturers") == 1
    for n, (role, at) in enumerate([("党组织书记", world.school), ("党组织书记", world.branch_a), ("第一书记", world.school)]):
        Assignment.objects.create(person=world.members_o[n], role=role, org=at, start_on=D(2020, 9, 1), team="一队")
    Assignment.objects.create(person=world.members_o[0], role="第一书记", org=world.branch_a, start_on=D(2020, 9, 1),
                              end_on=D(2021, 1, 1), end_reason="调整")
    assert value(world.city, *y, "grassroots.dispatched[role=党组织书记,sector=学校|医院]") == 1
    assert value(world.city, *y, "grassroots.dispatched") == 3
    assert value(world.city, *y, "grassroots.adjusted") == 1
    assert value(world.city, *y, "grassroots.stationed") == 3
    assert value(world.city, *y, "grassroots.dispatch_teams") == 1
    Finding.objects.create(code="Q1", source="督战", found_on=D(2021, 1, 4), org=world.branch_a, description="问题",
                           deadline=D(2021, 2, 1), closed_on=D(2021, 2, 1))
    Finding.objects.create(code="Q2", source="督战", found_on=D(2021, 1, 4), org=world.branch_a, description="问题",
                           deadline=D(2021, 2, 1), closed_on=D(2021, 3, 1))
    Finding.objects.create(code="Q3", source="巡察", found_on=D(2021, 1, 4), org=world.branch_a, description="问题",
                           deadline=D(2021, 2, 1))
    assert value(world.city, D(2021, 2, 1), D(2021, 2, 28), "rectify.on_time_rate[source=督战]") == 50.0
    assert value(world.city, D(2021, 2, 1), D(2021, 2, 1), "rectify.overdue") == 0  # due that day: not yet overdue
    assert value(world.city, D(2021, 2, 1), D(2021, 2, 2), "rectify.overdue") == 2
    assert value(world.city, D(2021, 2, 1), D(2021, 3, 1), "rectify.overdue[source=巡察]") == 1
    # 17:00 UTC on 31 March is 1 April in Taiyuan.
    Entry.objects.create(org=world.branch_a, at=dt.datetime(2021, 3, 31, 17, 0, tzinfo=dt.UTC), model="x.y",
                         object_id=1, channel="page")
    assert value(world.branch_a, D(2021, 4, 1), D(2021, 4, 30), "burden.entries") == 1
    assert value(world.branch_a, D(2021, 3, 1), D(2021, 3, 31), "burden.entries") == 0


@pytest.mark.django_db
def test_discipline_indicators_are_restricted(world):
    Case.objects.create(code="K1", person=world.members_a[0], org=world.xiaodian, filed_on=D(2021, 2, 1),
                        cadre_level="县管", self_surrender=True)
    y = (D(2021, 1, 1), D(2021, 12, 31))
    assert engine.compute(world.city, *y, ["discipline.cases_filed"], user=world.discipline_user) == {
        "discipline.cases_filed": 1}
    assert value(world.city, *y, "discipline.self_surrender") == 1
    with pytest.raises(engine.IndicatorForbidden):
        engine.compute(world.city, *y, ["discipline.cases_filed"], user=world.city_user)
    with pytest.raises(engine.IndicatorForbidden):
        engine.drill("discipline.cases_filed", world.city, *y, user=world.leader)
    everything = engine.compute(world.city, *y, user=world.city_user)
    assert "orgs.total" in everything and not any(k.startswith("discipline.") for k in everything)


@pytest.mark.django_db
def test_refresh_keeps_facts_current_after_a_transfer_and_new_activity(world):
    store.rebuild_facts()
    y = (D(2021, 1, 1), D(2021, 12, 31))
    transfer_member(world.members_a[0], world.branch_o, D(2021, 4, 1))
    store.refresh(world.branch_a.pk, D(2021, 4, 1))
    store.refresh(world.branch_o.pk, D(2021, 4, 1))
    activity("N1", "主题党日", world.branch_o, D(2021, 4, 9))
    store.refresh(world.branch_o.pk, D(2021, 4, 9))
    got = engine.compute(world.city, *y, ["members.total", "members.transferred_in", "activities.count"])
    assert got == {"members.total": 15, "members.transferred_in": 0, "activities.count": 1}
    assert engine.compute(world.yingze, *y, ["members.total", "members.transferred_in"]) == {
        "members.total": 5, "members.transferred_in": 1}
    assert engine.compute(world.city, *y) == engine.compute_direct(world.city, *y)


@pytest.mark.django_db
def test_rebuild_is_idempotent(world):
    activity("I1", "主题党日", world.branch_a, D(2021, 4, 9))
    store.rebuild_facts()
    from qingfeng.indicators.models import Fact

    first = sorted(Fact.objects.values_list("org_id", "grain", "day", "metric", "d1", "d2", "d3", "n", "total"))
    store.rebuild_facts()
    assert sorted(Fact.objects.values_list("org_id", "grain", "day", "metric", "d1", "d2", "d3", "n", "total")) == first


@pytest.mark.django_db
def test_compliance_drill_lists_the_same_windows_from_the_facts_as_from_the_records(world):
    """The drill-through of a compliance rate reads the compliance facts when they are built; it lists exactly
    the windows the records give, and counts them the same."""
    from qingfeng.indicators import direct

    activity("W1", "主题党日", world.branch_a, D(2021, 2, 3))
    activity("W2", "支部委员会", world.branch_a, D(2021, 4, 3))
    activity("W3", "党课", world.branch_b, D(2021, 5, 3))

    def listing(key, o, start, end, facts_built):
        if facts_built:
            store.rebuild_facts()
        else:
            store.FactState.objects.all().delete()
        parts = direct.parts(key, direct.Ask(o, start, end))
        blocks = [parts.records] if parts.records is not None else [parts.numerator, parts.denominator]
        return parts.value(), [sorted(map(tuple, b.rows())) for b in blocks], [b.value() for b in blocks]

    for key in ("orglife.compliance", "orglife.missing", "orglife.theme_day_compliance"):
        for o, start, end in ((world.xiaodian, D(2021, 1, 15), D(2021, 6, 30)), (world.city, D(2021, 1, 1), D(2021, 12, 31))):
            from_facts = listing(key, o, start, end, True)
            assert from_facts == listing(key, o, start, end, False), (key, o.code)
            assert from_facts[2][-1] > 0
    store.rebuild_facts()
    from qingfeng.activities.windows import active_requirements
    from qingfeng.core.indicators import stored_windows

    assert stored_windows(direct.Ask(world.xiaodian, D(2021, 1, 1), D(2021, 12, 31)), active_requirements()) is not None
    rows = direct.parts("orglife.compliance", direct.Ask(world.xiaodian, D(2021, 1, 1), D(2021, 12, 31))).denominator
    assert rows.head(2) == [list(r) for r in list(rows.rows())[:2]]


@pytest.mark.django_db
def test_facts_of_an_older_layout_are_not_read(world):
    """After an upgrade that changes the facts' layout, values come from the records until a rebuild."""
    activity("V1", "主题党日", world.branch_a, D(2021, 2, 3))
    store.rebuild_facts()
    store.FactState.objects.filter(key=store.state_key()).update(key="facts")  # as an older version left it
    store.Fact.objects.filter(metric="org").delete()  # whatever those rows hold, they are not read
    assert store.state() is None
    keys = ["orgs.total", "members.total", "orglife.compliance"]
    period = (D(2021, 1, 1), D(2021, 12, 31))
    assert engine.compute(world.xiaodian, *period, keys) == engine.compute_direct(world.xiaodian, *period, keys)
    assert engine.compute(world.xiaodian, *period, ["orgs.total"])["orgs.total"] > 0


def rows_before_categories(rows, org_id=None):
    """The findings' fact rows as an older release emitted them: by source only, without the 问题类别."""
    for f in Finding.objects.all() if org_id is None else Finding.objects.filter(org_id=org_id):
        rows.add(f.org_id, f.found_on, "found", f.source)


@pytest.mark.django_db
def test_facts_built_by_other_fact_sources_are_not_read(world, monkeypatch):
    """Facts built before a source gained a dimension (the findings' 问题类别) answered 0 for every category on the
    small demo's cockpit: the state's key fingerprints the sources, so such facts are read from the records until
    rebuilt — no release has to remember to bump a number."""
    from qingfeng.core import metrics
    from qingfeng.supervision import facts as supervision_facts

    Finding.objects.create(code="K1", source="督战", category="形式主义", found_on=D(2021, 1, 4), org=world.branch_a,
                           description="问题", deadline=D(2021, 2, 4))
    keys = ["rectify.found[category=形式主义]", "rectify.found", "orgs.total"]
    period = (D(2021, 1, 1), D(2021, 12, 31))
    current = store.state_key()
    old = [rows_before_categories if f is supervision_facts.add_rows else f for f in metrics.row_sources()]
    monkeypatch.setattr(metrics, "_rows", old)
    monkeypatch.setattr(store, "_state_key", [])
    assert store.state_key() != current
    store.rebuild_facts()  # as the older release built them
    assert engine.compute(world.city, *period, keys)["rectify.found[category=形式主义]"] == 0
    monkeypatch.undo()  # the upgrade: today's sources, the facts left as they were
    assert store.state_key() == current
    assert store.state() is None
    expected = engine.compute_direct(world.city, *period, keys)
    assert expected["rectify.found[category=形式主义]"] == 1
    assert engine.compute(world.city, *period, keys) == expected
    store.rebuild_facts()
    assert store.state() is not None
    assert store.FactState.objects.count() == 1
    assert engine.compute(world.city, *period, keys) == expected


@pytest.mark.django_db
def test_many_organizations_read_in_chunks_give_each_its_own_values(world, monkeypatch):
    activity("G1", "主题党日", world.branch_a, D(2021, 2, 3))
    activity("G2", "党课", world.branch_b, D(2021, 3, 3))
    store.rebuild_facts()
    orgs = [world.city, world.xiaodian, world.community, world.branch_a, world.branch_b, world.school]
    period = (D(2021, 1, 1), D(2021, 12, 31))
    keys = ["activities.count", "members.total", "orgs.total", "orglife.compliance", "burden.forms_reduction"]
    monkeypatch.setattr(store.Sums, "ORGS", 2)  # six organizations: three selects per day range
    monkeypatch.setattr(store.Sums, "CHUNK", 3)  # and several round trips
    together = engine.compute_many(orgs, *period, keys)
    assert together == {o.pk: engine.compute_direct(o, *period, keys) for o in orgs}
    assert together[world.branch_a.pk]["activities.count"] == 1


@pytest.mark.django_db
def test_branches_read_their_windows_from_the_facts_in_one_grid(world, django_assert_max_num_queries):
    """A form's row per branch: each branch's 三会一课 windows (its own and those of a branch below it) come from the
    facts of all asked branches at once, equal to the direct computation."""
    below = org("14010500101AA", "第一党支部第一小组", world.branch_a, kind="党支部", sector="社区")
    activity("B1", "主题党日", world.branch_a, D(2021, 2, 3))
    activity("B2", "支部委员会", below, D(2021, 3, 3))
    activity("B3", "党课", world.branch_b, D(2021, 1, 9))
    store.rebuild_facts()
    keys = ["orglife.compliance", "orglife.missing", "orglife.theme_day_compliance", "orglife.compliance[requirement=党课]"]
    branches = [world.branch_a, world.branch_b, below, world.branch_o]
    period = (D(2021, 1, 1), D(2021, 3, 31))
    with django_assert_max_num_queries(12):
        got = engine.compute_grid([(b, *period, keys) for b in branches])
    for b, values in zip(branches, got, strict=True):
        assert values == engine.compute_direct(b, *period, keys), b.code
    assert got[0]["orglife.missing"] > got[2]["orglife.missing"] > 0  # the branch counts the windows below it
