"""The warnings engine: counts and the first warnings without building them all, and the same warnings as the
implementation it replaced (kept as the baseline of bench/warnings.py), from the records and from the facts."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.cockpit import dashboard
from qingfeng.entities.models import Entity
from qingfeng.indicators import store
from qingfeng.indicators.warnings import warning_list, warnings_for
from qingfeng.orgs.actions import record_election
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding
from tests.world import member, org

D = dt.date
DAYS = (D(2021, 3, 10), D(2021, 3, 25), D(2021, 12, 31), D(2020, 1, 15))


def previous_warnings_for():
    path = Path(__file__).resolve().parents[2] / "bench" / "warnings.py"
    spec = importlib.util.spec_from_file_location("bench_warnings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.previous_warnings_for


def seen(found) -> list[tuple]:
    return [(w.kind, w.severity, w.org.pk, w.org.code, str(w.message), w.url, w.due) for w in found]


@pytest.fixture
def busy(world):
    """The small city with a warning of every kind: an expired term, a late 办实事, an uncovered enterprise, an
    overdue and a due finding, a branch over 50 members, one with a single member, unmet meetings."""
    record_election(world.street, D(2016, 2, 29), 5)
    record_election(world.branch_o, D(2018, 5, 1), 3)
    ServiceItem.objects.create(code="SV-9", org=world.branch_b, name="修车棚", committed_on=D(2021, 1, 2),
                               planned_on=D(2021, 3, 1))
    Entity.objects.create(credit_code="911401000000000009", name="丁公司", type="非公有制企业", org=world.street,
                          coverage="未覆盖")
    for code, deadline in (("F-1", D(2021, 2, 1)), ("F-2", D(2021, 3, 15)), ("F-3", D(2021, 3, 12))):
        Finding.objects.create(code=code, source="督战", found_on=D(2021, 1, 4), org=world.branch_a, description="问题",
                               deadline=deadline)
    big = org("14010500101Z", "大党支部", world.community, kind="党支部", sector="社区")
    for i in range(51):
        member(f"庚{i}", big)
    member("辛", org("14010500101S", "小党支部", world.community, kind="党支部", sector="社区"))
    theme = ActivityType.objects.get(name="主题党日")
    Activity.objects.create(code="W-1", type=theme, org=world.branch_a, date=D(2021, 2, 3), topic="学习")
    Activity.objects.create(code="W-2", type=theme, org=world.branch_b, date=D(2020, 1, 8), topic="学习")
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("with_facts", [False, True], ids=["records", "facts"])
def test_counts_and_first_warnings_are_those_of_the_full_list(busy, with_facts):
    if with_facts:
        store.rebuild_facts()
    for on in DAYS:
        for where in (busy.city, busy.xiaodian, busy.street, busy.community, busy.branch_a):
            full = warnings_for(where, on)
            found = warning_list(where, on)
            assert found.counts() == Counter((w.kind, w.severity) for w in full)
            assert len(found) == len(full)
            for n in sorted({0, 1, 5, 12, len(full) - 1, len(full), len(full) + 3}):
                assert seen(found[:n]) == seen(full[:n]), (where.code, on, n)
            for start in range(0, len(full), 20):  # later pages
                assert seen(found[start:start + 20]) == seen(full[start:start + 20])
            if full:
                assert seen([found[-1]]) == seen(full[-1:])
            assert seen(list(found)) == seen(full)
    kinds = {w.kind for w in warnings_for(busy.city, DAYS[0])}
    assert kinds == {"meetings", "findings", "elections", "service", "coverage", "oversize", "setup"}
    # From the facts, the meeting warnings are counted and their first ones read without reading them all.
    meetings = warning_list(busy.city, DAYS[0]).parts[0]
    assert meetings.deferred is with_facts
    if with_facts:
        assert meetings.first(3) and meetings.all is None


@pytest.mark.django_db
@pytest.mark.parametrize("with_facts", [False, True], ids=["records", "facts"])
def test_the_cockpit_card_counts_every_warning_and_shows_the_most_urgent(busy, with_facts):
    if with_facts:
        store.rebuild_facts()
    for on in DAYS:
        for where in (busy.city, busy.xiaodian, busy.community):
            full = warnings_for(where, on)
            shown, counts = dashboard.warnings_summary(where, on, busy.leader)
            assert counts == {"red": sum(1 for w in full if w.severity == "red"),
                              "yellow": sum(1 for w in full if w.severity == "yellow")}
            assert seen(shown) == seen(full[:dashboard.MAX_WARNINGS])
    assert dashboard.warnings_summary(busy.city, DAYS[0], busy.leader)[1]["red"] > dashboard.MAX_WARNINGS


@pytest.mark.django_db
@pytest.mark.parametrize("with_facts", [False, True], ids=["records", "facts"])
def test_the_warnings_are_those_of_the_previous_implementation(busy, with_facts):
    previous = previous_warnings_for()
    if with_facts:
        store.rebuild_facts()
    for on in DAYS:
        for where in (busy.city, busy.xiaodian, busy.yingze, busy.community, busy.branch_b):
            assert seen(warnings_for(where, on)) == seen(previous(where, on))
            for kinds in (["meetings"], ["setup"], ["oversize", "findings"]):
                assert seen(warnings_for(where, on, kinds=kinds)) == seen(previous(where, on, kinds=kinds))


@pytest.mark.django_db
@pytest.mark.parametrize("with_facts", [False, True], ids=["records", "facts"])
def test_counts_below_are_those_of_each_child_s_own_list(busy, with_facts):
    from qingfeng.orgs.models import Organization

    if with_facts:
        store.rebuild_facts()
    for on in DAYS:
        for where in (busy.city, busy.xiaodian, busy.street, busy.community):
            children = list(Organization.objects.filter(parent=where).active_on(on))
            for kinds in (None, ["meetings"], ["oversize", "setup"]):
                below = warning_list(where, on, kinds=kinds).counts_below(where, children)
                for child in children:
                    assert below[child.pk] == warning_list(child, on, kinds=kinds).counts(), (where.code, child.code)
