"""Import sheets (导入模板, spec/import-formats.md), declared by each app beside its models, and their registry.

An app that keeps a ledger declares its sheets in `<app>/sheets.py` and registers them:

    REPORT_FORMS = register(Sheet("报表目录", order=150, model="burden.ReportForm", key=("报表编号",), columns=(
        Col("报表编号", True, CODE, max_length=40, lookup="code"), ...)))

A declaration says everything the import engine, the blank templates and the exports need: the columns (kind,
allowed values, where each value lives on the model), the key that matches rows to existing records, the
references to organizations, persons and other sheets' records, the rules within a row (`check`) and against
what the database knows (`verify`), and how validated rows are written (`ledger`: the engine's generic bulk
write, with the app's bulk actions as hooks, or the app's own plan and write). `qingfeng.imports` is a generic
engine over these declarations and `core.exports` writes any list in a sheet's format; neither names a sheet.

The registry is filled as each app's `AppConfig.ready()` imports its own `sheets` module
(`from . import sheets`): a plain import, so import-linter and readers see every arrow (no `importlib`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

T = TypeVar("T")

BATCH = 5000  # rows per query of keys and per bulk write

# Column kinds. "text" cells are stripped and full-width letters and digits folded; "free" cells (names, topics,
# descriptions) are only stripped; "name" cells name a row of a reference table (活动类型) by its name.
TEXT, FREE, CODE, ID, CREDIT, DATE, INT, ENUM, PHONE, NAME = (
    "text", "free", "code", "id", "credit", "date", "int", "enum", "phone", "name")
YES_NO = ("是", "否")
END_NOTE = "结束类日期是第一天不再成立的日期（例如撤销日期当天起组织已不存在）"


def choices_of(choices: Iterable[object]) -> tuple[str, ...]:
    """A TextChoices' values (or any iterable) as the tuple of strings a column allows."""
    return tuple(str(c) for c in choices)


@dataclass(frozen=True)
class Col:
    header: str
    required: bool = False
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    max_length: int = 200
    note: str = ""
    example: object = ""
    # Where the value lives on the sheet's model, as an ORM lookup ("org__code", "date"); rows are compared
    # and written on these. Empty: the column is not a field of the model (姓名 of a person, 覆盖日期 history).
    lookup: str = ""
    export: str = ""  # read for exports only, when different from `lookup` (a person's 姓名: "person__name")
    default: object = None  # the value an empty cell stands for (形式 → 线下); None: empty means unknown
    org: bool = False  # names an organization by its 组织编码 (in the database or earlier in the file)
    ref: str = ""  # names a record of another sheet by that sheet's key (宣讲小分队编码 → 宣讲小分队)
    table: str = ""  # NAME kind: a row of this model (label) matched on its `name` (活动类型)
    known_person: bool = False  # ID kind: must name a person the platform or the file knows
    validate: Callable[[str], str | None] | None = None  # a further check of the text (None: fine)
    # Reading people's own workbooks (docs/import-own-excel.md): other headers written for this column, headers
    # under which an organization column holds names instead of codes, the variants of allowed values people
    # write (正式 → 正式党员), and whether a year and month alone may stand for the date (出生年月).
    synonyms: tuple[str, ...] = ()
    name_synonyms: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    month_ok: bool = False
    # A workbook of one's own without this column: (value, problem) from the rest of the row (党员类别 from the
    # dates); a template must still have the column.
    derive: Callable[[Row], tuple[Any, str | None]] | None = None
    # A column added to a sheet later (村情, 问题类别, 专题): an empty cell leaves what is stored, so re-importing a file
    # made before the column existed, or one that leaves it blank, changes nothing.
    keep_when_empty: bool = False

    @property
    def read(self) -> str:
        """The lookup an export reads."""
        return self.export or self.lookup


@dataclass(frozen=True)
class Month:
    """A date known to its month only (出生年月 “1980.01” in a roster): a row's rules compare it with what they know."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月"

    def holds(self, day: dt.date) -> bool:
        return (day.year, day.month) == (self.year, self.month)


class Row:
    """One row's values by header, for a sheet's rules: `row["入党日期"]`. Cells already found bad read None."""

    __slots__ = ("values", "index", "bad", "today", "user")

    def __init__(self, values: list[Any], index: dict[str, int], today: dt.date, user: Any = None,
                 bad: AbstractSet[str] = frozenset()):
        self.values, self.index, self.today, self.user, self.bad = values, index, today, user, bad

    def __getitem__(self, header: str) -> Any:
        return None if header in self.bad else self.values[self.index[header]]

    def __setitem__(self, header: str, value: Any) -> None:
        self.values[self.index[header]] = value


Problems = Iterable[tuple[str, str]]  # (column, reason in Chinese)


@dataclass
class OrgRef:
    """An organization as the import knows it: from the database, or planned by the file's 党组织 rows."""

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


@dataclass
class SheetPlan:
    """What the import will do with one sheet's valid rows."""

    sheet: Sheet
    present: set[str] = field(default_factory=set)  # headers present in the file
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, values)
    create: list[list[Any]] = field(default_factory=list)  # values
    update: list[tuple[list[Any], int, list[str]]] = field(default_factory=list)  # (values, pk, changed headers)
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"create": len(self.create), "update": len(self.update), "unchanged": self.unchanged}


