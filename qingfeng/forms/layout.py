"""Repeated rows of a workbook, laid out as if a person had inserted the rows by hand.

A template row marked `{{ each child }}` / `{{ each branch }}` becomes one row per organization. Everything
below it moves down; each copy keeps the row's styles, height and merged cells; formulas anywhere in the
workbook follow the rows they point at, and a range covering a repeated row (or running from above it to
below it) is widened over every copy (`=SUM(C4:C4)` over ten copies becomes `=SUM(C4:C13)`). A formula on a
repeated row is copied like Excel's fill-down: in the k-th copy, a relative reference to its own row points
at the k-th copy, an absolute one at the first (`=SUM($B$4:B4)` is a running total); a range absolute at both
ends (`$B$4:$B$4`) is the whole block there too, so `=B4/SUM($B$4:$B$4)` is each row's share. The same rules move merged ranges, conditional formats, data
validations, tables, the print area, frozen panes and defined names.

openpyxl's own `insert_rows` moves cells only; this module rebuilds each sheet's cell map once instead."""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.merge import MergedCellRange

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
_PART = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)([0-9]+)?$")


class RowMap:
    """Where each template row of one sheet lands: repeated rows (template row → number of copies ≥ 1)."""

    def __init__(self, copies: dict[int, int]):
        self.copies = {row: n for row, n in copies.items() if n >= 1}
        self._rows = sorted(self.copies)

    def __bool__(self) -> bool:
        return any(n != 1 for n in self.copies.values())

    def first(self, row: int) -> int:
        """The output row of a template row (of its first copy, for a repeated row)."""
        shift = 0
        for r in self._rows:
            if r >= row:
                break
            shift += self.copies[r] - 1
        return row + shift

    def last(self, row: int) -> int:
        return self.first(row) + self.copies.get(row, 1) - 1

    def is_repeated(self, row: int) -> bool:
        return row in self.copies


@dataclass(frozen=True)
class Home:
    """A formula's own place: a cell of sheet `sheet` (lower case) on template row `row`, in copy `k`."""

    sheet: str
    row: int
    k: int = 0


IDENTITY = RowMap({})


class Layout:
    """The row maps of every sheet of a workbook (sheet titles compared as Excel does, ignoring case)."""

    def __init__(self, maps: dict[str, RowMap]):
        self.maps = {title.lower(): m for title, m in maps.items() if m.copies}

    def of(self, title: str) -> RowMap:
        return self.maps.get(title.lower(), IDENTITY)

    # ---- references ------------------------------------------------------------------------

    def _row(self, rows: RowMap, sheet: str, row: int, role: str, absolute: bool, home: Home | None) -> int:
        if home is not None and home.sheet == sheet and home.row == row and rows.is_repeated(row):
            return rows.first(row) + (0 if absolute else home.k)
        return rows.last(row) if role == "end" else rows.first(row)

    def reference(self, text: str, home_sheet: str, home: Home | None) -> str:
        """One reference token (`C4`, `$C$4:$C$4`, `'表 2'!D5`, `4:5`) moved; anything else unchanged."""
        prefix, sep, ref = text.rpartition("!")
        if sep:
            if prefix.startswith("[") or (":" in prefix and not prefix.startswith("'")):
                return text  # another workbook, or a 3-D reference over several sheets
            sheet = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
        else:
            sheet = home_sheet
        key = sheet.lower()
        rows = self.maps.get(key)
        if rows is None:
            return text
        parts = ref.split(":")
        if len(parts) > 2:
            return text
        parsed = []
        for part in parts:
            m = _PART.match(part)
            if m is None or (m.group(2) is None and m.group(4) is None):
                return text  # a defined name, an error literal …
            col, row = m.group(2), m.group(4)
            if col is not None and column_index_from_string(col.upper()) > MAX_COLUMN:
                return text
            if row is not None and not 1 <= int(row) <= MAX_ROW:
                return text
            parsed.append(m)
        if len(parsed) == 1 and (parsed[0].group(2) is None or parsed[0].group(4) is None):
            return text
        if len(parsed) == 2 and all(m.group(3) for m in parsed):
            home = None  # an absolute range, even on the formula's own row, is the whole block: widened
        out = []
        for n, m in enumerate(parsed):
            dollar_col, col, dollar_row, row = m.groups()
            if row is None:
                out.append(part_text(dollar_col, col, "", None))
                continue
            role = "single" if len(parsed) == 1 else ("start" if n == 0 else "end")
            new = self._row(rows, key, int(row), role, bool(dollar_row), home)
            out.append(part_text(dollar_col, col, dollar_row, new))
        return f"{prefix}{sep}{':'.join(out)}"

    def formula(self, text: str, home_sheet: str, home: Home | None = None) -> str:
        """A formula (`=…`) with every reference moved."""
        if not self.maps or not isinstance(text, str) or not text.startswith("="):
            return text
        try:
            tokens = Tokenizer(text)
        except TokenizerError:
            return text
        changed = False
        for token in tokens.items:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                moved = self.reference(token.value, home_sheet, home)
                if moved != token.value:
                    token.value, changed = moved, True
        return tokens.render() if changed else text

    def cell_range(self, ref: str, sheet: str) -> str:
        """A range of a sheet's own structures (merged cells aside): covering a repeated row widens it."""
        rows = self.of(sheet)
        r = CellRange(ref)
        return CellRange(min_col=r.min_col, max_col=r.max_col, min_row=rows.first(r.min_row),
                         max_row=rows.last(r.max_row)).coord

    def ranges(self, multi: MultiCellRange, sheet: str) -> str:
        return " ".join(self.cell_range(r.coord, sheet) for r in multi.ranges)


