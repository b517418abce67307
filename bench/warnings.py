"""Benchmark of the warnings (预警): the cockpit's warnings card and the warnings page at city scale.

Two requests, in-process through Django's test client, signed in as the demo's `leader` (server time: routing,
access checks, the warnings engine and the template — no network, no browser), for the root 140100 on 2021-05-11:

  card   /cockpit/warnings/?org=140100&to=2021-05-11 (htmx): the 12 most urgent and the count per colour
  page   /indicators/warnings/?org=140100&on=2021-05-11: the first page of 50, the counts per kind and colour

each several ways, in the same run:

  now        as served: indicators.warnings.warning_list (plain rows; Warning objects only for those shown; sizes
             counted from the "size" facts, only the elections that warn read)
  before     baseline: the warning list before issue 18.2's second part, kept below as `before_warning_list`
             (sizes from one grouped count of every member of the subtree, every election read)
  previous   older baseline (with --previous-runs > 0): the implementation before the warning list, kept below as
             `previous_warnings_for` (every Warning built, then counted and paginated as the views did)

each patched in for the same requests
"cold" is the first request on a fresh database connection; "warm" the median of the following ones. The
responses of every way must be the same page. `--compare` also checks, without timing, that the full lists
(kind, severity, organization, message, URL, due, order) of the root and two counties are identical.

Usage:  DATABASE_URL=postgres://…/bench QINGFENG_VAR=/tmp/bench .venv/bin/python bench/warnings.py
        [--org 140100] [--on 2021-05-11] [--runs 5] [--previous-runs 0] [--compare 140100 140105 140107]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # this file is not the stdlib's `warnings`
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from qingfeng.core.dates import add_years  # noqa: E402
from qingfeng.entities.indicators import entities_at  # noqa: E402
from qingfeng.entities.models import CoverageMode  # noqa: E402
from qingfeng.indicators import compliance, direct, store  # noqa: E402
from qingfeng.indicators import warnings as engine  # noqa: E402
from qingfeng.indicators.warnings import (  # noqa: E402
    BRANCH_MAX,
    BRANCH_MIN_FULL,
    COMMITTEE_MIN,
    ELECTION_NOTICE,
    KINDS,
    RED,
    SOON,
    YELLOW,
    Warning,
)
from qingfeng.orgs.models import BRANCH_KINDS, Election, Kind, Organization  # noqa: E402
from qingfeng.people.indicators import full_on_q  # noqa: E402
from qingfeng.people.models import Relation  # noqa: E402
from qingfeng.service.models import ServiceItem  # noqa: E402
from qingfeng.supervision.models import Finding  # noqa: E402

ON = dt.date(2021, 5, 11)


# ---- the previous implementation (qingfeng/indicators/warnings.py before this change), verbatim ----------

def old_unmet_windows(org: Organization, start: dt.date, end: dt.date) -> list[tuple[Organization, str, dt.date, dt.date]]:
    """(branch, requirement, first day, last day) of the due windows in [start, end] held by no activity.

    Read from the compliance facts (one row per branch and window) when they cover the span; otherwise
    computed from the records."""
    from qingfeng.activities.models import ActivityType
    from qingfeng.indicators import store
    from qingfeng.indicators.models import OwnFact

    st = store.state()
    if st is not None and st.windows_from is not None and st.windows_from <= start and end <= st.windows_to:
        names = dict(ActivityType.objects.values_list("pk", "name"))
        rows = list(OwnFact.objects.filter(metric="win", total=0, org__path__startswith=org.path, day__gte=start,
                                           day__lte=end).values_list("org_id", "d1", "d2", "day"))
        orgs = Organization.objects.in_bulk({r[0] for r in rows})
        out = []
        for org_id, type_id, cadence, ws in rows:
            we = compliance.window_starts(cadence, ws, dt.date(ws.year + 1, 12, 31))[0][1]
            out.append((orgs[org_id], names.get(int(type_id), type_id), ws, we))
        return out
    branches = {b.pk: b for b in compliance.requirement_branches(org, start, end)}
    return [(branches[w.org_id], w.requirement, w.start, w.end)
            for w in compliance.windows_for_branches(list(branches.values()), compliance.active_requirements(), start, end)
            if not w.met]


def old_meetings(org: Organization, on: dt.date) -> list[Warning]:
    """Windows of last year and this year that ended unmet (red), and current ones ending within a week (yellow)."""
    out = []
    for branch, requirement, ws, we in old_unmet_windows(org, dt.date(on.year - 1, 1, 1), dt.date(on.year, 12, 31)):
        if ws > on:
            continue
        if we < on:
            severity = RED
            message = _("%(req)s：%(start)s 至 %(end)s 应开未开") % {"req": requirement, "start": ws, "end": we}
        elif we - on <= SOON:
            severity = YELLOW
            message = _("%(req)s：本期 %(end)s 截止，尚未召开") % {"req": requirement, "end": we}
        else:
            continue
        out.append(Warning("meetings", severity, branch, message, reverse("activities:calendar", args=[branch.code]), we))
    return out


def old_findings(org: Organization, on: dt.date) -> list[Warning]:
    qs = Finding.objects.filter(org__path__startswith=org.path, deadline__lte=on + SOON, found_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)).select_related("org")
    out = []
    for f in qs.order_by("deadline", "code"):
        if f.deadline < on:
            severity, message = RED, _("问题 %(code)s 已超过整改期限 %(date)s") % {"code": f.code, "date": f.deadline}
        else:
            severity, message = YELLOW, _("问题 %(code)s 将于 %(date)s 到期") % {"code": f.code, "date": f.deadline}
        out.append(Warning("findings", severity, f.org, message, reverse("supervision:detail", args=[f.code]), f.deadline))
    return out


def old_elections(org: Organization, on: dt.date) -> list[Warning]:
    orgs = direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on", "dissolved_on")
    latest: dict[int, Election] = {}
    for e in Election.objects.filter(org__in=orgs, held_on__lte=on).select_related("org").order_by("org_id", "held_on", "id"):
        latest[e.org_id] = e
    out = []
    for e in latest.values():
        ends = add_years(e.held_on, e.term_years)
        if ends <= on:
            out.append(Warning("elections", RED, e.org, _("本届任期已于 %(date)s 届满，尚未换届") % {"date": ends},
                               reverse("grassroots:election_detail", args=[e.pk]), ends))
        elif ends - on <= ELECTION_NOTICE:
            out.append(Warning("elections", YELLOW, e.org, _("本届任期将于 %(date)s 届满") % {"date": ends},
                               reverse("grassroots:election_detail", args=[e.pk]), ends))
    return out


def old_service(org: Organization, on: dt.date) -> list[Warning]:
    qs = ServiceItem.objects.filter(org__path__startswith=org.path, planned_on__lt=on, committed_on__lte=on).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=on)).select_related("org")
    return [Warning("service", RED, s.org, _("办实事“%(name)s”计划 %(date)s 完成，尚未办结") % {"name": s.name, "date": s.planned_on},
                    reverse("service:detail", args=[s.code]), s.planned_on)
            for s in qs.order_by("planned_on", "code")]


def old_coverage(org: Organization, on: dt.date) -> list[Warning]:
    ask = direct.Ask(org, on, on)
    out = []
    for type_ in ("非公有制企业", "社会组织"):
        for e in entities_at(ask, type_).filter(mode_at=CoverageMode.NONE).select_related("org"):
            out.append(Warning("coverage", YELLOW, e.org, _("%(type)s“%(name)s”尚未实现党的组织和工作覆盖") % {
                "type": e.type, "name": e.name}, reverse("entities:detail", args=[e.credit_code])))
    return out


def old_member_counts(org: Organization, on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Members (正式 and 预备) and 正式党员 holding a relation to each organization of the subtree on `on`."""
    qs = direct.active_on(Relation.objects.filter(org__path__startswith=org.path, person__admitted_on__lte=on), on,
                          "start_on", "end_on")
    members: dict[int, int] = defaultdict(int)
    full: dict[int, int] = defaultdict(int)
    for org_id, is_full in qs.annotate(is_full=old_direct_full(on)).values_list("org_id", "is_full").iterator(chunk_size=20000):
        members[org_id] += 1
        full[org_id] += 1 if is_full else 0
    return members, full


