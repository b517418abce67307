"""The import engine: one validator over every sheet the apps declare (qingfeng.core.sheets).

`Importer(user).validate(raw_sheets)` checks the whole file — cells, enumerations, ID numbers and credit codes,
dates, each sheet's rules, references within the file and to the database, duplicate keys, the user's subtree —
with a bounded number of queries (one per sheet and 5,000 keys), and plans what to create, update or leave
unchanged. `Importer.write()` then applies the plan in one transaction (imports.writer); the engine knows no
sheet by name: what differs between sheets is in their declarations. qingfeng.imports.actions.run_import is the
entry point pages and the command use."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from operator import mul
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.accounts.access import (
    WRITERS_DISCIPLINE,
    WRITERS_PARTY_WORK,
    WRITERS_STUDY,
    WRITERS_SUPERVISION,
    can_write,
)
from qingfeng.core import changes, dates
from qingfeng.core import sheets as S
from qingfeng.core.bulk import gc_paused, references_known
from qingfeng.core.idnumbers import ID_CHECK, ID_WEIGHTS, credit_problem, id_birth_date, id_problem
from qingfeng.core.ledger import person_not_available
from qingfeng.core.sheets import Month, OrgRef, PersonRef, Row, SheetPlan, chunks
from qingfeng.imports import writer
from qingfeng.imports.mapping import SheetMap
from qingfeng.imports.reader import CellValue, RawSheet
from qingfeng.imports.values import FORMS as DATE_FORMS
from qingfeng.imports.values import compact_name, loose_date

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

T = TypeVar("T")
# A cell read: (its logical value — text, a number, a date, a Month, a flag or None —, the problem or None).
Parsed = tuple[Any, str | None]
Parser = Callable[[CellValue], Parsed]
MAX_PROBLEMS = 5000
FAST_KINDS = {S.FREE, S.TEXT, S.ENUM, S.CODE, S.DATE, S.ID, S.PHONE, S.NAME}
CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
PHONE_NOISE = re.compile(r"[\s\-－—]")
WRITERS = {"party": WRITERS_PARTY_WORK, "study": WRITERS_STUDY | WRITERS_SUPERVISION,
           "supervision": WRITERS_SUPERVISION, "discipline": WRITERS_DISCIPLINE}
FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_MISS = object()


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet or _("文件")
        if self.row:
            where += _(" 第%(row)d行") % {"row": self.row}
        if self.column:
            where += f" [{self.column}]"
        return f"{where}：{self.message}"


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _empty_row(cells: Sequence[CellValue]) -> bool:
    for v in cells:  # stops at the first real value, usually the first cell
        if v and (type(v) is not str or v.strip()):
            return False
    return True


class Importer:
    """One import: the validation, the plan and the write; the Context (core.sheets) each sheet's rules see."""

    def __init__(self, user: User, today: dt.date | None = None):
        from django.utils import timezone

        from qingfeng.accounts.access import scope_root

        self.user = user
        self.today = today or dates.today()
        self.now = timezone.now()
        self.root = scope_root(user)
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.notices: list[Problem] = []
        self.plans: dict[str, SheetPlan] = {}
        self.orgs: dict[str, OrgRef] = {}
        self.people: dict[str, PersonRef] = {}
        self.registered: dict[str, tuple[str, int]] = {}  # 公民身份号码 → (姓名, row) of the 党员 rows
        self.new_people: dict[str, str] = {}  # 公民身份号码 → 姓名 of persons other sheets name, not yet known
        self.ids: dict[str, dict[Any, int]] = defaultdict(dict)
        self.paths: dict[str, dict[str, str | None]] = defaultdict(dict)  # referenced sheet → key → org path
        self.rows_total = 0
        self.dates: dict[str, dt.date] = {}
        self.codes: dict[str, str] = {}
        self._memo: dict[str, Any] = {}
        self._codes_cache: dict[tuple[str, tuple[str, ...]], set[Any]] = {}
        self.done, self.total = 0, 1
        self.committed = False  # the records are written; the facts may still be catching up (write_steps)
        self.ledgers: tuple[str, ...] = ()  # the models the write writes, when known (written_models)
        self.owners: dict[Any, set[int]] = defaultdict(set)
        self.where: dict[str, SheetMap] = {}  # ledger → the mapping its sheet of the user's file is read through

    # ---- problems and the context ------------------------------------------------------------

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        m = self.where.get(sheet)
        if m is not None:  # read through a mapping: the user's own sheet and headers
            sheet, column = m.source, "+".join(m.header_of(c) for c in column.split("+")) if column else column
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, message))

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def in_scope(self, path: str | None) -> bool:
        return self.root is None or (path is not None and path.startswith(self.root.path))

    def memo(self, key: str, make: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])  # what make() gave for this key: one key, one kind of value

    # ---- pass 1: cells ------------------------------------------------------------------

    def validate(self, raw_sheets: list[RawSheet], maps: list[SheetMap] | None = None) -> bool:
        """Check the whole file; with `maps` its sheets are read through those mappings (imports.mapping) instead
        of by their names and template headers."""
        with gc_paused():  # the rows read are kept until the write: no cycles to look for among them (core.bulk)
            return self._validate(raw_sheets, maps)

    def _validate(self, raw_sheets: list[RawSheet], maps: list[SheetMap] | None) -> bool:
        seen: dict[str, str] = {}
        mapped = {m.source: m for m in maps} if maps is not None else None
        for raw in raw_sheets:
            sheet = self._accept(raw, seen) if mapped is None else self._accept_mapped(raw, seen, mapped)
            if sheet is not None:
                self.read_sheet(sheet, raw)
        if self.problem_count:
            return False
        if not self.plans:
            self.error("", None, "", _("文件中没有可导入的工作表"))
            return False
        if self.rows_total == 0:
            self.error("", None, "", _("文件中没有任何数据行（只有表头或为空）"))
            return False
        self.load_references()
        self.plan_people()
        for sheet in S.all_sheets():
            if sheet.name in self.plans:
                sheet.ledger.plan(self, self.plans[sheet.name])
        return self.ok

    def _accept(self, raw: RawSheet, seen: dict[str, str]) -> S.Sheet | None:
        """The sheet a raw sheet is, by its name, when the user may import it."""
        name = raw.name.translate(FULLWIDTH).strip()
        if name in S.IGNORED_SHEETS:
            return None
        sheet = S.get(name)
        if sheet is None:
            self.error(name, None, "", _("不是导入模板中的工作表名称（可用的名称：%(names)s）") % {
                "names": "、".join(s.name for s in S.all_sheets())})
        elif name in seen:
            self.error(name, None, "", _("文件中有两个同名的工作表"))
        elif self._may_import(sheet, name):
            seen[name] = name
            return sheet
        return None

    def _accept_mapped(self, raw: RawSheet, seen: dict[str, str], maps: dict[str, SheetMap]) -> S.Sheet | None:
        """The ledger a sheet of the user's own workbook is read as, by its mapping."""
        m = maps.get(raw.name)
        sheet = S.get(m.ledger) if m is not None and m.ledger else None
        if m is None or not m.ledger:
            if raw.name not in S.IGNORED_SHEETS:
                self.notices.append(Problem(raw.name, None, "", _("未对应任何台账，未导入")))
            return None
        if sheet is None:
            self.error(raw.name, None, "", _("“%(ledger)s”不是可导入的台账") % {"ledger": m.ledger})
        elif sheet.name in seen:
            self.error(raw.name, None, "", _("与工作表“%(other)s”都对应“%(ledger)s”，请合并为一个工作表或分两次导入") % {
                "other": seen[sheet.name], "ledger": sheet.name})
        elif self._may_import(sheet, raw.name):
            seen[sheet.name] = raw.name
            self.where[sheet.name] = m
            return sheet
        return None

    def _may_import(self, sheet: S.Sheet, name: str) -> bool:
        if sheet.restricted and not self.user.sees_discipline:
            self.error(name, None, "", _("该工作表为纪检监察受限数据，您的角色无权导入，整个文件已拒绝"))
        elif not can_write(self.user, WRITERS[sheet.writers]):
            self.error(name, None, "", _("您的角色无权导入该工作表"))
        else:
            return True
        return False

    def read_sheet(self, sheet: S.Sheet, raw: RawSheet) -> None:
        rows: Iterator[list[CellValue]] = iter(raw.rows)
        m = self.where.get(sheet.name)
        header = self._header(sheet, rows) if m is None else self._mapped_header(sheet, rows, m)
        if header is None:
            return
        start, positions = header
        derived = {c.header for c in sheet.columns if m is not None and c.derive}  # read from the rest of the row
        plan = SheetPlan(sheet, present=set(positions) | derived)
        self.plans[sheet.name] = plan
        self._read_rows(plan, rows, start, positions)
        self.rows_total += len(plan.rows)

    def _header(self, sheet: S.Sheet, rows: Iterator[list[CellValue]]) -> tuple[int, dict[str, int]] | None:
        """(row number, header → position) from the first non-empty row (leading empty rows are tolerated)."""
        start, header_row = 0, None
        for cells in rows:
            start += 1
            if any(_cell_text(v).strip() for v in cells):
                header_row = cells
                break
        if header_row is None:
            self.error(sheet.name, None, "", _("工作表是空的，没有表头"))
            return None
        positions: dict[str, int] = {}
        for i, value in enumerate(header_row):
            header = _cell_text(value).translate(FULLWIDTH).strip()
            if not header:
                continue
            if header in positions:
                self.error(sheet.name, start, header, _("表头重复"))
            elif header in sheet.index:
                positions[header] = i
            else:
                self.notices.append(Problem(sheet.name, start, header, _("不是该表的列，已忽略")))
        missing = [c.header for c in sheet.columns if c.required and c.header not in positions]
        for header in missing:
            self.error(sheet.name, start, header, _("缺少必填列“%(col)s”（表头须与模板一致）") % {"col": header})
        return None if missing else (start, positions)

    def _mapped_header(self, sheet: S.Sheet, rows: Iterator[list[CellValue]], m: SheetMap) -> tuple[int, dict[str, int]] | None:
        """(header row, declared column → position) of a sheet read through its mapping."""
        for _row in islice(rows, m.header_row):
            pass
        positions = {h: i for h, i in m.placed.items() if h in sheet.index}
        seen = "、".join(h for h in m.headers if h) or _("（无）")
        for col in sheet.columns:
            if col.required and col.header not in positions and col.derive is None:
                self.error(sheet.name, m.header_row, col.header, _("缺少必填列：没有哪一列对应到它（本表的表头：%(headers)s）") % {
                    "headers": seen})
        for header in m.unplaced():
            self.notices.append(Problem(m.source, m.header_row, header, _("没有对应到任何列，已忽略")))
        if any(c.required and c.header not in positions and c.derive is None for c in sheet.columns):
            return None
        return m.header_row, positions

    def _read_rows(self, plan: SheetPlan, rows: Iterator[list[CellValue]], start: int, positions: dict[str, int]) -> None:
        sheet, name = plan.sheet, plan.sheet.name
        m = self.where.get(name)
        by_name = m.by_name if m is not None else set()
        columns = [(sheet.index[h], sheet.col(h).header, p,
                    self.parser(sheet.col(h)) if m is None else self.loose_parser(sheet.col(h), h in by_name))
                   for h, p in positions.items()]
        width = len(sheet.columns)
        fill = [(sheet.index[c.header], c.default) for c in sheet.columns if c.default is not None]
        derived = [(sheet.index[c.header], c) for c in sheet.columns if m is not None and c.derive and c.header not in positions]
        key_idx = [sheet.index[h] for h in sheet.key]
        single_key = key_idx[0] if len(key_idx) == 1 else None
        keys_seen: dict[Any, int] = {}
        for rownum, cells in enumerate(rows, start=start + 1):
            if _empty_row(cells):
                continue
            values: list[Any] = [None] * width
            bad = None
            ncells = len(cells)
            for idx, header, pos, parse in columns:
                value, problem = parse(cells[pos] if pos < ncells else "")
                if problem:
                    self.error(name, rownum, header, problem)
                    bad = (bad or set()) | {header}
                values[idx] = value
            if bad:
                if sheet.check_partial:  # still report what the good cells of the row get wrong together
                    self.check_row(sheet, rownum, values, bad)
                continue
            for idx, value in fill:
                if values[idx] is None or values[idx] == "":
                    values[idx] = value
            if derived and not self._derive(sheet, rownum, values, derived):
                continue
            if not self.check_row(sheet, rownum, values):
                continue
            key = values[single_key] if single_key is not None else tuple(values[i] for i in key_idx)
            first = keys_seen.setdefault(key, rownum)
            if first != rownum:
                self.error(name, rownum, "+".join(sheet.key), _("与第%(row)d行重复（同一文件中键值不能重复）") % {
                    "row": first})
                continue
            plan.rows.append((rownum, values))

    def _derive(self, sheet: S.Sheet, rownum: int, values: list[Any], derived: list[tuple[int, S.Col]]) -> bool:
        """Columns a workbook of one's own does not have, from the rest of the row (Col.derive)."""
        ok = True
        for idx, col in derived:
            assert col.derive is not None  # _read_rows lists only the columns that have one
            values[idx], problem = col.derive(Row(values, sheet.index, self.today, self.user))
            if problem:
                self.error(sheet.name, rownum, col.header, problem)
                ok = False
        return ok

    def parser(self, col: S.Col) -> Parser:
        """A function raw cell → (value, problem) for one column: the frequent cases answered from a cache of
        values already seen in the file (codes, enumerations, dates repeat) or with the fewest checks."""
        slow = self.cell
        kind = col.kind
        max_length = col.max_length
        if kind in (S.CODE, S.ENUM, S.DATE, S.NAME) and not (kind == S.ENUM and col.choices == S.YES_NO):
            seen: dict[str, object] = {}

            def cached(raw: CellValue) -> Parsed:
                if type(raw) is str:
                    value = seen.get(raw)
                    if value is not None:
                        return value, None
                    value, problem = slow(col, raw)
                    if problem is None and value is not None:
                        seen[raw] = value
                    return value, problem
                return slow(col, raw)

            return cached
        if kind == S.FREE:
            def free(raw: CellValue) -> Parsed:
                if type(raw) is str:
                    text = raw.strip()
                    if text and len(text) <= max_length:
                        return text, None
                return slow(col, raw)

            return free
        if kind == S.ID:
            def id_number(raw: CellValue) -> Parsed:
                if type(raw) is str and len(raw) == 18 and id_valid(raw):
                    return raw, None
                return slow(col, raw)

            return id_number
        return lambda raw: slow(col, raw)

    def loose_parser(self, col: S.Col, by_name: bool) -> Parser:
        """A parser for a column of the user's own workbook: dates, allowed values and organizations written the
        ways people write them (imports.values); everything else as in a template."""
        strict = self.parser(col)
        if by_name:
            def read(raw: CellValue) -> Parsed:
                return self._org_by_name(col, raw)
        elif col.kind == S.DATE:
            def read(raw: CellValue) -> Parsed:
                return self._loose_date(col, raw)
        elif col.kind == S.ENUM and col.aliases:
            aliases = dict(col.aliases)

            def read(raw: CellValue) -> Parsed:
                if type(raw) is str:
                    raw = aliases.get(raw.translate(FULLWIDTH).strip(), raw)
                return strict(raw)
        elif col.kind == S.PHONE:
            def read(raw: CellValue) -> Parsed:
                return strict(PHONE_NOISE.sub("", raw) if type(raw) is str else raw)
        else:
            return strict
        seen: dict[str, Parsed] = {}

        def cached(raw: CellValue) -> Parsed:
            if type(raw) is str:
                if raw not in seen:
                    seen[raw] = read(raw)
                return seen[raw]
            return read(raw)

        return cached

    def _loose_date(self, col: S.Col, raw: CellValue) -> Parsed:
        text = raw.translate(FULLWIDTH).strip() if isinstance(raw, str) else raw
        if text is None or text == "":
            return self._empty(col)
        value = loose_date(text)
        if value is None:
            return None, _("日期“%(v)s”无法识别（可写作 %(forms)s）") % {"v": _cell_text(raw), "forms": DATE_FORMS}
        if isinstance(value, Month) and not col.month_ok:
            return None, _("“%(v)s”只写了年月，%(col)s须写到日") % {"v": _cell_text(raw), "col": col.header}
        return value, None

    def _org_by_name(self, col: S.Col, raw: CellValue) -> Parsed:
        """An organization named in the user's subtree → its code; a name shared by several is refused, listing
        them with their parents."""
        text = _cell_text(raw).translate(FULLWIDTH).strip() if raw is not None else ""
        if not text:
            return self._empty(col)
        found = self.memo("imports.org_names", self._org_names).get(compact_name(text), [])
        live = [o for o in found if not o[3] or o[3] > self.today]
        pick = live if len(live) == 1 else found
        if len(pick) == 1:
            return pick[0][0], None
        if not found:
            if CODE_RE.match(text) and self.org_ref_known(text):
                return self.cell(col, text)  # a code written where names are expected
            return None, _("在您的管辖范围内没有名为“%(name)s”的组织（也可以在该列填写组织编码）") % {"name": text}
        listed = "；".join(_("编码 %(code)s（上级：%(parent)s）") % {"code": code, "parent": parent or _("无")}
                          for code, _name, parent, _end in pick[:10])
        return None, _("“%(name)s”对应%(n)d个组织：%(list)s。请在该列改填组织编码") % {
            "name": text, "n": len(pick), "list": listed}

    def _org_names(self) -> dict[str, list[tuple[str, str, str | None, dt.date | None]]]:
        from qingfeng.orgs.models import Organization

        orgs = Organization.objects.all() if self.root is None else Organization.objects.within(self.root)
        names: dict[str, list[tuple[str, str, str | None, dt.date | None]]] = defaultdict(list)
        for code, name, parent, dissolved in orgs.values_list("code", "name", "parent__name", "dissolved_on"):
            names[compact_name(name)].append((code, name, parent, dissolved))
        return names

    def org_ref_known(self, code: str) -> bool:
        from qingfeng.orgs.models import Organization

        orgs = Organization.objects.all() if self.root is None else Organization.objects.within(self.root)
        return orgs.filter(code=code).exists()

    def cell(self, col: S.Col, raw: CellValue) -> Parsed:
        """(logical value, problem) for one cell."""
        if type(raw) is str and col.kind in FAST_KINDS:
            value = self._text_fast(col, raw)
            if value is not _MISS:
                return value, None
        if raw is None or raw == "":
            return self._empty(col)
        if col.kind == S.DATE:
            return self._date(col, raw)
        text, problem = self._as_text(col, raw)
        if problem or text is None:
            return None, problem
        text = text.strip() if col.kind == S.FREE else text.translate(FULLWIDTH).strip()
        if not text:
            return self._empty(col)
        if len(text) > col.max_length:
            return None, _("长度超过%(n)d个字符") % {"n": col.max_length}
        return self._typed(col, text)

    def _text_fast(self, col: S.Col, raw: str) -> object:
        """The common case — a text cell of a code, an enumeration, a date or free text — without the checks for
        numbers and Excel types; _MISS when the cell needs them."""
        kind = col.kind
        text = raw.strip() if kind == S.FREE else raw.translate(FULLWIDTH).strip()
        if not text or len(text) > col.max_length:
            return _MISS
        if kind == S.FREE or kind in (S.TEXT, S.NAME) and col.validate is None:
            return text
        if kind == S.ENUM and text in col.choices and col.choices != S.YES_NO:
            return text
        if kind == S.CODE:
            code = self.codes.get(text)  # codes repeat (every member names its branch): one object each
            if code is None and CODE_RE.match(text):
                code = self.codes[text] = text
            return _MISS if code is None else code
        if kind == S.PHONE and len(text) == 11 and text.isdigit() and text[0] == "1":
            return text
        if kind == S.DATE:
            day = self.dates.get(text)
            if day is None and len(text) == 10 and text[4] == "-" and text[7] == "-":
                try:
                    day = self.dates[text] = dt.date.fromisoformat(text)
                except ValueError:
                    pass
            return _MISS if day is None else day
        return _MISS

    @staticmethod
    def _empty(col: S.Col) -> Parsed:
        if col.required:
            return None, _("必填项为空")
        return (None if col.kind in (S.DATE, S.INT, S.CODE) else ""), None

    def _date(self, col: S.Col, raw: CellValue) -> Parsed:
        if isinstance(raw, dt.datetime):
            return raw.date(), None
        if isinstance(raw, dt.date):
            return raw, None
        if not isinstance(raw, str):
            return None, _("日期应为 YYYY-MM-DD 格式或 Excel 日期单元格，不能是数字“%(v)s”") % {"v": _cell_text(raw)}
        text = raw.translate(FULLWIDTH).strip()
        if not text:
            return self._empty(col)
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            return None, _("日期“%(v)s”格式不对，应为 YYYY-MM-DD") % {"v": text}
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, _("日期“%(v)s”不存在") % {"v": text}

    @staticmethod
    def _as_text(col: S.Col, raw: CellValue) -> tuple[str | None, str | None]:
        """A non-date cell as text, or the reason its type cannot stand for the column's value."""
        if isinstance(raw, str):
            return raw, None
        if col.kind in (S.ID, S.CREDIT):
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return None, _("该单元格是数字，18位号码存为数字会丢失末几位，请把这一列设为文本格式后重新填写")
            return None, _("应为文本")
        if isinstance(raw, bool):
            return None, _("应为文本，不能是逻辑值")
        if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            return None, _("应为文本，不能是日期单元格")
        if isinstance(raw, float):
            if not raw.is_integer() or abs(raw) >= 1e15:
                if col.kind == S.INT:
                    return None, _("应为整数")
                return None, _("该单元格是数字，可能已丢失精度，请把这一列设为文本格式后重新填写")
            return str(int(raw)), None
        return str(raw), None

    def _typed(self, col: S.Col, text: str) -> Parsed:
        """(value, problem) for the stripped, non-empty text of a cell."""
        kind = col.kind
        if kind == S.INT:
            if not text.isdigit():
                return None, _("应为非负整数，实际为“%(v)s”") % {"v": text}
            if col.choices and text not in col.choices:
                return None, _("只能填写：%(choices)s") % {"choices": "、".join(col.choices)}
            return int(text), None
        if kind == S.ENUM:
            if text not in col.choices:
                return None, _("“%(v)s”不是允许的值，只能填写：%(choices)s") % {"v": text, "choices": "、".join(col.choices)}
            return (text == "是", None) if col.choices == S.YES_NO else (text, None)
        if kind == S.CODE and not CODE_RE.match(text):
            return None, _("编码“%(v)s”只能由字母、数字和-组成") % {"v": text}
        if kind in (S.ID, S.CREDIT):
            text = text.upper()
            problem = id_problem(text) if kind == S.ID else credit_problem(text)
            return (None, problem) if problem else (text, None)
        if kind == S.PHONE and (len(text) != 11 or not text.isdigit() or text[0] != "1"):
            return None, _("手机号码应为以1开头的11位数字")
        problem = col.validate(text) if col.validate else None
        return (None, problem) if problem else (text, None)

    def check_row(self, sheet: S.Sheet, rownum: int, values: list[Any], bad: AbstractSet[str] = frozenset()) -> bool:
        """Rules within one row: the declared date order, then the sheet's own rules."""
        ok = True
        index = sheet.index
        for later, earlier, strict in sheet.date_rules:
            a, b = values[index[later]], values[index[earlier]]
            if a is not None and b is not None and later not in bad and earlier not in bad and (
                    a <= b if strict else a < b):
                self.error(sheet.name, rownum, later, (_("应晚于%(col)s") if strict else _("不能早于%(col)s")) % {
                    "col": earlier})
                ok = False
        if sheet.check is not None:
            for column, message in sheet.check(Row(values, index, self.today, self.user, bad)):
                self.error(sheet.name, rownum, column, message)
                ok = False
        return ok

    # ---- pass 2: what the database knows ------------------------------------------------

    def _codes(self, sheet_name: str, headers: tuple[str, ...]) -> set[Any]:
        """The values of these columns in the file's rows of a sheet."""
        if (sheet_name, headers) not in self._codes_cache:
            plan = self.plans.get(sheet_name)
            idx = [plan.sheet.index[h] for h in headers if h in plan.sheet.index] if plan else []
            self._codes_cache[(sheet_name, headers)] = {v[i] for _n, v in plan.rows for i in idx if v[i]} if plan else set()
        return self._codes_cache[(sheet_name, headers)]

    def _column_values(self, wanted: Callable[[S.Col], bool]) -> set[Any]:
        values: set[Any] = set()
        for plan in self.plans.values():
            values |= self._codes(plan.sheet.name, tuple(c.header for c in plan.sheet.columns if wanted(c)))
        return values

    def load_references(self) -> None:
        from qingfeng.orgs.models import Organization

        for chunk in chunks(sorted(self._column_values(lambda c: c.org))):
            for o in Organization.objects.filter(code__in=chunk).values("id", "code", "path", "established_on",
                                                                         "dissolved_on"):
                self.orgs[o["code"]] = OrgRef(o["code"], o["id"], o["path"], o["established_on"], o["dissolved_on"])
        for pk, number, name, path in _people_numbered(self._column_values(lambda c: c.kind == S.ID)):
            self.people[number] = PersonRef(pk, name, path)
        if self.root is not None and self.people:
            # A person outside the user's subtree is never linked, changed or named back (core.ledger.person_by_id).
            from qingfeng.accounts.access import visible_people

            seen: set[str] = set()
            for chunk in chunks(sorted(self.people)):
                seen.update(visible_people(self.user).filter(id_number__in=chunk).values_list("id_number", flat=True))
            for number, ref in self.people.items():
                ref.visible = number in seen
        self._load_records()

    def _load_records(self) -> None:
        """Records of other sheets named by code (a lecture team, an activity, a finding, a case) and rows of
        reference tables named by name (an activity type), with the organization path of each record."""
        from django.apps import apps

        referring: dict[str, set[str]] = defaultdict(set)
        for plan in self.plans.values():
            for c in plan.sheet.columns:
                if c.ref:
                    referring[c.ref] |= self._codes(plan.sheet.name, (c.header,))
                elif c.table and c.table not in self.ids:
                    self.ids[c.table] = dict(apps.get_model(c.table).objects.values_list("name", "id"))
        for name, codes in referring.items():
            target = S.sheet(name)
            key = target.col(target.key[0]).lookup
            codes |= self._codes(name, target.key[:1])
            for chunk in chunks(sorted(codes)):
                for pk, code, path in target.get_model()._default_manager.filter(**{key + "__in": chunk}).values_list(
                        "id", key, target.scope_path):
                    self.ids[name][code] = pk
                    self.paths[name][code] = path

    # ---- persons ----------------------------------------------------------------------------

    def plan_people(self) -> None:
        """Persons named by rows of sheets other than 党员 (宣讲员, 选派干部, 问责 …): one 姓名 per ID; the unknown
        ones are created."""
        for plan in self.plans.values():
            if plan.sheet.registers_people:
                ix = plan.sheet.index
                for n, v in plan.rows:
                    self.registered[v[ix["公民身份号码"]]] = (v[ix["姓名"]], n)
        names = dict(self.registered)
        for sheet in S.all_sheets():
            named = self.plans.get(sheet.name)
            if named and sheet.names_people:
                for n, v in named.rows:
                    if v[sheet.index["公民身份号码"]]:  # a row may name no person (表彰 of a collective)
                        self._name_person(sheet, n, v[sheet.index["公民身份号码"]], v[sheet.index["姓名"]], names)

    def _name_person(self, sheet: S.Sheet, n: int, number: str, name: str, names: dict[str, tuple[str, int]]) -> None:
        if number in names:
            if names[number][0] != name:
                self.error(sheet.name, n, "姓名", _("同一公民身份号码在本文件中写了两个姓名：“%(a)s”和“%(b)s”") % {
                    "a": names[number][0], "b": name})
            return
        names[number] = (name, n)
        known = self.people.get(number)
        if known is None:
            self.new_people[number] = name
        elif known.name != name or not known.visible:  # one answer: no name, no organization
            self.error(sheet.name, n, "公民身份号码", person_not_available())

    def person_known(self, number: str) -> bool:
        known = self.people.get(number)
        return (known is not None and known.visible) or number in self.new_people or number in self.registered

    # ---- organizations ----------------------------------------------------------------------

    def org_ref(self, sheet: str, row: int, column: str, code: str | None) -> OrgRef | None:
        if code is None:
            return None
        ref = self.orgs.get(code)
        if ref is None or ref.path is None:
            self.error(sheet, row, column, _("组织“%(code)s”在系统和本文件中都不存在") % {"code": code})
            return None
        if not self.in_scope(ref.path):
            self.error(sheet, row, column, _("组织“%(code)s”不在您的管辖范围内") % {"code": code})
            return None
        return ref

    def check_lifetime(self, sheet: str, row: int, column: str, ref: OrgRef, day: dt.date) -> bool:
        if ref.established_on and day < ref.established_on:
            self.error(sheet, row, column, _("早于组织“%(code)s”的成立日期 %(d)s") % {"code": ref.code, "d": ref.established_on})
            return False
        if ref.dissolved_on and day >= ref.dissolved_on:
            self.error(sheet, row, column, _("组织“%(code)s”已于 %(d)s 撤销") % {"code": ref.code, "d": ref.dissolved_on})
            return False
        return True

    # ---- every sheet without its own plan ---------------------------------------------------------

    def plan_records(self, plan: SheetPlan) -> None:
        """Rows matched to existing records on the key (one query per 5,000 keys), compared on the columns present."""
        sheet = plan.sheet
        ix = sheet.index
        good = [(n, v) for n, v in plan.rows if self.check_references(sheet, n, v)]
        existing = self._existing(plan, good)
        compared = [h for h in [*sheet.lookups, *sheet.ledger.computed] if h in plan.present and h not in sheet.key]
        kept = [h for h in compared if sheet.col(h).keep_when_empty]
        for n, v in good:
            key = tuple(v[ix[h]] for h in sheet.key)
            old = existing.get(key)
            if old is not None:
                for h in kept:
                    if v[ix[h]] in (None, ""):
                        v[ix[h]] = old[h]  # an empty cell of such a column stands for what is stored
            if old is None:
                plan.create.append(v)
            elif not self.in_scope(old["scope"]):
                # Codes are unique on the platform: say only that this one is taken, not where.
                self.error(sheet.name, n, "+".join(sheet.key), _("编号“%(key)s”不可用（已被使用），请换一个编号") % {
                    "key": " ".join(str(k) for k in key)})
            elif changed := [h for h in compared if v[ix[h]] != old[h] and not (
                    v[ix[h]] in (None, "") and old[h] in (None, ""))]:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1

    def _existing(self, plan: SheetPlan, good: list[tuple[int, list[Any]]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The records the rows' keys name: key → {"id", "scope" (organization path), header → value}."""
        sheet = plan.sheet
        lookups = sheet.lookups
        anchor = sheet.key[0]
        existing: dict[tuple[Any, ...], dict[str, Any]] = {}
        for chunk in chunks(sorted({v[sheet.index[anchor]] for _n, v in good})):
            rows = sheet.get_model()._default_manager.filter(**{lookups[anchor] + "__in": chunk}).values(
                "id", sheet.scope_path, *lookups.values())
            for row in rows:
                old = {h: row[f] for h, f in lookups.items()}
                old["id"], old["scope"] = row["id"], row[sheet.scope_path]
                existing[tuple(old[h] for h in sheet.key)] = old
        if sheet.ledger.computed and existing:
            current = sheet.ledger.current([old["id"] for old in existing.values()])
            for old in existing.values():
                old.update(current.get(old["id"], dict.fromkeys(sheet.ledger.computed)))
        return existing

    def check_references(self, sheet: S.Sheet, n: int, v: list[Any]) -> bool:
        ok = True
        for col in sheet.columns:
            value = v[sheet.index[col.header]]
            if value is not None and value != "":
                ok &= self._check_reference(sheet, n, v, col, value)
        if ok and sheet.verify is not None:
            for column, message in sheet.verify(self, Row(v, sheet.index, self.today, self.user)):
                self.error(sheet.name, n, column, message)
                ok = False
        return ok

    def _check_reference(self, sheet: S.Sheet, n: int, v: list[Any], col: S.Col, value: Any) -> bool:
        if col.org:
            ref = self.org_ref(sheet.name, n, col.header, value)
            if ref and sheet.lifetime and sheet.lifetime[0] == col.header:
                date_col = sheet.lifetime[1]
                return self.check_lifetime(sheet.name, n, date_col, ref, v[sheet.index[date_col]])
            return ref is not None
        if col.known_person and not self.person_known(value):
            self.error(sheet.name, n, col.header, _("人员“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": value})
            return False
        if col.ref:
            target = S.sheet(col.ref)
            in_file = col.ref in self.plans and value in self._codes(col.ref, target.key[:1])
            # One answer whether the code is unknown or belongs to a record outside the user's subtree.
            if not in_file and (value not in self.ids[col.ref] or not self.in_scope(self.paths[col.ref].get(value))):
                self.error(sheet.name, n, col.header, _("“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": value})
                return False
        if col.table and value not in self.ids[col.table]:
            self.error(sheet.name, n, col.header, _("系统中没有%(col)s“%(v)s”") % {"col": col.header, "v": value})
            return False
        return True

    # ---- the summary -------------------------------------------------------------------

    def summary(self) -> dict[str, dict[str, int]]:
        return {name: plan.counts for name, plan in sorted(self.plans.items(), key=lambda kv: kv[1].sheet.order)}

    def changes(self) -> int:
        return sum(c["create"] + c["update"] for c in self.summary().values())

    # ---- pass 3: the write --------------------------------------------------------------

    def write(self, progress: Callable[[str, int, int], None] | None = None) -> dict[str, dict[str, int]]:
        """Write the validated plan in one transaction; progress(sheet, done, total) after each batch."""
        for event in self.write_steps():
            if progress:
                progress(*event)
        return self.summary()

    def write_steps(self) -> Iterator[tuple[str, int, int]]:
        """The write as a generator of progress events, inside one transaction: an interruption
        (an exception, or the generator closed early) rolls everything back. Once the records are committed
        (`self.committed`), the facts of what they changed are brought up to date in short transactions of their
        own (changes.deferred, changes.drain): page writes go on meanwhile. Inside a caller's transaction they are
        refreshed in it, as before."""
        assert self.ok, "write() after a failed validation"
        self.ledgers = written_models(self.plans)
        with gc_paused(), transaction.atomic(), references_known(), sqlite_cache(), changes.deferred() as pending:
            yield from writer.write_all(self)
        self.committed = True
        if pending.pk:
            for done, total in changes.drain(pending.pk):
                yield REFRESH_LABEL, done, total

    def write_records(self, plan: SheetPlan) -> Iterator[tuple[str, int, int]]:
        return writer.write_records(self, plan)

    def step(self, label: str, n: int) -> tuple[str, int, int]:
        self.done += n
        return label, min(self.done, self.total), self.total

    def touched(self, orgs: Iterable[int | None] = (), days: Iterable[dt.date | None] = (),
                people: Iterable[int | None] = (), moved: Iterable[int | None] = ()) -> None:
        changes.record(orgs=orgs, days=days, people=people, moved=moved, ledgers=self.ledgers)


def written_models(plans: dict[str, S.SheetPlan]) -> tuple[str, ...]:
    """The models a write of these plans writes, when the engine's generic write does it all (each sheet's own model;
    changes.record adds the burden entries and audit rows), so the facts recompute only what reads them;
    () — any model — when a sheet writes through hooks of its own (the tree, the members, findings' events …) or
    creates the persons it names."""
    models = set()
    for plan in plans.values():
        if not (plan.create or plan.update):
            continue
        sheet = plan.sheet
        if sheet.ledger is not S.GENERIC or sheet.names_people or sheet.registers_people:
            return ()
        models.add(sheet.model)
    return tuple(sorted(models))


# The label of the progress events after the commit, while the figures are brought up to date.
REFRESH_LABEL = "指标"
ARRAY_CHUNK = 50_000  # ID numbers looked up per statement on PostgreSQL (an array parameter)


def _people_numbered(numbers: set[str]) -> Iterator[tuple[int, str, str, str | None]]:
    """(id, 公民身份号码, 姓名, organization path) of the persons holding these numbers, one query per 5,000 — in SQL
    of its own: the ORM prepares each of 400,000 values of an IN list one by one, more than the query costs."""
    from django.db import connection

    from qingfeng.orgs.models import Organization
    from qingfeng.people.models import Person

    q = connection.ops.quote_name
    person, org = Person._meta.db_table, Organization._meta.db_table
    select = (f"SELECT p.{q('id')}, p.{q('id_number')}, p.{q('name')}, o.{q('path')} FROM {q(person)} p "  # noqa: S608
              f"LEFT JOIN {q(org)} o ON o.{q('id')} = p.{q('org_id')} WHERE p.{q('id_number')} ")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter, not 5,000 placeholders for the client to write into the statement
            for chunk in chunks(sorted(numbers), ARRAY_CHUNK):
                cursor.execute(select + "= ANY(%s)", [chunk])
                yield from cursor.fetchall()
            return
        for chunk in chunks(sorted(numbers)):
            cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
            yield from cursor.fetchall()


@contextmanager
def sqlite_cache(kib: int = 256 * 1024) -> Iterator[None]:
    """A larger page cache for the import's connection on SQLite: hundreds of thousands of rows touch
    many index pages; the default 2 MB cache spills them over and over."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        old = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(old)}")


ID_LAST = set("0123456789X")
# The first 14 characters of an ID number (region and birth date) repeat across a ledger: their weighted sum is kept.
_HEADS: dict[str, int] = {}
W14, W15, W16 = ID_WEIGHTS[14:17]


def id_valid(text: str) -> bool:
    """The common case of qingfeng.core.idnumbers.id_problem(text) is None, faster: a well-formed,
    upper-case ID number whose birth date exists and whose check character is right."""
    head = text[:14]
    partial = _HEADS.get(head)
    if partial is None:
        if not head.isdigit() or not head.isascii():
            return False
        birth = id_birth_date(text)
        if birth is None or birth.year < 1900:
            return False
        if len(_HEADS) > 500_000:
            _HEADS.clear()
        partial = _HEADS[head] = sum(map(mul, map(int, head), ID_WEIGHTS[:14]))
    a, b, c, last = text[14], text[15], text[16], text[17]
    if not ("0" <= a <= "9" and "0" <= b <= "9" and "0" <= c <= "9") or last not in ID_LAST:
        return False
    return ID_CHECK[(partial + int(a) * W14 + int(b) * W15 + int(c) * W16) % 11] == last
