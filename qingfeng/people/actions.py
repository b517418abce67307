"""Writes to people and their organizational relation. History rows are appended, never rewritten."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.core import changes, dates
from qingfeng.orgs.models import Organization
from qingfeng.people.models import EndReason, Person, Relation, RelationVia

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


# What a transfer writes: the closed and the opened relation, the person's current organization.
TRANSFER_WRITES = (Person, Relation)


@transaction.atomic
def transfer_member(person: Person, to_org: Organization, on: dt.date, *, note: str = "", user: User | None = None,
                    channel: str | None = None) -> Relation:
    """Move a member's organizational relation (组织关系转接) to another organization of the platform.

    The current relation is closed on `on` (the first day it no longer holds) and a new one opened there;
    nothing is rewritten. `channel` (a Source value: page, api, import) logs the new relation as an entry."""
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
    if channel is not None:
        from qingfeng.core.entries import log_entries

        log_entries([relation], channel, user=user)
    if user is not None:
        from qingfeng.audit.models import AuditAction, record

        record(user, AuditAction.UPDATE, person, summary=f"转接 {current.org.code} → {to_org.code} {on}",
               before={"org": current.org.code}, after={"org": to_org.code, "on": on.isoformat()})
    # Membership counts of both subtrees change from the transfer day on. Announced last: outside a batch (the
    # transfer page) it refreshes at once, and the relation's burden entry must be in by then.
    changes.record(orgs=[current.org_id, to_org.pk], people=[person.pk], days=[on], ledgers=TRANSFER_WRITES)
    return relation


def person_problem(person: Person) -> str | None:
    """Why a new person record cannot be saved as it is (in Chinese), or None."""

    from qingfeng.core.idnumbers import id_birth_date, id_problem

    problem = id_problem(person.id_number or "")
    if problem:
        return problem
    if person.birth_date and id_birth_date(person.id_number) != person.birth_date:
        return _("出生日期与公民身份号码不一致。")
    org = person.org
    if org is not None and org.dissolved_on and org.dissolved_on <= dates.today():
        return _("不能把人员放入已撤销的党组织。")
    if person.full_on and person.admitted_on and person.full_on <= person.admitted_on:
        return _("转正日期必须晚于入党日期。")
    return None


@transaction.atomic
def register_person(person: Person, *, user: User | None = None, channel: str | None = None) -> Person:
    """Save a new person; a member placed in an organization gets the opening relation row (转入, from
    outside the platform) dated from admission — the history starts where the platform learns of them."""
    if person.pk:
        raise ValidationError(_("该人员已经存在。"))
    problem = person_problem(person)
    if problem:
        raise ValidationError(problem)
    person.save()
    org = person.org
    if org is not None:
        start = person.admitted_on
        if start and org.established_on and start < org.established_on:
            start = org.established_on
        relation = Relation.objects.create(person=person, org=org, start_on=start, via=RelationVia.TRANSFER_IN)
        if channel is not None:
            from qingfeng.core.entries import log_entries

            log_entries([relation], channel, user=user)
        # after the entry: outside a batch (the admin) this refreshes at once
        changes.record(orgs=[org.pk], people=[person.pk], days=[start], ledgers=(Person, Relation))
    return person


def create_persons(named: dict[str, str], *, now: dt.datetime) -> dict[str, int]:
    """The bulk variant of register_person for persons outside membership (lecturers, dispatched cadres, parties
    to decisions an import names): ID number → name, created with the sex and birth date their number states.
    Returns ID number → primary key. The caller has checked the numbers."""
    from qingfeng.core.idnumbers import id_birth_date, id_gender

    people = [Person(id_number=number, name=name, gender=id_gender(number), birth_date=id_birth_date(number),
                     created_at=now, updated_at=now) for number, name in named.items()]
    Person.objects.bulk_create(people, batch_size=5000)
    return {p.id_number: p.pk for p in people}
