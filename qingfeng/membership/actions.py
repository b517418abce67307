"""Writes of the member lifecycle. Each validates its rule, writes, and appends history."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.core import changes, dates
from qingfeng.core.dates import month_start
from qingfeng.core.idnumbers import id_problem
from qingfeng.membership import rules
from qingfeng.membership.models import (
    Candidate,
    CandidateEvent,
    DuesDeclaration,
    DuesPayment,
    Stage,
    TransferLetter,
    TransferRequest,
    TransferStatus,
)
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Category, EndReason, Person, Relation, RelationVia


def _fail(message: str) -> NoReturn:
    raise ValidationError(message)


# What every step of a candidacy writes: the candidacy and its history row.
STEP_WRITES = (Candidate, CandidateEvent)


def _event(candidate: Candidate, step: str, on: dt.date | None, user=None, note: str = "",
           wrote: tuple[type[Model], ...] = ()) -> None:
    """History of a step, and its announcement: every step changes the candidacy's facts ("app", "dev", "late").
    `wrote`: what the step wrote beside the candidacy (the person, their relation)."""
    CandidateEvent.objects.create(candidate=candidate, step=step, on=on, note=note,
                                  actor=user if getattr(user, "is_authenticated", False) else None)
    changes.record(orgs=[candidate.org_id], days=[on], ledgers=(*STEP_WRITES, *wrote))


@transaction.atomic
def register_application(*, org: Organization, name: str, id_number: str, applied_on: dt.date, phone: str = "",
                         user=None) -> Candidate:
    """递交入党申请书: the person is found by ID number or created; the branch opens a candidacy."""
    id_number = id_number.strip().upper()
    problem = id_problem(id_number)
    if problem:
        _fail(problem)
    if not org.is_branch:
        _fail(_("入党申请应由党支部受理。"))
    if not org.is_active_on(applied_on):
        _fail(_("该党支部在申请日期不存在。"))
    from qingfeng.core.ledger import person_by_id

    # Found only among the people the user sees, with the same name; otherwise one neutral answer.
    known = Person.objects.filter(id_number=id_number).exists()
    person = person_by_id(id_number, name, user=user if getattr(user, "is_authenticated", False) else None,
                          phone=phone)
    if person.is_member:
        _fail(_("%(name)s 已是党员。") % {"name": person.name})
    if Candidate.objects.filter(person=person).in_progress().exists():
        _fail(_("%(name)s 已在发展程序中。") % {"name": person.name})
    problem = rules.age_problem(person.birth_date, applied_on)
    if problem:
        _fail(problem)
    candidate = Candidate.objects.create(person=person, org=org, applied_on=applied_on)
    from qingfeng.core.entries import log_entries

    log_entries([candidate], "page", user)  # before the announcement: outside a batch it refreshes at once
    _event(candidate, "apply", applied_on, user, wrote=() if known else (Person,))
    return candidate


def _lock(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().select_related("person", "org").get(pk=candidate.pk)


def _expect(candidate: Candidate, *stages: str) -> None:
    if candidate.stage not in stages:
        _fail(_("当前阶段为“%(stage)s”，不能办理这一步。") % {"stage": candidate.get_stage_display()})


@transaction.atomic
def record_talk(candidate: Candidate, on: dt.date, user=None, note: str = "") -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.APPLICANT)
    # A talk held after the one-month deadline is still a fact worth recording: the timeline marks it late.
    if on < candidate.applied_on:
        _fail(_("谈话日期早于递交申请日期。"))
    candidate.talked_on = on
    candidate.save(update_fields=["talked_on", "updated_at"])
    _event(candidate, "talk", on, user, note)
    return candidate


@transaction.atomic
def make_activist(candidate: Candidate, on: dt.date, contacts: list[Person], user=None, note: str = "") -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.APPLICANT)
    if candidate.talked_on is None:
        _fail(_("须先派人谈话。"))
    if on < candidate.talked_on:
        _fail(_("确定积极分子日期不能早于谈话日期。"))
    if not 1 <= len(contacts) <= 2:
        _fail(_("须指定1至2名培养联系人。"))
    for contact in contacts:
        if contact.category_on(on) != Category.FULL:
            _fail(_("培养联系人 %(name)s 不是正式党员。") % {"name": contact.name})
    candidate.activist_on = on
    candidate.contact_1 = contacts[0]
    candidate.contact_2 = contacts[1] if len(contacts) > 1 else None
    candidate.stage = Stage.ACTIVIST
    candidate.save()
    _event(candidate, "activist", on, user, note)
    return candidate


@transaction.atomic
def make_candidate(candidate: Candidate, on: dt.date, introducers: list[Person], user=None, note: str = "") -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.ACTIVIST)
    problem = rules.candidate_problem(candidate.activist_on, on)
    if problem:
        _fail(problem)
    first, second = (introducers + [None, None])[:2]
    problem = rules.introducers_problem(candidate.person, first, second, on)
    if problem:
        _fail(problem)
    candidate.candidate_on = on
    candidate.introducer_1, candidate.introducer_2 = first, second
    candidate.stage = Stage.CANDIDATE
    candidate.save()
    _event(candidate, "candidate", on, user, note)
    return candidate


@transaction.atomic
def record_review_and_training(candidate: Candidate, review_on: dt.date, days: int | None, hours: int | None,
                               user=None) -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.CANDIDATE)
    if candidate.candidate_on is not None and review_on < candidate.candidate_on:
        _fail(_("政治审查结论日期不能早于确定发展对象日期。"))
    problem = rules.training_problem(days, hours)
    if problem:
        _fail(problem)
    candidate.review_on, candidate.training_days, candidate.training_hours = review_on, days, hours
    candidate.save()
    _event(candidate, "review_training", review_on, user, _("培训 %(d)s 天 / %(h)s 学时") % {"d": days or 0, "h": hours or 0})
    return candidate


@transaction.atomic
def record_vote(candidate: Candidate, on: dt.date, due: int, present: int, yes: int, user=None) -> Candidate:
    """支部大会讨论接收预备党员."""
    candidate = _lock(candidate)
    _expect(candidate, Stage.CANDIDATE)
    if candidate.review_on is None or (candidate.training_days is None and candidate.training_hours is None):
        _fail(_("须先完成政治审查和集中培训。"))
    if on < candidate.review_on:
        _fail(_("支部大会日期不能早于政治审查结论日期。"))
    problem = rules.introducers_problem(candidate.person, candidate.introducer_1, candidate.introducer_2, on)
    if problem:
        _fail(problem)
    problem = rules.vote_problem(due, present, yes)
    if problem:
        _fail(problem)
    candidate.vote_on, candidate.votes_due, candidate.votes_present, candidate.votes_yes = on, due, present, yes
    candidate.save()
    _event(candidate, "vote", on, user, _("应到 %(d)s 实到 %(p)s 赞成 %(y)s") % {"d": due, "p": present, "y": yes})
    return candidate


@transaction.atomic
def approve_admission(candidate: Candidate, on: dt.date, user=None) -> Candidate:
    """上级党委审批: the person becomes a 预备党员 from the day of the branch vote."""
    candidate = _lock(candidate)
    _expect(candidate, Stage.CANDIDATE)
    if candidate.vote_on is None:
        _fail(_("须先经支部大会讨论通过。"))
    if on < candidate.vote_on:
        _fail(_("审批日期早于支部大会讨论日期。"))
    candidate.approved_on = on  # later than three months is recorded and shown as late
    candidate.stage = Stage.PROBATIONARY
    candidate.save()
    person = Person.objects.select_for_update().get(pk=candidate.person_id)
    person.category, person.admitted_on, person.full_on = Category.PROBATIONARY, candidate.vote_on, None
    person.admitting_org = candidate.org
    if person.org_id is None:
        Relation.objects.create(person=person, org=candidate.org, start_on=candidate.vote_on, via=RelationVia.ADMISSION)
        person.org = candidate.org
    person.save()
    with changes.batch():  # the step and the membership it starts: one refresh
        _event(candidate, "approve", on, user, wrote=(Person, Relation))
        # the admitting organization ("rec") and every one the person's membership counts in ("mem", "lapse", "paid")
        changes.record(people=[person.pk], orgs=[candidate.org_id], days=[candidate.vote_on],
                       ledgers=(*STEP_WRITES, Person, Relation))
    return candidate


@transaction.atomic
def extend_probation(candidate: Candidate, months: int, user=None, note: str = "") -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.PROBATIONARY)
    problem = rules.extension_problem(months, candidate.extension_months is not None)
    if problem:
        _fail(problem)
    candidate.extension_months = months
    candidate.save()
    _event(candidate, "extend", None, user, note or _("延长 %(m)s 个月") % {"m": months})
    return candidate


@transaction.atomic
def record_full_vote(candidate: Candidate, on: dt.date, user=None) -> Candidate:
    candidate = _lock(candidate)
    _expect(candidate, Stage.PROBATIONARY)
    problem = rules.full_vote_problem(candidate.probation_ends_on, on)
    if problem:
        _fail(problem)
    candidate.full_vote_on = on
    candidate.save()
    _event(candidate, "full_vote", on, user)
    return candidate


@transaction.atomic
def approve_full_membership(candidate: Candidate, on: dt.date, user=None) -> Candidate:
    """转正 takes effect the day the probation ends; 党龄 counts from then."""
    candidate = _lock(candidate)
    _expect(candidate, Stage.PROBATIONARY)
    if candidate.full_vote_on is None:
        _fail(_("须先经支部大会讨论转正。"))
    if on < candidate.full_vote_on:
        _fail(_("转正审批日期早于支部大会讨论日期。"))
    candidate.full_approved_on = on  # later than three months after the probation is recorded and shown as late
    candidate.stage = Stage.FULL
    candidate.save()
    person = Person.objects.select_for_update().get(pk=candidate.person_id)
    person.category, person.full_on = Category.FULL, candidate.probation_ends_on
    person.save()
    with changes.batch():  # the step and the full membership: one refresh
        _event(candidate, "full", on, user, wrote=(Person,))
        changes.record(people=[person.pk], orgs=[candidate.org_id], days=[candidate.probation_ends_on],
                       ledgers=(*STEP_WRITES, Person))
    return candidate


@transaction.atomic
def close_candidacy(candidate: Candidate, reason: str, user=None) -> Candidate:
    candidate = _lock(candidate)
    if candidate.stage in (Stage.FULL, Stage.CLOSED):
        _fail(_("该发展程序已结束。"))
    if not reason.strip():
        _fail(_("请说明终止原因。"))
    candidate.stage, candidate.closed_reason, candidate.closed_on = Stage.CLOSED, reason.strip(), dates.today()
    candidate.save()
    _event(candidate, "close", candidate.closed_on, user, reason)
    return candidate


# ---- transfers ---------------------------------------------------------------------------

@transaction.atomic
def request_transfer(person: Person, to_org: Organization, on: dt.date, user=None, reason: str = "") -> TransferRequest:
    if person.org is None:
        _fail(_("该人员当前没有组织关系。"))
    if person.org_id == to_org.pk:
        _fail(_("转入组织与当前组织相同。"))
    if not to_org.is_active_on(on):
        _fail(_("转入组织在该日期不存在或已撤销。"))
    if TransferRequest.objects.filter(person=person, status=TransferStatus.PENDING).exists():
        _fail(_("该党员已有待接收的转接申请。"))
    return TransferRequest.objects.create(person=person, from_org=person.org, to_org=to_org, on=on, reason=reason,
                                          requested_by=user if getattr(user, "is_authenticated", False) else None)


@transaction.atomic
def decide_transfer(request: TransferRequest, accept: bool, user=None, reason: str = "") -> TransferRequest:
    """The receiving organization accepts (the relation moves, with history) or returns it with a reason."""
    from qingfeng.people.actions import transfer_member

    request = TransferRequest.objects.select_for_update().select_related("person", "to_org").get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        _fail(_("该申请已处理。"))
    if not accept and not reason.strip():
        _fail(_("退回时请说明原因。"))
    if accept:  # transfer_member announces the relation it moved
        transfer_member(request.person, request.to_org, request.on, note=_("转接申请 #%(n)s") % {"n": request.pk}, user=user)
    request.status = TransferStatus.ACCEPTED if accept else TransferStatus.REJECTED
    request.decided_by = user if getattr(user, "is_authenticated", False) else None
    request.decided_at = timezone.now()
    if reason:
        request.reason = reason.strip()
    request.save()
    if accept:
        changes.record(orgs=[request.to_org_id, request.from_org_id], days=[request.on], ledgers=(TransferRequest,))
    return request


@transaction.atomic
def cancel_transfer(request: TransferRequest, user=None) -> TransferRequest:
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TransferStatus.PENDING:
        _fail(_("该申请已处理。"))
    request.status, request.decided_at = TransferStatus.CANCELLED, timezone.now()
    request.decided_by = user if getattr(user, "is_authenticated", False) else None
    request.save()
    return request


@transaction.atomic
def issue_transfer_letter(person: Person, destination: str, on: dt.date, user=None) -> TransferLetter:
    """A member leaves the platform (转出): the relation ends on `on` and a letter is issued."""
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    current = person.relations.filter(end_on__isnull=True).order_by("-start_on", "-id").first()
    from_org = person.org
    if current is None or from_org is None:
        _fail(_("该人员当前没有组织关系。"))
    if not destination.strip():
        _fail(_("请填写去往单位。"))
    if current.start_on and on <= current.start_on:
        _fail(_("转出日期必须晚于当前组织关系的开始日期 %(date)s。") % {"date": current.start_on})
    current.end_on, current.end_reason = on, EndReason.TRANSFER_OUT
    current.save(update_fields=["end_on", "end_reason"])
    person.org = None
    person.save(update_fields=["org", "updated_at"])
    count = TransferLetter.objects.filter(on__year=on.year).count() + 1
    letter = TransferLetter.objects.create(
        number=f"{from_org.code}-{on.year}-{count:04d}", person=person, from_org=from_org, destination=destination.strip(),
        on=on, issued_by=user if getattr(user, "is_authenticated", False) else None,
    )
    changes.record(orgs=[from_org.pk], days=[on], ledgers=(Relation, Person, TransferLetter))
    return letter


# ---- dues --------------------------------------------------------------------------------

@transaction.atomic
def declare_income(person: Person, since: dt.date, kind: str, income: int, user=None) -> DuesDeclaration:
    if income < 0:
        _fail(_("收入不能为负数。"))
    since = month_start(since)
    declaration, _created = DuesDeclaration.objects.update_or_create(
        person=person, since=since,
        defaults={"kind": kind, "income": income, "monthly_fen": rules.monthly_dues_fen(kind, income)},
    )
    return declaration


def dues_for_month(person: Person, month: dt.date) -> int | None:
    """The amount due for a month in fen, from the latest declaration on or before it; None if none."""
    declaration = person.dues_declarations.filter(since__lte=month_start(month)).order_by("-since").first()
    return declaration.monthly_fen if declaration else None


@transaction.atomic
def record_payment(person: Person, month: dt.date, paid_on: dt.date, amount_fen: int | None = None, user=None) -> DuesPayment:
    if person.org_id is None or not person.is_member:
        _fail(_("只有有组织关系的党员才能登记党费。"))
    month = month_start(month)
    if person.admitted_on and month < month_start(person.admitted_on):
        _fail(_("该月份早于入党日期。"))
    if paid_on < month:
        _fail(_("不能预交以后月份的党费。"))
    if amount_fen is None:
        amount_fen = dues_for_month(person, month)
        if amount_fen is None:
            _fail(_("尚未核定党费基数，请先登记月收入。"))
    if amount_fen <= 0:
        _fail(_("金额必须大于零。"))
    if DuesPayment.objects.filter(person=person, month=month).exists():
        _fail(_("%(month)s 的党费已登记。") % {"month": f"{month:%Y-%m}"})
    payment = DuesPayment.objects.create(person=person, org_id=person.org_id, month=month, amount_fen=amount_fen,
                                         paid_on=paid_on, created_by=user if getattr(user, "is_authenticated", False) else None)
    # "paid" belongs to the organization holding the relation at the month's end, "lapse" to the current one
    changes.record(people=[person.pk], orgs=[payment.org_id], days=[month], ledgers=(DuesPayment,))
    return payment
