"""Property: for random small data sets, organizations, periods and filters, the facts give exactly the
values a direct computation from the raw records gives — for every indicator, after a full rebuild and
after incremental refreshes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingfeng.activities.models import Activity, ActivityType, Attendance, Lecturer, LectureTeam
from qingfeng.burden.models import ReportForm
from qingfeng.core.dates import add_months, month_start
from qingfeng.core.distinct import period_end, period_start, rolling_start
from qingfeng.core.idnumbers import make_id_number
from qingfeng.core.indicators import REGISTRY
from qingfeng.core.models import Entry
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.economy.models import SupportItem
from qingfeng.education.models import DegreeStudy
from qingfeng.entities.models import CoverageChange, Entity
from qingfeng.forms.models import Filling, Template, Version
from qingfeng.grassroots.models import Assignment, WeakOrgCase
from qingfeng.honors.models import Commendation, Honoree
from qingfeng.indicators import engine, store
from qingfeng.membership.models import Candidate, DuesPayment
from qingfeng.orgs.actions import save_organization
from qingfeng.orgs.models import Election, Organization, VillageTag
from qingfeng.people.models import CadreLevelRecord, Person, Relation
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Accountability, Finding

LO, HI = dt.date(2019, 1, 1), dt.date(2021, 12, 31)
days = st.dates(min_value=LO, max_value=HI)
maybe_day = st.one_of(st.none(), days)
TYPES = ["主题党日", "支部委员会", "支部党员大会", "党课", "组织生活会", "读书班", "专题轮训", "宣讲", "警示教育", "督战",
         "督导检查", "党委(党组)会议", "领导小组会议"]
_codes = itertools.count(1)


class Rollback(Exception):
    pass


def credit_code(n: int) -> str:
    """A syntactically valid 统一社会信用代码 is not needed by the engine; uniqueness is."""
    return f"91140100MA{n:08d}"


def build(data, world, orgs, persons, touched):
    """Random records; returns nothing, records which organizations were written."""
    draw = data.draw
    types = {t.name: t for t in ActivityType.objects.filter(name__in=TYPES)}
    for _ in range(draw(st.integers(0, 14))):
        org = draw(st.sampled_from(orgs))
        a = Activity.objects.create(
            code=f"H{next(_codes)}", type=types[draw(st.sampled_from(TYPES))], org=org, date=draw(days), topic="t",
            channel=draw(st.sampled_from(["线下", "线上", "线上线下结合"])),
            audience=draw(st.one_of(st.none(), st.integers(0, 50))), first_topic=draw(st.booleans()),
            campaign=draw(st.sampled_from(CAMPAIGNS)))
        for p in draw(st.lists(st.sampled_from(persons), max_size=4, unique=True)):
            Attendance.objects.create(activity=a, person=p, presence=draw(st.sampled_from(["出席", "请假", "缺席"])))
        touched.add(org.pk)
    lifecycle(data, orgs, persons, types, touched)
    development(data, orgs, persons, touched)
    second_round(data, orgs, persons, touched)
    for _ in range(draw(st.integers(0, 3))):
        org = draw(st.sampled_from(orgs))
        e = Entity.objects.create(credit_code=credit_code(next(_codes)), name="e", org=org,
                                  type=draw(st.sampled_from(["非公有制企业", "社会组织"])),
                                  coverage=draw(st.sampled_from(["单独组建", "联合组建", "选派党建指导员", "未覆盖"])),
                                  deregistered_on=draw(st.one_of(st.none(), days)))
        for _ in range(draw(st.integers(0, 2))):
            CoverageChange.objects.create(entity=e, since=draw(maybe_day),
                                          mode=draw(st.sampled_from(["单独组建", "联合组建", "选派党建指导员", "未覆盖"])))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 2))):
        org = draw(st.sampled_from(orgs))
        team = LectureTeam.objects.create(code=f"T{next(_codes)}", name="t", org=org, established_on=draw(maybe_day),
                                          dissolved_on=draw(maybe_day))
        for p in draw(st.lists(st.sampled_from(persons), max_size=3, unique=True)):
            Lecturer.objects.create(team=team, person=p, joined_on=draw(maybe_day), left_on=draw(maybe_day))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 4))):
        org = draw(st.sampled_from(orgs))
        start = draw(days)
        Assignment.objects.create(
            person=draw(st.sampled_from(persons)), org=org, start_on=start, end_on=draw(st.one_of(st.none(), days)),
            role=draw(st.sampled_from(["第一书记", "党组织书记", "突击队员"])), team=draw(st.sampled_from(["", "一队", "二队"])),
            end_reason=draw(st.sampled_from(["", "调整", "期满"])))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 2))):
        org = draw(st.sampled_from(orgs))
        WeakOrgCase.objects.get_or_create(org=org, identified_on=draw(days), defaults={"rectified_on": draw(maybe_day)})
        Election.objects.get_or_create(org=org, held_on=draw(days), defaults={"term_years": draw(st.sampled_from([3, 5]))})
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 4))):
        org = draw(st.sampled_from(orgs))
        found = draw(days)
        Finding.objects.create(code=f"F{next(_codes)}", source=draw(st.sampled_from(["督战", "巡察"])), found_on=found,
                               category=draw(st.sampled_from(["", "形式主义", "官僚主义"])),
                               org=org, description="d", deadline=found + dt.timedelta(days=draw(st.integers(0, 90))),
                               closed_on=draw(st.one_of(st.none(), st.just(found + dt.timedelta(days=draw(st.integers(0, 120)))))))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 3))):
        org = draw(st.sampled_from(orgs))
        committed = draw(days)
        ServiceItem.objects.create(
            code=f"S{next(_codes)}", org=org, name="s", category=draw(st.sampled_from(["", "民生保障", "为老服务"])),
            committed_on=committed, planned_on=committed + dt.timedelta(days=draw(st.integers(0, 60))),
            completed_on=draw(st.one_of(st.none(), st.just(committed + dt.timedelta(days=draw(st.integers(0, 90)))))),
            beneficiaries=draw(st.one_of(st.none(), st.integers(0, 99))))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 2))):
        org = draw(st.sampled_from(orgs))
        person = draw(st.sampled_from(persons))
        day = draw(days)
        Accountability.objects.get_or_create(person=person, decided_on=day, defaults={"org": org})
        Case.objects.create(code=f"C{next(_codes)}", person=person, org=org, filed_on=day,
                            cadre_level=draw(st.sampled_from(["", "市管", "县管"])), self_surrender=draw(st.booleans()))
        Disposition.objects.get_or_create(person=person, decided_on=day, form=draw(st.integers(1, 4)), defaults={"org": org})
        Recommendation.objects.create(code=f"R{next(_codes)}", org=org, issued_on=day, recipient="x")
        ReportForm.objects.create(code=f"B{next(_codes)}", name="b", org=org, enabled_on=draw(days),
                                  retired_on=draw(maybe_day))
        at = dt.datetime.combine(draw(days), dt.time(draw(st.integers(0, 23)), 30), tzinfo=dt.UTC)
        Entry.objects.create(org=org, at=at, model="x.y", object_id=1, channel="page")
        touched.add(org.pk)


def second_round(data, orgs, persons, touched):
    """Commendations, collective-economy payments, degree enrollments and village tags (the second round's)."""
    draw = data.draw
    for org in draw(st.lists(st.sampled_from(orgs), max_size=2, unique=True)):
        VillageTag.objects.get_or_create(org=org, tag=draw(st.sampled_from(["信教群众聚居村", "贫困村"])))
    for _ in range(draw(st.integers(0, 2))):
        decision = Commendation.objects.create(code=f"BZ{next(_codes)}", name="b", date=draw(days),
                                               grantor_level=draw(st.sampled_from(["省级", "市级"])))
        for name in draw(st.lists(st.sampled_from(["甲村", "乙村", "丙村"]), max_size=2, unique=True)):
            org = draw(st.sampled_from(orgs))
            Honoree.objects.create(commendation=decision, kind="集体", collective_name=name, org=org)
            touched.add(org.pk)
        for p in draw(st.lists(st.sampled_from(persons), max_size=2, unique=True)):
            org = draw(st.sampled_from(orgs))
            Honoree.objects.create(commendation=decision, kind="个人", person=p, org=org)
            touched.add(org.pk)
    for _ in range(draw(st.integers(0, 3))):
        org = draw(st.sampled_from(orgs))
        SupportItem.objects.create(code=f"JJ{next(_codes)}", org=org, source=draw(st.sampled_from(["中央", "市级", "县级"])),
                                   amount=draw(st.integers(1, 10**8)), paid_on=draw(days))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 3))):
        org = draw(st.sampled_from(orgs))
        DegreeStudy.objects.get_or_create(person=draw(st.sampled_from(persons)), enrolled_on=draw(days),
                                          defaults={"org": org, "level": draw(st.sampled_from(["大专", "本科"]))})
        touched.add(org.pk)