def part_text(dollar_col: str, col: str | None, dollar_row: str, row: int | None) -> str:
    return f"{dollar_col}{col or ''}{dollar_row}{'' if row is None else row}"


# ---- merged ranges ---------------------------------------------------------------------------

def merge_conflicts(ws, repeated_rows) -> list[str]:
    """Merged ranges that start on a repeated row and reach below it: their copies would overlap."""
    rows = set(repeated_rows)
    return [m.coord for m in ws.merged_cells.ranges if m.max_row > m.min_row and m.min_row in rows]


# ---- applying a layout -----------------------------------------------------------------------

def _clone(cell, ws, row: int, column: int):
    if isinstance(cell, MergedCell):
        merged = MergedCell(ws, row=row, column=column)
        merged._style = copy(cell._style)  # type: ignore[attr-defined]  # openpyxl's private slots (its own WorksheetCopy copies them); not in the stubs
        return merged
    new = Cell(ws, row=row, column=column)
    new._value = copy(cell._value)  # type: ignore[attr-defined]  # openpyxl's private slots (its own WorksheetCopy copies them); not in the stubs
    new.data_type = cell.data_type
    new._style = copy(cell._style)  # type: ignore[attr-defined]  # openpyxl's private slots (its own WorksheetCopy copies them); not in the stubs
    if cell._hyperlink is not None:
        new._hyperlink = copy(cell._hyperlink)  # type: ignore[attr-defined]  # openpyxl's private slots (its own WorksheetCopy copies them); not in the stubs
    if cell._comment is not None:
        new.comment = copy(cell._comment)
    return new


def _translate_cell(cell, layout: Layout, home_sheet: str, home: Home | None) -> None:
    if cell.data_type != "f":
        return
    value = cell._value
    if isinstance(value, ArrayFormula):
        ref = value.ref
        if ref and home is None:
            ref = layout.cell_range(ref, home_sheet)
        elif ref:
            ref = CellRange(min_col=CellRange(ref).min_col, max_col=CellRange(ref).max_col, min_row=cell.row,
                            max_row=cell.row + CellRange(ref).size["rows"] - 1).coord
        text = value.text
        cell._value = ArrayFormula(ref, layout.formula(text, home_sheet, home) if text is not None else None)
    elif isinstance(value, str):
        cell._value = layout.formula(value, home_sheet, home)


