"""办实事 items: committed (已承诺) → in progress (推进中) → completed (已办结), with beneficiaries."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.activities.actions import new_code
from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import diff, ledger_action
from qingfeng.files.actions import attach_files
from qingfeng.files.models import FileKind
from qingfeng.orgs.models import Organization
from qingfeng.service.models import ServiceCategory, ServiceItem

# What a 办实事 item's actions write (the facts recompute only what reads these: metrics.scope).
WRITES = (ServiceItem, "files.attachment")


@ledger_action
def commit_service_item(*, user, org: Organization, name: str, category: str, committed_on: dt.date,
                        planned_on: dt.date, via: str = "page") -> ServiceItem:
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写事项名称。")]
    if category and category not in ServiceCategory.values:
        errors["category"] = [_("类别不在可选范围内。")]
    if committed_on > today():
        errors["committed_on"] = [_("承诺日期不能晚于今天。")]
    if planned_on < committed_on:
        errors["planned_on"] = [_("计划完成日期不能早于承诺日期。")]
    if errors:
        raise ValidationError(errors)
    item = ServiceItem.objects.create(code=new_code("SS", committed_on, ServiceItem), org=org, name=name[:300],
                                      category=category or "", committed_on=committed_on, planned_on=planned_on,
                                      entered_via=via)
    log_entries([item], via, user=user)
    changes.record(orgs=[org.pk], days=[committed_on, planned_on], ledgers=WRITES)
    return item


@ledger_action
def start_service_item(item: ServiceItem, *, user, on: dt.date) -> ServiceItem:
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.completed_on or item.started_on:
        raise ValidationError(_("该事项已在推进或已办结。"))
    if on < item.committed_on or on > today():
        raise ValidationError({"on": [_("开始推进日期应在承诺日期和今天之间。")]})
    diff(item, {"started_on": on})
    item.save(update_fields=["started_on", "updated_at"])
    return item


@ledger_action
def complete_service_item(item: ServiceItem, *, user, on: dt.date, beneficiaries: int, files=()) -> ServiceItem:
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.completed_on:
        raise ValidationError(_("该事项已于 %(date)s 办结。") % {"date": item.completed_on})
    errors: dict[str, list[str]] = {}
    if on < (item.started_on or item.committed_on):
        errors["on"] = [_("完成日期不能早于承诺或开始推进日期。")]
    if on > today():
        errors["on"] = [_("完成日期不能晚于今天。")]
    if beneficiaries is None or beneficiaries < 0:
        errors["beneficiaries"] = [_("请填写受益人数（不小于 0）。")]
    if errors:
        raise ValidationError(errors)
    fields = {"completed_on": on, "beneficiaries": beneficiaries}
    if not item.started_on:
        fields["started_on"] = item.committed_on
    diff(item, fields)
    item.save(update_fields=["started_on", "completed_on", "beneficiaries", "updated_at"])
    attach_files(item, files, user=user, kind=FileKind.PHOTO)
    changes.record(orgs=[item.org_id], days=[on, item.planned_on], ledgers=WRITES)
    return item
