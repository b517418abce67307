"""班子成员 imported with its 换届: the committee of each election, the previous one ended on the new election's day,
bad rows refused with a reason and nothing written, the template and the export holding the sheet."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.orgs.models import CommitteeSeat
from tests.imports.helpers import new_id, table_counts, workbook
from tests.imports.test_command import run

D = dt.date


def seat(world_member, post="委员", duty="", org="14010500101A", day="2021-03-01", **changes):
    row = {"组织编码": org, "选举日期": day, "公民身份号码": world_member.id_number, "姓名": world_member.name,
           "职务": post, "分工": duty}
    row.update(changes)
    return row


def election(day="2021-03-01", org="14010500101A", years=5):
    return {"组织编码": org, "选举日期": day, "任期年限": years}


def committee_on(world, day):
    return [(s.person.name, s.title) for s in
            CommitteeSeat.objects.filter(org=world.branch_a).on(day).select_related("person").in_order()]


def test_each_election_imported_with_its_committee_ends_the_previous_one(world, tmp_path):
    a = world.members_a
    first = {"换届": [election("2021-03-01")],
             "班子成员": [seat(a[1], "委员", "宣传"), seat(a[0], "书记"), seat(a[2], "委员", "组织")]}
    code, out, err = run(workbook(tmp_path / "2021.xlsx", first))
    assert code == 0, err
    assert committee_on(world, D(2022, 1, 1)) == [("甲0", "书记"), ("甲1", "宣传委员"), ("甲2", "组织委员")]
    assert {s.election.held_on for s in CommitteeSeat.objects.all()} == {D(2021, 3, 1)}
    # the same file again changes nothing
    code, out, _err = run(workbook(tmp_path / "again.xlsx", first))
    assert code == 0 and "没有需要更改的数据" in out
    # the next 换届 with its committee: the old seats end on its day (the page's rule), the new ones begin
    second = {"换届": [election("2024-03-01", years=3)],
              "班子成员": [seat(a[2], "书记", day="2024-03-01"), seat(a[4], "委员", "纪检", day="2024-03-01")]}
    assert run(workbook(tmp_path / "2024.xlsx", second))[0] == 0
    assert committee_on(world, D(2024, 3, 1)) == [("甲2", "书记"), ("甲4", "纪检委员")]
    assert committee_on(world, D(2024, 2, 29)) == [("甲0", "书记"), ("甲1", "宣传委员"), ("甲2", "组织委员")]
    assert set(CommitteeSeat.objects.filter(start_on=D(2021, 3, 1)).values_list("end_on", flat=True)) == {D(2024, 3, 1)}
    # a correction of that day's committee (甲4 left out, 甲5 added) replaces it
    fixed = {"班子成员": [seat(a[2], "书记", day="2024-03-01"), seat(a[5], "委员", "纪检", day="2024-03-01")]}
    assert run(workbook(tmp_path / "fixed.xlsx", fixed))[0] == 0
    assert committee_on(world, D(2025, 1, 1)) == [("甲2", "书记"), ("甲5", "纪检委员")]
    # an earlier committee cannot be changed once a later one is entered
    late = {"班子成员": [seat(a[3], "书记")]}
    code, _out, err = run(workbook(tmp_path / "late.xlsx", late))
    assert code == 1 and "之后已登记过班子" in err


def test_a_new_organization_its_election_members_and_committee_come_in_one_file(world, tmp_path):
    from tests.imports.data import every_sheet

    assert run(workbook(tmp_path / "all.xlsx", every_sheet(world)))[0] == 0
    seats = CommitteeSeat.objects.filter(org__code="14010500101C").select_related("person", "election")
    assert [(s.person.name, s.post, s.election.held_on) for s in seats] == [("丁兰", "书记", D(2023, 5, 10))]


def bad(world):
    a, b = world.members_a, world.members_b
    from qingfeng.people.models import Person

    outsider = Person.objects.create(name="群众", id_number=new_id(D(1990, 1, 1)), gender="男", org=world.branch_a)
    return {
        "unknown person": ({"换届": [election()], "班子成员": [seat(a[0], "书记", 公民身份号码=new_id(D(1991, 1, 1)))]},
                           "都不存在"),
        "not a member of the organization": ({"换届": [election()], "班子成员": [seat(a[0], "书记"), seat(b[0])]},
                                             "乙0 不是本组织或其下级组织的党员"),
        "not a party member": ({"换届": [election()], "班子成员": [seat(a[0], "书记"), seat(outsider, "委员")]},
                               "群众 不是本组织或其下级组织的党员"),
        "two 书记": ({"换届": [election()], "班子成员": [seat(a[0], "书记"), seat(a[1], "书记")]}, "一届班子只能有一名书记"),
        "分工 on a 书记": ({"换届": [election()], "班子成员": [seat(a[0], "书记", "组织")]}, "分工只适用于委员"),
        "a person twice": ({"换届": [election()], "班子成员": [seat(a[0], "书记"), seat(a[0], "委员", day="2021-03-01",
                                                                                  分工="宣传")]}, "重复"),
        "no such election": ({"班子成员": [seat(a[0], "书记")]}, "没有 2021-03-01 的换届记录"),
        "another name": ({"换届": [election()], "班子成员": [seat(a[0], "书记", 姓名="张三")]}, "姓名与公民身份号码不符"),
        "职务 not listed": ({"换届": [election()], "班子成员": [seat(a[0], "支书")]}, "不是允许的值"),
        "an organization out of the user's scope": ({"班子成员": [seat(a[0], "书记", org="140106001O")]}, "管辖范围"),
    }


@pytest.mark.parametrize("case", ["unknown person", "not a member of the organization", "not a party member", "two 书记",
                                  "分工 on a 书记", "a person twice", "no such election", "another name",
                                  "职务 not listed", "an organization out of the user's scope"])
def test_bad_committee_rows_are_refused_with_a_reason_and_change_nothing(world, tmp_path, case):
    sheets, reason = bad(world)[case]
    before = table_counts()
    code, _out, err = run(workbook(tmp_path / "bad.xlsx", sheets), user="district")
    assert code == 1
    assert reason in err and "班子成员" in err, err
    assert table_counts() == before


def test_the_template_and_the_export_hold_the_committee(world, client_for, tmp_path):
    a = world.members_a
    assert run(workbook(tmp_path / "c.xlsx", {"换届": [election()], "班子成员": [
        seat(a[0], "书记"), seat(a[1], "委员", "组织")]}))[0] == 0
    district = client_for(world.district_user)
    # a seat taken between elections (补选) is not a row of an election's committee
    district.post(reverse("orgs:committee", args=[world.branch_a.code]), {
        "form": "add", "person": a[3].pk, "post": "委员", "duty": "宣传", "start_on": "2022-05-01"})
    assert CommitteeSeat.objects.count() == 3
    page = district.get(reverse("orgs:committees"))
    assert page.status_code == 200 and "甲3" in page.content.decode()
    response = district.get(reverse("orgs:committees"), {"org": world.branch_a.code, "export": "xlsx", "numbers": "full"})
    rows = list(load_workbook(io.BytesIO(response.content))["班子成员"].values)
    assert rows[0] == ("组织编码", "选举日期", "公民身份号码", "姓名", "职务", "分工")
    assert sorted(r[3] for r in rows[1:]) == ["甲0", "甲1"]
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    code, out, err = run(path)
    assert code == 0 and "没有需要更改的数据" in out, err
    templates = district.get(reverse("imports:template", args=["班子成员"]))
    assert templates.status_code == 200
    header = list(load_workbook(io.BytesIO(templates.content))["班子成员"].values)[0]
    assert header[:6] == ("组织编码", "选举日期", "公民身份号码", "姓名", "职务", "分工")
    english = district.get(reverse("imports:start"), HTTP_ACCEPT_LANGUAGE="en")
    assert "班子成员 · Committee members" in english.content.decode()