def _rebuild_cells(ws, layout: Layout) -> None:
    title = ws.title.lower()
    rows = layout.of(ws.title)
    cells = {}
    for (r, c), cell in sorted(ws._cells.items()):
        if rows.is_repeated(r):
            first = rows.first(r)
            # Copies are taken from the template cell before it is translated for the first copy.
            copies = [cell] + [_clone(cell, ws, first + k, c) for k in range(1, rows.copies[r])]
            for k, target in enumerate(copies):
                target.row = first + k
                _translate_cell(target, layout, title, Home(title, r, k))
                cells[(first + k, c)] = target
        else:
            cell.row = rows.first(r)
            _translate_cell(cell, layout, title, None)
            cells[(cell.row, c)] = cell
    ws._cells = cells
    for cell in cells.values():
        if getattr(cell, "_hyperlink", None) is not None:
            cell._hyperlink.ref = cell.coordinate


def _rebuild_rows(ws, rows: RowMap) -> None:
    old = dict(ws.row_dimensions)
    ws.row_dimensions.clear()
    for index, dim in old.items():
        first = rows.first(index)
        for k in range(rows.copies.get(index, 1)):
            d = dim if k == 0 else copy(dim)
            d.index = first + k
            ws.row_dimensions[first + k] = d


def _rebuild_merges(ws, rows: RowMap) -> None:
    old = list(ws.merged_cells.ranges)
    ws.merged_cells = MultiCellRange()
    for m in old:
        if m.min_row == m.max_row and rows.is_repeated(m.min_row):
            first = rows.first(m.min_row)
            spans = [(first + k, first + k) for k in range(rows.copies[m.min_row])]
        else:
            spans = [(rows.first(m.min_row), rows.last(m.max_row))]
        for lo, hi in spans:
            coord = f"{get_column_letter(m.min_col)}{lo}:{get_column_letter(m.max_col)}{hi}"
            ws.merged_cells.add(MergedCellRange(ws, coord))


def _rebuild_formats(ws, layout: Layout) -> None:
    from openpyxl.formatting.formatting import ConditionalFormattingList

    old = ws.conditional_formatting
    new = ConditionalFormattingList()
    for cf in old:
        for rule in cf.rules:
            new.add(layout.ranges(cf.sqref, ws.title), rule)
    ws.conditional_formatting = new
    for dv in ws.data_validations.dataValidation:
        dv.sqref = MultiCellRange(layout.ranges(dv.sqref, ws.title))
    for table in ws.tables.values():
        table.ref = layout.cell_range(table.ref, ws.title)
        if table.autoFilter is not None and table.autoFilter.ref:
            table.autoFilter.ref = layout.cell_range(table.autoFilter.ref, ws.title)
    if ws.auto_filter.ref:
        ws.auto_filter.ref = layout.cell_range(ws.auto_filter.ref, ws.title)
    if ws._print_area is not None and ws._print_area.ranges:
        ws.print_area = [layout.cell_range(r.coord, ws.title) for r in ws._print_area.ranges]
    titles = ws._print_rows
    if titles is not None and titles.min_row:
        rows = layout.of(ws.title)
        ws.print_title_rows = f"{rows.first(int(titles.min_row))}:{rows.last(int(titles.max_row))}"
    if ws.freeze_panes:
        top = CellRange(ws.freeze_panes)
        ws.freeze_panes = f"{get_column_letter(top.min_col)}{layout.of(ws.title).first(top.min_row)}"


def _rebuild_names(names, layout: Layout, home_sheet: str) -> None:
    for name in names.values():
        text = name.attr_text
        if not text or name.is_external:
            continue
        moved = layout.formula("=" + text, home_sheet)
        name.attr_text = moved[1:]


def apply(wb, layout: Layout) -> None:
    """Lay the workbook out: rows repeated as the layout says, every reference moved with them."""
    if not layout.maps:
        return
    for ws in wb.worksheets:
        rows = layout.of(ws.title)
        _rebuild_cells(ws, layout)
        if rows.copies:
            _rebuild_rows(ws, rows)
            _rebuild_merges(ws, rows)
            _rebuild_formats(ws, layout)
        _rebuild_names(ws.defined_names, layout, ws.title)
    _rebuild_names(wb.defined_names, layout, "")


def sheet_ref(title: str, coordinate: str) -> str:
    return f"{quote_sheetname(title)}!{coordinate}"
