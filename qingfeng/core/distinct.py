"""Distinct counts as fact rows that add up (issue 18): how many distinct persons (or teams, or organizations) of a
subtree had a record in a standard period — a month, a quarter, a half-year, a year, or the twelve months ending on
any day — or hold one on a day, answered by the rolled-up facts like every other indicator.

A distinct count is not the sum of its parts: a trainee of two branches counts once for their committee. But the set
of organizations whose subtree holds one of a person's records is the union of those records' chains of ancestors,
and a union of chains is a sum once the organizations are sorted by path (a subtree is a run of that order): each
organization x_i contributes its chain minus the chain of the one before it, x_{i-1}. So a person's own rows are, per
period, +1 at each organization of their records with d1 = the previous one's id; the store rolls a row of these
metrics up only to the ancestors of its organization that are not ancestors of d1 (as it does a transfer in), drops
d1 and d3 from the rolled-up key, and the subtree's count is a key lookup. Where a row is kept (its "home") may be an
organization below x rather than x itself (轮训覆盖率 keeps a person's rows at the organization of their relation, x
being the deepest ancestor it shares with the training): then a second row −1 with d1 = x takes the part of the
home's chain below x away again.

Own rows carry the identity (d3: "p<person id>", "t<hash of a team's name>", "o<organization id>") and the filter
value they count for (d2: "" unfiltered, "role=第一书记" …; a filter given with several values is read from the
records). A person's rows at one organization depend on their records elsewhere (the previous organization), so when
a refresh changes the rows of some identities, the store refreshes the other organizations holding rows of those
identities too (`homes`).

* A flow family (`snapshot=False`) gives each identity's events (day, organization, filter values): metrics
  `<base>_m`, `_q`, `_h`, `_y` (flows, one row per calendar period dated on its first day) and `<base>_r` (a
  snapshot: the deltas of the twelve months ending on each day, `rolling_start`).
* A snapshot family gives intervals [start, end) (None: since ever / still): metric `<base>`, read at the period's
  end like every snapshot.

The kernel holds the vocabulary (this module); each ledger declares its families in its own facts.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from qingfeng.core import metrics
from qingfeng.core.dates import add_months, add_years
from qingfeng.core.metrics import EVER, Rows

ONE_DAY = dt.timedelta(days=1)
CALENDAR = ("m", "q", "h", "y")
MONTHS = {"m": 1, "q": 3, "h": 6, "y": 12}
ROLLING = "r"

Event = tuple[dt.date, int, tuple[str, ...]]  # (day, organization, the filter values it counts for, "" included)
Interval = tuple[dt.date | None, dt.date | None, int, tuple[str, ...]]
Tracks = dict[str, Any]  # identity → its events or intervals (or a family's own data)
Row = tuple[dt.date, int, str, str, str, int]  # (day, home, metric, d1, d2, n)


# ---- periods -----------------------------------------------------------------------------

def period_start(day: dt.date, kind: str) -> dt.date:
    if kind == "m":
        return day.replace(day=1)
    if kind == "q":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind == "h":
        return dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    return dt.date(day.year, 1, 1)


def period_end(start: dt.date, kind: str) -> dt.date:
    return add_months(start, MONTHS[kind]) - ONE_DAY


def rolling_start(end: dt.date) -> dt.date:
    """The first day of the twelve months ending on `end` (the cockpit's default period)."""
    return add_years(end, -1) + ONE_DAY


def rolling_last(day: dt.date) -> dt.date:
    """The last day whose twelve months still include `day` (rolling_start is monotone)."""
    t = add_years(day, 1) + dt.timedelta(days=2)
    while rolling_start(t) > day:
        t -= ONE_DAY
    return t


def period_kind(start: dt.date, end: dt.date) -> str | None:
    """Which materialized period [start, end] is: a calendar month, quarter, half-year or year, the twelve months
    ending on `end`, or None (read from the records)."""
    for kind in CALENDAR:
        if start == period_start(start, kind) and end == period_end(start, kind):
            return kind
    if start == rolling_start(end):
        return ROLLING
    return None


# ---- the organizations' order and ancestors ----------------------------------------------------

class Paths:
    """Materialized paths of organizations (and of their ancestors): the order that makes subtrees runs, and the
    deepest common ancestor of two organizations."""

    def __init__(self, rows: Iterable[tuple[int, str, str]]):
        self.path: dict[int, str] = {}
        self.by_code: dict[str, int] = {}
        for pk, code, path in rows:
            self.path[pk] = path
            self.by_code[code] = pk

    @classmethod
    def load(cls, org_ids: Iterable[int] | None = None) -> Paths:
        from qingfeng.orgs.models import PATH_SEP, Organization

        if org_ids is None:
            return cls(Organization.objects.values_list("pk", "code", "path").iterator(chunk_size=20000))
        ids = set(org_ids)
        rows = list(Organization.objects.filter(pk__in=ids).values_list("pk", "code", "path"))
        codes = {c for _pk, _code, p in rows for c in p.split(PATH_SEP) if c} - {code for _pk, code, _p in rows}
        if codes:
            rows += Organization.objects.filter(code__in=codes).values_list("pk", "code", "path")
        return cls(rows)

    def key(self, org_id: int) -> str:
        return self.path.get(org_id, "")

    def common(self, a: int, b: int) -> int | None:
        """The deepest organization that is an ancestor (or itself) of both."""
        pa, pb = self.key(a).split("/"), self.key(b).split("/")
        found = None
        for ca, cb in zip(pa, pb, strict=False):
            if ca != cb:
                break
            if ca:
                found = self.by_code.get(ca, found)
        return found


def chain_rows(items: Iterable[tuple[int, int]], paths: Paths) -> list[tuple[int, str, int]]:
    """Own rows (home, d1, n) whose roll-up is 1 at every ancestor (or itself) of some x of the (x, home) items and 0
    elsewhere; a home is x or an organization below it. An x that is an ancestor of another adds nothing and is
    left out (so no two x's are ancestors of each other, which the −1 rows need)."""
    ordered = sorted(set(items), key=lambda i: (paths.key(i[0]), i[1]))
    kept = [(x, home) for n, (x, home) in enumerate(ordered)
            if n + 1 == len(ordered) or not paths.key(ordered[n + 1][0]).startswith(paths.key(x))]
    out: list[tuple[int, str, int]] = []
    prev = ""
    for x, home in kept:
        out.append((home, prev, 1))
        if home != x:
            out.append((home, str(x), -1))
        prev = str(x)
    return out


def timeline(points: Iterable[dt.date], at: Callable[[dt.date], dict[str, set[tuple[int, int]]]],
             paths: Paths) -> list[tuple[dt.date, int, str, str, int]]:
    """Snapshot deltas (day, home, d1, d2, n) of items that change only on the given days."""
    before: Counter[tuple[int, str, str]] = Counter()
    out = []
    for t in sorted(set(points)):
        now: Counter[tuple[int, str, str]] = Counter()
        for dim, items in at(t).items():
            for home, d1, n in chain_rows(items, paths):
                now[(home, d1, dim)] += n
        for k in set(now) | set(before):
            d = now[k] - before[k]
            if d:
                out.append((t, k[0], k[1], k[2], d))
        before = now
    return out


# ---- families ------------------------------------------------------------------------------

@dataclass
class Family:
    """One distinct count kept in the facts: its metrics' base name, whether it is a snapshot, the filters kept one
    value at a time, where an identity's records are (`tracks`: the identities that may have rows homed at an
    organization, with all their records; None: every identity), and which organizations hold rows of some
    identities (`homes`, from the records)."""

    base: str
    tracks: Callable[[int | None], Tracks]
    homes: Callable[[set[str]], set[int]]
    snapshot: bool = False
    filters: tuple[str, ...] = ()
    unfiltered: bool = True  # kept without a filter too (轮训覆盖率: always per cadre level)
    identity: str = "p"  # "p" persons, "t" teams, "o" organizations (no other organization depends on their rows)
    # rows of one identity from its data, when they are not the union of its events' or intervals' organizations,
    # and the organizations that data names
    compute: Callable[[str, Any, Paths], list[Row]] | None = None
    organizations: Callable[[Any], set[int]] | None = None
    # The models its tracks read (classes or labels; the organizations' paths are read by every family): a write to
    # none of them leaves its rows as they are (metrics.scope). None: any record.
    reads: tuple[Any, ...] | None = None

    def metrics(self) -> tuple[str, ...]:
        if self.snapshot:
            return (self.base,)
        return (*(f"{self.base}_{k}" for k in CALENDAR), f"{self.base}_{ROLLING}")

    def rows(self, ident: str, data: Any, paths: Paths) -> list[Row]:
        """(day, home, metric, d1, d2, n) of one identity."""
        if self.compute is not None:
            return self.compute(ident, data, paths)
        if self.snapshot:
            return [(t, home, self.base, d1, dim, n) for t, home, d1, dim, n in snapshot_deltas(data, paths)]
        return flow_rows(self.base, data, paths)

    def add_rows(self, rows: Rows, org_id: int | None = None) -> None:
        tracks = self.tracks(org_id)
        if not tracks:
            return
        if org_id is None:
            paths = Paths.load()
        else:
            orgs = {org_id}
            for data in tracks.values():
                orgs |= self.organizations(data) if self.organizations is not None else organizations_in(data)
            paths = Paths.load(orgs)
        for ident, data in tracks.items():
            for day, home, metric, d1, d2, n in self.rows(ident, data, paths):
                if org_id is None or home == org_id:
                    rows.add(home, day, metric, d1, d2, ident, n)


def organizations_in(data: Any) -> set[int]:
    """The organizations of an identity's events (day, org, dims) or intervals (start, end, org, dims)."""
    return {item[-2] for item in data}


def flow_rows(base: str, events: list[Event], paths: Paths) -> list[Row]:
    out: list[Row] = []
    groups: dict[tuple[str, dt.date, str], set[tuple[int, int]]] = defaultdict(set)
    for day, org, dims in events:
        for kind in CALENDAR:
            first = period_start(day, kind)
            for dim in dims:
                groups[(kind, first, dim)].add((org, org))
    for (kind, first, dim), items in groups.items():
        for home, d1, n in chain_rows(items, paths):
            out.append((first, home, f"{base}_{kind}", d1, dim, n))

    spans = [(day, rolling_last(day), org, dims) for day, org, dims in events]

    def at(t: dt.date) -> dict[str, set[tuple[int, int]]]:
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for lo, hi, org, dims in spans:
            if lo <= t <= hi:
                for dim in dims:
                    found[dim].add((org, org))
        return found

    points = {lo for lo, _hi, _o, _d in spans} | {hi + ONE_DAY for _lo, hi, _o, _d in spans}
    for t, home, d1, dim, n in timeline(points, at, paths):
        out.append((t, home, f"{base}_{ROLLING}", d1, dim, n))
    return out


def snapshot_deltas(intervals: list[Interval], paths: Paths) -> list[tuple[dt.date, int, str, str, int]]:
    def at(t: dt.date) -> dict[str, set[tuple[int, int]]]:
        found: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for lo, hi, org, dims in intervals:
            if (lo is None or lo <= t) and (hi is None or hi > t):
                for dim in dims:
                    found[dim].add((org, org))
        return found

    live = [i for i in intervals if i[0] is None or i[1] is None or i[0] < i[1]]
    points = {lo or EVER for lo, _hi, _o, _d in live} | {hi for _lo, hi, _o, _d in live if hi is not None}
    return timeline(points, at, paths)


FAMILIES: dict[str, Family] = {}
_by_metric: dict[str, Family] = {}


def family(fam: Family) -> Family:
    """Declare a family: its metrics (flows per calendar period and the rolling snapshot, or one snapshot) and the
    function emitting its own rows, registered with qingfeng.core.metrics."""
    if FAMILIES.get(fam.base, fam) is not fam:
        raise ValueError(f"distinct family {fam.base!r} is declared twice")
    if fam.base in FAMILIES:
        return fam
    FAMILIES[fam.base] = fam
    if fam.snapshot:
        metrics.declare(metrics.SNAPSHOT, fam.base)
    else:
        metrics.declare(metrics.FLOW, *fam.metrics()[:-1])
        metrics.declare(metrics.SNAPSHOT, fam.metrics()[-1])
    for m in fam.metrics():
        _by_metric[m] = fam

    def add_rows(rows: Rows, org_id: int | None = None) -> None:
        fam.add_rows(rows, org_id)

    add_rows.__qualname__ = f"distinct rows {fam.base}"
    metrics.row_source(reads=None if fam.reads is None else (*fam.reads, "orgs.organization"),
                       emits=fam.metrics())(add_rows)
    return fam


def distinct_metrics() -> frozenset[str]:
    """The metrics whose own rows carry the previous organization in d1 and the identity in d3 (see the module)."""
    return frozenset(_by_metric)


def homes(identities: Iterable[str]) -> set[int]:
    """The organizations holding own rows of any of these identities (persons in every family counting persons:
    轮训覆盖率 keeps a trainee's rows where their relation is, moved by the training's rows changing elsewhere)."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for ident in identities:
        if ident[:1] in ("p", "t"):
            by_kind[ident[:1]].add(ident)
    out: set[int] = set()
    for fam in FAMILIES.values():
        if fam.identity in by_kind:
            out |= fam.homes(by_kind[fam.identity])
    return out


def person_id(ident: str) -> int | None:
    return int(ident[1:]) if ident.startswith("p") and ident[1:].isdigit() else None


def person_ids(identities: Iterable[str]) -> set[int]:
    return {pid for i in identities if (pid := person_id(i)) is not None}


def person(pid: int | None) -> str:
    return "p-" if pid is None else f"p{pid}"


def team(name: str) -> str:
    return "t" + hashlib.sha256(name.encode()).hexdigest()[:24]


def dims(values: dict[str, object], unfiltered: bool = True) -> tuple[str, ...]:
    """The filter values an event counts for: "" (no filter) and name=value for each kept filter."""
    out = [""] if unfiltered else []
    out += [f"{name}={value}" for name, value in values.items() if value not in (None, "")]
    return tuple(out)


# ---- reading -------------------------------------------------------------------------------

def dim_of(q: Any, names: Iterable[str], kept: Iterable[str], unfiltered: bool = True) -> str | None:
    """The d2 a question reads: "" without filters, name=value for one kept filter with one value, None otherwise."""
    given = [(name, q.get(name)) for name in names if q.get(name) is not None]
    if not given:
        return "" if unfiltered else None
    if len(given) == 1 and given[0][0] in set(kept) and len(given[0][1]) == 1:
        return f"{given[0][0]}={given[0][1][0]}"
    return None


def count(q: Any, fam: Family, dim: str | None) -> int | None:
    """The distinct count from the facts for the question's period, or None where they do not hold it."""
    if dim is None:
        return None
    if fam.snapshot:
        return int(q.snap(fam.base, None, {dim})[0])
    kind = period_kind(q.start, q.end)
    if kind is None:
        return None
    if kind == ROLLING:
        return int(q.snap(f"{fam.base}_{ROLLING}", None, {dim})[0])
    return int(q.flow(f"{fam.base}_{kind}", None, {dim})[0])


def needed(names: frozenset[str], start: dt.date, end: dt.date) -> frozenset[str]:
    """Of these metrics, those a question over [start, end] can read: a flow family's metrics of that period only
    (none for other periods, read from the records)."""
    kind = period_kind(start, end)
    wanted = None if kind is None else ROLLING if kind == ROLLING else kind
    return frozenset(m for m in names if (fam := _by_metric.get(m)) is None or fam.snapshot or m.endswith(f"_{wanted}"))


def reads(base: str) -> frozenset[str]:
    """The metrics an indicator reading a family's count reads (its `reads`)."""
    return frozenset(FAMILIES[base].metrics())


def reader(base: str, names: Iterable[str] = ()) -> Callable[[Any], Any]:
    """An indicator's `facts`: its distinct count from the facts (the family `base`, the indicator's filters `names`),
    from the records for other periods or filters."""
    fam, names = FAMILIES[base], tuple(names)

    def facts(q: Any) -> Any:
        value = count(q, fam, dim_of(q, names, fam.filters, fam.unfiltered))
        return q.from_records() if value is None else value

    return facts
