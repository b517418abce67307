"""办实事, dispatch, weak organizations, elections, the two-new register, lecture teams and the forms
register — each written through its page, with its reasons for bad input and its history."""

import datetime as dt

from django.urls import reverse

from qingfeng.activities.models import Lecturer, LectureTeam
from qingfeng.audit.models import AuditLog
from qingfeng.burden.models import ReportForm
from qingfeng.core.idnumbers import make_credit_code, make_id_number
from qingfeng.core.models import Entry
from qingfeng.entities.models import CoverageChange, Entity
from qingfeng.grassroots.models import Assignment, WeakOrgCase
from qingfeng.orgs.models import Election
from qingfeng.people.models import Person
from qingfeng.service.models import ServiceItem
from tests.clock import TODAY


def today():
    return TODAY


def days_ago(n):
    return today() - dt.timedelta(days=n)


def table(response):
    return response.content.decode().split("data-ledger-table")[1]


# ---- 办实事 --------------------------------------------------------------------------------------

def test_service_item_goes_from_committed_to_completed(world, client_for):
    client = client_for(world.clerk)
    response = client.post(reverse("service:create"), {
        "org": world.branch_a.code, "name": "为独居老人安装烟感报警器", "category": "为老服务",
        "committed_on": days_ago(20), "planned_on": days_ago(25)})
    assert response.status_code == 400 and "计划完成日期不能早于承诺日期" in response.content.decode()
    client.post(reverse("service:create"), {
        "org": world.branch_a.code, "name": "为独居老人安装烟感报警器", "category": "为老服务",
        "committed_on": days_ago(20), "planned_on": days_ago(5)})
    item = ServiceItem.objects.get()
    assert item.status == "已承诺"
    assert "逾期未办结" in table(client.get(reverse("service:list")))
    client.post(reverse("service:start", args=[item.code]), {"on": days_ago(10)})
    item.refresh_from_db()
    assert item.status == "推进中"
    client.post(reverse("service:complete", args=[item.code]), {"on": days_ago(2), "beneficiaries": "-3"})
    item.refresh_from_db()
    assert item.completed_on is None
    client.post(reverse("service:complete", args=[item.code]), {"on": days_ago(2), "beneficiaries": "36"})
    item.refresh_from_db()
    assert (item.status, item.beneficiaries, item.completed_on) == ("已办结", 36, days_ago(2))
    assert "已办结" in table(client.get(reverse("service:list"), {"status": "completed"}))
    assert item.code not in table(client.get(reverse("service:list"), {"status": "committed"}))
    history = AuditLog.objects.filter(model="service.ServiceItem", object_id=str(item.pk))
    assert history.filter(action="update").count() == 2
    assert Entry.objects.filter(model="service.serviceitem").count() == 1


# ---- dispatch ----------------------------------------------------------------------------------

def test_dispatch_a_new_person_and_end_with_a_reason(world, client_for):
    client = client_for(world.district_user)
    id_number = make_id_number("140105", dt.date(1988, 3, 4), 17)
    data = {"id_number": id_number, "name": "王驻村", "role": "第一书记", "org": world.community.code,
            "sent_by": "小店区财政局", "team": "", "start_on": days_ago(100)}
    bad = client.post(reverse("grassroots:assignment_create"), {**data, "id_number": id_number[:-1] + "0"})
    assert bad.status_code == 400 and "校验位错误" in bad.content.decode()
    assert client.post(reverse("grassroots:assignment_create"), data).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.person.name == "王驻村" and assignment.person.admitted_on is None
    again = client.post(reverse("grassroots:assignment_create"), {**data, "start_on": days_ago(50)})
    assert "尚未结束" in again.content.decode()
    url = reverse("grassroots:assignment_end", args=[assignment.pk])
    client.post(url, {"on": days_ago(100), "reason": "调整"})
    assignment.refresh_from_db()
    assert assignment.end_on is None
    client.post(url, {"on": days_ago(1), "reason": "调整"})
    assignment.refresh_from_db()
    assert (assignment.end_on, assignment.end_reason) == (days_ago(1), "调整")
    assert "调整" in table(client.get(reverse("grassroots:assignments"), {"active": "0"}))
    # The dispatched person becomes visible to the district through the assignment, not beyond.
    assert client_for(world.outsider).get(reverse("grassroots:assignment_detail", args=[assignment.pk])).status_code == 404


