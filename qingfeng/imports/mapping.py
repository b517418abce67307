"""Reading people's own workbooks (issue 23, docs/import-own-excel.md): which ledger a sheet is, which of its first
rows holds the headers, which header is which column.

A roster as people keep it — a merged title row “第一网格党支部党员花名册”, a unit/date line, then `序号, 姓名, 性别,
…, 身份证号码, …, 所在党支部, 联系电话` in a sheet called Sheet1 — is proposed as a `SheetMap`: the ledger whose
declared headers and synonyms (core.sheets.Col.synonyms, beside each app's sheet) match most cells of one of the
first rows, that row as the header, each header placed on a column (an organization column by name where the
header says 支部名称, 所在党支部 …). The user may change any of it (the wizard, a saved mapping file); a mapping
confirmed on the page is remembered for the user's organization and proposed again for the same headers. The
engine then reads the sheet through the mapping (`Importer.validate(raw, maps)`) with the same whole-file checks
as a template, reporting each problem at the user's own sheet, row and header."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.core import sheets as S

HEAD_ROWS = 15  # the header is looked for among these rows
BY_NAME = "（按名称）"  # a target holding an organization's name instead of its code
NOISE = re.compile(r"[（(][^）)]*[）)]|[\s*＊:：]")
SERIAL = {"序号", "序", "顺序号", "no", "no.", "#", "编号序号"}
FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def norm(text: object) -> str:
    """A header as compared: half-width, without spaces, marks (*, ：) or a note in brackets (出生日期（年月））."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return NOISE.sub("", str(text).translate(FULLWIDTH)).lower()


def base(target: str) -> str:
    """The declared column of a target ("所在党组织编码（按名称）" → "所在党组织编码")."""
    return target.removesuffix(BY_NAME)


def signature(headers: list[str]) -> str:
    """What a remembered mapping is found by: the non-empty headers of the row, as compared."""
    return hashlib.sha256("\x1f".join(norm(h) for h in headers if norm(h)).encode()).hexdigest()


def targets(sheet: S.Sheet) -> list[tuple[str, str]]:
    """(target, label) a header of this ledger may be placed on: each column, and each organization column by name."""
    out = []
    for col in sheet.columns:
        out.append((col.header, col.header + ("（必填）" if col.required else "")))
        if col.org:
            out.append((col.header + BY_NAME, col.header.removesuffix("编码") + "名称" + BY_NAME))
    return out


def vocabulary(sheet: S.Sheet) -> dict[str, str]:
    """Normalized header → target: the declared headers, their synonyms, and the name synonyms of organization
    columns."""
    words: dict[str, str] = {}
    for col in sheet.columns:
        for text in (col.header, *col.synonyms):
            words.setdefault(norm(text), col.header)
        for text in col.name_synonyms:
            words.setdefault(norm(text), col.header + BY_NAME)
    return words


@dataclass
class SheetMap:
    """How one sheet of the user's file reads as a ledger."""

    source: str  # the sheet's name in the user's file
    ledger: str  # the declared sheet it is read as; "" = not imported
    header_row: int  # 1-based
    headers: list[str] = field(default_factory=list)  # the header row's cells as written, by position
    columns: dict[int, str] = field(default_factory=dict)  # position → target

    @property
    def placed(self) -> dict[str, int]:
        """Declared column → position."""
        return {base(t): i for i, t in self.columns.items()}

    @property
    def by_name(self) -> set[str]:
        return {base(t) for t in self.columns.values() if t.endswith(BY_NAME)}

    def header_of(self, column: str) -> str:
        """The user's header for a declared column (the declared name when it is not placed)."""
        i = self.placed.get(column)
        return self.headers[i] if i is not None and i < len(self.headers) and self.headers[i] else column

    def unplaced(self) -> list[str]:
        return [h for i, h in enumerate(self.headers) if h and i not in self.columns and norm(h) not in SERIAL]

    def missing(self) -> list[str]:
        """Required columns of the ledger no header is placed on."""
        if not self.ledger:
            return []
        placed = self.placed
        return [c.header for c in S.sheet(self.ledger).columns if c.required and c.header not in placed]

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.source, "ledger": self.ledger, "header_row": self.header_row,
                "columns": {self.headers[i]: t for i, t in sorted(self.columns.items()) if i < len(self.headers)}}

    @classmethod
    def from_json(cls, data: dict[str, Any], headers: list[str] | None = None) -> SheetMap:
        """A saved mapping applied to a sheet whose header row holds `headers` (by default the saved ones)."""
        columns_by_header = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
        headers = headers if headers is not None else list(columns_by_header)
        columns: dict[int, str] = {}
        for i, h in enumerate(headers):
            target = columns_by_header.get(h)
            if target and i not in columns and base(target) not in {base(t) for t in columns.values()}:
                columns[i] = target
        return cls(str(data.get("sheet", "")), str(data.get("ledger", "")), int(data.get("header_row") or 1),
                   headers, columns)

    def describe(self) -> list[str]:
        """The mapping in words, as the command line prints it."""
        if not self.ledger:
            return [_("工作表“%(sheet)s”：未识别为任何台账，不导入") % {"sheet": self.source}]
        lines = [_("工作表“%(sheet)s”：第%(row)d行为表头，按“%(ledger)s”导入") % {
            "sheet": self.source, "row": self.header_row, "ledger": self.ledger}]
        for i, target in sorted(self.columns.items()):
            lines.append(f"  {self.headers[i]} → {target}")
        if self.unplaced():
            lines.append("  " + _("未对应（忽略）：%(headers)s") % {"headers": "、".join(self.unplaced())})
        return lines


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def place(sheet: S.Sheet, headers: list[str]) -> dict[int, str]:
    """Each header on the column its text names (declared header or synonym), each column at most once."""
    words = vocabulary(sheet)
    columns: dict[int, str] = {}
    taken: set[str] = set()
    for i, h in enumerate(headers):
        target = words.get(norm(h))
        if target and base(target) not in taken:
            columns[i] = target
            taken.add(base(target))
    return columns


