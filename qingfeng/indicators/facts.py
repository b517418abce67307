"""How the indicators read the facts back (the store itself: store.py; what the facts hold: the own-row sources each
app registers with qingfeng.core.metrics in its facts.py).

* Each indicator declares (qingfeng.core.indicators.Indicator) the metrics it reads and its `facts` function; a
  `Reader` loads those metrics for one organization and period from the rolled-up facts (the store's `Sums`) and
  hands each indicator a `Question` over them.
* Distinct-person counts do not add up across months or organizations: an indicator without `facts` is read from
  the raw records (its `records`), exact — they concern small sets (读书班 and 专题轮训 attendance, rosters,
  assignments, accountability, elections), measured in docs/benchmarks.md.
* `compute_grid` asks the facts where they are built and the raw records (direct.py) otherwise.

Nothing here names an indicator: what an id means is declared by its app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, TypeVar, cast

from django.db.models import Q, Sum

from qingfeng.activities.models import ActivityType, Requirement
from qingfeng.activities.windows import active_requirements
from qingfeng.core import distinct, metrics
from qingfeng.core.indicators import REGISTRY, Ask, DimValues, Indicator, MonthlyRow, Value
from qingfeng.core.memo import per_request
from qingfeng.indicators import direct
from qingfeng.indicators.models import Fact, FactState
from qingfeng.indicators.store import (
    ONE_DAY,
    Merged,
    SumKey,
    Sums,
    WindowRow,
    branch_window_rows,
    covered_windows,
    flow_ranges,
    snapshot_ranges,
    state,
    window_rows,
)
from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization

if TYPE_CHECKING:
    from qingfeng.indicators.engine import Key

T = TypeVar("T")
# One question of a computation: (organization, start, end, the parsed keys asked).
Item = tuple[Organization, dt.date, dt.date, list["Key"]]


class Context:
    """What every Reader of one computation shares: the facts' state, activity types and requirements. The lookups
    that do not depend on the computation's organizations (types, requirements, roles) are read once per
    request (core.memo): a page computing several grids reads them once."""

    def __init__(self, st: FactState | None):
        self.state = st
        self._memo: dict[Hashable, object] = {}
        self.org_ids: frozenset[int] = frozenset()  # the organizations of the computation (readers sets them)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])  # what compute() gave for this key: one key, one kind of value

    def types(self) -> dict[str, str]:
        """Activity types by name → their key in the facts (the type's id)."""
        return self.memo("types", _types)

    def requirements(self, names: Iterable[str] | None) -> list[Requirement]:
        asked = None if names is None else tuple(names)
        return self.memo(("requirements", asked), lambda: _requirements(asked))

    def role_ids(self, role: str) -> set[str]:
        """The id (as the facts key it) of the activity type holding `role`."""
        return self.memo(("role", role), lambda: _role_ids(role))

    def role_names(self, role: str) -> tuple[str, ...]:
        return self.memo(("role names", role), lambda: _role_names(role))

    def supervision_types(self) -> tuple[str, ...]:
        return self.memo("supervision", _supervision_types)


# The lookups above: read once per request (per_request: nobody mutates what they return), and once per computation
# elsewhere (a command, a job, a test: Context.memo).
@per_request
def _activity_types() -> list[tuple[int, str, str, bool]]:
    """(id, name, role, is supervision) of every activity type: one query for the lookups below."""
    return list(ActivityType.objects.values_list("pk", "name", "role", "is_supervision").order_by("sort", "pk"))


def _types() -> dict[str, str]:
    return {name: str(pk) for pk, name, _role, _sup in _activity_types()}


@per_request
def _all_requirements() -> list[Requirement]:
    return active_requirements(None)


def _requirements(asked: tuple[str, ...] | None) -> list[Requirement]:
    """active_requirements(asked), from the one read of them all (in the same order)."""
    every = _all_requirements()
    return every if asked is None else [r for r in every if r.activity_type.name in asked]


def _role_ids(role: str) -> set[str]:
    return {str(pk) for pk, _name, r, _sup in _activity_types() if r == role}


def _role_names(role: str) -> tuple[str, ...]:
    return tuple(name for _pk, name, r, _sup in _activity_types() if r == role)


def _supervision_types() -> tuple[str, ...]:
    return tuple(name for _pk, name, _role, sup in _activity_types() if sup)


def reads_records(indicator: Indicator, filters: Iterable[str] = ()) -> bool:
    """Whether an indicator (narrowed by these filters) is answered from the raw records — distinct persons, or a
    free-text filter such as 专题, which no fact row carries — not from the facts."""
    return indicator.facts is None or any(indicator.is_free_text(name) for name in filters)


def metrics_for(ids: set[str], start: dt.date | None = None,
                end: dt.date | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """(flow metrics, snapshot metrics) these indicators read: only those are fetched (of the distinct counts, only
    those of the period's kind)."""
    used: frozenset[str] = frozenset()
    for i in ids:
        used |= REGISTRY[i].reads
    if start is not None and end is not None:
        used = distinct.needed(used, start, end)
    return used & metrics.flows(), used & metrics.snapshots()


def before_metrics(ids: set[str]) -> frozenset[str]:
    """The snapshot metrics these indicators read at the day before their period."""
    used: set[str] = set()
    for i in ids:
        used |= REGISTRY[i].reads_before
    return frozenset(used)


def reads_windows(ids: set[str]) -> bool:
    return any(metrics.WINDOWS in REGISTRY[i].reads for i in ids)


class Plan:
    """What a question (keys, start, end) reads of the facts: its metrics and their day ranges."""

    def __init__(self, parsed: list[Key], start: dt.date, end: dt.date):
        ids = {k.indicator.id for k in parsed if not reads_records(k.indicator, k.filters)}
        self.flows, self.snapshots = metrics_for(ids, start, end)
        self.before = before_metrics(ids)
        self.windows = reads_windows(ids)
        self.flow_ranges = flow_ranges(start, end) if self.flows else []
        self.snap_ranges = snapshot_ranges(end) if self.snapshots else []
        self.before_ranges = snapshot_ranges(start - ONE_DAY) if self.before else []


def readers(items: list[Item], ctx: Context) -> list[Reader]:
    """A Reader for each (organization, start, end, parsed keys), all loaded in a handful of queries; each
    reads only the metrics its indicators use."""
    sums = Sums()
    flows_: list[list[SumKey]] = []
    snaps: list[list[SumKey]] = []
    befores: list[list[SumKey] | None] = []
    windowed: set[int] = set()
    branches: set[int] = set()
    # What a question reads depends on its keys and period only: worked out once for the organizations asking the
    # same (a ranking's, a form's rows)
    plans: dict[tuple[tuple[str, ...], dt.date, dt.date], Plan] = {}
    for org, start, end, parsed in items:
        asked = tuple(k.text for k in parsed)
        plan = plans.get((asked, start, end))
        if plan is None:
            plan = plans[(asked, start, end)] = Plan(parsed, start, end)
        flows_.append(sums.want(org.pk, plan.flow_ranges, plan.flows) if plan.flows else [])
        snaps.append(sums.want(org.pk, plan.snap_ranges, plan.snapshots) if plan.snapshots else [])
        befores.append(sums.want(org.pk, plan.before_ranges, plan.before) if plan.before else None)
        if plan.windows:
            (branches if org.kind in REQUIREMENT_KINDS else windowed).add(org.pk)
    sums.load()
    ctx.org_ids = frozenset(org.pk for org, _start, _end, _parsed in items)
    lo, hi = min(i[1] for i in items), max(i[2] for i in items)
    wins: dict[int, list[WindowRow]] = {}
    if windowed:
        wins = window_rows(windowed, lo, hi)
    if branches:
        wins.update(branch_window_rows(branches, lo, hi))
    return [Reader(org, start, end, ctx, sums.merged(org.pk, flows_[n]), sums.merged(org.pk, snaps[n]),
                   wins.get(org.pk, []), _merged(sums, org.pk, befores[n]))
            for n, (org, start, end, _parsed) in enumerate(items)]


def _merged(sums: Sums, org_id: int, wanted: list[SumKey] | None) -> Merged | None:
    return None if wanted is None else sums.merged(org_id, wanted)


class Question:
    """One indicator's question to the facts (qingfeng.core.indicators.FactsQuestion): a Reader's organization and
    period, with the key's filters."""

    def __init__(self, reader: Reader, indicator: Indicator, filters: dict[str, tuple[str, ...]]):
        self.reader, self.indicator, self.filters = reader, indicator, filters
        self.org, self.start, self.end = reader.org, reader.start, reader.end

    def get(self, name: str) -> tuple[str, ...] | None:
        return self.filters.get(name)

    def flow(self, metric: str, d1: DimValues = None, d2: DimValues = None, d3: DimValues = None) -> tuple[int, int]:
        return self.reader.pick(self.reader.flow, metric, d1, d2, d3)

    def snap(self, metric: str, d1: DimValues = None, d2: DimValues = None, d3: DimValues = None) -> tuple[int, int]:
        return self.reader.pick(self.reader.snap, metric, d1, d2, d3)

    def before(self, metric: str, d1: DimValues = None, d2: DimValues = None,
               d3: DimValues = None) -> tuple[int, int]:
        return self.reader.pick(self.reader.before or {}, metric, d1, d2, d3)

    def windows(self, names: Iterable[str] | None) -> tuple[int, int] | None:
        return self.reader.windows(names)

    def monthly(self, metric_names: Iterable[str], first: dt.date, last: dt.date,
                days_from: dt.date | None = None) -> list[MonthlyRow]:
        return self.reader.monthly(metric_names, first, last, days_from)

    def type_keys(self, names: Iterable[str] | None = None, role: str | None = None) -> set[str] | None:
        if role is not None:
            return self.reader.ctx.role_ids(role)
        return None if names is None else self.reader.type_ids(names)

    def type_names(self, role: str | None = None, supervision: bool = False) -> tuple[str, ...]:
        if supervision or role is None:
            return self.reader.ctx.supervision_types()
        return self.reader.ctx.role_names(role)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self.reader.ctx.memo(key, compute)

    def ask(self) -> Ask:
        return Ask(self.org, self.start, self.end, dict(self.filters))

    def from_records(self) -> Value:
        return self.reader.from_records(self)


class Reader:
    """The rolled-up facts of one organization and period (loaded by `readers`), and the indicators' values from
    them."""

    def __init__(self, org: Organization, start: dt.date, end: dt.date, ctx: Context, flow: Merged, snap: Merged,
                 win_rows: list[WindowRow], before: Merged | None):
        self.org, self.start, self.end, self.ctx = org, start, end, ctx
        self.flow, self.snap, self.win_rows, self.before = flow, snap, win_rows, before
        self._wins: dict[tuple[str, str, dt.date], tuple[int, int]] | None = None

    def type_ids(self, names: Iterable[str]) -> set[str]:
        t = self.ctx.types()
        return {t[n] for n in names if n in t}

    @staticmethod
    def pick(source: Merged, metric: str, d1: DimValues = None, d2: DimValues = None,
             d3: DimValues = None) -> tuple[int, int]:
        n = total = 0
        for a, b, c, x, y in source.get(metric, ()):
            if (d1 is None or a in d1) and (d2 is None or b in d2) and (d3 is None or c in d3):
                n += x
                total += y
        return n, total

    def windows(self, names: Iterable[str] | None) -> tuple[int, int] | None:
        """(due, met), or None when the period has windows outside the materialized span."""
        asked = None if names is None else tuple(names)
        # the same for every organization asking over the same period: worked out once per computation
        wanted = self.ctx.memo(("covered", asked, self.start, self.end), lambda: covered_windows(
            self.ctx.state, self.ctx.requirements(asked), self.start, self.end))
        if wanted is None:
            return None
        if self._wins is None:  # indexed once: a reader answers several compliance keys
            self._wins = {}
            for d1, d2, day, n, total in self.win_rows:  # (a place of the province: a row per city)
                cell = self._wins.get((d1, d2, day), (0, 0))
                self._wins[(d1, d2, day)] = (cell[0] + n, cell[1] + total)
        due = met = 0
        for window in wanted:  # each lies in [start, end]
            found = self._wins.get(window)
            if found is not None:
                due += found[0]
                met += found[1]
        return due, met

    def monthly(self, metric_names: Iterable[str], first: dt.date, last: dt.date,
                days_from: dt.date | None = None) -> list[MonthlyRow]:
        """Rows (grain, metric, day, d1, n, total) of this organization's facts: month grain for months first ..
        last, day grain from `days_from` to the period's end when given. Read once for every organization of the
        computation asking the same (a grid of places over one period: one query, not one per place)."""
        names = tuple(sorted(metric_names))
        key = ("monthly", names, first, last, days_from, self.end)
        by_org = self.ctx.memo(key, lambda: monthly_rows(self.ctx.org_ids or {self.org.pk}, names, first, last,
                                                         days_from, self.end))
        return by_org.get(self.org.pk, [])

    def from_records(self, question: Question) -> Value:
        return direct.value(question.indicator.id, question.ask())

    def value(self, key: Key) -> Value:
        """The value of one parsed key: its indicator's declared reader of the facts."""
        indicator = key.indicator
        if indicator.facts is None:
            raise KeyError(indicator.id)
        return indicator.facts(Question(self, indicator, key.effective_filters()))


def monthly_rows(org_ids: Iterable[int], metric_names: tuple[str, ...], first: dt.date, last: dt.date,
                 days_from: dt.date | None, end: dt.date) -> dict[int, list[MonthlyRow]]:
    wanted = Q(grain="m", metric__in=metric_names, day__gte=first, day__lte=last)
    if days_from is not None:
        wanted |= Q(grain="d", metric__in=metric_names, day__gte=days_from, day__lte=end)
    out: dict[int, list[MonthlyRow]] = {}
    rows = (Fact.objects.filter(org_id__in=list(org_ids)).filter(wanted)
            .values_list("org_id", "grain", "metric", "day", "d1").annotate(n=Sum("n"), s=Sum("total")).order_by())
    for org_id, *row in rows:
        out.setdefault(org_id, []).append(cast(MonthlyRow, tuple(row)))
    return out


def compute_grid(items: list[Item]) -> list[dict[str, Value]]:
    """Values for many (organization, start, end, parsed keys) at once: the facts of all of them are read in
    a handful of queries; the distinct-person indicators and everything before the facts are built come from the
    raw records."""
    ctx = Context(state())
    built = ctx.state is not None
    from_facts = [n for n, item in enumerate(items) if built and any(not reads_records(k.indicator, k.filters) for k in item[3])]
    loaded = dict(zip(from_facts, readers([items[n] for n in from_facts], ctx), strict=True)) if from_facts else {}
    out = []
    for n, (org, start, end, parsed) in enumerate(items):
        values: dict[str, Value] = {}
        for key in parsed:
            if n in loaded and not reads_records(key.indicator, key.filters):
                values[key.text] = loaded[n].value(key)
            else:
                values[key.text] = direct.value(key.indicator.id, Ask(org, start, end, key.effective_filters()))
        out.append(values)
    return out


def compute_keys(org: Organization, start: dt.date, end: dt.date, parsed: list[Key]) -> dict[str, Value]:
    """Values for parsed keys: from the facts when they have been built, else from the raw records."""
    return compute_grid([(org, start, end, parsed)])[0]
