"""Blank templates (导入模板): headers with notes, an example row, dropdowns on enumerated columns."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from qingfeng.core import sheets as S

CHOICES_SHEET = "可选值"
ROWS_WITH_DROPDOWN = 5000
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")


def allowed(col: S.Col) -> tuple[str, ...]:
    """The values a column takes: its enumeration, or the names in its reference table (活动类型), as they are now."""
    if col.table:
        from django.apps import apps

        return tuple(apps.get_model(col.table).objects.values_list("name", flat=True))
    return col.choices


def header_note(sheet: S.Sheet, col: S.Col, choices: tuple[str, ...] = ()) -> str:
    parts = ["必填" if col.required else "选填"]
    if col.header in sheet.key:
        parts.append("键列（用于匹配已有记录）")
    if col.kind == S.DATE:
        parts.append("日期，格式 YYYY-MM-DD，也可用 Excel 日期单元格")
    if choices:
        parts.append("可选值：" + "、".join(choices))
    if col.note:
        parts.append(col.note)
    if col.kind in (S.ID, S.CREDIT):
        parts.append("请保持文本格式，不要存为数字")
    return "；".join(parts)


def _example(col: S.Col) -> object:
    if col.kind == S.DATE and col.example:
        return dt.date.fromisoformat(str(col.example))
    return col.example if col.example != "" else None


def template_bytes(names: list[str]) -> bytes:
    """A workbook holding the templates of these sheets (and an instruction sheet when there are several)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    if len(names) > 1:
        info = wb.create_sheet("填写说明")
        info.append(["清风平台导入模板"])
        info.append(["每个工作表对应一种台账，可以只填写其中几个，导入时会跳过本说明页和“可选值”页。"])
        info.append(["第一行为表头，请勿修改；第二行是示例，导入前请删除或改为真实数据。"])
        info.append(["日期写作 YYYY-MM-DD；结束类日期（撤销、注销、结束、退出、停用）是第一天不再成立的日期。"])
        info.append(["公民身份号码、统一社会信用代码请保持文本格式。"])
        info.column_dimensions["A"].width = 100
    choices = wb.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    lists: dict[tuple[str, ...], str] = {}
    for name in names:
        sheet = S.sheet(name)
        ws = wb.create_sheet(name, index=len(wb.sheetnames) - 1)
        ws.append(sheet.headers)
        ws.append([_example(c) for c in sheet.columns])
        ws.freeze_panes = "A2"
        for i, col in enumerate(sheet.columns, start=1):
            letter = get_column_letter(i)
            cell = ws.cell(row=1, column=i)
            cell.font = Font(bold=True)
            if col.required:
                cell.fill = REQUIRED_FILL
            values = allowed(col)
            cell.comment = Comment(header_note(sheet, col, values), "清风")
            ws.column_dimensions[letter].width = max(12, min(40, len(col.header) * 3))
            example = ws.cell(row=2, column=i)
            if col.kind == S.DATE:
                example.number_format = "yyyy-mm-dd"
            elif col.kind not in (S.INT,):
                example.number_format = "@"
            if values:
                if values not in lists:
                    column = len(lists) + 1
                    for r, value in enumerate(values, start=1):
                        choices.cell(row=r, column=column, value=value)
                    ref_letter = get_column_letter(column)
                    lists[values] = f"{quote_sheetname(CHOICES_SHEET)}!${ref_letter}$1:${ref_letter}${len(values)}"
                dv = DataValidation(type="list", formula1=lists[values], allow_blank=not col.required,
                                    showErrorMessage=True, errorTitle="不允许的值",
                                    error="只能填写：" + "、".join(values)[:200])
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{ROWS_WITH_DROPDOWN}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
