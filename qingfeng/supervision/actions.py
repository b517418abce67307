"""Findings (问题) and their rectification: found → 整改中 → 待核验 → 已销号, or 已退回 with a reason.
Every transition appends a FindingEvent; accountability decisions (问责) link to the finding."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from qingfeng.activities.actions import new_code
from qingfeng.activities.models import Activity
from qingfeng.audit.models import AuditAction
from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import audit, diff, ledger_action
from qingfeng.files.actions import attach_files
from qingfeng.files.models import FileKind
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person
from qingfeng.supervision.access import can_verify
from qingfeng.supervision.models import (
    Accountability,
    Finding,
    FindingEvent,
    FindingSource,
    FindingStatus,
    ProblemCategory,
    round_source,
)

# What a finding's actions write (the facts recompute only what reads these: metrics.scope).
FINDING_WRITES = (Finding, FindingEvent, "files.attachment")


def _event(finding: Finding, user, from_status: str, note: str = "") -> FindingEvent:
    return FindingEvent.objects.create(finding=finding, actor=user if getattr(user, "is_authenticated", False) else None,
                                       from_status=from_status, to_status=finding.status, note=note)


@ledger_action
def record_finding(*, user, org: Organization, source: str, found_on: dt.date, description: str, deadline: dt.date,
                   round: Activity | None = None, files=(), via: str = "page",  # noqa: A002
                   category: str = "") -> Finding:
    errors: dict[str, list[str]] = {}
    if category and category not in ProblemCategory.values:
        errors["category"] = [_("问题类别应为 %(allowed)s 之一。") % {"allowed": "、".join(ProblemCategory.values)}]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请填写问题描述。")]
    if source not in FindingSource.values:
        errors["source"] = [_("请选择问题来源。")]
    if found_on > today():
        errors["found_on"] = [_("发现日期不能晚于今天。")]
    if deadline < found_on:
        errors["deadline"] = [_("整改期限不能早于发现日期。")]
    if round is not None:
        if not round.type.is_supervision:
            errors["round"] = [_("所选活动不是督导类活动。")]
        elif round.date > found_on:
            errors["round"] = [_("发现日期不能早于督导活动日期 %(date)s。") % {"date": round.date}]
        elif round_source(round.type) not in (None, source):
            errors["source"] = [_("问题来源应与督导轮次的类型“%(type)s”一致。") % {"type": round.type.name}]
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(code=new_code("WT", found_on, Finding), source=source, found_on=found_on, org=org,
                                     description=description, deadline=deadline, round=round, entered_via=via,
                                     status=FindingStatus.RECTIFYING, category=category or "")
    _event(finding, user, "", _("发现问题"))
    log_entries([finding], via, user=user)
    attach_files(finding, files, user=user, kind=FileKind.OTHER)
    changes.record(orgs=[org.pk], days=[found_on, deadline], ledgers=FINDING_WRITES)
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("org").get(pk=finding.pk)


@ledger_action
def classify_finding(finding: Finding, *, user, category: str) -> Finding:
    """Set (or clear) the finding's 问题类别 — 形式主义, 官僚主义 …; kept in the audit log like every change."""
    if category and category not in ProblemCategory.values:
        raise ValidationError({"category": [_("问题类别应为 %(allowed)s 之一。") % {
            "allowed": "、".join(ProblemCategory.values)}]})
    finding = _locked(finding)
    if finding.category != category:
        diff(finding, {"category": category})
        finding.save(update_fields=["category", "updated_at"])
        changes.record(orgs=[finding.org_id], days=[finding.found_on, finding.deadline, finding.closed_on],
                       ledgers=FINDING_WRITES)
    return finding


@ledger_action
def submit_finding(finding: Finding, *, user, note: str, files=()) -> Finding:
    """The responsible organization reports its rectification (with evidence) for verification."""
    finding = _locked(finding)
    if finding.status not in (FindingStatus.RECTIFYING, FindingStatus.RETURNED):
        raise ValidationError(_("只有整改中或已退回的问题可以提交核验。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请说明整改情况。")]})
    attach_files(finding, files, user=user, kind=FileKind.EVIDENCE)
    old = finding.status
    finding.status = FindingStatus.SUBMITTED
    finding.save(update_fields=["status", "updated_at"])
    _event(finding, user, old, note)
    return finding


