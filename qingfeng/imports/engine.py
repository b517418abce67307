"""The import engine: one validator and one writer for every sheet of spec/import-formats.md.

`Importer(user).validate(raw_sheets)` checks the whole file — cells, enumerations, ID numbers
and credit codes, dates, references within the file and to the database, duplicate keys, the
user's subtree — with a bounded number of queries (one per sheet and 5,000 keys), and plans
what to create, update or leave unchanged. `Importer.write()` then applies the plan in one
transaction with bulk inserts and updates; qingfeng.imports.actions.run_import is the entry
point pages and the command use."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import mul

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from qingfeng.accounts.access import (
    WRITERS_DISCIPLINE,
    WRITERS_PARTY_WORK,
    WRITERS_STUDY,
    WRITERS_SUPERVISION,
    can_write,
)
from qingfeng.core import dates
from qingfeng.core import sheets as S
from qingfeng.core.idnumbers import ID_CHECK, ID_WEIGHTS, credit_problem, id_birth_date, id_gender, id_problem
from qingfeng.core.ledger import person_not_available
from qingfeng.imports.reader import RawSheet

BATCH = 5000
MAX_PROBLEMS = 5000
FAST_KINDS = {S.FREE, S.TEXT, S.ENUM, S.CODE, S.DATE, S.ID, S.PHONE}
CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
WRITERS = {"party": WRITERS_PARTY_WORK, "study": WRITERS_STUDY | WRITERS_SUPERVISION,
           "supervision": WRITERS_SUPERVISION, "discipline": WRITERS_DISCIPLINE}
FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Columns whose empty cell means a default value rather than "unknown".
EMPTY_DEFAULTS = {("活动", "形式"): "线下", ("参加人员", "出席情况"): "出席", ("党员", "干部管理层级"): "无"}
YES_NO_FALSE_WHEN_EMPTY = {("活动", "第一议题"), ("案件", "主动投案")}
# Date order rules: (sheet, later column, earlier column, strictly later)
DATE_ORDER = [
    ("党组织", "撤销日期", "成立日期", True), ("宣讲小分队", "撤销日期", "成立日期", True),
    ("宣讲员", "退出日期", "加入日期", True), ("选派干部", "结束日期", "开始日期", True),
    ("问题整改", "整改期限", "发现日期", False),
    ("问题整改", "销号日期", "发现日期", False), ("办实事", "计划完成日期", "承诺日期", False),
    ("办实事", "完成日期", "承诺日期", False), ("软弱涣散整顿", "整顿完成日期", "认定日期", False),
    ("案件", "结案日期", "立案日期", False), ("纪检监察建议书", "回复日期", "发出日期", False),
    ("两新组织", "注销日期", "覆盖日期", True),
    ("发展党员", "谈话日期", "递交申请日期", False), ("发展党员", "确定积极分子日期", "递交申请日期", False),
    ("发展党员", "政治审查日期", "确定发展对象日期", False), ("发展党员", "支部大会日期", "确定发展对象日期", False),
    ("发展党员", "审批日期", "支部大会日期", False), ("发展党员", "转正审批日期", "转正支部大会日期", False),
    ("发展党员", "终止日期", "递交申请日期", False),
]
DATE_RULES: dict[str, list] = {}
for _sheet, _later, _earlier, _strict in DATE_ORDER:
    DATE_RULES.setdefault(_sheet, []).append((_later, _earlier, _strict))
# Records that must fall within their organization's lifetime: (sheet, organization column, date column)
LIFETIME = {"活动": ("组织编码", "日期"), "问题整改": ("责任组织编码", "发现日期"), "办实事": ("组织编码", "承诺日期"),
            "选派干部": ("派驻组织编码", "开始日期"), "换届": ("组织编码", "选举日期")}
# Which sheets may create a person not yet known (they carry 姓名).
PERSON_SHEETS = ("宣讲员", "选派干部", "问责", "案件", "处置", "发展党员")


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


@dataclass
class SheetPlan:
    sheet: S.Sheet
    present: set = field(default_factory=set)
    rows: list = field(default_factory=list)  # (row number, values)
    create: list = field(default_factory=list)  # values
    update: list = field(default_factory=list)  # (values, existing pk, changed headers)
    unchanged: int = 0

    @property
    def counts(self) -> dict:
        return {"create": len(self.create), "update": len(self.update), "unchanged": self.unchanged}


@dataclass
class OrgRef:
    code: str
    pk: int | None
    path: str | None
    established_on: dt.date | None
    dissolved_on: dt.date | None


@dataclass
class PersonRef:
    pk: int | None
    name: str
    org_path: str | None = None
    visible: bool = True  # the importing user sees the person (accounts.access.visible_people)


def _cell_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Importer:
    def __init__(self, user, today: dt.date | None = None):
        from qingfeng.accounts.access import scope_root

        self.user = user
        self.today = today or dates.today()
        self.root = scope_root(user)
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.notices: list[Problem] = []
        self.plans: dict[str, SheetPlan] = {}
        self.orgs: dict[str, OrgRef] = {}
        self.org_rows: dict[str, tuple] = {}
        self.people: dict[str, PersonRef] = {}
        self.new_people: dict[str, tuple[str, str]] = {}  # id → (name, sheet) for persons created outside 党员
        self.maps: dict[str, dict] = defaultdict(dict)  # code → pk for activities, teams, findings, cases, types
        self.rows_total = 0
        self.dates: dict[str, dt.date] = {}
        self.codes: dict[str, str] = {}

    # ---- problems ------------------------------------------------------------------------

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(sheet, row, column, message))

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def in_scope(self, path: str | None) -> bool:
        return self.root is None or (path is not None and path.startswith(self.root.path))

    # ---- pass 1: cells ------------------------------------------------------------------

    def validate(self, raw_sheets: list[RawSheet]) -> bool:
        seen: set[str] = set()
        for raw in raw_sheets:
            name = raw.name.translate(FULLWIDTH).strip()
            if name in S.IGNORED_SHEETS:
                continue
            sheet = S.get(name)
            if sheet is None:
                self.error(name, None, "", _("不是导入模板中的工作表名称（可用的名称：%(names)s）") % {
                    "names": "、".join(s.name for s in S.all_sheets())})
                continue
            if name in seen:
                self.error(name, None, "", _("文件中有两个同名的工作表"))
                continue
            seen.add(name)
            if sheet.restricted and not self.user.sees_discipline:
                self.error(name, None, "", _("该工作表为纪检监察受限数据，您的角色无权导入，整个文件已拒绝"))
                continue
            if not can_write(self.user, WRITERS[sheet.writers]):
                self.error(name, None, "", _("您的角色无权导入该工作表"))
                continue
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
        for name in ("党组织", "换届", "党员"):
            if name in self.plans:
                getattr(self, "plan_" + {"党组织": "orgs", "换届": "elections", "党员": "members"}[name])(self.plans[name])
        self.plan_people()
        for sheet in S.all_sheets():
            if sheet.name in self.plans and sheet.name not in ("党组织", "换届", "党员"):
                self.plan_records(self.plans[sheet.name])
        return self.ok

    def read_sheet(self, sheet: S.Sheet, raw: RawSheet) -> None:
        rows = iter(raw.rows)
        # Leading empty rows are tolerated; the first non-empty row is the header.
        start = 0
        header_row = None
        for cells in rows:
            start += 1
            if any(_cell_text(v).strip() for v in cells):
                header_row = cells
                break
        if header_row is None:
            self.error(sheet.name, None, "", _("工作表是空的，没有表头"))
            return
        header_cells = [_cell_text(v).translate(FULLWIDTH).strip() for v in header_row]
        positions: dict[str, int] = {}
        for i, header in enumerate(header_cells):
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
        if missing:
            return
        plan = SheetPlan(sheet, present=set(positions))
        self.plans[sheet.name] = plan
        columns = [(sheet.index[h], sheet.col(h), p, self.parser(sheet.name, sheet.col(h))) for h, p in positions.items()]
        width = len(sheet.columns)
        keys_seen: dict = {}
        key_idx = [sheet.index[h] for h in sheet.key]
        single_key = key_idx[0] if len(key_idx) == 1 else None
        fill = self._fillers(sheet, positions)
        name = sheet.name
        for rownum, cells in enumerate(rows, start=start + 1):
            # Empty rows are skipped; all() stops at the first real value, usually the first cell.
            if all(not v or (type(v) is str and not v.strip()) for v in cells):
                continue
            values = [None] * width
            bad = None
            ncells = len(cells)
            for idx, col, pos, parse in columns:
                value, problem = parse(cells[pos] if pos < ncells else "")
                if problem:
                    self.error(name, rownum, col.header, problem)
                    bad = (bad or set()) | {col.header}
                values[idx] = value
            if bad:
                if name == "党员":  # still report what the good cells of the row get wrong together
                    self._check_member_row(sheet, rownum, values, bad)
                continue
            for idx, value in fill:
                if values[idx] is None or values[idx] == "":
                    values[idx] = value
            if not self.check_row(sheet, rownum, values):
                continue
            key = values[single_key] if single_key is not None else tuple(values[i] for i in key_idx)
            first = keys_seen.setdefault(key, rownum)
            if first != rownum:
                self.error(name, rownum, "+".join(sheet.key), _("与第%(row)d行重复（同一文件中键值不能重复）") % {
                    "row": first})
                continue
            plan.rows.append((rownum, values))
        self.rows_total += len(plan.rows)

    def _fillers(self, sheet: S.Sheet, positions: dict) -> list:
        """Defaults for empty cells of present and absent columns (形式 → 线下 …)."""
        fill = []
        for col in sheet.columns:
            default = EMPTY_DEFAULTS.get((sheet.name, col.header))
            if default is not None:
                fill.append((sheet.index[col.header], default))
            elif (sheet.name, col.header) in YES_NO_FALSE_WHEN_EMPTY:
                fill.append((sheet.index[col.header], False))
        return fill

    def parser(self, sheet_name: str, col: S.Col):
        """A function raw cell → (value, problem) for one column: the frequent cases answered from a cache of
        values already seen in the file (codes, enumerations, dates repeat) or with the fewest checks."""
        slow = self.cell
        kind = col.kind
        max_length = col.max_length
        if kind in (S.CODE, S.ENUM, S.DATE) and not (kind == S.ENUM and col.choices == S.YES_NO):
            seen: dict[str, object] = {}

            def cached(raw):
                if type(raw) is str:
                    value = seen.get(raw)
                    if value is not None:
                        return value, None
                    value, problem = slow(sheet_name, col, raw)
                    if problem is None and value is not None:
                        seen[raw] = value
                    return value, problem
                return slow(sheet_name, col, raw)

            return cached
        if kind == S.FREE:
            def free(raw):
                if type(raw) is str:
                    text = raw.strip()
                    if text and len(text) <= max_length:
                        return text, None
                return slow(sheet_name, col, raw)

            return free
        if kind == S.ID:
            def id_number(raw):
                if type(raw) is str and len(raw) == 18 and id_valid(raw):
                    return raw, None
                return slow(sheet_name, col, raw)

            return id_number
        return lambda raw: slow(sheet_name, col, raw)

    def cell(self, sheet_name: str, col: S.Col, raw):
        """(logical value, problem) for one cell."""
        kind = col.kind
        if type(raw) is str and kind in FAST_KINDS:
            # The common case — a text cell of a code, an enumeration, a date or free text — without the
            # checks for numbers and Excel types below.
            text = raw.strip() if kind == S.FREE else raw.translate(FULLWIDTH).strip()
            if text and len(text) <= col.max_length:
                if kind == S.FREE or kind == S.TEXT and sheet_name != "党组织":
                    return text, None
                if kind == S.ENUM and text in col.choices and col.choices != S.YES_NO:
                    return text, None
                if kind == S.CODE:
                    code = self.codes.get(text)  # codes repeat (every member names its branch): one object each
                    if code is not None:
                        return code, None
                    if CODE_RE.match(text):
                        self.codes[text] = text
                        return text, None
                if kind == S.ID:
                    text = text.upper()
                    problem = id_problem(text)
                    return (None, problem) if problem else (text, None)
                if kind == S.PHONE and len(text) == 11 and text.isdigit() and text[0] == "1":
                    return text, None
                if kind == S.DATE:
                    day = self.dates.get(text)
                    if day is not None:
                        return day, None
                    if len(text) == 10 and text[4] == "-" and text[7] == "-":
                        try:
                            day = self.dates[text] = dt.date.fromisoformat(text)
                            return day, None
                        except ValueError:
                            pass
        if raw is None or raw == "":
            if col.required:
                return None, _("必填项为空")
            return (None if kind in (S.DATE, S.INT, S.CODE) else ""), None
        if kind == S.DATE:
            if isinstance(raw, dt.datetime):
                return raw.date(), None
            if isinstance(raw, dt.date):
                return raw, None
            if not isinstance(raw, str):
                return None, _("日期应为 YYYY-MM-DD 格式或 Excel 日期单元格，不能是数字“%(v)s”") % {"v": _cell_text(raw)}
            text = raw.translate(FULLWIDTH).strip()
            if not text:
                return (None, _("必填项为空")) if col.required else (None, None)
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                return None, _("日期“%(v)s”格式不对，应为 YYYY-MM-DD") % {"v": text}
            try:
                return dt.date.fromisoformat(text), None
            except ValueError:
                return None, _("日期“%(v)s”不存在") % {"v": text}
        if kind in (S.ID, S.CREDIT) and not isinstance(raw, str):
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return None, _("该单元格是数字，18位号码存为数字会丢失末几位，请把这一列设为文本格式后重新填写")
            return None, _("应为文本")
        if isinstance(raw, bool):
            return None, _("应为文本，不能是逻辑值")
        if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
            return None, _("应为文本，不能是日期单元格")
        if isinstance(raw, float):
            if not raw.is_integer() or abs(raw) >= 1e15:
                if kind == S.INT:
                    return None, _("应为整数")
                return None, _("该单元格是数字，可能已丢失精度，请把这一列设为文本格式后重新填写")
            raw = str(int(raw))
        elif isinstance(raw, int):
            raw = str(raw)
        text = raw.strip() if kind == S.FREE else raw.translate(FULLWIDTH).strip()
        if not text:
            if col.required:
                return None, _("必填项为空")
            return (None if kind in (S.INT, S.CODE) else ""), None
        if len(text) > col.max_length:
            return None, _("长度超过%(n)d个字符") % {"n": col.max_length}
        if kind == S.INT:
            if not text.isdigit():
                return None, _("应为非负整数，实际为“%(v)s”") % {"v": text}
            if col.choices and text not in col.choices:
                return None, _("只能填写：%(choices)s") % {"choices": "、".join(col.choices)}
            return int(text), None
        if kind == S.ENUM:
            if text not in col.choices:
                return None, _("“%(v)s”不是允许的值，只能填写：%(choices)s") % {"v": text, "choices": "、".join(col.choices)}
            if col.choices == S.YES_NO:
                return text == "是", None
            return text, None
        if kind == S.CODE:
            if not CODE_RE.match(text):
                return None, _("编码“%(v)s”只能由字母、数字和-组成") % {"v": text}
            return text, None
        if kind == S.ID:
            text = text.upper()
            problem = id_problem(text)
            return (None, problem) if problem else (text, None)
        if kind == S.CREDIT:
            text = text.upper()
            problem = credit_problem(text)
            return (None, problem) if problem else (text, None)
        if kind == S.PHONE:
            if len(text) != 11 or not text.isdigit() or text[0] != "1":
                return None, _("手机号码应为以1开头的11位数字")
            return text, None
        if sheet_name == "党组织" and col.header == "行政区划代码" and (not text.isdigit() or len(text) not in (6, 9, 12)):
            return None, _("行政区划代码应为6、9或12位数字")
        return text, None

    def check_row(self, sheet: S.Sheet, rownum: int, values: list) -> bool:
        """Rules within one row."""
        ok = True
        get = lambda h: values[sheet.index[h]]  # noqa: E731
        for later, earlier, strict in sheet.date_rules or DATE_RULES.get(sheet.name, ()):
            a, b = get(later), get(earlier)
            if a is not None and b is not None and (a <= b if strict else a < b):
                self.error(sheet.name, rownum, later, (_("应晚于%(col)s") if strict else _("不能早于%(col)s")) % {"col": earlier})
                ok = False
        if sheet.name == "党员":
            ok &= self._check_member_row(sheet, rownum, values)
        elif sheet.name == "两新组织":
            if get("覆盖方式") == "未覆盖" and get("覆盖日期") is not None:
                self.error(sheet.name, rownum, "覆盖日期", _("覆盖方式为“未覆盖”时不能填写覆盖日期"))
                ok = False
        elif sheet.name == "活动":
            if get("第一议题") and get("活动类型") != "党委(党组)会议":
                self.error(sheet.name, rownum, "第一议题", _("只有“党委(党组)会议”可以标记第一议题"))
                ok = False
            if get("宣讲小分队编码") and get("活动类型") != "宣讲":
                self.error(sheet.name, rownum, "宣讲小分队编码", _("只有“宣讲”活动可以填写宣讲小分队"))
                ok = False
        elif sheet.name == "发展党员":
            ok &= self._check_development_row(sheet, rownum, get)
        elif sheet.name == "党组织":
            if get("本届选举日期") is not None and get("任期年限") is None:
                self.error(sheet.name, rownum, "任期年限", _("填写了本届选举日期时必须填写任期年限"))
                ok = False
            if get("任期年限") is not None and get("本届选举日期") is None:
                self.error(sheet.name, rownum, "本届选举日期", _("填写了任期年限时必须填写本届选举日期"))
                ok = False
        return ok

    def _check_development_row(self, sheet, rownum, get) -> bool:
        """The procedure's rules that no later fact can excuse (membership.rules); deadlines that were
        missed are facts, recorded and shown late, not errors."""
        from qingfeng.membership import rules

        problems = []
        number = get("公民身份号码")
        birth = id_birth_date(number) if number else None
        if birth is not None and (p := rules.age_problem(birth, get("递交申请日期"))):
            problems.append(("递交申请日期", p))
        # Each stage needs the one before it (a missing talk date, common in old ledgers, is allowed).
        steps = [("确定发展对象日期", "确定积极分子日期"), ("支部大会日期", "确定发展对象日期"), ("审批日期", "支部大会日期"),
                 ("转正支部大会日期", "审批日期"), ("转正审批日期", "转正支部大会日期")]
        for later, earlier in steps:
            if get(later) is not None and get(earlier) is None:
                problems.append((later, _("填写了%(later)s，须先填写%(earlier)s") % {"later": later, "earlier": earlier}))
        if get("确定发展对象日期") and get("确定积极分子日期") and (
                p := rules.candidate_problem(get("确定积极分子日期"), get("确定发展对象日期"))):
            problems.append(("确定发展对象日期", p))
        if get("确定发展对象日期"):
            intro = [get("入党介绍人一"), get("入党介绍人二")]
            if not all(intro):
                problems.append(("入党介绍人一", _("确定发展对象须有两名入党介绍人")))
            elif intro[0] == intro[1] or number in intro:
                problems.append(("入党介绍人二", _("两名入党介绍人须是本人以外的两个人")))
        if get("支部大会日期"):
            if p := rules.training_problem(get("培训天数"), get("培训学时")):
                problems.append(("培训天数", p))
            if p := rules.vote_problem(get("应到人数"), get("实到人数"), get("赞成票数")):
                problems.append(("赞成票数", p))
        if get("延长预备期月数") is not None and (p := rules.extension_problem(get("延长预备期月数"), False)):
            problems.append(("延长预备期月数", p))
        if get("转正支部大会日期") and get("支部大会日期") and (p := rules.full_vote_problem(
                rules.probation_end(get("支部大会日期"), get("延长预备期月数")), get("转正支部大会日期"))):
            problems.append(("转正支部大会日期", p))
        if get("终止原因") and not get("终止日期"):
            problems.append(("终止日期", _("填写了终止原因时须填写终止日期")))
        for column, message in problems:
            self.error(sheet.name, rownum, column, message)
        return not problems

    def _check_member_row(self, sheet, rownum, values, bad=frozenset()) -> bool:
        """Rules between the cells of a 党员 row; cells already found bad are left out, the rest still checked."""
        get = lambda h: None if h in bad else values[sheet.index[h]]  # noqa: E731
        ok = True
        number = get("公民身份号码")
        birth = id_birth_date(number) if number else None
        if number and get("性别") and get("性别") != id_gender(number):
            self.error(sheet.name, rownum, "性别", _("与公民身份号码不一致（号码显示为%(g)s）") % {"g": id_gender(number)})
            ok = False
        if "出生日期" not in bad and birth is not None:
            if get("出生日期") is None:  # unknown: the ID number knows it
                values[sheet.index["出生日期"]] = birth
            elif get("出生日期") != birth:
                self.error(sheet.name, rownum, "出生日期", _("与公民身份号码中的出生日期 %(d)s 不一致") % {"d": birth})
                ok = False
        admitted, full, category = get("入党日期"), get("转正日期"), get("党员类别")
        if admitted is not None:
            if admitted > self.today:
                self.error(sheet.name, rownum, "入党日期", _("不能晚于今天"))
                ok = False
            if birth is not None and admitted <= birth:
                self.error(sheet.name, rownum, "入党日期", _("不能早于出生日期"))
                ok = False
        if category == "预备党员" and full is not None:
            self.error(sheet.name, rownum, "转正日期", _("预备党员不应填写转正日期"))
            ok = False
        if (category == "正式党员" and full is None and "转正日期" not in bad and admitted is not None
                and admitted > dt.date(1990, 1, 1)):
            self.error(sheet.name, rownum, "转正日期", _("1990年1月1日以后入党的正式党员必须填写转正日期"))
            ok = False
        if full is not None and admitted is not None and full <= admitted:
            self.error(sheet.name, rownum, "转正日期", _("应晚于入党日期"))
            ok = False
        return ok

    # ---- pass 2: what the database knows ------------------------------------------------

    def _codes(self, sheet_name: str, headers: tuple[str, ...]) -> set:
        cache = self.__dict__.setdefault("_codes_cache", {})
        if (sheet_name, headers) not in cache:
            plan = self.plans.get(sheet_name)
            idx = [plan.sheet.index[h] for h in headers if h in plan.sheet.index] if plan else []
            cache[(sheet_name, headers)] = {v[i] for _n, v in plan.rows for i in idx if v[i]} if plan else set()
        return cache[(sheet_name, headers)]

    def load_references(self) -> None:
        from qingfeng.activities.models import Activity, ActivityType, LectureTeam
        from qingfeng.discipline.models import Case
        from qingfeng.orgs.models import Organization
        from qingfeng.people.models import Person
        from qingfeng.supervision.models import Finding

        org_codes = set()
        for sheet in S.all_sheets():
            org_codes |= self._codes(sheet.name, tuple(c.header for c in sheet.columns
                                                       if c.kind == S.CODE and c.header.endswith("组织编码")))
        for chunk in _chunks(sorted(org_codes)):
            for o in Organization.objects.filter(code__in=chunk).values("id", "code", "path", "established_on", "dissolved_on"):
                self.orgs[o["code"]] = OrgRef(o["code"], o["id"], o["path"], o["established_on"], o["dissolved_on"])
        ids = set()
        for sheet in S.all_sheets():
            ids |= self._codes(sheet.name, tuple(c.header for c in sheet.columns if c.kind == S.ID))
        for chunk in _chunks(sorted(ids)):
            for pk, number, name, path in Person.objects.filter(id_number__in=chunk).values_list(
                    "id", "id_number", "name", "org__path"):
                self.people[number] = PersonRef(pk, name, path)
        if self.root is not None and self.people:
            # A person outside the user's subtree is never linked, changed or named back (core.ledger.person_by_id).
            from qingfeng.accounts.access import visible_people

            seen = set()
            for chunk in _chunks(sorted(self.people)):
                seen.update(visible_people(self.user).filter(id_number__in=chunk).values_list("id_number", flat=True))
            for number, ref in self.people.items():
                ref.visible = number in seen
        self.maps["type"] = dict(ActivityType.objects.values_list("name", "id"))
        self.restricted_types = set(ActivityType.objects.filter(is_restricted=True).values_list("name", flat=True))
        for key, model, sheets_cols in (
            ("activity", Activity, [("活动", "活动编号"), ("参加人员", "活动编号")]),
            ("team", LectureTeam, [("宣讲小分队", "小分队编码"), ("宣讲员", "小分队编码"), ("活动", "宣讲小分队编码")]),
            ("finding", Finding, [("问题整改", "问题编号"), ("问责", "关联问题编号")]),
            ("case", Case, [("案件", "案件编号"), ("处置", "案件编号")]),
        ):
            codes = set()
            for sheet_name, header in sheets_cols:
                codes |= self._codes(sheet_name, (header,))
            for chunk in _chunks(sorted(codes)):
                for pk, code, path in model.objects.filter(code__in=chunk).values_list("id", "code", "org__path"):
                    self.maps[key][code] = pk
                    self.maps[key + "_path"][code] = path

    # ---- organizations -----------------------------------------------------------------

    def plan_orgs(self, plan: SheetPlan) -> None:
        from qingfeng.orgs.models import Organization

        sheet = plan.sheet
        ix = sheet.index
        by_code = {v[ix["组织编码"]]: (n, v) for n, v in plan.rows}
        existing = {}
        for chunk in _chunks(sorted(by_code)):
            for o in Organization.objects.filter(code__in=chunk).values(
                    "id", "code", "name", "parent__code", "kind", "sector", "level", "division_code",
                    "established_on", "dissolved_on", "term_started_on", "term_years", "path"):
                existing[o["code"]] = o
        has_root = Organization.objects.filter(parent__isnull=True).exists()
        # Resolve paths parent-first; a cycle or a missing parent is a row error.
        resolved: dict[str, str] = {}
        state: dict[str, str] = {}

        def path_of(code: str, trail: list) -> str | None:
            if code in resolved:
                return resolved[code]
            if code not in by_code:
                ref = self.orgs.get(code)
                return ref.path if ref else None
            if state.get(code) == "visiting":
                return None
            state[code] = "visiting"
            n, v = by_code[code]
            parent = v[ix["上级组织编码"]] if "上级组织编码" in plan.present else (
                existing[code]["parent__code"] if code in existing else None)
            if parent is None:
                path = f"/{code}/"
            else:
                base = path_of(parent, trail + [code])
                path = None if base is None else f"{base}{code}/"
            state[code] = "done"
            if path is not None:
                resolved[code] = path
            return path

        roots_in_file = 0
        for code, (n, v) in by_code.items():
            parent = v[ix["上级组织编码"]] if "上级组织编码" in plan.present else (
                existing[code]["parent__code"] if code in existing else None)
            if parent is None:
                if code in existing and existing[code]["parent__code"] is None:
                    pass  # the existing root stays the root
                elif has_root or roots_in_file or self.root is not None:
                    self.error(sheet.name, n, "上级组织编码", _("除唯一的根组织外，上级组织编码必填"))
                    continue
                roots_in_file += 1
            elif parent == code:
                self.error(sheet.name, n, "上级组织编码", _("上级组织不能是自己"))
                continue
            elif parent not in by_code and parent not in self.orgs:
                self.error(sheet.name, n, "上级组织编码", _("上级组织“%(code)s”在系统和本文件中都不存在") % {"code": parent})
                continue
            path = path_of(code, [])
            if path is None:
                self.error(sheet.name, n, "上级组织编码", _("上级组织关系形成了循环"))
                continue
            if code in existing and not self.in_scope(existing[code]["path"]):
                self.error(sheet.name, n, "组织编码", _("组织“%(code)s”不在您的管辖范围内") % {"code": code})
                continue
            if not self.in_scope(path) or (self.root is not None and code == self.root.code
                                           and code in existing and path != existing[code]["path"]):
                self.error(sheet.name, n, "上级组织编码", _("只能导入您管辖范围（%(root)s）内的组织") % {"root": self.root})
                continue
            if path.count("/") - 2 > 30:
                self.error(sheet.name, n, "上级组织编码", _("组织层级过深"))
                continue
            old = existing.get(code)
            self.orgs[code] = OrgRef(code, old["id"] if old else None, path, v[ix["成立日期"]] if "成立日期" in plan.present
                                     else (old or {}).get("established_on"),
                                     v[ix["撤销日期"]] if "撤销日期" in plan.present else (old or {}).get("dissolved_on"))
            self.org_rows[code] = (n, v)
            if old is None:
                plan.create.append(v)
                continue
            fields = {"组织名称": "name", "上级组织编码": "parent__code", "组织类别": "kind", "单位类型": "sector",
                      "层级": "level", "行政区划代码": "division_code", "成立日期": "established_on",
                      "撤销日期": "dissolved_on", "本届选举日期": "term_started_on", "任期年限": "term_years"}
            changed = [h for h, f in fields.items() if h in plan.present and v[ix[h]] != old[f]]
            if changed:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1
        # Children must not outlive their parents' paths: moving an organization moves its subtree.
        self.plan_term_elections(plan)

    def plan_term_elections(self, plan: SheetPlan) -> None:
        """本届选举日期 + 任期年限 on the 党组织 sheet are shorthand for a 换届 row."""
        ix = plan.sheet.index
        if "本届选举日期" not in plan.present:
            return
        self.term_rows = [(v[ix["组织编码"]], v[ix["本届选举日期"]], v[ix["任期年限"]])
                          for _n, v in plan.rows if v[ix["本届选举日期"]] is not None and v[ix["组织编码"]] in self.org_rows]

    def org_ref(self, sheet: str, row: int, column: str, code: str | None, check_scope: bool = True) -> OrgRef | None:
        if code is None:
            return None
        ref = self.orgs.get(code)
        if ref is None or ref.path is None:
            self.error(sheet, row, column, _("组织“%(code)s”在系统和本文件中都不存在") % {"code": code})
            return None
        if check_scope and not self.in_scope(ref.path):
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

    def plan_elections(self, plan: SheetPlan) -> None:
        from qingfeng.orgs.models import Election

        ix = plan.sheet.index
        good = []
        for n, v in plan.rows:
            ref = self.org_ref(plan.sheet.name, n, "组织编码", v[ix["组织编码"]])
            if ref and self.check_lifetime(plan.sheet.name, n, "选举日期", ref, v[ix["选举日期"]]):
                good.append(v)
        existing = {}
        codes = sorted({v[ix["组织编码"]] for v in good})
        for chunk in _chunks(codes):
            for pk, code, day, years in Election.objects.filter(org__code__in=chunk).values_list(
                    "id", "org__code", "held_on", "term_years"):
                existing[(code, day)] = (pk, years)
        for v in good:
            old = existing.get((v[ix["组织编码"]], v[ix["选举日期"]]))
            if old is None:
                plan.create.append(v)
            elif old[1] != v[ix["任期年限"]]:
                plan.update.append((v, old[0], ["任期年限"]))
            else:
                plan.unchanged += 1

    # ---- people --------------------------------------------------------------------------

    def plan_members(self, plan: SheetPlan) -> None:
        from qingfeng.people.models import Person

        sheet = plan.sheet
        ix = sheet.index
        names: dict[str, tuple[str, int]] = {}
        fields = {"姓名": "name", "性别": "gender", "出生日期": "birth_date", "民族": "ethnicity", "学历": "education",
                  "党员类别": "category", "入党日期": "admitted_on", "转正日期": "full_on", "所在党组织编码": "org__code",
                  "干部管理层级": "cadre_level", "职务": "post", "手机号码": "phone"}
        existing = {}
        numbers = [v[ix["公民身份号码"]] for _n, v in plan.rows if v[ix["公民身份号码"]] in self.people]
        for chunk in _chunks(numbers):
            for row in Person.objects.filter(id_number__in=chunk).values("id", "id_number", "org__path", *fields.values()):
                existing[row["id_number"]] = row
        for n, v in plan.rows:
            number = v[ix["公民身份号码"]]
            names[number] = (v[ix["姓名"]], n)
            ref = self.org_ref(sheet.name, n, "所在党组织编码", v[ix["所在党组织编码"]])
            if ref is None:
                continue
            if ref.dissolved_on and ref.dissolved_on <= self.today:
                self.error(sheet.name, n, "所在党组织编码", _("组织“%(code)s”已于 %(d)s 撤销，不能编入党员") % {
                    "code": ref.code, "d": ref.dissolved_on})
                continue
            old = existing.get(number)
            if old is not None and not self.people[number].visible:
                self.error(sheet.name, n, "公民身份号码", person_not_available())
                continue
            if old is None:
                plan.create.append(v)
                continue
            changed = [h for h, f in fields.items() if (h in plan.present or h == "出生日期") and v[ix[h]] != old[f]]
            if changed:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1
        self.member_names = names

    def plan_people(self) -> None:
        """Persons named by 宣讲员, 选派干部, 问责, 案件 and 处置 rows: one 姓名 per ID, new ones are created."""
        names = dict(getattr(self, "member_names", {}))
        for sheet_name in PERSON_SHEETS:
            plan = self.plans.get(sheet_name)
            if not plan:
                continue
            ix = plan.sheet.index
            for n, v in plan.rows:
                number, name = v[ix["公民身份号码"]], v[ix["姓名"]]
                if number in names:
                    if names[number][0] != name:
                        self.error(sheet_name, n, "姓名", _("同一公民身份号码在本文件中写了两个姓名：“%(a)s”和“%(b)s”") % {
                            "a": names[number][0], "b": name})
                    continue
                names[number] = (name, n)
                known = self.people.get(number)
                if known is None:
                    self.new_people[number] = (name, sheet_name)
                elif known.name != name or not known.visible:  # one answer: no name, no organization
                    self.error(sheet_name, n, "公民身份号码", person_not_available())

    def person_known(self, number: str) -> bool:
        known = self.people.get(number)
        return (known is not None and known.visible) or number in self.new_people or number in getattr(
            self, "member_names", {})

    # ---- every other sheet ---------------------------------------------------------------

    def plan_records(self, plan: SheetPlan) -> None:
        spec = record_for(plan.sheet)
        sheet = plan.sheet
        ix = sheet.index
        good = []
        for n, v in plan.rows:
            if self.check_references(sheet, spec, n, v):
                good.append((n, v))
        # One query per 5,000 keys for the existing records, compared on the columns present.
        model = spec.model()
        lookups = spec.lookups
        anchor_header = sheet.key[0]
        anchor = lookups[anchor_header]
        key_lookups = [lookups[h] for h in sheet.key]
        existing = {}
        anchors = sorted({v[ix[anchor_header]] for _n, v in good})
        for chunk in _chunks(anchors):
            for row in model.objects.filter(**{anchor + "__in": chunk}).values("id", spec.scope_path, *lookups.values()):
                existing[tuple(row[k] for k in key_lookups)] = row
        since = self.coverage_since([row["id"] for row in existing.values()]) if sheet.name == "两新组织" else {}
        for n, v in good:
            key = tuple(v[ix[h]] for h in sheet.key)
            old = existing.get(key)
            if old is None:
                plan.create.append(v)
                continue
            if since and "覆盖日期" in plan.present:
                old["覆盖日期"] = since.get(old["id"])
            if not self.in_scope(old[spec.scope_path]):
                # Codes are unique on the platform: say only that this one is taken, not where.
                self.error(sheet.name, n, "+".join(sheet.key), _("编号“%(key)s”不可用（已被使用），请换一个编号") % {
                    "key": " ".join(str(k) for k in key)})
                continue
            changed = [h for h, f in lookups.items() if h in plan.present and h not in sheet.key
                       and v[ix[h]] != old[f] and not (v[ix[h]] in (None, "") and old[f] in (None, ""))]
            if "覆盖日期" in old and v[ix["覆盖日期"]] != old["覆盖日期"] and v[ix["覆盖方式"]] != "未覆盖":
                changed.append("覆盖日期")
            if changed:
                plan.update.append((v, old["id"], changed))
            else:
                plan.unchanged += 1

    def check_references(self, sheet: S.Sheet, spec: Record, n: int, v: list) -> bool:
        ix = sheet.index
        ok = True
        for col in sheet.columns:
            value = v[ix[col.header]]
            if value is None or value == "":
                continue
            if col.kind == S.CODE and col.header.endswith("组织编码"):
                ref = self.org_ref(sheet.name, n, col.header, value)
                ok &= ref is not None
                if ref and sheet.name in LIFETIME and LIFETIME[sheet.name][0] == col.header:
                    date_col = LIFETIME[sheet.name][1]
                    ok &= self.check_lifetime(sheet.name, n, date_col, ref, v[ix[date_col]])
            elif col.kind == S.ID and sheet.name == "发展党员" and col.header != "公民身份号码" and not self.person_known(value):
                self.error(sheet.name, n, col.header, _("人员“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": value})
                ok = False
            elif col.kind == S.ID and sheet.name == "参加人员" and not self.person_known(value):
                self.error(sheet.name, n, col.header, _("人员“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": value})
                ok = False
        for header, (kind, file_sheet, file_col) in spec.refs.items():
            value = v[ix[header]]
            if not value:
                continue
            in_file = file_sheet in self.plans and value in self._codes(file_sheet, (file_col,))
            # One answer whether the code is unknown or belongs to a record outside the user's subtree.
            if not in_file and (value not in self.maps[kind] or not self.in_scope(self.maps[kind + "_path"].get(value))):
                self.error(sheet.name, n, header, _("“%(v)s”在您的管辖范围内和本文件中都不存在") % {"v": value})
                ok = False
        if sheet.name == "活动":
            if v[ix["活动类型"]] not in self.maps["type"]:
                self.error(sheet.name, n, "活动类型", _("系统中没有活动类型“%(v)s”") % {"v": v[ix["活动类型"]]})
                ok = False
            elif v[ix["活动类型"]] in self.restricted_types and not self.user.sees_discipline:
                self.error(sheet.name, n, "活动类型", _("该活动类型仅纪检监察可录入"))
                ok = False
        return ok

    def coverage_since(self, entity_ids: list) -> dict:
        return coverage_since(entity_ids)

    # ---- the summary -------------------------------------------------------------------

    def summary(self) -> dict[str, dict]:
        return {name: plan.counts for name, plan in sorted(self.plans.items(), key=lambda kv: kv[1].sheet.order)}

    def changes(self) -> int:
        return sum(c["create"] + c["update"] for c in self.summary().values())

    # ---- pass 3: the write --------------------------------------------------------------

    def write(self, progress=None) -> dict[str, dict]:
        """Write the validated plan in one transaction; progress(sheet, done, total) after each batch."""
        for event in self.write_steps():
            if progress:
                progress(*event)
        return self.summary()

    def write_steps(self):
        """The write as a generator of progress events, inside one transaction: an interruption
        (an exception, or the generator closed early) rolls everything back."""
        from qingfeng.imports.writer import Writer

        assert self.ok, "write() after a failed validation"
        with transaction.atomic():
            with sqlite_cache():
                yield from Writer(self).steps()


@dataclass(frozen=True)
class Record:
    """How a generic sheet maps onto its model: header → logical lookup (org__code, person__id_number …)."""

    label: str
    lookups: dict
    scope_path: str = "org__path"
    refs: dict = field(default_factory=dict)  # header → (map kind, sheet defining it, column there)

    def model(self):
        from django.apps import apps

        return apps.get_model(self.label)


RECORDS = {
    "活动": Record("activities.Activity", {
        "活动编号": "code", "活动类型": "type__name", "组织编码": "org__code", "日期": "date", "主题": "topic",
        "形式": "channel", "受众人数": "audience", "第一议题": "first_topic", "宣讲小分队编码": "lecture_team__code"},
        refs={"宣讲小分队编码": ("team", "宣讲小分队", "小分队编码")}),
    "参加人员": Record("activities.Attendance", {
        "活动编号": "activity__code", "公民身份号码": "person__id_number", "出席情况": "presence"},
        scope_path="activity__org__path", refs={"活动编号": ("activity", "活动", "活动编号")}),
    "宣讲小分队": Record("activities.LectureTeam", {
        "小分队编码": "code", "名称": "name", "组织编码": "org__code", "成立日期": "established_on", "撤销日期": "dissolved_on"}),
    "宣讲员": Record("activities.Lecturer", {
        "小分队编码": "team__code", "公民身份号码": "person__id_number", "加入日期": "joined_on", "退出日期": "left_on"},
        scope_path="team__org__path", refs={"小分队编码": ("team", "宣讲小分队", "小分队编码")}),
    "两新组织": Record("entities.Entity", {
        "统一社会信用代码": "credit_code", "名称": "name", "类型": "type", "属地党组织编码": "org__code",
        "从业人员数": "employees", "党员人数": "member_count", "覆盖方式": "coverage", "注销日期": "deregistered_on"}),
    "选派干部": Record("grassroots.Assignment", {
        "公民身份号码": "person__id_number", "岗位": "role", "派驻组织编码": "org__code", "开始日期": "start_on",
        "派出单位": "sent_by", "队伍": "team", "结束日期": "end_on", "结束原因": "end_reason"}),
    "软弱涣散整顿": Record("grassroots.WeakOrgCase", {
        "组织编码": "org__code", "认定日期": "identified_on", "主要问题": "problems", "整顿完成日期": "rectified_on"}),
    "问题整改": Record("supervision.Finding", {
        "问题编号": "code", "来源": "source", "发现日期": "found_on", "责任组织编码": "org__code",
        "问题描述": "description", "整改期限": "deadline", "销号日期": "closed_on"}),
    "问责": Record("supervision.Accountability", {
        "公民身份号码": "person__id_number", "决定日期": "decided_on", "决定组织编码": "org__code", "方式": "mode",
        "关联问题编号": "finding__code"}, refs={"关联问题编号": ("finding", "问题整改", "问题编号")}),
    "办实事": Record("service.ServiceItem", {
        "事项编号": "code", "组织编码": "org__code", "事项名称": "name", "类别": "category", "承诺日期": "committed_on",
        "计划完成日期": "planned_on", "完成日期": "completed_on", "受益人数": "beneficiaries"}),
    "案件": Record("discipline.Case", {
        "案件编号": "code", "公民身份号码": "person__id_number", "干部管理层级": "cadre_level", "组织编码": "org__code",
        "立案日期": "filed_on", "主动投案": "self_surrender", "结案日期": "closed_on"}),
    "处置": Record("discipline.Disposition", {
        "公民身份号码": "person__id_number", "日期": "decided_on", "形态": "form", "组织编码": "org__code",
        "措施": "measure", "案件编号": "case__code"}, refs={"案件编号": ("case", "案件", "案件编号")}),
    "发展党员": Record("membership.Candidate", {
        "公民身份号码": "person__id_number", "递交申请日期": "applied_on", "组织编码": "org__code",
        "谈话日期": "talked_on", "确定积极分子日期": "activist_on", "培养联系人": "contact_1__id_number",
        "确定发展对象日期": "candidate_on", "入党介绍人一": "introducer_1__id_number",
        "入党介绍人二": "introducer_2__id_number", "政治审查日期": "review_on", "培训天数": "training_days",
        "培训学时": "training_hours", "支部大会日期": "vote_on", "应到人数": "votes_due", "实到人数": "votes_present",
        "赞成票数": "votes_yes", "审批日期": "approved_on", "延长预备期月数": "extension_months",
        "转正支部大会日期": "full_vote_on", "转正审批日期": "full_approved_on", "终止日期": "closed_on",
        "终止原因": "closed_reason"}),
    "纪检监察建议书": Record("discipline.Recommendation", {
        "建议书编号": "code", "组织编码": "org__code", "发出日期": "issued_on", "收文单位": "recipient", "回复日期": "replied_on"}),
}


def record_for(sheet: S.Sheet) -> Record | None:
    """How a generic sheet maps onto its model: from its declaration, or (until it moves) from RECORDS."""
    if sheet.model:
        refs = {c.header: (c.ref, c.ref, S.get(c.ref).key[0]) for c in sheet.columns if c.ref}
        return Record(sheet.model, sheet.lookups, sheet.scope_path, refs)
    return RECORDS.get(sheet.name)


@contextmanager
def sqlite_cache(kib: int = 256 * 1024):
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


def id_valid(text: str) -> bool:
    """The common case of qingfeng.core.idnumbers.id_problem(text) is None, faster: a well-formed,
    upper-case ID number whose birth date exists and whose check character is right."""
    first17 = text[:17]
    if not first17.isdigit() or not first17.isascii() or text[17] not in ID_LAST:
        return False
    if ID_CHECK[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11] != text[17]:
        return False
    birth = id_birth_date(text)
    return birth is not None and birth.year >= 1900


def coverage_since(entity_ids: list) -> dict:
    """The 覆盖日期 of each entity's current coverage: the start of its latest history row."""
    from qingfeng.entities.models import CoverageChange

    latest = {}
    for chunk in _chunks(sorted(entity_ids)):
        for entity_id, since in CoverageChange.objects.filter(entity_id__in=chunk).order_by(
                "entity_id", F("since").asc(nulls_first=True), "id").values_list("entity_id", "since"):
            latest[entity_id] = since
    return latest


def _chunks(items, size: int = BATCH):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]
