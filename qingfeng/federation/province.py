"""A province's side: its tree and its indicator values, from the rows its cities publish (models.py).

* The tree: the province's own root organization (a row of its own `orgs.Organization`, e.g. 140000 中共山西省委)
  with each subscribed city's published organizations (`Node`) below it — `Place` is either.
* Values from facts: the province reads the published rolled-up facts (`Fact`) of a place — for its root, the sum
  of its cities' roots — in the shape the indicator engine's `Reader` evaluates (qingfeng.indicators.facts), so
  every fact-based indicator is computed by the engine's own code. The only dependency on that code is here.
* Distinct counts from items: persons (keyed hashes), organizations and records behind the distinct-count
  indicators (`Item`, items.py) are counted here — a person transferred between two cities counts once at the
  province.
* What the province cannot answer, it says (`UNAVAILABLE`): never a number computed from its own empty ledgers.
"""

# ruff: noqa: S608 — SQL here is built from our own table names (model metadata); values are bound parameters.
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingfeng.activities.models import ActivityRole
from qingfeng.core.indicators import round_rate
from qingfeng.federation.models import ActivityKind, City, Fact, Item, Node
from qingfeng.indicators import engine, facts
from qingfeng.indicators.store import ONE_DAY, flow_ranges, period_parts, snapshot_ranges
from qingfeng.membership.facts import MEMBER_CATEGORIES, PAID, month_index, month_of_index
from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization

# Indicators the province cannot answer from what cities publish, and why (shown with the value).
UNAVAILABLE = {
    "discipline.self_surrender": gettext_noop("需要逐案记录，纪检记录不出城市：请到城市平台查看"),
    "development.late_steps": gettext_noop("由发展党员的时限规则逐条判断，不随数据上报：请到城市平台查看"),
    # distinct counts of the second round's ledgers: their items are not published yet
    "honors.persons": gettext_noop("按人去重的计数，尚未上报：请到城市平台查看"),
    "grassroots.degree_trainees": gettext_noop("按人去重的计数，尚未上报：请到城市平台查看"),
    "economy.supported_villages": gettext_noop("按村去重的计数，尚未上报：请到城市平台查看"),
    "activities.campaign_count": gettext_noop("按专题的计数，专题不随数据上报：请到城市平台查看"),
}
# Any key narrowed by a free-text filter (专题) is counted from a city's records alone.
FREE_TEXT_UNAVAILABLE = UNAVAILABLE["activities.campaign_count"]
# Read from the records in a city, answered here by the Reader below (items, windows, dues).
SPECIAL = {"training.rotation_trainees", "training.rotation_coverage", "dues.payment_rate"}
WINDOW_IDS = {"orglife.compliance", "orglife.theme_day_compliance", "orglife.missing"}


@dataclass(frozen=True)
class Place:
    """An organization the province knows: its own root (city None) or a city's published organization."""

    code: str
    name: str
    kind: str
    sector: str
    level: str
    city: str | None
    path: str  # the city's own path of codes; the province's root: "/<code>/"
    depth: int  # 0 the province, 1 a city's root, 2 a county …
    established_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    url: str = ""  # the city platform's address

    @property
    def pk(self) -> str:  # what the engine's Reader keys an organization by
        return self.code if self.city is None else f"{self.city}:{self.code}"

    @property
    def is_province(self) -> bool:
        return self.city is None

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def root() -> Place | None:
    org = Organization.objects.filter(parent__isnull=True).order_by("code").first()
    if org is None:
        return None
    return Place(org.code, org.name, org.kind, org.sector, org.level, None, org.path, 0, org.established_on,
                 org.dissolved_on)


def _place(node: Node, urls: dict[str, str]) -> Place:
    return Place(node.code, node.name, node.kind, node.sector, node.level, node.city, node.path, node.depth + 1,
                 node.established_on, node.dissolved_on, urls.get(node.city, ""))


def _urls() -> dict[str, str]:
    return dict(City.objects.values_list("code", "url"))


def find(code: str) -> Place | None:
    """The province's root or a published organization, by its code ("city:code" when two cities share one)."""
    code = code.strip()
    top = root()
    if top is not None and code == top.code:
        return top
    city, _sep, own = code.rpartition(":")
    nodes = Node.objects.filter(code=own)
    if city:
        nodes = nodes.filter(city=city)
    found = list(nodes[:2])
    return _place(found[0], _urls()) if len(found) == 1 else None