# ---- weak organizations ------------------------------------------------------------------------

def test_weak_organization_identified_then_rectified(world, client_for):
    client = client_for(world.district_user)
    data = {"org": world.branch_b.code, "identified_on": days_ago(200), "problems": "组织生活不正常"}
    assert client.post(reverse("grassroots:weak_case_create"), data).status_code == 302
    second = client.post(reverse("grassroots:weak_case_create"), {**data, "identified_on": days_ago(100)})
    assert "未完成整顿" in second.content.decode()
    case = WeakOrgCase.objects.get()
    client.post(reverse("grassroots:weak_case_rectify", args=[case.pk]), {"on": days_ago(10)})
    case.refresh_from_db()
    assert case.rectified_on == days_ago(10)
    assert "已完成整顿" in table(client.get(reverse("grassroots:weak_cases"), {"open": "0"}))


# ---- elections -----------------------------------------------------------------------------------

def test_election_sets_the_term_and_shows_its_end(world, client_for):
    client = client_for(world.district_user)
    held = dt.date(today().year - 6, 3, 1)
    assert client.post(reverse("grassroots:election_create"),
                       {"org": world.community.code, "held_on": held, "term_years": 5}).status_code == 302
    world.community.refresh_from_db()
    assert (world.community.term_started_on, world.community.term_years) == (held, 5)
    due = table(client.get(reverse("grassroots:elections"), {"due": "on"}))
    assert world.community.name in due and "任期已满" in due and dt.date(held.year + 5, 3, 1).isoformat() in due
    newer = dt.date(today().year - 1, 3, 1)
    client.post(reverse("grassroots:election_create"), {"org": world.community.code, "held_on": newer, "term_years": 5})
    assert world.community.name not in table(client.get(reverse("grassroots:elections"), {"due": "on"}))
    election = Election.objects.get(held_on=held)
    page = client.get(reverse("grassroots:election_detail", args=[election.pk])).content.decode()
    assert newer.isoformat() in page  # the terms, newest first
    bad = client.post(reverse("grassroots:election_create"), {"org": world.community.code, "held_on": newer, "term_years": 4})
    assert bad.status_code == 400


# ---- two-new register ----------------------------------------------------------------------------

def test_entity_coverage_changes_over_time(world, client_for):
    client = client_for(world.clerk)
    code = make_credit_code("91140105MA0K12345")
    bad = client.post(reverse("entities:create"), {"credit_code": code[:-1] + ("0" if code[-1] != "0" else "1"),
                                                   "name": "清风科技有限公司", "type": "非公有制企业",
                                                   "org": world.branch_a.code, "coverage": "未覆盖"})
    assert "校验位错误" in bad.content.decode()
    bad = client.post(reverse("entities:create"), {"credit_code": code, "name": "清风科技有限公司", "type": "非公有制企业",
                                                   "org": world.branch_a.code, "coverage": "未覆盖", "since": days_ago(3)})
    assert "未覆盖时不填覆盖日期" in bad.content.decode()
    client.post(reverse("entities:create"), {"credit_code": code, "name": "清风科技有限公司", "type": "非公有制企业",
                                             "org": world.branch_a.code, "coverage": "选派党建指导员",
                                             "since": days_ago(300), "member_count": 2})
    entity = Entity.objects.get()
    client.post(reverse("entities:coverage", args=[code]), {"mode": "单独组建", "since": days_ago(400)})
    entity.refresh_from_db()
    assert entity.coverage == "选派党建指导员"  # a change must come after the last one
    client.post(reverse("entities:coverage", args=[code]), {"mode": "单独组建", "since": days_ago(30)})
    entity.refresh_from_db()
    assert entity.coverage == "单独组建"
    assert list(CoverageChange.objects.values_list("mode", "since")) == [
        ("选派党建指导员", days_ago(300)), ("单独组建", days_ago(30))]
    assert "单独组建" in table(client.get(reverse("entities:list"), {"coverage": "单独组建"}))
    client.post(reverse("entities:deregister", args=[code]), {"on": days_ago(1)})
    entity.refresh_from_db()
    assert entity.deregistered_on == days_ago(1)
    assert client_for(world.outsider).get(reverse("entities:detail", args=[code])).status_code == 404


