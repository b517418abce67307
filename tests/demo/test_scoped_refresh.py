"""A write that names the models it wrote (a meeting's save: activities, attendance, burden entries) refreshes only
the fact rows of the sources reading those models (qingfeng.core.metrics.scope). Checked on the demo city, which has
records in every ledger: every source emits only the metrics it says it does (otherwise a scoped refresh would write
rows it never compares), and after a meeting saved through the branch's page the branch's own rows are exactly what
a whole refresh computes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from qingfeng.accounts.models import User
from qingfeng.activities.models import ActivityType
from qingfeng.core import metrics
from qingfeng.core.metrics import Rows
from qingfeng.indicators import store
from qingfeng.indicators.models import OwnFact
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


def organizations_per_metric() -> list[int]:
    """One organization holding own rows of each metric (and the demo branch user's)."""
    seen: dict[str, int] = {}
    for metric, org_id in OwnFact.objects.order_by().values_list("metric", "org_id").distinct().iterator():
        seen.setdefault(metric, org_id)
    return sorted(set(seen.values()))


def test_every_source_emits_only_what_it_says(demo_city, db):
    orgs = organizations_per_metric()
    assert len(orgs) >= 10
    emitted: dict[object, set[str]] = defaultdict(set)
    for org_id in orgs:
        for source in metrics.row_sources():
            rows = Rows()
            source(rows, org_id)
            emitted[source] |= {k[2] for k, _v in rows.items()}
    undeclared = {}
    for source in metrics.row_sources():
        said = metrics._emits.get(source)
        name = f"{source.__module__}.{source.__qualname__}"
        assert said is not None, f"{name} does not say what it emits"
        if extra := emitted[source] - said:
            undeclared[name] = extra
    assert undeclared == {}
    # every metric an organization holds rows of comes from some source (or the store's windows)
    every = set().union(*(metrics._emits[s] or set() for s in [*metrics.sql_sources().values(), *metrics.row_sources()]))
    held = set(OwnFact.objects.order_by().values_list("metric", flat=True).distinct())
    assert held - every <= {metrics.WINDOWS}


def test_a_meetings_save_recomputes_only_what_reads_activities(demo_city, db):
    scope = store.scope_of(metrics.labels(("activities.activity", "activities.attendance", "core.entry")))
    assert scope is not None
    assert {"act", "entry", "lapse", metrics.WINDOWS, "rdt_m", "rcv_r"} <= scope.metrics
    # members, dues, findings, service items, sizes: not read from activities
    assert not {"mem", "dues", "found", "svc_new", "size", "org", "cov"} & scope.metrics


def test_after_a_meeting_the_branch_rows_equal_a_whole_refresh(demo_city, db):
    user = User.objects.get(username="branch")
    org = Organization.objects.get(pk=user.org_id)
    from qingfeng.activities.actions import record_activity

    members = list(Person.objects.filter(org=org, admitted_on__isnull=False).values_list("pk", flat=True)[:12])
    trainings = ActivityType.objects.filter(name__in=["主题党日", "读书班"]).order_by("name")
    assert store.state() is not None
    with transaction.atomic():
        for i, kind in enumerate(trainings):
            record_activity(user=user, org=org, type=kind, date=dt.date(2021, 4, 20 + i), topic="范围刷新",
                            presence={pk: "出席" if n % 3 else "缺席" for n, pk in enumerate(members)})
        st = store.state()
        span = (st.windows_from, st.windows_to)
        holders = {org.pk} | set(Person.objects.filter(pk__in=members).values_list("org_id", flat=True))
        for org_id in sorted(holders):
            holder = Organization.objects.get(pk=org_id)
            want = {k: v for k, v in store.own_rows_for(holder, span).data.items() if v[0] or v[1]}
            got = {r[:6]: [r[6], r[7]] for r in OwnFact.objects.filter(org_id=org_id).values_list(
                "org_id", "day", "metric", "d1", "d2", "d3", "n", "total")}
            assert got == want
        transaction.set_rollback(True)



def test_after_a_dues_payment_the_members_rows_equal_a_whole_refresh(demo_city, db):
    """A payment names only the dues it wrote: the 党费 sums and the paid and 失联 months are recomputed, and they are
    exactly what a whole refresh computes."""
    from qingfeng.membership.actions import record_payment
    from qingfeng.membership.models import DuesPayment

    scope = store.scope_of(metrics.labels(("membership.duespayment", "audit.auditlog")))
    assert scope is not None and {"dues", "paid", "lapse"} <= scope.metrics and "act" not in scope.metrics
    month = dt.date(2021, 3, 1)
    paid = DuesPayment.objects.filter(month=month).values("person_id")
    people = list(Person.objects.filter(admitted_on__lt=dt.date(2020, 1, 1), org__isnull=False).exclude(pk__in=paid)
                  .order_by("pk")[:5])
    assert people
    with transaction.atomic():
        for person in people:
            record_payment(person, month, dt.date(2021, 3, 20), amount_fen=500)
        st = store.state()
        for org_id in sorted({p.org_id for p in people}):
            holder = Organization.objects.get(pk=org_id)
            want = {k: v for k, v in store.own_rows_for(holder, (st.windows_from, st.windows_to)).data.items()
                    if v[0] or v[1]}
            got = {r[:6]: [r[6], r[7]] for r in OwnFact.objects.filter(org_id=org_id).values_list(
                "org_id", "day", "metric", "d1", "d2", "d3", "n", "total")}
            assert got == want
            assert any(k[2] == "dues" and k[1] == dt.date(2021, 3, 20) for k in got)
        transaction.set_rollback(True)


def test_after_findings_and_service_items_the_rows_equal_a_whole_refresh(demo_city, db):
    """A finding found, classified and closed, an accountability decision, a 办实事 item committed and completed:
    each names what it wrote, and the organization's rows afterwards are what a whole refresh computes."""
    from qingfeng.service.actions import commit_service_item, complete_service_item
    from qingfeng.supervision.actions import (
        classify_finding,
        close_finding,
        record_accountability,
        record_finding,
        submit_finding,
    )

    city = User.objects.get(username="city")
    org = Organization.objects.get(pk=User.objects.get(username="branch").org_id)
    person = Person.objects.filter(org=org, admitted_on__isnull=False).order_by("pk").first()
    with transaction.atomic():
        finding = record_finding(user=city, org=org, source="巡察", found_on=dt.date(2021, 3, 2),
                                 description="范围刷新的问题", deadline=dt.date(2021, 4, 1))
        classify_finding(finding, user=city, category="形式主义")
        submit_finding(finding, user=city, note="已整改")
        close_finding(finding, user=city, on=dt.date(2021, 4, 10))
        record_accountability(user=city, org=org, person=person, decided_on=dt.date(2021, 4, 12), mode="诫勉",
                              finding=finding)
        item = commit_service_item(user=city, org=org, name="范围刷新的实事", category="", committed_on=dt.date(2021, 2, 1),
                                   planned_on=dt.date(2021, 3, 1))
        complete_service_item(item, user=city, on=dt.date(2021, 3, 15), beneficiaries=40)
        st = store.state()
        want = {k: v for k, v in store.own_rows_for(org, (st.windows_from, st.windows_to)).data.items() if v[0] or v[1]}
        got = {r[:6]: [r[6], r[7]] for r in OwnFact.objects.filter(org_id=org.pk).values_list(
            "org_id", "day", "metric", "d1", "d2", "d3", "n", "total")}
        assert got == want
        assert {"found", "closed", "svc_new", "svc_done", "acc_y"} <= {k[2] for k in got}
        transaction.set_rollback(True)
