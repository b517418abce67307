"""Indicators of the member lifecycle (ids documented in docs/indicators-lifecycle.md), declared with
qingfeng.core.indicators: each with its direct computation from the records, which is also its drill-through, and
its value from the facts (qingfeng.membership.facts): candidacies, late steps, dues and lapses."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_noop as N

from qingfeng.core.dates import iter_months, month_end
from qingfeng.core.indicators import Ask, FactsQuestion, Indicator, Parts, RecordSet, register, stream
from qingfeng.core.masking import mask_id
from qingfeng.membership import facts
from qingfeng.membership.facts import APPLIED, DEVELOPING, DUES, LAPSE, LATE, STAGE_LETTERS, stage_keys
from qingfeng.membership.models import Candidate, DuesPayment, Stage
from qingfeng.people.facts import MEM


def _candidacies(ask):
    return Candidate.objects.filter(org__path__startswith=ask.prefix)


def _in_progress_at(ask):
    day = ask.end
    return _candidacies(ask).filter(applied_on__lte=day).filter(
        Q(full_approved_on__isnull=True) | Q(full_approved_on__gt=day)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day))


CANDIDATE_COLUMNS = ["公民身份号码", "姓名", "党支部编码", "党支部", "阶段", "递交申请日期"]


def _candidate_set(qs):
    def rows():
        for c in stream(qs.select_related("person", "org").order_by("applied_on", "id")):
            yield [mask_id(c.person.id_number), c.person.name, c.org.code, c.org.name, c.get_stage_display(), c.applied_on]

    return RecordSet("membership.candidate", CANDIDATE_COLUMNS, rows, qs.count)


def _late_set(ask):
    from qingfeng.membership.warnings import development_warnings

    found = development_warnings(ask.org, ask.end)
    return RecordSet("membership.candidate", ["组织编码", "组织名称", "逾期环节", "期限"],
                      lambda: ([w.org.code, w.org.name, w.message, w.due] for w in found), lambda: len(found))


def _payments(ask):
    return DuesPayment.objects.filter(org__path__startswith=ask.prefix, paid_on__gte=ask.start, paid_on__lte=ask.end)


def _payment_rows(qs):
    for p in stream(qs.select_related("person", "org").order_by("month", "person_id")):
        yield [mask_id(p.person.id_number), p.person.name, p.org.code, f"{p.month:%Y-%m}", f"{p.amount_fen / 100:.2f}", p.paid_on]


PAYMENT_COLUMNS = ["公民身份号码", "姓名", "收缴组织编码", "所属月份", "金额（元）", "缴纳日期"]


def yuan(fen: int) -> int:
    return int((Decimal(fen) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def whole_months(start: dt.date, end: dt.date) -> list[dt.date]:
    return [m for m in iter_months(start, end) if m >= start and month_end(m) <= end]


def _holding(ask, month: dt.date):
    """Relations in scope holding on the month's last day, of members admitted by then: the member-months due."""
    from qingfeng.people.models import Relation

    last = month_end(month)
    return (Relation.objects.filter(org__path__startswith=ask.prefix)
            .filter(Q(start_on__isnull=True) | Q(start_on__lte=last))
            .filter(Q(end_on__isnull=True) | Q(end_on__gt=last))
            .filter(person__admitted_on__lte=last))


def _due_and_paid(ask):
    """Per whole month of the period: the member-months due (members whose relation in scope holds at the
    month's last day) and the payments made for those very member-months — as querysets of person ids, read
    only when counted or listed (a city's subtree holds hundreds of thousands)."""
    due, paid = [], []
    for month in whole_months(ask.start, ask.end):
        holders = _holding(ask, month).values("person_id")
        due.append((month, holders))
        paid.append((month, DuesPayment.objects.filter(month=month, person_id__in=holders).values("person_id")))
    return due, paid


def _member_month_set(months):
    """Member-months: for each month, a queryset of person ids."""
    from qingfeng.people.models import Person

    def rows():
        for month, ids in months:
            people = Person.objects.filter(pk__in=ids).order_by("id_number").values_list("id_number", "name")
            for id_number, name in stream(people):
                yield [f"{month:%Y-%m}", mask_id(id_number), name]

    return RecordSet("people.person", ["月份", "公民身份号码", "姓名"], rows,
                      lambda: sum(ids.order_by().distinct().count() for _month, ids in months))