def children(place: Place) -> list[Place]:
    urls = _urls()
    if place.is_province:
        nodes = Node.objects.filter(depth=0)
    else:
        nodes = Node.objects.filter(city=place.city, parent_code=place.code)
    return [_place(n, urls) for n in nodes.order_by("city", "code")]


def cities() -> list[City]:
    return list(City.objects.order_by("code"))


def targets(place: Place, city_codes: list[str] | None = None) -> list[tuple[str, str]]:
    """The (city, code) rows whose facts make the place's: a city's organization its own; the province's root
    the sum of its cities' roots."""
    if place.is_province:
        codes = city_codes if city_codes is not None else list(City.objects.order_by("code").values_list("code", flat=True))
        return [(c, c) for c in codes]
    return [(place.city or "", place.code)]


# ---- facts ----------------------------------------------------------------------------------

class Sums:
    """Sums of (n, total) by (metric, d1, d2, d3) of the published facts, for many places and day ranges at once
    (the counterpart of indicators.store.Sums over the cities' rows)."""

    def __init__(self, city_codes: list[str]):
        self.city_codes = city_codes
        self.wanted: dict[tuple, set[tuple[str, str]]] = defaultdict(set)
        self.got: dict[tuple, dict] = {}

    def want(self, place: Place, ranges, metrics: frozenset[str]) -> list[tuple]:
        keys = []
        for grain, lo, hi in ranges:
            key = (grain, lo, hi, metrics)
            self.wanted[key].update(targets(place, self.city_codes))
            keys.append(key)
        return keys

    def load(self) -> None:
        specs = [(key, sorted(targets)) for key, targets in self.wanted.items() if targets]
        for i in range(0, len(specs), 100):
            self._load(specs[i:i + 100])
        self.wanted.clear()

    def _load(self, specs) -> None:
        t = connection.ops.quote_name(Fact._meta.db_table)
        selects, params = [], []
        for i, ((grain, lo, hi, metrics), targets) in enumerate(specs):
            names = sorted(metrics)
            where = (f"(city, code) IN ({', '.join(['(%s, %s)'] * len(targets))}) "
                     f"AND metric IN ({', '.join(['%s'] * len(names))}) AND grain = %s AND day <= %s")
            params += [*(x for target in targets for x in target), *names, grain, hi]
            if lo is not None:
                where += " AND day >= %s"
                params.append(lo)
            selects.append(f"SELECT {i} AS part, city, code, metric, d1, d2, d3, SUM(n), SUM(total) FROM {t} "
                           f"WHERE {where} GROUP BY city, code, metric, d1, d2, d3")
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for part, city, code, metric, d1, d2, d3, n, total in cursor.fetchall():
                self.got.setdefault((specs[part][0], (city, code)), {})[(metric, d1, d2, d3)] = [int(n or 0), int(total or 0)]

    def merged(self, place: Place, keys: list[tuple]) -> dict[str, list[tuple]]:
        cells: dict[tuple, list[int]] = {}
        for key in keys:
            for target in targets(place, self.city_codes):
                for k, (n, total) in self.got.get((key, target), {}).items():
                    cell = cells.setdefault(k, [0, 0])
                    cell[0] += n
                    cell[1] += total
        out: dict[str, list[tuple]] = defaultdict(list)
        for (metric, d1, d2, d3), (n, total) in cells.items():
            out[metric].append((d1, d2, d3, n, total))
        return out


def window_rows(places: list[Place], lo: dt.date, hi: dt.date, city_codes: list[str]) -> dict[str, list[tuple]]:
    """The published compliance windows (d1 type name, d2 cadence, first day, due, met) of these places."""
    by_target: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    wanted = {t for p in places for t in targets(p, city_codes)}
    if not wanted:
        return {}
    for city, code, d1, d2, day, n, total in Fact.objects.filter(
            city__in={t[0] for t in wanted}, code__in={t[1] for t in wanted}, grain="w", metric="win",
            day__gte=lo, day__lte=hi).values_list("city", "code", "d1", "d2", "day", "n", "total"):
        by_target[(city, code)].append((d1, d2, day, n, total))
    return {p.pk: [row for t in targets(p, city_codes) for row in by_target.get(t, [])] for p in places}


@dataclass(frozen=True)
class _Requirement:  # what covered_windows reads of a requirement: the facts key windows by type (here: name)
    activity_type_id: str
    cadence: str


@dataclass
class _State:
    windows_from: dt.date | None
    windows_to: dt.date | None


