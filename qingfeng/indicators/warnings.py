"""Warnings (预警) for an organization's subtree on a day: what needs someone's attention now.

Red: something is late. Yellow: something is due within days, or does not fit the codified rules
(reference/domain-research.md §1.2: a branch needs 3 正式党员, holds at most 50 members, and an
organization of 100 members or more should be a 党委).

At city scale a subtree has tens of thousands of warnings (every unmet compliance window of every
branch), while a page shows 50 and the cockpit card 12. So each kind yields plain rows — the sort key
(severity, due, organization path, kind) and what it takes to write the warning — read with
`values_list`, and `warning_list()` builds `Warning` objects (organization, message, URL) only for the
rows asked for. The unmet compliance windows are not even read for counting: the rolled-up window facts
count them, and only the first ones in order are read (`_Meetings`). `warnings_for()` builds them all."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, overload

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.core.dates import add_years
from qingfeng.entities.indicators import entities_at
from qingfeng.entities.models import CoverageMode
from qingfeng.indicators import compliance, direct, sizes
from qingfeng.indicators.sizes import BRANCH_MAX, BRANCH_MIN_FULL, COMMITTEE_MIN  # noqa: F401 — the rules' numbers
from qingfeng.orgs.models import BRANCH_KINDS, REQUIREMENT_KINDS, Election, Kind, Organization
from qingfeng.people.indicators import full_on_q
from qingfeng.people.models import Relation
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding

if TYPE_CHECKING:
    from qingfeng.indicators.engine import Viewer

RED, YELLOW = "red", "yellow"
SOON = dt.timedelta(days=7)
ELECTION_NOTICE = dt.timedelta(days=90)

KINDS = {
    "meetings": gettext_lazy("应开未开"),
    "findings": gettext_lazy("问题整改逾期或临期"),
    "elections": gettext_lazy("应换届未换届"),
    "service": gettext_lazy("办实事逾期"),
    "coverage": gettext_lazy("两新组织未覆盖"),
    "oversize": gettext_lazy("支部党员超过50人"),
    "setup": gettext_lazy("组织类别与规模不符"),
}


@dataclass(frozen=True)
class Warning:  # noqa: A001 — the contract's name; never confused with the builtin here
    kind: str
    severity: str  # "red" | "yellow"
    org: Organization
    message: str
    url: str
    due: dt.date | None = None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


# A row: (severity is not red, due or date.max, organization path, kind, severity, organization id, due,
# maker, args). The first four are the sort key; maker(*args) gives (message, url) when the warning is built.
SORT_KEY = itemgetter(0, 1, 2, 3)
Maker = Callable[..., tuple[str, str]]  # maker(urls, *args) → (message, url)
Row = tuple[bool, dt.date, str, str, str, int, dt.date | None, Maker, tuple[object, ...]]
Tally = Counter[tuple[str, str]]  # how many warnings of each (kind, severity)
ChildOf = Callable[[str], int | None]  # the child of the subtree's root holding a path, if any
DueKey = tuple[bool, dt.date]  # (not red, last day of the window): a meeting warning's sort key
# An unmet-window fact as WINDOW_FIELDS reads it: (id, organization id, path, code, type id, cadence, first day).
WindowFact = tuple[int, int, str, str, str, str, dt.date]


def _row(kind: str, severity: str, org_id: int, path: str, due: dt.date | None, maker: Maker, *args: object) -> Row:
    return (severity != RED, due or dt.date.max, path, kind, severity, org_id, due, maker, args)


class _Urls:
    """reverse() once per (name, argument): a branch's calendar is the link of all its missed windows."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, object], str] = {}

    def __call__(self, name: str, arg: object) -> str:
        url = self.cache.get((name, arg))
        if url is None:
            url = self.cache[(name, arg)] = reverse(name, args=[arg])
        return url


