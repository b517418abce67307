"""The fact store: writing and reading the pre-aggregated indicator tables (models.py).

How it works
------------
* Every record contributes *own rows* to its owning organization (OwnFact): flows on the day of the
  event (an activity on its date, a finding on the day it was found, closed, due …), snapshots as
  deltas (+1 on the first day a thing holds, −1 on the first day it no longer holds; "since ever" is
  the sentinel day 1900-01-01), compliance windows (due 1, met 0/1) on the window's first day. Which rows
  a record contributes is declared by the code that knows it, registered in `qingfeng.core.metrics`.
* The own rows are rolled up to every ancestor (OrgAncestor) into Fact, per day, month and year, so a
  subtree's value is a key lookup: flows = whole months + the days of the partial edge months;
  snapshots at t = the yearly deltas before t's year + the monthly ones of t's year before t's month +
  the daily ones of t's month up to t.
* Transfers in (转入) are rolled up only to the ancestors of the receiving organization that are not
  ancestors of the sending one: for those, the member came from outside the subtree.
* `refresh(org_id, …)` recomputes *all* of one organization's own rows from its records, writes the
  difference to the ancestors' rolled-up rows (an upsert that adds) and replaces the own rows. A list
  of days that misses one (a finding's deadline, say) cannot leave the facts stale.
* `apply(change)` is the store's subscription to `qingfeng.core.changes`.
* Reading: `Sums` loads the sums of many (organization, day ranges, metrics) in a few queries;
  `flow_ranges` and `snapshot_ranges` say which rows answer a period.
"""

# ruff: noqa: S608 — SQL here is built from our own table names (model metadata); values are bound parameters.
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import inspect
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, Min, Model
from django.utils import timezone

from qingfeng.activities.models import Activity, Requirement
from qingfeng.core import dates, distinct
from qingfeng.core import metrics as sources
from qingfeng.core.memo import per_request
from qingfeng.core.metrics import EVER, Key, Rows
from qingfeng.indicators import compliance
from qingfeng.indicators.models import Fact, FactLog, FactState, OrgAncestor, OwnFact
from qingfeng.orgs.models import PATH_SEP, REQUIREMENT_KINDS, Organization

if TYPE_CHECKING:
    from qingfeng.core.changes import Change

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # progress(label, steps done, steps in all) of a rebuild
# A rolled-up cell's key: (org_id, grain, day, metric, d1, d2, d3); its (n, total) to add.
CellKey = tuple[int, str, dt.date, str, str, str, str]
Cells = dict[CellKey, list[int]]
# The compliance windows as the facts key them: (type id, cadence, first day) → last day.
WindowEnds = dict[tuple[str, str, dt.date], dt.date]

__all__ = ["EVER", "Key", "Rows"]  # re-exported: the accumulator own rows are written into

ONE_DAY = dt.timedelta(days=1)
WINDOW_METRIC = sources.WINDOWS
# The layout of the store's own rows (ancestors, compliance windows, roll-up grains); raise it when they change.
# The apps' fact rows need no number: state_key() fingerprints their sources (2: lifecycle metrics and yearly rows;
# 3: dues collected; 4: the distinct counts, rolled up past their previous organization).
STORE_LAYOUT = 4
_state_key: list[str] = []


def state_key() -> str:
    """The key under which the facts' state is kept: the store's layout and a fingerprint of every metric's kind and
    of the source of the modules emitting the fact rows (each app's facts.py, the compliance windows). A database
    whose facts were built by other code (an upgrade that adds a dimension, say) is read from the raw records until
    `rebuild-facts` runs again, instead of answering from rows of another layout (issue 14: the findings' 问题类别
    came in as a new dimension and facts built before it answered 0 for every category)."""
    if not _state_key:
        _state_key.append(f"facts-{STORE_LAYOUT}-{layout_fingerprint()}")
    return _state_key[0]


def layout_fingerprint() -> str:
    funcs = [*sources.sql_sources().values(), *sources.row_sources(), compliance.windows_for_branches,
             *(f.tracks for f in distinct.FAMILIES.values())]
    digest = hashlib.sha256()
    kinds = sorted([(m, sources.FLOW) for m in sources.flows()] + [(m, sources.SNAPSHOT) for m in sources.snapshots()])
    digest.update(repr(kinds).encode())
    for module in sorted({f.__module__ for f in funcs}):
        digest.update(module.encode())
        digest.update(inspect.getsource(sys.modules[module]).encode())
    return digest.hexdigest()[:10]


# ---- own rows --------------------------------------------------------------------------

def add_sql_sources(rows: Rows, org_id: int, chosen: dict[str, sources.SqlSource] | None = None) -> None:
    for metric, source in (sources.sql_sources() if chosen is None else chosen).items():
        for r in source(org_id):
            rows.add(r["o"], r["dd"], metric, r["k1"], r["k2"], r["k3"], r["c"], r["s"])


def add_row_sources(rows: Rows, org_id: int | None = None, chosen: list[sources.RowSource] | None = None) -> None:
    for source in sources.row_sources() if chosen is None else chosen:
        source(rows, org_id)


def window_range() -> tuple[dt.date, dt.date] | None:
    """Compliance windows are materialized from the year before the first requirement activity to the end of
    the year of the last one; questions about windows outside that span are answered from the records."""
    types = Requirement.objects.values("activity_type_id")
    bounds = Activity.objects.filter(type_id__in=types).aggregate(lo=Min("date"), hi=Max("date"))
    if bounds["lo"] is None:
        return None
    # A year before the first record too: its windows are due (and unmet) for branches that existed then.
    return dt.date(bounds["lo"].year - 1, 1, 1), dt.date(bounds["hi"].year, 12, 31)


def add_windows(rows: Rows, branches: list[Organization], span: tuple[dt.date, dt.date] | None) -> None:
    if span is None:
        return
    for w in compliance.windows_for_branches(branches, compliance.active_requirements(), span[0], span[1]):
        rows.add(w.org_id, w.start, WINDOW_METRIC, w.type_id, w.cadence, "", 1, 1 if w.met else 0)



# What the compliance windows (WINDOW_METRIC) read: qingfeng.activities.windows.
WINDOW_READS = frozenset({"activities.activity", "activities.activitytype", "activities.requirement",
                          "people.relation", "people.person", "orgs.organization"})


def own_rows_for(org: Organization, span: tuple[dt.date, dt.date] | None, scope: sources.Scope | None = None) -> Rows:
    """All of an organization's own rows, or those of the metrics of `scope` (sources.scope)."""
    rows = Rows()
    add_sql_sources(rows, org.pk, None if scope is None else scope.sql)
    add_row_sources(rows, org.pk, None if scope is None else scope.rows)
    if org.kind in REQUIREMENT_KINDS and (scope is None or WINDOW_METRIC in scope.metrics):
        add_windows(rows, [org], span)
    return rows


def scope_of(ledgers: Iterable[str] | None) -> sources.Scope | None:
    """The part of the own rows a write to these models can change (None: all of them)."""
    if ledgers is None:
        return None
    wanted = frozenset(ledgers)
    found = sources.scope(wanted)
    if found is None:
        return None
    if WINDOW_READS & wanted:
        found.metrics = found.metrics | {WINDOW_METRIC}
    return found


# ---- writing ---------------------------------------------------------------------------

# Told which rolled-up cells a write changed — the (org_id, grain, day, metric, d1, d2, d3) keys — or None when
# every cell may have (a rebuild). qingfeng.federation keeps its published copy of the facts by it (issue 22):
# whatever replaces upsert_add or the rebuild must keep telling.
cell_listeners: list[Callable[[Iterable[CellKey] | None], None]] = []


def tell(keys: Iterable[CellKey] | None) -> None:
    for listener in cell_listeners:
        listener(keys)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def year_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('year', {column}) AS date)"
    return f"date({column}, 'start of year')"


