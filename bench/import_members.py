"""Benchmark: import 400,000 members under 2,000 branches into a fresh database, on SQLite and PostgreSQL,
side by side with django-import-export importing the same member rows.

    .venv/bin/python bench/import_members.py [--members 400000] [--branches 2000] [--iex-rows 20000]
                                             [--pg postgres://postgres@127.0.0.1:5432/postgres] [--skip-pg]

Each measurement runs in its own subprocess against a fresh database, and reports wall time and its own
peak memory (ru_maxrss). django-import-export is measured on the first --iex-rows members (its per-row
lookups make the full run take many minutes); its rows/s — and any figure derived for 400,000 rows — is
labelled as extrapolated from that subset. Our import writes four rows per member (the person, the initial
organizational relation, the cadre-level record and the burden entry); django-import-export writes one.
python-calamine reading the same workbook and nothing else is measured first: the floor an import cannot beat
(issue 18, item 4); ours is reported in its two stages (check: read + validate + plan; write)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文斌宇浩凯鹏飞"
MEMBER_HEADERS = ["姓名", "公民身份号码", "性别", "出生日期", "学历", "党员类别", "入党日期", "转正日期", "所在党组织编码",
                  "干部管理层级", "手机号码"]
EDUCATION = ["研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"]


def member_rows(members: int, branches: int, seed: int = 7):
    from qingfeng.core.idnumbers import make_id_number

    rng = random.Random(seed)
    first_birth = dt.date(1940, 1, 1)
    for i in range(members):
        birth = first_birth + dt.timedelta(days=i // 900)  # 900 sequence numbers per birth date: unique IDs
        sequence = i % 900 + 1
        number = make_id_number("140105", birth, sequence)
        gender = "男" if sequence % 2 else "女"
        admitted = dt.date(birth.year + 25, (i % 12) + 1, 1)
        full = admitted < dt.date(2024, 1, 1)
        yield [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), number, gender, birth.isoformat(),
               EDUCATION[i % 6], "正式党员" if full else "预备党员", admitted.isoformat(),
               dt.date(admitted.year + 1, admitted.month, 1).isoformat() if full else "",
               f"B{i % branches:05d}", "无", f"13{i:09d}"]


def org_rows(branches: int):
    yield ["R", "中共示例市委", "", "党委", "党政机关", "市"]
    for d in range(20):
        yield [f"D{d:02d}", f"示例区委{d}", "R", "党委", "党政机关", "县(市、区)"]
    for b in range(branches):
        yield [f"B{b:05d}", f"第{b}党支部", f"D{b % 20:02d}", "党支部", "社区", ""]


def write_workbook(path: Path, members: int, branches: int, with_orgs: bool = True) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if with_orgs:
        ws = wb.create_sheet("党组织")
        ws.append(["组织编码", "组织名称", "上级组织编码", "组织类别", "单位类型", "层级"])
        for row in org_rows(branches):
            ws.append(row)
    ws = wb.create_sheet("党员")
    ws.append(MEMBER_HEADERS)
    for row in member_rows(members, branches):
        ws.append(row)
    wb.save(path)
    return path


# ---- the measured children -----------------------------------------------------------------------

def _setup_django(db_url: str, var: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ["QINGFENG_VAR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from qingfeng.accounts.models import Role, User

    return User.objects.create_superuser(username="bench", password="bench-password-1", role=Role.ADMIN)


def child_ours(db_url: str, var: str, path: str) -> dict:
    user = _setup_django(db_url, var)
    from qingfeng.imports.actions import check_file

    cpu_before = cpu_now()
    started = time.perf_counter()
    result, importer = check_file(Path(path), user)  # what run_import does, in its two stages
    checked = time.perf_counter() - started
    assert result.ok, [str(p) for p in result.problems[:5]]
    importer.write()
    seconds = time.perf_counter() - started
    from qingfeng.people.models import Person

    out = report(Person.objects.count(), seconds, cpu_before)
    out["check_seconds"], out["write_seconds"] = checked, seconds - checked
    # The facts of a fresh database are first built by `rebuild-facts` (an import refreshes only what it touched,
    # once they exist): timed alone, for comparison.
    from qingfeng.indicators.store import rebuild_facts

    started = time.perf_counter()
    rebuild_facts()
    out["facts_rebuild_seconds"] = time.perf_counter() - started
    return out


def child_calamine(path: str) -> dict:
    """The floor: python-calamine reading every row of the same workbook, in-process, nothing else."""
    import python_calamine

    cpu_before = cpu_now()
    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(path)
    rows = sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)
    return report(rows, time.perf_counter() - started, cpu_before)


def report(rows: int, seconds: float, cpu_before: float) -> dict:
    # CPU of this process and of the processes it waited for (the import's reader child, issue 16).
    usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu_now() - cpu_before,
            "maxrss_mb": usage.ru_maxrss / 1024, "children_maxrss_mb": children.ru_maxrss / 1024}


def cpu_now() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def child_iex(db_url: str, var: str, path: str, orgs_path: str) -> dict:
    user = _setup_django(db_url, var)
    from import_export import fields, resources, widgets
    from tablib import Dataset

    from qingfeng.imports.actions import run_import
    from qingfeng.orgs.models import Organization
    from qingfeng.people.models import Person

    assert run_import(Path(orgs_path), user).ok  # the organizations, untimed

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
        gender = fields.Field(attribute="gender", column_name="性别")
        birth_date = fields.Field(attribute="birth_date", column_name="出生日期", widget=widgets.DateWidget("%Y-%m-%d"))
        education = fields.Field(attribute="education", column_name="学历")
        category = fields.Field(attribute="category", column_name="党员类别")
        admitted_on = fields.Field(attribute="admitted_on", column_name="入党日期", widget=widgets.DateWidget("%Y-%m-%d"))
        full_on = fields.Field(attribute="full_on", column_name="转正日期", widget=widgets.DateWidget("%Y-%m-%d"))
        org = fields.Field(attribute="org", column_name="所在党组织编码", widget=widgets.ForeignKeyWidget(Organization, "code"))
        cadre_level = fields.Field(attribute="cadre_level", column_name="干部管理层级")
        phone = fields.Field(attribute="phone", column_name="手机号码")

        class Meta:
            model = Person
            import_id_fields = ("id_number",)
            fields = ("name", "id_number", "gender", "birth_date", "education", "category", "admitted_on", "full_on",
                      "org", "cadre_level", "phone")

    cpu_before = cpu_now()
    started = time.perf_counter()
    with open(path, "rb") as f:
        dataset = Dataset().load(f.read(), format="xlsx")
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return report(Person.objects.count(), seconds, cpu_before)


# ---- the driver -----------------------------------------------------------------------------------

def fresh_pg(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def measure(kind: str, db_url: str, *paths: str) -> dict:
    var = tempfile.mkdtemp(prefix="qf-bench-var-")
    out = subprocess.run([sys.executable, __file__, f"--child-{kind}", db_url, var, *paths], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind} on {db_url} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        kind = sys.argv[1][len("--child-"):]
        if kind == "calamine":
            report = child_calamine(sys.argv[2])
        else:
            report = child_ours(*sys.argv[2:5]) if kind == "ours" else child_iex(*sys.argv[2:6])
        print(json.dumps(report))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=400_000)
    parser.add_argument("--branches", type=int, default=2_000)
    parser.add_argument("--iex-rows", type=int, default=20_000)
    parser.add_argument("--pg", default=os.environ.get("QINGFENG_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--work", default=tempfile.gettempdir())
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    work = Path(args.work)
    full = work / f"qf-bench-{args.members}-{args.branches}.xlsx"
    subset = work / f"qf-bench-iex-{args.iex_rows}-{args.branches}.xlsx"
    orgs = work / f"qf-bench-orgs-{args.branches}.xlsx"
    if not full.exists():
        started = time.perf_counter()
        write_workbook(full, args.members, args.branches)
        print(f"generated {full} in {time.perf_counter() - started:.0f} s", flush=True)
    if not subset.exists():
        write_workbook(subset, args.iex_rows, args.branches, with_orgs=False)
    if not orgs.exists():
        write_workbook(orgs, 0, args.branches)
    databases = [("SQLite", lambda: f"sqlite:///{tempfile.mkdtemp(prefix='qf-bench-db-')}/bench.sqlite3")]
    if not args.skip_pg:
        databases.append(("PostgreSQL", lambda: fresh_pg(args.pg, f"qingfeng_import_bench_{os.getpid()}")))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results = []
    floor = measure("calamine", str(full))
    print(f"python-calamine alone reads the same workbook ({floor['rows']:,} rows) in {floor['seconds']:.1f} s wall, "
          f"{floor['cpu_seconds']:.1f} s CPU", flush=True)
    for label, make_db in databases:
        ours = measure("ours", make_db(), str(full))
        iex = measure("iex", make_db(), str(subset), str(orgs))
        ours_rate = args.members / ours["seconds"]
        iex_rate = args.iex_rows / iex["seconds"]
        results.append((label, ours, iex, ours_rate, iex_rate))
        print(f"{label}: ours {args.members:,} members in {ours['seconds']:.1f} s wall, {ours['cpu_seconds']:.1f} s CPU "
              f"(check {ours['check_seconds']:.1f} s, write {ours['write_seconds']:.1f} s; a full facts rebuild "
              f"timed alone afterwards: {ours['facts_rebuild_seconds']:.1f} s) "
              f"({ours_rate:,.0f} rows/s, peak {ours['maxrss_mb']:.0f} MB, reader child "
              f"{ours.get('children_maxrss_mb', 0):.0f} MB); django-import-export {args.iex_rows:,} rows "
              f"in {iex['seconds']:.1f} s wall, {iex['cpu_seconds']:.1f} s CPU ({iex_rate:,.0f} rows/s, peak "
              f"{iex['maxrss_mb']:.0f} MB); ratio {ours_rate / iex_rate:.1f}x; load average now "
              f"{os.getloadavg()[0]:.1f}", flush=True)
    if not args.skip_pg:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "qingfeng_import_bench_{os.getpid()}"')
    print(f"\n| database | ours: {args.members:,} members, wall (CPU) | ours rows/s | ours peak memory "
          f"| django-import-export rows/s, measured on {args.iex_rows:,} rows | its {args.members:,} rows, extrapolated "
          "| its peak (subset) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for label, ours, iex, ours_rate, iex_rate in results:
        print(f"| {label} | {ours['seconds']:.1f} s ({ours['cpu_seconds']:.1f} s) | {ours_rate:,.0f} | "
              f"{ours['maxrss_mb']:.0f} MB | {iex_rate:,.0f} ({iex['seconds']:.1f} s) | "
              f"{args.members / iex_rate / 60:.1f} min (extrapolated) | {iex['maxrss_mb']:.0f} MB | {ours_rate / iex_rate:.1f}x |")


if __name__ == "__main__":
    main()