class _Rows:
    """The rows of one kind, all read: sorted by the sort key, in the kind's own order among equals."""

    def __init__(self, rows: list[Row]):
        self.rows = sorted(rows, key=SORT_KEY)
        self.counts: Tally = Counter((r[3], r[4]) for r in self.rows)

    def first(self, n: int | None) -> list[Row]:
        return self.rows if n is None else self.rows[:n]

    def counts_below(self, child_of: ChildOf) -> dict[int, Tally]:
        out: dict[int, Tally] = {}
        for r in self.rows:
            child = child_of(r[2])
            if child is not None:
                out.setdefault(child, Counter())[(r[3], r[4])] += 1
        return out


class WarningList(Sequence["Warning"]):
    """Every warning of a subtree, sorted (red first, then by due date, organization path, kind), built on
    demand: len(), counts() and slicing cost only what is shown. Pages and Paginator take it as a list.

    Its parts are the kinds (no two kinds share a sort key), each giving its first n rows in order."""

    def __init__(self, parts: list[_Rows | _Meetings | _Sizes]):
        self.parts = parts
        self.urls = _Urls()

    def __len__(self) -> int:
        return sum(self.counts().values())

    def counts(self) -> Tally:
        """How many warnings of each (kind, severity)."""
        total: Tally = Counter()
        for part in self.parts:
            total.update(part.counts)
        return total

    def counts_below(self, org: Organization, children: list[Organization]) -> dict[int, Tally]:
        """How many warnings of each (kind, severity) in the subtree of each of these children of `org` — what
        warning_list(child).counts() gives, from the rows and facts already read for `org`."""
        by_code = {c.code: c.pk for c in children}

        def child_of(path: str) -> int | None:
            return by_code.get(path[len(org.path):].split("/", 1)[0]) if path.startswith(org.path) else None

        total: dict[int, Tally] = {c.pk: Counter() for c in children}
        for part in self.parts:
            for pk, tally in part.counts_below(child_of, children).items() if isinstance(part, _Meetings | _Sizes) \
                    else part.counts_below(child_of).items():
                total[pk].update(tally)
        return total

    def rows(self, n: int | None = None) -> list[Row]:
        """The first n rows (all: None), merged from the parts' first n. Warnings without a due day come after every
        dated one: when the dated ones fill the n, the parts listing only undated ones are not read."""
        parts = self.parts
        if n is not None and sum(c for (kind, _s), c in self.counts().items() if kind not in UNDATED) >= n:
            parts = [part for part in parts if not getattr(part, "undated", False)]
        merged = heapq.merge(*(part.first(n) for part in parts), key=SORT_KEY)
        return list(merged if n is None else itertools.islice(merged, n))

    @overload
    def __getitem__(self, index: int) -> Warning: ...

    @overload
    def __getitem__(self, index: slice) -> list[Warning]: ...

    def __getitem__(self, index: int | slice) -> Warning | list[Warning]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1 and (index.start or 0) >= 0 and (index.stop is None or index.stop >= 0):
                return self.build(self.rows(stop)[start:stop])
            return self.build(self.rows()[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.build(self.rows(index + 1)[index:])[0]

    def __iter__(self) -> Iterator[Warning]:
        rows, step = self.rows(), 5000
        for i in range(0, len(rows), step):
            yield from self.build(rows[i:i + step])

    def build(self, rows: list[Row]) -> list[Warning]:
        orgs = Organization.objects.in_bulk({r[5] for r in rows})
        out = []
        for _red, _due, _path, kind, severity, org_id, due, maker, args in rows:
            message, url = maker(self.urls, *args)
            out.append(Warning(kind, severity, orgs[org_id], message, url, due))
        return out


# ---- meetings (应开未开) ----------------------------------------------------------------

def _window_ends(on: dt.date) -> Q:
    """Per cadence, a filter on window starts keeping every window that can warn on `on`.

    A row's window is the first calendar window starting on or after its day, so its end grows with its
    day: it ended before `on` exactly when the day is at most the last start of a window that did (red), and
    a later day up to `on` falls in the window holding `on` (yellow only when that ends within a week)."""
    lo, hi = dt.date(on.year - 1, 1, 1), dt.date(on.year, 12, 31)
    q = Q(day__lte=on) & ~Q(d2__in=list(compliance.CADENCE_MONTHS))  # unknown cadences: as before
    for cadence in compliance.CADENCE_MONTHS:
        windows = compliance.window_starts(cadence, lo, hi)
        ended = [ws for ws, we in windows if we < on]
        last = ended[-1] if ended else None
        current = next((we for ws, we in windows if we >= on), None)
        if last is not None:
            q |= Q(d2=cadence, day__lte=last)
        if current is not None and current - on <= SOON:
            q |= Q(d2=cadence, day__lte=on) & (Q(day__gt=last) if last is not None else Q())
    return q


def _meeting_message(urls: _Urls, code: str, requirement: str, ws: dt.date, we: dt.date,
                     red: bool) -> tuple[str, str]:
    from qingfeng.activities.models import ActivityType

    requirement = ActivityType.display_name(requirement)
    if red:
        message = _("%(req)s：%(start)s 至 %(end)s 应开未开") % {"req": requirement, "start": ws, "end": we}
    else:
        message = _("%(req)s：本期 %(end)s 截止，尚未召开") % {"req": requirement, "end": we}
    return message, urls("activities:calendar", code)


def _meeting_span(on: dt.date) -> tuple[dt.date, dt.date]:
    """Windows of last year and this year."""
    return dt.date(on.year - 1, 1, 1), dt.date(on.year, 12, 31)


def _meeting_severity(on: dt.date, ws: dt.date, we: dt.date) -> str | None:
    """Ended unmet (red), or the current window ending within a week (yellow); otherwise no warning."""
    if ws > on:
        return None
    if we < on:
        return RED
    if we - on <= SOON:
        return YELLOW
    return None


def _facts_cover(start: dt.date, end: dt.date) -> bool:
    from qingfeng.indicators import store

    st = store.state()
    return (st is not None and st.windows_from is not None and st.windows_to is not None
            and st.windows_from <= start and end <= st.windows_to)


class _WindowEnds(dict[tuple[str, dt.date], dt.date]):
    """The last day of the window a compliance fact's day stands for (see compliance.window_starts)."""

    def __missing__(self, key: tuple[str, dt.date]) -> dt.date:
        cadence, ws = key
        we = self[key] = compliance.window_starts(cadence, ws, dt.date(ws.year + 1, 12, 31))[0][1]
        return we


WINDOW_FIELDS = ("id", "org_id", "org__path", "org__code", "d1", "d2", "day")


def _window_rows(facts_rows: list[WindowFact], on: dt.date, ends: _WindowEnds) -> list[Row]:
    """Rows of unmet-window facts (WINDOW_FIELDS) that warn on `on`, in requirement order (as computed from
    the records): a branch's windows ending the same day follow the order of the requirements."""
    from qingfeng.activities.models import ActivityType, Requirement

    names = dict(ActivityType.objects.values_list("pk", "name"))
    rank = {str(t): i for i, t in enumerate(Requirement.objects.order_by("activity_type__sort", "id").values_list(
        "activity_type_id", flat=True))}
    out = []
    for _id, org_id, path, code, type_id, cadence, ws in sorted(facts_rows, key=lambda r: (rank.get(r[4], len(rank)),
                                                                                           r[0])):
        we = ends[(cadence, ws)]
        severity = _meeting_severity(on, ws, we)
        if severity is not None:
            out.append(_row("meetings", severity, org_id, path, we, _meeting_message, code,
                            names.get(int(type_id), type_id), ws, we, severity == RED))
    return out


def _meetings(org: Organization, on: dt.date) -> list[Row]:
    """Every meeting warning of the subtree: from the compliance facts (one row per branch and window) when
    they cover the span; otherwise computed from the records."""
    from qingfeng.indicators.models import OwnFact

    start, end = _meeting_span(on)
    if _facts_cover(start, end):
        unmet = OwnFact.objects.filter(metric="win", total=0, org__path__startswith=org.path, day__gte=start,
                                       day__lte=end).filter(_window_ends(on))
        return _window_rows(list(unmet.order_by().values_list(*WINDOW_FIELDS)), on, _WindowEnds())
    branches = {b.pk: b for b in compliance.requirement_branches(org, start, end)}
    out = []
    for w in compliance.windows_for_branches(list(branches.values()), compliance.active_requirements(), start, end):
        severity = None if w.met else _meeting_severity(on, w.start, w.end)
        if severity is not None:
            b = branches[w.org_id]
            out.append(_row("meetings", severity, b.pk, b.path, w.end, _meeting_message, b.code, w.requirement,
                            w.start, w.end, severity == RED))
    return out


class _Meetings:
    """The meeting warnings of a subtree, counted from the rolled-up window facts; its first rows read by
    walking down the tree in path order, only into subtrees whose facts hold unmet windows still needed.

    Falls back to reading every row (`_meetings`) when the facts do not cover the span, for a branch's own
    subtree, and for more rows than DEFERRED_MAX."""

    DEFERRED_MAX = 1000

    def __init__(self, org: Organization, on: dt.date):
        from qingfeng.indicators.models import Fact

        self.org, self.on = org, on
        self.ends = _WindowEnds()
        self.all: _Rows | None = None
        start, end = _meeting_span(on)
        self.deferred = org.kind not in REQUIREMENT_KINDS and _facts_cover(start, end)
        if not self.deferred:
            self.all = _Rows(_meetings(org, on))
            self.counts = self.all.counts
            return
        # Unmet windows that warn, by sort key (not red, last day) — rows of one key are ordered by path —
        # and the key of each (window start, type, cadence) fact.
        self.counts = Counter()
        self.per_key: Counter[DueKey] = Counter()
        self.key_of: dict[tuple[dt.date, str, str], DueKey] = {}
        for ws, type_id, cadence, n, met in Fact.objects.filter(
                org_id=org.pk, metric="win", grain="w", day__gte=start, day__lte=min(end, on),
                d2__in=list(compliance.CADENCE_MONTHS)).order_by().values_list("day", "d1", "d2", "n", "total"):
            severity = _meeting_severity(on, ws, self.ends[(cadence, ws)]) if n > met else None
            if severity is not None:
                key = (severity != RED, self.ends[(cadence, ws)])
                self.key_of[(ws, type_id, cadence)] = key
                self.per_key[key] += n - met
                self.counts[("meetings", severity)] += n - met

    def first(self, n: int | None) -> list[Row]:
        if self.all is None and (n is None or n > self.DEFERRED_MAX):
            self.all = _Rows(_meetings(self.org, self.on))
        if self.all is not None:
            return self.all.first(n)
        assert n is not None  # every row (None) was read just above
        need: dict[DueKey, int] = {}
        left = n
        for key in sorted(self.per_key):
            if left <= 0:
                break
            need[key] = min(self.per_key[key], left)
            left -= need[key]
        if not need:
            return []
        wanted = Q()
        for (ws, type_id, cadence), key in self.key_of.items():
            if key in need:
                wanted |= Q(day=ws, d1=type_id, d2=cadence)
        found = _window_rows(self._take(self.org.pk, wanted, need), self.on, self.ends)
        return sorted(found, key=SORT_KEY)[:n]

    def counts_below(self, child_of: ChildOf, children: list[Organization]) -> dict[int, Tally]:
        """Per child: from the rows when all were read; else from each child's rolled-up window facts (one query),
        a branch child's own windows counted as warning_list(branch) counts them."""
        from qingfeng.indicators.models import Fact

        if self.all is not None:
            return self.all.counts_below(child_of)
        start, end = _meeting_span(self.on)
        out: dict[int, Tally] = {}
        for c in children:
            if c.kind in REQUIREMENT_KINDS:
                out[c.pk] = _Meetings(c, self.on).counts
        others = [c.pk for c in children if c.kind not in REQUIREMENT_KINDS]
        for org_id, ws, cadence, n, met in Fact.objects.filter(
                org_id__in=others, metric="win", grain="w", day__gte=start, day__lte=min(end, self.on),
                d2__in=list(compliance.CADENCE_MONTHS)).order_by().values_list("org_id", "day", "d2", "n", "total"):
            severity = _meeting_severity(self.on, ws, self.ends[(cadence, ws)]) if n > met else None
            if severity is not None:
                out.setdefault(org_id, Counter())[("meetings", severity)] += n - met
        return out

    def _take(self, root_id: int, wanted: Q, need: dict[DueKey, int]) -> list[WindowFact]:
        """Unmet-window facts (WINDOW_FIELDS) under the organization, among them, for each sort key, the first
        need[key] in path order. The children in path order hold the rows in path order, each child's subtree
        together (the paths of a subtree share their prefix), so a child is entered only for keys still
        needed, and only as far as needed. The tree is walked a level at a time: every organization entered on a
        level is read together (a handful of queries per level, not per organization)."""
        from qingfeng.indicators.models import Fact, OwnFact

        unmet = OwnFact.objects.filter(metric="win", total=0).filter(wanted).order_by()
        out: list[WindowFact] = []
        frontier: list[tuple[int, dict[DueKey, int]]] = [(root_id, dict(need))]
        while frontier:
            entered = [org_id for org_id, _need in frontier]
            children: dict[int, list[tuple[int, str, str, int]]] = {org_id: [] for org_id in entered}
            for row in Organization.objects.filter(parent_id__in=entered).order_by().values_list(
                    "id", "path", "kind", "parent_id"):
                children[row[3]].append(row)
            for rows in children.values():
                rows.sort(key=itemgetter(1))
            every = [c for rows in children.values() for c in rows]
            branches = [c[0] for c in every if c[2] in REQUIREMENT_KINDS]
            others = [c[0] for c in every if c[2] not in REQUIREMENT_KINDS]
            paths = {c[0]: c[1] for c in every}
            # The entered organizations' own windows (none unless a branch) and their branches' subtrees, read whole.
            block: dict[int, list[WindowFact]] = {org_id: [] for org_id in [*entered, *branches]}
            for ids in _chunks([*entered, *branches]):
                for row in unmet.filter(org_id__in=ids).values_list(*WINDOW_FIELDS):
                    block[row[1]].append(row)
            with_children = set()
            for ids in _chunks(branches):
                with_children |= set(Organization.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True))
            for b in with_children:
                block[b] += unmet.filter(org__path__startswith=paths[b]).exclude(org_id=b).values_list(*WINDOW_FIELDS)
            counts: dict[int, Counter[DueKey]] = {c: Counter() for c in others}
            for ids in _chunks(others):
                for org_id, ws, type_id, cadence, n, met in Fact.objects.filter(
                        org_id__in=ids, metric="win", grain="w").filter(wanted).values_list(
                        "org_id", "day", "d1", "d2", "n", "total"):
                    key = self.key_of.get((ws, type_id, cadence))
                    if key is not None:
                        counts[org_id][key] += n - met
            deeper: list[tuple[int, dict[DueKey, int]]] = []
            for parent_id, need_here in frontier:
                left = dict(need_here)
                self._took(block[parent_id], out, left)
                for org_id, _path, kind, _parent in children[parent_id]:
                    if all(v <= 0 for v in left.values()):
                        break
                    if kind in REQUIREMENT_KINDS:
                        self._took(block[org_id], out, left)
                        continue
                    sub = {k: min(c, left[k]) for k, c in counts[org_id].items() if c > 0 and left.get(k, 0) > 0}
                    if sub:
                        deeper.append((org_id, sub))
                        for k, c in sub.items():
                            left[k] -= c
            frontier = deeper
        return out

    def _took(self, rows: list[WindowFact], out: list[WindowFact], left: dict[DueKey, int]) -> None:
        out.extend(rows)
        for r in rows:
            key = self.key_of.get((r[6], r[4], r[5]))
            if key in left:
                left[key] -= 1


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# ---- findings, elections, 办实事, coverage ------------------------------------------------

def _finding_message(urls: _Urls, code: str, deadline: dt.date, red: bool) -> tuple[str, str]:
    if red:
        message = _("问题 %(code)s 已超过整改期限 %(date)s") % {"code": code, "date": deadline}
    else:
        message = _("问题 %(code)s 将于 %(date)s 到期") % {"code": code, "date": deadline}
    return message, urls("supervision:detail", code)


def _findings(org: Organization, on: dt.date) -> list[Row]:
    qs = Finding.objects.filter(org__path__startswith=org.path, deadline__lte=on + SOON, found_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on))
    out = []
    for org_id, path, code, deadline in qs.order_by("deadline", "code").values_list("org_id", "org__path", "code",
                                                                                   "deadline"):
        severity = RED if deadline < on else YELLOW
        out.append(_row("findings", severity, org_id, path, deadline, _finding_message, code, deadline, severity == RED))
    return out


