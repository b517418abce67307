"""A full rebuild blocks no one (issue 15, item 2): the facts are built beside the live ones and switched in; a page
write made while the rebuild runs goes through at once and is in the result — whether it came during the build,
while the rebuild catches up with the writes its snapshot missed, or just before the switch."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.indicators import engine, store
from qingfeng.indicators.models import FactLog
from tests.clock import TODAY
from tests.indicators.test_interleaved import snapshot

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def in_thread(func):
    """Run func on its own database connection (as another request would); returns (result, seconds)."""
    out = {}

    def run():
        began = time.perf_counter()
        try:
            out["value"] = func()
        except BaseException as exc:  # noqa: BLE001 — handed back to the test
            out["error"] = exc
        finally:
            out["seconds"] = time.perf_counter() - began
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "blocked"
    if "error" in out:
        raise out["error"]
    return out.get("value"), out["seconds"]


@pytest.fixture
def readers_lock_nothing():
    """SQLite's test database is in memory with a shared cache, where a reader holds a lock on each table it read
    (a file database in WAL mode, as served, has no such locks): let the rebuild's connection read without them."""
    if not POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")
    yield
    if not POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 0")


@pytest.mark.django_db(transaction=True)
def test_a_page_write_during_a_rebuild_goes_through_at_once_and_is_in_the_result(world, readers_lock_nothing):
    meeting = ActivityType.objects.get(name="支部党员大会")
    record_activity(user=world.admin, org=world.branch_a, type=meeting, date=TODAY - dt.timedelta(days=40), topic="旧")
    store.rebuild_facts()
    before = engine.compute(world.city, TODAY.replace(month=1, day=1), TODAY, ["activities.count"])
    seen = {}

    def progress(label, done, total):
        if done == 2 and "write" not in seen:  # the build's snapshot is taken, its transaction open
            def write():
                with transaction.atomic():
                    record_activity(user=world.admin, org=world.branch_b, type=meeting, date=TODAY, topic="重建中记录")
            _value, seen["write"] = in_thread(write)
            seen["read"] = in_thread(lambda: engine.compute(world.city, TODAY.replace(month=1, day=1), TODAY,
                                                            ["activities.count"]))[0]

    store.rebuild_facts(progress=progress)
    # Reads answered from the live facts meanwhile, the write already counted there.
    assert seen["read"]["activities.count"] == before["activities.count"] + 1
    # The switched-in facts hold the write their snapshot did not see, and equal a rebuild from scratch.
    after = engine.compute(world.city, TODAY.replace(month=1, day=1), TODAY, ["activities.count"])
    assert after["activities.count"] == before["activities.count"] + 1
    beside = snapshot()
    with transaction.atomic():
        store.rebuild_facts()  # in place, inside a transaction
    assert snapshot() == beside
    assert not FactLog.objects.exists()
    if not POSTGRES:
        return
    # The tables kept their names and their indexes' names (migrations name them).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'indicators_fact'")
        assert "fact_key" in {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT to_regnamespace(%s)", (store.SHADOW_SCHEMA,))
        assert cursor.fetchone()[0] is None


@pytest.mark.django_db(transaction=True)
def test_writes_while_the_rebuild_catches_up_and_at_its_switch_are_in_the_rebuilt_facts(world, monkeypatch,
                                                                                       readers_lock_nothing):
    """No lost update: a write committed while the rebuild replays what its snapshot missed, and one committed after
    the last round (left to the switch, refreshed right after it), are both in the facts the rebuild leaves — equal
    to a rebuild from scratch. On SQLite as on PostgreSQL."""
    monkeypatch.setattr(store, "CATCH_UP_LEFT", 0)  # every round that replayed something is followed by another
    meeting = ActivityType.objects.get(name="支部党员大会")
    # In TODAY's year, as the writes below: the facts hold compliance windows for the years of the records they were
    # built from (other years are read from the records), so a rebuild after a write in a new year holds more rows.
    year = TODAY.replace(month=1, day=1)
    record_activity(user=world.admin, org=world.branch_a, type=meeting, date=year, topic="旧")
    store.rebuild_facts()
    before = engine.compute(world.city, year, TODAY, ["activities.count"])["activities.count"]
    writes = []

    def progress(label, done, total):
        if label in ("补上重建期间的写入", "换用新的事实") and len(writes) < 2:
            org = world.branch_b if label == "换用新的事实" else world.branch_a

            def write():
                with transaction.atomic():
                    record_activity(user=world.admin, org=org, type=meeting, date=TODAY, topic=label)
            in_thread(write)
            writes.append(label)

    store.rebuild_facts(progress=progress)
    assert writes == ["补上重建期间的写入", "换用新的事实"]
    # The catch-up's write was replayed into the new facts before the switch, the other right after it.
    after = engine.compute(world.city, year, TODAY, ["activities.count"])["activities.count"]
    assert after == before + 2
    rebuilt = snapshot()
    with transaction.atomic():
        store.rebuild_facts()  # in place, inside a transaction
    assert snapshot() == rebuilt
    assert not FactLog.objects.exists()
    from qingfeng.core.models import PendingChange

    assert not PendingChange.objects.exists()
