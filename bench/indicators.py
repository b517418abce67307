"""Benchmark of the indicators engine (issue 4).

Every indicator of spec/indicators.md for the root 140100 and each of the 10 county-level committees
over period Y (2020-05-12 .. 2021-05-11), on the database named by DATABASE_URL, three ways:

  facts   engine.compute_many: the pre-aggregated facts of the 11 read together (the distinct counts too, from
          their own rows for the twelve months ending on a day: issue 18); also timed as one engine.compute call
          per organization
  previous  the same call with the distinct-person indicators read from the raw records as before issue 18
          (their declarations patched back, `previous_distinct`): the baseline of the same run
  direct  engine.compute_direct: set-based SQL over the raw tables, subtree by path prefix
  naive   a per-organization ORM loop: for every organization of the subtree, its own records, summed
          in Python (for the indicators that can be summed that way; see NAIVE_SKIP)

"cold" is the first run on a fresh database connection (the database server's own caches stay as
they are: we share the machine); "warm" is the median of the following runs. The values of the three
must be identical. The data set is the demo city (`qingfeng demo --scale city`), built first when the
database is empty.

Usage:  DATABASE_URL=postgres://…/bench QINGFENG_VAR=/tmp/bench .venv/bin/python bench/indicators.py [--scale city]
        [--runs 3] [--naive-budget 240] [--json FILE] [--compare FILE-OF-THE-OTHER-DATABASE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from qingfeng.core.schema import migrate_quietly  # noqa: E402

Y = (dt.date(2020, 5, 12), dt.date(2021, 5, 11))
# Not summable per organization: distinct persons or organizations, transfers "from outside the subtree",
# admissions attributed through relations, and a rate of two snapshots.
NAIVE_SKIP = {
    "study.reading_class_trainees", "training.rotation_trainees", "training.rotation_coverage", "lecture.lecturers",
    "grassroots.elections", "grassroots.elections_overdue", "grassroots.dispatched", "grassroots.stationed",
    "grassroots.adjusted", "grassroots.dispatch_teams", "accountability.persons", "discipline.self_surrender",
    "members.transferred_in", "members.recruited", "burden.forms_reduction",
    # the member lifecycle's record sets are subtree-wide (no per-organization form) or rates of them
    "development.applications", "development.in_progress", "development.late_steps", "dues.collected",
    "dues.payment_rate", "members.lapsed",
}


def ensure_data(scale: str) -> dict:
    from qingfeng.indicators import store
    from qingfeng.orgs.models import Organization

    info = {}
    if not Organization.objects.exists():
        from qingfeng.demo.build import build_demo

        began = time.perf_counter()
        build_demo(scale)
        info["demo_seconds"] = round(time.perf_counter() - began, 1)
    if store.state() is None:
        began = time.perf_counter()
        store.rebuild_facts()
        info["rebuild_seconds"] = round(time.perf_counter() - began, 1)
    return info


def subject_orgs():
    from qingfeng.orgs.models import Level, Organization

    root = Organization.objects.get(code="140100")
    counties = list(Organization.objects.filter(parent=root, level=Level.COUNTY).order_by("code")[:10])
    return [root, *counties]


def timed(fn):
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def fresh_connection():
    connection.close()
    connection.connect()


def run_facts(orgs, keys):
    """As a page or report asks: every organization in one engine call (their facts are read together)."""
    from qingfeng.indicators import engine

    got = engine.compute_many(orgs, *Y, keys)
    return {o.code: got[o.pk] for o in orgs}


RECORDS_BEFORE = {"development.applications", "development.in_progress", "development.late_steps",
                  "burden.forms_answered"}


class previous_distinct:
    """The engine as before issue 18, patched in for a baseline: the distinct counts read from the raw records (no
    `facts`), 轮训覆盖率's numerator from the records; and development and 一表通 read from the records too, as before
    their facts ("app", "dev", "late", "fill")."""

    def __enter__(self):
        import dataclasses

        from qingfeng.activities.indicators import rotation_trained_cadres
        from qingfeng.core import distinct
        from qingfeng.core.indicators import REGISTRY, round_rate
        from qingfeng.people.facts import MEM

        def coverage(q):
            levels = q.get("cadre_level") or ("市管",)
            return round_rate(rotation_trained_cadres(q.ask()).count(), q.snap(MEM, None, levels)[0])

        self.saved = dict(REGISTRY)
        counted = distinct.distinct_metrics()
        for i, ind in REGISTRY.items():
            if i in RECORDS_BEFORE:
                REGISTRY[i] = dataclasses.replace(ind, reads=frozenset(), facts=None)
            elif ind.reads & counted:
                if i == "training.rotation_coverage":
                    REGISTRY[i] = dataclasses.replace(ind, reads=frozenset({MEM}), facts=coverage)
                else:
                    REGISTRY[i] = dataclasses.replace(ind, reads=frozenset(), facts=None)
        return self

    def __exit__(self, *exc):
        from qingfeng.core.indicators import REGISTRY

        REGISTRY.clear()
        REGISTRY.update(self.saved)


def per_key(orgs, keys, runs: int) -> list[tuple[str, float]]:
    """Each indicator alone for the 11 in one call, warm median in ms, slowest first."""
    out = []
    for k in keys:
        run_facts(orgs, [k])
        out.append((k, round(statistics.median(timed(lambda k=k: run_facts(orgs, [k]))[1] for _ in range(runs)) * 1000, 1)))
    return sorted(out, key=lambda kv: -kv[1])


def run_facts_each(orgs, keys):
    """The same, one engine call per organization."""
    from qingfeng.indicators import engine

    return {o.code: engine.compute(o, *Y, keys) for o in orgs}


def run_direct(orgs, keys, deadline: float | None = None):
    """Subject by subject, stopping once the time budget is spent (the values of those done are kept)."""
    from qingfeng.indicators import engine

    out = {}
    for o in sorted(orgs, key=lambda o: -len(o.path)):  # counties first, the root last
        if deadline is not None and time.perf_counter() > deadline:
            break
        out[o.code] = engine.compute_direct(o, *Y, keys)
    return out


NAIVE_PROGRESS = {"orgs": 0}  # organizations the naive loop went through (for the extrapolation)


def naive_values(org, keys, deadline: float) -> dict | None:
    """One subtree, organization by organization; None when the time budget runs out."""
    from qingfeng.activities.models import ActivityRole
    from qingfeng.indicators import compliance, direct
    from qingfeng.orgs.models import REQUIREMENT_KINDS, Organization

    sums: dict[str, list[int]] = {k: [0, 0] for k in keys}
    requirements = compliance.active_requirements()
    theme = [r for r in requirements if r.activity_type.role == ActivityRole.THEME_DAY]
    for o in Organization.objects.filter(path__startswith=org.path).iterator():
        if time.perf_counter() > deadline:
            return None
        NAIVE_PROGRESS["orgs"] += 1
        for k in keys:
            if k.startswith("orglife."):
                if o.kind not in REQUIREMENT_KINDS:
                    continue
                reqs = theme if k == "orglife.theme_day_compliance" else requirements
                wins = compliance.windows_for_branches([o], reqs, *Y)
                sums[k][0] += sum(1 for w in wins if w.met)
                sums[k][1] += len(wins)
                continue
            p = direct.parts(k, direct.Ask(o, *Y, {"cadre_level": ("市管",)} if k == "training.rotation_coverage" else {},
                                           exact=True))
            if p.records is not None:
                sums[k][0] += p.records.value()
            else:
                sums[k][0] += p.numerator.value()
                sums[k][1] += p.denominator.value()
    out = {}
    for k in keys:
        num, den = sums[k]
        if k == "orglife.missing":
            out[k] = den - num
        elif k.startswith("orglife.") or k in RATES:
            out[k] = direct.round_rate(num, den)
        else:
            out[k] = num
    return out


RATES: set[str] = set()


# ---- drill-through paging (issue 18.3) -----------------------------------------------------------------

DRILL_KEY = "activities.count"


def previous_drill_body(request_user, key, org, start, end, page, page_size):
    """The previous /api/v1/drill (before issue 18.3), kept as the baseline: every row built, then sliced."""
    from qingfeng.api.indicators import plain
    from qingfeng.indicators import engine

    result = engine.drill(key, org, start, end, user=request_user)
    first = (page - 1) * page_size

    def cut(rows):
        return [[plain(v) for v in r] for r in rows[first:first + page_size]]

    body = {"key": result.key, "value": result.value, "model": result.model, "columns": result.columns,
            "page": page, "page_size": page_size}
    if result.is_rate:
        body.update(numerator=cut(result.numerator), denominator=cut(result.denominator),
                    count={"numerator": len(result.numerator), "denominator": len(result.denominator)})
    else:
        body.update(rows=cut(result.rows), count={"rows": len(result.rows)})
    return body


def drill_bench(runs: int, big: str, small: str) -> dict:
    """/api/v1/drill page 1 (page_size 1) and the drill page's page 1 for a large and a small record set, now and
    as before (the API's previous body patched in): the same answer, and the time."""
    from django.test import Client
    from django.utils import translation

    from qingfeng.accounts.models import User
    from qingfeng.api.actions import issue_token
    from qingfeng.orgs.models import Organization

    leader = User.objects.get(username="leader")
    _token, raw = issue_token(leader, "bench", 7)
    client = Client()
    client.force_login(leader)
    headers = {"Authorization": f"Bearer {raw}"}
    out: dict = {}
    cases = {"big": (big, Y), "small": (small, (dt.date(2021, 3, 1), dt.date(2021, 3, 31)))}
    for name, (code, (start, end)) in cases.items():
        api_url = f"/api/v1/drill?id={DRILL_KEY}&org={code}&from={start}&to={end}&page=1&page_size=1"
        page_url = f"/indicators/drill/?key={DRILL_KEY}&org={code}&start={start}&end={end}"

        def get(url, **kw):
            fresh_connection()
            t = time.perf_counter()
            r = client.get(url, headers=kw)
            assert r.status_code == 200, (url, r.status_code)
            return (time.perf_counter() - t) * 1000, r

        api_now = [get(api_url, **headers) for _ in range(runs)]
        page_now = [get(page_url) for _ in range(runs)]
        body = api_now[-1][1].json()
        org = Organization.objects.get(code=code)
        t = time.perf_counter()
        with translation.override("zh-hans"):  # as the API answered then
            before = previous_drill_body(leader, DRILL_KEY, org, start, end, 1, 1)
        before_ms = (time.perf_counter() - t) * 1000
        out[name] = {"org": code, "from": str(start), "to": str(end), "rows": body["count"]["rows"],
                     "api_ms": round(statistics.median(ms for ms, _r in api_now[1:] or api_now), 1),
                     "page_ms": round(statistics.median(ms for ms, _r in page_now[1:] or page_now), 1),
                     "previous_api_ms": round(before_ms, 1),
                     "differs": sorted(k for k, v in json.loads(json.dumps(before, default=str)).items()
                                       if body.get(k) != v)}
        print(name, out[name], flush=True)
    out["api_big_over_small"] = round(out["big"]["api_ms"] / out["small"]["api_ms"], 2)
    out["page_big_over_small"] = round(out["big"]["page_ms"] / out["small"]["page_ms"], 2)
    print(out, flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-budget", type=float, default=240.0, help="seconds for the naive loop in all")
    parser.add_argument("--direct-budget", type=float, default=600.0, help="seconds for the direct run")
    parser.add_argument("--json", default=None)
    parser.add_argument("--drill", nargs=2, metavar=("BIG", "SMALL"), default=None,
                        help="only the drill-through paging bench: a large and a small subtree's codes")
    parser.add_argument("--per-key", action="store_true", help="also time each indicator alone (now and previous)")
    parser.add_argument("--compare", default=None, help="the --json file of a run on the other database: "
                        "the values must be identical")
    args = parser.parse_args()

    migrate_quietly(call_command)
    if args.drill:
        result = drill_bench(args.runs, *args.drill)
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    info = {"database": connection.vendor, **ensure_data(args.scale)}
    from qingfeng.core.indicators import REGISTRY
    from qingfeng.indicators.models import Fact, OwnFact
    from qingfeng.orgs.models import Organization
    from qingfeng.people.models import Person

    RATES.update(i for i, ind in REGISTRY.items() if ind.is_rate)
    keys = [i for i, ind in REGISTRY.items() if not ind.required]  # every indicator answerable without a filter
    orgs = subject_orgs()
    info.update({"organizations": Organization.objects.count(), "persons": Person.objects.count(),
                 "own_rows": OwnFact.objects.count(), "fact_rows": Fact.objects.count(),
                 "subjects": [o.code for o in orgs], "indicators": len(keys), "values": len(keys) * len(orgs)})

    results = {}
    fresh_connection()
    values, cold = timed(lambda: run_facts(orgs, keys))
    warm = [timed(lambda: run_facts(orgs, keys))[1] for _ in range(args.runs)]
    results["facts"] = {"cold_s": round(cold, 3), "warm_s": round(statistics.median(warm), 3), "values": values}
    print(f"facts   cold {cold:8.3f} s   warm {statistics.median(warm):8.3f} s", flush=True)
    # The previous implementation in the same run, interleaved with the current one (the load changes by the minute).
    now_again, before = [], []
    with previous_distinct():
        pvalues, pcold = timed(lambda: run_facts(orgs, keys))
    for _ in range(args.runs):
        now_again.append(timed(lambda: run_facts(orgs, keys))[1])
        with previous_distinct():
            before.append(timed(lambda: run_facts(orgs, keys))[1])
    results["previous"] = {"warm_s": round(statistics.median(before), 3), "same_values": pvalues == values,
                           "now_interleaved_warm_s": round(statistics.median(now_again), 3)}
    print(f"previous (distinct counts from the records): warm {statistics.median(before):8.3f} s; now, interleaved: "
          f"{statistics.median(now_again):8.3f} s; same values: {pvalues == values}", flush=True)
    if args.per_key:
        results["per_key_ms"] = per_key(orgs, keys, args.runs)
        with previous_distinct():
            results["previous_per_key_ms"] = per_key(orgs, keys, args.runs)
        print("slowest now:", results["per_key_ms"][:12], flush=True)
        print("slowest previous:", results["previous_per_key_ms"][:12], flush=True)
    each = [timed(lambda: run_facts_each(orgs, keys)) for _ in range(args.runs)]
    results["facts_each"] = {"warm_s": round(statistics.median(t for _v, t in each), 3),
                             "same_values": all(v == values for v, _t in each)}
    print(f"facts, one call per organization: warm {results['facts_each']['warm_s']:8.3f} s", flush=True)
    # Direct: once, within a budget (at city scale one run takes minutes).
    fresh_connection()
    began = time.perf_counter()
    dvalues = run_direct(orgs, keys, began + args.direct_budget)
    dsec = time.perf_counter() - began
    results["direct"] = {"once_s": round(dsec, 1), "subjects_done": len(dvalues), "values": dvalues}
    print(f"direct  {len(dvalues)} of {len(orgs)} subjects in {dsec:.1f} s (one run)", flush=True)
    # Naive loop: the smallest subtrees first, each in full or not at all, within the budget.
    naive_keys = [k for k in keys if k not in NAIVE_SKIP]
    deadline = time.perf_counter() + args.naive_budget
    sizes = {o.code: Organization.objects.filter(path__startswith=o.path).count() for o in orgs}
    naive_done, naive_orgs, naive_seconds = {}, 0, 0.0
    fresh_connection()
    for o in sorted(orgs, key=lambda o: sizes[o.code]):
        began = time.perf_counter()
        got = naive_values(o, naive_keys, deadline)
        naive_seconds += time.perf_counter() - began
        if got is None:
            break
        naive_done[o.code] = got
    # Per organization visited, whether or not its subtree was finished within the budget.
    naive_orgs = NAIVE_PROGRESS["orgs"]
    total_orgs = sum(sizes.values())
    per_org = naive_seconds / naive_orgs if naive_orgs else None
    results["naive"] = {
        "subjects_done": sorted(naive_done), "seconds_done": round(naive_seconds, 1), "indicators": len(naive_keys),
        "extrapolated_s": round(per_org * total_orgs, 1) if per_org else None, "organizations_in_subtrees": total_orgs,
        "organizations_visited": naive_orgs,
    }
    print(f"naive   {len(naive_done)} of {len(orgs)} subtrees ({naive_orgs} organizations) in {naive_seconds:.1f} s; "
          f"all 11 extrapolated {results['naive']['extrapolated_s']} s ({len(naive_keys)} indicators)", flush=True)

    same_direct = all(results["facts"]["values"][c] == v for c, v in results["direct"]["values"].items())
    mismatches = [(code, k, results["facts"]["values"][code][k], v) for code, vals in naive_done.items()
                  for k, v in vals.items() if results["facts"]["values"][code][k] != v]
    results["identical_facts_direct"] = same_direct
    results["naive_mismatches"] = mismatches[:20]
    done = results["direct"]["subjects_done"]
    facts_share = results["facts"]["warm_s"] * done / len(orgs)
    ratio = results["direct"]["once_s"] / facts_share if done and facts_share else None
    results["speedup_warm_vs_direct"] = round(ratio, 1) if ratio else None
    if results["naive"]["extrapolated_s"]:
        results["speedup_warm_vs_naive"] = round(results["naive"]["extrapolated_s"] / results["facts"]["warm_s"], 0)
    print(f"identical facts == direct: {same_direct}; naive mismatches: {len(mismatches)}; "
          f"warm speed-up vs direct: {results['speedup_warm_vs_direct']}x", flush=True)
    if args.compare:
        other = json.loads(Path(args.compare).read_text())
        theirs = other["results"]["facts"]["values"]
        differ = [(c, k, v, theirs.get(c, {}).get(k)) for c, vals in results["facts"]["values"].items()
                  for k, v in vals.items() if theirs.get(c, {}).get(k) != v]
        results["identical_across_databases"] = {"other": other["info"]["database"], "differences": differ[:20]}
        print(f"identical to the {other['info']['database']} run: {not differ} ({len(differ)} differences)", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"info": info, "results": results}, ensure_ascii=False, default=str,
                                              indent=1))
    print(json.dumps(info, ensure_ascii=False), flush=True)
    across = results.get("identical_across_databases", {}).get("differences", [])
    return 0 if same_direct and not mismatches and not across and results["previous"]["same_values"] else 1


if __name__ == "__main__":
    sys.exit(main())
