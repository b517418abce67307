"""Exports in the import formats: export → import changes nothing.

`export_response(queryset, sheet, fmt)` is the contract list pages call with the queryset they
show (`?export=xlsx|csv`)."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.http import HttpResponse

from qingfeng.core import dates
from qingfeng.core import sheets as S
from qingfeng.imports.engine import _chunks, coverage_since, record_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Header → lookup on the sheet's model for the sheets the generic RECORDS table does not describe.
LOOKUPS = {
    "党组织": ("orgs.Organization", {
        "组织编码": "code", "组织名称": "name", "上级组织编码": "parent__code", "组织类别": "kind", "单位类型": "sector",
        "层级": "level", "行政区划代码": "division_code", "成立日期": "established_on", "撤销日期": "dissolved_on",
        "本届选举日期": "term_started_on", "任期年限": "term_years"}),
    "党员": ("people.Person", {
        "姓名": "name", "公民身份号码": "id_number", "性别": "gender", "出生日期": "birth_date", "民族": "ethnicity",
        "学历": "education", "党员类别": "category", "入党日期": "admitted_on", "转正日期": "full_on",
        "所在党组织编码": "org__code", "干部管理层级": "cadre_level", "职务": "post", "手机号码": "phone"}),
    "换届": ("orgs.Election", {"组织编码": "org__code", "选举日期": "held_on", "任期年限": "term_years"}),
    "宣讲员": ("activities.Lecturer", {
        "小分队编码": "team__code", "公民身份号码": "person__id_number", "姓名": "person__name", "加入日期": "joined_on",
        "退出日期": "left_on"}),
    "选派干部": ("grassroots.Assignment", {"姓名": "person__name"}),
    "问责": ("supervision.Accountability", {"姓名": "person__name"}),
    "案件": ("discipline.Case", {"姓名": "person__name"}),
    "处置": ("discipline.Disposition", {"姓名": "person__name"}),
    "发展党员": ("membership.Candidate", {"姓名": "person__name"}),
}


def lookups_for(sheet: str) -> dict[str, str]:
    record = record_for(S.get(sheet))
    table = dict(record.lookups) if record else {}
    if sheet in LOOKUPS:
        table.update(LOOKUPS[sheet][1])
    return table


def rows_for(queryset, sheet: str):
    """The queryset's rows as lists of cell values in the sheet's column order."""
    spec = S.get(sheet)
    lookups = lookups_for(sheet)
    if sheet == "党员":
        queryset = queryset.filter(admitted_on__isnull=False, org__isnull=False)  # non-members are not 党员 rows
    headers = [h for h in spec.headers if h in lookups]
    if sheet == "两新组织":
        headers = spec.headers
    rows = queryset.values_list("pk", *[lookups[h] for h in headers if h in lookups])
    yes_no = {h for h in spec.headers if spec.col(h).choices == S.YES_NO}
    for chunk in _chunks(rows.iterator(chunk_size=2000), 2000):
        since = {}
        if sheet == "两新组织":
            since = coverage_since([r[0] for r in chunk])
        for row in chunk:
            values = dict(zip([h for h in headers if h in lookups], row[1:], strict=True))
            if sheet == "两新组织":
                values["覆盖日期"] = since.get(row[0]) if values.get("覆盖方式") != "未覆盖" else None
            out = []
            for h in headers:
                value = values.get(h)
                if h in yes_no:
                    value = "是" if value else "否"
                out.append("" if value is None else value)
            yield out


def export_headers(sheet: str) -> list[str]:
    spec = S.get(sheet)
    lookups = lookups_for(sheet)
    return spec.headers if sheet == "两新组织" else [h for h in spec.headers if h in lookups]


def xlsx_bytes(sheets: list[tuple[str, list[str], object]]) -> bytes:
    """A workbook of (sheet name, headers, rows); dates as date cells, everything else as text or numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from qingfeng.core.spreadsheet import xlsx_row

    wb = Workbook(write_only=True)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name)
        bold = Font(bold=True)
        header_cells = []
        for h in headers:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            header_cells.append(c)
        ws.append(header_cells)
        formats = {dt.date: "yyyy-mm-dd", str: "@"}
        for row in rows:
            ws.append(xlsx_row(ws, row, formats))  # text as string cells, never formulas
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(headers: list[str], rows) -> bytes:
    from qingfeng.core.spreadsheet import csv_writer

    out = io.StringIO()
    writer = csv_writer(out)  # dates in ISO form; text that could start a formula behind an apostrophe
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def has_personal_numbers(sheet: str) -> bool:
    return any(col.kind in (S.ID, S.PHONE) for col in S.get(sheet).columns)


def masked(sheet: str, headers: list[str], rows):
    """ID and phone numbers masked and 出生日期 emptied (core.masking states the rule)."""
    from qingfeng.core.masking import mask_rows

    spec = S.get(sheet)
    return mask_rows(rows, ids=[i for i, h in enumerate(headers) if spec.col(h).kind == S.ID],
                     phones=[i for i, h in enumerate(headers) if spec.col(h).kind == S.PHONE],
                     hidden=[i for i, h in enumerate(headers) if h == "出生日期"])


def export_response(queryset, sheet: str, fmt: str, full_numbers: bool = False) -> HttpResponse:
    """The queryset's rows in the import format of `sheet` (党员, 活动, …) as .xlsx or .csv; ID and phone numbers
    masked unless `full_numbers` (which the caller has checked and audited: core.masking)."""
    if S.get(sheet) is None:
        raise ValueError(f"unknown sheet {sheet!r}")
    headers = export_headers(sheet)
    stamp = dates.today().isoformat()
    rows = rows_for(queryset, sheet) if full_numbers else masked(sheet, headers, rows_for(queryset, sheet))
    name = f"{sheet}-完整号码" if full_numbers else sheet
    if fmt == "csv":
        return attachment(csv_bytes(headers, rows), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return attachment(xlsx_bytes([(sheet, headers, rows)]), f"{name}-{stamp}.xlsx", XLSX)
    raise ValueError(f"unknown format {fmt!r}")