def development(data, orgs, persons, touched):
    """Candidacies with milestones in any order or missing (imports write dates, not stages), in any current stage —
    for development.applications, .in_progress[stage] and .late_steps — and forms the platform filled for users of
    these organizations (burden.forms_answered)."""
    draw = data.draw
    for _ in range(draw(st.integers(0, 5))):
        org = draw(st.sampled_from(orgs))
        applied = draw(days)

        def after(lo=applied):
            return draw(st.one_of(st.none(), st.dates(min_value=lo, max_value=HI + dt.timedelta(days=400))))

        Candidate.objects.create(
            person=draw(st.sampled_from(persons)), org=org, applied_on=applied, talked_on=after(),
            activist_on=after(), candidate_on=after(), vote_on=after(), approved_on=after(),
            extension_months=draw(st.sampled_from([None, 6, 12])), full_vote_on=after(), full_approved_on=after(),
            closed_on=after(),
            stage=draw(st.sampled_from(["applicant", "activist", "candidate", "probationary", "full", "closed"])))
        touched.add(org.pk)
    for _ in range(draw(st.integers(0, 3))):
        org = draw(st.sampled_from(orgs))
        form = ReportForm.objects.create(code=f"B{next(_codes)}", name="b", org=org, enabled_on=LO)
        version = Version.objects.create(template=Template.objects.create(form=form), number=1, filename="b.xlsx",
                                         content=b"", sha256="")
        for _ in range(draw(st.integers(1, 3))):
            user_org = draw(st.sampled_from([*orgs, None]))
            day = draw(days)
            Filling.objects.create(template=version.template, version=version, org=org, start=LO, end=day,
                                   user_org=user_org, on=day, at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
                                   channel="page")
            if user_org is not None:
                touched.add(user_org.pk)
        touched.add(org.pk)


