"""Dispatched cadres (选派), weak-organization cases (软弱涣散整顿) and elections (换届)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import diff, ledger_action
from qingfeng.grassroots.models import Assignment, AssignmentEndReason, Role, WeakOrgCase
from qingfeng.orgs.models import Election, Organization
from qingfeng.people.models import Person


@ledger_action
def dispatch(*, user, person: Person, org: Organization, role: str, start_on: dt.date, sent_by: str = "",
             team: str = "", via: str = "page") -> Assignment:
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("请选择岗位。")]
    if start_on > today():
        errors["start_on"] = [_("开始日期不能晚于今天。")]
    elif not org.is_active_on(start_on):
        errors["start_on"] = [_("派驻组织在开始日期不存在或已撤销。")]
    if errors:
        raise ValidationError(errors)
    if Assignment.objects.filter(person=person, role=role, org=org, start_on=start_on).exists():
        raise ValidationError(_("这条选派记录已经存在。"))
    if Assignment.objects.filter(person=person, role=role, org=org, end_on__isnull=True).exists():
        raise ValidationError(_("%(name)s 已在该组织担任%(role)s，尚未结束。") % {"name": person.name, "role": role})
    assignment = Assignment.objects.create(person=person, role=role, org=org, start_on=start_on,
                                           sent_by=(sent_by or "").strip()[:200], team=(team or "").strip()[:100],
                                           entered_via=via)
    log_entries([assignment], via, user=user)
    changes.record(orgs=[org.pk], days=[start_on], ledgers=(Assignment,))
    return assignment


@ledger_action
def end_assignment(assignment: Assignment, *, user, on: dt.date, reason: str) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("person", "org").get(pk=assignment.pk)
    if assignment.end_on:
        raise ValidationError(_("该选派已于 %(date)s 结束。") % {"date": assignment.end_on})
    if reason not in AssignmentEndReason.values:
        raise ValidationError({"reason": [_("请选择结束原因。")]})
    if on <= assignment.start_on:
        raise ValidationError({"on": [_("结束日期必须晚于开始日期。")]})
    diff(assignment, {"end_on": on, "end_reason": reason})
    assignment.save(update_fields=["end_on", "end_reason"])
    changes.record(orgs=[assignment.org_id], days=[on], ledgers=(Assignment,))
    return assignment


@ledger_action
def identify_weak_org(*, user, org: Organization, identified_on: dt.date, problems: str, via: str = "page") -> WeakOrgCase:
    if identified_on > today():
        raise ValidationError({"identified_on": [_("认定日期不能晚于今天。")]})
    if WeakOrgCase.objects.filter(org=org, rectified_on__isnull=True).exists():
        raise ValidationError(_("该组织已有一条未完成整顿的软弱涣散认定。"))
    if WeakOrgCase.objects.filter(org=org, identified_on=identified_on).exists():
        raise ValidationError(_("该组织在这一天已有认定记录。"))
    case = WeakOrgCase.objects.create(org=org, identified_on=identified_on, problems=(problems or "").strip(),
                                      entered_via=via)
    log_entries([case], via, user=user)
    changes.record(orgs=[org.pk], days=[identified_on], ledgers=(WeakOrgCase,))
    return case


@ledger_action
def rectify_weak_org(case: WeakOrgCase, *, user, on: dt.date) -> WeakOrgCase:
    case = WeakOrgCase.objects.select_for_update().get(pk=case.pk)
    if case.rectified_on:
        raise ValidationError(_("该组织已于 %(date)s 完成整顿。") % {"date": case.rectified_on})
    if on < case.identified_on or on > today():
        raise ValidationError({"on": [_("整顿完成日期应在认定日期和今天之间。")]})
    diff(case, {"rectified_on": on})
    case.save(update_fields=["rectified_on"])
    changes.record(orgs=[case.org_id], days=[on], ledgers=(WeakOrgCase,))
    return case


@ledger_action
def hold_election(*, user, org: Organization, held_on: dt.date, term_years: int) -> Election:
    """An election (换届), written through orgs.actions.record_election, which keeps the current term."""
    from qingfeng.orgs.actions import record_election

    if term_years not in (3, 5):
        raise ValidationError({"term_years": [_("任期年限只能是 3 年或 5 年。")]})
    if held_on > today():
        raise ValidationError({"held_on": [_("选举日期不能晚于今天。")]})
    if not org.is_active_on(held_on):
        raise ValidationError({"held_on": [_("该组织在选举日期不存在或已撤销。")]})
    if Election.objects.filter(org=org, held_on=held_on).exists():
        raise ValidationError(_("该组织在这一天已有换届记录。"))
    election = record_election(org, held_on, term_years)  # announces the election, and the term when it moved
    log_entries([election], "page", user=user)
    return election
