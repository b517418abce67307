"""The 发展党员 sheet: the development procedure's milestones, checked by the same rules as the pages."""

from __future__ import annotations

import datetime as dt

from qingfeng.membership.models import Candidate, Stage
from tests.imports.helpers import new_id, table_counts, workbook
from tests.imports.test_command import run

D = dt.date


def row(world, **changes):
    base = {"公民身份号码": new_id(D(1999, 9, 9), male=False), "姓名": "苗苗", "组织编码": "14010500101A",
            "递交申请日期": "2022-01-10", "谈话日期": "2022-01-20", "确定积极分子日期": "2022-03-01",
            "确定发展对象日期": "2023-03-01", "入党介绍人一": world.members_a[0].id_number,
            "入党介绍人二": world.members_a[1].id_number, "政治审查日期": "2023-04-01", "培训天数": 3,
            "支部大会日期": "2023-05-06", "应到人数": 8, "实到人数": 6, "赞成票数": 6, "审批日期": "2023-06-01"}
    base.update(changes)
    return base


def test_a_pipeline_row_creates_the_candidacy_in_its_stage_and_a_second_import_changes_nothing(world, tmp_path):
    rows = [row(world), row(world, **{"公民身份号码": new_id(D(2001, 2, 2)), "姓名": "小禾", "确定发展对象日期": None,
                                      "入党介绍人一": None, "入党介绍人二": None, "政治审查日期": None, "培训天数": None,
                                      "支部大会日期": None, "应到人数": None, "实到人数": None, "赞成票数": None,
                                      "审批日期": None})]
    path = workbook(tmp_path / "dev.xlsx", {"发展党员": rows})
    code, out, _err = run(path)
    assert code == 0, out
    stages = dict(Candidate.objects.values_list("person__name", "stage"))
    assert stages == {"苗苗": Stage.PROBATIONARY, "小禾": Stage.ACTIVIST}
    probation = Candidate.objects.get(person__name="苗苗")
    assert probation.probation_ends_on == D(2024, 5, 6)
    before = table_counts()
    code, out, _err = run(path)
    assert code == 0 and "没有需要更改的数据" in out
    assert table_counts() == before


def test_rule_breaking_rows_are_refused_with_the_reason_and_nothing_is_written(world, tmp_path):
    rows = [
        row(world, **{"确定发展对象日期": "2023-02-28"}),                     # a day short of a year as activist
        row(world, **{"公民身份号码": new_id(D(1998, 1, 1)), "赞成票数": 4}),  # half of those due is not a majority
        row(world, **{"公民身份号码": new_id(D(1997, 1, 1)), "入党介绍人二": world.members_a[0].id_number}),
        row(world, **{"公民身份号码": new_id(D(2006, 6, 1)), "递交申请日期": "2024-05-31"}),  # under 18
    ]
    before = table_counts()
    code, out, err = run(workbook(tmp_path / "bad.xlsx", {"发展党员": rows}))
    text = out + err
    assert code == 1
    for reason in ("一年以上", "未超过应到有表决权党员的半数", "两名入党介绍人须是本人以外的两个人", "未满18周岁"):
        assert reason in text
    assert table_counts() == before
