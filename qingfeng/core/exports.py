"""Exports in the import formats: a list's rows in the columns of its sheet (core.sheets), so export → import
changes nothing.

`export_response(queryset, sheet, fmt)` is what list pages call with the queryset they show (`?export=xlsx|csv`);
it reads each column's declared lookup, and a ledger's computed columns (覆盖日期) from the ledger."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from qingfeng.core import dates
from qingfeng.core import sheets as S

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


SHEET_NAME_MAX = 31  # Excel's limit


def short_sheet_name(text: str, limit: int = SHEET_NAME_MAX) -> str:
    """A sheet name within `limit` characters, without the characters Excel refuses; English cut at a word's end
    ("On the front line of major" rather than "…of major stru"), Chinese at any character."""
    text = " ".join("".join(ch for ch in text if ch not in "[]:*?/\\'").split())
    if len(text) <= limit:
        return text
    words = text[:limit + 1].split(" ")[:-1] if " " in text[:limit + 1] else [text[:limit]]
    while len(words) > 1 and words[-1].lower().strip(",;-—") in DANGLING:
        words.pop()  # "Organizational life and its" reads as cut; "Organizational life" does not
    return " ".join(words).rstrip(" ,;-—")


DANGLING = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "its", "their", "with", "by", "or", "at", "from"}


def export_headers(sheet: str) -> list[str]:
    """The columns an export of this sheet holds: every column the records know."""
    spec = _sheet(sheet)
    return [c.header for c in spec.columns if c.read or c.header in spec.ledger.computed]


def _sheet(name: str) -> S.Sheet:
    spec = S.get(name)
    if spec is None:
        raise ValueError(f"unknown sheet {name!r}")
    return spec


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def rows_for(queryset: QuerySet[Any], sheet: str) -> Iterator[list[Any]]:
    """The queryset's rows as lists of cell values in the sheet's column order."""
    spec = _sheet(sheet)
    headers = export_headers(sheet)
    read = [(h, spec.col(h).read) for h in headers if spec.col(h).read]
    yes_no = {h for h in headers if spec.col(h).choices == S.YES_NO}
    rows = spec.ledger.exportable(queryset).values_list("pk", *[lookup for _h, lookup in read])
    from qingfeng.core import jobs

    total = queryset.count() if jobs.current() else 0  # the job's page shows how far the rows are
    done = 0
    for chunk in _batches(rows.iterator(chunk_size=CHUNK), CHUNK):
        done += len(chunk)
        if total:
            jobs.report(_("正在导出“%(sheet)s”") % {"sheet": sheet}, done, total)
        current = spec.ledger.current([r[0] for r in chunk]) if spec.ledger.computed else {}
        for row in chunk:
            values = dict(zip([h for h, _l in read], row[1:], strict=True))
            values.update(current.get(row[0], {}))
            out = []
            for h in headers:
                value = values.get(h)
                if h in yes_no:
                    value = "是" if value else "否"
                out.append("" if value is None else value)
            yield out


def xlsx_bytes(sheets: list[tuple[str, list[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of (sheet name, headers, rows); dates as date cells, everything else as text or numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from qingfeng.core.spreadsheet import xlsx_row

    wb = Workbook(write_only=True)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(short_sheet_name(name))
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


def csv_bytes(headers: list[str], rows: Iterable[Sequence[object]]) -> bytes:
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
    return any(col.kind in (S.ID, S.PHONE) for col in _sheet(sheet).columns)


def masked(sheet: str, headers: list[str], rows: Iterable[list[Any]]) -> Iterator[Sequence[object]]:
    """ID and phone numbers masked and 出生日期 emptied (core.masking states the rule)."""
    from qingfeng.core.masking import mask_rows

    spec = _sheet(sheet)
    return mask_rows(rows, ids=[i for i, h in enumerate(headers) if spec.col(h).kind == S.ID],
                     phones=[i for i, h in enumerate(headers) if spec.col(h).kind == S.PHONE],
                     hidden=[i for i, h in enumerate(headers) if h == "出生日期"])


def export_response(queryset: QuerySet[Any], sheet: str, fmt: str, full_numbers: bool = False) -> HttpResponse:
    """The queryset's rows in the import format of `sheet` (党员, 活动, …) as .xlsx or .csv; ID and phone numbers
    masked unless `full_numbers` (which the caller has checked and audited: core.masking)."""
    headers = export_headers(sheet)
    stamp = dates.today().isoformat()
    rows = rows_for(queryset, sheet) if full_numbers else masked(sheet, headers, rows_for(queryset, sheet))
    name = f"{sheet}-完整号码" if full_numbers else sheet
    if fmt == "csv":
        return attachment(csv_bytes(headers, rows), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return attachment(xlsx_bytes([(sheet, headers, rows)]), f"{name}-{stamp}.xlsx", XLSX)
    raise ValueError(f"unknown format {fmt!r}")
