"""Killing the import process while it writes (SIGKILL, no chance to clean up) leaves the database as it was."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QINGFENG = Path(sys.executable).parent / "qingfeng"


def bench_module():
    spec = importlib.util.spec_from_file_location("import_members_bench", ROOT / "bench" / "import_members.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses its own SQLite file")
def test_sigkill_mid_write_leaves_the_database_unchanged(tmp_path):
    bench = bench_module()
    db = tmp_path / "kill.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "QINGFENG_VAR": str(tmp_path / "var"),
           "DJANGO_SUPERUSER_PASSWORD": "Kill-test-password-1"}
    subprocess.run([QINGFENG, "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"],
                   env=env, check=True, capture_output=True)
    orgs = bench.write_workbook(tmp_path / "orgs.xlsx", 0, 40)
    subprocess.run([QINGFENG, "import", orgs], env=env, check=True, capture_output=True)
    before = counts(db)
    assert before["orgs_organization"] == 61

    big = bench.write_workbook(tmp_path / "members.xlsx", 20000, 40)
    proc = subprocess.Popen([QINGFENG, "import", big], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "正在写入 党员" in line:  # a batch of members has been inserted inside the open transaction
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, seen

    assert counts(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The database is usable: the same file imports completely afterwards.
    done = subprocess.run([QINGFENG, "import", big], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert counts(db)["people_person"] == 20000
