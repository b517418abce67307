"""The second round's sheets through `qingfeng import`: 表彰, 学历提升, 集体经济扶持 written whole or not at all,
a second run changing nothing, the lists exported in the same format and read back; the columns 村情, 问题类别 and
专题 on their sheets, an empty cell leaving what is stored."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from qingfeng.activities.models import Activity
from qingfeng.core.models import Entry
from qingfeng.economy.models import SupportItem
from qingfeng.education.models import DegreeStudy
from qingfeng.honors.models import Commendation, Honoree
from qingfeng.orgs.models import VillageTag
from qingfeng.people.models import Person
from qingfeng.supervision.models import Finding
from tests.imports.helpers import new_id, table_counts, workbook
from tests.imports.test_command import run

PERSON = new_id(dt.date(1982, 3, 4), region="140105")
OTHER = new_id(dt.date(1979, 8, 9), region="140105")


def counts() -> dict[str, int]:
    return {**table_counts(), "honors": Honoree.objects.count(), "decisions": Commendation.objects.count(),
            "studies": DegreeStudy.objects.count(), "support": SupportItem.objects.count(),
            "tags": VillageTag.objects.count()}


def honor(**changes):
    row = {"表彰编号": "BZ-1", "表彰名称": "全省脱贫攻坚先进集体和先进个人", "授予机关": "中共山西省委", "授予级别": "省级",
           "日期": "2021-05-25", "对象类型": "集体", "集体名称": "平阳景苑社区党委", "公民身份号码": "", "姓名": "",
           "组织编码": "14010500101"}
    row.update(changes)
    return row


def honored_person(**changes):
    return honor(**{"对象类型": "个人", "集体名称": "", "公民身份号码": PERSON, "姓名": "秦先进", "组织编码": "14010500101A",
                    **changes})


def study(**changes):
    row = {"公民身份号码": OTHER, "姓名": "许学员", "组织编码": "14010500101", "层次": "大专", "入学日期": "2018-09-01",
           "毕业日期": "2021-07-01"}
    row.update(changes)
    return row


def payment(**changes):
    row = {"项目编号": "JJ-1", "组织编码": "14010500101", "资金来源": "市级", "金额": 500000, "拨付日期": "2019-06-01",
           "用途": "光伏"}
    row.update(changes)
    return row


def test_the_new_sheets_import_whole_and_a_second_run_changes_nothing(world, tmp_path):
    sheets = {"表彰": [honor(), honor(集体名称="第一党支部", 组织编码="14010500101A"), honored_person()],
              "学历提升": [study(), study(入学日期="2021-09-01", 层次="本科", 毕业日期="")],
              "集体经济扶持": [payment(), payment(项目编号="JJ-2", 资金来源="中央", 金额=1200000)]}
    path = workbook(tmp_path / "new.xlsx", sheets)
    code, out, err = run(path)
    assert code == 0, err
    decision = Commendation.objects.get()
    assert (decision.code, decision.grantor_level, decision.date) == ("BZ-1", "省级", dt.date(2021, 5, 25))
    assert sorted(decision.honorees.values_list("kind", "collective_name", "org__code")) == [
        ("个人", "", "14010500101A"), ("集体", "平阳景苑社区党委", "14010500101"), ("集体", "第一党支部", "14010500101A")]
    person = Person.objects.get(id_number=PERSON)
    assert person.name == "秦先进" and person.admitted_on is None
    assert DegreeStudy.objects.filter(person__id_number=OTHER).count() == 2
    assert SupportItem.objects.get(code="JJ-2").amount == 1200000
    assert Entry.objects.filter(model__in=["honors.honoree", "education.degreestudy", "economy.supportitem"],
                                channel="import").count() == 7
    before = counts()
    code, out, err = run(path)
    assert code == 0, err
    assert counts() == before


BAD = {
    "表彰 with a wrong grantor level": ({"表彰": [honor(授予级别="乡级")]}, "不是允许的值"),
    "表彰 of a collective without 集体名称": ({"表彰": [honor(集体名称="")]}, "必须填写集体名称"),
    "表彰 of a person without an ID number": ({"表彰": [honored_person(公民身份号码="")]}, "必须填写公民身份号码"),
    "表彰 of an unknown organization": ({"表彰": [honor(组织编码="NOPE")]}, "都不存在"),
    "表彰 rows disagreeing on the decision": ({"表彰": [honor(), honor(集体名称="另一个", 日期="2021-05-26")]},
                                          "第一行一致"),
    "学历提升 with a wrong level": ({"学历提升": [study(层次="博士")]}, "不是允许的值"),
    "学历提升 graduated before enrolled": ({"学历提升": [study(毕业日期="2017-01-01")]}, "入学日期"),
    "学历提升 of an unknown organization": ({"学历提升": [study(组织编码="NOPE")]}, "都不存在"),
    "集体经济扶持 with a negative amount": ({"集体经济扶持": [payment(金额=-500)]}, "[金额]：应为非负整数"),
    "集体经济扶持 with a zero amount": ({"集体经济扶持": [payment(金额=0)]}, "金额应为大于 0 的整数"),
    "集体经济扶持 from a wrong source": ({"集体经济扶持": [payment(资金来源="外资")]}, "不是允许的值"),
    "集体经济扶持 of an unknown organization": ({"集体经济扶持": [payment(组织编码="NOPE")]}, "都不存在"),
    "集体经济扶持 of a sibling's village": ({"集体经济扶持": [payment(组织编码="140106001O")]}, "管辖范围"),
    "村情 not among the tags": ({"党组织": [{"组织编码": "14010500101", "组织名称": "平阳景苑社区党委", "上级组织编码": "140105001",
                                      "组织类别": "党委", "单位类型": "社区", "村情": "富裕村"}]}, "富裕村"),
    "问题类别 not among the categories": ({"问题整改": [{"问题编号": "W", "来源": "巡察", "发现日期": "2025-04-01",
                                                 "责任组织编码": "14010500101A", "问题描述": "x", "整改期限": "2025-05-01",
                                                 "问题类别": "懒政"}]}, "不是允许的值"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_rows_of_the_new_sheets_reject_the_file(world, tmp_path, case):
    sheets, reason = BAD[case]
    sheets = {**sheets, "集体经济扶持": sheets.get("集体经济扶持", []) + [payment(项目编号="GOOD")]}  # a good row beside it
    before = counts()
    code, _out, err = run(workbook(tmp_path / "bad.xlsx", sheets), user="district")
    assert code == 1, err
    assert reason in err and "未写入任何数据" in err
    assert counts() == before


def test_the_columns_added_to_existing_sheets(world, tmp_path):
    org_row = {"组织编码": "14010500101", "组织名称": "平阳景苑社区党委", "上级组织编码": "140105001", "组织类别": "党委",
               "单位类型": "社区", "村情": "信教群众聚居村、贫困村"}
    finding = {"问题编号": "W-1", "来源": "巡察", "发现日期": "2025-04-01", "责任组织编码": "14010500101A",
               "问题描述": "文山会海", "整改期限": "2025-05-01", "问题类别": "形式主义"}
    act = {"活动编号": "HD-1", "活动类型": "主题党日", "组织编码": "14010500101A", "日期": "2021-03-05", "主题": "学党史",
           "专题": "党史学习教育"}
    code, _out, err = run(workbook(tmp_path / "a.xlsx", {"党组织": [org_row], "问题整改": [finding], "活动": [act]}))
    assert code == 0, err
    assert sorted(VillageTag.objects.filter(org=world.community).values_list("tag", flat=True)) == ["信教群众聚居村", "贫困村"]
    assert Finding.objects.get(code="W-1").category == "形式主义"
    assert Activity.objects.get(code="HD-1").campaign == "党史学习教育"
    # The same rows with the new columns empty: nothing changes.
    before = counts()
    code, out, err = run(workbook(tmp_path / "b.xlsx", {"党组织": [{**org_row, "村情": ""}], "问题整改": [{**finding, "问题类别": ""}],
                                                      "活动": [{**act, "专题": ""}]}))
    assert code == 0, err
    assert counts() == before
    assert Finding.objects.get(code="W-1").category == "形式主义" and Activity.objects.get(code="HD-1").campaign
    assert VillageTag.objects.filter(org=world.community).count() == 2
    # Another value replaces: the tags become exactly those listed.
    code, out, err = run(workbook(tmp_path / "c.xlsx", {"党组织": [{**org_row, "村情": "边远村"}],
                                                      "问题整改": [{**finding, "问题类别": "官僚主义"}]}))
    assert code == 0, err
    assert list(VillageTag.objects.filter(org=world.community).values_list("tag", flat=True)) == ["边远村"]
    assert Finding.objects.get(code="W-1").category == "官僚主义"


def _read(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_every_new_list_exports_its_sheet_and_the_export_imports_unchanged(world, tmp_path, client):
    code, _out, err = run(workbook(tmp_path / "new.xlsx", {
        "表彰": [honor(), honored_person()], "学历提升": [study()], "集体经济扶持": [payment()]}))
    assert code == 0, err
    client.force_login(world.city_user)
    exported = {}
    for url, sheet in (("/honors/", "表彰"), ("/education/", "学历提升"), ("/economy/", "集体经济扶持")):
        rows = _read(client.get(url, {"export": "xlsx", "numbers": "full"}))
        assert rows[0][0] in ("表彰编号", "公民身份号码", "项目编号"), rows[0]
        exported[sheet] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {r["集体名称"] for r in exported["表彰"]} == {"平阳景苑社区党委", None}  # an empty cell
    assert exported["学历提升"][0]["公民身份号码"] == OTHER
    assert exported["集体经济扶持"][0]["金额"] == 500000
    masked = _read(client.get("/education/", {"export": "xlsx"}))
    assert OTHER not in str(masked)
    before = counts()
    code, _out, err = run(workbook(tmp_path / "back.xlsx", exported))
    assert code == 0, err
    assert counts() == before
