"""Benchmark of the drill-through's paging (issue 18.3): page 1 of a large record set against page 1 of a small one.

/api/v1/drill (page_size 1) and the drill page (/indicators/drill/, 25 rows) are requested in-process through
Django's test client, signed in as the demo's `leader`, for a large subtree and period (`--big`, default the
county 140105 over two years) and a small one (`--small`, a branch in one month), each two ways in the same run:

  now        as served: the value and the totals from the facts (indicators.paging), only the page's rows read
  previous   baseline: the value and every total counted from the records (one COUNT per record set — what the
             API and the page did before), kept below as `previous_figure_and_sizes` and patched in

The two ways must give the same response. Target: page 1 of the large set within 2× of page 1 of the small one.
"cold" is the first request on a fresh connection, "warm" the median of the following ones.

Usage:  DATABASE_URL=postgres://…/bench QINGFENG_VAR=/tmp/bench .venv/bin/python bench/drill.py
        [--key activities.count] [--big 140105 2019-05-12 2021-05-11] [--small 140105001 2021-03-01 2021-03-31]
        [--runs 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

import qingfeng.wsgi  # noqa: E402, F401 — as a served process is: every view loaded at start-up

# ---- the previous implementation (qingfeng/api/indicators.py and indicators/views.py before), as a function ------

def previous_figure_and_sizes(key, parts, org, start, end, user=None):
    """Every total counted: the value from the record sets (their COUNT), and each set's size."""
    value = parts.value()
    if parts.records is not None:
        return value, {"records": parts.records.size()}
    return value, {"numerator": parts.numerator.size(), "denominator": parts.denominator.size()}


# ---- measuring ---------------------------------------------------------------------------------------------------

def get(client, url: str, **headers) -> tuple[float, object]:
    connection.close()  # each measured request starts like a fresh worker's
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def body(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


def measure(client, url: str, runs: int, **headers) -> dict:
    got = [get(client, url, **headers) for _ in range(runs)]
    times = [ms for ms, _r in got]
    return {"cold_ms": round(times[0], 1), "warm_ms": round(statistics.median(times[1:] or times), 1),
            "body": body(got[-1][1])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default="activities.count")
    parser.add_argument("--big", nargs=3, default=["140105", "2019-05-12", "2021-05-11"], metavar=("ORG", "FROM", "TO"))
    parser.add_argument("--small", nargs=3, default=["140105001", "2021-03-01", "2021-03-31"],
                        metavar=("ORG", "FROM", "TO"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from django.core.management import call_command
    from django.test import Client

    from qingfeng.accounts.models import User
    from qingfeng.api.actions import issue_token
    from qingfeng.core.schema import migrate_quietly
    from qingfeng.indicators import paging

    migrate_quietly(call_command)
    leader = User.objects.get(username="leader")
    _token, raw = issue_token(leader, "bench", 7)
    client = Client()
    client.force_login(leader)
    auth = {"Authorization": f"Bearer {raw}"}
    result: dict = {"database": connection.vendor, "key": args.key}
    same = True
    for name, (code, start, end) in (("big", args.big), ("small", args.small)):
        urls = {"api": (f"/api/v1/drill?id={args.key}&org={code}&from={start}&to={end}&page=1&page_size=1", auth),
                "page": (f"/indicators/drill/?key={args.key}&org={code}&start={start}&end={end}", {})}
        case: dict = {"org": code, "from": start, "to": end}
        for what, (url, headers) in urls.items():
            now = measure(client, url, args.runs, **headers)
            original = paging.figure_and_sizes
            paging.figure_and_sizes = previous_figure_and_sizes  # the views import it at call time
            try:
                previous = measure(client, url, args.runs, **headers)
            finally:
                paging.figure_and_sizes = original
            identical = now.pop("body") == previous.pop("body")
            same &= identical
            case[what] = {"now": now, "previous": previous, "same_response": identical}
        rows = json.loads(get(client, urls["api"][0], **auth)[1].content)["count"]
        case["rows"] = rows.get("rows", rows)
        result[name] = case
        print(name, json.dumps(case, ensure_ascii=False), flush=True)
    for what in ("api", "page"):
        for way in ("now", "previous"):
            ratio = result["big"][what][way]["warm_ms"] / result["small"][what][way]["warm_ms"]
            result[f"{what}_{way}_big_over_small"] = round(ratio, 2)
    print({k: v for k, v in result.items() if k.endswith("_over_small")}, "same responses:", same, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
