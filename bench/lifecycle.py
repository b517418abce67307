"""Benchmark of the member lifecycle's indicators read from the facts: 党费按月交纳率 (dues.payment_rate),
连续六个月未交党费或未过组织生活人数 (members.lapsed) and 党费收缴额 (dues.collected), for the root 140100 and its
10 county-level committees over period Y (2020-05-12 .. 2021-05-11), on the database named by DATABASE_URL.

  facts   engine.compute per organization: the own rows "paid", "lapse" and "dues" and the "mem" snapshot
          (qingfeng/membership/facts.py)
  many    engine.compute_many: the same for the 11 together (their snapshots read in one query)
  direct  engine.compute_direct: the raw records (qingfeng/membership/indicators.py) — how they were computed
          before, the baseline of this run

"cold" is the first run on a fresh connection, "warm" the median of the following runs; the values of the
ways must be identical. Then what they add to all the indicators of the 11 (engine.compute_many), the
median of --runs alternating runs with and without them. With --rebuild, the facts are rebuilt first and
the time of the lifecycle's own rows alone is reported.

Usage:  DATABASE_URL=postgres://…/bench QINGFENG_VAR=/tmp/bench .venv/bin/python bench/lifecycle.py
        [--runs 5] [--direct-runs 0] [--rebuild] [--json FILE]
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

from django.db import connection  # noqa: E402

Y = (dt.date(2020, 5, 12), dt.date(2021, 5, 11))
KEYS = ["dues.payment_rate", "members.lapsed", "dues.collected"]


def subject_orgs():
    from qingfeng.orgs.models import Level, Organization

    root = Organization.objects.get(code="140100")
    return [root, *Organization.objects.filter(parent=root, level=Level.COUNTY).order_by("code")[:10]]


def timed_runs(fn, runs: int) -> tuple[dict, float, list[float]]:
    """(values, cold seconds, warm seconds): the first run on a fresh connection, then `runs` more."""
    connection.close()
    connection.connect()
    began = time.perf_counter()
    values = fn()
    cold = time.perf_counter() - began
    warm = []
    for _ in range(runs):
        began = time.perf_counter()
        again = fn()
        warm.append(time.perf_counter() - began)
        assert again == values
    return values, cold, warm


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="warm runs of the facts")
    parser.add_argument("--direct-runs", type=int, default=0, help="warm runs of the direct computation (0: cold only)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the facts first, timing it")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from qingfeng.indicators import engine, store
    from qingfeng.membership import facts as lifecycle

    info: dict = {"database": connection.vendor}
    if args.rebuild or store.state() is None:
        for name in ("add_paid", "add_lapse"):
            rows = store.Rows()
            began = time.perf_counter()
            getattr(lifecycle, name)(rows)
            info[f"{name}_s"] = round(time.perf_counter() - began, 1)
            info[f"{name}_rows"] = len(rows.data)
        began = time.perf_counter()
        store.rebuild_facts()
        info["rebuild_s"] = round(time.perf_counter() - began, 1)
        print(f"rebuild_facts {info['rebuild_s']} s, of which the lifecycle's own rows: paid {info['add_paid_s']} s "
              f"({info['add_paid_rows']} rows), lapse {info['add_lapse_s']} s ({info['add_lapse_rows']} rows)", flush=True)
    orgs = subject_orgs()
    results = {}

    def many(orgs, start, end, keys):
        got = engine.compute_many(orgs, start, end, keys)
        return {o.code: got[o.pk][keys[0]] for o in orgs}

    ways = (("facts", lambda k: {o.code: engine.compute(o, *Y, [k])[k] for o in orgs}),
            ("many", lambda k: many(orgs, *Y, [k])),
            ("direct", lambda k: {o.code: engine.compute_direct(o, *Y, [k])[k] for o in orgs}))
    for way, compute in ways:
        runs = args.direct_runs if way == "direct" else args.runs
        per_key = {}
        for key in KEYS:
            values, cold, warm = timed_runs(lambda k=key, c=compute: c(k), runs)
            per_key[key] = {"cold_s": round(cold, 4), "warm_s": [round(w, 4) for w in warm],
                            "warm_median_s": round(statistics.median(warm), 4) if warm else None, "values": values}
            print(f"{way:6} {key:17} cold {cold:9.4f} s   warm median "
                  f"{statistics.median(warm) if warm else float('nan'):9.4f} s", flush=True)
        results[way] = per_key
    same = all(results[w][k]["values"] == results["direct"][k]["values"] for k in KEYS for w in ("facts", "many"))
    # what they add when every indicator is asked (the payment rate shares the members' snapshot with members.total)
    from qingfeng.core.indicators import REGISTRY

    every = list(REGISTRY)
    rest = [k for k in every if k not in KEYS]
    with_, without = [], []
    engine.compute_many(orgs, *Y, every)
    for _ in range(args.runs):
        for keys, sink in ((every, with_), (rest, without)):
            began = time.perf_counter()
            engine.compute_many(orgs, *Y, keys)
            sink.append(time.perf_counter() - began)
    results["share"] = {"all_s": round(statistics.median(with_), 4), "without_s": round(statistics.median(without), 4)}
    print(f"all {len(every)} indicators of the 11: {statistics.median(with_):.3f} s; without these {len(KEYS)}: "
          f"{statistics.median(without):.3f} s (medians of {args.runs})", flush=True)
    for key in KEYS:
        f, m, d = results["facts"][key], results["many"][key], results["direct"][key]
        base = d["warm_median_s"] or d["cold_s"]
        print(f"{key}: facts warm {f['warm_median_s'] * 1000:.1f} ms per organization, {m['warm_median_s'] * 1000:.1f} ms "
              f"together, vs direct {base:.1f} s for the 11 ({base / f['warm_median_s']:.0f}×)", flush=True)
    print(f"values identical: {same}", flush=True)
    print(json.dumps({k: results["facts"][k]["values"] for k in KEYS}, ensure_ascii=False), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"info": info, "results": results, "identical": same},
                                              ensure_ascii=False, indent=1, default=str))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
