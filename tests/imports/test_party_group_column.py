"""The 活动 sheet's 党小组 column: a 党小组会 names the group that met, by its name among the row's organization's groups,
checked as the page checks it (activities.actions.group_problems); a file without the column imports as before."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.activities.models import Activity
from qingfeng.core.exports import export_headers, rows_for
from qingfeng.orgs.actions import create_party_group
from tests.imports.helpers import table_counts, workbook
from tests.imports.test_command import run


@pytest.fixture
def groups(world):
    return (create_party_group(world.branch_a, "第一党小组", established_on=dt.date(2025, 1, 1)),
            create_party_group(world.branch_a, "第二党小组", established_on=dt.date(2025, 1, 1)),
            create_party_group(world.branch_b, "乙党小组", established_on=dt.date(2025, 1, 1)))


def row(**changes):
    return {"活动编号": "HD-G1", "活动类型": "党小组会", "组织编码": "14010500101A", "日期": "2025-03-05",
            "主题": "学习党章", "党小组": "第一党小组", **changes}


def refused(tmp_path, rows, reason):
    before = table_counts()
    code, _out, err = run(workbook(tmp_path / "bad.xlsx", {"活动": rows}))
    assert code == 1 and reason in err, err
    assert table_counts() == before


def test_a_party_group_meeting_names_its_group(world, groups, tmp_path):
    first, second, _other = groups
    code, _out, err = run(workbook(tmp_path / "a.xlsx", {"活动": [row(), row(活动编号="HD-G2", 党小组="第二党小组")]}))
    assert code == 0, err
    assert Activity.objects.get(code="HD-G1").party_group == first
    assert Activity.objects.get(code="HD-G2").party_group == second
    # the export in the import format says which group met, and imports back unchanged
    exported = dict(zip(export_headers("活动"), next(rows_for(Activity.objects.filter(code="HD-G1"), "活动")), strict=True))
    assert exported["党小组"] == "第一党小组"
    code, out, _err = run(workbook(tmp_path / "again.xlsx", {"活动": [row()]}))
    assert code == 0 and "没有需要更改的数据" in out
    # another group of the same organization, named again: the meeting moves to it
    assert run(workbook(tmp_path / "moved.xlsx", {"活动": [row(党小组="第二党小组")]}))[0] == 0
    assert Activity.objects.get(code="HD-G1").party_group == second


def test_a_group_of_another_organization_is_refused_naming_row_and_column(world, groups, tmp_path):
    refused(tmp_path, [row(活动编号="HD-OK"), row(党小组="乙党小组")],
            "活动 第3行 [党小组]：“乙党小组”不是组织“14010500101A”的党小组")
    refused(tmp_path, [row(党小组="没有这个小组")], "活动 第2行 [党小组]：“没有这个小组”不是组织“14010500101A”的党小组")


def test_the_pages_rules_for_a_party_group_meeting(world, groups, tmp_path):
    # only a 党小组会 records a group
    refused(tmp_path, [row(活动类型="主题党日")], "活动 第2行 [党小组]：只有党小组会记录党小组。")
    # the group existed on the meeting's day
    refused(tmp_path, [row(日期="2024-12-31")], "活动 第2行 [党小组]：第一党小组 成立于 2025-01-01，晚于活动日期。")
    assert not Activity.objects.exists()


def test_a_file_without_the_column_still_imports_and_keeps_the_group(world, groups, tmp_path):
    first = groups[0]
    without = {k: v for k, v in row().items() if k != "党小组"}
    code, _out, err = run(workbook(tmp_path / "plain.xlsx", {"活动": [without, {**without, "活动编号": "HD-P2"}]}))
    assert code == 0, err
    assert Activity.objects.get(code="HD-P2").party_group is None
    assert run(workbook(tmp_path / "named.xlsx", {"活动": [row()]}))[0] == 0
    # neither a file without the column nor an empty cell changes the stored group
    assert run(workbook(tmp_path / "plain2.xlsx", {"活动": [{**without, "主题": "学习党章（二）"}]}))[0] == 0
    assert run(workbook(tmp_path / "empty.xlsx", {"活动": [row(党小组=None, 主题="学习党章（三）")]}))[0] == 0
    meeting = Activity.objects.get(code="HD-G1")
    assert (meeting.topic, meeting.party_group) == ("学习党章（三）", first)
    # a kept group is checked against a new date as the page checks it
    refused(tmp_path, [{**without, "日期": "2024-12-20"}], "活动 第2行 [党小组]：第一党小组 成立于 2025-01-01，晚于活动日期。")
    # no longer a 党小组会: the group goes, as on the page — said with the column left empty, never dropped unsaid
    refused(tmp_path, [{**without, "活动类型": "主题党日"}], "活动 第2行 [党小组]：该活动记录了党小组“第一党小组”")
    assert run(workbook(tmp_path / "retyped.xlsx", {"活动": [row(活动类型="主题党日", 党小组=None)]}))[0] == 0
    assert Activity.objects.get(code="HD-G1").party_group is None


def test_the_template_holds_the_column(world, client_for):
    response = client_for(world.city_user).get(reverse("imports:template", args=["活动"]))
    ws = load_workbook(io.BytesIO(response.content))["活动"]
    headers = [c.value for c in ws[1]]
    assert "党小组" in headers
    note = ws.cell(row=1, column=headers.index("党小组") + 1).comment.text
    assert "选填" in note and "党小组会" in note
