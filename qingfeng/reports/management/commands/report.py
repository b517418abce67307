"""`qingfeng report --org CODE --from DATE --to DATE --format md|docx|pdf|xlsx -o FILE [--user NAME] [--language zh-hans|en]`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.accounts.access import get_org_for_user
from qingfeng.reports.review import build_review
from qingfeng.reports.writers import FORMATS, write


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Writes the year-in-review (or any period's review) for an organization's subtree."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织编码 of the subtree's root")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--user", default=None, help="write as this user (default: the administrator)")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--base-url", default=os.environ.get("QINGFENG_BASE_URL", ""),
                            help="prefix for the links to the records (default $QINGFENG_BASE_URL, else relative)")

    def _user(self, name):
        users = get_user_model().objects.filter(is_active=True)
        if name:
            user = users.filter(username=name).first()
            if user is None:
                raise usage_error(_("用户“%(name)s”不存在。") % {"name": name})
            return user
        user = users.filter(Q(is_superuser=True) | Q(role="admin")).order_by("-is_superuser", "pk").first()
        if user is None:
            raise usage_error(_("没有系统管理员账户，请用 --user 指定用户。"))
        return user

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            user = self._user(options["user"])
            try:
                start = dt.date.fromisoformat(options["start"].strip())
                end = dt.date.fromisoformat(options["end"].strip())
            except ValueError as exc:
                raise usage_error(_("日期应写作 YYYY-MM-DD。")) from exc
            if start > end:
                raise usage_error(_("开始日期 %(start)s 晚于结束日期 %(end)s。") % {"start": start, "end": end})
            try:
                org = get_org_for_user(user, options["org"].strip())
            except Http404 as exc:
                raise usage_error(_("组织编码“%(code)s”不存在或不在用户“%(user)s”的范围内。")
                                  % {"code": options["org"], "user": user.username}) from exc
            review = build_review(org, start, end, user, base_url=options["base_url"])
            content = write(review, options["format"])
        path = Path(options["output"])
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)  # a reader never sees half a file
        self.stdout.write(f"{path} ({len(content)} bytes)")
