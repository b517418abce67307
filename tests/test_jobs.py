"""Background jobs (issue 15, item 3): started from a page, run by the worker, a progress page that survives a
reload, a job whose worker died marked failed with nothing written and retried; /healthz reports the worker."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingfeng.core import jobs
from qingfeng.core.models import Job
from qingfeng.indicators import store
from qingfeng.indicators.models import FactState

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_a_rebuild_started_on_the_page_runs_in_the_worker_and_the_page_follows_it(world, client_for):
    client = client_for(world.admin)
    page = client.get("/jobs/")
    assert "重建指标事实" in page.content.decode()
    response = client.post("/jobs/start/rebuild/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    # Not run in the request: the page answers at once, the job waits for the worker, and says so.
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in body and "后台任务进程没有运行" in body and 'hx-trigger="every 1s"' in body
    assert store.state() is None

    call_command("worker", "--batch")

    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-job-status="succeeded"' in fragment and "hx-trigger" not in fragment  # polling stops
    assert "指标事实已按全部台账记录重建" in fragment
    assert FactState.objects.exists()


def test_only_platform_administrators_start_a_rebuild(world, client_for):
    assert client_for(world.city_user).post("/jobs/start/rebuild/").status_code == 403
    assert not Job.objects.exists()


def test_a_job_whose_worker_died_is_failed_with_nothing_written_and_can_be_retried(world, client_for):
    client = client_for(world.admin)
    job = Job.objects.create(kind="rebuild", user=world.admin, title="重建指标事实", status="running",
                             worker="gone-host:4242", started_at=timezone.now() - dt.timedelta(minutes=5))
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "后台任务进程在运行中停止" in body and "没有写入任何数据" in body and "重试" in body
    job.refresh_from_db()
    assert job.status == "failed"
    response = client.post(f"/jobs/{job.pk}/retry/")
    retry = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/jobs/{retry.pk}/" and retry.retry_of == job and retry.status == "queued"
    call_command("worker", "--batch")
    retry.refresh_from_db()
    assert retry.status == "succeeded"


def test_healthz_reports_the_database_and_the_worker(world, client):
    answer = client.get("/healthz").json()
    assert answer["status"] == "ok" and answer["worker"] == "missing"
    jobs._write_json(jobs._heartbeat_file("host:1"), {"ident": "host:1", "pid": 1, "at": time.time()})
    assert client.get("/healthz").json()["worker"] == "ok"


KILL_SCRIPT = r"""
import os, sys, time
import django
django.setup()
from django.db import transaction
from qingfeng.core import jobs
from qingfeng.orgs.models import Organization

@jobs.register("slow", title="慢任务", allowed=lambda u: True)
def slow(job, progress):
    with transaction.atomic():
        Organization.objects.filter(code="140100").update(name="写了一半")
        for i in range(600):
            progress("写入", i, 600)
            time.sleep(0.1)

if sys.argv[1] == "start":
    from qingfeng.accounts.models import User
    print(jobs.start("slow", User.objects.get(username="admin")).pk)
elif sys.argv[1] == "work":
    jobs.run_worker(interval=0.2)
else:
    from qingfeng.core.models import Job
    jobs.fail_orphans()
    job = Job.objects.get(pk=int(sys.argv[2]))
    print(job.status, Organization.objects.get(code="140100").name)
