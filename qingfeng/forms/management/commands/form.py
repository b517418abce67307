"""`qingfeng form fill TEMPLATE.xlsx --org CODE --from DATE --to DATE [--user USER] -o OUT.xlsx`
and `qingfeng form fill --form 报表编号 …` (spec/forms.md "Interfaces").

Exit 0 with the filled workbook written, or 2 with every problem on stderr, one line each, and no file."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from qingfeng.accounts import access as accounts
from qingfeng.forms import access, actions, filler
from qingfeng.forms.models import Channel
from qingfeng.forms.placeholders import TemplateError


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Fills a report form (一表通) for an organization and a period: a template file, or a saved form."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fill = sub.add_parser("fill", help="fill a template or a saved form")
        fill.add_argument("template", nargs="?", help="a template .xlsx (saved or not)")
        fill.add_argument("--form", default=None, help="报表编号 of a saved form (instead of a file)")
        fill.add_argument("--version", type=int, default=None, help="a saved form's template version (default: latest)")
        fill.add_argument("--org", required=True, help="组织编码 the form is filled for")
        fill.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        fill.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        fill.add_argument("--user", default=None, help="fill as this user (default: the administrator)")
        fill.add_argument("-o", "--output", required=True, help="the .xlsx to write")

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
        if (options["template"] is None) == (options["form"] is None):
            raise usage_error(_("请给出模板文件，或用 --form 指定已保存报表的报表编号（二者选一）。"))
        user = self._user(options["user"])
        try:
            start = dt.date.fromisoformat(options["start"].strip())
            end = dt.date.fromisoformat(options["end"].strip())
        except ValueError as exc:
            raise usage_error(_("日期应写作 YYYY-MM-DD。")) from exc
        code = options["org"].strip()
        try:
            org = accounts.get_org_for_user(user, code)
        except Http404:
            raise usage_error(_("组织编码“%(code)s”不存在或不在您的管理范围内。") % {"code": code}) from None
        try:
            if options["form"] is not None:
                content = self._saved(user, options, org, start, end)
            else:
                path = Path(options["template"])
                if not path.is_file():
                    raise usage_error(_("找不到文件：%(path)s") % {"path": path})
                content = filler.fill(path.read_bytes(), org, start, end, user).content()
        except TemplateError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise usage_error(_("发现 %(n)d 个问题，未生成文件。") % {"n": len(exc.problems)}) from exc
        write_atomically(Path(options["output"]), content)
        self.stdout.write(_("已生成 %(path)s") % {"path": options["output"]})

    def _saved(self, user, options, org, start, end) -> bytes:
        try:
            template = access.get_template_for_user(user, options["form"].strip())
        except Http404:
            raise usage_error(_("没有编号为“%(code)s”的报表，或您看不到它。") % {"code": options["form"]}) from None
        if not template.owner.contains(org):
            raise usage_error(_("组织“%(code)s”不在报表“%(form)s”的下发范围内。") % {"code": org.code, "form": template.code})
        version = None
        if options["version"] is not None:
            version = template.versions.filter(number=options["version"]).first()
            if version is None:
                raise usage_error(_("报表“%(form)s”没有第 %(n)d 版。") % {"form": template.code, "n": options["version"]})
        return actions.answer(template, user=user, org=org, start=start, end=end, channel=Channel.COMMAND,
                              version=version).content


def write_atomically(path: Path, content: bytes) -> None:
    """The whole file or none: written beside the target, then renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