def lifecycle(data, orgs, persons, types, touched):
    """Dues payments and organizational life shaped for dues.payment_rate and members.lapsed: runs of
    consecutive months (so that six-month windows fill up and empty again) and single months, members
    admitted near the windows, payments of members who transferred."""
    draw = data.draw
    members = [p for p in persons if p.admitted_on]
    for _ in range(draw(st.integers(0, 5))):
        p = draw(st.sampled_from(members))
        first = month_start(draw(days))
        for k in range(draw(st.integers(1, 9))):
            month = add_months(first, k)
            DuesPayment.objects.get_or_create(person=p, month=month, defaults={
                "org": p.org or orgs[0], "amount_fen": 100, "paid_on": month + dt.timedelta(days=draw(st.integers(0, 40)))})
        # owned by the organization holding the relation at the month's end, and the person's current one
        touched.update(Relation.objects.filter(person=p).values_list("org_id", flat=True))
        touched.add(p.org_id or orgs[0].pk)
    for _ in range(draw(st.integers(0, 2))):
        org = draw(st.sampled_from(orgs))
        first = month_start(draw(days))
        attendees = draw(st.lists(st.sampled_from(members), min_size=1, max_size=4, unique=True))
        for k in range(draw(st.integers(1, 8))):
            day = add_months(first, k) + dt.timedelta(days=draw(st.integers(0, 27)))
            a = Activity.objects.create(code=f"H{next(_codes)}", type=types["支部党员大会"], org=org, date=day, topic="t")
            for p in attendees:
                Attendance.objects.create(activity=a, person=p, presence=draw(st.sampled_from(["出席", "出席", "缺席"])))
        touched.add(org.pk)
        touched.update(p.org_id for p in attendees if p.org_id)


