"""What the indicators emit into the facts and how they read them back (the store itself: store.py).

* Own rows per record source (activities, entries, members, entities, the small ledgers), registered into
  `qingfeng.core.metrics` for the store to build and refresh.
* Distinct-person counts do not add up across months or organizations. We keep them exact by reading
  the raw records for them (they concern small sets: 读书班 and 专题轮训 attendance, rosters,
  assignments, accountability, elections) — measured in docs/benchmarks.md.
* `Reader` evaluates indicators from the rolled-up facts loaded by the store's `Sums`; `compute_grid` asks
  the facts where they are built and the raw records (direct.py) otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from qingfeng.activities.models import Activity, ActivityRole, ActivityType, LectureTeam
from qingfeng.core import metrics
from qingfeng.core.indicators import REGISTRY, Ask, Indicator
from qingfeng.core.metrics import Rows
from qingfeng.discipline.models import Case as DisciplineCase
from qingfeng.discipline.models import Disposition, Recommendation
from qingfeng.indicators import compliance, direct
from qingfeng.indicators.models import Fact, FactState
from qingfeng.indicators.store import (
    ONE_DAY,
    Sums,
    covered_windows,
    flow_ranges,
    snapshot_ranges,
    state,
    window_rows,
)
from qingfeng.membership import facts as lifecycle
from qingfeng.membership.indicators import yuan
from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization

# Indicators read from the raw records (distinct persons or organizations; small record sets).
DIRECT = {
    "study.reading_class_trainees", "lecture.lecturers", "discipline.self_surrender",
    # the member lifecycle (small record sets, computed in qingfeng.membership.indicators)
    "development.applications", "development.in_progress", "development.late_steps",
}

# ---- own rows, per source --------------------------------------------------------------

def activity_values(org_id: int | None = None):
    qs = Activity.objects.all()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    return qs.order_by().values(
        o=F("org_id"), dd=F("date"), k1=Cast("type_id", CharField()), k2=F("channel"),
        k3=Case(When(first_topic=True, then=Value("1")), default=Value("0"), output_field=CharField()),
    ).annotate(c=Count("id"), s=Coalesce(Sum("audience"), 0))


SQL_SOURCES = {"act": activity_values, lifecycle.DUES: lifecycle.dues_values}


def add_small_sources(rows: Rows, org_id: int | None = None) -> None:
    def scoped(qs, field="org_id"):
        return qs.filter(**{field: org_id}) if org_id is not None else qs

    for org, est, gone in scoped(LectureTeam.objects.all()).values_list("org_id", "established_on", "dissolved_on"):
        rows.segment(org, est, gone, "team")
    for org, filed, level in scoped(DisciplineCase.objects.all()).values_list("org_id", "filed_on", "cadre_level"):
        rows.add(org, filed, "case", level)
    for org, day, form in scoped(Disposition.objects.all()).values_list("org_id", "decided_on", "form"):
        rows.add(org, day, "disp", form)
    for org, day in scoped(Recommendation.objects.all()).values_list("org_id", "issued_on"):
        rows.add(org, day, "recm")


# The store builds and refreshes the own rows of every registered source.
for _metric, _source in SQL_SOURCES.items():
    metrics.sql_source(_metric)(_source)
for _source in (add_small_sources, lifecycle.add_rows):
    metrics.row_source(_source)
metrics.people_source(lifecycle.organizations_of)


class Context:
    """What every Reader of one computation shares: the facts' state, activity types and requirements."""

    def __init__(self, st: FactState | None):
        self.state = st
        self._types: dict[str, str] | None = None
        self._requirements: dict = {}
        self._supervision: tuple[str, ...] | None = None
        self._memo: dict = {}

    def memo(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def types(self) -> dict[str, str]:
        if self._types is None:
            self._types = {name: str(pk) for pk, name in ActivityType.objects.values_list("pk", "name")}
        return self._types

    def requirements(self, names) -> list:
        key = None if names is None else tuple(names)
        if key not in self._requirements:
            self._requirements[key] = compliance.active_requirements(names)
        return self._requirements[key]

    def role_ids(self, role: str) -> set[str]:
        """The id (as the facts key it) of the activity type holding `role`."""
        key = ("role", role)
        if key not in self._requirements:
            self._requirements[key] = {str(pk) for pk in ActivityType.objects.filter(role=role).values_list("pk", flat=True)}
        return self._requirements[key]

    def role_names(self, role: str) -> tuple[str, ...]:
        key = ("role names", role)
        if key not in self._requirements:
            self._requirements[key] = direct.role_names(role)
        return self._requirements[key]

    def supervision_types(self) -> tuple[str, ...]:
        if self._supervision is None:
            self._supervision = tuple(ActivityType.objects.filter(is_supervision=True).values_list("name", flat=True))
        return self._supervision



WINDOW_KEYS = {"orglife.compliance", "orglife.theme_day_compliance", "orglife.missing"}


# The fact metrics each indicator reads (the compliance ones read the window rows); an id not listed reads all.
USES = {
    "activities.count": {"act"},
    "study.first_topic_rate": {"act"}, "study.reading_classes": {"act"}, "lecture.teams": {"team"},
    "training.rotation_coverage": {"mem"}, "training.rotation_trainees": set(),
    "lecture.events": {"act"}, "lecture.audience": {"act"}, "orglife.compliance": set(),
    "orglife.theme_day_compliance": set(), "orglife.missing": set(), "supervision.rounds": {"act"}, "discipline.cases_filed": {"case"}, "discipline.four_forms": {"disp"},
    "discipline.recommendations": {"recm"}, "discipline.warning_sessions": {"act"},
    "discipline.warning_audience": {"act"},
    "members.lapsed": {"lapse"}, "dues.payment_rate": {"mem"}, "dues.collected": {lifecycle.DUES},
}


# Metrics of the sources not yet declared beside their records (qingfeng.core.metrics.declare holds the others).
LEGACY_FLOWS = {"act", "case", "disp", "recm", lifecycle.DUES}
LEGACY_SNAPSHOTS = {"team", "lapse"}


def flow_metrics() -> frozenset[str]:
    return frozenset(LEGACY_FLOWS) | metrics.flows()


def snapshot_metrics() -> frozenset[str]:
    return frozenset(LEGACY_SNAPSHOTS) | metrics.snapshots()


def reads_records(indicator: Indicator) -> bool:
    """Whether an indicator is answered from the raw records (distinct persons), not from the facts."""
    return indicator.id in DIRECT or (indicator.facts is None and indicator.records is not None)


def _reads(indicator: Indicator) -> set[str]:
    if indicator.facts is not None:
        return set(indicator.reads)
    return USES.get(indicator.id, flow_metrics() | snapshot_metrics())


def metrics_for(ids: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(flow metrics, snapshot metrics) these indicators read: only those are fetched."""
    used: set[str] = set()
    for i in ids:
        used |= _reads(REGISTRY[i])
    flows, snaps = flow_metrics(), snapshot_metrics()
    return frozenset(used & flows), frozenset(used & snaps)


def before_metrics(ids: set[str]) -> frozenset[str]:
    """The snapshot metrics these indicators read at the day before their period."""
    used: set[str] = set()
    for i in ids:
        used |= REGISTRY[i].reads_before
    return frozenset(used)


def readers(items: list[tuple], ctx: Context) -> list[Reader]:
    """A Reader for each (organization, start, end, parsed keys), all loaded in a handful of queries; each
    reads only the metrics its indicators use."""
    sums = Sums()
    flows_, snaps, befores = [], [], []
    windowed: set[int] = set()
    for org, start, end, parsed in items:
        ids = {k.indicator.id for k in parsed if not reads_records(k.indicator)}
        flows, snapshots = metrics_for(ids)
        flows_.append(sums.want(org.pk, flow_ranges(start, end), flows) if flows else [])
        snaps.append(sums.want(org.pk, snapshot_ranges(end), snapshots) if snapshots else [])
        before_metrics_ = before_metrics(ids)
        befores.append(sums.want(org.pk, snapshot_ranges(start - ONE_DAY), before_metrics_) if before_metrics_ else None)
        if ids & WINDOW_KEYS and org.kind not in REQUIREMENT_KINDS:
            windowed.add(org.pk)
    sums.load()
    wins: dict[int, list[tuple]] = {}
    if windowed:
        wins = window_rows(windowed, min(i[1] for i in items), max(i[2] for i in items))
    return [Reader(org, start, end, ctx, sums.merged(org.pk, flows_[n]), sums.merged(org.pk, snaps[n]),
                   wins.get(org.pk, []), None if befores[n] is None else sums.merged(org.pk, befores[n]))
            for n, (org, start, end, _parsed) in enumerate(items)]


class Question:
    """One indicator's question to the facts (qingfeng.core.indicators.FactsQuestion): a Reader's organization and
    period, with the key's filters."""

    def __init__(self, reader: Reader, indicator: Indicator, filters: dict[str, tuple[str, ...]]):
        self.reader, self.indicator, self.filters = reader, indicator, filters
        self.org, self.start, self.end = reader.org, reader.start, reader.end

    def get(self, name: str) -> tuple[str, ...] | None:
        return self.filters.get(name)

    def flow(self, metric: str, d1=None, d2=None, d3=None) -> tuple[int, int]:
        return self.reader.pick(self.reader.flow, metric, d1, d2, d3)

    def snap(self, metric: str, d1=None, d2=None, d3=None) -> tuple[int, int]:
        return self.reader.pick(self.reader.snap, metric, d1, d2, d3)

    def before(self, metric: str, d1=None, d2=None, d3=None) -> tuple[int, int]:
        return self.reader.pick(self.reader._before or {}, metric, d1, d2, d3)

    def windows(self, requirements) -> tuple[int, int] | None:
        return self.reader.windows(requirements)

    def monthly(self, metric_names: Iterable[str], first: dt.date, last: dt.date,
                days_from: dt.date | None = None) -> list[tuple]:
        return self.reader.monthly(metric_names, first, last, days_from)

    def type_keys(self, names: Iterable[str] | None = None, role: str | None = None) -> set[str] | None:
        if role is not None:
            return self.reader.ctx.role_ids(role)
        return None if names is None else self.reader.type_ids(names)

    def type_names(self, role: str | None = None, supervision: bool = False) -> tuple[str, ...]:
        return self.reader.ctx.supervision_types() if supervision else self.reader.ctx.role_names(role)

    def memo(self, key, compute):
        return self.reader.ctx.memo(key, compute)

    def ask(self) -> Ask:
        return Ask(self.org, self.start, self.end, dict(self.filters))

    def from_records(self):
        return self.reader.from_records(self)


class Reader:
    """Evaluates indicators from the rolled-up facts of one organization and period (loaded by `readers`)."""

    def __init__(self, org: Organization, start: dt.date, end: dt.date, ctx: Context, flow: dict, snap: dict,
                 win_rows: list[tuple], before: dict | None):
        self.org, self.start, self.end, self.ctx = org, start, end, ctx
        self.flow, self.snap, self.win_rows, self._before = flow, snap, win_rows, before

    def ask(self, key) -> direct.Ask:
        return direct.Ask(self.org, self.start, self.end, key.effective_filters())

    def type_ids(self, names) -> set[str]:
        t = self.ctx.types()
        return {t[n] for n in names if n in t}

    @staticmethod
    def pick(source: dict, metric: str, d1=None, d2=None, d3=None) -> tuple[int, int]:
        n = total = 0
        for a, b, c, x, y in source.get(metric, ()):
            if (d1 is None or a in d1) and (d2 is None or b in d2) and (d3 is None or c in d3):
                n += x
                total += y
        return n, total

    def activities(self, types=None, channel=None, first_topic=None, role=None) -> tuple[int, int]:
        ids = self.ctx.role_ids(role) if role is not None else None if types is None else self.type_ids(types)
        return self.pick(self.flow, "act", ids, direct.channel_values(channel), first_topic)

    def windows(self, names) -> tuple[int, int] | None:
        """(due, met), or None when the period has windows outside the materialized span."""
        if self.org.kind in REQUIREMENT_KINDS:
            return None
        wanted = covered_windows(self.ctx.state, self.ctx.requirements(names), self.start, self.end)
        if wanted is None:
            return None
        due = met = 0
        for d1, d2, day, n, total in self.win_rows:
            if self.start <= day <= self.end and (d1, d2, day) in wanted:
                due += n
                met += total
        return due, met

    def monthly(self, metric_names: Iterable[str], first: dt.date, last: dt.date,
                days_from: dt.date | None = None) -> list[tuple]:
        """Rows (grain, metric, day, d1, n, total) of this organization's facts: month grain for months first ..
        last, day grain from `days_from` to the period's end when given."""
        wanted = Q(grain="m", metric__in=list(metric_names), day__gte=first, day__lte=last)
        if days_from is not None:
            wanted |= Q(grain="d", metric__in=list(metric_names), day__gte=days_from, day__lte=self.end)
        return list(Fact.objects.filter(org=self.org).filter(wanted).values_list("grain", "metric", "day", "d1")
                    .annotate(n=Sum("n"), s=Sum("total")).order_by())

    def from_records(self, question: Question):
        return direct.value(question.indicator.id, question.ask())

    def value(self, key) -> int | float | None:
        """The value of one parsed key: its indicator's declared reader of the facts."""
        indicator = key.indicator
        if indicator.facts is not None:
            return indicator.facts(Question(self, indicator, key.effective_filters()))
        return self.legacy_value(key)

    def legacy_value(self, key) -> int | float | None:  # noqa: C901 — ids not yet declared beside their records
        i, f = key.indicator.id, key.effective_filters().get
        if i == "activities.count":
            return self.activities(f("type"), f("channel"))[0]
        if i == "study.first_topic_rate":
            den = self.activities(role=ActivityRole.FIRST_TOPIC)[0]
            return direct.round_rate(self.activities(role=ActivityRole.FIRST_TOPIC, first_topic={"1"})[0], den)
        if i == "study.reading_classes":
            return self.activities(role=ActivityRole.READING_CLASS)[0]
        if i == "lecture.teams":
            return self.pick(self.snap, "team")[0]
        if i == "training.rotation_coverage":
            levels = f("cadre_level")
            den = self.pick(self.snap, "mem", None, levels)[0]
            return direct.round_rate(direct.rotation_trained_cadre_count(self.ask(key)), den)
        if i == "training.rotation_trainees":
            return direct.rotation_trainee_count(self.ask(key))
        if i == "lecture.events":
            return self.activities(channel=f("channel"), role=ActivityRole.LECTURE)[0]
        if i == "lecture.audience":
            return self.activities(channel=f("channel"), role=ActivityRole.LECTURE)[1]
        if i in ("orglife.compliance", "orglife.theme_day_compliance", "orglife.missing"):
            names = self.ctx.role_names(ActivityRole.THEME_DAY) if i == "orglife.theme_day_compliance" else f("requirement")
            dm = self.windows(names)
            if dm is None:
                return direct.value(i, direct.Ask(self.org, self.start, self.end, key.effective_filters()))
            return dm[0] - dm[1] if i == "orglife.missing" else direct.round_rate(dm[1], dm[0])
        if i == "supervision.rounds":
            names = f("type") or self.ctx.supervision_types()
            return self.activities(names)[0]
        if i == "discipline.cases_filed":
            return self.pick(self.flow, "case", f("cadre_level"))[0]
        if i == "discipline.four_forms":
            return self.pick(self.flow, "disp", f("form"))[0]
        if i == "discipline.recommendations":
            return self.pick(self.flow, "recm")[0]
        if i == "discipline.warning_sessions":
            return self.activities(role=ActivityRole.WARNING_EDUCATION)[0]
        if i == "discipline.warning_audience":
            return self.activities(role=ActivityRole.WARNING_EDUCATION)[1]
        if i == "members.lapsed":
            return self.pick(self.snap, lifecycle.LAPSE)[0]
        if i == "dues.collected":  # fen summed, then rounded to yuan
            return yuan(self.pick(self.flow, lifecycle.DUES)[1])
        if i == "dues.payment_rate":  # the members at `end`, worked back over the whole months of the period
            members = self.pick(self.snap, "mem", lifecycle.MEMBER_CATEGORIES)[0]
            return lifecycle.payment_rate(self.org, self.start, self.end, members)
        raise KeyError(i)


def compute_grid(items: list[tuple]) -> list[dict]:
    """Values for many (organization, start, end, parsed keys) at once: the facts of all of them are read in
    a handful of queries; the distinct-person indicators (DIRECT) and everything before the facts are built
    come from the raw records."""
    ctx = Context(state())
    built = ctx.state is not None
    from_facts = [n for n, item in enumerate(items) if built and any(not reads_records(k.indicator) for k in item[3])]
    loaded = dict(zip(from_facts, readers([items[n] for n in from_facts], ctx), strict=True)) if from_facts else {}
    out = []
    for n, (org, start, end, parsed) in enumerate(items):
        values: dict = {}
        for key in parsed:
            if n in loaded and not reads_records(key.indicator):
                values[key.text] = loaded[n].value(key)
            else:
                values[key.text] = direct.value(key.indicator.id, direct.Ask(org, start, end, key.effective_filters()))
        out.append(values)
    return out


def compute_keys(org: Organization, start: dt.date, end: dt.date, parsed) -> dict:
    """Values for parsed keys: from the facts when they have been built, else from the raw records."""
    return compute_grid([(org, start, end, parsed)])[0]
