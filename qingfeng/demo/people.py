"""Synthetic members for every branch: valid ID numbers in their county's region code, plausible names,
ages, education and membership dates; organizational relations (imported, a few transferred) and cadre levels."""

from __future__ import annotations

import datetime as dt
import random

from qingfeng.core.idnumbers import make_id_number
from qingfeng.demo import names
from qingfeng.demo.places import COUNTIES
from qingfeng.demo.tree import OrgRec
from qingfeng.people.models import CadreLevel, Category, Education, EndReason, RelationVia

# The day the demo's "present" ends: background records run up to here.
DATA_END = dt.date(2021, 6, 30)

# tag → (members low, high), (birth year low, high), female share
PROFILES = {
    "community": ((12, 45), (1938, 1996), 0.5),
    "community_org": ((12, 45), (1938, 1996), 0.5),
    "village": ((15, 50), (1940, 1998), 0.2),
    "village_org": ((15, 50), (1940, 1998), 0.2),
    "city_gov": ((10, 35), (1963, 1996), 0.35),
    "county_gov": ((6, 25), (1963, 1996), 0.3),
    "township_gov": ((10, 30), (1963, 1997), 0.3),
    "city_school": ((10, 40), (1962, 1997), 0.6),
    "school": ((8, 30), (1962, 1997), 0.6),
    "private_school": ((3, 10), (1965, 1997), 0.6),
    "city_hospital": ((15, 50), (1962, 1997), 0.6),
    "hospital": ((10, 35), (1962, 1997), 0.6),
    "private_hospital": ((3, 10), (1965, 1997), 0.6),
    "city_soe": ((10, 45), (1962, 1997), 0.25),
    "soe_branch": ((8, 25), (1962, 1997), 0.25),
    "nonpublic": ((3, 15), (1970, 2000), 0.3),
    "joint": ((3, 10), (1970, 2000), 0.3),
    "social": ((3, 9), (1960, 2000), 0.45),
}
POSTS = {
    "city_gov": ["科员", "一级科员", "四级主任科员", "三级主任科员", "科长", "副科长"],
    "county_gov": ["科员", "股长", "副股长", "办事员"],
    "township_gov": ["科员", "站长", "办事员", "副站长"],
    "city_school": ["教师", "辅导员", "教授", "副教授", "讲师"],
    "school": ["教师", "班主任", "教研组长"],
    "city_hospital": ["医师", "主治医师", "护士", "护士长", "药师"],
    "hospital": ["医师", "护士", "检验师"],
    "city_soe": ["职工", "技术员", "工程师", "班组长"],
    "soe_branch": ["职工", "会计", "工程师"],
    "community": ["社区居民", "离退休人员", "网格员", "社区工作者"],
    "village": ["村民", "种植户", "村民小组长"],
}
CITY_CADRE_POSTS = ["局长", "副局长", "主任", "副主任", "一级调研员", "二级巡视员", "院长", "副院长", "董事长", "总经理",
                    "副总经理", "党组书记", "县(区)委常委", "副县(区)长"]
COUNTY_CADRE_POSTS = ["科长", "副科长", "所长", "校长", "副校长", "乡镇党委书记", "街道党工委副书记", "站长"]
GOV_TAGS = {"city_gov", "county_gov", "township_gov", "city_school", "city_hospital", "city_soe", "school", "hospital",
            "soe_branch"}
CITY_CADRE_TAGS = ("city_gov", "county_gov", "city_school", "city_hospital", "city_soe")
COUNTY_CADRE_TAGS = ("county_gov", "township_gov", "school", "hospital", "soe_branch")
REGIONS = [c.code for c in COUNTIES]


class PersonRec:
    __slots__ = ("id", "name", "id_number", "male", "birth", "org", "admitted", "full_on", "category", "start",
                 "end", "moved_to", "cadre", "post", "education", "member", "tag")
    id: int
    name: str
    id_number: str
    male: bool
    birth: dt.date
    org: OrgRec | None
    admitted: dt.date | None
    full_on: dt.date | None
    category: str
    start: dt.date | None
    end: dt.date | None
    moved_to: OrgRec | None
    cadre: str
    post: str
    education: str
    member: bool
    tag: str

    def __init__(self) -> None:
        self.cadre = CadreLevel.NONE
        self.end = None
        self.moved_to = None
        self.post = ""
        self.tag = ""

    @property
    def full_from(self) -> dt.date | None:
        """The day this member became 正式 (None: still 预备)."""
        if self.category == Category.PROBATIONARY and self.full_on is None:
            return None
        return self.full_on or self.admitted