def people(data, world, orgs) -> list[Person]:
    """The world's members plus a few with random membership dates, transfers and cadre levels."""
    draw = data.draw
    out = list(Person.objects.all())
    for n in range(draw(st.integers(0, 4))):
        admitted = draw(st.one_of(st.none(), days))
        full = draw(st.one_of(st.none(), days)) if admitted else None
        if full is not None and full <= admitted:
            full = None
        org_seq = draw(st.lists(st.sampled_from(orgs), min_size=1, max_size=3))
        cuts = sorted(draw(st.lists(days, min_size=len(org_seq) - 1, max_size=len(org_seq) - 1, unique=True)))
        p = Person.objects.create(name=f"随{n}", id_number=make_id_number("140105", dt.date(1990, 1, 1), 500 + next(_codes) % 400),
                                  category=draw(st.sampled_from(["正式党员", "预备党员"])) if admitted else "",
                                  admitted_on=admitted, full_on=full, org=org_seq[-1],
                                  admitting_org=draw(st.one_of(st.none(), st.sampled_from(orgs))),
                                  cadre_level=draw(st.sampled_from(["市管", "县管", "无"])))
        starts = [draw(st.one_of(st.none(), st.just(admitted))) if admitted else None, *cuts]
        for i, org in enumerate(org_seq):
            end = cuts[i] if i < len(cuts) else draw(st.one_of(st.none(), days.filter(lambda d, s=starts[i]: s is None or d > s)))
            via = "导入" if i == 0 else draw(st.sampled_from(["转接", "转入"]))
            Relation.objects.create(person=p, org=org, start_on=starts[i], end_on=end, via=via,
                                    from_org=org_seq[i - 1] if i and via == "转接" else None)
        for _ in range(draw(st.integers(0, 2))):
            CadreLevelRecord.objects.create(person=p, level=draw(st.sampled_from(["市管", "县管", "无"])), since=draw(maybe_day))
        out.append(p)
    return out


CAMPAIGNS = ["", "党史学习教育", "专题B"]  # 专题 of the random activities ("" none); a key may name one nobody used


def random_key(data) -> str:
    draw = data.draw
    ind = REGISTRY[draw(st.sampled_from(sorted(REGISTRY)))]
    parts = []
    for name in ind.filters:
        values = ind.choices(name) if not ind.is_free_text(name) else ("党史学习教育", "专题B", "无此专题")
        if name in ind.required or draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True))
            parts.append(f"{name}={'|'.join(chosen)}")
    return f"{ind.id}[{','.join(parts)}]" if parts else ind.id


def period(data, anchors=()) -> tuple[dt.date, dt.date]:
    """A random period; one the facts keep distinct counts for (a month, quarter, half-year, year, or the twelve
    months ending on a day); or one ending a few months after an anchor (an admission, a payment, an attended
    meeting), where the six-month windows of members.lapsed open and close."""
    draw = data.draw
    if draw(st.booleans()):
        day = draw(days)
        kind = draw(st.sampled_from(["m", "q", "h", "y", "r"]))
        if kind == "r":
            return rolling_start(day), day
        first = period_start(day, kind)
        return first, period_end(first, kind)
    anchors = [sorted(a) for a in anchors if a]
    if anchors and draw(st.booleans()):
        month = add_months(month_start(draw(st.sampled_from(draw(st.sampled_from(anchors))))), draw(st.integers(0, 8)))
        end = month + dt.timedelta(days=draw(st.sampled_from([0, 14, 27, 31])))
        end = min(end, add_months(month, 1) - dt.timedelta(days=1))
        start = add_months(month, -draw(st.integers(0, 14)))
        if draw(st.booleans()):
            start += dt.timedelta(days=draw(st.integers(1, 27)))
        return min(start, end), end
    start = draw(days)
    if draw(st.booleans()):
        start = start.replace(day=1)
    end = draw(st.dates(min_value=start, max_value=HI))
    return start, end


