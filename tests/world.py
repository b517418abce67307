"""A small city every test can stand on, with the personas of STYLE.md.

140100 市委
├── 140105 小店区委 ── 140105001 平阳路街道党工委 ── 14010500101 社区党委 ── branches A (8 members), B (3)
│                                                                       (school branch S under the district)
└── 140106 迎泽区委 ── 140106001 街道党工委 ── branch O (4 members)      (the sibling district)

Personas: city (组织部门 at 140100), district (组织部门 at 140105), clerk (党组织管理员 of branch A),
discipline (纪检监察 at 140100), leader (领导 at 140100), outsider (组织部门 at 140106), admin (superuser).
"""

from __future__ import annotations

import datetime as dt
import itertools

from qingfeng.accounts.models import Role, User
from qingfeng.core.idnumbers import make_id_number
from qingfeng.orgs.actions import save_organization
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Category, Person, Relation, RelationVia

PASSWORD = "Qingfeng-test-2026"
_seq = itertools.count(1)


def org(code, name, parent=None, kind="党委", sector="党政机关", level="", established_on=None) -> Organization:
    return save_organization(Organization(code=code, name=name, parent=parent, kind=kind, sector=sector, level=level,
                                          established_on=established_on))


def member(name, at: Organization, admitted=dt.date(2010, 1, 1), full=dt.date(2011, 1, 1), birth=dt.date(1980, 5, 6),
           category=Category.FULL, cadre_level="无", region="140105") -> Person:
    seq = next(_seq)
    person = Person.objects.create(
        name=name, id_number=make_id_number(region, birth, seq % 1000), gender="男" if seq % 2 else "女",
        birth_date=birth, category=category, admitted_on=admitted, full_on=full if category == Category.FULL else None,
        org=at, admitting_org=at, cadre_level=cadre_level,
    )
    start = max(admitted, at.established_on) if at.established_on else admitted
    Relation.objects.create(person=person, org=at, start_on=start, via=RelationVia.IMPORT)
    return person


def user(username, role, at: Organization | None, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, org=at, **extra)


class World:
    """Built once per test class (setUpTestData) or per test (fixture)."""

    def __init__(self):
        self.city = org("140100", "中共太原市委", level="市")
        self.xiaodian = org("140105", "中共小店区委", self.city, level="县(市、区)")
        self.yingze = org("140106", "中共迎泽区委", self.city, level="县(市、区)")
        self.street = org("140105001", "平阳路街道党工委", self.xiaodian, kind="党工委", level="乡镇(街道)")
        self.community = org("14010500101", "平阳景苑社区党委", self.street, sector="社区", level="村(社区)")
        self.branch_a = org("14010500101A", "第一党支部", self.community, kind="党支部", sector="社区",
                            established_on=dt.date(2015, 1, 1))
        self.branch_b = org("14010500101B", "第二党支部", self.community, kind="党支部", sector="社区",
                            established_on=dt.date(2015, 1, 1))
        self.school = org("140105S01", "小店区实验学校党支部", self.xiaodian, kind="党支部", sector="学校")
        self.other_street = org("140106001", "柳巷街道党工委", self.yingze, kind="党工委", level="乡镇(街道)")
        self.branch_o = org("140106001O", "柳巷社区党支部", self.other_street, kind="党支部", sector="社区",
                            established_on=dt.date(2015, 1, 1))
        self.members_a = [member(f"甲{i}", self.branch_a) for i in range(8)]
        self.members_b = [member(f"乙{i}", self.branch_b) for i in range(3)]
        self.members_o = [member(f"丙{i}", self.branch_o, region="140106") for i in range(4)]
        self.admin = User.objects.create_superuser(username="admin", password=PASSWORD, role=Role.ADMIN)
        self.city_user = user("city", Role.ORGANIZATION, self.city)
        self.district_user = user("district", Role.ORGANIZATION, self.xiaodian)
        self.clerk = user("clerk", Role.CLERK, self.branch_a)
        self.discipline_user = user("discipline", Role.DISCIPLINE, self.city)
        self.leader = user("leader", Role.LEADER, self.city)
        self.outsider = user("outsider", Role.ORGANIZATION, self.yingze)

    @property
    def personas(self) -> dict[str, User]:
        return {
            "admin": self.admin, "city": self.city_user, "district": self.district_user, "clerk": self.clerk,
            "discipline": self.discipline_user, "leader": self.leader, "outsider": self.outsider,
        }
