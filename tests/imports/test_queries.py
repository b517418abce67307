"""No query per row: importing ten times as many rows (810 more) adds only a few batch statements."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingfeng.core.idnumbers import make_id_number
from qingfeng.imports.actions import run_import
from tests.imports.helpers import workbook


def ledger(n: int, offset: int) -> dict[str, list[dict]]:
    members, activities, attendance = [], [], []
    for i in range(n):
        number = make_id_number("140105", dt.date(1980, 1, 1) + dt.timedelta(days=offset + i), 101)
        members.append({"姓名": f"成员{i}", "公民身份号码": number, "性别": "男", "党员类别": "预备党员", "入党日期": "2024-01-01",
                        "所在党组织编码": "14010500101A" if i % 2 else "14010500101B"})
        activities.append({"活动编号": f"Q{offset}-{i}", "活动类型": "主题党日", "组织编码": "14010500101A",
                           "日期": "2025-01-05", "主题": "学习"})
        attendance.append({"活动编号": f"Q{offset}-{i}", "公民身份号码": number})
    return {"党员": members, "活动": activities, "参加人员": attendance}


def count_queries(world, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = run_import(path, world.admin)
    assert result.ok and result.written
    return len(queries)


def test_query_count_does_not_grow_with_rows(world, tmp_path):
    small = count_queries(world, workbook(tmp_path / "small.xlsx", ledger(30, 0)))
    large = count_queries(world, workbook(tmp_path / "large.xlsx", ledger(300, 1000)))
    # Inserts go in batches (SQLite caps the parameters of one statement) and the first import warms a few
    # caches, so the counts may differ by a few statements; one per row (810 more rows here) would not.
    assert abs(large - small) <= 10