@ledger_action
def return_finding(finding: Finding, *, user, reason: str) -> Finding:
    """The verifying officer sends the rectification back, saying why."""
    finding = _locked(finding)
    if not can_verify(user, finding):
        raise PermissionDenied
    if finding.status != FindingStatus.SUBMITTED:
        raise ValidationError(_("只有待核验的问题可以退回。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("退回时必须说明理由。")]})
    finding.status = FindingStatus.RETURNED
    finding.save(update_fields=["status", "updated_at"])
    _event(finding, user, FindingStatus.SUBMITTED, reason)
    return finding


@ledger_action
def close_finding(finding: Finding, *, user, on: dt.date, note: str = "") -> Finding:
    """销号: the verifying officer accepts the rectification."""
    finding = _locked(finding)
    if not can_verify(user, finding):
        raise PermissionDenied
    if finding.status != FindingStatus.SUBMITTED:
        raise ValidationError(_("只有待核验的问题可以销号。"))
    if on < finding.found_on:
        raise ValidationError({"on": [_("销号日期不能早于发现日期。")]})
    if on > today():
        raise ValidationError({"on": [_("销号日期不能晚于今天。")]})
    finding.status = FindingStatus.CLOSED
    finding.closed_on = on
    finding.save(update_fields=["status", "closed_on", "updated_at"])
    _event(finding, user, FindingStatus.SUBMITTED, (note or "").strip() or _("销号"))
    changes.record(orgs=[finding.org_id], days=[on, finding.deadline], ledgers=FINDING_WRITES)
    return finding


@ledger_action
def record_accountability(*, user, org: Organization, person: Person, decided_on: dt.date, mode: str,
                          finding: Finding | None = None, via: str = "page") -> Accountability:
    if decided_on > today():
        raise ValidationError({"decided_on": [_("决定日期不能晚于今天。")]})
    if finding is not None and decided_on < finding.found_on:
        raise ValidationError({"decided_on": [_("决定日期不能早于问题的发现日期。")]})
    if Accountability.objects.filter(person=person, decided_on=decided_on).exists():
        raise ValidationError(_("%(name)s 在 %(date)s 已有一条问责决定。") % {"name": person.name, "date": decided_on})
    decision = Accountability.objects.create(person=person, org=org, decided_on=decided_on, mode=mode, finding=finding,
                                             entered_via=via)
    log_entries([decision], via, user=user)
    if finding is not None:
        audit(user, AuditAction.UPDATE, finding, summary=_("关联问责决定：%(name)s %(mode)s") % {
            "name": person.name, "mode": mode})
    changes.record(orgs=[org.pk], days=[decided_on], ledgers=(Accountability,))
    return decision


# ---- bulk variants (imports) -------------------------------------------------------------------

def status_for(closed_on: dt.date | None) -> str:
    """A finding written with its 销号日期 (an import of an old ledger) is closed; without, it is being rectified."""
    return FindingStatus.CLOSED if closed_on else FindingStatus.RECTIFYING


def record_findings(findings: list[Finding], *, user, note: str = "导入") -> None:
    """The bulk variant of record_finding (imports): each finding's status from its 销号日期, and its first event.
    The caller has checked them."""
    for finding in findings:
        finding.status = status_for(finding.closed_on)
    Finding.objects.bulk_create(findings, batch_size=5000)
    FindingEvent.objects.bulk_create([FindingEvent(finding_id=f.pk, actor_id=user.pk, to_status=f.status, note=note)
                                      for f in findings], batch_size=5000)


def rewrite_findings(findings: list[Finding], fields: list[str], *, user, note: str = "导入") -> None:
    """The bulk variant for findings re-imported with other values: a 销号日期 given closes a finding, one taken
    away reopens it to 整改中; each change of status appends its event."""
    old = dict(Finding.objects.filter(pk__in=[f.pk for f in findings]).values_list("id", "status"))
    events = []
    for finding in findings:
        status = old[finding.pk]
        if finding.closed_on and status != FindingStatus.CLOSED:
            finding.status = FindingStatus.CLOSED
        elif not finding.closed_on and status == FindingStatus.CLOSED:
            finding.status = FindingStatus.RECTIFYING
        if finding.status != status:
            events.append(FindingEvent(finding_id=finding.pk, actor_id=user.pk, from_status=status,
                                       to_status=finding.status, note=note))
    Finding.objects.bulk_update(findings, [*fields, "status"], batch_size=5000)
    FindingEvent.objects.bulk_create(events, batch_size=5000)
