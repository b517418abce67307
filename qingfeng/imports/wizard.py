"""The import page's column mapping (列对应) for a workbook of one's own: the proposal shown per sheet, the
user's choices read back from the form, and the first rows as the import will read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qingfeng.core import sheets as S
from qingfeng.core.sheets import Month
from qingfeng.imports import mapping
from qingfeng.imports.engine import Importer
from qingfeng.imports.mapping import SheetMap

SAMPLE_ROWS = 5


def importable(user: Any) -> list[S.Sheet]:
    return [s for s in S.all_sheets() if user.sees_discipline or not s.restricted]


def template_shaped(heads: dict[str, list[list[Any]]]) -> bool:
    """Every sheet is named as a template sheet: the file takes the templates' path, exactly as before."""
    return bool(heads) and all(S.get(name.strip()) is not None for name in heads)


@dataclass
class Cell:
    text: str
    problem: str = ""


@dataclass
class SheetView:
    """One sheet of the user's file on the mapping page."""

    index: int
    map: SheetMap
    choices: list[tuple[str, str]]  # (target, label) of the sheet's ledger
    columns: list[tuple[int, str, str]] = field(default_factory=list)  # (position, header, chosen target)
    rows: list[list[Cell]] = field(default_factory=list)  # the first rows as they will be read
    missing: list[str] = field(default_factory=list)


def shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, Month)):
        return str(value) if isinstance(value, Month) else value.isoformat()
    return str(value)


def sample(user: Any, m: SheetMap, head: list[list[Any]]) -> list[list[Cell]]:
    """The first data rows under the header, each mapped cell as the import reads it (or why it cannot)."""
    importer = Importer(user)
    sheet = S.get(m.ledger) if m.ledger else None
    parsers: dict[int, Any] = {}
    if sheet is not None:
        for i, target in m.columns.items():
            column = mapping.base(target)
            if column in sheet.index:
                parsers[i] = importer.loose_parser(sheet.col(column), target.endswith(mapping.BY_NAME))
    out = []
    for cells in head[m.header_row:]:
        if not any(mapping.cell_text(c) for c in cells):
            continue
        row = []
        for i in range(len(m.headers)):
            raw = cells[i] if i < len(cells) else None
            if i in parsers:
                value, problem = parsers[i](raw if raw is not None else "")
                row.append(Cell(shown(value), problem or ""))
            else:
                row.append(Cell(mapping.cell_text(raw)))
        out.append(row)
        if len(out) == SAMPLE_ROWS:
            break
    return out


def views(user: Any, maps: list[SheetMap], heads: dict[str, list[list[Any]]]) -> list[SheetView]:
    ledgers = {s.name: s for s in importable(user)}
    out = []
    for k, m in enumerate(maps):
        choices = mapping.targets(ledgers[m.ledger]) if m.ledger in ledgers else []
        view = SheetView(k, m, choices)
        view.columns = [(i, h, m.columns.get(i, "")) for i, h in enumerate(m.headers) if h]
        view.rows = sample(user, m, heads.get(m.source, []))
        view.missing = m.missing()
        out.append(view)
    return out


def from_post(post: Any, maps: list[SheetMap], heads: dict[str, list[list[Any]]], user: Any) -> list[SheetMap]:
    """The mappings as the user set them on the page: a changed ledger or header row proposes the columns again."""
    allowed = {s.name for s in importable(user)}
    out = []
    for k, m in enumerate(maps):
        ledger = post.get(f"s{k}-ledger", m.ledger)
        ledger = ledger if ledger in allowed else ""
        try:
            row = max(1, int(post.get(f"s{k}-header_row", m.header_row)))
        except (TypeError, ValueError):
            row = m.header_row
        head = heads.get(m.source, [])
        headers = mapping.headers_at(head, row) or m.headers
        if (ledger, row) != (m.ledger, m.header_row):
            columns = mapping.place(S.sheet(ledger), headers) if ledger else {}
        else:
            valid = {t for t, _label in mapping.targets(S.sheet(ledger))} if ledger else set()
            columns = {}
            for i, _h in enumerate(headers):
                target = post.get(f"s{k}-c{i}", "")
                if target in valid and mapping.base(target) not in {mapping.base(t) for t in columns.values()}:
                    columns[i] = target
        out.append(SheetMap(m.source, ledger, row, headers, columns))
    return out


def load(job: Any) -> list[SheetMap]:
    return [SheetMap.from_json(entry, entry.get("headers")) for entry in job.mapping]


def dump(maps: list[SheetMap]) -> list[dict[str, Any]]:
    return [{**m.to_json(), "headers": m.headers} for m in maps]


def heads_of(job: Any) -> dict[str, list[list[Any]]]:
    return mapping.read_heads(Path(job.stored_path))