class Context:
    """The engine's Reader context, over what the cities publish: activity types by name (d1 of the published
    facts), their roles and requirements, and the compliance windows every city's facts hold."""

    def __init__(self):
        self.kinds = list(ActivityKind.objects.all())
        self.city_codes = list(City.objects.order_by("code").values_list("code", flat=True))
        self._nodes: list[tuple[str, str, str]] | None = None
        self._memo: dict = {}
        spans = list(City.objects.values_list("windows_from", "windows_to"))
        los = [lo for lo, _hi in spans if lo is not None]
        his = [hi for _lo, hi in spans if hi is not None]
        complete = bool(spans) and len(los) == len(his) == len(spans)
        self.state = _State(max(los), min(his)) if complete else _State(None, None)

    def types(self) -> dict[str, str]:
        return {k.name: k.name for k in self.kinds}

    def requirements(self, names) -> list[_Requirement]:
        found = {(k.name, k.cadence) for k in self.kinds if k.cadence and (names is None or k.name in names)}
        return [_Requirement(name, cadence) for name, cadence in sorted(found)]

    def role_ids(self, role: str) -> set[str]:
        return {k.name for k in self.kinds if k.role == role}

    def role_names(self, role: str) -> tuple[str, ...]:
        return tuple(sorted(self.role_ids(role)))

    def supervision_types(self) -> tuple[str, ...]:
        return tuple(sorted({k.name for k in self.kinds if k.is_supervision}))

    def memo(self, key, compute):
        """A value shared by every question of one computation (the engine's Context.memo)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def codes_under(self, place: Place) -> list[str]:
        """The codes of the place and the published organizations below it (in its city)."""
        if self._nodes is None:  # every published organization, once: (city, path, code)
            self._nodes = list(Node.objects.values_list("city", "path", "code"))
        return [code for city, path, code in self._nodes if city == place.city and path.startswith(place.path)]


# ---- distinct counts ------------------------------------------------------------------------

# indicator → (item rows it counts, snapshot?, {filter: item column})
ITEM_COUNTS = {
    "study.reading_class_trainees": ("study.reading_class_trainees", False, {}),
    "lecture.lecturers": ("lecture.lecturers", True, {}),
    "grassroots.dispatched": ("grassroots.dispatched", False, {"role": "d1", "sector": "d2", "level": "d3"}),
    "grassroots.stationed": ("grassroots.dispatched", True, {"role": "d1"}),
    "grassroots.adjusted": ("grassroots.adjusted", False, {"role": "d1"}),
    "grassroots.dispatch_teams": ("grassroots.dispatch_teams", False, {"role": "d1"}),
    "accountability.persons": ("accountability.persons", False, {}),
    "grassroots.elections": ("grassroots.elections", False, {"level": "d1"}),
    "development.applications": ("development.applications", False, {}),
    "development.in_progress": ("development.in_progress", True, {"stage": "d1"}),
    "burden.forms_answered": ("burden.forms_answered", False, {}),
}


def label(place: Place) -> str:
    """A place's group in the grouped counts: the province, a city's root (by its city alone: every item of the city
    counts under one of its published codes), or a published organization (by the codes under it)."""
    if place.is_province:
        return "p"
    return f"c:{place.city}" if place.code == place.city else f"n:{place.pk}"


@dataclass(frozen=True)
class Question:
    """One distinct count asked of many places: `kind` "items" (rows of ITEM_COUNTS), "rotation" (专题轮训 trainees,
    of cadre `levels` if given) or "cadres" (trainees holding one of the `levels` in scope at the end)."""

    kind: str
    rows: str
    snapshot: bool
    start: dt.date
    end: dt.date
    dims: tuple[tuple[str, tuple], ...] = ()  # (item column, values)
    levels: tuple | None = None


def question(indicator: str, filters: dict, start: dt.date, end: dt.date) -> Question | None:
    """The distinct count behind an indicator's value; None when a filter is one the published items do not carry
    (e.g. village_tag): only the city can apply it."""
    if indicator == "training.rotation_trainees":
        levels = filters.get("cadre_level")
        return Question("rotation", indicator, False, start, end, levels=None if levels is None else tuple(levels))
    if indicator == "training.rotation_coverage":
        return Question("cadres", "training.rotation_trainees", False, start, end,
                        levels=tuple(filters.get("cadre_level") or ("市管",)))
    rows, snapshot, columns = ITEM_COUNTS[indicator]
    if any(values is not None and name not in columns for name, values in filters.items()):
        return None
    dims = tuple((columns[name], tuple(values)) for name, values in filters.items() if values is not None)
    return Question("items", rows, snapshot, start, end, dims)


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


WORK_MEM = "64MB"


class Counts:
    """The distinct counts (COUNT(DISTINCT key) over the published items) of many places at once: one grouped
    statement per question, every place asking it a group — not a statement per place."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.wanted: dict[Question, dict[str, Place]] = defaultdict(dict)
        self.got: dict[tuple[Question, str], int] = {}

    def want(self, q: Question, place: Place) -> None:
        self.wanted[q][label(place)] = place

    def get(self, q: Question, place: Place) -> int:
        return self.got.get((q, label(place)), 0)

    def load(self) -> None:
        if not self.wanted:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            # a province-wide count hashes or sorts every city's persons (tens of thousands of keys): in memory
            # rather than spilled to disk by the default 4 MB, for these statements only
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            for q, places in self.wanted.items():
                sql, params = self._sql(q, list(places.values()))
                cursor.execute(sql, params)
                for group, n in cursor.fetchall():
                    self.got[(q, group)] = int(n)
        self.wanted.clear()

    def _sql(self, q: Question, places: list[Place]) -> tuple[str, list]:
        if q.kind == "cadres":  # (place, person) of the trainees in scope that are also cadres in scope
            trainees, p1 = self._scoped(places, lambda a, province: self._items(a, q))
            cadres, p2 = self._scoped(places, lambda a, province: (
                f"{a}.indicator = 'cadre' AND {a}.day <= %s AND {a}.until > %s AND {a}.d1 IN ({_in(q.levels)})",
                [q.end, q.end, *(q.levels or ())]))
            return f"SELECT x.g, COUNT(*) FROM (({trainees}) INTERSECT ({cadres})) x GROUP BY x.g", [*p1, *p2]
        rows, params = self._scoped(places, lambda a, province: self._items(a, q, province))
        # distinct (place, person) pairs first, then counted: hashed, where COUNT(DISTINCT) sorts every group's keys
        return f"SELECT x.g, COUNT(*) FROM (SELECT DISTINCT g, key FROM ({rows}) a) x GROUP BY x.g", params

    @staticmethod
    def _items(a: str, q: Question, province: bool = False) -> tuple[str, list]:
        """The item rows a question counts (alias `a`), before any scope."""
        t = connection.ops.quote_name(Item._meta.db_table)
        sql, params = f"{a}.indicator = %s", list[object]([q.rows])
        if q.snapshot:
            sql, params = sql + f" AND {a}.day <= %s AND {a}.until > %s", [*params, q.end, q.end]
        else:
            sql, params = sql + f" AND {a}.day >= %s AND {a}.day <= %s", [*params, q.start, q.end]
        for column, values in q.dims:
            sql, params = sql + f" AND {a}.{column} IN ({_in(values)})", [*params, *values]
        if q.kind == "rotation" and q.levels is not None:
            # the level as the person's city records it; at the province, as any city does
            same_city = "" if province else f" AND l.city = {a}.city"
            sql += (f" AND {a}.key IN (SELECT l.key FROM {t} l WHERE l.indicator = 'level' AND l.day <= %s AND "
                    f"l.until > %s AND l.d1 IN ({_in(q.levels)}){same_city})")
            params += [q.end, q.end, *q.levels]
        return sql, params

    def _scoped(self, places: list[Place], where) -> tuple[str, list]:
        """(g, key) of the rows `where(alias, province)` selects, once under each place they count for."""
        t = connection.ops.quote_name(Item._meta.db_table)
        parts, params = [], []
        roots = sorted({p.city or "" for p in places if label(p).startswith("c:")})
        if any(p.is_province for p in places) and roots and where("i", True) == where("i", False):
            # the province and its cities' roots from one reading of the rows: each row under both
            sql, p = where("i", True)
            parts.append(f"SELECT v.g, i.key FROM {t} i CROSS JOIN LATERAL (VALUES ('p'), ('c:' || i.city)) AS v(g) "
                         f"WHERE {sql}")
            params += p
            roots = []
        elif any(p.is_province for p in places):
            sql, p = where("i", True)
            parts.append(f"SELECT 'p' AS g, i.key FROM {t} i WHERE {sql}")
            params += p
        if roots:
            sql, p = where("i", False)
            parts.append(f"SELECT 'c:' || i.city AS g, i.key FROM {t} i WHERE {sql} AND i.city IN ({_in(roots)})")
            params += [*p, *roots]
        below = [(label(p), p.city, code) for p in places if label(p).startswith("n:")
                 for code in self.ctx.codes_under(p)]
        if below:
            sql, p = where("i", False)
            values = ", ".join(["(%s::text, %s::text, %s::text)"] * len(below))
            parts.append(f"SELECT s.g, i.key FROM {t} i JOIN (VALUES {values}) AS s(g, city, code) "
                         f"ON i.city = s.city AND i.code = s.code WHERE {sql}")
            params += [*(x for row in below for x in row), *p]
        return " UNION ALL ".join(parts), params


