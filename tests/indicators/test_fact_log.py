"""The log of refreshed organizations (FactLog) keeps what a rebuild could still need and no more: when no rebuild
runs, a write now and then forgets every row older than a few minutes, so the cockpit's version (a count over the
log) stays cheap through a day of writes; while a rebuild runs — on PostgreSQL it holds REBUILD_LOCK, on SQLite a
shared lock on a file beside the database — two days stay."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import psycopg
from django.db import connection
from django.utils import timezone

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.indicators import store
from qingfeng.indicators.models import FactLog
from tests.clock import TODAY


def old_rows(world, minutes: int) -> None:
    at = timezone.now() - dt.timedelta(minutes=minutes)
    FactLog.objects.bulk_create([FactLog(org_id=world.branch_a.pk, kind="o") for _ in range(3)])
    FactLog.objects.update(at=at)


def meeting(world, topic: str) -> None:
    record_activity(user=world.admin, org=world.branch_a, type=ActivityType.objects.get(name="主题党日"), date=TODAY,
                    topic=topic)


def other_connection():
    s = connection.settings_dict
    return psycopg.connect(dbname=s["NAME"], user=s["USER"], host=s["HOST"] or None, port=s["PORT"] or None,
                           password=s["PASSWORD"] or None, autocommit=True)


def test_a_write_forgets_what_no_rebuild_needs(world, monkeypatch):
    store.rebuild_facts()
    monkeypatch.setattr(store, "TRIM_CHANCE", 1.0)  # this write trims
    old_rows(world, 30)
    meeting(world, "第一次")
    # the thirty-minute-old rows went; this write's own row stays, with the mark that the log forgot some
    assert sorted(FactLog.objects.values_list("kind", flat=True)) == ["o", "t"]
    FactLog.objects.update(at=timezone.now() - dt.timedelta(days=3))
    meeting(world, "第二次")
    assert sorted(FactLog.objects.values_list("kind", flat=True)) == ["o", "t"]  # older than two days: gone on both


def test_while_a_rebuild_runs_its_rows_stay(world, monkeypatch):
    store.rebuild_facts()
    monkeypatch.setattr(store, "TRIM_CHANCE", 1.0)
    old_rows(world, 30)
    if connection.vendor == "postgresql":
        with other_connection() as rebuild:
            rebuild.execute("SELECT pg_advisory_lock(%s)", (store.REBUILD_LOCK,))  # a rebuild is running
            meeting(world, "重建中")
            assert FactLog.objects.count() == 4
        return
    # SQLite: another process's rebuild holds the mark beside the database
    mark = store._sqlite_mark_path()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(mark)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        meeting(world, "重建中")
        assert FactLog.objects.count() == 4
    finally:
        holder.kill()
        holder.wait()
    meeting(world, "重建后")  # the mark is gone with its process: the old rows go, a row marks it
    assert sorted(FactLog.objects.values_list("kind", flat=True)) == ["o", "o", "t"]


HOLD = """
import fcntl, sys, time
with open(sys.argv[1], "a+b") as mark:
    fcntl.flock(mark, fcntl.LOCK_SH)
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_rebuild_beside_the_live_facts_holds_the_mark(db):
    """What trim_log looks for is what a rebuild holds from before its snapshot to its end."""
    if connection.vendor == "postgresql":
        with store._one_rebuild(), other_connection() as other:
            assert not other.execute("SELECT pg_try_advisory_lock(%s)", (store.REBUILD_LOCK,)).fetchone()[0]
        return
    assert not store._sqlite_rebuild_running()
    with store._one_rebuild():
        assert store._sqlite_rebuild_running()
    assert not store._sqlite_rebuild_running()