def old_direct_full(on: dt.date):
    from django.db.models import BooleanField, Case, Value, When

    return Case(When(full_on_q(on, "person__"), then=Value(True)), default=Value(False),
                output_field=BooleanField())


def old_size(org: Organization, on: dt.date, kinds: set[str]) -> list[Warning]:
    members, full = old_member_counts(org, on)
    orgs = list(direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on",
                                 "dissolved_on").only("id", "code", "name", "kind", "path"))
    subtree: dict[int, int] = defaultdict(int)
    by_code = {o.code: o.pk for o in orgs}
    for o in orgs:
        for code in o.path.strip("/").split("/"):
            if code in by_code and members.get(o.pk):
                subtree[by_code[code]] += members[o.pk]
    out = []
    for o in orgs:
        url = reverse("orgs:detail", args=[o.code])
        if "oversize" in kinds and o.kind in BRANCH_KINDS and members.get(o.pk, 0) > BRANCH_MAX:
            out.append(Warning("oversize", YELLOW, o, _("支部党员 %(n)s 人，超过50人，宜分设支部或设立党总支") % {
                "n": members[o.pk]}, url))
        if "setup" not in kinds:
            continue
        if o.kind == Kind.BRANCH and o.pk in members and full.get(o.pk, 0) < BRANCH_MIN_FULL:
            out.append(Warning("setup", YELLOW, o, _("正式党员不足3人（%(n)s 人），宜与邻近单位成立联合党支部") % {
                "n": full.get(o.pk, 0)}, url))
        if o.kind in (Kind.BRANCH, Kind.GENERAL_BRANCH) and subtree.get(o.pk, 0) >= COMMITTEE_MIN:
            out.append(Warning("setup", YELLOW, o, _("党员 %(n)s 人，达到100人，宜设立党的基层委员会") % {
                "n": subtree[o.pk]}, url))
    return out


