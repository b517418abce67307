from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("在 127.0.0.1 上提供平台服务")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from qingfeng.wsgi import application

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("清风平台已启动: http://%(host)s:%(port)s/  (Ctrl+C 停止)") % options)
        serve(application, host=options["host"], port=options["port"], threads=options["threads"], ident="qingfeng")
