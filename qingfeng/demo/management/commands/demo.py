"""`qingfeng demo [--scale tiny|small|city|province] [--no-serve] [--port N]` (spec/interfaces.md)."""

from __future__ import annotations

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingfeng.core.dates import store_today
from qingfeng.demo.build import DemoExists, build_demo
from qingfeng.demo.figures import Y
from qingfeng.demo.models import DemoRun
from qingfeng.demo.places import CITIES, TAIYUAN
from qingfeng.demo.progress import Progress
from qingfeng.demo.scales import SCALES
from qingfeng.demo.users import ensure_demo_users, random_password


class Command(BaseCommand):
    help = _("生成演示城市（太原，或 --city 指定的城市）及演示用户，然后启动平台")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small",
                            help=_("规模：tiny（测试用）、small、city、province"))
        parser.add_argument("--city", choices=list(CITIES), default=TAIYUAN.code,
                            help=_("演示城市：140100 太原（默认），140200 大同（与太原组成两市一省，见 docs/federation.md）"))
        parser.add_argument("--no-serve", action="store_true", help=_("生成后不启动服务"))
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--quiet-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, **options):
        scale = options["scale"]
        existing = DemoRun.objects.order_by("-finished_at").first()
        if existing is not None:
            self.stdout.write(_("数据库中已有演示数据（规模 %(scale)s，生成于 %(at)s），不再重复生成。")
                              % {"scale": existing.scale, "at": f"{existing.finished_at:%Y-%m-%d %H:%M}"})
            store_today(Y[1])  # a database built before the platform kept its day
            if existing.scale != scale:
                self.stdout.write(_("如需生成其他规模，请使用新的数据库（QINGFENG_VAR 或 DATABASE_URL）。"))
        else:
            progress = Progress(100, stream=self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr,
                                enabled=not options["quiet_progress"])
            try:
                result = build_demo(scale, progress, city=options["city"])
            except DemoExists:
                raise CommandError(_("数据库中已有非演示的党组织数据，演示数据只能生成到空数据库中。"), returncode=1) from None
            self.stdout.write(_("演示城市已生成（规模 %(scale)s）：%(orgs)d 个党组织，%(persons)d 名人员，用时 %(seconds).1f 秒。")
                              % {"scale": scale, "orgs": result.organizations, "persons": result.persons,
                                 "seconds": result.seconds})
        password = os.environ.get("QINGFENG_DEMO_PASSWORD") or random_password()
        users = ensure_demo_users(password)
        self.stdout.write(_("演示用户（密码均为 %(password)s）：") % {"password": password})
        for user, org in users:
            where = str(org) if org else _("全平台")
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<8} {where}")
        from django.conf import settings

        if not getattr(settings, "QINGFENG_TOTP_REQUIRED_ROLES", None):
            self.stdout.write(_("注意：演示环境未强制动态口令（TOTP）；生产配置要求系统管理员和纪检监察使用动态口令。"))
        self.stdout.write(_("演示数据反映 2020–2021 年：驾驶舱、预警和年度综述默认显示 2020-05-12 至 2021-05-11。"))
        if not options["no_serve"]:
            call_command("serve", port=options["port"])
