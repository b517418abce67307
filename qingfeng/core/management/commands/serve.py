"""`qingfeng serve`: the platform on every core (gunicorn), or in one process for development (`--single`).

Production: gunicorn with `--workers` processes (default: the number of cores) of `--threads` threads each, so a
page being rendered in one process never waits on Python's lock held by another; plus the job worker
(`qingfeng worker`, qingfeng.core.jobs) as a child process unless `--no-worker`. Development: waitress, one
process with threads, the job worker as a thread — simple to stop with Ctrl+C and to debug.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from gunicorn._types import _WSGIAppType


def die_with_parent() -> None:
    """In the child before exec: have Linux send it SIGTERM when the serving process dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker outlives a killed server until stopped
        pass


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover — not Linux
        return os.cpu_count() or 1


class Command(BaseCommand):
    help = _("提供平台服务：生产环境按核数启动多个进程（gunicorn），--single 为开发用的单进程")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("QINGFENG_HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("QINGFENG_WORKERS", "0")) or cores(),
                            help=_("进程数，默认等于 CPU 核数"))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("QINGFENG_THREADS", "4")),
                            help=_("每个进程的线程数"))
        parser.add_argument("--single", action="store_true", help=_("开发模式：单进程（waitress），后台任务在同一进程内运行"))
        parser.add_argument("--no-worker", action="store_true", help=_("不启动后台任务进程（另行运行 qingfeng worker）"))
        parser.add_argument("--warm-seconds", type=float,
                            default=float(os.environ.get("QINGFENG_WARM_SECONDS", "30")),
                            help=_("启动时预先计算驾驶舱等常用页面的最长秒数（0 为不预热）"))
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("QINGFENG_REQUEST_TIMEOUT", "120")),
                            help=_("单个请求的最长秒数，超过则重启该进程"))

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # The migration check ran on this process's connection; no worker may inherit it.
        connections.close_all()
        if options["single"]:
            return self.single(options)
        return self.multi(options)

    def warm(self, options: dict[str, Any]) -> None:
        """What the first visitors would otherwise build (core.startup), before the first request; gunicorn's workers,
        forked from this process, inherit it."""
        if options["warm_seconds"] <= 0:
            return
        import gc

        from qingfeng.core import startup

        def say(name: str, prepared: int, seconds: float) -> None:
            self.stdout.write(_("已预先准备 %(name)s：%(n)s 个页面，%(seconds).1f 秒")
                              % {"name": name, "n": prepared, "seconds": seconds})
            self.stdout.flush()

        try:
            startup.warm(options["warm_seconds"], say)
        finally:
            connections.close_all()  # the workers, forked from this process, open their own
        gc.freeze()  # what was prepared lives as long as the process, like what start-up made (qingfeng.wsgi)

    def single(self, options: dict[str, Any]) -> None:
        from waitress import serve

        from qingfeng.wsgi import application

        self.warm(options)

        if not options["no_worker"]:
            from qingfeng.core import jobs

            threading.Thread(target=jobs.run_worker, kwargs={"name": "serve-thread"}, daemon=True).start()
        self.stdout.write(_("清风平台已启动（单进程）: http://%(host)s:%(port)s/  (Ctrl+C 停止)") % options)
        serve(application, host=options["host"], port=options["port"], threads=options["threads"], ident="qingfeng")

    def multi(self, options: dict[str, Any]) -> None:
        from gunicorn.app.base import BaseApplication

        from qingfeng.wsgi import application

        self.warm(options)
        worker = None
        if not options["no_worker"]:
            # Our own command; it ends with this process even when this one is killed (parent-death signal).
            worker = subprocess.Popen([sys.executable, "-m", "qingfeng.cli", "worker"], preexec_fn=die_with_parent)  # noqa: S603, PLW1509

        gunicorn_options = {
            "bind": f"{options['host']}:{options['port']}",
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread",
            "timeout": options["timeout"],
            "graceful_timeout": 30,
            "keepalive": 5,
            # The body of an upload may be up to the import limit: no size cap here, the views check it.
            "limit_request_line": 8190,
            "accesslog": os.environ.get("QINGFENG_ACCESS_LOG") or None,
            "errorlog": "-",
            "loglevel": os.environ.get("LOG_LEVEL", "warning").lower(),
            "proc_name": "qingfeng",
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in gunicorn_options.items():
                    self.cfg.set(key, value)

            def load(self) -> _WSGIAppType:
                # django-stubs types the environ as a dict, gunicorn's stubs as any MutableMapping
                return application  # type: ignore[return-value]

        self.stdout.write(_("清风平台已启动: http://%(host)s:%(port)s/  （%(workers)s 个进程 × %(threads)s 个线程；Ctrl+C 停止）")
                          % options)
        self.stdout.flush()
        try:
            Server().run()
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