# ---- evaluating -----------------------------------------------------------------------------

class Reader(facts.Reader):
    """The engine's Reader over a place's published facts; the indicators it would read from raw records are
    answered from the published items or declared unavailable."""

    org: Place  # type: ignore[assignment]  # the engine's Reader reads only .kind of it
    ctx: Context  # type: ignore[assignment]  # duck-typed: what the engine's Context offers, over published rows

    counts: Counts  # the distinct counts, loaded for the whole grid
    dues: dict[tuple, list[tuple]]  # what payment_rate reads, loaded for the whole grid

    def value(self, key):
        i, filters = key.indicator.id, key.effective_filters()
        if i in ITEM_COUNTS or i == "training.rotation_trainees":
            q = question(i, filters, self.start, self.end)
            return None if q is None else self.counts.get(q, self.org)
        if i == "training.rotation_coverage":
            q = question(i, filters, self.start, self.end)
            den = self.pick(self.snap, "mem", None, q.levels)[0] if q is not None else 0
            return round_rate(self.counts.get(q, self.org), den) if q is not None else None
        if i == "dues.payment_rate":
            return payment_rate(self.org, self.start, self.end, self.pick(self.snap, "mem", MEMBER_CATEGORIES)[0],
                                self.ctx.city_codes, self.dues)
        if i in WINDOW_IDS:
            names = self.ctx.role_names(ActivityRole.THEME_DAY) if i == "orglife.theme_day_compliance" else filters.get("requirement")
            dm = self.windows(names)
            if dm is None:
                return None  # outside the windows every city's facts hold (or a branch): the city answers it
            return dm[0] - dm[1] if i == "orglife.missing" else round_rate(dm[1], dm[0])
        if facts.reads_records(key.indicator, key.filters):
            return None  # read from raw records in a city, not published
        return super().value(key)


