"""Branch sizes as facts (issue 18.2): the size warnings counted and listed from the "size" facts are those computed
from the records, after writes that change a branch's members, a 党总支's subtree and the tree itself."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from qingfeng.indicators import sizes, store
from qingfeng.indicators.models import OwnFact
from qingfeng.indicators.warnings import _Sizes, warning_list
from qingfeng.orgs.actions import save_organization
from qingfeng.people.actions import register_person, transfer_member
from qingfeng.people.models import Category, Person
from tests.world import make_id_number, org

D = dt.date
SIZE_KINDS = ["oversize", "setup"]


def seen(found) -> list[tuple]:
    return [(w.kind, w.severity, w.org.pk, w.org.code, str(w.message), w.url, w.due) for w in found]


def from_records(where, on) -> list[tuple]:
    original = store.state
    store.state = lambda: None
    try:
        return seen(warning_list(where, on, kinds=SIZE_KINDS))
    finally:
        store.state = original


_SEQUENCE = {"甲": 0, "乙": 100, "丙": 200, "丁": 300, "戊": 400}  # distinct ID numbers for every prefix, the same on every run


def join(at, n: int, admitted: dt.date, prefix: str, full: bool = True) -> list[Person]:
    out = []
    for i in range(n):
        person = Person(name=f"{prefix}{i}", id_number=make_id_number("140105", D(1980, 1, 1), 500 + _SEQUENCE[prefix] + i),
                        gender="男", birth_date=D(1980, 1, 1), admitted_on=admitted, org=at, admitting_org=at,
                        category=Category.FULL if full else Category.PROBATIONARY,
                        full_on=admitted + dt.timedelta(days=365) if full else None)
        out.append(register_person(person))
    return out


def same_as_records(places, days) -> None:
    for where in places:
        for on in days:
            found = warning_list(where, on, kinds=SIZE_KINDS)
            size_part = found.parts[-1]
            assert isinstance(size_part, _Sizes) and size_part.all is None  # counted from the facts
            expected = from_records(where, on)
            assert found.counts() == Counter((k, s) for k, s, *_rest in expected), (where.code, on)
            assert seen(found[:len(expected)]) == expected, (where.code, on)
            assert seen(found[:2]) == expected[:2], (where.code, on)


@pytest.mark.django_db
def test_size_warnings_from_the_facts_follow_every_write(world):
    store.rebuild_facts()
    general = org("14010500109G", "第九党总支", world.community, kind="党总支", sector="社区")
    one = org("1401050010901", "第九党总支第一支部", general, kind="党支部", sector="社区")
    two = org("1401050010902", "第九党总支第二支部", general, kind="党支部", sector="社区")
    joint = org("1401050010903", "联合支部", general, kind="联合党支部", sector="社区")
    # 60 members in the first branch (over 50), 45 in the second: the 党总支 reaches 100 on the day the last join.
    join(one, 60, D(2015, 3, 1), "甲")
    join(two, 30, D(2016, 6, 1), "乙")
    late = join(two, 15, D(2020, 9, 1), "丙", full=False)  # 预备党员: count as members, not as 正式党员
    join(joint, 2, D(2017, 1, 1), "丁")
    days = [D(2016, 1, 1), D(2020, 8, 31), D(2020, 9, 1), D(2021, 5, 11)]
    places = [world.city, world.community, general, one, two]
    same_as_records(places, days)
    assert ("setup", "yellow") in warning_list(general, D(2021, 5, 11), kinds=SIZE_KINDS).counts()

    # Ten leave the first branch for another street: it fits again, and the 党总支 drops below 100 — its own rows
    # follow though the write named only the two branches.
    movers = list(Person.objects.filter(org=one)[:11])
    for person in movers:
        transfer_member(person, world.branch_a, D(2021, 2, 1))
    same_as_records(places + [world.branch_a], days + [D(2021, 1, 31), D(2021, 2, 1)])

    # The second branch moves out of the 党总支 with its members; a 预备党员 of it becomes 正式.
    two.parent = world.community
    save_organization(two)
    person = late[0]
    person.full_on = D(2021, 9, 1)
    person.save()
    from qingfeng.core import changes

    changes.record(orgs=[two.pk], people=[person.pk])
    same_as_records(places, days + [D(2021, 9, 1)])

    # The incremental facts are those a rebuild writes.
    def rows():
        return sorted(OwnFact.objects.filter(metric=sizes.SIZE).values_list("org_id", "day", "d1", "n"))

    before = rows()
    store.rebuild_facts()
    assert rows() == before and before


@pytest.mark.django_db
def test_a_page_past_the_dated_warnings_reads_the_size_rows(world):
    """The size rows come after every dated warning: a page reaching them reads them from the facts."""
    store.rebuild_facts()
    big = org("14010500108Z", "大党支部", world.community, kind="党支部", sector="社区")
    join(big, 51, D(2015, 3, 1), "戊")
    on = D(2021, 5, 11)
    found = warning_list(big, on)
    n = len(found)
    assert found.parts[-1].all is None
    assert [w.kind for w in found[n - 1:n]] == ["oversize"]
    original = store.state
    store.state = lambda: None
    try:
        expected = seen(warning_list(big, on))
    finally:
        store.state = original
    assert seen(found[:n]) == expected and seen(found[n - 3:n]) == expected[n - 3:]
