"""Background jobs (后台任务): long work that must not hold a web request — a large import, a rebuild of the
facts, a city-wide export or year-in-review — run by the job worker on Django's tasks interface (the
django-tasks backport with its database backend: the queue is a table, so SQLite and PostgreSQL need no
other server).

* An app declares a kind in its own `jobs.py`, imported by its AppConfig.ready():

      @jobs.register("rebuild", title=_("重建指标事实"), allowed=is_admin)
      def rebuild(job, progress):          # progress(label, done, total)
          ...                               # one transaction, or work that is whole at every commit
          return _("完成"), {"...": ...}    # message and a JSON result (a file to download: {"file": name})

  Raising `JobFailed(message, errors)` ends the job with a Chinese reason; any other exception ends it with a
  general one (and the log has the traceback). Either way the job's own transaction rolls back: nothing of
  it is written.
* `start(kind, user, params)` records a `core.Job` and enqueues it; the page `/jobs/<id>/` shows it with a
  progress bar that htmx polls, and survives a reload (the job is a row, its progress a small file).
* `qingfeng worker` (and `qingfeng serve`, which starts one) runs `run_worker()`: django-tasks-db's worker
  loop plus a heartbeat file. A job whose worker stopped beating (killed, machine restarted) is marked
  failed — its transaction died with the process, so nothing was written — and can be retried.

Progress and heartbeats are files under var/jobs, not rows: the job's own long write transaction would
hold SQLite's write lock against them, and they are worth nothing after the job.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from qingfeng.core import changes
from qingfeng.core.busy import is_busy_error
from qingfeng.core.models import Job, JobStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
STALE_SECONDS = 30  # a worker silent this long is gone

Progress = Callable[[str, int, int], None]
Runner = Callable[[Job, Progress], "tuple[str, dict[str, Any]] | str | None"]


class JobFailed(Exception):  # noqa: N818 — the job's outcome, said to the user
    def __init__(self, message: str, errors: list[Any] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass
class Kind:
    name: str
    title: StrOrPromise
    run: Runner
    allowed: Callable[[Any], bool]
    needs_params: bool = False  # started from its own page (an import, an export), not from the jobs list


KINDS: dict[str, Kind] = {}


def register(name: str, *, title: StrOrPromise, allowed: Callable[[Any], bool],
             needs_params: bool = False) -> Callable[[Runner], Runner]:
    def add(func: Runner) -> Runner:
        KINDS[name] = Kind(name, title, func, allowed, needs_params)
        return func
    return add


# ---- files: progress, heartbeats, results ---------------------------------------------------

def folder() -> Path:
    path = Path(settings.VAR_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    tmp.replace(path)  # atomic: a reader sees the old or the new file, never half of one


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def progress_of(job: Job) -> dict[str, Any] | None:
    return _read_json(folder() / f"progress-{job.pk}.json")


def result_path(job: Job, name: str) -> Path:
    """Where a job puts a file for its user to download (served by the job page's view, after the access check)."""
    path = folder() / f"result-{job.pk}"
    path.mkdir(parents=True, exist_ok=True)
    return path / Path(name).name


def _heartbeat_file(ident: str) -> Path:
    return folder() / f"worker-{ident.replace(':', '-').replace('/', '-')}.json"


def worker_status() -> dict[str, Any]:
    """The freshest heartbeat of any job worker (for /healthz and the job page)."""
    newest = None
    for path in folder().glob("worker-*.json"):
        beat = _read_json(path)
        if beat and (newest is None or beat.get("at", 0) > newest.get("at", 0)):
            newest = beat
    if newest is None:
        return {"alive": False, "seen_seconds_ago": None}
    ago = time.time() - float(newest.get("at", 0))
    return {"alive": ago < STALE_SECONDS, "seen_seconds_ago": round(ago, 1), "worker": newest.get("ident")}


def worker_alive(ident: str) -> bool:
    """Whether the worker that claimed a job is still there: on this machine its process must exist; anywhere,
    its heartbeat must be fresh."""
    host, _sep, rest = ident.partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # someone else's process of that number: judge by the heartbeat
    beat = _read_json(_heartbeat_file(ident))
    return bool(beat) and time.time() - float(beat.get("at", 0)) < STALE_SECONDS  # type: ignore[union-attr]


# ---- starting, running, failing -------------------------------------------------------------

def start(kind: str, user: Any, params: dict[str, Any] | None = None, *, title: StrOrPromise = "",
          retry_of: Job | None = None) -> Job:
    spec = KINDS[kind]
    job = Job.objects.create(kind=kind, user=user, params=params or {}, title=str(title or spec.title)[:200],
                             retry_of=retry_of)
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def retry(job: Job, user: Any) -> Job:
    return start(job.kind, user, job.params, title=job.title, retry_of=job)


_worker = threading.local()


def current_worker() -> str:
    return getattr(_worker, "ident", "") or f"{socket.gethostname()}:{os.getpid()}"


@task()
def run_job(job_id: int) -> None:
    execute(job_id)


def execute(job_id: int) -> None:
    """Run one job in this process (the worker's task; the immediate backend in tests calls it at once)."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), worker=current_worker()[:80])
    if not claimed:
        return  # already run, or failed over while it waited
    job = Job.objects.get(pk=job_id)
    path = folder() / f"progress-{job.pk}.json"
    last = [0.0]

    def progress(label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.3 and done < total:
            return  # a file write per batch is plenty; not per row
        last[0] = now
        _write_json(path, {"label": label, "done": done, "total": total, "at": time.time()})

    spec = KINDS.get(job.kind)
    _current.progress = progress
    try:
        if spec is None:
            raise JobFailed(_("未知的任务类型“%(kind)s”。") % {"kind": job.kind})
        outcome = spec.run(job, progress)
    except JobFailed as exc:
        _finish(job, JobStatus.FAILED, exc.message, {"errors": exc.errors})
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, _("任务出错，已回滚，没有写入任何数据。可以重试；再次失败请联系系统管理员。"), {})
    else:
        message, result = (outcome, {}) if not isinstance(outcome, tuple) else outcome
        _finish(job, JobStatus.SUCCEEDED, message or _("已完成。"), result or {})
    finally:
        _current.progress = None


_current = threading.local()


def current() -> bool:
    """Whether this thread is running a job (its progress is heard)."""
    return getattr(_current, "progress", None) is not None


def report(label: str, done: int, total: int) -> None:
    """Progress from code that does not know whether a job runs it (an export writing its rows): heard by the
    job's page when it does, ignored otherwise."""
    progress: Progress | None = getattr(_current, "progress", None)
    if progress is not None:
        progress(label, done, total)


def _finish(job: Job, status: str, message: str, result: dict[str, Any]) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, message=message, result=result, finished_at=timezone.now())
    (folder() / f"progress-{job.pk}.json").unlink(missing_ok=True)


