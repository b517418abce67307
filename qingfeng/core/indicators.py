"""Indicators as declarations: each app states the indicators its records make, beside its models, in
`<app>/indicators.py`, and registers them here; the indicators engine (qingfeng.indicators) iterates the registry
and never names an indicator (Zulip's analytics `CountStat` is the shape).

One `Indicator` carries everything about one id of spec/indicators.md:

* its catalogue entry: Chinese name, kind (snapshot, flow, rate), section, filters and their values, whether it is
  restricted to the discipline roles, default filter values;
* `reads`: the fact metrics (qingfeng.core.metrics) its facts reader reads;
* `facts`: its value from the rolled-up facts, given a `FactsQuestion` (one organization, one period, the key's
  filters) — or None when it is read from the records (distinct persons);
* `records`: its direct computation from the raw records as `Parts` (the record sets behind the value, which are
  also its drill-through). The property test checks facts == records on random data.

The kernel holds the vocabulary (this module and qingfeng.core.metrics); declaring never imports the derived layer.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db.models import Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from qingfeng.orgs.models import Organization

# The catalogue's sections, in the order pages list them (an indicator of a section not listed comes last).
SECTIONS = ("orgs", "coverage", "study", "lecture", "orglife", "grassroots", "supervision", "service", "discipline",
            "burden")

Value = int | float | None
# One row of a drill-through: its cells (text, numbers, days, None), as the columns name them.
Row = Sequence[object]
# Values of a fact dimension (d1, d2, d3) a reader keeps; None: any.
DimValues = Collection[str] | None
# A row of FactsQuestion.monthly: (grain, metric, day, d1, n, total).
MonthlyRow = tuple[str, str, dt.date, str, int, int]

T = TypeVar("T")
M = TypeVar("M", bound=Model)
R = TypeVar("R")
QS = TypeVar("QS", bound="QuerySet[Any]")  # a model's own QuerySet class, kept through the filter


class FreeText:
    """A filter whose values are any words the user types (专题: a campaign is named by whoever records it): not a
    dimension of the facts, so a key that uses it is answered from the records."""

    max_length = 50

    def __repr__(self) -> str:
        return "FREE_TEXT"


FREE_TEXT = FreeText()

# A filter's allowed values: a fixed tuple, a function giving them from the data (activity types, requirements), or
# FREE_TEXT.
Choices = tuple[str, ...] | Callable[[], Iterable[str]] | FreeText


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # Chinese, as in the spec (marked for translation where it is declared)
    kind: str  # "snapshot" | "flow" | "rate"
    section: str
    filters: dict[str, Choices] = field(default_factory=dict)
    restricted: bool = False
    # Filter values used when the key gives none (training.rotation_coverage: 市管).
    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reads: frozenset[str] = frozenset()  # fact metrics read by `facts` (a snapshot at the period's end, a flow over it)
    reads_before: frozenset[str] = frozenset()  # snapshot metrics read at the day before the period
    facts: Callable[[FactsQuestion], Value] | None = None
    records: Callable[[Ask], Parts] | None = None
    required: frozenset[str] = frozenset()  # filters a key must give (activities.campaign_count: campaign)

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    def is_free_text(self, name: str) -> bool:
        return isinstance(self.filters[name], FreeText)

    def choices(self, name: str) -> tuple[str, ...]:
        """The values a filter accepts; none are listed for a free-text filter (any words are)."""
        values = self.filters[name]
        if isinstance(values, FreeText):
            return ()
        return tuple(values() if callable(values) else values)


REGISTRY: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    """Add indicators to the catalogue (an app's indicators.py calls this once, at import). The catalogue stays in
    section order, and in the order of declaration within a section."""
    declared = list(REGISTRY.values())
    for ind in indicators:
        if REGISTRY.get(ind.id, ind) is not ind:
            raise ValueError(f"indicator {ind.id!r} is declared twice")
        if ind.id not in REGISTRY:
            declared.append(ind)
    rank = {s: n for n, s in enumerate(SECTIONS)}
    declared.sort(key=lambda i: rank.get(i.section, len(rank)))
    REGISTRY.clear()
    REGISTRY.update((i.id, i) for i in declared)


# ---- questions and answers -------------------------------------------------------------------

@dataclass
class Ask:
    """One question to the records: an organization's subtree, a period [start, end], and filter values."""

    org: Organization
    start: dt.date
    end: dt.date
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Only the organization's own records, not its descendants' (the benchmark's naive per-organization loop).
    exact: bool = False

    @property
    def prefix(self) -> str:
        return self.org.path

    def get(self, name: str) -> tuple[str, ...] | None:
        return self.filters.get(name)


class FactsQuestion(Protocol):
    """What an indicator's `facts` function is given: one organization and period, read from the rolled-up facts
    (qingfeng.indicators.facts builds it), with the key's filters."""

    org: Organization
    start: dt.date
    end: dt.date

    def get(self, name: str) -> tuple[str, ...] | None: ...

    def flow(self, metric: str, d1: DimValues = None, d2: DimValues = None,
             d3: DimValues = None) -> tuple[int, int]:
        """(n, total) of a flow metric over the period, the dimensions restricted to these values (None: any)."""

    def snap(self, metric: str, d1: DimValues = None, d2: DimValues = None,
             d3: DimValues = None) -> tuple[int, int]:
        """(n, total) of a snapshot metric at the period's end."""

    def before(self, metric: str, d1: DimValues = None, d2: DimValues = None,
               d3: DimValues = None) -> tuple[int, int]:
        """(n, total) of a snapshot metric (in `reads_before`) at the day before the period."""

    def windows(self, names: Iterable[str] | None) -> tuple[int, int] | None:
        """(due, met) compliance windows of the requirements of these activity types (None: every requirement), or
        None when the facts do not hold them (reads: qingfeng.core.metrics.WINDOWS)."""

    def monthly(self, metrics: Iterable[str], first: dt.date, last: dt.date,
                days_from: dt.date | None = None) -> list[MonthlyRow]:
        """Rows (grain, metric, day, d1, n, total) of this organization: month grain for months first .. last, and
        day grain from `days_from` to the period's end when given."""

    def type_keys(self, names: Iterable[str] | None = None, role: str | None = None) -> set[str] | None:
        """The activity types (by name, or the one holding `role`) as the facts key them in d1; None: any."""

    def type_names(self, role: str | None = None, supervision: bool = False) -> tuple[str, ...]:
        """Names of the activity types holding `role`, or of the supervision types."""

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value shared by every question of one computation (activity types by name, requirements …)."""

    def ask(self) -> Ask:
        """The same question to the records."""

    def from_records(self) -> Value:
        """The value from the raw records (for periods the facts do not cover)."""


def round_rate(num: int, den: int) -> float | None:
    """num/den as a percentage, exact, rounded half away from zero to one decimal; None when den is 0."""
    if not den:
        return None
    q = Fraction(num * 100, den) * 10
    sign = -1 if q < 0 else 1
    q = abs(q)
    whole = q.numerator // q.denominator
    if (q - whole) * 2 >= 1:
        whole += 1
    return sign * whole / 10


# ---- record sets: what a value is made of, and its drill-through -------------------------------

@dataclass
class RecordSet:
    """Records behind (part of) a value: how to list them and how they add up."""

    model: str
    columns: list[str]
    rows: Callable[[], Iterable[Row]]
    value: Callable[[], int]
    # How many rows it lists, when its value is not their count (受益人数 sums the items' beneficiaries).
    count: Callable[[], int] | None = None

    def __post_init__(self) -> None:
        # A page asks a set's size more than once (the value, then each block's count): count once.
        count = self.value
        self.value = functools.cache(count)
        if self.count is not None:
            self.count = functools.cache(self.count)

    def size(self) -> int:
        """How many records it lists."""
        return self.count() if self.count is not None else int(self.value() or 0)

    def slice(self, start: int, stop: int) -> list[Row]:
        """Rows start .. stop-1 (one page of the drill-through). A row builder reading its records through
        `stream` reads only those rows (OFFSET/LIMIT on its ordered queryset), so page 400 of a list of
        hundreds of thousands costs what page 1 does; one listing rows from memory is sliced as it is."""
        if stop <= start:
            return []
        window = _Window(start, stop - start)
        token = _WINDOW.set(window)
        try:
            rows = iter(self.rows())
            first = next(rows, None)
            if first is None:
                return []
            if window.used:  # the builder's queries began at `start`
                return [first, *itertools.islice(rows, stop - start - 1)]
            return list(itertools.islice(itertools.chain([first], rows), start, stop))
        finally:
            _WINDOW.reset(token)

    def head(self, n: int) -> list[Row]:
        """The first n rows, reading no more of the database than those (a page shows the head of a list
        that may hold hundreds of thousands of records; an export reads them all, streamed)."""
        return self.slice(0, n)


class _Window:
    """The rows a page asks of a record set: `skip` records to pass over, then `take` to read. Each `stream`
    call of a row builder reads its part of the window with OFFSET/LIMIT; a builder listing several querysets
    one after another passes over the whole of those ending before the window (counted, not read)."""

    def __init__(self, skip: int, take: int):
        self.skip, self.take, self.used = skip, take, False

    def read(self, qs: QuerySet[M, R]) -> list[R]:
        self.used = True
        if self.take <= 0:
            return []
        got = list(qs[self.skip:self.skip + self.take])
        if got:
            self.skip, self.take = 0, self.take - len(got)
        elif self.skip:
            self.skip = max(0, self.skip - qs.count())
        return got


@dataclass
class Parts:
    """What makes up one value: a single record set, or a numerator and a denominator."""

    records: RecordSet | None = None
    numerator: RecordSet | None = None
    denominator: RecordSet | None = None
    # For a rate whose numerator is not a plain count of the numerator's rows (报表精简率).
    rate_value: Callable[[], float | None] | None = None

    def value(self) -> Value:
        if self.rate_value is not None:
            return self.rate_value()
        if self.records is not None:
            return self.records.value()
        numerator, denominator = self.rate()
        return round_rate(numerator.value(), denominator.value())

    def rate(self) -> tuple[RecordSet, RecordSet]:
        """A rate's numerator and denominator (what a Parts without `records` holds)."""
        assert self.numerator is not None and self.denominator is not None
        return self.numerator, self.denominator


_WINDOW: ContextVar[_Window | None] = ContextVar("record_window", default=None)


def stream(qs: QuerySet[M, R]) -> Iterable[R]:
    """An ordered queryset's records for a row builder, one row per record: only those of the page while
    RecordSet.slice or head asks for one, otherwise all of them, streamed in chunks (an export)."""
    window = _WINDOW.get()
    return window.read(qs) if window is not None else qs.iterator(chunk_size=500)


# ---- query helpers of the direct computations --------------------------------------------------

def within(qs: QS, ask: Ask, field: str = "org") -> QS:
    """Records of the asked subtree (field: the organization foreign key; "" for organizations themselves)."""
    if ask.exact:
        return qs.filter(**{field or "pk": ask.org.pk})
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return qs.filter(**{lookup: ask.prefix})


def between(qs: QS, ask: Ask, field: str) -> QS:
    return qs.filter(**{f"{field}__gte": ask.start, f"{field}__lte": ask.end})


def active_on(qs: QS, day: dt.date, start: str, end: str) -> QS:
    """Rows whose [start, end) holds on `day` (an empty start: since ever; an empty end: still)."""
    return qs.filter(Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day})
    )


