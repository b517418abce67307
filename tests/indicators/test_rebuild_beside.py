"""A full rebuild blocks no one (issue 15, item 2): on PostgreSQL the facts are built beside the live ones and
switched in; a page write made while the rebuild runs goes through at once and is in the result."""

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

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="SQLite rebuilds in place (one writer at a time)")


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


@pytest.mark.django_db(transaction=True)
def test_a_page_write_during_a_rebuild_goes_through_at_once_and_is_in_the_result(world):
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
    assert seen["write"] < 5, "the write waited for the rebuild"
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
    # The tables kept their names and their indexes' names (migrations name them).
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'indicators_fact'")
        assert "fact_key" in {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT to_regclass('indicators_fact_next')")
        assert cursor.fetchone()[0] is None
