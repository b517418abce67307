"""A/B of bench/indicators.py and bench/cockpit.py between two trees of the platform (issue 14: before and after the
redesign), in one session: each tree runs its own two benches with its own venv against its own demo database, the
trees alternating round by round (A B, B A, A B …), and the values both give are compared.

    .venv/bin/python bench/derived_ab.py --tree before=/work/ab-before --tree after=. [--tree LABEL=PATH@DB …]
        [--rounds 3] [--runs 5] [--db var/small.sqlite3] [--direct-budget 300] [--naive-budget 60] [--json FILE]

Each tree's database is TREE/DB (SQLite; build it first with `DATABASE_URL=sqlite:///TREE/var/small.sqlite3
QINGFENG_VAR=TREE/var TREE/.venv/bin/qingfeng demo --scale small --no-serve`), or the DB given after `@` (relative to
the tree, or absolute: e.g. a copy of the other tree's demo migrated and its facts rebuilt by this tree, to compare the
two codes on the same records); QINGFENG_VAR is TREE/var. Per round and tree: `bench/indicators.py --scale small --runs R --json …` and `bench/cockpit.py --scale small --runs R
--direct-runs 1 --json …` (the tree's own files, cwd TREE), then this file's child in the tree's Python fetches the
cockpit page once more as `leader` and keeps its figures (`data-figure`), which bench/cockpit.py checks but does not
write out. Reported: the median over the rounds of each way's time (each round's figure is itself the bench's own warm
median of R runs, or its single direct/naive run), the load average at the start and end of every bench run, and the
values: the facts' and the direct computation's values of every indicator both trees ask (11 organizations over Y)
and the cockpit's figures both pages show, which must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
URL = "/cockpit/?org=140100&from=2020-05-12&to=2021-05-11"


def child() -> None:
    """In a tree's own Python, cwd the tree: the cockpit page's figures as served."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    import django

    django.setup()
    from django.test import Client

    import qingfeng.wsgi  # noqa: F401 — as a served process
    from qingfeng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    response = client.get(URL)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    print(json.dumps(dict(re.findall(r'data-figure="([^"]+)">([^<]+)<', page)), ensure_ascii=False))


def loadavg() -> float:
    return os.getloadavg()[0]


