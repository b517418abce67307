"""Shared argument handling of the indicator commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.orgs.models import Organization


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def add_scope_arguments(parser: CommandParser) -> None:
    parser.add_argument("--org", required=True, help="组织编码 of the subtree's root")
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")


def scope_from(options: dict[str, Any]) -> tuple[Organization, dt.date, dt.date]:
    try:
        org = Organization.objects.get(code=options["org"].strip())
    except Organization.DoesNotExist as exc:
        raise usage_error(_("组织编码“%(code)s”不存在。") % {"code": options["org"]}) from exc
    try:
        start = dt.date.fromisoformat(options["start"].strip())
        end = dt.date.fromisoformat(options["end"].strip())
    except ValueError as exc:
        raise usage_error(_("日期应写作 YYYY-MM-DD。")) from exc
    if start > end:
        raise usage_error(_("开始日期 %(start)s 晚于结束日期 %(end)s。") % {"start": start, "end": end})
    return org, start, end