def distinct_count(qs: QuerySet[M, R], field: str) -> int:
    return qs.values(field).distinct().count()


def total(qs: QuerySet[M, R], field: str) -> int:
    """The sum of an integer field over the records (0 for none)."""
    summed: int = qs.aggregate(s=Coalesce(Sum(field), 0))["s"]
    return summed


# ---- the compliance windows the fact store keeps -------------------------------------------------

# (due, met, missed) windows as record sets.
WindowSets = tuple[RecordSet, RecordSet, RecordSet]
# The requirements are activities.Requirement rows; the kernel passes them through to the store without reading them.
WindowStore = Callable[[Ask, list[Model]], WindowSets | None]
_window_stores: list[WindowStore] = []


def window_store(func: WindowStore) -> WindowStore:
    """Register where the due compliance windows are kept (the fact store does, at start-up): a function of an ask
    and the requirements giving (due, met, missed) record sets, or None when it does not hold the period."""
    if func not in _window_stores:
        _window_stores.append(func)
    return func


def stored_windows(ask: Ask, requirements: Sequence[Model]) -> WindowSets | None:
    """The due, met and missed windows of these requirements in the asked subtree as kept by the fact store (a
    city's thousands of branches listed at once, not recomputed from every activity), or None."""
    wanted = list(requirements)
    for store in _window_stores:
        found = store(ask, wanted)
        if found is not None:
            return found
    return None


def local_day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi
