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

from django.db import connection
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
        self._under: dict[tuple, list[str]] = {}
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
        key = (place.city, place.path)
        if key not in self._under:
            self._under[key] = list(Node.objects.filter(city=place.city, path__startswith=place.path)
                                    .values_list("code", flat=True))
        return self._under[key]


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


def _scope(place: Place, alias: str, ctx: Context) -> tuple[str, list]:
    """The items counted under a place: every city's for the province's root; else the place's city, under the
    place or a published organization below it."""
    if place.is_province:
        return "", []
    if place.code == place.city:  # a city's root: every item of the city counts under one of its published codes
        return f" AND {alias}.city = %s", [place.city]
    codes = ctx.codes_under(place)
    return (f" AND {alias}.city = %s AND {alias}.code IN ({', '.join(['%s'] * len(codes))})", [place.city, *codes])


def _when(alias: str, start: dt.date, end: dt.date, snapshot: bool) -> tuple[str, list]:
    if snapshot:
        return f" AND {alias}.day <= %s AND {alias}.until > %s", [end, end]
    return f" AND {alias}.day >= %s AND {alias}.day <= %s", [start, end]


def _dims(alias: str, filters: dict, columns: dict[str, str]) -> tuple[str, list]:
    sql, params = "", []
    for name, values in filters.items():
        column = columns.get(name)
        if column is not None and values is not None:
            sql += f" AND {alias}.{column} IN ({', '.join(['%s'] * len(values))})"
            params += list(values)
    return sql, params


def _count(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def item_count(indicator: str, place: Place, start: dt.date, end: dt.date, filters: dict, ctx: Context) -> int | None:
    rows, snapshot, columns = ITEM_COUNTS[indicator]
    if any(values is not None and name not in columns for name, values in filters.items()):
        return None  # a filter the published items do not carry (e.g. village_tag): only the city can apply it
    t = connection.ops.quote_name(Item._meta.db_table)
    scope, p1 = _scope(place, "i", ctx)
    when, p2 = _when("i", start, end, snapshot)
    dims, p3 = _dims("i", filters, columns)
    return _count(f"SELECT COUNT(DISTINCT i.key) FROM {t} i WHERE i.indicator = %s{scope}{when}{dims}",
                  [rows, *p1, *p2, *p3])


def rotation_trainees(place: Place, start: dt.date, end: dt.date, levels, ctx: Context) -> int:
    """Distinct persons at a 专题轮训 in scope in the period, of the asked cadre levels at the period's end (the
    level as their city records it; at the province, as any city does)."""
    t = connection.ops.quote_name(Item._meta.db_table)
    scope, p1 = _scope(place, "i", ctx)
    when, p2 = _when("i", start, end, False)
    sql, params = f"SELECT COUNT(DISTINCT i.key) FROM {t} i WHERE i.indicator = %s{scope}{when}", [
        "training.rotation_trainees", *p1, *p2]
    if levels is not None:
        same_city = "" if place.is_province else " AND l.city = %s"
        sql += (f" AND i.key IN (SELECT l.key FROM {t} l WHERE l.indicator = 'level' AND l.day <= %s AND l.until > %s "
                f"AND l.d1 IN ({', '.join(['%s'] * len(levels))}){same_city})")
        params += [end, end, *levels, *([] if place.is_province else [place.city])]
    return _count(sql, params)


def rotation_trained_cadres(place: Place, start: dt.date, end: dt.date, levels, ctx: Context) -> int:
    """Persons who attended a 专题轮训 in scope in the period and hold, at its end, a relation in scope with one of
    the cadre levels (activities.indicators.rotation_trained_cadres, across cities)."""
    t = connection.ops.quote_name(Item._meta.db_table)
    scope_i, p1 = _scope(place, "i", ctx)
    scope_c, p3 = _scope(place, "c", ctx)
    when, p2 = _when("i", start, end, False)
    return _count(
        f"SELECT COUNT(DISTINCT i.key) FROM {t} i WHERE i.indicator = 'training.rotation_trainees'{scope_i}{when} "
        f"AND i.key IN (SELECT c.key FROM {t} c WHERE c.indicator = 'cadre'{scope_c} AND c.day <= %s AND c.until > %s "
        f"AND c.d1 IN ({', '.join(['%s'] * len(levels))}))",
        [*p1, *p2, *p3, end, end, *levels])


# ---- evaluating -----------------------------------------------------------------------------

class Reader(facts.Reader):
    """The engine's Reader over a place's published facts; the indicators it would read from raw records are
    answered from the published items or declared unavailable."""

    org: Place  # type: ignore[assignment]  # the engine's Reader reads only .kind of it
    ctx: Context  # type: ignore[assignment]  # duck-typed: what the engine's Context offers, over published rows

    def value(self, key):
        i, filters = key.indicator.id, key.effective_filters()
        if i in ITEM_COUNTS:
            return item_count(i, self.org, self.start, self.end, filters, self.ctx)
        if i == "training.rotation_trainees":
            return rotation_trainees(self.org, self.start, self.end, filters.get("cadre_level"), self.ctx)
        if i == "training.rotation_coverage":
            levels = filters.get("cadre_level") or ("市管",)
            den = self.pick(self.snap, "mem", None, levels)[0]
            return round_rate(rotation_trained_cadres(self.org, self.start, self.end, levels, self.ctx), den)
        if i == "dues.payment_rate":
            return payment_rate(self.org, self.start, self.end, self.pick(self.snap, "mem", MEMBER_CATEGORIES)[0],
                                self.ctx.city_codes)
        if i in WINDOW_IDS:
            names = self.ctx.role_names(ActivityRole.THEME_DAY) if i == "orglife.theme_day_compliance" else filters.get("requirement")
            dm = self.windows(names)
            if dm is None:
                return None  # outside the windows every city's facts hold (or a branch): the city answers it
            return dm[0] - dm[1] if i == "orglife.missing" else round_rate(dm[1], dm[0])
        if facts.reads_records(key.indicator, key.filters):
            return None  # read from raw records in a city, not published
        return super().value(key)


def payment_rate(place: Place, start: dt.date, end: dt.date, members_at_end: int, city_codes: list[str]):
    """dues.payment_rate over the published facts (membership.facts.payment_rate's method over a place's rows)."""
    _days, months = period_parts(start, end)
    if months is None:
        return round_rate(0, 0)
    first, last = months
    tail = end.replace(day=1)
    deltas: dict[dt.date, int] = defaultdict(int)
    held, paid = members_at_end, 0
    for city, code in targets(place, city_codes):
        rows = Fact.objects.filter(city=city, code=code)
        paid += sum(rows.filter(grain="m", metric=PAID, day__gte=first, day__lte=last).values_list("n", flat=True))
        for day, n in rows.filter(grain="m", metric="mem", d1__in=MEMBER_CATEGORIES, day__gt=first,
                                  day__lte=last).values_list("day", "n"):
            deltas[day] += n
        if last < tail:
            held -= sum(rows.filter(grain="d", metric="mem", d1__in=MEMBER_CATEGORIES, day__gte=tail,
                                    day__lte=end).values_list("n", flat=True))
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


def compute_grid(asks: list[tuple], user=None) -> list[Answer]:
    """Values for many (place, start, end, keys or None) at once — the province's engine.compute_grid."""
    ctx = Context()
    sums = Sums(ctx.city_codes)
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
    sums.load()
    windowed = [p for p, _s, _e, parsed in items
                if {k.indicator.id for k in parsed} & WINDOW_IDS and p.kind not in REQUIREMENT_KINDS]
    wins = window_rows(windowed, min(i[1] for i in items), max(i[2] for i in items), ctx.city_codes) if windowed else {}
    out = []
    for (place, start, end, parsed), (flow, snap, before) in zip(items, plans, strict=True):
        reader = Reader(place, start, end, ctx, sums.merged(place, flow), sums.merged(place, snap),  # type: ignore[arg-type]
                        wins.get(place.pk, []), None if before is None else sums.merged(place, before))
        answer = Answer({})
        for key in parsed:
            why = UNAVAILABLE.get(key.indicator.id)
            if why is None and any(key.indicator.is_free_text(name) for name in key.filters):
                why = FREE_TEXT_UNAVAILABLE
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