def _election_message(urls: _Urls, pk: int, ends: dt.date, red: bool) -> tuple[str, str]:
    if red:
        message = _("本届任期已于 %(date)s 届满，尚未换届") % {"date": ends}
    else:
        message = _("本届任期将于 %(date)s 届满") % {"date": ends}
    return message, urls("grassroots:election_detail", pk)


def _elections(org: Organization, on: dt.date) -> list[Row]:
    """The latest election of each active organization whose term has ended or ends within ELECTION_NOTICE: only
    those are read (a term of t years ending by then was held on or before that day t years earlier, and no later
    election was held by `on`), not every election of the subtree."""
    orgs = direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on", "dissolved_on")
    notice_end = on + ELECTION_NOTICE
    terms = [int(t) for t, _label in Election._meta.get_field("term_years").choices or ()]
    # held on or before the anniversary (a day more for 29 February), or of a term length not in the choices
    old_enough = ~Q(term_years__in=terms)
    for t in terms:
        old_enough |= Q(term_years=t, held_on__lte=add_years(notice_end, -t) + dt.timedelta(days=1))
    renewed = Election.objects.filter(org_id=OuterRef("org_id"), held_on__gt=OuterRef("held_on"), held_on__lte=on)
    latest = Election.objects.filter(org__in=orgs.values("pk"), held_on__lte=on).filter(old_enough).filter(
        ~Exists(renewed)).order_by("org_id", "held_on", "id").values_list("org_id", "pk", "org__path", "held_on",
                                                                          "term_years")
    out = []
    for org_id, pk, path, held_on, term_years in latest:
        ends = add_years(held_on, term_years)
        if ends <= on:
            out.append(_row("elections", RED, org_id, path, ends, _election_message, pk, ends, True))
        elif ends - on <= ELECTION_NOTICE:
            out.append(_row("elections", YELLOW, org_id, path, ends, _election_message, pk, ends, False))
    return out