def dues_rows(places: list[Place], start: dt.date, end: dt.date, city_codes: list[str]) -> dict[tuple, list[tuple]]:
    """What payment_rate reads of these places' facts, in one statement: (grain, metric, day, n) by (city, code) —
    paid member-months and the monthly member deltas (month grain), the members' daily deltas of the last month."""
    wanted = {t for p in places for t in targets(p, city_codes)}
    out: dict[tuple, list[tuple]] = defaultdict(list)
    if not wanted:
        return out
    rows = Fact.objects.filter(city__in={c for c, _code in wanted}, code__in={code for _c, code in wanted}).filter(
        Q(grain="m", metric=PAID, day__gte=start.replace(day=1), day__lte=end)
        | Q(grain="m", metric="mem", d1__in=MEMBER_CATEGORIES, day__gte=start.replace(day=1), day__lte=end)
        | Q(grain="d", metric="mem", d1__in=MEMBER_CATEGORIES, day__gte=start.replace(day=1), day__lte=end))
    for city, code, grain, metric, day, n in (rows.values_list("city", "code", "grain", "metric", "day")
                                              .annotate(n=Sum("n")).values_list("city", "code", "grain", "metric", "day", "n")
                                              .order_by()):
        if (city, code) in wanted:
            out[(city, code)].append((grain, metric, day, int(n or 0)))
    return out


def payment_rate(place: Place, start: dt.date, end: dt.date, members_at_end: int, city_codes: list[str],
                 rows: dict[tuple, list[tuple]]):
    """dues.payment_rate over the published facts (membership.facts.payment_rate's method over a place's rows,
    read by dues_rows)."""
    _days, months = period_parts(start, end)
    if months is None:
        return round_rate(0, 0)
    first, last = months
    tail = end.replace(day=1)
    deltas: dict[dt.date, int] = defaultdict(int)
    held, paid = members_at_end, 0
    for target in targets(place, city_codes):
        for grain, metric, day, n in rows.get(target, ()):
            if grain == "m" and metric == PAID and first <= day <= last:
                paid += n
            elif grain == "m" and metric == "mem" and first < day <= last:
                deltas[day] += n
            elif grain == "d" and metric == "mem" and last < tail and tail <= day <= end:
                held -= n
    due = 0
    for i in range(month_index(last), month_index(first) - 1, -1):
        due += held
        held -= deltas.get(month_of_index(i), 0)
    return round_rate(paid, due)