def _lapsed_set(ask):
    from qingfeng.membership.warnings import lapsing_members

    qs = lapsing_members(ask.org, ask.end)

    def rows():
        for p in stream(qs.select_related("org").order_by("id_number")):
            yield [mask_id(p.id_number), p.name, p.org.code, "否" if not p.paid else "是", "否" if not p.attended else "是"]

    return RecordSet("people.person", ["公民身份号码", "姓名", "组织编码", "六个月内交过党费", "六个月内过组织生活"], rows, qs.count)


def applications(ask: Ask) -> Parts:
    qs = _candidacies(ask).filter(applied_on__gte=ask.start, applied_on__lte=ask.end)
    return Parts(_candidate_set(qs))


def in_progress(ask: Ask) -> Parts:
    qs = _in_progress_at(ask)
    stages = ask.get("stage")
    if stages:
        qs = qs.filter(_stage_at_q(ask.end, stages))
    return Parts(_candidate_set(qs))


def collected(ask: Ask) -> Parts:
    qs = _payments(ask)
    return Parts(RecordSet("membership.duespayment", PAYMENT_COLUMNS, lambda: _payment_rows(qs),
                           lambda: yuan(qs.aggregate(s=Sum("amount_fen"))["s"] or 0), qs.count))


def payment_rate(ask: Ask) -> Parts:
    due, paid = _due_and_paid(ask)
    return Parts(numerator=_member_month_set(paid), denominator=_member_month_set(due))


def payment_rate_facts(q: FactsQuestion):
    months = whole_months(q.start, q.end)
    if not months:
        return None
    return facts.payment_rate(q, months[0], months[-1])


STAGE_NAMES = {"申请人": Stage.APPLICANT, "入党积极分子": Stage.ACTIVIST, "发展对象": Stage.CANDIDATE, "预备党员": Stage.PROBATIONARY}


def _stage_at_q(day: dt.date, stage_names) -> Q:
    """The stage a candidacy was in on `day`, from its milestone dates."""
    q = Q(pk__in=[])
    for name in stage_names:
        stage = STAGE_NAMES[name]
        if stage == Stage.APPLICANT:
            q |= Q(activist_on__isnull=True) | Q(activist_on__gt=day)
        elif stage == Stage.ACTIVIST:
            q |= Q(activist_on__lte=day) & (Q(candidate_on__isnull=True) | Q(candidate_on__gt=day))
        elif stage == Stage.CANDIDATE:
            q |= Q(candidate_on__lte=day) & (Q(vote_on__isnull=True) | Q(vote_on__gt=day) | Q(approved_on__isnull=True) | Q(approved_on__gt=day))
        elif stage == Stage.PROBATIONARY:
            q |= Q(approved_on__lte=day)
    return q


def in_progress_facts(q: FactsQuestion) -> int:
    stages = q.get("stage")
    keys = None if not stages else stage_keys({STAGE_LETTERS[STAGE_NAMES[name]] for name in stages})
    return q.snap(DEVELOPING, keys)[0]


register(
    Indicator("development.applications", N("入党申请人数"), "flow", "orgs", reads=frozenset({APPLIED}),
              facts=lambda q: q.flow(APPLIED)[0], records=applications),
    Indicator("development.in_progress", N("发展程序中人数"), "snapshot", "orgs", {"stage": tuple(STAGE_NAMES)},
              reads=frozenset({DEVELOPING}), facts=in_progress_facts, records=in_progress),
    Indicator("development.late_steps", N("发展程序逾期环节数"), "snapshot", "orgs", reads=frozenset({LATE}),
              facts=lambda q: q.snap(LATE)[0], records=lambda ask: Parts(_late_set(ask))),
    Indicator("dues.collected", N("党费收缴额（元）"), "flow", "orgs", reads=frozenset({DUES}),
              facts=lambda q: yuan(q.flow(DUES)[1]), records=collected),  # fen summed, then rounded to yuan
    Indicator("dues.payment_rate", N("党费按月交纳率"), "rate", "orgs", reads=frozenset({MEM}),
              facts=payment_rate_facts, records=payment_rate),
    Indicator("members.lapsed", N("连续六个月未交党费或未过组织生活人数"), "snapshot", "orgs", reads=frozenset({LAPSE}),
              facts=lambda q: q.snap(LAPSE)[0], records=lambda ask: Parts(_lapsed_set(ask))),
)
