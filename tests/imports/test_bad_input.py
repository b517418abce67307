"""The bad-input corpus: each file is rejected with exit status 1, a reason naming sheet/row/column, and the
database unchanged (row counts of every table compared)."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from qingfeng.core.idnumbers import id_check_char, make_credit_code
from tests.imports.helpers import new_id, table_counts, workbook
from tests.imports.test_command import run

GOOD_ID = new_id(dt.date(1991, 6, 7), male=True)


def member(**changes):
    row = {"姓名": "测试", "公民身份号码": GOOD_ID, "性别": "男", "党员类别": "正式党员", "入党日期": "2015-07-01",
           "转正日期": "2016-07-01", "所在党组织编码": "14010500101A"}
    row.update(changes)
    return row


def wrong_check(number: str) -> str:
    right = id_check_char(number[:17])
    return number[:17] + ("0" if right != "0" else "1")


def activity(**changes):
    row = {"活动编号": "HD-X", "活动类型": "主题党日", "组织编码": "14010500101A", "日期": "2025-01-05", "主题": "学习"}
    row.update(changes)
    return row


def entity(**changes):
    row = {"统一社会信用代码": make_credit_code("91140105MA0K00000"), "名称": "企业", "类型": "非公有制企业",
           "属地党组织编码": "14010500101", "覆盖方式": "单独组建"}
    row.update(changes)
    return row


BAD_WORKBOOKS = {
    "wrong ID check character": ({"党员": [member(公民身份号码=wrong_check(GOOD_ID))]}, "公民身份号码校验位错误"),
    "impossible birth date in the ID": ({"党员": [member(公民身份号码=(lambda b: b + id_check_char(b))("14010519910231001"))]},
                                        "出生日期不存在"),
    "ID disagrees with 出生日期": ({"党员": [member(出生日期="1991-06-08")]}, "不一致"),
    "ID disagrees with 性别": ({"党员": [member(性别="女")]}, "与公民身份号码不一致"),
    "ID stored as a number": ({"党员": [member(公民身份号码=int(GOOD_ID[:17] + "0") if GOOD_ID[17] != "X" else 1.4e17)]},
                              "丢失末几位"),
    "ID of 17 characters": ({"党员": [member(公民身份号码=GOOD_ID[:17])]}, "应为18位"),
    "wrong credit code": ({"两新组织": [entity(统一社会信用代码="91140105MA0K000000")]}, "统一社会信用代码校验位错误"),
    "enumeration not as listed": ({"党员": [member(党员类别="正式")]}, "不是允许的值"),
    "date in the wrong format": ({"党员": [member(入党日期="2015/07/01")]}, "格式不对"),
    "impossible date": ({"党员": [member(入党日期="2015-02-30")]}, "不存在"),
    "number in a date column": ({"党员": [member(入党日期=42000)]}, "不能是数字"),
    "missing required cell": ({"党员": [member(姓名="")]}, "必填项为空"),
    "正式党员 without 转正日期": ({"党员": [member(转正日期=None)]}, "必须填写转正日期"),
    "转正日期 before 入党日期": ({"党员": [member(转正日期="2014-01-01")]}, "应晚于入党日期"),
    "phone number": ({"党员": [member(手机号码="2391234567")]}, "手机号码"),
    "organization that does not exist": ({"党员": [member(所在党组织编码="NOPE")]}, "都不存在"),
    "member in a dissolved organization": ({"党组织": [{"组织编码": "OLD", "组织名称": "已撤销", "上级组织编码": "140105",
                                                   "组织类别": "党支部", "单位类型": "社区", "成立日期": "2010-01-01",
                                                   "撤销日期": "2020-01-01"}],
                                          "党员": [member(所在党组织编码="OLD")]}, "已于 2020-01-01 撤销"),
    "activity before the organization existed": ({"活动": [activity(日期="2014-12-31")]}, "早于组织"),
    "duplicate key in a file": ({"活动": [activity(), activity(主题="又一次")]}, "与第2行重复"),
    "one ID with two names": ({"党员": [member()], "选派干部": [{"公民身份号码": GOOD_ID, "姓名": "别名", "岗位": "第一书记",
                                                          "派驻组织编码": "14010500101A", "开始日期": "2024-01-01"}]},
                             "两个姓名"),
    "attendance of an unknown activity": ({"参加人员": [{"活动编号": "NONE", "公民身份号码": GOOD_ID}]}, "都不存在"),
    "attendance of an unknown person": ({"活动": [activity()], "参加人员": [{"活动编号": "HD-X", "公民身份号码": GOOD_ID}]},
                                        "人员"),
    "missing required header": ({"活动": [{"活动编号": "A", "活动类型": "主题党日", "组织编码": "14010500101A",
                                         "日期": "2025-01-01"}]}, "缺少必填列“主题”"),
    "unknown sheet": ({"党员名单": [member()]}, "不是导入模板中的工作表名称"),
    "first topic on another type": ({"活动": [activity(第一议题="是")]}, "第一议题"),
    "coverage date with 未覆盖": ({"两新组织": [entity(覆盖方式="未覆盖", 覆盖日期="2020-01-01")]}, "未覆盖"),
    "deadline before the finding": ({"问题整改": [{"问题编号": "W", "来源": "巡察", "发现日期": "2025-04-01",
                                              "责任组织编码": "14010500101A", "问题描述": "x",
                                              "整改期限": "2025-03-01"}]}, "不能早于发现日期"),
    "parent cycle": ({"党组织": [{"组织编码": "P1", "组织名称": "甲", "上级组织编码": "P2", "组织类别": "党支部", "单位类型": "社区"},
                              {"组织编码": "P2", "组织名称": "乙", "上级组织编码": "P1", "组织类别": "党支部", "单位类型": "社区"}]},
                     "循环"),
    "second root": ({"党组织": [{"组织编码": "ROOT2", "组织名称": "另一个根", "组织类别": "党委", "单位类型": "党政机关"}]},
                    "上级组织编码必填"),
    "term years other than 3 or 5": ({"换届": [{"组织编码": "14010500101A", "选举日期": "2022-01-01", "任期年限": 4}]},
                                     "只能填写"),
    "lecture team that does not exist": ({"活动": [activity(活动类型="宣讲", 宣讲小分队编码="NOTEAM")]}, "NOTEAM"),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_bad_workbook_is_rejected_whole(world, tmp_path, case):
    sheets, reason = BAD_WORKBOOKS[case]
    # A valid row beside the bad one proves that nothing half-lands.
    if "报表目录" not in sheets:
        sheets = {**sheets, "报表目录": [{"报表编号": "OK-1", "报表名称": "好行", "主管组织编码": "140105",
                                       "启用日期": "2020-01-01"}]}
    before = table_counts()
    code, _out, err = run(workbook(tmp_path / "bad.xlsx", sheets))
    assert code == 1, err
    assert reason in err
    assert "未写入任何数据" in err
    assert table_counts() == before


def test_errors_name_sheet_row_and_column_and_all_are_listed(world, tmp_path):
    rows = [member(公民身份号码=new_id(dt.date(1991, 6, 7))), member(公民身份号码=new_id(dt.date(1991, 6, 7)), 性别="x"),
            member(公民身份号码=new_id(dt.date(1991, 6, 7)), 入党日期="bad")]
    code, _out, err = run(workbook(tmp_path / "bad.xlsx", {"党员": rows}))
    assert code == 1
    assert "党员 第3行 [性别]" in err
    assert "党员 第4行 [入党日期]" in err
    assert "发现 2 个错误" in err


def test_a_workbook_with_headers_only_is_rejected(world, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"活动": []}, headers={"活动": ["活动编号", "活动类型", "组织编码", "日期", "主题"]})
    before = table_counts()
    code, _out, err = run(path)
    assert code == 1 and "没有任何数据行" in err
    assert table_counts() == before
    code, _out, err = run(workbook(tmp_path / "b.xlsx", {"活动": []}))
    assert code == 1 and "没有表头" in err


def _bad_file(tmp_path, kind):
    if kind == "empty file":
        path = tmp_path / "empty.xlsx"
        path.write_bytes(b"")
        return path, "空的"
    if kind == "not a spreadsheet":
        path = tmp_path / "notes.xlsx"
        path.write_text("这不是表格 just text", encoding="utf-8")
        return path, "不是有效的 Excel"
    if kind == "CSV in GBK":
        folder = tmp_path / "gbk"
        folder.mkdir()
        (folder / "报表目录.csv").write_bytes("报表编号,报表名称,主管组织编码,启用日期\nB,表,140105,2020-01-01\n".encode("gbk"))
        return folder, "UTF-8"
    if kind == "zip bomb":
        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (64 * 1024 * 1024))
        return path, "压缩炸弹"
    if kind == "empty folder":
        folder = tmp_path / "nothing"
        folder.mkdir()
        (folder / "readme.txt").write_text("x")
        return folder, "没有 .csv"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["empty file", "not a spreadsheet", "CSV in GBK", "zip bomb", "empty folder"])
def test_unreadable_files_are_rejected(world, tmp_path, kind):
    path, reason = _bad_file(tmp_path, kind)
    before = table_counts()
    code, _out, err = run(path)
    assert code == 1
    assert reason in err
    assert table_counts() == before


def test_oversized_files_are_refused_with_the_limit(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_BYTES = 2000
    path = workbook(tmp_path / "big.xlsx", {"报表目录": [{"报表编号": f"B{i}", "报表名称": "表" * 30, "主管组织编码": "140105",
                                                     "启用日期": "2020-01-01"} for i in range(300)]})
    before = table_counts()
    code, _out, err = run(path)
    assert code == 1 and "文件过大" in err and "上限" in err
    assert table_counts() == before


def test_unpacked_size_limit(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_UNPACKED_BYTES = 10_000
    path = workbook(tmp_path / "a.xlsx", {"报表目录": [{"报表编号": f"B{i}", "报表名称": "表", "主管组织编码": "140105",
                                                   "启用日期": "2020-01-01"} for i in range(300)]})
    code, _out, err = run(path)
    assert code == 1 and "解压后" in err