def fail_orphans(jobs: Any = None) -> int:
    """Mark failed the running jobs whose worker is gone: the process died with the job's transaction, so
    nothing was written. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    qs = Job.objects.filter(status=JobStatus.RUNNING) if jobs is None else jobs.filter(status=JobStatus.RUNNING)
    gone = [j for j in qs.only("pk", "worker", "task_id", "started_at") if not worker_alive(j.worker)]
    for j in gone:
        updated = Job.objects.filter(pk=j.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=timezone.now(),
            message=_("后台任务进程在运行中停止（被终止或重启），任务没有完成，已回滚，没有写入任何数据。可以重试。"))
        if updated and j.task_id:
            DBTaskResult.objects.filter(pk=j.task_id, status="RUNNING").update(status="FAILED", finished_at=timezone.now())
        (folder() / f"progress-{j.pk}.json").unlink(missing_ok=True)
    return len(gone)


def run_batch() -> None:
    """Run every queued job in this process, then return (tests, a scheduler's call). Unlike the worker loop it
    never recycles the database connection, so it also runs inside a caller's transaction."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    fail_orphans()
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id=current_worker()[-64:], excluded_queue_names=[])
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return
        worker.run_task(task_result)


DRAIN_EVERY = 6  # heartbeats between two looks for large writes whose facts' refresh stopped half-way


def finish_pending() -> None:
    """Bring up to date what large writes changed when the process that wrote them stopped before it had
    (qingfeng.core.changes.drain_stale); never lets the heartbeat die."""
    try:
        taken = changes.drain_stale()
        if taken:
            log.info("finished the derived rows of %d stored change(s)", taken)
    except Exception:
        log.exception("finishing stored changes failed")
    finally:
        close_old_connections()


BACKGROUND_NICENESS = 10


def yield_to_requests() -> None:
    """Lower this process's CPU priority (Unix niceness 10): long work running beside the pages — the job worker's
    imports and rebuilds, `qingfeng rebuild-facts` — takes the cores people's requests leave. On an idle machine it
    runs as fast as before. Only ever lowers; a process already lower, or a system without priorities, is left."""
    try:
        if os.getpriority(os.PRIO_PROCESS, 0) < BACKGROUND_NICENESS:
            os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICENESS)
    except (AttributeError, OSError):  # pragma: no cover — not Unix, or not allowed
        pass


