"""Benchmark: a district officer's small import — the demo's `xiaodian` user imports a ledger of ten 主题党日 in ten
branches of the district (qingfeng.imports.actions.run_import: read, check, write, the facts of what it changed),
rolled back after each run so the database stays as it was; side by side, alternating, with the facts refreshed
whole (the import's announcement stripped of the models it wrote, as before the sheets said so): the baseline of
the same run. Reports warm medians.

Usage:  DATABASE_URL=postgres://…/qf_city QINGFENG_VAR=… .venv/bin/python bench/import_small.py [--runs 9] [--rows 10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from ab import alternate, rolled_back  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.imports import engine  # noqa: E402
from qingfeng.imports.actions import run_import  # noqa: E402
from qingfeng.orgs.models import Organization  # noqa: E402


def ledger(folder: Path, branches: list[str], rows: int, day: str) -> Path:
    tag = uuid.uuid4().hex[:10]
    path = folder / tag / "活动.csv"
    path.parent.mkdir()
    lines = ["活动编号,活动类型,组织编码,日期,主题,形式"]
    lines += [f"BI-{tag}-{i},主题党日,{branches[i % len(branches)]},{day},基准导入,线下" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def import_once(path: Path, user: User, whole: bool) -> tuple[float, int]:
    narrow = (lambda plans: ()) if whole else engine.written_models
    with mock.patch.object(engine, "written_models", narrow):
        def run() -> None:
            result = run_import(path, user)
            assert result.ok and result.written, result.problems
        return rolled_back(run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rows", type=int, default=10)
    args = parser.parse_args()
    user = User.objects.get(username="xiaodian")
    root = Organization.objects.get(pk=user.org_id)
    branches = list(Organization.objects.filter(path__startswith=root.path, kind="党支部", dissolved_on__isnull=True)
                    .order_by("code").values_list("code", flat=True)[:args.rows])
    folder = Path(tempfile.mkdtemp())
    print(f"{root.code} {root.name}: {args.rows} rows in {len(branches)} branches; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    got = alternate({name: lambda name=name: import_once(ledger(folder, branches, args.rows, "2021-05-10"), user,
                                                         name == "whole") for name in ("now", "whole")}, args.runs)
    now, whole = got["now"][0], got["whole"][0]
    print(f"now: {now:.0f} ms; whole: {whole:.0f} ms; now/whole {now / whole:.2f}; load average "
          f"{os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
