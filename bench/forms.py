"""Benchmark of 一表通 (issue 20): a form with one row per branch, filled for a whole district of the `city` demo.

The district is 小店区 (140105), about 2,000 branches at city scale. Two templates, each with 6 indicator cells per
row, the row repeated for every branch (`{{ each branch }}`) and a total row below:

  orglife   the demo's 三会一课落实情况统计表 (qingfeng/demo/forms.py): members.total, orglife.compliance, the same
            | prior_year, orglife.theme_day_compliance, orglife.missing, activities.count
  counts    members.total, members.total[category=预备党员], activities.count, activities.count[type=主题党日],
            service.items, rectify.found

Timed, per template, on the database named by DATABASE_URL (read only — nothing is recorded, so a shared
database is fine):

  fill      filler.fill + saving the workbook: everything a download costs but the HTTP response
  grid      of which the one engine.compute_grid call
  per-org   the baseline in the same run: one engine.compute call per branch (what a filler without
            compute_grid would cost), over a sample of branches and extrapolated to all of them

The filled values of the sample must equal compute(), and those of its first --direct branches the direct
computation from the raw records (engine.compute_direct).

"cold" is the first run on a fresh connection; "warm" the median of the following runs. The filled values are
checked as said above. The load average is printed with the figures.

Usage:  DATABASE_URL=postgres://…/qf_city .venv/bin/python bench/forms.py [--org 140105] [--runs 3]
        [--from 2021-01-01 --to 2021-03-31] [--sample 100] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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

import openpyxl  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402

COUNT_KEYS = ["members.total", "members.total[category=预备党员]", "activities.count", "activities.count[type=主题党日]",
              "service.items", "rectify.found"]


def counts_template() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A1"] = "党支部基本情况统计表"
    ws.merge_cells("A1:H1")
    ws.append(["党支部", "组织编码", "党员", "预备党员", "活动", "主题党日", "办实事", "发现问题"])
    ws.append(["{{ each branch }}", "{{ org.code }}"] + [f"{{{{ {k} }}}}" for k in COUNT_KEYS])
    ws.append(["合计", None] + [f"=SUM({c}3:{c}3)" for c in "CDEFGH"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def templates() -> dict[str, tuple[bytes, list[str], list[str]]]:
    """name → (template, the keys of a row as the engine is asked them, the columns they land in)."""
    from qingfeng.demo.forms import orglife_form

    orglife = ["members.total", "orglife.compliance", "orglife.compliance", "orglife.theme_day_compliance",
               "orglife.missing", "activities.count"]
    return {"orglife": (orglife_form(), orglife, list("CDEFGH")), "counts": (counts_template(), COUNT_KEYS, list("CDEFGH"))}


def fresh_connection() -> None:
    connection.close()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def time_fill(content: bytes, org, start, end, user):
    from qingfeng.indicators import engine

    grid_seconds = []
    original = engine.compute_grid

    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            grid_seconds.append(time.perf_counter() - began)

    from qingfeng.forms import filler

    engine.compute_grid = timed
    try:
        reset_queries()
        began = time.perf_counter()
        filled = filler.fill(content, org, start, end, user)
        data = filled.content()
        total = time.perf_counter() - began
    finally:
        engine.compute_grid = original
    return total, sum(grid_seconds), filled, len(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--org", default="140105")
    parser.add_argument("--from", dest="start", default="2021-01-01")
    parser.add_argument("--to", dest="end", default="2021-03-31")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100, help="branches asked one by one for the baseline")
    parser.add_argument("--direct", type=int, default=10, help="of the sample, checked against the raw records")
    parser.add_argument("--only", default=None, help="one template: orglife or counts")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from qingfeng.forms.filler import prior_year, rows_for
    from qingfeng.indicators import engine
    from qingfeng.orgs.models import Organization

    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    org = Organization.objects.get(code=args.org)
    branches = rows_for("branch", org, end)
    print(f"{connection.vendor}: {org.code} {org.name}, {len(branches)} branches, {start} .. {end}; load {load()}")
    results = {"database": connection.vendor, "org": org.code, "branches": len(branches), "period": [args.start, args.end],
               "templates": {}}
    for name, (content, keys, columns) in templates().items():
        if args.only and name != args.only:
            continue
        runs = []
        for n in range(1 + args.runs):
            fresh_connection() if n == 0 else None
            total, grid, filled, size = time_fill(content, org, start, end, None)
            runs.append((total, grid))
            print(f"  {name} run {n + 1}: fill {total:.2f} s, of which compute_grid {grid:.2f} s; {size // 1024} KB;"
                  f" load {load()}")
        ws = filled.workbook.worksheets[0]
        # The baseline: one compute() per branch, on an evenly spread sample; and the values must agree.
        step = max(1, len(branches) // args.sample)
        sample = [(i, b) for i, b in enumerate(branches)][::step][:args.sample]
        began = time.perf_counter()
        for i, branch in sample:
            own = engine.compute(branch, start, end, list(dict.fromkeys(keys)))
            prior = engine.compute(branch, *prior_year(start, end), [keys[2]]) if name == "orglife" else {}
            row = 4 + i if name == "orglife" else 3 + i
            got = [ws[f"{c}{row}"].value for c in columns]
            want = [own[k] for k in keys]
            if name == "orglife":
                want[2] = prior[keys[2]]
            if got != want:
                raise SystemExit(f"{name}: {branch.code} filled {got}, compute() gives {want}")
        per_org = (time.perf_counter() - began) / len(sample) * len(branches)
        # And the reference: the same values straight from the records (direct.py), for a few of them.
        for i, branch in sample[:args.direct]:
            own = engine.compute_direct(branch, start, end, list(dict.fromkeys(keys)))
            want = [own[k] for k in keys]
            if name == "orglife":
                want[2] = engine.compute_direct(branch, *prior_year(start, end), [keys[2]])[keys[2]]
            row = 4 + i if name == "orglife" else 3 + i
            if [ws[f"{c}{row}"].value for c in columns] != want:
                raise SystemExit(f"{name}: {branch.code} filled differs from the records: {want}")
        warm = [r[0] for r in runs[1:]] or [runs[0][0]]
        warm_grid = [r[1] for r in runs[1:]] or [runs[0][1]]
        result = {"cells": len(branches) * len(keys), "cold": round(runs[0][0], 2), "warm": round(statistics.median(warm), 2),
                  "grid_warm": round(statistics.median(warm_grid), 2),
                  "per_org_extrapolated": round(per_org, 1), "sample": len(sample), "load": load()}
        result["speedup"] = round(per_org / result["warm"], 1)
        results["templates"][name] = result
        print(f"  {name}: {result['cells']} cells — warm {result['warm']} s (compute_grid {result['grid_warm']} s), cold"
              f" {result['cold']} s; one compute() per branch ≈ {result['per_org_extrapolated']} s"
              f" ({len(sample)} sampled; values equal, {min(args.direct, len(sample))} also to the records) → {result['speedup']}×; load {result['load']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
