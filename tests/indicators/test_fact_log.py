"""The log of refreshed organizations (FactLog) keeps what a rebuild could still need and no more: on PostgreSQL,
when no rebuild runs, a write now and then forgets every row older than a few minutes, so the cockpit's version (a
count over the log) stays cheap through a day of writes; while a rebuild runs — it holds REBUILD_LOCK — and on
SQLite, two days stay."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
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
    kept = FactLog.objects.count()
    if connection.vendor == "postgresql":
        assert kept == 1  # the thirty-minute-old rows went; this write's own row stays
    else:
        assert kept == 4  # SQLite cannot tell whether a rebuild runs: two days stay
    FactLog.objects.update(at=timezone.now() - dt.timedelta(days=3))
    meeting(world, "第二次")
    assert FactLog.objects.count() == 1  # older than two days: gone on both


def test_while_a_rebuild_runs_its_rows_stay(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's advisory lock marks a running rebuild")
    store.rebuild_facts()
    monkeypatch.setattr(store, "TRIM_CHANCE", 1.0)
    old_rows(world, 30)
    with other_connection() as rebuild:
        rebuild.execute("SELECT pg_advisory_lock(%s)", (store.REBUILD_LOCK,))  # a rebuild is running
        meeting(world, "重建中")
        assert FactLog.objects.count() == 4
