"""A large import holds the database only while it writes its records: the facts of what it changed are brought up
to date after the commit, a few organizations per short transaction (qingfeng.core.changes.deferred and drain), so
page and API writes go on meanwhile (issue 15, item 4). What a dead process left half-done is finished by the job
worker, and the facts then equal a full rebuild."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import urllib.error
import urllib.request

from django.utils import timezone

from qingfeng.core import changes
from qingfeng.core.models import PendingChange
from qingfeng.imports.actions import check_file, write_steps
from qingfeng.imports.engine import REFRESH_LABEL
from qingfeng.indicators import store
from qingfeng.orgs.models import Organization
from tests.clock import TODAY
from tests.indicators.test_interleaved import snapshot
from tests.security.test_crash import _bench
from tests.world import World


def seed(world) -> None:
    """One meeting on the day before the facts are built: their compliance windows then span its year (windows
    outside the span the facts were built with are read from the records, and a rebuild would add them)."""
    from qingfeng.activities.actions import record_activity
    from qingfeng.activities.models import ActivityType

    record_activity(user=world.admin, org=world.branch_a, type=ActivityType.objects.get(name="主题党日"), date=TODAY,
                    topic="起点", presence={})


def activities_csv(folder, codes: list[str], rows: int, tag: str):
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["活动编号,活动类型,组织编码,日期,主题,形式"]
    lines += [f"{tag}-{i},主题党日,{codes[i % len(codes)]},{TODAY.isoformat()},大批导入,线下" for i in range(rows)]
    (folder / "活动.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return folder


def test_a_drain_stopped_half_way_is_finished_by_the_worker_and_equals_a_rebuild(transactional_db, tmp_path, monkeypatch):
    world = World()
    monkeypatch.setattr(changes, "SLICE_SECONDS", 0.000001)  # one organization per slice
    monkeypatch.setattr(changes, "INLINE_ORGS", 0)  # the test city's three branches count as a large write
    seed(world)
    store.rebuild_facts()
    codes = list(Organization.objects.filter(kind="党支部", path__contains="/140105/").values_list("code", flat=True))
    assert len(codes) >= 2
    result, importer = check_file(activities_csv(tmp_path / "in", codes, 40, "HALF"), world.district_user)
    assert result.ok, result.problems
    steps = write_steps(importer)
    for label, _done, _total in steps:
        if label == REFRESH_LABEL:
            break  # the first slice is committed; the process "dies" here
    steps.close()
    assert importer.committed
    pending = PendingChange.objects.get()
    assert 0 < pending.orgs_done < len(pending.change["orgs"])
    # the sheet takes the generic write: the slices recompute only what reads what it wrote
    assert pending.change["ledgers"] == ["activities.activity", "audit.auditlog", "core.entry"]

    # Another process's look finds it claimed and fresh: left alone.
    assert changes.drain_stale() == 0
    PendingChange.objects.update(claimed_at=timezone.now() - dt.timedelta(seconds=changes.STALE_SECONDS + 1))
    assert changes.drain_stale() == 1
    assert not PendingChange.objects.exists()
    # The import is in the audit log once; the platform's own to-do list for the facts is not (it names every
    # organization and person touched: megabytes for a large file).
    from qingfeng.audit.models import AuditLog

    assert list(AuditLog.objects.filter(action="import").values_list("model", flat=True)) == ["imports"]
    assert not AuditLog.objects.filter(model="core.PendingChange").exists()
    refreshed = snapshot()
    store.rebuild_facts()
    assert refreshed == snapshot()


def test_a_small_import_and_one_inside_a_callers_transaction_refresh_in_their_own(transactional_db, tmp_path):
    from django.db import transaction

    world = World()
    seed(world)
    store.rebuild_facts()
    codes = list(Organization.objects.filter(kind="党支部", path__contains="/140105/").values_list("code", flat=True))
    result, importer = check_file(activities_csv(tmp_path / "in", codes, 6, "NEST"), world.district_user)
    with transaction.atomic():
        labels = {label for label, _d, _t in write_steps(importer)}
    assert REFRESH_LABEL not in labels and not PendingChange.objects.exists()
    # Three organizations: a page write's size, refreshed in the import's transaction without slices.
    result, importer = check_file(activities_csv(tmp_path / "small", codes, 6, "SMALL"), world.district_user)
    labels = {label for label, _d, _t in write_steps(importer)}
    assert REFRESH_LABEL not in labels and not PendingChange.objects.exists()
    refreshed = snapshot()
    store.rebuild_facts()
    assert refreshed == snapshot()


# Runs in a process of its own beside a real server: the import, and an API write through HTTP at every pause
# between two slices of the facts' refresh (the records are committed then, the refresh half-way).
IMPORTER = r"""
import json, pathlib, sys, tempfile, urllib.error, urllib.request
import django
django.setup()
from qingfeng.core import changes
changes.SLICE_SECONDS = 0.000001  # one organization per slice: a pause after each
changes.INLINE_ORGS = 0  # the test city's three branches count as a large write
from qingfeng.accounts.models import User
from qingfeng.core.models import PendingChange
from qingfeng.imports.actions import check_file, write_steps
from qingfeng.imports.engine import REFRESH_LABEL
from qingfeng.indicators import store
from qingfeng.indicators.models import Fact, OrgAncestor, OwnFact
from qingfeng.orgs.models import Organization

