"""`qingfeng import` on the test city: every sheet, idempotence, dry runs, restricted sheets, usage errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from qingfeng.activities.models import Activity, Attendance
from qingfeng.core.models import Entry
from qingfeng.discipline.models import Case, Disposition
from qingfeng.entities.models import CoverageChange, Entity
from qingfeng.orgs.models import Election, Organization
from qingfeng.people.models import CadreLevelRecord, Person, Relation
from qingfeng.supervision.models import Finding, FindingEvent
from tests.imports.data import every_sheet
from tests.imports.helpers import csv_folder, new_id, table_counts, workbook


def run(path, user=None, dry_run=False):
    out, err = io.StringIO(), io.StringIO()
    args = [str(path)] + (["--user", user] if user else []) + (["--dry-run"] if dry_run else [])
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_every_sheet_imports_and_the_second_run_changes_nothing(world, tmp_path):
    path = workbook(tmp_path / "all.xlsx", every_sheet(world))
    before = table_counts()
    code, out, err = run(path)
    assert code == 0, err
    c3 = Organization.objects.get(code="14010500101C")
    assert c3.path == "/140100/140105/140105001/14010500101/14010500101C/"
    assert (c3.term_started_on, c3.term_years) == (dt.date(2023, 5, 10), 3)
    assert Organization.objects.get(code="14010500101C1").parent == c3
    branch_a = Organization.objects.get(code="14010500101A")
    assert (branch_a.term_started_on, branch_a.term_years) == (dt.date(2022, 3, 1), 5)
    member = Person.objects.get(name="丁兰")
    assert member.org == c3 and member.cadre_level == "县管" and member.birth_date == dt.date(1985, 2, 3)
    relation = Relation.objects.get(person=member)
    # The relation holds from 入党日期, or from the organization's 成立日期 when that is later.
    assert (relation.org, relation.start_on, relation.via) == (c3, dt.date(2016, 1, 1), "导入")
    assert CadreLevelRecord.objects.get(person=member).since is None
    assert Person.objects.get(name="宣讲者").admitted_on is None  # a lecturer need not be a member
    assert Activity.objects.get(code="HD-3").first_topic is True
    assert Activity.objects.get(code="HD-1").channel == "线上线下结合"
    assert Activity.objects.get(code="HD-2").lecture_team.code == "XJ-1"
    assert Attendance.objects.get(activity__code="HD-1", person=member).presence == "出席"
    assert Finding.objects.get(code="WT-1").status == "closed" and Finding.objects.get(code="WT-2").status == "rectifying"
    assert FindingEvent.objects.filter(finding__code="WT-1").count() == 1
    covered = Entity.objects.get(name="示例科技有限公司")
    assert covered.coverage == "单独组建"
    assert list(CoverageChange.objects.filter(entity=covered).values_list("since", flat=True)) == [dt.date(2021, 7, 1)]
    assert Case.objects.get(code="AJ-1").self_surrender is True
    assert Disposition.objects.get().case.code == "AJ-1"
    assert Entry.objects.filter(channel="import").count() >= 15
    assert "新增" in out and "导入完成" in out
    after = table_counts()
    assert after != before

    code, out, err = run(path)
    assert code == 0, err
    assert "没有需要更改的数据" in out
    assert table_counts() == after
    for line in out.splitlines()[1:-1]:
        name, created, updated, unchanged = line.split()
        assert (created, updated) == ("0", "0"), line
        assert int(unchanged) > 0


def test_a_changed_row_is_updated_not_duplicated_and_history_is_kept(world, tmp_path):
    sheets = every_sheet(world)
    run(workbook(tmp_path / "a.xlsx", sheets))
    member = Person.objects.get(name="丁兰")
    sheets["党员"][0].update({"所在党组织编码": "14010500101A", "干部管理层级": "市管", "职务": "主任"})
    sheets["两新组织"][0].update({"覆盖方式": "联合组建", "覆盖日期": "2025-01-01"})
    sheets["问题整改"][1].update({"销号日期": "2025-06-01"})
    code, out, err = run(workbook(tmp_path / "b.xlsx", sheets))
    assert code == 0, err
    member.refresh_from_db()
    assert (member.org.code, member.cadre_level, member.post) == ("14010500101A", "市管", "主任")
    relations = list(Relation.objects.filter(person=member).order_by("id").values_list("org__code", "end_on", "via"))
    assert relations[0][0] == "14010500101C" and relations[0][1] is not None  # closed, not rewritten
    assert relations[1][0] == "14010500101A" and relations[1][2] == "转接"
    assert list(CadreLevelRecord.objects.filter(person=member).order_by("id").values_list("level", flat=True)) == ["县管", "市管"]
    entity = Entity.objects.get(name="示例科技有限公司")
    assert entity.coverage == "联合组建" and entity.coverage_history.count() == 2
    assert Finding.objects.get(code="WT-2").status == "closed"
    assert Person.objects.filter(name="丁兰").count() == 1
    党员 = [line for line in out.splitlines() if line.startswith("党员")][0].split()
    assert 党员[1:] == ["0", "1", "0"]


def test_dry_run_reports_and_writes_nothing(world, tmp_path):
    path = workbook(tmp_path / "all.xlsx", every_sheet(world))
    before = table_counts()
    code, out, _err = run(path, dry_run=True)
    assert code == 0
    assert "试运行" in out
    assert table_counts() == before


def test_restricted_sheets_refuse_the_whole_file_for_other_roles(world, tmp_path):
    path = workbook(tmp_path / "all.xlsx", every_sheet(world))
    before = table_counts()
    code, _out, err = run(path, user="city")
    assert code == 1
    assert "案件" in err and "纪检监察受限数据" in err
    assert table_counts() == before
    code, _out, err = run(path, user="discipline")  # 纪检监察 may import the restricted sheets, not party ledgers
    assert code == 1 and "无权导入该工作表" in err
    restricted = {k: v for k, v in every_sheet(world).items() if k in ("案件", "处置", "纪检监察建议书")}
    code, _out, err = run(workbook(tmp_path / "discipline.xlsx", restricted), user="discipline")
    assert code == 0, err
    assert Case.objects.count() == 1


def test_a_user_imports_only_into_their_own_subtree(world, tmp_path):
    sheets = {"活动": [
        {"活动编号": "X-1", "活动类型": "主题党日", "组织编码": "140106001O", "日期": "2025-01-02", "主题": "越界"},
        {"活动编号": "X-2", "活动类型": "主题党日", "组织编码": "14010500101A", "日期": "2025-01-02", "主题": "本辖区"},
    ]}
    before = table_counts()
    code, _out, err = run(workbook(tmp_path / "a.xlsx", sheets), user="district")
    assert code == 1
    assert "第2行" in err and "140106001O" in err and "不在您的管辖范围内" in err
    assert "第3行" not in err
    assert table_counts() == before
    code, _out, err = run(workbook(tmp_path / "a.xlsx", sheets), user="outsider")
    assert code == 1 and "14010500101A" in err


def test_a_clerk_cannot_change_a_record_of_another_district_with_the_same_key(world, tmp_path):
    Activity.objects.create(code="SAME", type_id=1, org=world.branch_o, date=dt.date(2025, 1, 1), topic="他处")
    sheets = {"活动": [{"活动编号": "SAME", "活动类型": "主题党日", "组织编码": "14010500101A", "日期": "2025-01-02",
                      "主题": "本辖区"}]}
    code, _out, err = run(workbook(tmp_path / "a.xlsx", sheets), user="clerk")
    assert code == 1 and "不可用" in err and "第2行" in err  # neutral: taken, not where
    assert Activity.objects.get(code="SAME").org == world.branch_o


def test_csv_folders_with_and_without_bom_and_full_width_values(world, tmp_path):
    number = new_id(dt.date(1992, 1, 2), male=True)
    wide = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    rows = {"党员": [{"姓名": "全角", "公民身份号码": f" {wide} ", "性别": "男", "党员类别": "预备党员",
                    "入党日期": "２０２４-０５-０１", "所在党组织编码": "１４０１０５００１０１Ａ"}],
            "党组织": [{"组织编码": "14010500101D", "组织名称": "第四党支部", "上级组织编码": "14010500101",
                      "组织类别": "党支部", "单位类型": "社区", "层级": "村（社区）"}]}
    code, _out, err = run(csv_folder(tmp_path / "with-bom", rows, bom=True))
    assert code == 0, err
    assert Person.objects.get(id_number=number).org.code == "14010500101A"
    assert Organization.objects.get(code="14010500101D").level == "村(社区)"
    before = table_counts()
    code, out, err = run(csv_folder(tmp_path / "without-bom", rows, bom=False))
    assert code == 0, err
    assert table_counts() == before and "没有需要更改的数据" in out


def test_excel_date_cells_and_text_dates_are_the_same(world, tmp_path):
    number = new_id(dt.date(1990, 3, 4), male=False)
    row = {"姓名": "日期", "公民身份号码": number, "性别": "女", "党员类别": "正式党员", "入党日期": dt.date(2012, 7, 1),
           "转正日期": dt.datetime(2013, 7, 1), "所在党组织编码": "14010500101A", "出生日期": dt.date(1990, 3, 4)}
    assert run(workbook(tmp_path / "a.xlsx", {"党员": [row]}))[0] == 0
    row.update({"入党日期": "2012-07-01", "转正日期": "2013-07-01", "出生日期": "1990-03-04"})
    code, out, _err = run(workbook(tmp_path / "b.xlsx", {"党员": [row]}))
    assert code == 0 and "没有需要更改的数据" in out


def test_unknown_columns_are_reported_and_ignored(world, tmp_path):
    row = {"报表编号": "BB-9", "报表名称": "表", "主管组织编码": "140105", "启用日期": "2020-01-01", "备注栏": "随便"}
    code, out, _err = run(workbook(tmp_path / "a.xlsx", {"报表目录": [row]}))
    assert code == 0
    assert "备注栏" in out and "已忽略" in out


def test_usage_errors_exit_with_status_2(world, tmp_path):
    assert run(tmp_path / "missing.xlsx")[0] == 2
    path = workbook(tmp_path / "a.xlsx", {"报表目录": [{"报表编号": "B"}]})
    assert run(path, user="nobody")[0] == 2


def test_a_read_only_user_cannot_import(world, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"报表目录": [{"报表编号": "B", "报表名称": "表", "主管组织编码": "140100",
                                                 "启用日期": "2020-01-01"}]})
    before = table_counts()
    assert run(path, user="leader")[0] == 1
    assert table_counts() == before


@pytest.mark.django_db
def test_the_default_user_is_the_administrator_and_a_fresh_database_without_one_is_a_usage_error(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"报表目录": [{"报表编号": "B"}]})
    code, _out, err = run(path)
    assert code == 2 and "管理员" in err


def test_elections_keep_the_latest_as_the_current_term(world, tmp_path):
    rows = [{"组织编码": "14010500101B", "选举日期": "2019-03-01", "任期年限": 3},
            {"组织编码": "14010500101B", "选举日期": "2022-03-01", "任期年限": 5}]
    assert run(workbook(tmp_path / "a.xlsx", {"换届": rows}))[0] == 0
    branch = Organization.objects.get(code="14010500101B")
    assert (branch.term_started_on, branch.term_years) == (dt.date(2022, 3, 1), 5)
    assert Election.objects.filter(org=branch).count() == 2