def previous_warnings_for(org: Organization, on: dt.date, user=None, kinds=None) -> list[Warning]:
    """Every warning for the subtree of `org` on day `on` (red first, then by due date)."""
    wanted = set(kinds) if kinds else set(KINDS)
    out: list[Warning] = []
    if "meetings" in wanted:
        out += old_meetings(org, on)
    if "findings" in wanted:
        out += old_findings(org, on)
    if "elections" in wanted:
        out += old_elections(org, on)
    if "service" in wanted:
        out += old_service(org, on)
    if "coverage" in wanted:
        out += old_coverage(org, on)
    if wanted & {"oversize", "setup"}:
        out += old_size(org, on, wanted)
    out.sort(key=lambda w: (w.severity != RED, w.due or dt.date.max, w.org.path, w.kind))
    return out


def previous_warnings_for_list(org, on, user=None, kinds=None):
    """The previous implementation as the views now take it: a list that also counts itself."""
    return _CountingList(previous_warnings_for(org, on, user=user, kinds=kinds))


class _CountingList(list):
    def counts(self) -> Counter:
        return Counter((w.kind, w.severity) for w in self)

    def counts_below(self, org, children) -> dict[int, Counter]:
        """Grouped from the list itself (the page's counts by organization below, as the views take them)."""
        by_code = {c.code: c.pk for c in children}
        out: dict[int, Counter] = {c.pk: Counter() for c in children}
        for w in self:
            pk = by_code.get(w.org.path[len(org.path):].split("/", 1)[0])
            if pk is not None and w.org.path.startswith(org.path):
                out[pk][(w.kind, w.severity)] += 1
        return out