@pytest.mark.django_db(transaction=False)
@settings(max_examples=18, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_facts_equal_direct_computation(world, data):
    try:
        with transaction.atomic():
            extra = save_organization(Organization(
                code="14010500101X", name="临时支部",
                # below the community, or below a branch (whose windows then include its own: a form asks branches)
                parent=data.draw(st.sampled_from([world.community, world.branch_a])), kind=data.draw(st.sampled_from(["党支部", "联合党支部"])),
                sector="社区", established_on=data.draw(maybe_day), dissolved_on=data.draw(maybe_day)))
            orgs = [world.branch_a, world.branch_b, world.school, world.branch_o, world.community, world.xiaodian, extra]
            persons = people(data, world, orgs)
            touched: set[int] = set()
            incremental = data.draw(st.booleans())
            if incremental:
                store.rebuild_facts()
            build(data, world, orgs, persons, touched)
            if incremental:
                for pk in touched | {p.org_id for p in persons if p.org_id} | {extra.pk}:
                    store.refresh(pk)
            else:
                store.rebuild_facts()
            keys = [random_key(data) for _ in range(6)] + engine.answerable_ids()
            keys = list(dict.fromkeys(keys))
            anchors = ({p.admitted_on for p in persons if p.admitted_on and p.admitted_on >= LO},
                       set(DuesPayment.objects.values_list("month", flat=True)),
                       set(Activity.objects.filter(attendance__presence="出席").values_list("date", flat=True)))
            asks = []
            for _ in range(3):
                org = data.draw(st.sampled_from([world.city, world.xiaodian, world.community, world.branch_a, extra]))
                asks.append((org, *period(data, anchors), keys))
            # One question alone, and several organizations and periods read together (as the cockpit does).
            org, start, end, _keys = asks[0]
            assert engine.compute(org, start, end, keys) == engine.compute_direct(org, start, end, keys), (
                org.code, start, end)
            for (org, start, end, _keys), got in zip(asks, engine.compute_grid(asks), strict=True):
                assert got == engine.compute_direct(org, start, end, keys), (org.code, start, end)
            # the lifecycle's two, where their six-month windows open and close
            lifecycle_keys = ["dues.payment_rate", "members.lapsed"]
            asks = []
            for _ in range(8):
                org = data.draw(st.sampled_from([world.city, world.community, world.branch_a, extra]))
                asks.append((org, *period(data, anchors), lifecycle_keys))
            for (org, start, end, _keys), got in zip(asks, engine.compute_grid(asks), strict=True):
                assert got == engine.compute_direct(org, start, end, lifecycle_keys), (org.code, start, end)
            # development by stage, where candidacies' milestones cut their stages
            stage_keys = [f"development.in_progress[stage={name}]" for name in ("申请人", "入党积极分子", "发展对象", "预备党员")]
            stage_keys += ["development.in_progress[stage=申请人|预备党员]", "development.late_steps"]
            milestones = set(Candidate.objects.values_list("vote_on", flat=True)) | set(
                Candidate.objects.values_list("approved_on", flat=True)) | set(
                Candidate.objects.values_list("candidate_on", flat=True))
            asks = [(data.draw(st.sampled_from([world.city, world.community, extra])), *period(data, [milestones - {None}]),
                     stage_keys) for _ in range(4)]
            for (org, start, end, _keys), got in zip(asks, engine.compute_grid(asks), strict=True):
                assert got == engine.compute_direct(org, start, end, stage_keys), (org.code, start, end)
            raise Rollback
    except Rollback:
        pass
