"""Fill a template: every figure of every organization and period the form needs from one
`compute_grid` call, written into the officer's own workbook (spec/forms.md).

`fill()` either returns the whole filled workbook or raises TemplateError listing every problem, each
naming its sheet and cell; nothing is produced on any error."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from qingfeng.accounts import access
from qingfeng.core.dates import add_years
from qingfeng.core.spreadsheet import text_cell
from qingfeng.forms import layout
from qingfeng.forms.placeholders import Placeholder, Problem, Scan, TemplateError, check
from qingfeng.indicators import engine
from qingfeng.orgs.models import Organization

MAX_FILE_BYTES = 5 * 1024 * 1024  # a form is a few dozen kilobytes; a template this big is not a form
MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # every part of the package together, unpacked (a form is well under 1 MB)
MAX_PARTS = 2000
GENERAL = "General"
RATE_FORMAT = "0.0"
DATE_FORMAT = "yyyy-mm-dd"


def prior_year(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same period one year earlier; 29 February falls on 28 February."""
    return add_years(start, -1), add_years(end, -1)


def open_template(content: bytes):
    """The workbook, or TemplateError for anything that is not a reasonable .xlsx (checked before parsing:
    size, number of parts and their unpacked size, so a small hostile file cannot take the memory)."""
    unreadable = TemplateError([Problem("", "", _("无法读取该文件：请上传 Excel 工作簿（.xlsx）。"))])
    if len(content) > MAX_FILE_BYTES:
        raise TemplateError([Problem("", "", _("文件过大：模板不能超过 %(mb)d MB。") % {"mb": MAX_FILE_BYTES // 1024 // 1024})])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            parts = package.infolist()
            names = {p.filename for p in parts}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    if "xl/workbook.xml" not in names:
        raise unreadable
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise TemplateError([Problem("", "", _("文件解压后过大，不像一张报表模板。"))])
    try:
        return openpyxl.load_workbook(io.BytesIO(content), data_only=False, keep_links=True)
    except Exception:  # openpyxl raises many kinds on a damaged package  # noqa: BLE001
        raise unreadable from None


def scan(content: bytes, user) -> Scan:
    """The check of a template file: its placeholders and problems (raises TemplateError if unreadable)."""
    return check(open_template(content), user)


def rows_for(each: str, org: Organization, day: dt.date, limit: int | None = None) -> list[Organization]:
    """The organizations a repeated row stands for, in 组织编码 order: direct children or branches active at `day`."""
    qs = Organization.objects.active_on(day)
    qs = qs.filter(parent=org) if each == "child" else qs.within(org).branches()
    qs = qs.order_by("code")
    return list(qs[:limit] if limit is not None else qs)


@dataclass
class Filled:
    workbook: Workbook
    scan: Scan
    org: Organization
    start: dt.date
    end: dt.date

    def content(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()


def text_value(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(cell, value, placeholder: Placeholder) -> None:
    """Write a value the way the spec says: integers, rates with one decimal, dates as dates, text as text
    (never as a formula, whatever it starts with); the template's own number format wins unless General."""
    if isinstance(cell, MergedCell):
        return
    if value is None:
        cell.value = None
        return
    if isinstance(value, str):
        cell.value = text_value(value)
        text_cell(cell)  # an organization name starting with "=" stays text
        return
    cell.value = value
    if isinstance(value, dt.date):
        if cell.number_format == GENERAL:
            cell.number_format = DATE_FORMAT
    elif placeholder.is_rate and cell.number_format == GENERAL:
        cell.number_format = RATE_FORMAT


def fill(content: bytes, org: Organization, start: dt.date, end: dt.date, user, rows_limit: int | None = None) -> Filled:
    """The template filled for `org` and [start, end] as `user` sees it (a preview may stop each repeated row after
    `rows_limit` organizations)."""
    if start > end:
        raise TemplateError([Problem("", "", _("开始日期 %(start)s 晚于结束日期 %(end)s。") % {"start": start, "end": end})])
    if user is not None and not access.org_in_scope(user, org):
        raise TemplateError([Problem("", "", _("组织编码“%(code)s”不存在或不在您的管理范围内。") % {"code": org.code})])
    wb = open_template(content)
    found = check(wb, user)
    if found.problems:
        raise TemplateError(found.problems)

    periods = {False: (start, end), True: prior_year(start, end)}
    repeats = found.repeats()
    row_orgs: dict[tuple[str, int], list[Organization]] = {
        (sheet, row): rows_for(each, org, end, rows_limit) for sheet, rows in repeats.items() for row, each in rows.items()}

    # Every (organization, period) the form asks, with the keys asked of it: one compute_grid call.
    wanted: dict[tuple[int, bool], dict[str, None]] = {}
    orgs = {org.pk: org}
    for p in found.placeholders:
        if p.kind != "figure":
            continue
        targets = row_orgs.get((p.sheet, p.row), [org])
        for target in targets:
            orgs[target.pk] = target
            wanted.setdefault((target.pk, p.prior), {})[p.figure.text] = None
    asks = [(orgs[pk], *periods[prior], list(keys)) for (pk, prior), keys in wanted.items()]
    try:
        answers = engine.compute_grid(asks, user=user) if asks else []
    except (engine.IndicatorError, engine.IndicatorForbidden) as exc:
        raise TemplateError([Problem("", "", str(exc))]) from exc
    values = {(pk, prior): answer for ((pk, prior), _keys), answer in zip(wanted.items(), answers, strict=True)}

    maps = {ws.title: layout.RowMap({row: max(1, len(row_orgs[(ws.title, row)])) for row in repeats.get(ws.title, {})})
            for ws in wb.worksheets}
    lay = layout.Layout(maps)
    layout.apply(wb, lay)

    for p in found.placeholders:
        ws = wb[p.sheet]
        rows = lay.of(p.sheet)
        repeated = (p.sheet, p.row) in row_orgs
        targets = row_orgs[(p.sheet, p.row)] if repeated else [org]
        if repeated and not targets:  # a repeated row with no organization stays, once, empty
            put(ws.cell(rows.first(p.row), p.column), None, p)
            continue
        for k, target in enumerate(targets):
            cell = ws.cell(rows.first(p.row) + k, p.column)
            put(cell, value_of(p, target, periods, values), p)
    return Filled(wb, found, org, start, end)


def value_of(p: Placeholder, target: Organization, periods, values):
    if p.kind == "each" or p.kind == "org.name":
        return target.name
    if p.kind == "org.code":
        return target.code
    if p.kind == "period.from":
        return periods[False][0]
    if p.kind == "period.to":
        return periods[False][1]
    return values[(target.pk, p.prior)][p.figure.text]


# ---- preview --------------------------------------------------------------------------------

PREVIEW_ROWS = 60
PREVIEW_COLUMNS = 26


@dataclass
class PreviewCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    number: bool = False
    formula: bool = False
    bold: bool = False
    align: str = ""  # "center" | "right" | "" as the cell is aligned in the workbook


def shown(value, number_format: str) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat(sep=" "), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, bool):
        return str(value).upper(), False
    if isinstance(value, float):
        decimals = number_format.count("0") - 1 if "." in number_format else (0 if value.is_integer() else 2)
        return f"{value:.{max(decimals, 0)}f}", True
    if isinstance(value, int):
        return str(value), True
    return str(value), False


def preview(filled: Filled) -> dict:
    """The first sheet as rows of cells for an HTML table (merged ranges as spans, formulas shown as written)."""
    ws = filled.workbook.worksheets[0]
    spans, covered = {}, set()
    for m in ws.merged_cells.ranges:
        spans[(m.min_row, m.min_col)] = (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                if (r, c) != (m.min_row, m.min_col):
                    covered.add((r, c))
    max_row = min(ws.max_row, PREVIEW_ROWS)
    max_col = min(ws.max_column, PREVIEW_COLUMNS)
    rows = []
    for r in range(1, max_row + 1):
        row = []
        for c in range(1, max_col + 1):
            if (r, c) in covered:
                continue
            cell = ws._cells.get((r, c))
            value = None if cell is None else cell.value
            formula = cell is not None and cell.data_type == "f"
            text, number = ("" if value is None else str(getattr(value, "text", value)), False) if formula else \
                shown(value, cell.number_format if cell is not None else GENERAL)
            rowspan, colspan = spans.get((r, c), (1, 1))
            bold = cell is not None and bool(cell.font and cell.font.b)
            horizontal = (cell.alignment.horizontal or "") if cell is not None and cell.has_style else ""
            align = {"center": "center", "centerContinuous": "center", "right": "right"}.get(horizontal, "")
            row.append(PreviewCell(text, min(rowspan, max_row - r + 1), min(colspan, max_col - c + 1), number, formula,
                                   bold, align))
        rows.append(row)
    return {"title": ws.title, "columns": [get_column_letter(c) for c in range(1, max_col + 1)], "rows": rows,
            "more_rows": max(ws.max_row - max_row, 0), "more_columns": ws.max_column > max_col,
            "sheets": len(filled.workbook.worksheets)}