# ---- the implementation before issue 18.2's second part (main at 5ec2942), as a warning list ----------------
# Sizes from one grouped count of every member of the subtree, every election of the subtree read.

def before_elections(org: Organization, on: dt.date) -> list[tuple]:
    orgs = direct.active_on(Organization.objects.filter(path__startswith=org.path), on, "established_on", "dissolved_on")
    latest: dict[int, tuple] = {}
    for row in Election.objects.filter(org__in=orgs.values("pk"), held_on__lte=on).order_by(
            "org_id", "held_on", "id").values_list("org_id", "pk", "org__path", "held_on", "term_years"):
        latest[row[0]] = row
    out = []
    for org_id, pk, path, held_on, term_years in latest.values():
        ends = add_years(held_on, term_years)
        if ends <= on:
            out.append(engine._row("elections", RED, org_id, path, ends, engine._election_message, pk, ends, True))
        elif ends - on <= ELECTION_NOTICE:
            out.append(engine._row("elections", YELLOW, org_id, path, ends, engine._election_message, pk, ends, False))
    return out


def before_warning_list(org: Organization, on: dt.date, user=None, kinds=None):
    wanted = set(kinds) if kinds else set(KINDS)
    parts: list = []
    if "meetings" in wanted:
        parts.append(engine._Meetings(org, on))
    for kind, rows in (("findings", engine._findings), ("elections", before_elections), ("service", engine._service),
                       ("coverage", engine._coverage)):
        if kind in wanted:
            parts.append(engine._Rows(rows(org, on)))
    if wanted & {"oversize", "setup"}:
        parts.append(engine._Rows(engine._size(org, on, wanted)))
    return engine.WarningList(parts)


# ---- measuring -----------------------------------------------------------------------------

def request_once(client, url: str, **headers) -> tuple[float, int, str]:
    from django.test.utils import CaptureQueriesContext

    connection.close()  # each measured request starts like a fresh worker's: no cached connection state
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries), response.content.decode()


def measure(client, url: str, runs: int, **headers) -> dict:
    times, counts, page = [], [], ""
    for _run in range(runs):
        ms, n, page = request_once(client, url, **headers)
        times.append(ms)
        counts.append(n)
    return {"cold_ms": round(times[0], 1), "warm_ms": round(statistics.median(times[1:] or times), 1),
            "min_ms": round(min(times), 1), "queries": counts[-1], "runs": runs, "page": page}