def run_worker(name: str = "", interval: float = 1.0) -> None:
    """The job worker: django-tasks-db's loop over the queue, beating a heartbeat file every few seconds."""
    from django_tasks_db.management.commands.db_worker import Worker

    ident = f"{socket.gethostname()}:{os.getpid()}" + (f":{name}" if name else "")
    _worker.ident = ident
    beat = _heartbeat_file(ident)
    stop = threading.Event()

    def heartbeat() -> None:
        beats = 0
        while not stop.is_set():
            _write_json(beat, {"ident": ident, "pid": os.getpid(), "at": time.time()})
            if beats % DRAIN_EVERY == 0:
                finish_pending()
            beats += 1
            stop.wait(HEARTBEAT_SECONDS)

    threading.Thread(target=heartbeat, name="qingfeng-heartbeat", daemon=True).start()
    close_old_connections()
    fail_orphans()
    worker = Worker(queue_names=["default"], interval=interval, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=ident[-64:], excluded_queue_names=[])
    try:
        if threading.current_thread() is threading.main_thread():
            worker.configure_signals()
        _run_through_busy(worker, interval)
    finally:
        stop.set()
        beat.unlink(missing_ok=True)


def _run_through_busy(worker: Any, interval: float) -> None:
    """django-tasks-db's loop, started again when the database was too busy to begin its claim of the next task
    (SQLite's write lock past its timeout under a queue of writes: its own check covers the claim, not the BEGIN
    before it), so the worker outlives a busy moment instead of leaving the queue unserved until a restart."""
    while True:
        try:
            worker.run()
            return
        except OperationalError as exc:
            if not is_busy_error(exc) or not worker.running:
                raise
            log.warning("the job worker found the database busy; trying again")
            close_old_connections()
            time.sleep(max(interval, 0.1))


# ---- downloads made in the background: a city-wide export, the year-in-review ---------------------

# A list export of more rows than this is made by a job (QINGFENG_EXPORT_JOB_ROWS).
EXPORT_JOB_ROWS = int(os.environ.get("QINGFENG_EXPORT_JOB_ROWS", "20000"))
IN_JOB = "qingfeng_in_job"  # set on the request a job replays: it answers with the file itself


def in_job(request: Any) -> bool:
    return bool(getattr(request, IN_JOB, False))


def download_later(request: Any, title: str) -> HttpResponseRedirect:
    """Answer a download too large for a request with the page of a job that makes it: the job replays the same
    view, as the same user, with the same query (the same filters, access checks and audit row), and keeps the
    file for that user to download from the job's page."""
    from django.urls import reverse
    from django.utils.translation import get_language

    job = start("download", request.user, {"path": request.path, "query": request.GET.urlencode(),
                                           "ip": request.META.get("REMOTE_ADDR", ""), "lang": get_language() or "",
                                           "host": request.get_host(), "scheme": request.scheme},
                title=title)
    return HttpResponseRedirect(reverse("core:job", args=[job.pk]))


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


@register("download", title=gettext_lazy("导出文件"), allowed=_signed_in, needs_params=True)
def make_download(job: Job, progress: Progress) -> tuple[str, dict[str, Any]]:
    from django.http import HttpRequest, QueryDict
    from django.urls import Resolver404, resolve
    from django.utils import translation
    from django_htmx.middleware import HtmxDetails

    params = job.params
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = params["path"]
    request.GET = QueryDict(params["query"])
    request.META = {"REMOTE_ADDR": params.get("ip", ""), "HTTP_HOST": params.get("host", "localhost")}
    scheme = params.get("scheme", "http")
    request._get_scheme = lambda: scheme  # type: ignore[attr-defined]  # links in the file as the asker saw them
    request.user = job.user
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    setattr(request, IN_JOB, True)
    try:
        match = resolve(params["path"])
    except Resolver404 as exc:
        raise JobFailed(_("要导出的页面已不存在。")) from exc
    progress(_("正在准备"), 0, 1)
    with translation.override(params.get("lang") or None):
        response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200:
        raise JobFailed(_("导出没有完成（%(status)s）：您可能已无权导出这些记录。") % {"status": response.status_code})
    name = _attachment_name(response.get("Content-Disposition", "")) or f"export-{job.pk}"
    path = result_path(job, name)
    with path.open("wb") as out:
        if response.streaming:
            for part in response.streaming_content:
                out.write(part)
        else:
            out.write(response.content)
    # Only the user who asked may download it (it may hold full numbers the job's other viewers may not see).
    return _("文件已生成：%(name)s") % {"name": name}, {"file": name, "private": True}


def _attachment_name(header: str) -> str:
    from urllib.parse import unquote

    for part in header.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == "filename*" and value.lower().startswith("utf-8''"):
            return Path(unquote(value[7:])).name
        if key == "filename":
            return Path(value.strip('"')).name
    return ""