def _service_message(urls: _Urls, code: str, name: str, planned_on: dt.date) -> tuple[str, str]:
    return (_("办实事“%(name)s”计划 %(date)s 完成，尚未办结") % {"name": name, "date": planned_on},
            urls("service:detail", code))


def _service(org: Organization, on: dt.date) -> list[Row]:
    qs = ServiceItem.objects.filter(org__path__startswith=org.path, planned_on__lt=on, committed_on__lte=on).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=on))
    return [_row("service", RED, org_id, path, planned_on, _service_message, code, name, planned_on)
            for org_id, path, code, name, planned_on in qs.order_by("planned_on", "code").values_list(
                "org_id", "org__path", "code", "name", "planned_on")]


def _coverage_message(urls: _Urls, type_: str, name: str, credit_code: str) -> tuple[str, str]:
    return (_("%(type)s“%(name)s”尚未实现党的组织和工作覆盖") % {"type": type_, "name": name},
            urls("entities:detail", credit_code))


def _coverage(org: Organization, on: dt.date) -> list[Row]:
    ask = direct.Ask(org, on, on)
    out = []
    for type_ in ("非公有制企业", "社会组织"):
        for org_id, path, etype, name, credit_code in entities_at(ask, type_).filter(
                mode_at=CoverageMode.NONE).order_by("credit_code").values_list(
                "org_id", "org__path", "type", "name", "credit_code"):
            out.append(_row("coverage", YELLOW, org_id, path, None, _coverage_message, etype, name, credit_code))
    return out


