"""Lookups by ID number never reveal a person outside the user's subtree (issue 16, finding 4): one neutral answer
whether the number belongs elsewhere or is registered under another name; naming someone on an assignment, a
roster or a candidacy never makes a member of another subtree visible or their numbers unmaskable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from qingfeng.accounts.models import Role
from qingfeng.core.idnumbers import make_id_number
from qingfeng.core.ledger import person_not_available
from qingfeng.grassroots.models import Assignment
from qingfeng.membership.models import Candidate
from qingfeng.people.models import Person
from tests.clock import TODAY
from tests.imports.helpers import table_counts, workbook
from tests.world import user

NEUTRAL = "无法在您的管理范围内使用该公民身份号码和姓名"
NOT_FOUND = "在您的管理范围内找不到公民身份号码为"


def test_the_neutral_answer_names_nobody():
    assert NEUTRAL in person_not_available()


def _apply(client, world, id_number, name):
    return client.post(reverse("membership:apply"), {
        "org": world.branch_a.code, "name": name, "id_number": id_number, "applied_on": "2024-01-10"})


@pytest.mark.parametrize("who, victim", [("clerk", "members_o"), ("clerk", "members_b"), ("district", "members_o")])
def test_an_application_with_someone_elses_number_reveals_nothing(world, client_for, who, victim):
    client = client_for(world.personas[who])
    target = getattr(world, victim)[0]
    wrong_name = _apply(client, world, target.id_number, "随便").content.decode()
    # (With the right name, the form shows back what was typed: take that out.)
    right_name = _apply(client, world, target.id_number, target.name).content.decode().replace(
        f'value="{target.name}"', "")
    for body in (wrong_name, right_name):
        assert NEUTRAL in body
        assert target.name not in body and target.org.name not in body
    assert not Candidate.objects.exists()


def test_an_unknown_number_is_registered_and_a_visible_persons_name_must_agree(world, client_for):
    client = client_for(world.clerk)
    number = make_id_number("140105", dt.date(2000, 1, 2), 77)
    assert _apply(client, world, number, "新申请人").status_code == 302
    assert Candidate.objects.get(person__id_number=number).person.name == "新申请人"
    mine = world.members_a[0]
    body = _apply(client, world, mine.id_number, "别名").content.decode()
    assert NEUTRAL in body and not Candidate.objects.filter(person=mine).exists()


@pytest.mark.parametrize("who", ["clerk", "district"])
def test_an_assignment_cannot_pull_in_a_person_of_another_subtree(world, client_for, who):
    client = client_for(world.personas[who])
    target = world.members_o[0]
    body = client.post(reverse("grassroots:assignment_create"), {
        "id_number": target.id_number, "name": target.name, "role": "第一书记", "org": world.branch_a.code,
        "start_on": (TODAY - dt.timedelta(days=3)).isoformat()}).content.decode()
    assert NEUTRAL in body and not Assignment.objects.exists()
    assert client.get(reverse("people:detail", args=[target.pk])).status_code == 404
    assert client.post(reverse("audit:unmask", args=[target.pk]), {"field": "phone"}).status_code == 404


def test_an_assignment_made_above_does_not_widen_who_sees_the_member(world, client_for):
    from qingfeng.grassroots import actions

    target = world.members_o[0]  # a member of the sibling district, dispatched into branch A by the city
    actions.dispatch(user=world.admin, person=target, org=world.branch_a, role="第一书记",
                     start_on=TODAY - dt.timedelta(days=3))
    client = client_for(world.clerk)
    assert client.get(reverse("people:detail", args=[target.pk])).status_code == 404
    assert client.post(reverse("audit:unmask", args=[target.pk]), {"field": "id"}).status_code == 404
    listing = client.get(reverse("grassroots:assignments")).content.decode()
    assert target.name in listing and target.id_number not in listing  # the assignment is theirs, the person not
    # A non-member dispatched the same way is the receiving organization's to see.
    outsider = Person.objects.create(name="非党员干部", id_number=make_id_number("140106", dt.date(1980, 1, 1), 55))
    actions.dispatch(user=world.admin, person=outsider, org=world.branch_a, role="第一书记",
                     start_on=TODAY - dt.timedelta(days=3))
    assert client.get(reverse("people:detail", args=[outsider.pk])).status_code == 200


def test_the_activist_step_finds_only_people_the_user_sees(world, client_for):
    client = client_for(world.clerk)
    number = make_id_number("140105", dt.date(2000, 1, 2), 78)
    _apply(client, world, number, "申请人")
    candidate = Candidate.objects.get(person__id_number=number)
    client.post(reverse("membership:step", args=[candidate.pk, "talk"]), {"on": "2024-02-01"})
    outside = world.members_o[0]
    unknown = make_id_number("140105", dt.date(1970, 1, 1), 999)
    answers = []
    for id_number in (outside.id_number, unknown):
        body = client.post(reverse("membership:step", args=[candidate.pk, "activist"]),
                           {"on": "2024-03-01", "people": id_number}, follow=True).content.decode()
        assert NOT_FOUND in body and outside.name not in body
        answers.append(body.count(NOT_FOUND))
    candidate.refresh_from_db()
    assert candidate.contact_1 is None and candidate.stage == "applicant"
    client.post(reverse("membership:step", args=[candidate.pk, "activist"]),
                {"on": "2024-03-01", "people": world.members_a[0].id_number})
    candidate.refresh_from_db()
    assert candidate.contact_1 == world.members_a[0]


def test_a_district_discipline_officer_cannot_file_against_another_districts_member(world, client_for):
    officer = user("jijian-xd", Role.DISCIPLINE, world.xiaodian)
    client = client_for(officer)
    target = world.members_o[0]
    body = client.post(reverse("discipline:case_create"), {
        "code": "AJ-XD-1", "id_number": target.id_number, "name": target.name, "org": world.branch_a.code,
        "filed_on": (TODAY - dt.timedelta(days=3)).isoformat()}).content.decode()
    assert NEUTRAL in body and target.name not in body.replace(f'value="{target.name}"', "")


def test_a_case_code_taken_elsewhere_reads_like_one_taken_here(world, client_for):
    from qingfeng.discipline.models import Case

    Case.objects.create(code="AJ-O", person=world.members_o[0], org=world.branch_o, filed_on=dt.date(2024, 3, 1))
    Case.objects.create(code="AJ-A", person=world.members_a[1], org=world.branch_a, filed_on=dt.date(2024, 3, 1))
    officer = user("jijian-xd", Role.DISCIPLINE, world.xiaodian)
    client = client_for(officer)
    answers = {}
    for code in ("AJ-O", "AJ-A"):
        body = client.post(reverse("discipline:case_create"), {
            "code": code, "id_number": world.members_a[0].id_number, "name": world.members_a[0].name,
            "org": world.branch_a.code, "filed_on": (TODAY - dt.timedelta(days=3)).isoformat()}).content.decode()
        answers[code] = "不可用" in body and "已存在" not in body
    assert answers == {"AJ-O": True, "AJ-A": True}


# ---- the same through imports --------------------------------------------------------------------

def _import(tmp_path, user, sheets):
    from qingfeng.imports.actions import run_import

    before = table_counts()
    result = run_import(workbook(tmp_path / "x.xlsx", sheets), user)
    text = "\n".join(str(p) for p in result.problems)
    return result, text, before


def test_an_import_names_nobody_and_links_nobody_outside_the_subtree(world, tmp_path):
    target = world.members_o[0]
    for name in ("随便", target.name):
        result, text, before = _import(tmp_path, world.clerk, {"选派干部": [{
            "公民身份号码": target.id_number, "姓名": name, "岗位": "第一书记", "派驻组织编码": world.branch_a.code,
            "开始日期": (TODAY - dt.timedelta(days=3)).isoformat()}]})
        assert not result.ok and NEUTRAL in text and target.name not in text and "第2行" in text
        assert table_counts() == before


def test_an_import_cannot_take_over_or_confirm_a_member_elsewhere(world, tmp_path):
    target = world.members_o[0]
    result, text, before = _import(tmp_path, world.clerk, {"党员": [{
        "姓名": target.name, "公民身份号码": target.id_number, "性别": target.gender, "党员类别": "正式党员",
        "入党日期": "2010-01-01", "转正日期": "2011-01-01", "所在党组织编码": world.branch_a.code}]})
    assert not result.ok and NEUTRAL in text and table_counts() == before
    # Attendance and 培养联系人 by number: someone outside reads like no one.
    unknown = make_id_number("140105", dt.date(1970, 1, 1), 999)
    answers = []
    for number in (target.id_number, unknown):
        result, text, _before = _import(tmp_path, world.clerk, {
            "活动": [{"活动编号": "HD-S", "活动类型": "主题党日", "组织编码": world.branch_a.code, "日期": "2025-01-05",
                    "主题": "学习"}],
            "参加人员": [{"活动编号": "HD-S", "公民身份号码": number}]})
        assert not result.ok
        answers.append(text.replace(number, "N"))
    assert answers[0] == answers[1]