def year_of(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def upsert_add(cells: Cells, into: str | None = None, zeros: bool = False) -> None:
    """Add (n, total) to rolled-up rows keyed (org, grain, day, metric, d1, d2, d3), creating them if needed;
    `zeros`: then delete those of them that came to zero (point deletes by key: an ancestor such as the city has
    millions of rows, none of them scanned).

    Organization by organization in descending order of their ids, each one's rows in descending key order. Every
    writer takes the rows it shares with others (every ancestor's) in that one order, so two writes wait for each
    other instead of deadlocking; and the rows nearly every write shares — the city's and its districts', whose
    organizations were created before those below them and have smaller ids — come last, so a large write (a slice
    of an import's hundreds of organizations) holds them from the end of its writing to its commit only, not for the
    whole of it, and the page writes queued behind them wait that long."""
    if not cells:
        return
    t = into or table(Fact)
    sql = (f"INSERT INTO {t} (org_id, grain, day, metric, d1, d2, d3, n, total) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
           f"ON CONFLICT (org_id, metric, grain, day, d1, d2, d3) DO UPDATE SET n = {t}.n + excluded.n, "
           f"total = {t}.total + excluded.total")
    delete = (f"DELETE FROM {t} WHERE org_id = %s AND grain = %s AND day = %s AND metric = %s AND d1 = %s AND d2 = %s "
              f"AND d3 = %s AND n = 0 AND total = 0")
    by_org: dict[int, list[tuple[int, str, dt.date, str, str, str, str, int, int]]] = defaultdict(list)
    for k, v in cells.items():
        if v[0] or v[1]:
            by_org[k[0]].append((*k, v[0], v[1]))
    with connection.cursor() as cursor:
        for org_id in sorted(by_org, reverse=True):
            params = sorted(by_org[org_id], reverse=True)
            cursor.executemany(sql, params)
            if zeros:
                cursor.executemany(delete, [(p[0], p[1], p[2], p[3], p[4], p[5], p[6]) for p in params])
    if into is None:
        tell(cells.keys())


def add_cells(cells: Cells) -> None:
    """upsert_add into the live facts, deleting the rows that came to zero."""
    upsert_add(cells, zeros=True)


def insert_own(rows: Rows, chunk: int = 20000, into: str | None = None) -> None:
    """Write own rows as plain tuples (no model instances: there may be millions): COPY on PostgreSQL,
    batched INSERTs elsewhere."""
    columns = "(org_id, day, metric, d1, d2, d3, n, total)"
    into = into or table(OwnFact)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {into} {columns} FROM STDIN") as copy:
            for k, v in rows.items():
                copy.write_row((*k, v[0], v[1]))
        return
    sql = f"INSERT INTO {into} {columns} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    batch = []
    with connection.cursor() as cursor:
        for k, v in rows.items():
            batch.append((*k, v[0], v[1]))
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


class Tree:
    """Ancestors of organizations, from their materialized paths."""

    def __init__(self, orgs: Iterable[tuple[int, str, str, str]]):
        self.path: dict[int, str] = {}
        self.kind: dict[int, str] = {}
        self.by_code: dict[str, int] = {}
        for pk, code, path, kind in orgs:
            self.path[pk] = path
            self.kind[pk] = kind
            self.by_code[code] = pk

    @classmethod
    def for_orgs(cls, org_ids: Iterable[int]) -> Tree:
        paths = list(Organization.objects.filter(pk__in=set(org_ids)).values_list("path", flat=True))
        codes = {c for p in paths for c in p.split(PATH_SEP) if c}
        return cls(Organization.objects.filter(code__in=codes).values_list("pk", "code", "path", "kind"))

    def ancestors(self, org_id: int) -> list[int]:
        codes = [c for c in self.path.get(org_id, "").split(PATH_SEP) if c]
        return [self.by_code[c] for c in codes if c in self.by_code]

    def is_branch(self, org_id: int) -> bool:
        return self.kind.get(org_id) in REQUIREMENT_KINDS


class StoredTree:
    """Ancestors as the ancestor table holds them: the tree the rolled-up facts were built on (before a move)."""

    def __init__(self, org_ids: Iterable[int]):
        self.up: dict[int, list[int]] = defaultdict(list)
        self.branch: dict[int, bool] = {}
        for chunk in chunks(sorted(set(org_ids))):
            for d, a, is_branch in OrgAncestor.objects.filter(descendant_id__in=chunk).values_list(
                    "descendant_id", "ancestor_id", "ancestor_is_branch"):
                self.up[d].append(a)
                self.branch[a] = is_branch

    def ancestors(self, org_id: int) -> list[int]:
        return self.up.get(org_id, [])

    def is_branch(self, org_id: int) -> bool:
        return self.branch.get(org_id, False)


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def pointer_metrics() -> frozenset[str]:
    """Metrics whose d1 names an organization whose ancestors a row is not rolled up to: transfers in (from the
    sending organization) and the distinct counts (from the previous organization, qingfeng.core.distinct)."""
    return distinct.distinct_metrics() | {"xfer"}


def roll_up(key: Key, n: int, total: int, tree: Tree | StoredTree, cells: Cells) -> None:
    org_id, day, metric, d1, d2, d3 = key
    targets = tree.ancestors(org_id)
    if d1 and (metric == "xfer" or metric in distinct.distinct_metrics()):
        excluded = set(tree.ancestors(int(d1)))
        targets = [a for a in targets if a not in excluded]
    if metric in distinct.distinct_metrics():
        d1 = d3 = ""  # the previous organization and the identity are not kept rolled up
    for a in targets:
        if metric == "win":
            if tree.is_branch(a):
                continue
            grains: tuple[tuple[str, dt.date], ...] = (("w", day),)
        else:
            grains = (("d", day), ("m", month_of(day)), ("y", year_of(day)))
        for grain, when in grains:
            cell = cells.setdefault((a, grain, when, metric, d1, d2, d3), [0, 0])
            cell[0] += n
            cell[1] += total


def wanted_ancestors(tree: Tree, org_id: int) -> set[tuple[int, bool]]:
    return {(a, tree.is_branch(a)) for a in tree.ancestors(org_id)}


def ancestors_current(org: Organization) -> bool:
    """Whether the ancestor table agrees with the organization's path and its ancestors' kinds (adding the rows
    when the organization is new)."""
    tree = Tree.for_orgs([org.pk])
    wanted = wanted_ancestors(tree, org.pk)
    stored = set(OrgAncestor.objects.filter(descendant_id=org.pk).values_list("ancestor_id", "ancestor_is_branch"))
    if stored == wanted:
        return True
    if not stored and not OwnFact.objects.filter(org_id=org.pk).exists():
        OrgAncestor.objects.bulk_create([OrgAncestor(ancestor_id=a, descendant_id=org.pk, ancestor_is_branch=b)
                                         for a, b in wanted])
        return True
    return False


def move_subtrees(org_ids: Iterable[int], lock: bool = True) -> None:
    """Re-roll what organizations moved in the tree (or whose kind changed) contribute, with their subtrees.

    A subtree moves whole, so the roll-ups inside it keep their values; what changes is which ancestors outside
    it receive its rows. Its own rows (and the transfers into other organizations that came from it, rolled up
    only to ancestors the sender does not share) are taken out of the ancestors the ancestor table still names
    and added to those of the new paths, as one upsert of differences; then the ancestor table is rewritten
    for the subtree. The cost follows the subtree, not the city."""
    roots = list(Organization.objects.filter(pk__in=set(org_ids)).values_list("path", flat=True))
    members: set[int] = set()
    for path in roots:
        members |= set(Organization.objects.filter(path__startswith=path).values_list("pk", flat=True))
    if not members:
        return
    new_tree = Tree.for_orgs(members)
    old_tree = StoredTree(members)
    moved = {m for m in members if {(a, old_tree.is_branch(a)) for a in old_tree.ancestors(m)} != wanted_ancestors(new_tree, m)}
    if not moved:
        return
    own_rows: list[tuple[int, dt.date, str, str, str, str, int, int]] = []
    for chunk in chunks(sorted(moved)):
        own_rows += OwnFact.objects.filter(org_id__in=chunk).values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total")
        own_rows += OwnFact.objects.filter(metric__in=sorted(pointer_metrics()), d1__in=[str(m) for m in chunk]).exclude(
            org_id__in=moved).values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total")
    pointers = pointer_metrics()
    senders = {int(r[3]) for r in own_rows if r[2] in pointers and r[3]}
    involved = moved | {r[0] for r in own_rows} | senders
    new_tree, old_tree = Tree.for_orgs(involved), StoredTree(involved)
    cells: Cells = {}
    for r in own_rows:
        roll_up(r[:6], -r[6], -r[7], old_tree, cells)
        roll_up(r[:6], r[6], r[7], new_tree, cells)
    add_cells(cells)
    for chunk in chunks(sorted(moved)):
        OrgAncestor.objects.filter(descendant_id__in=chunk).delete()
    OrgAncestor.objects.bulk_create([OrgAncestor(ancestor_id=a, descendant_id=m, ancestor_is_branch=b)
                                     for m in moved for a, b in wanted_ancestors(new_tree, m)], batch_size=5000)
    # The distinct counts' rows follow the organizations' order, which the move changed: recompute those of every
    # identity with rows in the moved organizations or pointing into them.
    identities = {r[5] for r in own_rows if r[2] in distinct.distinct_metrics()}
    for org_id in sorted(distinct.homes(identities)):
        refresh(org_id, lock=lock, cascade=False)


@per_request  # read by every part of a page (figures, warnings, the ETag): once per GET request
def state() -> FactState | None:
    return FactState.objects.filter(key=state_key()).first()


@transaction.atomic
def refresh(org_id: int, *days: dt.date, lock: bool = True, cells: Cells | None = None, cascade: bool = True,
            scope: sources.Scope | None = None, since: dict[int, dt.date] | None = None) -> set[int]:
    """Bring the facts up to date after a change to a record owned by organization `org_id` (dated on
    `days`). Call it inside the writing transaction. All of the organization's own contributions are
    recomputed, so the days only document the change. `lock=False`: the caller holds the fact tables (a
    rebuild's switch), so no other refresh can run and the organization's row need not be locked. `cells`: add
    the rolled-up differences there (the caller writes them once, for many organizations) instead of writing them.

    A distinct count's rows of a person depend on their records elsewhere (qingfeng.core.distinct): when this
    organization's rows of some identities changed, the other organizations holding rows of them are refreshed too
    (`cascade`); returns those. `scope` (scope_of): only the rows of the metrics a write to some models can change
    are recomputed — the others cannot differ. `since`: the first day of the rows that changed is noted there for
    each organization refreshed (FactLog.since)."""
    st = state()
    if st is None:
        return set()  # never built: compute() reads the raw records until `rebuild-facts` runs
    orgs = Organization.objects.select_for_update() if lock else Organization.objects.all()
    org = orgs.filter(pk=org_id).first()
    if org is None:
        return set()
    if not ancestors_current(org):
        move_subtrees([org_id], lock=lock)  # moved in the tree (or its kind changed): re-roll its subtree first
        if since is not None:
            since[org_id] = dt.date.min  # every day of the ancestors' rows changed
    span = (st.windows_from, st.windows_to) if st.windows_from and st.windows_to else None  # written together
    new = {k: v for k, v in own_rows_for(org, span, scope).data.items() if v[0] or v[1]}
    old, deltas = _differences(org_id, new, scope)
    if not deltas:
        return set()
    if since is not None:
        first = min(changed_from(k) for k in deltas)
        since[org_id] = min(since.get(org_id, first), first)
    pointers = pointer_metrics()
    involved = {org_id} | {int(k[3]) for k in deltas if k[2] in pointers and k[3]}
    tree = Tree.for_orgs(involved)
    pending: Cells = {} if cells is None else cells
    for k, (dn, dt_) in deltas.items():
        roll_up(k, dn, dt_, tree, pending)
    if cells is None:
        add_cells(pending)
    # Only the rows that differ are written: a meeting changes a few of a branch's thousands.
    gone = [old[k][0] for k in deltas if k in old]
    for i in range(0, len(gone), 5000):
        OwnFact.objects.filter(pk__in=gone[i:i + 5000]).delete()
    OwnFact.objects.bulk_create([OwnFact(org_id=k[0], day=k[1], metric=k[2], d1=k[3], d2=k[4], d3=k[5], n=v[0], total=v[1])
                                 for k in deltas if (v := new.get(k))], batch_size=5000)
    counted = distinct.distinct_metrics()
    identities = {k[5] for k in deltas if k[2] in counted}
    if not cascade or not identities:
        return set()
    others = distinct.homes(identities) - {org_id}
    for other in sorted(others):
        refresh(other, lock=lock, cells=cells, cascade=False, scope=scope, since=since)
    return others


def _differences(org_id: int, new: dict[Key, list[int]], scope: sources.Scope | None) -> tuple[
        dict[Key, tuple[int, list[int]]], dict[Key, tuple[int, int]]]:
    """The organization's stored own rows (key → (pk, [n, total])) and how `new` differs from them (key → (dn,
    dtotal)), for the metrics of `scope` (None: all)."""
    own = OwnFact.objects.filter(org_id=org_id)
    if scope is not None:
        own = own.filter(metric__in=sorted(scope.metrics))
    old: dict[Key, tuple[int, list[int]]] = {}
    for r in own.values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total", "pk"):
        old[r[:6]] = (r[8], [r[6], r[7]])
    deltas = {}
    for k in set(new) | set(old):
        a, b = new.get(k, [0, 0]), old[k][1] if k in old else [0, 0]
        if a != b:
            deltas[k] = (a[0] - b[0], a[1] - b[1])
    return old, deltas


def changed_from(key: Key) -> dt.date:
    """The first day a period must reach for a figure of it to read this own row: its day, or for a compliance
    window the window's last day (a period's compliance counts the windows lying inside it only)."""
    if key[2] == WINDOW_METRIC and key[4] in compliance.CADENCE_MONTHS:
        return dates.month_end(dates.add_months(key[1], compliance.CADENCE_MONTHS[key[4]] - 1))
    return key[1]


# Past this many organizations to refresh one by one, one full rebuild costs less (a refresh reads an
# organization's records in a handful of queries; the rebuild reads every table once).
REFRESH_LIMIT = 3000


def apply(change: Change) -> None:
    """The facts' subscription to qingfeng.core.changes: bring every fact a write touched up to date, inside the
    write's transaction. A bulk load (`everything`) builds them; otherwise nothing is done while they have never been
    built (compute() reads the records until `rebuild-facts` runs)."""
    if change.everything:
        rebuild_facts()
        return
    orgs = set(change.orgs) | set(change.moved)
    if not change.resolved:  # a large write's slices name the persons' organizations themselves (changes.drain)
        for chunk in chunks(sorted(change.people)):
            orgs |= sources.organizations_of_people(chunk)
    orgs |= sources.dependents_of(orgs, set(change.moved))  # rows read from a subtree (indicators.sizes)
    if state() is None or len(orgs) > REFRESH_LIMIT:
        log_refreshed(orgs, set(change.moved), change.requirements)
        if state() is not None:
            if change.requirements:
                refresh_compliance()
            rebuild_facts()
        return
    if change.requirements:
        refresh_compliance()
    if change.moved:
        move_subtrees(change.moved)
    # A write that named the models it wrote recomputes only what reads them (a meeting: its activities' rows, not
    # the branch's members', dues', findings' …).
    scope = None if change.moved or change.requirements else scope_of(change.ledgers)
    cells: Cells = {}
    others: set[int] = set()
    since: dict[int, dt.date] = {}
    for org_id in sorted(orgs):
        others |= refresh(org_id, *sorted(change.days), cells=cells, scope=scope, since=since)
    add_cells(cells)  # one write for every organization, in upsert_add's order
    # logged after the refresh, which knows the first day it changed for each (a rebuild beside replays them all)
    exact = not (change.moved or change.requirements)
    log_refreshed(orgs | others, set(change.moved), change.requirements, since if exact else {})


def rebuild_facts(progress: Progress | None = None) -> None:
    """Rebuild every fact from the raw records. Idempotent; run after imports and the demo generator.
    `progress(label, done, total)` hears of each step.

    Called outside a transaction (the command, the job), the new facts are built beside the live ones from one
    snapshot and switched in with a short transaction (`rebuild_beside`): reads keep answering and writes keep
    refreshing the live facts meanwhile, and the writes the snapshot missed are replayed before and after the switch.
    Inside a transaction (the demo generator, a bulk change) the facts are rebuilt in place."""
    if not connection.in_atomic_block:
        rebuild_beside(progress)
        return
    with transaction.atomic():
        for model in (OwnFact, Fact, OrgAncestor):
            model.objects.all().delete()
        span = build(LIVE, progress)
        FactState.objects.exclude(key=state_key()).delete()
        FactState.objects.update_or_create(key=state_key(), defaults={
            "built_at": timezone.now(), "windows_from": span[0] if span else None, "windows_to": span[1] if span else None})
        FactLog.objects.all().delete()  # everything logged so far is in what was just built
    analyze()
    tell(None)


def analyze() -> None:
    if connection.vendor == "postgresql":
        # A rebuild follows bulk writes (an import, the demo): give the planner statistics of every table now,
        # not at autovacuum's leisure — estimates off by a hundredfold picked hash joins over whole tables.
        # Only the project's own tables: a bare ANALYZE also takes the cluster's shared catalogs, and waits (then
        # fails at the lock timeout) while another database of the same server is being created or dropped.
        tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        if tables:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


class Tables:
    """The fact tables a build writes: the live ones, or their shadows beside them (in a schema of their own)."""

    def __init__(self, schema: str = ""):
        self.schema = schema

    def name(self, model: type[Model]) -> str:
        name = connection.ops.quote_name(model._meta.db_table)
        return f"{connection.ops.quote_name(self.schema)}.{name}" if self.schema else name

    @property
    def own(self) -> str:
        return self.name(OwnFact)

    @property
    def fact(self) -> str:
        return self.name(Fact)

    @property
    def anc(self) -> str:
        return self.name(OrgAncestor)


LIVE = Tables()
BUILD_STEPS = 6


def build(into: Tables, progress: Progress | None = None) -> tuple[dt.date, dt.date] | None:
    """Write every fact from the records into empty tables; returns the compliance windows' span."""
    def step(i: int, label: str) -> None:
        if progress:
            progress(label, i, BUILD_STEPS)

    step(0, "组织树")
    tree = _build_ancestors(into)
    own = into.own
    step(1, "汇总台账记录")
    with connection.cursor() as cursor:
        for metric, source in sources.sql_sources().items():
            sub, sub_params = source(None).query.sql_with_params()
            cursor.execute(f"INSERT INTO {own} (org_id, day, metric, d1, d2, d3, n, total) "
                           f"SELECT o, dd, %s, k1, k2, k3, c, s FROM ({sub}) sub", (metric, *sub_params))
    rows = Rows()
    step(2, "计算党员、组织与各类台账")
    add_row_sources(rows)
    span = window_range()
    branches = list(Organization.objects.filter(kind__in=REQUIREMENT_KINDS).only(
        "id", "code", "name", "established_on", "dissolved_on"))
    step(3, "计算三会一课落实窗口")
    add_windows(rows, branches, span)
    insert_own(rows, into=own)
    step(4, "逐级汇总到上级组织")
    _roll_up_own(into)
    cells: Cells = {}
    for k, v in rows.items():
        if k[2] == "xfer":
            roll_up(k, v[0], v[1], tree, cells)
    upsert_add(cells, into=into.fact)
    step(5, "切换到新的事实")
    return span


def _build_ancestors(into: Tables) -> Tree:
    """The closure of the tree (every ancestor of every organization, itself included) into `into`'s table."""
    tree = Tree(Organization.objects.values_list("pk", "code", "path", "kind").iterator(chunk_size=20000))
    with connection.cursor() as cursor:
        pairs = [(a, pk, tree.is_branch(a)) for pk in tree.path for a in tree.ancestors(pk)]
        for i in range(0, len(pairs), 10000):
            cursor.executemany(f"INSERT INTO {into.anc} (ancestor_id, descendant_id, ancestor_is_branch) "
                               f"VALUES (%s, %s, %s)", pairs[i:i + 10000])
    return tree


def _roll_up_own(into: Tables) -> None:
    """Every organization's own rows summed into its ancestors' daily rows, then into months and years."""
    own, fact, anc = into.own, into.fact, into.anc
    counted = sorted(distinct.distinct_metrics())
    listed = ", ".join(["%s"] * len(counted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {fact} (org_id, grain, day, metric, d1, d2, d3, n, total) "
            f"SELECT a.ancestor_id, CASE WHEN o.metric = 'win' THEN 'w' ELSE 'd' END, o.day, o.metric, o.d1, o.d2, "
            f"o.d3, SUM(o.n), SUM(o.total) FROM {own} o JOIN {anc} a ON a.descendant_id = o.org_id "
            f"WHERE o.metric <> 'xfer' AND (o.metric <> 'win' OR a.ancestor_is_branch = %s) "
            f"{f'AND o.metric NOT IN ({listed}) ' if counted else ''}"
            f"GROUP BY a.ancestor_id, o.day, o.metric, o.d1, o.d2, o.d3", (False, *counted))
        if counted:
            # Distinct counts (qingfeng.core.distinct): not to the ancestors of the previous organization (d1),
            # without d1 and the identity (d3).
            cursor.execute(
                f"INSERT INTO {fact} (org_id, grain, day, metric, d1, d2, d3, n, total) "
                f"SELECT a.ancestor_id, 'd', o.day, o.metric, '', o.d2, '', SUM(o.n), SUM(o.total) "
                f"FROM {own} o JOIN {anc} a ON a.descendant_id = o.org_id WHERE o.metric IN ({listed}) "
                f"AND NOT EXISTS (SELECT 1 FROM {anc} b WHERE b.descendant_id = CAST(NULLIF(o.d1, '') AS bigint) "
                f"AND b.ancestor_id = a.ancestor_id) "
                f"GROUP BY a.ancestor_id, o.day, o.metric, o.d2 HAVING SUM(o.n) <> 0 OR SUM(o.total) <> 0", counted)
        cursor.execute(
            f"INSERT INTO {fact} (org_id, grain, day, metric, d1, d2, d3, n, total) "
            f"SELECT org_id, 'm', {month_sql('day')}, metric, d1, d2, d3, SUM(n), SUM(total) FROM {fact} "
            f"WHERE grain = 'd' AND metric <> 'xfer' GROUP BY org_id, {month_sql('day')}, metric, d1, d2, d3 "
            f"ORDER BY org_id, metric, {month_sql('day')}")  # stored in key order: a range is a few pages
        cursor.execute(
            f"INSERT INTO {fact} (org_id, grain, day, metric, d1, d2, d3, n, total) "
            f"SELECT org_id, 'y', {year_sql('day')}, metric, d1, d2, d3, SUM(n), SUM(total) FROM {fact} "
            f"WHERE grain = 'm' AND metric <> 'xfer' GROUP BY org_id, {year_sql('day')}, metric, d1, d2, d3 "
            f"ORDER BY org_id, metric, {year_sql('day')}")


# ---- the log of refreshed organizations, and the rebuild beside the live facts -------------------

def log_refreshed(orgs: set[int], moved: set[int], requirements: bool, since: dict[int, dt.date] | None = None) -> None:
    """Append what this write refreshes to FactLog, in the write's transaction (see FactLog). `since`: the first day
    changed for each organization (one missing: any day may have)."""
    first = since or {}
    rows = ([(o, "o", first.get(o)) for o in sorted(orgs)] + [(o, "m", None) for o in sorted(moved)]
            + ([(0, "r", None)] if requirements else []))
    if not rows:
        return
    log = table(FactLog)
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            xid = cursor.fetchone()[0]
        else:
            xid = 0
        cursor.executemany(f"INSERT INTO {log} (xid, org_id, kind, at, since) VALUES (%s, %s, %s, %s, %s)",
                           [(xid, o, k, now, day) for o, k, day in rows])
        if random.random() < TRIM_CHANCE:  # noqa: S311 — now and then, forget what no rebuild can still need
            trim_log(cursor, now, xid)


TRIM_CHANCE = 0.002  # a write trims the log one time in 500
LOG_DAYS = 2  # what a rebuild could still need, however long it runs
LOG_MINUTES = 10  # with no rebuild running: kept only for the cockpit's version (a count over the log)


def trim_log(cursor: CursorWrapper, now: dt.datetime, xid: int = 0) -> None:
    """Delete the log rows no rebuild can need. A rebuild replays the rows its snapshot did not see, so while one runs
    the last two days stay. A rebuild marks itself from before its snapshot to its end — PostgreSQL: it holds
    REBUILD_LOCK; SQLite: a shared lock on a file beside the database (`_sqlite_rebuild_mark`). When this write finds
    no mark, none runs, and one starting now takes its snapshot after every row older than a few minutes was
    committed (it needs only rows past its snapshot): those go, and the cockpit's version, a count over the log, stays
    cheap through a day of writes (docs/benchmarks.md). A trim that forgets rows leaves a row of its own (kind t, in
    this write's transaction `xid`), which every version counts: without it, a subtree whose writes were all forgotten
    would get back the version it had before them (cockpit.caching), and with it the figures shared then."""
    keep = dt.timedelta(days=LOG_DAYS)
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", (REBUILD_LOCK,))
        if cursor.fetchone()[0]:
            keep = dt.timedelta(minutes=LOG_MINUTES)
    elif connection.vendor == "sqlite" and not _sqlite_rebuild_running():
        keep = dt.timedelta(minutes=LOG_MINUTES)
    cursor.execute(f"DELETE FROM {table(FactLog)} WHERE at < %s", (now - keep,))
    if cursor.rowcount:
        cursor.execute(f"INSERT INTO {table(FactLog)} (xid, org_id, kind, at) VALUES (%s, 0, 't', %s)", (xid, now))


def _sqlite_mark_path() -> Path:
    """The file a SQLite rebuild holds a shared lock on: beside the database file (every process writing it sees the
    same), or in the var folder for a database in memory."""
    from django.conf import settings

    name = str(connection.settings_dict["NAME"])
    if name and name != ":memory:" and not name.startswith("file:"):
        return Path(name + ".rebuild")
    return Path(settings.VAR_DIR) / "facts-rebuild"


@contextlib.contextmanager
def _sqlite_rebuild_mark() -> Iterator[None]:
    """SQLite: a shared lock on the mark file for as long as this rebuild runs (several may run, each its own)."""
    path = _sqlite_mark_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as mark:
        fcntl.flock(mark, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(mark, fcntl.LOCK_UN)


def _sqlite_rebuild_running() -> bool:
    """Whether some process holds the rebuild's mark (taking it exclusively, at once, fails); unsure counts as yes."""
    try:
        with open(_sqlite_mark_path(), "a+b") as mark:
            try:
                fcntl.flock(mark, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(mark, fcntl.LOCK_UN)
            return False
    except OSError:
        return True


def _index_names(cursor: CursorWrapper, table_name: str, schema: str | None = None) -> dict[str, str]:
    """{definition with the names taken out: index name} of a PostgreSQL table (of the current schema, or `schema`)."""
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = COALESCE(%s, current_schema()) "
                   "AND tablename = %s", (schema, table_name))
    out = {}
    for name, definition in cursor.fetchall():
        shape = definition.split(" USING ", 1)[1] if " USING " in definition else definition
        unique = definition.startswith("CREATE UNIQUE")
        out[f"{unique} {shape}"] = name
    return out


# A rebuild builds beside the live facts into tables of the same names elsewhere, so the very refresh a page write
# makes can run on them: on PostgreSQL in a schema of their own, first on the search_path of the rebuild's
# transactions (`shadow_path`); on SQLite as TEMP tables of the rebuild's connection, which SQLite reads before the
# main database's for an unqualified name. Every other table is the live one.
SHADOW_SCHEMA = "qingfeng_facts_next"


def shadow() -> Tables:
    return Tables(SHADOW_SCHEMA if connection.vendor == "postgresql" else "temp")


SHADOW_MODELS = (OwnFact, Fact, OrgAncestor, FactState)
REBUILD_LOCK = 1_515_015  # pg advisory lock: one rebuild at a time (a second one waits, then rebuilds again)
# The catch-up before the switch: rounds until what is left is a few organizations.
CATCH_UP_ROUNDS = 12
CATCH_UP_LEFT = 10
# PostgreSQL: the switch waits this long for the fact tables (each wait holds up the reads and writes queued behind
# it), then catches up and tries again, up to SWITCH_ATTEMPTS times; the last attempt waits as long as a write would.
SWITCH_WAIT_MS = 300
SWITCH_ATTEMPTS = 60


@contextlib.contextmanager
def shadow_path() -> Iterator[None]:
    """Inside a transaction of the rebuild: the unqualified fact tables are the shadows (PostgreSQL: SET LOCAL, till
    the transaction ends; SQLite: the TEMP tables already are, for the rebuild's connection)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('search_path', %s || ', ' || current_setting('search_path'), true)",
                           (connection.ops.quote_name(SHADOW_SCHEMA),))
    yield


def _create_shadows() -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {q(SHADOW_SCHEMA)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {q(SHADOW_SCHEMA)}")
            for model in SHADOW_MODELS:
                cursor.execute(f"CREATE TABLE {shadow().name(model)} (LIKE {LIVE.name(model)} INCLUDING ALL)")
            return
        _drop_shadows()
        for model in SHADOW_MODELS:
            cursor.execute("SELECT type, sql FROM main.sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                           "ORDER BY type = 'index'", (model._meta.db_table,))
            for kind, sql in cursor.fetchall():
                if kind == "table":
                    cursor.execute(re.sub(r"^CREATE TABLE ", "CREATE TEMP TABLE ", sql))
                else:  # the same index names, in the temp schema
                    cursor.execute(re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m[1] or ''}INDEX temp.", sql))


def _drop_shadows() -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {q(SHADOW_SCHEMA)} CASCADE")
        else:
            for model in SHADOW_MODELS:
                cursor.execute(f"DROP TABLE IF EXISTS {shadow().name(model)}")
                cursor.execute(f"DROP TABLE IF EXISTS {q('main')}.{q(model._meta.db_table + NEXT)}")


# SQLite: the copies in the main database the TEMP shadows are written into before the switch renames them.
NEXT = "__next"
FILL_ROWS = 20_000  # rows per short write transaction filling them


def _fill_next(mode: str | None) -> None:
    """SQLite: copy the TEMP shadows into tables of the main database beside the live ones (the same definition,
    without the named indexes: the switch makes them), a slice of rows per transaction, so a writer waits for one
    slice at most. The writes committed meanwhile are refreshed right after the switch."""
    q = connection.ops.quote_name
    for model in (OrgAncestor, OwnFact, Fact):
        name = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = %s", (name,))
            create = cursor.fetchone()[0]
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM {shadow().name(model)}")
            lo, hi = cursor.fetchone()
        _transaction_mode(mode)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {q('main')}.{q(name + NEXT)}")
                cursor.execute(re.sub(r'^CREATE TABLE "[^"]+"', f"CREATE TABLE {q('main')}.{q(name + NEXT)}", create))
            for start in range(lo or 0, (hi or -1) + 1, FILL_ROWS):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"INSERT INTO {q('main')}.{q(name + NEXT)} SELECT * FROM {shadow().name(model)} "
                                   f"WHERE id >= %s AND id < %s", (start, start + FILL_ROWS))
        finally:
            _transaction_mode("DEFERRED")


@contextlib.contextmanager
def _one_rebuild() -> Iterator[None]:
    """PostgreSQL: one rebuild at a time (the shadows have one writer). SQLite: each connection has its own, marked
    for trim_log."""
    if connection.vendor != "postgresql":
        with _sqlite_rebuild_mark():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", (REBUILD_LOCK,))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", (REBUILD_LOCK,))


def _transaction_mode(mode: str | None) -> None:
    """SQLite: how this connection's next transactions begin (DEFERRED, IMMEDIATE)."""
    connection.transaction_mode = mode  # type: ignore[attr-defined]  # an attribute of SQLite's DatabaseWrapper only


@contextlib.contextmanager
def _reading_transactions() -> Iterator[str | None]:
    """SQLite: the rebuild's own transactions begin DEFERRED — they write the TEMP tables only, so they never take
    the main database's write lock (WAL: its reads see one snapshot and wait for nobody). Yields the mode to restore."""
    mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite":
        _transaction_mode("DEFERRED")
    try:
        yield mode
    finally:
        if connection.vendor == "sqlite":
            _transaction_mode(mode)


def rebuild_beside(progress: Progress | None = None) -> None:
    """Build the facts into shadow tables from one snapshot of the records — no lock on the live facts (nor, on
    SQLite, the write lock), so reads answer and writes refresh them meanwhile; then bring the shadows up to date
    with the writes the snapshot did not see (FactLog: on PostgreSQL the rows whose transaction is not visible in the
    snapshot, on SQLite — one writer at a time, ids in commit order — those past the snapshot's last id), in short
    transactions with the same refresh a page write takes, round after round until a few organizations are left;
    then switch in one short transaction and refresh what the last round left right after it (a PendingChange,
    drained like a large import's). PostgreSQL's switch drops the live tables and moves the shadows in their place
    (with their index names). SQLite first copies the TEMP shadows into tables beside the live ones, a slice per
    short transaction (`_fill_next`); its switch drops the live tables, renames the copies and makes their indexes.
    A write waits for the switch (and on SQLite for one slice) only, never for the build or the catch-up."""
    from qingfeng.core import changes

    with _one_rebuild():
        try:
            _create_shadows()
            with _reading_transactions() as mode:
                snapshot = _build_shadows(progress)
                pending = _catch_up_and_switch(snapshot, mode, progress)
        finally:
            _drop_shadows()
        if pending:
            for _step in changes.drain(pending):
                pass
    if progress:
        progress("完成", BUILD_STEPS, BUILD_STEPS)
    analyze()
    tell(None)


def _build_shadows(progress: Progress | None = None) -> str:
    """Every fact into the shadow tables from one snapshot of the records; returns the snapshot (PostgreSQL's
    pg_snapshot, SQLite's last FactLog id) the catch-up compares the log with."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_current_snapshot()::text")
            else:  # the first read starts the snapshot
                cursor.execute(f"SELECT CAST(COALESCE(MAX(id), 0) AS text) FROM {table(FactLog)}")
            snapshot: str = cursor.fetchone()[0]  # text, as both queries cast it
        span = build(shadow(), progress)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {shadow().name(FactState)} (key, built_at, windows_from, windows_to) "
                           f"VALUES (%s, %s, %s, %s)", (state_key(), timezone.now(), *(span or (None, None))))
    return snapshot


def _catch_up_and_switch(snapshot: str, mode: str | None, progress: Progress | None = None) -> int | None:
    """Catch-up rounds, then the switch; on PostgreSQL a switch that waited too long for the tables rolls back whole
    and is tried again after another round. Returns the PendingChange left for after the switch."""
    handled: set[int] = set()
    attempts = SWITCH_ATTEMPTS if connection.vendor == "postgresql" else 1
    for attempt in range(attempts):
        if progress:
            progress("补上重建期间的写入", BUILD_STEPS - 1, BUILD_STEPS)
        catch_up(snapshot, handled)
        if connection.vendor == "sqlite":
            if progress:
                progress("写入新的事实表", BUILD_STEPS - 1, BUILD_STEPS)
            _fill_next(mode)
        if progress:
            progress("换用新的事实", BUILD_STEPS - 1, BUILD_STEPS)
        try:
            return switch(snapshot, handled, mode, wait_ms=SWITCH_WAIT_MS if attempt < attempts - 1 else None)
        except OperationalError:
            # The fact tables stayed in use past the wait (a long read, a write), or a deadlock: the switch rolled
            # back whole, the shadows are intact, those queued behind it went on.
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.2, 1.0))  # noqa: S311 — jitter, not a secret
    return None


def missed_writes(cursor: CursorWrapper, snapshot: str, handled: set[int]) -> list[tuple[int, int, str]]:
    """The logged writes the snapshot did not see and no catch-up round has replayed: (id, org_id, kind)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT id, org_id, kind FROM {table(FactLog)} WHERE NOT pg_visible_in_snapshot("
                       f"xid::text::xid8, %s::pg_snapshot) AND NOT id = ANY(%s)", (snapshot, sorted(handled)))
    else:  # one writer at a time: ids follow commit order, so what was handled is everything up to its last id
        cursor.execute(f"SELECT id, org_id, kind FROM {table(FactLog)} WHERE id > %s",
                       (max(handled | {int(snapshot)}),))
    rows: list[tuple[int, int, str]] = cursor.fetchall()
    return rows


def catch_up(snapshot: str, handled: set[int]) -> None:
    """Replay into the shadows the committed writes the snapshot missed, round after round (the writes of one round
    arrive during the previous), each organization's refresh in a short transaction; stop when a round had at most
    CATCH_UP_LEFT organizations. `handled` grows by the log rows replayed."""
    for _round in range(CATCH_UP_ROUNDS):
        with connection.cursor() as cursor:
            missed = missed_writes(cursor, snapshot, handled)
        if not missed:
            return
        if any(kind == "r" for _id, _org, kind in missed):
            with transaction.atomic(), shadow_path():
                refresh_compliance()
        moved = {org for _id, org, kind in missed if kind == "m"}
        if moved:
            with transaction.atomic(), shadow_path():
                move_subtrees(moved)
        orgs = sorted({org for _id, org, kind in missed if kind in "om"})
        for org_id in orgs:
            with transaction.atomic(), shadow_path():
                refresh(org_id, lock=False)  # the shadows have one writer: this process
        handled |= {row[0] for row in missed}
        if len(orgs) <= CATCH_UP_LEFT:
            return


def switch(snapshot: str, handled: set[int], mode: str | None, wait_ms: int | None) -> int | None:
    """The short transaction putting the shadow facts in place of the live ones (see rebuild_beside); returns the
    PendingChange holding the writes no catch-up round replayed (the last moments'), to drain after the commit."""
    from qingfeng.core import changes

    models_ = (OrgAncestor, OwnFact, Fact)  # the order a refresh touches them in: no deadlock with one waiting
    pg = connection.vendor == "postgresql"
    live = LIVE if pg else Tables("main")  # on SQLite's rebuild connection the unqualified names are the shadows
    if not pg:
        _transaction_mode(mode)  # BEGIN IMMEDIATE: the write lock, waiting for the write holding it
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if pg:
                _swap_postgresql(cursor, models_, wait_ms)
            else:
                _swap_sqlite(cursor, models_, live)
            missed = missed_writes(cursor, snapshot, handled)
            columns = "key, built_at, windows_from, windows_to"
            cursor.execute(f"DELETE FROM {live.name(FactState)}")
            cursor.execute(f"INSERT INTO {live.name(FactState)} ({columns}) SELECT {columns} FROM {shadow().name(FactState)}")
            pending = None
            if missed:
                # Refreshed right after the commit, in short transactions like a large import's (by the job worker
                # if this process dies first): till then those few organizations show their figures of the last round.
                pending = changes.store(changes.Change(
                    orgs={org for _id, org, kind in missed if kind in "om"},
                    moved={org for _id, org, kind in missed if kind == "m"},
                    requirements=any(kind == "r" for _id, _org, kind in missed)))
            # What the snapshot saw is in the new facts, what it missed was replayed or is pending; on PostgreSQL a
            # write still in flight (its row not visible here) refreshes the new facts itself and stays logged.
            done = sorted(handled | {r[0] for r in missed})
            if pg:
                cursor.execute(f"DELETE FROM {table(FactLog)} WHERE id = ANY(%s) OR pg_visible_in_snapshot("
                               f"xid::text::xid8, %s::pg_snapshot)", (done, snapshot))
            else:
                cursor.execute(f"DELETE FROM {table(FactLog)} WHERE id <= %s", (max([int(snapshot), *done]),))
    finally:
        if not pg:
            _transaction_mode("DEFERRED")
    return pending


def _swap_postgresql(cursor: CursorWrapper, models_: tuple[type[Model], ...], wait_ms: int | None) -> None:
    """Inside the switch: the live tables dropped and the shadows moved into their schema under their index names."""
    q = connection.ops.quote_name
    if wait_ms is not None:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    names = {m: (_index_names(cursor, m._meta.db_table),
                 _index_names(cursor, m._meta.db_table, SHADOW_SCHEMA)) for m in models_}
    cursor.execute(f"LOCK TABLE {', '.join(LIVE.name(m) for m in models_)} IN ACCESS EXCLUSIVE MODE")
    if wait_ms is not None:
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    for model in models_:
        cursor.execute(f"DROP TABLE {LIVE.name(model)}")
        cursor.execute(f"ALTER TABLE {shadow().name(model)} SET SCHEMA {q(schema)}")
        old, new = names[model]
        for shape, name in new.items():
            if shape in old and old[shape] != name:
                cursor.execute(f"ALTER INDEX {q(name)} RENAME TO {q(old[shape])}")


def _swap_sqlite(cursor: CursorWrapper, models_: tuple[type[Model], ...], live: Tables) -> None:
    """Inside the switch: the filled copies take the live tables' names; their indexes are made now, under the names
    the migrations gave them (SQLite cannot rename an index): the switch's one cost that grows with the facts (about
    2 s for small's 1.8 M rows on an idle core)."""
    q = connection.ops.quote_name
    for model in models_:
        name = model._meta.db_table
        cursor.execute("SELECT sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = %s "
                       "AND sql IS NOT NULL", (name,))
        indexes = [r[0] for r in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {live.name(model)}")
        cursor.execute(f"ALTER TABLE {q('main')}.{q(name + NEXT)} RENAME TO {q(name)}")
        for sql in indexes:
            cursor.execute(re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m[1] or ''}INDEX main.", sql))


@transaction.atomic
def refresh_compliance() -> None:
    """Recompute every compliance window (after a requirement changed: cadence, minimum, active)."""
    st = state()
    if st is None:
        return
    OwnFact.objects.filter(metric="win").delete()
    Fact.objects.filter(grain="w").delete()
    span = window_range()
    rows = Rows()
    add_windows(rows, list(Organization.objects.filter(kind__in=REQUIREMENT_KINDS).only(
        "id", "code", "name", "established_on", "dissolved_on")), span)
    insert_own(rows)
    own, fact, anc = table(OwnFact), table(Fact), table(OrgAncestor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {fact} (org_id, grain, day, metric, d1, d2, d3, n, total) "
            f"SELECT a.ancestor_id, 'w', o.day, o.metric, o.d1, o.d2, o.d3, SUM(o.n), SUM(o.total) "
            f"FROM {own} o JOIN {anc} a ON a.descendant_id = o.org_id WHERE o.metric = 'win' AND a.ancestor_is_branch = %s "
            f"GROUP BY a.ancestor_id, o.day, o.metric, o.d1, o.d2, o.d3", (False,))
    st.windows_from, st.windows_to = (span[0], span[1]) if span else (None, None)
    st.built_at = timezone.now()
    st.save()
    tell(None)


# ---- reading ---------------------------------------------------------------------------

@contextlib.contextmanager
def serial(cursor: CursorWrapper) -> Iterator[None]:
    """PostgreSQL plans the statements inside without parallel workers. For the grouped reads of the facts, whose
    rows it overestimates tenfold, the planner starts two, and starting them cost more than they save (the city
    cockpit's statements: 37.6 ms of execution with them, 23.8 without; docs/benchmarks.md); the long scans of the
    raw records keep them (the direct computation of the city's indicators: 30.7 s with, 44.3 s without)."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:  # undone with the transaction (or the savepoint) it is in
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
        return
    cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError):  # a broken connection: its error is the one to see
            cursor.execute("RESET max_parallel_workers_per_gather")


def period_parts(start: dt.date, end: dt.date) -> tuple[list[tuple[dt.date, dt.date]], tuple[dt.date, dt.date] | None]:
    """Day ranges read at day grain, and the range of whole months read at month grain."""
    from qingfeng.core.dates import add_months, month_end

    first = start if start.day == 1 else add_months(month_of(start), 1)
    last = month_of(end) if month_end(end) == end else add_months(month_of(end), -1)
    if first > last:
        return [(start, end)], None
    days = []
    if start < first:
        days.append((start, first - ONE_DAY))
    if month_end(last) < end:
        days.append((add_months(last, 1), end))
    return days, (first, last)


Range = tuple[str, dt.date | None, dt.date]  # (grain, first day or None for "since ever", last day)
SumKey = tuple[str, dt.date | None, dt.date, frozenset[str]]  # a Range and the metrics read over it
Cell = tuple[str, str, str, int, int]  # (d1, d2, d3, n, total)
Merged = dict[str, list[Cell]]  # metric → its cells
WindowRow = tuple[str, str, dt.date, int, int]  # a compliance window: (d1 type, d2 cadence, first day, due, met)


def flow_ranges(start: dt.date, end: dt.date) -> list[Range]:
    """A flow over [start, end]: whole months at month grain, the days of partial edge months at day grain."""
    days, months = period_parts(start, end)
    ranges: list[Range] = [("d", lo, hi) for lo, hi in days]
    if months:
        ranges.append(("m", months[0], months[1]))
    return ranges


def snapshot_ranges(day: dt.date) -> list[Range]:
    """A snapshot at `day`: the yearly deltas before its year (a few rows per dimension since ever, not one
    per month), the monthly ones of its year before its month, and the daily ones of its month up to it."""
    first, jan1 = month_of(day), year_of(day)
    ranges: list[Range] = [("y", None, jan1 - ONE_DAY)]
    if first > jan1:
        ranges.append(("m", jan1, first - ONE_DAY))
    ranges.append(("d", first, day))
    return ranges


class Sums:
    """Sums of (n, total) by (metric, d1, d2, d3) for many organizations and day ranges, read together.

    Each distinct (grain, range, metrics) becomes one grouped SELECT over the organizations asking for it
    — a range scan of the (org, metric, grain, day) key per organization and metric — and all of them go in
    one UNION ALL round trip (in chunks, for SQLite's limit on compound selects)."""

    CHUNK = 200
    ORGS = 100

    def __init__(self) -> None:
        self.wanted: dict[SumKey, set[int]] = defaultdict(set)
        self.got: dict[tuple[SumKey, int], dict[tuple[str, str, str, str], list[int]]] = {}

    def want(self, org_id: int, ranges: list[Range], metrics: frozenset[str]) -> list[SumKey]:
        keys = []
        for grain, lo, hi in ranges:
            key = (grain, lo, hi, metrics)
            self.wanted[key].add(org_id)
            keys.append(key)
        return keys

    def load(self) -> None:
        # A select names at most ORGS organizations (SQLite allows 32,766 parameters in a statement).
        specs = [(key, ids[i:i + self.ORGS]) for key, org_ids in self.wanted.items()
                 for ids in [sorted(org_ids)] for i in range(0, len(ids), self.ORGS)]
        for i in range(0, len(specs), self.CHUNK):
            self._load(specs[i:i + self.CHUNK], i)
        self.wanted.clear()

    def _load(self, specs: list[tuple[SumKey, list[int]]], offset: int) -> None:
        t = table(Fact)
        # One select per range of days and organizations, for every metric asked over it (a stock's yearly rows are
        # read once for the period and the month before). Ranges of one day at their grain (the months of a trend:
        # ("m", June 1st, June 1st) …) asked of the same organizations are read by one select grouped by day too:
        # one index scan, not one per month. Each row goes to every key asking for its metric (and day).
        ranges: dict[tuple[str, dt.date | None, dt.date, tuple[int, ...]], list[SumKey]] = defaultdict(list)
        points: dict[tuple[str, tuple[int, ...]], list[SumKey]] = defaultdict(list)
        for key, org_ids in specs:
            grain, lo, hi, _metrics = key
            if lo is not None and lo == hi:
                points[(grain, tuple(org_ids))].append(key)
            else:
                ranges[(grain, lo, hi, tuple(org_ids))].append(key)
        for (grain, orgs), keys in list(points.items()):
            if len({k[2] for k in keys}) == 1:  # a single day: an ordinary range
                ranges[(grain, keys[0][1], keys[0][2], orgs)] += keys
                del points[(grain, orgs)]
        selects: list[str] = []
        params: list[str | int | dt.date] = []
        # per select: {(metric, day or None) → the keys its rows go to}
        routes: list[dict[tuple[str, str | None], list[SumKey]]] = []

        def select(orgs: tuple[int, ...], grain: str, keys: list[SumKey], where: str, extra: list[dt.date],
                   day: str, by: str) -> None:
            names = sorted(set().union(*(k[3] for k in keys)))
            params.extend([*orgs, *names, grain, *extra])
            # the sums cast back to bigint: PostgreSQL's SUM of a bigint is a numeric, read as a Decimal (slower)
            selects.append(f"SELECT {offset + len(selects)} AS part, org_id, metric, d1, d2, d3, CAST(SUM(n) AS bigint), "
                           f"CAST(SUM(total) AS bigint), "
                           f"{day} FROM {t} WHERE org_id IN ({', '.join(['%s'] * len(orgs))}) AND metric IN "
                           f"({', '.join(['%s'] * len(names))}) AND grain = %s{where} "
                           f"GROUP BY org_id, metric, d1, d2, d3{by}")
            route: dict[tuple[str, str | None], list[SumKey]] = defaultdict(list)
            for k in keys:
                for metric in k[3]:
                    route[(metric, None if by == "" else k[2].isoformat())].append(k)
            routes.append(route)

        for (grain, lo, hi, orgs), keys in ranges.items():  # org ids: sorted by load()
            select(orgs, grain, keys, " AND day <= %s" + ("" if lo is None else " AND day >= %s"),
                   [hi] if lo is None else [hi, lo], "CAST(NULL AS date)", "")
        for (grain, orgs), keys in points.items():
            days = sorted({k[2] for k in keys})
            select(orgs, grain, keys, f" AND day IN ({', '.join(['%s'] * len(days))})", days, "day", ", day")
        with connection.cursor() as cursor, serial(cursor):
            cursor.execute(" UNION ALL ".join(selects), params)
            rows = cursor.fetchall()
        got = self.got
        # The rows of a group (part, organization, metric, day) come together: their destinations are looked up once.
        last: tuple[int, int, str, object] | None = None
        into: list[dict[tuple[str, str, str, str], list[int]]] = []
        for part, org_id, metric, d1, d2, d3, n, total, day in rows:
            if last is None or last[0] != part or last[1] != org_id or last[2] != metric or last[3] != day:
                last = (part, org_id, metric, day)
                on = None if day is None else day if isinstance(day, str) else day.isoformat()
                into = [got.setdefault((key, org_id), {}) for key in routes[part - offset][(metric, on)]]
            cell = [n, total]
            for cells in into:
                cells[(metric, d1, d2, d3)] = cell

    def merged(self, org_id: int, keys: list[SumKey]) -> Merged:
        """The sums over several ranges, indexed by metric: {metric: [(d1, d2, d3, n, total)]}."""
        found = [cells for cells in (self.got.get((key, org_id)) for key in keys) if cells]
        out: Merged = defaultdict(list)
        if len(found) == 1:  # one range read (nothing to add up)
            for (metric, d1, d2, d3), (n, total) in found[0].items():
                out[metric].append((d1, d2, d3, n, total))
            return out
        summed: dict[tuple[str, str, str, str], list[int]] = {}
        for cells in found:
            for k, (n, total) in cells.items():
                cell = summed.get(k)
                if cell is None:
                    summed[k] = [n, total]
                else:
                    cell[0] += n
                    cell[1] += total
        for (metric, d1, d2, d3), (n, total) in summed.items():
            out[metric].append((d1, d2, d3, n, total))
        return out



def covered_windows(st: FactState | None, requirements: Iterable[Requirement], start: dt.date,
                    end: dt.date) -> WindowEnds | None:
    """The compliance windows of these requirements lying in [start, end], as the facts key them — (type id,
    cadence, first day) → last day — or None when the facts do not hold them (not built, or outside their span)."""
    if st is None or st.windows_from is None or st.windows_to is None:
        return None
    wanted: WindowEnds = {}
    for r in requirements:
        for ws, we in compliance.window_starts(r.cadence, start, end):
            if ws < st.windows_from or we > st.windows_to:
                return None
            wanted[(str(r.activity_type_id), r.cadence, ws)] = we
    return wanted



def branch_window_rows(org_ids: set[int], lo: dt.date, hi: dt.date) -> dict[int, list[WindowRow]]:
    """The compliance windows (d1 type, d2 cadence, first day, due, met) of these branches: the own rows of each and
    of the organizations below it (windows are not rolled up into branches), as the direct computation lists them —
    for thousands of branches (a form's row per branch) in a few queries."""
    above: dict[int, list[int]] = defaultdict(list)
    for chunk in chunks(sorted(org_ids)):
        for ancestor, descendant in OrgAncestor.objects.filter(ancestor_id__in=chunk).values_list(
                "ancestor_id", "descendant_id"):
            above[descendant].append(ancestor)
    cells: dict[tuple[int, str, str, dt.date], list[int]] = {}
    for chunk in chunks(sorted(above)):
        for org_id, d1, d2, day, n, total in OwnFact.objects.filter(
                org_id__in=chunk, metric="win", day__gte=lo, day__lte=hi).values_list(
                "org_id", "d1", "d2", "day", "n", "total"):
            for branch in above[org_id]:
                cell = cells.setdefault((branch, d1, d2, day), [0, 0])
                cell[0] += n
                cell[1] += total
    out: dict[int, list[WindowRow]] = defaultdict(list)
    for (branch, d1, d2, day), (n, total) in cells.items():
        out[branch].append((d1, d2, day, n, total))
    return out


def window_rows(org_ids: set[int], lo: dt.date, hi: dt.date) -> dict[int, list[WindowRow]]:
    """The rolled-up compliance windows (d1 type, d2 cadence, first day, due, met) of these organizations."""
    out: dict[int, list[WindowRow]] = defaultdict(list)
    with connection.cursor() as cursor:  # thousands of rows for a ranking: read without the ORM's per-row work
        for ids in chunks(sorted(org_ids)):
            cursor.execute(f"SELECT org_id, d1, d2, day, n, total FROM {table(Fact)} WHERE org_id IN "
                           f"({', '.join(['%s'] * len(ids))}) AND metric = %s AND grain = %s AND day >= %s "
                           f"AND day <= %s", [*ids, WINDOW_METRIC, "w", lo, hi])
            for org_id, d1, d2, day, n, total in cursor.fetchall():
                out[org_id].append((d1, d2, day if isinstance(day, dt.date) else dt.date.fromisoformat(day), n,
                                    total))
    return out