# ---- size: oversize branches, kind not fitting the size ----------------------------------

def member_counts(org: Organization, on: dt.date,
                  org_ids: Iterable[int] | None = None) -> tuple[dict[int, int], dict[int, int]]:
    """Members (正式 and 预备) and 正式党员 holding a relation to each organization of the subtree on `on`
    (organizations with members only): one grouped count. `org_ids`: of these organizations only."""
    relations = Relation.objects.filter(org__path__startswith=org.path) if org_ids is None else \
        Relation.objects.filter(org_id__in=list(org_ids))
    qs = direct.active_on(relations.filter(person__admitted_on__lte=on), on, "start_on", "end_on")
    members: dict[int, int] = {}
    full: dict[int, int] = {}
    for org_id, n, n_full in qs.order_by().values("org_id").annotate(
            n=Count("id"), full=Count("id", filter=full_on_q(on, "person__"))).values_list("org_id", "n", "full"):
        members[org_id] = n
        full[org_id] = n_full
    return members, full


def _oversize_message(urls: _Urls, code: str, n: int) -> tuple[str, str]:
    return _("支部党员 %(n)s 人，超过50人，宜分设支部或设立党总支") % {"n": n}, urls("orgs:detail", code)


def _few_full_message(urls: _Urls, code: str, n: int) -> tuple[str, str]:
    return _("正式党员不足3人（%(n)s 人），宜与邻近单位成立联合党支部") % {"n": n}, urls("orgs:detail", code)


