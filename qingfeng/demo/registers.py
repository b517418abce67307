"""Ground records of the second round's registers (spec/seed-figures.md, the last six rows): 村情 tags, whole
leadership teams and secretaries sent to villages of religious believers, the provincial commendation of
2021-05-25, the poverty counties' degree education and collective-economy funds, and findings of work style.

Like figures.py, only this module knows the numbers; the indicators derive them from these records. Around each
figure it writes records that must not count (another grantor level on the same day, funds from the county, an
enrollment before the campaign, a team sent to a village without the tag) so the filters have something to do."""

from __future__ import annotations

import datetime as dt
import random

from qingfeng.demo.figures import Figures, P, Y, day_in
from qingfeng.demo.people import DATA_END, PersonRec
from qingfeng.demo.records import DEMO
from qingfeng.demo.tree import OrgRec
from qingfeng.economy.models import FundSource
from qingfeng.education.models import DegreeLevel
from qingfeng.grassroots.models import Role
from qingfeng.honors.models import GrantorLevel, HonoreeKind
from qingfeng.orgs.models import VillageTagChoice
from qingfeng.supervision.models import FindingSource, ProblemCategory

D = dt.date

# The article's numbers.
WHOLE_TEAMS = 4  # 为信教群众聚居村整建制下派4个班子
TEAM_SIZE = 5
RELIGIOUS_SECRETARIES = 12  # 及12名党组织书记
HONOR_DAY = D(2021, 5, 25)
HONORED_COLLECTIVES = 7  # 7个集体、14个人受表彰
HONORED_PERSONS = 14
DEGREE_TRAINEES = 621  # 培养本专科生等学历人员621名 (the two poverty counties, P)
SUPPORT_FUNDS = 80_000_000  # 统筹市级以上资金8000万元 (yuan)
SUPPORTED_VILLAGES = 147  # 扶持两县147个村发展集体经济
ABOVE_COUNTY = (FundSource.CENTRAL, FundSource.PROVINCE, FundSource.CITY)

# Persons the dispatches below take from the figures' pool (figures.dispatch_need counts them).
DISPATCHED = WHOLE_TEAMS * TEAM_SIZE + RELIGIOUS_SECRETARIES + TEAM_SIZE + 2

PURPOSES = ["光伏扶贫电站收益分配", "肉牛养殖合作社", "小杂粮加工厂", "乡村旅游民宿改造", "设施农业大棚", "中药材种植基地",
            "农产品冷链仓储", "红薯粉条加工坊", "食用菌种植园", "村集体农机服务队"]
STYLE_FINDINGS = [
    ("层层填表报数、重复报送材料", ProblemCategory.FORMALISM), ("会议多、文件多，以会议落实会议", ProblemCategory.FORMALISM),
    ("群众办事多头跑、来回跑", ProblemCategory.BUREAUCRATISM), ("对群众诉求推诿扯皮、敷衍应付", ProblemCategory.BUREAUCRATISM),
    ("公车私用", ProblemCategory.HEDONISM), ("违规发放津贴补贴", ProblemCategory.HEDONISM),
    ("违规收送礼品礼金", ProblemCategory.EXTRAVAGANCE), ("违规操办婚丧喜庆事宜", ProblemCategory.EXTRAVAGANCE),
    ("侵占挪用惠民惠农资金", ProblemCategory.DISREGARD), ("农村低保评定优亲厚友", ProblemCategory.DISREGARD),
]