class Context(Protocol):
    """What the import engine offers a sheet's rules and ledger (qingfeng.imports.engine.Importer implements it)."""

    user: Any
    root: Any  # the organization at the top of the user's subtree (None: the whole tree)
    today: dt.date
    now: dt.datetime
    orgs: dict[str, OrgRef]  # 组织编码 → the organization, from the database or this file
    people: dict[str, PersonRef]  # 公民身份号码 → a person the database knows
    # primary keys by key: "org" (组织编码), "person" (公民身份号码), each referenced sheet's name (its key), each
    # reference table's label (names); filled while writing
    ids: dict[str, dict[Any, int]]
    plans: dict[str, SheetPlan]

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None: ...
    def in_scope(self, path: str | None) -> bool: ...
    def memo(self, key: str, make: Callable[[], T]) -> T: ...
    def org_ref(self, sheet: str, row: int, column: str, code: str | None) -> OrgRef | None: ...
    def check_lifetime(self, sheet: str, row: int, column: str, ref: OrgRef, day: dt.date) -> bool: ...
    def plan_records(self, plan: SheetPlan) -> None: ...
    def write_records(self, plan: SheetPlan) -> Iterator[tuple[str, int, int]]: ...
    def step(self, label: str, n: int) -> tuple[str, int, int]: ...
    def touched(self, orgs: Iterable[int | None] = (), days: Iterable[dt.date | None] = (),
                people: Iterable[int | None] = (), moved: Iterable[int | None] = ()) -> None: ...


class Ledger:
    """How a sheet's validated rows become records. The defaults are the engine's generic plan (rows matched on
    the key, compared on the declared lookups) and bulk write; an app overrides the hooks with bulk variants of
    its actions (a finding's status and its first event, a coverage's history), or the plan and the write whole
    (the organization tree, the members)."""

    computed: tuple[str, ...] = ()  # columns that are not fields of the model, read by `current`

    def plan(self, ctx: Context, plan: SheetPlan) -> None:
        ctx.plan_records(plan)

    def write(self, ctx: Context, plan: SheetPlan) -> Iterator[tuple[str, int, int]]:
        return ctx.write_records(plan)

    def current(self, pks: list[int]) -> dict[int, dict[str, object]]:
        """Current values of the `computed` columns (覆盖日期), by primary key."""
        return {}

    def create(self, ctx: Context, plan: SheetPlan, objs: list[Any], rows: list[list[Any]]) -> None:
        """Insert new records (model instances built from the rows, in the same order)."""
        if objs:
            type(objs[0]).objects.bulk_create(objs, batch_size=BATCH)

    def update(self, ctx: Context, plan: SheetPlan, objs: list[Any], fields: list[str], rows: list[Any]) -> None:
        """Save changed records on these fields: the rows' values are set on them; `rows` are the plan's
        (values, primary key, changed headers)."""
        if objs:
            type(objs[0]).objects.bulk_update(objs, fields, batch_size=BATCH)

    def exportable(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The records of a list that are rows of this sheet."""
        return queryset


GENERIC = Ledger()


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    order: int = 1000  # sheets are planned, written and listed in this order (a referenced sheet first)
    model: str = ""  # app_label.Model the rows become
    restricted: bool = False  # discipline data: only 纪检监察 roles and 系统管理员 may import it
    writers: str = "party"  # party, study, supervision, discipline (see accounts.access WRITERS_*)
    description: str = ""
    scope_path: str = "org__path"  # the lookup of an existing record's organization path (the user's subtree)
    # (later column, earlier column, strictly later): dates that must be in this order within a row
    date_rules: tuple[tuple[str, str, bool], ...] = ()
    lifetime: tuple[str, str] | None = None  # (organization column, date column): the date within its lifetime
    names_people: bool = False  # rows carry 公民身份号码 + 姓名 of a person, created when not yet known
    registers_people: bool = False  # the rows are the persons themselves (党员): their 姓名 is the one that counts
    check: Callable[[Row], Problems] | None = None  # rules within one row
    check_partial: bool = False  # `check` runs on rows with bad cells too (those read None) to report more at once
    verify: Callable[[Context, Row], Problems] | None = None  # rules against references, once they are loaded
    fast: bool = False  # created as plain tuples (no model instances): the largest ledgers, without hooks
    ledger: Ledger = GENERIC
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.index.update({c.header: i for i, c in enumerate(self.columns)})

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def col(self, header: str) -> Col:
        return self.columns[self.index[header]]

    @property
    def lookups(self) -> dict[str, str]:
        """header → lookup for the columns stored as fields of the model."""
        return {c.header: c.lookup for c in self.columns if c.lookup}

    def get_model(self) -> type[Model]:
        from django.apps import apps

        return apps.get_model(self.model)


# ---- the registry ------------------------------------------------------------------------------

_registry: dict[str, Sheet] = {}
# Sheets that are not data (the templates' own instructions) and are skipped on import.
IGNORED_SHEETS = {"填写说明", "可选值"}


def register(sheet: Sheet) -> Sheet:
    """Add an app's sheet to the registry (at import time of its `sheets` module); returns it."""
    if sheet.name in _registry and _registry[sheet.name] != sheet:
        raise ValueError(f"two sheets named {sheet.name!r}")
    _registry[sheet.name] = sheet
    return sheet


def discover() -> None:
    """The registry is complete once the apps are ready (each app's ready() imported its sheets)."""
    from django.apps import apps

    apps.check_apps_ready()


def all_sheets() -> list[Sheet]:
    """Every registered sheet, in order."""
    discover()
    return sorted(_registry.values(), key=lambda s: (s.order, s.name))


def get(name: str) -> Sheet | None:
    discover()
    return _registry.get(name)


def sheet(name: str) -> Sheet:
    """The registered sheet of this name (KeyError when there is none)."""
    discover()
    return _registry[name]


def by_name() -> dict[str, Sheet]:
    return {s.name: s for s in all_sheets()}


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """The items in lists of `size` (5,000: one query's keys, one bulk write)."""
    batch = list(islice(it := iter(items), size))
    while batch:
        yield batch
        batch = list(islice(it, size))