def _committee_message(urls: _Urls, code: str, n: int) -> tuple[str, str]:
    return _("党员 %(n)s 人，达到100人，宜设立党的基层委员会") % {"n": n}, urls("orgs:detail", code)


def _size(org: Organization, on: dt.date, kinds: set[str]) -> list[Row]:
    members, full = member_counts(org, on)
    orgs = list(direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on",
                                 "dissolved_on").order_by().values_list("id", "code", "kind", "path"))
    # Members of the active organizations under each active branch or general branch (itself included).
    subtree: dict[int, int] = {}
    by_code = {code: pk for pk, code, kind, _path in orgs if kind in (Kind.BRANCH, Kind.GENERAL_BRANCH)}
    for pk, _code, _kind, path in orgs:
        n = members.get(pk)
        if not n:
            continue
        for code in path.strip("/").split("/"):
            if code in by_code:
                subtree[by_code[code]] = subtree.get(by_code[code], 0) + n
    out = []
    for pk, code, kind, path in orgs:
        if "oversize" in kinds and kind in BRANCH_KINDS and members.get(pk, 0) > BRANCH_MAX:
            out.append(_row("oversize", YELLOW, pk, path, None, _oversize_message, code, members[pk]))
        if "setup" not in kinds:
            continue
        if kind == Kind.BRANCH and pk in members and full.get(pk, 0) < BRANCH_MIN_FULL:
            out.append(_row("setup", YELLOW, pk, path, None, _few_full_message, code, full.get(pk, 0)))
        if kind in (Kind.BRANCH, Kind.GENERAL_BRANCH) and subtree.get(pk, 0) >= COMMITTEE_MIN:
            out.append(_row("setup", YELLOW, pk, path, None, _committee_message, code, subtree[pk]))
    return out