class Registers:
    def __init__(self, figures: Figures):
        self.figures = figures
        self.rng = random.Random(figures.rng.getrandbits(32))  # its own sequence: the figures' draws stay theirs
        self.rec = figures.rec
        self.tree = figures.tree
        self.people = figures.people
        self.place = figures.place
        self.poor_counties = [c for c in figures.counties if c.county in self.place.poor] or figures.counties[:2]
        self.poor_villages = figures.villages(tuple(c.county for c in self.poor_counties))
        self.trainees: list[tuple[PersonRec, OrgRec]] = []

    # -- before the people are written: the cadres trained toward a degree -------------------------------------
    def prepare_people(self) -> None:
        """Village cadres of the poverty counties: their members first, then people who are not members (a 村委
        member, a reserve cadre) where the villages have too few."""
        rng = self.rng
        wanted = DEGREE_TRAINEES + 60  # the figure's persons, and those enrolled only outside the campaign
        found = {p.id: p for v in self.poor_villages for p in self._members_of(v)
                 if p.member and p.end is None and 1965 <= p.birth.year <= 2000}
        candidates = [(p, p.org) for p in found.values()]
        rng.shuffle(candidates)
        while len(candidates) < wanted:
            village = rng.choice(self.poor_villages)
            candidates.append((self.people.make_person(village, "village", member=False, birth_years=(1970, 1998)),
                               village))
        self.trainees = candidates[:wanted]

    def _members_of(self, village: OrgRec) -> list[PersonRec]:
        """Members of a village organization and of the branches under it."""
        found = list(village.members)
        for org in self.tree.orgs:  # the village's branches (a 党总支's 第一党支部 …) follow it in the tree
            if org.parent is village:
                found.extend(org.members)
        return found

    def build(self) -> None:
        self.village_tags()
        self.dispatches()
        self.commendations()
        self.degree_education()
        self.collective_economy()
        self.style_findings()

    # -- 村情 -------------------------------------------------------------------------------------------------
    def village_tags(self) -> None:
        rng, rec = self.rng, self.rec
        villages = self.figures.villages()
        others = [v for v in villages if v not in set(self.poor_villages)] or villages
        self.religious = rng.sample(villages, min(len(villages), WHOLE_TEAMS + RELIGIOUS_SECRETARIES + 6))
        tags: dict[int, set[str]] = {}
        for v in self.religious:
            tags.setdefault(v.id, set()).add(VillageTagChoice.RELIGIOUS)
        for v in self.poor_villages:
            if rng.random() < 0.7:
                tags.setdefault(v.id, set()).add(VillageTagChoice.POOR)
        for v in rng.sample(others, min(len(others), max(3, len(others) // 15))):
            tags.setdefault(v.id, set()).add(VillageTagChoice.REMOTE)
        for v in rng.sample(villages, min(len(villages), 3)):
            tags.setdefault(v.id, set()).add(VillageTagChoice.ETHNIC)
        for org_id in sorted(tags):
            for tag in sorted(tags[org_id]):
                rec.village_tags.add((rec.village_tags.new_id(), org_id, tag))

    # -- 整建制下派 and secretaries ----------------------------------------------------------------------------
    def dispatches(self) -> None:
        rng, rec, take = self.rng, self.rec, self.figures.take
        sent_by = f"中共{self.place.short}市委组织部"
        teams, secretaries, earlier = (self.religious[:WHOLE_TEAMS],
                                       self.religious[WHOLE_TEAMS:WHOLE_TEAMS + RELIGIOUS_SECRETARIES],
                                       self.religious[WHOLE_TEAMS + RELIGIOUS_SECRETARIES:])
        tagged = {v.id for v in self.religious}
        untagged = [v for v in self.figures.villages() if v.id not in tagged]
        targets = [(v, True) for v in teams] + ([(rng.choice(untagged), False)] if untagged else [])
        for i, (village, _tagged) in enumerate(targets):
            start = day_in(rng, D(2020, 6, 1), D(2021, 4, 30))
            team = f"{unit_name(village).removesuffix('党支部').removesuffix('党总支')}整建制下派班子"
            for person in take(TEAM_SIZE):
                rec.assign(person.id, Role.TEAM_MEMBER, village.id, start + dt.timedelta(days=i % 2), sent_by=sent_by,
                           team=team)
        for village in secretaries:
            person = take(1)[0]
            rec.assign(person.id, Role.SECRETARY, village.id, day_in(rng, *Y), sent_by=sent_by)
        for village in earlier[:2]:  # secretaries sent before the year: not in its figure
            person = take(1)[0]
            rec.assign(person.id, Role.SECRETARY, village.id, day_in(rng, D(2019, 3, 1), D(2020, 4, 30)),
                       sent_by=sent_by)

    # -- 表彰 ------------------------------------------------------------------------------------------------
    def commendations(self) -> None:
        rng = self.rng
        members = [p for p in self.people.people if p.member and p.end is None and p.org is not None]
        poor_members = [p for p in members if p.org.county in {c.county for c in self.poor_counties}] or members
        townships = [t for t in self.figures.tagged("township") if t.county in {c.county for c in self.poor_counties}]
        province = rng.sample(self.poor_villages, HONORED_COLLECTIVES - 2) + rng.sample(townships, 2)
        self.decision("全省脱贫攻坚先进集体和先进个人", "中共山西省委、山西省人民政府", GrantorLevel.PROVINCE, HONOR_DAY,
                      province, rng.sample(poor_members, HONORED_PERSONS))
        # The same day, the city's own commendation: another level, not in the province's figure.
        branches = [o for o in self.tree.orgs if o.is_branch]
        self.decision("全市脱贫攻坚先进集体和先进个人", f"中共{self.place.short}市委、{self.place.short}市人民政府",
                      GrantorLevel.CITY, HONOR_DAY, rng.sample(self.poor_villages, 10), rng.sample(poor_members, 12))
        self.decision("全国脱贫攻坚先进集体", "中共中央、国务院", GrantorLevel.NATIONAL, D(2021, 2, 25),
                      [self.poor_counties[0]], [])
        self.decision("全市优秀共产党员、优秀党务工作者和先进基层党组织", f"中共{self.place.short}市委", GrantorLevel.CITY,
                      D(2021, 6, 28), rng.sample(branches, min(len(branches), 20)), rng.sample(members, 30))
        for county in self.figures.counties[:3]:
            local = [p for p in members if p.org.county == county.county]
            if local:
                self.decision(f"{county.name[2:]}优秀共产党员", county.name, GrantorLevel.COUNTY, D(2020, 7, 1), [],
                              rng.sample(local, min(len(local), 5)))

    def decision(self, name: str, grantor: str, level: str, day: dt.date, collectives: list[OrgRec],
                 persons: list[PersonRec]) -> None:
        rec = self.rec
        pk = rec.commendations.new_id()
        rec.commendations.add((pk, f"DEMO-BZ{pk:04d}", name, grantor, level, day, DEMO, rec.now, rec.now))
        named = {unit_name(org): org for org in collectives}  # a unit's full name: unique within the decision
        for name, org in named.items():
            rec.honorees.add((rec.honorees.new_id(), pk, HonoreeKind.COLLECTIVE, name, None, org.id, DEMO, rec.now))
        for person in persons:
            owner = person.moved_to or person.org
            rec.honorees.add((rec.honorees.new_id(), pk, HonoreeKind.PERSON, "", person.id, owner.id, DEMO, rec.now))

    # -- 学历提升 -------------------------------------------------------------------------------------------
    def degree_education(self) -> None:
        rng, rec = self.rng, self.rec
        in_campaign, outside = self.trainees[:DEGREE_TRAINEES], self.trainees[DEGREE_TRAINEES:]
        levels = [DegreeLevel.SECONDARY] * 2 + [DegreeLevel.COLLEGE] * 12 + [DegreeLevel.BACHELOR] * 6
        intakes = [D(year, month, 1) for year in (2017, 2018, 2019, 2020) for month in (3, 9)]

        def study(person: PersonRec, org: OrgRec, level: str, enrolled: dt.date) -> None:
            years = 2 if level == DegreeLevel.SECONDARY else 3 if level == DegreeLevel.COLLEGE else 4
            graduated = D(enrolled.year + years, 7, 1) if rng.random() < 0.9 else None
            if graduated and graduated > DATA_END:
                graduated = None
            rec.degree_studies.add((rec.degree_studies.new_id(), person.id, org.id, level, enrolled, graduated, DEMO,
                                    rec.now, rec.now))

        for i, (person, village) in enumerate(in_campaign):
            level = rng.choice(levels)
            enrolled = rng.choice(intakes) + dt.timedelta(days=rng.randrange(10))
            study(person, village, level, enrolled)
            if i % 20 == 0 and enrolled.year <= 2018 and level != DegreeLevel.BACHELOR:  # went on to the next level
                study(person, village, DegreeLevel.BACHELOR, D(enrolled.year + 3, 9, 1))
        for i, (person, village) in enumerate(outside):  # before the campaign, or after it
            enrolled = D(2016, 9, 1) if i % 2 else D(2021, 3, 1)
            study(person, village, rng.choice(levels), enrolled)
        # Other counties train their cadres too; they are outside the two counties' figure.
        elsewhere = [v for v in self.figures.villages() if v not in set(self.poor_villages)]
        for village in rng.sample(elsewhere, min(len(elsewhere), 40)):
            members = [p for p in village.members if p.member and p.end is None]
            if members:
                study(rng.choice(members), village, rng.choice(levels), rng.choice(intakes))

    # -- 集体经济扶持 -------------------------------------------------------------------------------------------
    def collective_economy(self) -> None:
        rng = self.rng
        villages = rng.sample(self.poor_villages, min(len(self.poor_villages), SUPPORTED_VILLAGES))
        # Project-sized payments in units of 10,000 yuan, 1–3 per village, summing exactly to the figure.
        units = SUPPORT_FUNDS // 10_000
        plan = [(v, rng.randint(8, 60)) for v in villages for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        while sum(u for _v, u in plan) != units:
            gap = units - sum(u for _v, u in plan)
            i = rng.randrange(len(plan))
            village, u = plan[i]
            plan[i] = (village, max(5, min(150, u + max(-20, min(20, gap)))))
        for village, u in plan:
            self.payment(village, rng.choice(ABOVE_COUNTY), u * 10_000, day_in(rng, D(2017, 4, 1), D(2020, 11, 30)))
        # What the figure leaves out: county, township and social funds; funds paid after the campaign; other counties.
        for village in rng.sample(self.poor_villages, min(len(self.poor_villages), 60)):
            source = rng.choice((FundSource.COUNTY, FundSource.TOWNSHIP, FundSource.SOCIETY))
            self.payment(village, source, rng.randint(2, 30) * 10_000, day_in(rng, *P))
        for village in rng.sample(self.poor_villages, min(len(self.poor_villages), 25)):
            self.payment(village, rng.choice(ABOVE_COUNTY), rng.randint(10, 50) * 10_000,
                         day_in(rng, D(2021, 1, 10), DATA_END))
        elsewhere = [v for v in self.figures.villages() if v not in set(self.poor_villages)]
        for village in rng.sample(elsewhere, min(len(elsewhere), 30)):
            self.payment(village, rng.choice(list(FundSource)), rng.randint(5, 40) * 10_000, day_in(rng, *P))

    def payment(self, village: OrgRec, source: str, amount: int, day: dt.date) -> None:
        rec = self.rec
        pk = rec.support_items.new_id()
        rec.support_items.add((pk, f"DEMO-JJ{pk:05d}", village.id, source, amount, day, self.rng.choice(PURPOSES), DEMO,
                               rec.now, rec.now))

    # -- 作风建设: findings of formalism, bureaucratism and the rest ------------------------------------------
    def style_findings(self) -> None:
        rng, rec = self.rng, self.rec
        targets = self.figures.tagged("township", "county_gov", "township_gov", "village_org", "community_org")
        sources = (FindingSource.PATROL, FindingSource.PETITION, FindingSource.POLITICAL, FindingSource.INSPECTION)
        for i in range(4 * len(STYLE_FINDINGS)):
            text, category = STYLE_FINDINGS[i % len(STYLE_FINDINGS)]
            found = day_in(rng, *Y)
            deadline = found + dt.timedelta(days=rng.randint(30, 90))
            closed = found + dt.timedelta(days=rng.randint(10, 100)) if rng.random() < 0.7 else None
            if closed and closed > DATA_END:
                closed = None
            rec.finding(rng.choice(sources), found, rng.choice(targets).id, text, deadline, closed, category=category)


def unit_name(org: OrgRec) -> str:
    """A unit as a commendation or a team names it: with its township and county (阳曲县黄寨镇西村党支部)."""
    parts = [org.name]
    parent = org.parent
    while parent is not None and parent.tag != "city" and len(parts) < 3:
        short = parent.name.removeprefix("中共")
        for suffix in ("党工委", "党委", "党总支", "委"):
            if short.endswith(suffix):
                short = short.removesuffix(suffix)
                break
        parts.insert(0, short)
        parent = parent.parent
    return "".join(parts)[:200]