class PeopleBuilder:
    def __init__(self, scale, rng: random.Random, person_table, relation_table, cadre_table, now, regions=None):
        self.scale = scale
        self.regions = regions or REGIONS  # county codes: the region part of ID numbers
        self.rng = rng
        self.persons = person_table
        self.relations = relation_table
        self.cadres = cadre_table
        relation_table.parents.append(person_table)
        cadre_table.parents.append(person_table)
        self.now = now
        self.people: list[PersonRec] = []
        self._seq: dict[tuple[str, dt.date], int] = {}

    # -- one person -----------------------------------------------------------------------------------------
    def id_number(self, region: str, birth: dt.date, male: bool) -> tuple[str, dt.date]:
        """A free ID number for this region and birthday (a crowded birthday moves one day on)."""
        while self._seq.get((region, birth), 0) >= 499:
            birth += dt.timedelta(days=1)
        k = self._seq.get((region, birth), 0)
        self._seq[(region, birth)] = k + 1
        # Sequence 001–999: odd for men, even for women (never 000).
        return make_id_number(region, birth, 2 * k + (1 if male else 2)), birth

    def education(self, birth_year: int, tag: str) -> str:
        rng = self.rng
        if tag in ("village", "village_org"):
            return rng.choice([Education.JUNIOR, Education.JUNIOR, Education.HIGH_SCHOOL, Education.SECONDARY_VOCATIONAL,
                               Education.COLLEGE])
        if tag in GOV_TAGS:
            return rng.choice([Education.BACHELOR, Education.BACHELOR, Education.POSTGRADUATE, Education.COLLEGE])
        if birth_year < 1960:
            return rng.choice([Education.JUNIOR, Education.HIGH_SCHOOL, Education.SECONDARY_VOCATIONAL, Education.COLLEGE])
        return rng.choice([Education.HIGH_SCHOOL, Education.COLLEGE, Education.BACHELOR, Education.BACHELOR])

    def make_person(self, org: OrgRec | None, tag: str, member: bool = True, birth_years=None) -> PersonRec:
        rng = self.rng
        (_low, _high), years, female_share = PROFILES.get(tag, PROFILES["community"])
        if birth_years:
            years = birth_years
        p = PersonRec()
        p.id = self.persons.new_id()
        p.male = rng.random() >= female_share
        p.name = names.person_name(rng, p.male)
        p.birth = dt.date(rng.randint(*years), 1, 1) + dt.timedelta(days=rng.randrange(365))
        region = org.county if org is not None and org.county else rng.choice(self.regions)
        p.id_number, p.birth = self.id_number(region, p.birth, p.male)
        p.org = org
        p.tag = tag
        p.education = self.education(p.birth.year, tag)
        p.post = rng.choice(POSTS.get(tag, [""]))
        p.member = member
        p.admitted = p.full_on = p.start = None
        p.category = ""
        if member and org is not None:  # a member always belongs to an organization
            self.membership(p, org)
        self.people.append(p)
        return p

    def membership(self, p: PersonRec, org: OrgRec) -> None:
        rng = self.rng
        adult = p.birth.replace(year=p.birth.year + 18) if not (p.birth.month == 2 and p.birth.day == 29) else \
            dt.date(p.birth.year + 18, 3, 1)
        latest = DATA_END - dt.timedelta(days=10)
        if rng.random() < 0.035 and adult < dt.date(2020, 7, 1):
            # Admitted within the demo's last year: still 预备党员.
            p.admitted = dt.date(2020, 7, 1) + dt.timedelta(days=rng.randrange((latest - dt.date(2020, 7, 1)).days))
            p.category = Category.PROBATIONARY
        else:
            span = max(1, min((latest - adult).days, 365 * 30))
            p.admitted = adult + dt.timedelta(days=rng.randrange(span))
            if p.admitted > dt.date(2020, 6, 30):
                p.admitted = dt.date(2020, 6, 30) - dt.timedelta(days=rng.randrange(1, 2000))
            if p.admitted < adult:
                p.admitted = adult
            p.full_on = p.admitted + dt.timedelta(days=365 + rng.randrange(0, 20))
            if p.full_on > latest:
                p.full_on = None
                p.category = Category.PROBATIONARY
            else:
                p.category = Category.FULL
        p.start = max(p.admitted, org.established) if org.established else p.admitted
        org.members.append(p)

    # -- everyone -------------------------------------------------------------------------------------------
    def populate(self, orgs: list[OrgRec]) -> None:
        rng = self.rng
        for org in orgs:
            if not org.is_branch:
                continue
            (low, high), _years, _f = PROFILES.get(org.tag, PROFILES["community"])
            count = max(3, round(rng.randint(low, high) * self.scale.members))
            for _ in range(count):
                self.make_person(org, org.tag)

    def top_up(self, orgs: list[OrgRec], tags: tuple[str, ...], missing: int, qualifies) -> None:
        """Add members to branches with `tags` until `missing` more of them satisfy `qualifies`."""
        pool = [o for o in orgs if o.is_branch and o.tag in tags]
        while missing > 0:
            person = self.make_person(self.rng.choice(pool), "city_gov", birth_years=(1965, 1985))
            missing -= bool(qualifies(person))

    @staticmethod
    def cadre_material(p: PersonRec, tags) -> bool:
        return (p.member and p.tag in tags and p.cadre == CadreLevel.NONE and 1962 <= p.birth.year <= 1986
                and p.category == Category.FULL and p.full_on is not None and p.full_on < dt.date(2019, 1, 1)
                and p.end is None)

    def cadre_candidates(self, tags) -> list[PersonRec]:
        return [p for p in self.people if self.cadre_material(p, tags)]

    def assign_cadres(self, orgs: list[OrgRec], city_count: int) -> list[PersonRec]:
        """Exactly `city_count` 市管 cadres (the whole city's), plus 县管 cadres in county organs."""
        rng = self.rng
        missing = city_count + 50 - len(self.cadre_candidates(CITY_CADRE_TAGS))
        self.top_up(orgs, ("city_gov", "county_gov"), missing, lambda p: self.cadre_material(p, CITY_CADRE_TAGS))
        candidates = self.cadre_candidates(CITY_CADRE_TAGS)
        rng.shuffle(candidates)
        city = candidates[:city_count]
        for p in city:
            p.cadre = CadreLevel.CITY
            p.post = rng.choice(CITY_CADRE_POSTS)
        county_candidates = self.cadre_candidates(COUNTY_CADRE_TAGS)
        rng.shuffle(county_candidates)
        for p in county_candidates[: len(county_candidates) // 4]:
            p.cadre = CadreLevel.COUNTY
            p.post = rng.choice(COUNTY_CADRE_POSTS)
        return city

    def transfers(self, orgs: list[OrgRec]) -> None:
        """A few members moved between branches of the same township late in the demo's year."""
        rng = self.rng
        by_parent: dict[int, list[OrgRec]] = {}
        for o in orgs:
            if o.is_branch and o.tag in ("community", "village") and o.parent:
                key = o.parent.parent.id if o.parent.parent and o.parent.tag != "township" else o.parent.id
                by_parent.setdefault(key, []).append(o)
        for group in by_parent.values():
            if len(group) < 2:
                continue
            for org in group:
                for p in list(org.members):
                    if p.cadre != CadreLevel.NONE or p.moved_to or rng.random() > 0.012:
                        continue
                    target = rng.choice([g for g in group if g is not org])
                    day = dt.date(2021, 6, 1) + dt.timedelta(days=rng.randrange(25))
                    if p.start and day <= p.start:
                        continue
                    p.end = day
                    p.moved_to = target
                    target.members.append(p)

    def member_list(self, org: OrgRec):
        """(person, start, end) of everyone whose relation was with this branch at some time."""
        for p in org.members:
            if p.org is org:
                yield p, p.start, p.end
            else:
                yield p, p.end, None

    # -- writing ---------------------------------------------------------------------------------------------
    def write(self, progress=None) -> None:
        now = self.now
        for i, p in enumerate(self.people):
            current = p.moved_to or p.org
            org = p.org if p.member else None  # a member always belongs to an organization
            admitting = org.id if (org is not None and p.admitted and p.admitted.year >= 2015) else None
            self.persons.add((
                p.id, p.name, p.id_number, "男" if p.male else "女", p.birth, names.ethnicity(self.rng), p.education,
                f"1{self.rng.choice('3589')}{self.rng.randrange(10 ** 9):09d}", p.post, p.category, p.admitted,
                p.full_on, admitting, current.id if (current is not None and p.member) else None, p.cadre, now, now,
            ))
            if org is not None:
                rel_id = self.relations.new_id()
                self.relations.add((rel_id, p.id, org.id, p.start, p.end, RelationVia.IMPORT, None,
                                    EndReason.TRANSFER if p.moved_to else "", "", now))
                if p.moved_to:
                    self.relations.add((self.relations.new_id(), p.id, p.moved_to.id, p.end, None, RelationVia.TRANSFER,
                                        org.id, "", "", now))
            if p.cadre != CadreLevel.NONE:
                if p.cadre == CadreLevel.CITY and self.rng.random() < 0.12:
                    self.cadres.add((self.cadres.new_id(), p.id, CadreLevel.COUNTY, None, now))
                    since = dt.date(2016, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 4))
                    self.cadres.add((self.cadres.new_id(), p.id, CadreLevel.CITY, since, now))
                else:
                    self.cadres.add((self.cadres.new_id(), p.id, p.cadre, None, now))
            if progress and i % 20000 == 19999:
                progress.advance(20000)


PERSON_COLUMNS = ["id", "name", "id_number", "gender", "birth_date", "ethnicity", "education", "phone", "post",
                  "category", "admitted_on", "full_on", "admitting_org", "org", "cadre_level", "created_at", "updated_at"]
RELATION_COLUMNS = ["id", "person", "org", "start_on", "end_on", "via", "from_org", "end_reason", "note", "created_at"]
CADRE_COLUMNS = ["id", "person", "level", "since", "created_at"]
