"""The audit page (系统管理员 only, filterable, exportable) and the logged unmasking of a person's
ID and phone numbers. Nothing here changes or removes a log row."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qingfeng.accounts.access import can_unmask, get_person_for_user
from qingfeng.audit.context import client_ip
from qingfeng.audit.forms import AuditFilterForm
from qingfeng.audit.models import AuditAction, AuditLog, AuditLogQuerySet, record
from qingfeng.core.http import AuthedRequest
from qingfeng.core.lists import paginate

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

EXPORT_LIMIT = 200_000


def _require_admin(user: User) -> None:
    if not user.is_platform_admin:
        raise PermissionDenied


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    _require_admin(request.user)
    form = AuditFilterForm(request.GET or None)
    rows = AuditLog.objects.all()
    if request.GET:
        rows = form.filter(rows) if form.is_valid() else rows.none()
    if request.GET.get("export") == "xlsx":
        return _export(request, rows)
    page, query = paginate(request, rows)
    context = {"form": form, "page": page, "query": query}
    template = "audit/_results.html" if request.htmx else "audit/list.html"
    return render(request, template, context)


def _json_cell(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _export(request: AuthedRequest, rows: AuditLogQuerySet) -> HttpResponse:
    from openpyxl import Workbook

    from qingfeng.core.spreadsheet import xlsx_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审计日志"))
    sheet.append([_("时间"), _("用户"), _("操作"), _("对象类型"), _("对象"), _("摘要"), _("修改前"), _("修改后"), _("IP 地址")])
    labels = dict(AuditAction.choices)
    tz = timezone.get_current_timezone()
    count = 0
    for row in rows.iterator(chunk_size=2000):
        if count >= EXPORT_LIMIT:
            break
        sheet.append(xlsx_row(sheet, [
            timezone.localtime(row.at, tz).strftime("%Y-%m-%d %H:%M:%S"), row.username, str(labels.get(row.action, row.action)),
            row.model, row.object_id, row.summary, _json_cell(row.before), _json_cell(row.after), row.ip or "",
        ]))
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    # Exporting the log is itself a read of restricted data.
    record(request.user, AuditAction.EXPORT, model="audit.AuditLog", summary=f"导出审计日志 {count} 条",
           after={"filters": request.GET.dict(), "rows": count}, ip=client_ip(request))
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


UNMASK_FIELDS = {"id": "id_number", "phone": "phone"}


@login_required
@require_POST
def unmask(request: AuthedRequest, pk: int) -> HttpResponse:
    """The full ID (or, with field=phone, phone) number of a person in scope, as an htmx fragment.
    Only roles that keep member records may unmask; every unmasking is logged."""
    person = get_person_for_user(request.user, pk)
    if not can_unmask(request.user):
        raise PermissionDenied
    field = request.POST.get("field", "id")
    if field not in UNMASK_FIELDS:
        field = "id"
    value = getattr(person, UNMASK_FIELDS[field]) or ""
    record(request.user, AuditAction.UNMASK, person, summary=f"{person.name} {UNMASK_FIELDS[field]}",
           after={"field": UNMASK_FIELDS[field]}, ip=client_ip(request))
    return render(request, "audit/_unmasked.html", {"value": value, "field": field, "person": person})