def body(page: str) -> str:
    """The part of the response the warnings make (the CSRF token and timings differ between requests)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", page)


def as_rows(found) -> list[tuple]:
    return [(w.kind, w.severity, w.org.pk, w.org.code, str(w.message), w.url, w.due) for w in found]


def tie_runs(rows: list[tuple]) -> list[tuple]:
    """The list as runs of warnings equal on every sort key (severity, due, organization, kind), each run as a
    sorted tuple: the order inside a run is not part of the sort."""
    out: list[tuple] = []
    for key, run in itertools.groupby(rows, key=lambda r: (r[1], r[6], r[2], r[0])):
        out.append((key, tuple(sorted(run, key=repr))))
    return out


def compare(codes: list[str], on: dt.date) -> dict:
    """The full lists now and before, for each organization: identical, or identical but for the order among
    warnings equal on every sort key (the previous implementation left that to the database's row order,
    which changes from one query plan — even one run — to the next; now it is the requirements' order)."""
    from qingfeng.indicators.warnings import warnings_for

    out = {}
    for code in codes:
        org = Organization.objects.get(code=code)
        started = time.perf_counter()
        new = as_rows(warnings_for(org, on))
        t_new = time.perf_counter() - started
        started = time.perf_counter()
        old = as_rows(previous_warnings_for(org, on))
        t_old = time.perf_counter() - started
        moved = sum(1 for a, b in zip(new, old, strict=False) if a != b)
        same = new == old
        same_but_ties = same or (len(new) == len(old) and tie_runs(new) == tie_runs(old))
        # The previous implementation once more, its meetings computed from the records (as without facts):
        # a deterministic order among ties, the requirements' order.
        original_state = store.state
        store.state = lambda: None
        try:
            from_records = as_rows(previous_warnings_for(org, on))
        finally:
            store.state = original_state
        out[code] = {"warnings": len(new), "identical": same, "identical_but_order_of_ties": same_but_ties,
                     "positions_differing": moved, "identical_to_previous_from_records": new == from_records,
                     "kinds": dict(Counter(r[0] for r in new)), "now_s": round(t_new, 2), "previous_s": round(t_old, 2)}
        print(f"compare {code}: {len(new)} warnings now, {len(old)} before — identical: {same}"
              f"{'' if same else f' ({moved} positions differ; identical but for the order among ties: {same_but_ties})'}"
              f"; identical to the previous computed from the records: {new == from_records}"
              f"; {t_new:.1f} s now, {t_old:.1f} s before", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="140100")
    parser.add_argument("--on", default=str(ON))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--previous-runs", type=int, default=0)
    parser.add_argument("--compare", nargs="*", default=None, help="organization codes whose full lists to compare")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from django.core.management import call_command
    from django.test import Client

    from qingfeng.accounts.models import User
    from qingfeng.core.schema import migrate_quietly
    from qingfeng.indicators import views

    migrate_quietly(call_command)
    on = dt.date.fromisoformat(args.on)
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    orgs = Organization.objects.count()
    urls = {"card": (f"/cockpit/warnings/?org={args.org}&to={on}", {"HX_Request": "true"}),
            "page": (f"/indicators/warnings/?org={args.org}&on={on}", {})}
    print(f"database {connection.vendor}, {orgs} organizations; as leader, on {on}", flush=True)
    result: dict = {"database": connection.vendor, "organizations": orgs, "org": args.org, "on": str(on)}
    same_pages = True
    ways = {"before": (before_warning_list, args.runs)}
    if args.previous_runs > 0:
        ways["previous"] = (previous_warnings_for_list, args.previous_runs)
    for name, (url, headers) in urls.items():
        now = measure(client, url, args.runs, **headers)
        result[name] = {"url": url, "now": {k: v for k, v in now.items() if k != "page"}}
        line = (f"{name}: now cold {now['cold_ms']} ms, warm {now['warm_ms']} ms (min {now['min_ms']}), "
                f"{now['queries']} queries")
        for way, (implementation, runs) in ways.items():
            original = engine.warning_list
            engine.warning_list = implementation  # dashboard imports it at call time
            views.warning_list = implementation
            try:
                other = measure(client, url, max(runs, 1), **headers)
            finally:
                engine.warning_list = views.warning_list = original
            same = body(now["page"]) == body(other["page"])
            same_pages &= same
            result[name][way] = {k: v for k, v in other.items() if k != "page"}
            result[name][f"ratio_{way}_over_now"] = round(other["warm_ms"] / now["warm_ms"], 1) if now["warm_ms"] else None
            result[name][f"same_response_{way}"] = same
            line += (f"; {way} cold {other['cold_ms']} ms, warm {other['warm_ms']} ms, {other['queries']} queries, "
                     f"same response: {same}")
        print(line, flush=True)
    if args.compare is not None:
        result["compare"] = compare(args.compare or ["140100", "140105", "140107"], on)
        same_pages &= all(c["identical_but_order_of_ties"] and c["identical_to_previous_from_records"]
                          for c in result["compare"].values())
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if same_pages else 1


if __name__ == "__main__":
    sys.exit(main())
