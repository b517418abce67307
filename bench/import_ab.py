"""A/B of the member import between two trees of the platform (issue 14: before and after the redesign), in one
session: the same workbook (bench/import_members.py's members under its branches) imported into a fresh SQLite
database by each tree's own code and venv, the trees alternating run by run, and what was written compared.

    .venv/bin/python bench/import_ab.py --tree A=/work/wt/old --tree B=. [--members 50000] [--branches 2000] [--runs 3]

Each tree runs this file's child in a subprocess with its own Python (TREE/.venv/bin/python, cwd TREE), so only APIs
both trees have are used: imports.actions.check_file and the importer's write(), indicators.store.rebuild_facts and
the `indicators` command. Per run it reports the import's wall and CPU time (check + write, as run_import does), a
full facts rebuild of the fresh database timed alone, and a fingerprint of what was written (the rows of every
project table but the logs, and every indicator of the root and a district over two periods, from the facts); the
fingerprints of all runs must be equal. Times are medians, with the load average at the start and end of each run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PERIODS = (("2000-01-01", "2026-06-30"), ("2025-01-01", "2025-12-31"))
# Tables whose rows are logs of the run itself (times, ids of jobs), not what the import wrote.
VOLATILE = ("audit_", "django_", "imports_", "indicators_", "core_pendingchange", "core_setting", "auth_", "accounts_",
            "jobs_")


def cpu_now() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(db_url: str, var: str, path: str) -> dict:
    os.environ["DATABASE_URL"] = db_url
    os.environ["QINGFENG_VAR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from qingfeng.accounts.models import Role, User
    from qingfeng.imports.actions import check_file
    from qingfeng.indicators.store import rebuild_facts

    user = User.objects.create_superuser(username="bench", password="bench-password-1", role=Role.ADMIN)
    cpu, started = cpu_now(), time.perf_counter()
    result, importer = check_file(Path(path), user)
    assert result.ok, [str(p) for p in result.problems[:5]]
    importer.write()
    out = {"import_seconds": time.perf_counter() - started, "import_cpu": cpu_now() - cpu}
    started = time.perf_counter()
    rebuild_facts()
    out["rebuild_seconds"] = time.perf_counter() - started
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if not table.startswith(VOLATILE):
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — names from the schema
                counts[table] = cursor.fetchone()[0]
    values = {}
    for org in ("R", "D00"):
        for start, end in PERIODS:
            from io import StringIO

            buf = StringIO()
            call_command("indicators", "--org", org, "--from", start, "--to", end, "--format", "json", stdout=buf)
            values[f"{org} {start}..{end}"] = json.loads(buf.getvalue())
    out["counts"], out["values"] = {k: v for k, v in counts.items() if v}, values
    return out


def run_tree(tree: Path, workbook: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="qf-ab-"))
    load_before = os.getloadavg()[0]
    done = subprocess.run([str(tree / ".venv/bin/python"), str(HERE), "--child", f"sqlite:///{tmp}/ab.sqlite3",
                           str(tmp / "var"), str(workbook)], cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tree} failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["load"] = (load_before, os.getloadavg()[0])
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:5]), ensure_ascii=False, default=str))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH, twice")
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--branches", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=tempfile.gettempdir())
    args = parser.parse_args()
    trees = [(label, Path(path).resolve()) for label, path in (t.split("=", 1) for t in args.tree)]
    workbook = Path(args.work) / f"qf-ab-{args.members}-{args.branches}.xlsx"
    if not workbook.exists():
        sys.path.insert(0, str(HERE.parent.parent))
        sys.path.insert(0, str(HERE.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
        import django

        django.setup()
        from import_members import write_workbook

        write_workbook(workbook, args.members, args.branches)
    runs: dict[str, list[dict]] = {label: [] for label, _ in trees}
    for n in range(args.runs):
        for label, tree in trees if n % 2 == 0 else trees[::-1]:
            out = run_tree(tree, workbook)
            runs[label].append(out)
            print(f"run {n + 1} {label}: import {out['import_seconds']:.1f} s wall, {out['import_cpu']:.1f} s CPU; "
                  f"rebuild {out['rebuild_seconds']:.1f} s; load {out['load'][0]:.1f} → {out['load'][1]:.1f}", flush=True)
    prints = {label: {hashlib.sha256(json.dumps([r["counts"], r["values"]], sort_keys=True).encode()).hexdigest()[:16]
                      for r in rs} for label, rs in runs.items()}
    print(f"\n{args.members:,} members under {args.branches:,} branches, {args.runs} runs each, alternating")
    print("| tree | import wall (median) | import CPU | facts rebuild | load average over the runs | fingerprint |")
    print("|---|---|---|---|---|---|")
    for label, rs in runs.items():
        loads = [x for r in rs for x in r["load"]]
        print(f"| {label} | {statistics.median(r['import_seconds'] for r in rs):.1f} s | "
              f"{statistics.median(r['import_cpu'] for r in rs):.1f} s | "
              f"{statistics.median(r['rebuild_seconds'] for r in rs):.1f} s | {min(loads):.1f}–{max(loads):.1f} | "
              f"{', '.join(sorted(prints[label]))} |")
    first = {label: rs[0] for label, rs in runs.items()}
    (a, ra), (b, rb) = list(first.items())[:2]
    same_counts = ra["counts"] == rb["counts"]
    common = {k: {key: v for key, v in vals.items() if key in rb["values"][k]} for k, vals in ra["values"].items()}
    theirs = {k: {key: v for key, v in vals.items() if key in ra["values"][k]} for k, vals in rb["values"].items()}
    differ = sorted({f"{k} {key}" for k in common for key in common[k] if common[k][key] != theirs[k][key]})
    only = sorted({key for k in rb["values"] for key in rb["values"][k] if key not in ra["values"][k]})
    print(f"\nrows written equal: {same_counts}" + ("" if same_counts else
          f" ({ {t: (ra['counts'].get(t), rb['counts'].get(t)) for t in set(ra['counts']) | set(rb['counts']) if ra['counts'].get(t) != rb['counts'].get(t)} })"))
    print(f"indicator values in both ({sum(len(v) for v in common.values())}): {'identical' if not differ else differ}")
    print(f"indicators only in {b}: {len(only)} ({', '.join(only)})")


if __name__ == "__main__":
    main()