def run(tree: Path, db: Path, argv: list[str]) -> tuple[str, tuple[float, float]]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "QINGFENG_VAR": str(tree / "var")}
    env.pop("VIRTUAL_ENV", None)
    load = loadavg()
    done = subprocess.run([str(tree / ".venv/bin/python"), *argv], cwd=tree, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode not in (0, 1):  # the benches exit 1 when their own ways disagree: reported, not fatal
        raise SystemExit(f"{tree} {argv}: exit {done.returncode}\n{done.stderr[-3000:]}")
    return done.stdout, (load, loadavg())


def one_round(tree: Path, db: Path, args, tmp: Path, label: str, n: int) -> dict:
    ind_json, cock_json = tmp / f"{label}-{n}-indicators.json", tmp / f"{label}-{n}-cockpit.json"
    _out, ind_load = run(tree, db, ["bench/indicators.py", "--scale", "small", "--runs", str(args.runs),
                                         "--direct-budget", str(args.direct_budget),
                                         "--naive-budget", str(args.naive_budget), "--json", str(ind_json)])
    _out, cock_load = run(tree, db, ["bench/cockpit.py", "--scale", "small", "--runs", str(args.runs),
                                          "--direct-runs", "1", "--json", str(cock_json)])
    figures, _load = run(tree, db, [str(HERE), "--child"])
    ind = json.loads(ind_json.read_text())
    return {"indicators": ind, "cockpit": json.loads(cock_json.read_text()),
            "figures": json.loads(figures.strip().splitlines()[-1]),
            "load": {"indicators": ind_load, "cockpit": cock_load}}


WAYS = {  # label: (bench, path in its JSON), seconds or ms as the bench writes them
    "indicators: facts, 11 in one call, warm (s)": ("indicators", ("results", "facts", "warm_s")),
    "indicators: facts, 11 in one call, cold (s)": ("indicators", ("results", "facts", "cold_s")),
    "indicators: facts, one call per organization, warm (s)": ("indicators", ("results", "facts_each", "warm_s")),
    "indicators: direct, one run of the 11 (s)": ("indicators", ("results", "direct", "once_s")),
    "indicators: naive, extrapolated to the 11 (s)": ("indicators", ("results", "naive", "extrapolated_s")),
    "cockpit: facts, warm (ms)": ("cockpit", ("facts", "warm_ms")),
    "cockpit: facts, cold (ms)": ("cockpit", ("facts", "cold_ms")),
    "cockpit: queries": ("cockpit", ("facts", "queries")),
    "cockpit: direct (ms)": ("cockpit", ("direct", "warm_ms")),
    "cockpit: warnings card (ms)": ("cockpit", ("warnings_panel", "ms")),
    "cockpit: warnings card queries": ("cockpit", ("warnings_panel", "queries")),
}


def dig(d, path):
    for p in path:
        d = (d or {}).get(p)
    return d


def compare(a: dict, b: dict) -> dict:
    """The values both give, of one round of each tree."""
    out: dict = {}
    for way in ("facts", "direct"):
        va, vb = a["indicators"]["results"][way]["values"], b["indicators"]["results"][way]["values"]
        common = [(c, k) for c in va if c in vb for k in va[c] if k in vb[c]]
        out[way] = {"compared": len(common), "differ": [(c, k, va[c][k], vb[c][k]) for c, k in common
                                                        if va[c][k] != vb[c][k]]}
    ka = {k for vals in a["indicators"]["results"]["facts"]["values"].values() for k in vals}
    kb = {k for vals in b["indicators"]["results"]["facts"]["values"].values() for k in vals}
    out["indicators"] = {"both": len(ka & kb), "only_first": sorted(ka - kb), "only_second": sorted(kb - ka)}
    fa, fb = a["figures"], b["figures"]
    common = sorted(set(fa) & set(fb))
    out["figures"] = {"compared": len(common), "differ": [(f, fa[f], fb[f]) for f in common if fa[f] != fb[f]],
                      "only_first": sorted(set(fa) - set(fb)), "only_second": sorted(set(fb) - set(fa))}
    return out


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH, twice")
    parser.add_argument("--db", default="var/small.sqlite3", help="each tree's SQLite database, relative to the tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="the benches' own --runs")
    parser.add_argument("--direct-budget", type=float, default=300.0)
    parser.add_argument("--naive-budget", type=float, default=60.0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    trees = []
    for spec in args.tree:
        label, rest = spec.split("=", 1)
        path, _at, db = rest.partition("@")
        tree = Path(path).resolve()
        trees.append((label, tree, tree / (db or args.db)))
    tmp = Path(tempfile.mkdtemp(prefix="qf-derived-ab-"))
    rounds: dict[str, list[dict]] = {label: [] for label, _tree, _db in trees}
    for n in range(args.rounds):
        for label, tree, db in trees if n % 2 == 0 else trees[::-1]:
            r = one_round(tree, db, args, tmp, label, n)
            rounds[label].append(r)
            print(f"round {n + 1} {label}: indicators facts warm {dig(r['indicators'], WAYS[next(iter(WAYS))][1])} s, "
                  f"direct {r['indicators']['results']['direct']['once_s']} s; cockpit warm {r['cockpit']['facts']['warm_ms']}"
                  f" ms; load {r['load']['indicators'][0]:.1f} → {r['load']['cockpit'][1]:.1f}", flush=True)
    report(rounds, args)


def report(rounds: dict[str, list[dict]], args) -> None:
    labels = list(rounds)
    first = labels[0]
    print(f"\n{args.rounds} rounds, alternating; each round's figure is the bench's own (warm: median of {args.runs})")
    print(f"| way | {' | '.join(f'{x} (median)' for x in labels)} | {' | '.join(f'{x} / {first}' for x in labels[1:])} |")
    print("|---|" + "---|" * (2 * len(labels) - 1))
    table = {}
    for way, (bench, path) in WAYS.items():
        xs = {x: [v for r in rounds[x] if (v := dig(r[bench], path)) is not None] for x in labels}
        ms = {x: statistics.median(v) if v else None for x, v in xs.items()}
        table[way] = xs
        cells = [f"{ms[x]} ({', '.join(map(str, xs[x]))})" for x in labels]
        ratios = [f"{ms[x] / ms[first]:.2f}" if ms[x] and ms[first] else "—" for x in labels[1:]]
        print(f"| {way} | {' | '.join(cells)} | {' | '.join(ratios)} |")
    for label, rs in rounds.items():
        loads = [x for r in rs for pair in r["load"].values() for x in pair]
        print(f"load average over {label}'s bench runs: {min(loads):.1f}–{max(loads):.1f} "
              f"({[[round(x, 1) for pair in r['load'].values() for x in pair] for r in rs]})")
    # Values: every run against the first round of the first tree.
    checks = {f"{x} round {i + 1}": compare(rounds[first][0], r) for x in labels for i, r in enumerate(rounds[x])
              if (x, i) != (first, 0)}
    print(f"\nvalues against {first} round 1:")
    for name, c in checks.items():
        print(f"- {name}: indicators both ask {c['indicators']['both']} (only {first}: {c['indicators']['only_first']}; "
              f"only this: {c['indicators']['only_second']}); facts values compared {c['facts']['compared']}, differ "
              f"{len(c['facts']['differ'])}; direct compared {c['direct']['compared']}, differ {len(c['direct']['differ'])}; "
              f"cockpit figures compared {c['figures']['compared']}, differ {len(c['figures']['differ'])} (only on "
              f"{first}'s page {len(c['figures']['only_first'])}, only on this page {len(c['figures']['only_second'])})")
        for what in ("facts", "direct", "figures"):
            for d in c[what]["differ"][:10]:  # all of them in --json
                print(f"    {what} differs: {d}")
    own = {label: [(r["indicators"]["results"].get("identical_facts_direct"), r["cockpit"]["figures_identical"])
                   for r in rs] for label, rs in rounds.items()}
    print(f"each bench's own check (facts == direct, cockpit facts == direct) per round: {own}")
    if args.json:
        Path(args.json).write_text(json.dumps({"table": table, "checks": checks, "own_checks": own,
                                               "loads": {k: [r["load"] for r in rs] for k, rs in rounds.items()},
                                               "figures": {k: rs[0]["figures"] for k, rs in rounds.items()},
                                               "values": {k: rs[0]["indicators"]["results"]["facts"]["values"]
                                                          for k, rs in rounds.items()}},
                                              ensure_ascii=False, indent=1, default=str))

if __name__ == "__main__":
    main()