def score(sheet: S.Sheet, headers: list[str]) -> int:
    """How well a row reads as this ledger's header: placed columns, required ones counting double."""
    placed = {base(t) for t in place(sheet, headers).values()}
    return sum(2 if sheet.col(h).required else 1 for h in placed)


def propose(source: str, head: list[list[Any]], sheets: list[S.Sheet],
            remembered: dict[str, dict[str, Any]] | None = None) -> SheetMap:
    """The ledger, header row and columns of a sheet from its first rows; a remembered mapping (by the headers'
    signature) wins."""
    remembered = remembered or {}
    best: tuple[int, int, SheetMap] | None = None
    first = None
    for r, cells in enumerate(head[:HEAD_ROWS], start=1):
        headers = [cell_text(c) for c in cells]
        if sum(1 for h in headers if h) < 2:
            continue  # a title, a merged banner, a blank row
        first = first or (r, headers)
        saved = remembered.get(signature(headers))
        if saved is not None:
            return SheetMap.from_json({**saved, "sheet": source, "header_row": r}, headers)
        for order, sheet in enumerate(sheets):
            points = score(sheet, headers)
            if points >= 3 and (best is None or (points, -order) > (best[0], best[1])):
                best = (points, -order, SheetMap(source, sheet.name, r, headers, place(sheet, headers)))
    if best is not None:
        return best[2]
    r, headers = first or (1, [])
    return SheetMap(source, "", r, headers, {})


def headers_at(head: list[list[Any]], row: int) -> list[str]:
    return [cell_text(c) for c in head[row - 1]] if 0 < row <= len(head) else []


def remembered_for(user: Any, heads: dict[str, list[list[Any]]]) -> dict[str, dict[str, Any]]:
    """Mappings the user's organization confirmed before, for any candidate header row of these sheets."""
    from qingfeng.imports.models import SavedMapping

    sigs = {signature([cell_text(c) for c in cells]) for head in heads.values() for cells in head[:HEAD_ROWS]}
    rows = SavedMapping.objects.filter(org_id=getattr(user, "org_id", None), signature__in=sigs)
    return {m.signature: {"ledger": m.ledger, "columns": m.columns} for m in rows}


def remember(user: Any, maps: list[SheetMap]) -> None:
    """Keep confirmed mappings for the user's organization (proposed again for a file with the same headers)."""
    from qingfeng.imports.models import SavedMapping

    for m in maps:
        if m.ledger:
            SavedMapping.objects.update_or_create(
                org_id=getattr(user, "org_id", None), signature=signature(m.headers),
                defaults={"ledger": m.ledger, "columns": m.to_json()["columns"], "user": user})


def read_heads(path: Path) -> dict[str, list[list[Any]]]:
    """The first rows of every sheet of a file (read by the bounded reader), by sheet name."""
    from qingfeng.imports.reader import close, read_path

    raw = read_path(Path(path))
    try:
        return {sheet.name: [list(r) for r in islice(sheet.rows, HEAD_ROWS)]
                for sheet in raw
                if sheet.name not in S.IGNORED_SHEETS}
    finally:
        close(raw)


def auto(path: Path, user: Any, sheets: list[S.Sheet]) -> list[SheetMap]:
    """A proposed mapping for every sheet of the file."""
    return propose_all(user, read_heads(path), sheets)


def propose_all(user: Any, heads: dict[str, list[list[Any]]], sheets: list[S.Sheet]) -> list[SheetMap]:
    remembered = remembered_for(user, heads)
    return [propose(name, head, sheets, remembered) for name, head in heads.items()]


def from_file(data: dict[str, Any], path: Path) -> list[SheetMap]:
    """A saved mapping (`--map mapping.json`) applied to the file: each sheet's headers read at its header row."""
    heads = read_heads(path)
    maps = []
    for entry in data.get("sheets", []):
        head = heads.get(str(entry.get("sheet", "")), [])
        maps.append(SheetMap.from_json(entry, headers_at(head, int(entry.get("header_row") or 1))))
    return maps
