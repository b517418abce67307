"""Writes to people and their organizational relation. History rows are appended, never rewritten."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.orgs.models import Organization
from qingfeng.people.models import EndReason, Person, Relation, RelationVia


@transaction.atomic
def transfer_member(person: Person, to_org: Organization, on: dt.date, *, note: str = "", user=None) -> Relation:
    """Move a member's organizational relation (组织关系转接) to another organization of the platform."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.relations.filter(end_on__isnull=True).order_by("-start_on", "-id").first()
    if current is None:
        raise ValidationError(_("该人员当前没有组织关系，无法转接。"))
    if current.org_id == to_org.pk:
        raise ValidationError(_("转入组织与当前组织相同。"))
    if not to_org.is_active_on(on):
        raise ValidationError(_("转入组织在该日期不存在或已撤销。"))
    if current.start_on and on <= current.start_on:
        raise ValidationError(_("转接日期必须晚于当前组织关系的开始日期 %(date)s。") % {"date": current.start_on})
    current.end_on = on
    current.end_reason = EndReason.TRANSFER
    current.save(update_fields=["end_on", "end_reason"])
    relation = Relation.objects.create(
        person=person, org=to_org, start_on=on, via=RelationVia.TRANSFER, from_org=current.org, note=note
    )
    person.org = to_org
    person.save(update_fields=["org", "updated_at"])
    if user is not None:
        from qingfeng.audit.models import AuditAction, record

        record(user, AuditAction.UPDATE, person, summary=f"转接 {current.org.code} → {to_org.code} {on}",
               before={"org": current.org.code}, after={"org": to_org.code, "on": on.isoformat()})
    return relation
