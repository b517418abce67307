"""Own fact rows: how a ledger says what its records contribute to the indicator facts, and the registry of
those contributions that the fact store (qingfeng.indicators.store) iterates to build and refresh them.

An own row is keyed (organization, day, metric, d1, d2, d3) and carries (n, total): a flow on the day of
its event, a snapshot as +1 on the first day a thing holds and −1 on the first day it no longer holds
(`Rows.segment`; "since ever" is the sentinel day EVER). Sources come in three shapes:

* a grouped query (`sql_source(metric)`): a function of an organization id (None: every organization)
  returning `values(o=org id, dd=day, k1, k2, k3).annotate(c=count, s=total)` — the full rebuild inserts it
  in SQL, a refresh reads it for one organization;
* a row emitter (`row_source`): a function `(rows, org_id=None)` adding rows to a `Rows`;
* a person resolver (`people_source`): the organizations whose own rows depend on some persons (a change
  announced with `people=` refreshes them);
* a dependents resolver (`dependents`): the organizations whose own rows read those of a subtree (a change to an
  organization refreshes them too).

A source may say which models it reads (`reads=`, model classes or "app_label.model" labels) and, for a row emitter,
which metrics it emits (`emits=`). A write that names the models it wrote (`changes.record(ledgers=…)`: a meeting's
save writes activities and their attendance) then refreshes only the rows of the sources reading one of them
(`scope()`); a source that does not say what it reads is always run, and one that does not say what it emits makes
every refresh whole.

The kernel holds only the vocabulary and the registry: declaring never imports the derived layer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from django.db.models import QuerySet

EVER = dt.date(1900, 1, 1)  # "since before any period"

Key = tuple[int, dt.date, str, str, str, str]  # (org_id, day, metric, d1, d2, d3)


class Rows:
    """Own rows being accumulated: key → [n, total]."""

    def __init__(self) -> None:
        self.data: dict[Key, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, org_id: int, day: dt.date, metric: str, d1: object = "", d2: object = "", d3: object = "",
            n: int = 1, total: int = 0) -> None:
        cell = self.data[(org_id, day, metric, str(d1), str(d2), str(d3))]
        cell[0] += n
        cell[1] += total

    def segment(self, org_id: int, start: dt.date | None, end: dt.date | None, metric: str,
                d1: object = "", d2: object = "", d3: object = "") -> None:
        """A thing holding on [start, end): +1 on start (or since ever), −1 on end (if any)."""
        if start is not None and end is not None and start >= end:
            return
        self.add(org_id, start or EVER, metric, d1, d2, d3, 1)
        if end is not None:
            self.add(org_id, end, metric, d1, d2, d3, -1)

    def items(self) -> Iterator[tuple[Key, list[int]]]:
        return ((k, v) for k, v in self.data.items() if v[0] or v[1])


def level_pieces(records: list[tuple[dt.date | None, int, str]], own_level: str) -> list[tuple[dt.date | None, str]]:
    """(from day, value) pieces of a value kept as history rows (since or None, id, value) — a person's cadre level,
    an entity's coverage mode: an undated row holds since before any period (the latest by id wins), dated rows
    from their day (the latest by id on the same day); without any row, `own_level` (the value written on the
    record) holds throughout; with rows none of which is undated, "" holds before the first one."""
    if not records:
        return [(None, own_level or "")]
    undated = [r for r in records if r[0] is None]
    dated = sorted((r for r in records if r[0] is not None), key=lambda r: (r[0], r[1]))
    pieces: list[tuple[dt.date | None, str]] = [(None, max(undated, key=lambda r: r[1])[2] if undated else "")]
    for since, _id, level in dated:
        if pieces and pieces[-1][0] == since:
            pieces[-1] = (since, level)
        else:
            pieces.append((since, level))
    return pieces


def level_at(pieces: list[tuple[dt.date | None, str]], day: dt.date | None) -> str:
    current = pieces[0][1]
    for since, level in pieces:
        if since is None or (day is not None and since <= day):
            current = level
    return current


SqlSource = Callable[[int | None], "QuerySet[Any, dict[str, Any]]"]  # → a values() queryset: o, dd, k1, k2, k3, c, s
RowSource = Callable[..., None]  # (rows: Rows, org_id: int | None = None)
PeopleSource = Callable[[set[int]], set[int]]
DependentsSource = Callable[[set[int], set[int]], set[int]]  # (changed orgs, moved orgs) → orgs to refresh along

_sql: dict[str, SqlSource] = {}
_rows: list[RowSource] = []
# What a source reads (model labels; None: any record) and emits (metrics; None: not said), by source.
_reads: dict[Callable[..., Any], frozenset[str] | None] = {}
_emits: dict[Callable[..., Any], frozenset[str] | None] = {}
_people: list[PeopleSource] = []
_dependents: list[DependentsSource] = []
_kinds: dict[str, str] = {}

FLOW, SNAPSHOT = "flow", "snapshot"
# The compliance windows (due, met) per branch and window, kept by the fact store itself from the requirements
# (qingfeng.activities.windows): an indicator naming it in `reads` is handed them through FactsQuestion.windows.
WINDOWS = "win"


def declare(kind: str, *names: str) -> None:
    """Say how a metric is read: a flow (its rows summed over the period) or a snapshot (its +1/−1 deltas summed
    since ever up to the day asked). Every metric a source emits and an indicator reads is declared once."""
    if kind not in (FLOW, SNAPSHOT):
        raise ValueError(f"unknown metric kind {kind!r}")
    for name in names:
        if _kinds.get(name, kind) != kind:
            raise ValueError(f"metric {name!r} is declared as a {_kinds[name]}")
        _kinds[name] = kind


def flows() -> frozenset[str]:
    return frozenset(m for m, k in _kinds.items() if k == FLOW)


def snapshots() -> frozenset[str]:
    return frozenset(m for m, k in _kinds.items() if k == SNAPSHOT)


def labels(models: Iterable[Any] | None) -> frozenset[str] | None:
    """Model classes or "app_label.model" labels as lower-case labels (None stays None: any record)."""
    if models is None:
        return None
    return frozenset(m.lower() if isinstance(m, str) else m._meta.label_lower for m in models)


def sql_source(metric: str, reads: Iterable[Any] | None = None) -> Callable[[SqlSource], SqlSource]:
    """Register a grouped query giving the own rows of `metric` (a decorator); `reads`: the models it reads."""
    def register(func: SqlSource) -> SqlSource:
        if _sql.get(metric, func) is not func:
            raise ValueError(f"metric {metric!r} already has a source")
        _sql[metric] = func
        _reads[func] = labels(reads)
        _emits[func] = frozenset({metric})
        return func
    return register


@overload
def row_source(func: RowSource) -> RowSource: ...
@overload
def row_source(func: None = None, *, reads: Iterable[Any] | None = None,
               emits: Iterable[str] | None = None) -> Callable[[RowSource], RowSource]: ...
def row_source(func: RowSource | None = None, *, reads: Iterable[Any] | None = None,
               emits: Iterable[str] | None = None) -> RowSource | Callable[[RowSource], RowSource]:
    """Register a function adding own rows (of one organization, or of all when org_id is None); usable bare or as
    `@row_source(reads=(Model, …), emits=(metric, …))`."""
    def register(f: RowSource) -> RowSource:
        if f not in _rows:
            _rows.append(f)
        _reads[f] = labels(reads)
        _emits[f] = frozenset(emits) if emits is not None else None
        return f
    return register(func) if func is not None else register


class Scope:
    """What a refresh recomputes after a write to some models only: the sources reading one of them, and the metrics
    those emit (with any other source emitting one of those metrics, so a metric is always recomputed whole)."""

    def __init__(self, sql: dict[str, SqlSource], rows: list[RowSource], metrics: frozenset[str]):
        self.sql, self.rows, self.metrics = sql, rows, metrics


def _reads_one_of(func: Callable[..., Any], ledgers: frozenset[str]) -> bool:
    reads = _reads.get(func)
    return reads is None or bool(reads & ledgers)


def scope(ledgers: frozenset[str] | None) -> Scope | None:
    """The sources and metrics a write to the models `ledgers` (labels) can change, or None when the refresh must be
    whole (no models named, or a source that does not say what it emits)."""
    if ledgers is None:
        return None
    funcs: list[Callable[..., Any]] = [*_sql.values(), *_rows]
    emits = {f: _emits.get(f) for f in funcs}
    if any(e is None for e in emits.values()):
        return None
    chosen = {f for f in funcs if _reads_one_of(f, ledgers)}
    emitted: set[str] = set()
    while True:  # a metric is recomputed whole: every source emitting one of the chosen metrics runs too
        for f in chosen:
            emitted |= emits[f] or frozenset()
        more = {f for f in funcs if f not in chosen and (emits[f] or frozenset()) & emitted}
        if not more:
            break
        chosen |= more
    return Scope({m: f for m, f in _sql.items() if f in chosen}, [f for f in _rows if f in chosen], frozenset(emitted))


def read_models() -> frozenset[str]:
    """Every model some source says it reads: a write to any other model (a derived table, a register no figure is
    made from) changes no own row, so a writer need not name it. A source that does not say what it reads runs on
    every refresh and adds nothing here."""
    return frozenset().union(*(r for r in _reads.values() if r is not None))


def people_source(func: PeopleSource) -> PeopleSource:
    """Register a function naming the organizations whose own rows depend on a set of persons."""
    if func not in _people:
        _people.append(func)
    return func


def dependents(func: DependentsSource) -> DependentsSource:
    """Register a function naming further organizations whose own rows depend on those a write changed (`orgs`) or
    moved (`moved`) — rows read from a subtree: the store refreshes them along."""
    if func not in _dependents:
        _dependents.append(func)
    return func


def dependents_of(orgs: set[int], moved: set[int]) -> set[int]:
    out: set[int] = set()
    for func in _dependents:
        out |= func(orgs, moved)
    return out


def sql_sources() -> dict[str, SqlSource]:
    return dict(_sql)


def row_sources() -> list[RowSource]:
    return list(_rows)


def organizations_of_people(person_ids: Iterable[int]) -> set[int]:
    ids = set(person_ids)
    if not ids:
        return set()
    out: set[int] = set()
    for func in _people:
        out |= func(ids)
    return out