UNDATED = {"coverage", "oversize", "setup"}  # kinds whose warnings have no due day: listed after every dated one
RULE_KINDS = {sizes.OVERSIZE: "oversize", sizes.FEW_FULL: "setup", sizes.COMMITTEE: "setup"}


class _Sizes:
    """The size warnings of a subtree, counted from the rolled-up "size" facts (indicators.sizes: an organization
    breaking a rule on a day is one snapshot row); the rows themselves — always after the dated warnings — read from
    the organizations' own "size" facts, in path order, only when a page reaches them, their numbers counted for
    those organizations alone. Without facts, or for more rows than ROWS_MAX, every row is computed from the
    records (`_size`)."""

    undated = True
    ROWS_MAX = 1000

    def __init__(self, org: Organization, on: dt.date, kinds: set[str]):
        from qingfeng.indicators import store

        self.org, self.on, self.kinds = org, on, kinds
        self.rules = [r for r in sizes.SIZE_RULES if RULE_KINDS[r] in kinds]
        self.all: _Rows | None = None
        if store.state() is None:
            self.all = _Rows(_size(org, on, kinds))
            self.counts = self.all.counts
            return
        self.counts = self._tally([org.pk])[org.pk]

    def _tally(self, org_ids: list[int]) -> dict[int, Tally]:
        from qingfeng.indicators import store

        sums = store.Sums()
        keys = {pk: sums.want(pk, store.snapshot_ranges(self.on), frozenset({sizes.SIZE})) for pk in org_ids}
        sums.load()
        out: dict[int, Tally] = {}
        for pk, wanted in keys.items():
            tally: Tally = Counter()
            out[pk] = tally
            for rule, _d2, _d3, n, _total in sums.merged(pk, wanted).get(sizes.SIZE, []):
                if rule in self.rules and n:
                    tally[(RULE_KINDS[rule], YELLOW)] += n
        return out

    def first(self, n: int | None) -> list[Row]:
        from django.db.models import Sum

        from qingfeng.indicators.models import OwnFact

        if self.all is None and (n is None or n > self.ROWS_MAX):
            self.all = _Rows(_size(self.org, self.on, self.kinds))
        if self.all is not None:
            return self.all.first(n)
        if not n or not sum(self.counts.values()):
            return []
        # At most one row per rule and organization: the first n + 2 by path hold the first n in order.
        breaking = list(OwnFact.objects.filter(metric=sizes.SIZE, d1__in=self.rules, org__path__startswith=self.org.path,
                                               day__lte=self.on).values("org_id", "org__path", "org__code", "d1")
                        .annotate(s=Sum("n")).filter(s__gt=0).order_by("org__path")
                        .values_list("org_id", "org__path", "org__code", "d1")[:n + len(sizes.SIZE_RULES) - 1])
        breaking.sort(key=lambda r: (r[1], sizes.SIZE_RULES.index(r[3])))
        breaking = breaking[:n]
        members, full = member_counts(self.org, self.on, org_ids={r[0] for r in breaking if r[3] != sizes.COMMITTEE})
        out = []
        for pk, path, code, rule in breaking:
            if rule == sizes.OVERSIZE:
                out.append(_row("oversize", YELLOW, pk, path, None, _oversize_message, code, members[pk]))
            elif rule == sizes.FEW_FULL:
                out.append(_row("setup", YELLOW, pk, path, None, _few_full_message, code, full.get(pk, 0)))
            else:
                out.append(_row("setup", YELLOW, pk, path, None, _committee_message, code, _subtree_members(path, self.on)))
        return sorted(out, key=SORT_KEY)

    def counts_below(self, child_of: ChildOf, children: list[Organization]) -> dict[int, Tally]:
        if self.all is not None:
            return self.all.counts_below(child_of)
        return self._tally([c.pk for c in children])


