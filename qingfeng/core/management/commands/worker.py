from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("运行后台任务进程（导入大文件、重建指标、全市导出与年度报告）；qingfeng serve 会自动启动一个")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help=_("队列为空时每隔几秒查看一次"))
        parser.add_argument("--batch", action="store_true", help=_("做完队列中的任务后退出"))

    def handle(self, *args: Any, **options: Any) -> None:
        from qingfeng.core import jobs

        jobs.yield_to_requests()  # a process of its own: its long work gives way to the pages'
        if options["batch"]:
            jobs.run_batch()
            return
        self.stdout.write(_("后台任务进程已启动（Ctrl+C 停止）"))
        self.stdout.flush()
        jobs.run_worker(interval=options["interval"])