@dataclass
class Answer:
    values: dict
    unavailable: dict[str, str] = field(default_factory=dict)  # key → why the province cannot answer it


def parse(keys: list[str] | None, user=None) -> list:
    parsed = [engine.parse_key(k) for k in keys] if keys is not None else [
        engine.parse_key(k) for k in engine.answerable_ids(user)]
    for key in parsed:
        if not engine.may_see(key.indicator, user):
            raise engine.IndicatorForbidden(_("无权查看指标“%(id)s”。") % {"id": key.indicator.id})
    return parsed


def _why_not(key) -> str | None:
    """Why the province does not answer a key (a msgid), or None."""
    why = UNAVAILABLE.get(key.indicator.id)
    if why is None and any(key.indicator.is_free_text(name) for name in key.filters):
        why = FREE_TEXT_UNAVAILABLE
    return why


COUNTED = {*ITEM_COUNTS, "training.rotation_trainees", "training.rotation_coverage"}


def compute_grid(asks: list[tuple], user=None) -> list[Answer]:
    """Values for many (place, start, end, keys or None) at once — the province's engine.compute_grid: the facts
    of every place in one statement per 100 (period, metrics), each distinct count in one grouped statement."""
    ctx = Context()
    sums = Sums(ctx.city_codes)
    counts = Counts(ctx)
    items, plans = [], []
    for place, start, end, keys in asks:
        engine.check_period(start, end)
        parsed = parse(keys, user)
        ids = {k.indicator.id for k in parsed if not facts.reads_records(k.indicator)}
        flow_metrics, snap_metrics = facts.metrics_for(ids)
        if "training.rotation_coverage" in ids or "dues.payment_rate" in ids:
            snap_metrics = snap_metrics | {"mem"}
        plans.append((
            sums.want(place, flow_ranges(start, end), flow_metrics) if flow_metrics else [],
            sums.want(place, snapshot_ranges(end), snap_metrics) if snap_metrics else [],
            sums.want(place, snapshot_ranges(start - ONE_DAY), facts.before_metrics(ids))
            if facts.before_metrics(ids) else None))
        items.append((place, start, end, parsed))
        for key in parsed:
            if key.indicator.id in COUNTED and _why_not(key) is None:
                q = question(key.indicator.id, key.effective_filters(), start, end)
                if q is not None:
                    counts.want(q, place)
    sums.load()
    counts.load()
    windowed = [p for p, _s, _e, parsed in items
                if {k.indicator.id for k in parsed} & WINDOW_IDS and p.kind not in REQUIREMENT_KINDS]
    wins = window_rows(windowed, min(i[1] for i in items), max(i[2] for i in items), ctx.city_codes) if windowed else {}
    dues_asked = [(p, s, e) for p, s, e, parsed in items if any(k.indicator.id == "dues.payment_rate" for k in parsed)]
    dues = dues_rows([p for p, _s, _e in dues_asked], min(s for _p, s, _e in dues_asked),
                     max(e for _p, _s, e in dues_asked), ctx.city_codes) if dues_asked else {}
    out = []
    for (place, start, end, parsed), (flow, snap, before) in zip(items, plans, strict=True):
        reader = Reader(place, start, end, ctx, sums.merged(place, flow), sums.merged(place, snap),  # type: ignore[arg-type]
                        wins.get(place.pk, []), None if before is None else sums.merged(place, before))
        reader.counts, reader.dues = counts, dues
        answer = Answer({})
        for key in parsed:
            why = _why_not(key)
            if why is not None:
                answer.values[key.text] = None
                answer.unavailable[key.text] = _(why)
            else:
                answer.values[key.text] = reader.value(key)
        out.append(answer)
    return out


def compute(place: Place, start: dt.date, end: dt.date, keys: list[str] | None = None, user=None) -> Answer:
    return compute_grid([(place, start, end, keys)], user)[0]


def drill_url(place: Place, key: str, start: dt.date, end: dt.date) -> str:
    """The city's own drill-through page for a value of one of its organizations (behind the city's sign-in)."""
    if place.is_province or not place.url:
        return ""
    query = urlencode({"org": place.code, "start": start.isoformat(), "end": end.isoformat(), "key": key})
    return f"{place.url.rstrip('/')}/indicators/drill/?{query}"