def _subtree_members(path: str, on: dt.date) -> int:
    """Members holding a relation on `on` to an active organization of the subtree (the 党委-size rule's count)."""
    active = direct.active_on(Organization.objects.filter(path__startswith=path), on, "established_on", "dissolved_on")
    return direct.active_on(Relation.objects.filter(org__in=active.values("pk"), person__admitted_on__lte=on), on,
                            "start_on", "end_on").count()


# ---- together --------------------------------------------------------------------------

def warning_list(org: Organization, on: dt.date, user: Viewer = None,
                 kinds: Iterable[str] | None = None) -> WarningList:
    """Every warning for the subtree of `org` on day `on` (red first, then by due date), built on demand."""
    wanted = set(kinds) if kinds else set(KINDS)
    parts: list[_Rows | _Meetings | _Sizes] = []
    if "meetings" in wanted:
        parts.append(_Meetings(org, on))
    for kind, rows in (("findings", _findings), ("elections", _elections), ("service", _service),
                       ("coverage", _coverage)):
        if kind in wanted:
            parts.append(_Rows(rows(org, on)))
    if wanted & {"oversize", "setup"}:
        parts.append(_Sizes(org, on, wanted))
    return WarningList(parts)


def warnings_for(org: Organization, on: dt.date, user: Viewer = None,
                 kinds: Iterable[str] | None = None) -> list[Warning]:
    """Every warning for the subtree of `org` on day `on` (red first, then by due date)."""
    return list(warning_list(org, on, user=user, kinds=kinds))
