"""The write half of an import: applies a validated plan inside the caller's transaction (engine.write_steps).

Each sheet's ledger writes its rows (core.sheets.Ledger): the generic write below builds model instances from the
rows' declared lookups — codes resolved to primary keys — and hands them to the ledger's create and update hooks
(bulk_create / bulk_update, or the app's bulk actions that keep history); no query per row. Each write announces
what it changed through qingfeng.core.changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from qingfeng.core import sheets as S
from qingfeng.core.bulk import Table
from qingfeng.core.entries import log_entries
from qingfeng.core.sheets import Context, SheetPlan, chunks

IMPORT = "import"
Step = Iterator[tuple[str, int, int]]
Columns = list[tuple[int, str, str | None]]  # (position, model attribute, ids map or None): columns_of


class Writing(Context, Protocol):
    new_people: dict[str, str]
    total: int
    owners: dict[Any, set[int]]  # model → primary keys of records owning written rows (an activity, a team)

    def summary(self) -> dict[str, dict[str, int]]: ...


def write_all(ctx: Writing) -> Step:
    """Write every planned sheet in order, yielding (sheet, rows done, rows in total) after each batch."""
    ctx.total = sum(len(p.create) + len(p.update) for p in ctx.plans.values()) or 1
    ctx.ids["org"] = {code: ref.pk for code, ref in ctx.orgs.items() if ref.pk}
    ctx.ids["person"] = {number: ref.pk for number, ref in ctx.people.items() if ref.pk}
    persons_written = False
    for sheet in S.all_sheets():
        plan = ctx.plans.get(sheet.name)
        if plan is None:
            continue
        if sheet.names_people and not persons_written:
            create_people(ctx)
            persons_written = True
        yield from sheet.ledger.write(ctx, plan)
    finish(ctx)


def create_people(ctx: Writing) -> None:
    """Lecturers, dispatched cadres and parties to decisions who are not (yet) known: persons without membership."""
    from qingfeng.people.actions import create_persons

    persons = ctx.ids["person"]
    persons.update(create_persons({n: name for n, name in ctx.new_people.items() if n not in persons}, now=ctx.now))


def target(col: S.Col) -> str | None:
    """The ids map a reference column's value is looked up in (organizations, persons, a sheet's records, a table)."""
    if col.org:
        return "org"
    if col.kind == S.ID:
        return "person"
    return col.ref or col.table or None


def columns_of(plan: SheetPlan) -> Columns:
    """(position, model attribute, ids map or None) of the columns written, for the columns present."""
    out = []
    for col in plan.sheet.columns:
        if col.lookup and col.header in plan.present:
            fk, _sep, _rest = col.lookup.partition("__")
            out.append((plan.sheet.index[col.header], fk + "_id", target(col)) if _sep else
                       (plan.sheet.index[col.header], col.lookup, None))
    return out


def write_records(ctx: Writing, plan: SheetPlan) -> Step:
    model = plan.sheet.get_model()
    names = {f.name for f in model._meta.get_fields()}
    columns = columns_of(plan)
    create: list[list[Any]] = plan.create
    if plan.sheet.fast:
        yield from _insert_tuples(ctx, plan, model, columns)
        create = []
    for chunk in chunks(create):
        objs: list[Any] = _create(ctx, plan, model, names, columns, chunk)
        touch(ctx, plan, model, columns, [[getattr(o, attr) for _i, attr, _k in columns] for o in objs])
        yield ctx.step(plan.sheet.name, len(chunk))
    fields = sorted({attr for i, attr, _t in columns if plan.sheet.columns[i].header not in plan.sheet.key})
    if "updated_at" in names:
        fields.append("updated_at")
    for changes in chunks(plan.update):
        current = model._default_manager.in_bulk([pk for _v, pk, _c in changes])
        objs = []
        for v, pk, _changed in changes:
            obj: Any = current[pk]
            _set(ctx, obj, columns, v)
            if "updated_at" in names:
                obj.updated_at = ctx.now
            objs.append(obj)
        plan.sheet.ledger.update(ctx, plan, objs, fields, changes)
        if "org" in names:
            ctx.touched(orgs=[o.org_id for o in objs])
        touch(ctx, plan, model, columns, [[getattr(o, attr) for _i, attr, _k in columns] for o in objs])
        yield ctx.step(plan.sheet.name, len(changes))


def touch(ctx: Writing, plan: SheetPlan, model: Any, columns: Columns, rows: Sequence[Sequence[Any]]) -> None:
    """Announce what written rows concern beyond their own organization: the persons they name (facts derived per
    member), and — for rows owned through another record (attendance: its activity; a lecturer: the team) — that
    record, whose organization finish() announces."""
    people = [k for k, (_i, _a, kind) in enumerate(columns) if kind == "person"]
    if people:
        ctx.touched(people={row[k] for row in rows for k in people})
    owner = plan.sheet.scope_path.split("__")[0]
    if owner != "org":
        k = next((k for k, (_i, attr, _kind) in enumerate(columns) if attr == owner + "_id"), None)
        if k is not None:
            ctx.owners[model._meta.get_field(owner).related_model].update(row[k] for row in rows)


def _set(ctx: Context, obj: Any, columns: Columns, v: list[Any]) -> None:
    ids = ctx.ids
    for i, attr, kind in columns:
        value = v[i]
        if kind is not None:
            value = None if value is None or value == "" else ids[kind][value]
        setattr(obj, attr, value)


def _create(ctx: Context, plan: SheetPlan, model: Any, names: set[str], columns: Columns, chunk: list[list[Any]]) -> list[Any]:
    objs = []
    for v in chunk:
        obj = model()
        _set(ctx, obj, columns, v)
        if "entered_via" in names:
            obj.entered_via = IMPORT
        if "created_by" in names:
            obj.created_by_id = ctx.user.pk
        objs.append(obj)
    plan.sheet.ledger.create(ctx, plan, objs, chunk)
    if len(plan.sheet.key) == 1:  # other sheets name these records by their key
        i_key = plan.sheet.index[plan.sheet.key[0]]
        ctx.ids[plan.sheet.name].update((v[i_key], obj.pk) for v, obj in zip(chunk, objs, strict=True))
    if "org" in names:
        log_entries(objs, IMPORT, ctx.user, at=ctx.now)
        ctx.touched(orgs=[o.org_id for o in objs])
    return objs


def _insert_tuples(ctx: Writing, plan: SheetPlan, model: Any, columns: Columns) -> Step:
    """The largest ledgers (attendance: millions of rows a year in a city) as tuples, not instances."""
    table = Table(model, [attr for _i, attr, _k in columns])
    ids = ctx.ids
    for chunk in chunks(plan.create):
        rows = [tuple(ids[kind][v[i]] if kind else v[i] for i, _a, kind in columns) for v in chunk]
        table.insert(rows, ids=False)  # nothing names attendance rows by key
        touch(ctx, plan, model, columns, rows)
        yield ctx.step(plan.sheet.name, len(chunk))


def finish(ctx: Writing) -> None:
    from qingfeng.audit.models import AuditAction, record

    for model, pks in ctx.owners.items():
        for chunk in chunks(sorted(pks)):
            ctx.touched(orgs=model.objects.filter(pk__in=chunk).values_list("org_id", flat=True))
    # Only what the file changed (announced along the way, in this transaction): the facts refresh those
    # organizations and persons, as after a page's write — no full rebuild.
    summary = "；".join(f"{name} 新增{c['create']} 更新{c['update']} 未变{c['unchanged']}"
                       for name, c in ctx.summary().items())
    record(ctx.user, AuditAction.IMPORT, model="imports", summary=summary[:300], after=dict(ctx.summary()))