"""


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="its own temporary SQLite database")
def test_killing_the_worker_mid_job_leaves_nothing_half_written(tmp_path):
    env = dict(os.environ, QINGFENG_VAR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/jobs.sqlite3",
               DJANGO_SETTINGS_MODULE="qingfeng.settings", PYTHONPATH=str(ROOT))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    python = sys.executable
    subprocess.run([python, "-m", "qingfeng.cli", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([python, "-c", "import django; django.setup(); from tests.world import World; World()"], env=env,
                   check=True, cwd=ROOT)
    script = tmp_path / "slow.py"
    script.write_text(KILL_SCRIPT)
    job_id = subprocess.run([python, str(script), "start"], env=env, check=True, cwd=ROOT, capture_output=True,
                            text=True).stdout.strip().splitlines()[-1]
    worker = subprocess.Popen([python, str(script), "work"], env=env, cwd=ROOT)
    try:
        progress = tmp_path / "jobs" / f"progress-{job_id}.json"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (progress.exists() and json.loads(progress.read_text())["done"] > 5):
            time.sleep(0.2)
        assert progress.exists(), "the job never started"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    # Its process is gone: the job is failed over, and the organization's name never changed.
    out = subprocess.run([python, str(script), "check", job_id], env=env, check=True, cwd=ROOT, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    assert out == "failed 中共太原市委"


def test_a_large_confirmed_import_runs_as_a_job_and_its_page_links_the_result(world, client_for, tmp_path, monkeypatch):
    from qingfeng.activities.models import Activity
    from qingfeng.imports import jobs as import_jobs
    from tests.imports.helpers import workbook

    monkeypatch.setattr(import_jobs, "JOB_ROWS", 2)  # "large": more rows than a request should write
    rows = [{"活动编号": f"JOB-{i}", "活动类型": "主题党日", "组织编码": world.branch_a.code, "日期": "2026-03-05", "主题": "后台导入",
             "形式": "线下", "受众人数": None, "第一议题": "", "宣讲小分队编码": ""} for i in range(3)]
    path = workbook(tmp_path / "活动.xlsx", {"活动": rows})
    client = client_for(world.city_user)
    with open(path, "rb") as f:
        preview = client.post("/imports/", {"file": f})
    assert preview.status_code == 302
    response = client.post(preview["Location"] + "run/")
    job = Job.objects.get(kind="import")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert not Activity.objects.filter(code__startswith="JOB-").exists()
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert Activity.objects.filter(code__startswith="JOB-").count() == 3
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "导入完成" in body and job.result["url"] in body


def test_a_city_wide_export_is_made_by_a_job_for_its_asker_alone(world, client_for, monkeypatch):
    from qingfeng.audit.models import AuditLog

    client = client_for(world.district_user)
    direct = client.get("/people/?export=csv")  # a district's few rows: answered in the request
    assert direct.status_code == 200 and direct["Content-Type"].startswith("text/csv")
    exports_before = AuditLog.objects.filter(action="export").count()

    monkeypatch.setattr(jobs, "EXPORT_JOB_ROWS", 2)  # now the same list counts as a city's
    response = client.get("/people/?export=csv")
    job = Job.objects.get(kind="download")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert AuditLog.objects.filter(action="export").count() == exports_before  # logged when made, not when asked

    call_command("worker", "--batch")

    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/jobs/{job.pk}/file/" in page
    made = client.get(f"/jobs/{job.pk}/file/")
    assert made.status_code == 200
    assert b"".join(made.streaming_content) == direct.content  # the same rows, masked the same way
    assert AuditLog.objects.filter(action="export").count() == exports_before + 1
    # Whoever else sees the job (the city sees the district's) does not get its file.
    assert client_for(world.city_user).get(f"/jobs/{job.pk}/file/").status_code == 404


def test_a_countys_review_is_written_by_a_job_and_linked_when_done(world, client_for, monkeypatch):
    from qingfeng.reports import views as report_views

    client = client_for(world.district_user)
    query = "org=140105&from=2026-01-01&to=2026-06-17"
    direct = client.get(f"/reports/review/download/md/?{query}")
    assert direct.status_code == 200

    monkeypatch.setattr(report_views, "REVIEW_JOB_ORGS", 1)
    response = client.get(f"/reports/review/download/md/?{query}")
    job = Job.objects.get(kind="download")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    made = client.get(f"/jobs/{job.pk}/file/")
    assert made.status_code == 200 and made["Content-Disposition"].endswith('.md"')
    assert b"".join(made.streaming_content) == direct.content


def test_background_work_gives_way_to_the_pages(tmp_path):
    """The job worker and `qingfeng rebuild-facts` lower their own CPU priority (niceness 10), never raise it: long
    work beside the pages takes the cores people's requests leave. (In a process of its own: the priority a process
    lowers stays lowered.)"""
    code = ("import os, django; django.setup(); from qingfeng.core import jobs; "
            "os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), {start})); "
            "before = os.getpriority(os.PRIO_PROCESS, 0); jobs.yield_to_requests(); jobs.yield_to_requests(); "
            "print(before, os.getpriority(os.PRIO_PROCESS, 0))")
    env = dict(os.environ, QINGFENG_VAR=str(tmp_path), DJANGO_SETTINGS_MODULE="qingfeng.settings", PYTHONPATH=str(ROOT))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for start in (0, 15):
        out = subprocess.run([sys.executable, "-c", code.format(start=start)], env=env, check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
        before, after = int(out[-2]), int(out[-1])
        assert after == max(before, jobs.BACKGROUND_NICENESS) == (10 if before <= 10 else before)


def test_the_worker_and_the_rebuild_command_give_way(db, monkeypatch):
    asked = []
    monkeypatch.setattr(jobs, "yield_to_requests", lambda: asked.append(1))
    call_command("worker", batch=True)
    call_command("rebuild-facts")
    assert asked == [1, 1]


def test_the_worker_outlives_a_database_too_busy_to_begin(db, monkeypatch):
    """django-tasks-db checks a locked database while claiming a task, not while beginning the transaction around the
    claim: the worker starts its loop again rather than leaving the queue unserved until a restart."""
    from django.db import OperationalError

    class Worker:
        running = True
        runs = 0

        def run(self):
            self.runs += 1
            if self.runs < 3:
                raise OperationalError("database is locked")

    worker = Worker()
    monkeypatch.setattr(jobs.time, "sleep", lambda seconds: None)
    jobs._run_through_busy(worker, 1.0)
    assert worker.runs == 3
    other = Worker()
    other.run = lambda: (_ for _ in ()).throw(OperationalError("no such table: x"))
    with pytest.raises(OperationalError):
        jobs._run_through_busy(other, 1.0)
