"""Rosters (花名册) as grassroots staff keep them: a merged title row, a unit/date line, the headers on row 3,
their own words for the columns, dates written every which way, the branch by its name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from qingfeng.core.idnumbers import make_id_number
from tests.clock import TODAY

HEADERS = ["序号", "姓名", "性别", "民族", "出生日期", "身份证号码", "学历", "入党时间", "转正时间", "所在党支部", "联系电话"]
# Every date form of docs/import-own-excel.md, one per member, and a month alone for the birth date.
# The last one, a 预备党员 admitted a hundred days ago, as the serial number an Excel date cell holds.
ADMITTED = ["2005-07-01", "2006/7/1", "2007.07.01", "2008年7月1日", "20090701", dt.date(2010, 7, 1),
            (TODAY - dt.timedelta(days=100) - dt.date(1899, 12, 30)).days]
BIRTHS = [dt.date(1970, 1, 5), dt.date(1971, 2, 6), dt.date(1972, 3, 7), dt.date(1973, 4, 8), dt.date(1974, 5, 9),
          dt.date(1975, 6, 10), dt.date(1976, 7, 11)]


def members(branch: str = "第一党支部") -> list[list]:
    rows = []
    for i, (birth, admitted) in enumerate(zip(BIRTHS, ADMITTED, strict=True)):
        number = make_id_number("140105", birth, 701 + 2 * i)  # odd sequence: 男
        birth_cell = [birth.isoformat(), f"{birth.year}.{birth.month:02d}", f"{birth.year}年{birth.month}月",
                      birth.strftime("%Y%m%d"), "", birth, f"{birth:%Y/%m/%d}"][i]
        full = "" if i == 6 else ["2006-07-01", "2007.7.1", "2008年7月2日", "20100701", "2010/07/01", "2011.07.01"][i]
        rows.append([i + 1, f"花名{i}", "男性" if i % 2 else "男", "汉族", birth_cell, number,
                     ["本科", "大专", "硕士", "高中", "中专", "大学本科"][i % 6], admitted, full, branch,
                     f"138 0000 {i:04d}"])
    rows[6][1] = "预备员"
    return rows


def roster(path: Path, rows: list[list] | None = None, headers: list[str] | None = None, sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    headers = headers or HEADERS
    ws.append(["第一网格党支部党员花名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(["填报单位：平阳景苑社区党委", None, None, None, None, None, None, None, "填报日期：2025年1月"])
    ws.append(headers)
    for row in rows if rows is not None else members():
        ws.append(row)
    wb.save(path)
    return path