base, token, day, branch, person = sys.argv[1:6]
from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
record_activity(user=User.objects.get(username="bigimporter"), org=Organization.objects.get(code=branch),
                type=ActivityType.objects.get(name="主题党日"), date=__import__("datetime").date.fromisoformat(day),
                topic="起点", presence={})  # the facts' compliance windows then span the day's year
store.rebuild_facts()
codes = list(Organization.objects.filter(kind="党支部", path__contains="/140105/").values_list("code", flat=True))
folder = pathlib.Path(tempfile.mkdtemp())
lines = ["活动编号,活动类型,组织编码,日期,主题,形式"]
lines += [f"BIG-{i},主题党日,{codes[i % len(codes)]},{day},大批导入,线下" for i in range(3000)]
(folder / "活动.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

def api_write(n):
    body = json.dumps({"org": branch, "type": "支部委员会", "date": day, "topic": f"导入时记录{n}",
                       "attendance": [{"person": int(person)}]}).encode()
    req = urllib.request.Request(base + "/api/v1/activities", data=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "zh-hans"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code

result, importer = check_file(folder, User.objects.get(username="bigimporter"))
assert result.ok, result.problems
statuses, labels = [], []
for label, done, total in write_steps(importer):
    labels.append(label)
    if label == REFRESH_LABEL:
        statuses.append(api_write(len(statuses)))

def facts():
    return (sorted(OwnFact.objects.exclude(n=0, total=0).values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total")),
            sorted(Fact.objects.exclude(n=0, total=0).values_list("org_id", "grain", "day", "metric", "d1", "d2", "d3", "n", "total")),
            sorted(OrgAncestor.objects.values_list("ancestor_id", "descendant_id", "ancestor_is_branch")))

after = facts()
store.rebuild_facts()
print(json.dumps({"statuses": statuses, "write_events": sum(1 for x in labels if x != REFRESH_LABEL),
                  "pending": PendingChange.objects.count(), "equal": after == facts()}))
"""


def _token(base: str, username: str, password: str) -> str:
    req = urllib.request.Request(base + "/api/v1/auth/token", data=json.dumps(
        {"username": username, "password": password}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())["token"]


def test_api_writes_answer_while_a_large_imports_facts_are_refreshed():
    load = _bench("load")
    url = os.environ.get("DATABASE_URL", "")
    with load.database(url + "_refresh" if url.startswith("postgres") else None) as env:
        env["QINGFENG_DB_WAIT_SECONDS"] = "2"  # a write held up longer than this would answer 503
        env["QINGFENG_TODAY"] = TODAY.isoformat()
        info = load.prepare(env, [("bigclerk", "clerk"), ("bigimporter", "organization")])
        port = load.free_port()
        base = f"http://127.0.0.1:{port}"
        server = load.start_server(env, port)
        try:
            load.wait_healthy(base, server)
            token = _token(base, "bigclerk", load.PASSWORD)
            out = subprocess.run([load.PYTHON, "-c", IMPORTER, base, token, TODAY.isoformat(), info["branch"],
                                  str(info["people"][0])], env=env, cwd=load.ROOT, capture_output=True, text=True,
                                 timeout=900)
            assert out.returncode == 0, out.stderr[-3000:]
            seen = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert seen["write_events"] >= 1
    assert len(seen["statuses"]) >= 3  # a pause after each of the district's branches
    assert set(seen["statuses"]) == {201}, seen["statuses"]
    assert seen["pending"] == 0
    assert seen["equal"]