# ---- lecture teams -------------------------------------------------------------------------------

def test_lecture_team_roster(world, client_for):
    client = client_for(world.clerk)
    client.post(reverse("activities:team_create"), {"org": world.branch_a.code, "code": "XJ-A", "name": "红色宣讲队",
                                                    "established_on": days_ago(60)})
    team = LectureTeam.objects.get()
    member = world.members_a[2]
    url = reverse("activities:team_add_lecturer", args=[team.code])
    client.post(url, {"id_number": member.id_number, "name": member.name, "joined_on": days_ago(50)})
    outsider_id = make_id_number("140105", dt.date(1990, 1, 2), 33)
    client.post(url, {"id_number": outsider_id, "name": "李老师", "joined_on": days_ago(40)})
    again = client.post(url, {"id_number": member.id_number, "name": member.name, "joined_on": days_ago(5)}, follow=True)
    assert "已在该小分队的宣讲员名单中" in again.content.decode()
    assert Lecturer.objects.filter(team=team).count() == 2
    assert Person.objects.get(id_number=outsider_id).admitted_on is None  # a lecturer need not be a member
    lecturer = Lecturer.objects.get(person=member)
    client.post(reverse("activities:team_remove_lecturer", args=[team.code, lecturer.pk]), {"on": days_ago(1)})
    lecturer.refresh_from_db()
    assert lecturer.left_on == days_ago(1)
    body = table(client.get(reverse("activities:teams")))
    assert "红色宣讲队" in body and ">1<" in body  # one lecturer still on the roster
    page = client.get(reverse("activities:team_detail", args=[team.code])).content.decode()
    assert member.id_number not in page  # ID numbers are masked on the roster


# ---- report forms --------------------------------------------------------------------------------

def test_report_form_is_retired_with_a_reason(world, client_for):
    client = client_for(world.district_user)
    client.post(reverse("burden:create"), {"org": world.xiaodian.code, "code": "BB-01", "name": "党员活动统计表",
                                           "enabled_on": days_ago(400)})
    form = ReportForm.objects.get()
    client.post(reverse("burden:retire", args=[form.code]), {"on": days_ago(500), "reason": "由系统生成"})
    form.refresh_from_db()
    assert form.retired_on is None
    client.post(reverse("burden:retire", args=[form.code]), {"on": days_ago(3), "reason": "由系统生成"})
    form.refresh_from_db()
    assert (form.retired_on, form.retire_reason) == (days_ago(3), "由系统生成")
    assert "BB-01" in table(client.get(reverse("burden:list"), {"state": "0"}))
    assert "BB-01" not in table(client.get(reverse("burden:list"), {"state": "1"}))
    duplicate = client.post(reverse("burden:create"), {"org": world.xiaodian.code, "code": "BB-01", "name": "x",
                                                       "enabled_on": days_ago(4)})
    assert "已被使用" in duplicate.content.decode()
    assert client_for(world.clerk).get(reverse("burden:detail", args=["BB-01"])).status_code == 404


def test_list_pages_query_count_does_not_grow_with_rows(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qingfeng.grassroots import actions as grassroots
    from qingfeng.service import actions as service
    from qingfeng.supervision import actions as supervision
    from tests.ledgers.records import ledger_records

    ledger_records(world)
    client = client_for(world.district_user)
    names = ["supervision:list", "service:list", "grassroots:assignments", "grassroots:elections", "entities:list",
             "burden:list", "activities:teams", "grassroots:weak_cases"]

    def counts():
        out = {}
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            out[name] = len(queries)
        return out

    counts()  # warm what a process reads once a minute (organizations whose name repeats)
    before = counts()
    for i in range(4):
        supervision.record_finding(user=world.clerk, org=world.branch_b, source="自查", found_on=today(),
                                   description=f"问题{i}", deadline=today())
        service.commit_service_item(user=world.clerk, org=world.branch_b, name=f"事项{i}", category="",
                                    committed_on=today(), planned_on=today())
        person = world.members_b[i % 3] if i < 3 else world.members_a[0]
        grassroots.dispatch(user=world.clerk, person=person, org=world.branch_b, role="驻村工作队员", start_on=days_ago(i + 1))
    assert counts() == before
