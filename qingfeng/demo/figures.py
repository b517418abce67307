"""Ground records behind the article's figures (spec/seed-figures.md).

Only this module knows the numbers. It writes people's attendance, assignments, findings and the
rest; the indicator engine derives the figures from them like from any other data. The background
(background.py) is built so that it never adds to these rows' indicators in their periods."""

from __future__ import annotations

import datetime as dt
import random

from qingfeng.activities.models import ActivityRole, Channel
from qingfeng.burden.models import RetireReason
from qingfeng.core.idnumbers import CREDIT_CHARS, make_credit_code
from qingfeng.demo import names
from qingfeng.demo.people import GOV_TAGS, PeopleBuilder, PersonRec
from qingfeng.demo.records import CAMPAIGN, Recorder
from qingfeng.demo.tree import OrgRec, TreeBuilder
from qingfeng.entities.models import CoverageMode, EntityType
from qingfeng.grassroots.models import AssignmentEndReason, Role
from qingfeng.people.models import CadreLevel, Category
from qingfeng.supervision.models import AccountabilityMode, FindingSource

D = dt.date
Y = (D(2020, 5, 12), D(2021, 5, 11))  # the year since the May 2020 inspection visit
E = (D(2020, 1, 25), D(2020, 5, 11))  # the epidemic emergency
P = (D(2017, 1, 1), D(2020, 12, 31))  # the poverty-alleviation campaign

# The article's numbers.
READING_CLASSES = 17
READING_TRAINEES = 840
CITY_CADRES = 2106
LECTURE_TEAMS = 8
LECTURERS = 200
SCHOOL_SECRETARIES = 38
TOWNSHIP_ELECTIONS = 46
POSTED_DOWN = 196
WEAK_RECTIFIED_Y = 81
ASSAULT_MEMBERS = 825
ASSAULT_TEAMS = 8
LEADING_GROUP_MEETINGS = 43
FOUR_FORCES = {Role.FIRST_SECRETARY: 60, Role.VILLAGE_TEAM: 1330, Role.VILLAGE_LEADER: 400, Role.PAIRED_AID: 256}
POOR_FIRST_SECRETARIES = 34
BATTLE_ROUNDS = 39
BATTLE_CLOSED = 117
ADJUSTED = 53
ACCOUNTABLE = 19
SECONDED = {Role.SECONDED: 100, Role.GRADUATE: 80, Role.SEEDLING: 44}  # 224
WEAK_POOR_P = 91
WARNING_SESSIONS = 2738  # "2700余场次"
FORMS_IN_USE_BEFORE = 95  # at the end of 2020-01-24
FORMS_IN_USE_AFTER = 17  # at the end of 2020-12-31: (95 − 17) ÷ 95 = 82.1%


def day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def dispatch_need() -> int:
    """People the assignments below (and demo.registers' whole teams and secretaries) draw, distinct across rows."""
    from qingfeng.demo.registers import DISPATCHED

    return (SCHOOL_SECRETARIES + POSTED_DOWN + ASSAULT_MEMBERS + sum(FOUR_FORCES.values()) + POOR_FIRST_SECRETARIES
            + ADJUSTED + sum(SECONDED.values()) + 10 + 40 + DISPATCHED)


class Figures:
    def __init__(self, rng: random.Random, rec: Recorder, tree: TreeBuilder, people: PeopleBuilder,
                 city_cadres: list[PersonRec]):
        self.rng = rng
        self.rec = rec
        self.tree = tree
        self.people = people
        self.city_cadres = city_cadres
        self.place = tree.place
        self.city = tree.by_code[tree.place.code]
        self.counties = tree.by_tag["county"]
        pool = [p for p in people.people if p.member and p.tag in GOV_TAGS and p.cadre == CadreLevel.NONE
                and p.category == Category.FULL and p.end is None and 1962 <= p.birth.year <= 1996]
        rng.shuffle(pool)
        self.pool = pool

    def take(self, n: int) -> list[PersonRec]:
        if len(self.pool) < n:
            raise RuntimeError(f"demo: dispatch pool exhausted ({len(self.pool)} < {n})")
        taken, self.pool = self.pool[:n], self.pool[n:]
        return taken

    def tagged(self, *tags: str) -> list[OrgRec]:
        result: list[OrgRec] = []
        for tag in tags:
            result.extend(self.tree.by_tag.get(tag, []))
        return result

    def villages(self, counties: tuple[str, ...] | None = None) -> list[OrgRec]:
        """Village-level organizations (sector 农村, level 村(社区))."""
        return [o for o in self.tree.by_tag["village_org"] if counties is None or o.county in counties]

    def prepare_people(self) -> None:
        """Lecturers: members of communities and schools, and people who are not party members."""
        rng, people = self.rng, self.people
        members = [p for p in people.people if p.member and p.tag in ("community", "school", "city_school",
                                                                     "township_gov") and p.end is None]
        rng.shuffle(members)
        speakers = members[:120]
        for _ in range(LECTURERS - len(speakers) + 40):
            speakers.append(people.make_person(None, "community", member=False, birth_years=(1950, 1995)))
        self.speakers = speakers

    def build(self) -> None:
        self.study()
        self.lectures()
        self.coverage()
        self.dispatches()
        self.elections()
        self.weak_cases()
        self.poverty_battle()
        self.warning_education()
        self.report_forms()

    # -- 读书班, 专题轮训 --------------------------------------------------------------------------------------
    def study(self) -> None:
        rng, rec = self.rng, self.rec
        hosts = [self.city] * 5 + self.counties + rng.sample(self.counties, 2)
        classes = []
        for i, host in enumerate(hosts[:READING_CLASSES]):
            topic = f"{'市委' if host is self.city else host.name[2:]}习近平新时代中国特色社会主义思想读书班（第{i % 5 + 1}期）"
            classes.append(rec.activity(ActivityRole.READING_CLASS, host.id, day_in(rng, *Y), topic))
        county_cadres = [p for p in self.people.people if p.cadre == CadreLevel.COUNTY]
        candidates = list({id(p): p for p in self.city_cadres[:600] + county_cadres + self.pool[:600]}.values())
        rng.shuffle(candidates)
        trainees, absentees = candidates[:READING_TRAINEES], candidates[READING_TRAINEES:READING_TRAINEES + 24]
        seats: set[tuple[int, int]] = set()
        for i, person in enumerate(trainees):
            seats.add((classes[i % len(classes)], person.id))
        for person in rng.sample(trainees, 95):  # some attend a second class
            seats.add((rng.choice(classes), person.id))
        for activity, person_id in sorted(seats):
            rec.attend(activity, person_id)
        for person in absentees:  # registered but never came: not trainees
            rec.attend(rng.choice(classes), person.id, rng.choice(["请假", "缺席"]))
        # 专题轮训 of the city's 市管 cadres, every one of them at least once.
        school = next((o for o in self.tree.by_tag.get("city_gov", []) if "党校" in o.name), self.city)
        sessions = [rec.activity(ActivityRole.ROTATION, school.id, day_in(rng, *Y), f"市管领导干部专题轮训班第{i + 1}期")
                    for i in range(24)]
        seats = set()
        for i, person in enumerate(self.city_cadres):
            seats.add((sessions[i % len(sessions)], person.id))
        for person in rng.sample(self.city_cadres, len(self.city_cadres) // 7):
            seats.add((rng.choice(sessions), person.id))
        for activity, person_id in sorted(seats):
            rec.attend(activity, person_id)
        for person in rng.sample(self.city_cadres, 40):
            key = (rng.choice(sessions), person.id)
            if key not in seats:
                seats.add(key)
                rec.attend(key[0], key[1], "请假")
        # County-level rotation for 县管 cadres: not part of the 市管 figure.
        for county in self.counties:
            mine = [p for p in county_cadres if p.org is not None and p.org.county == county.county]
            if not mine:
                continue
            session = rec.activity(ActivityRole.ROTATION, county.id, day_in(rng, *Y), f"{county.name[2:]}管干部专题轮训班")
            for person in mine[:150]:
                rec.attend(session, person.id)

    # -- 宣讲 ---------------------------------------------------------------------------------------------------
    def lectures(self) -> None:
        rng, rec = self.rng, self.rec
        current, spare = self.speakers[:LECTURERS], self.speakers[LECTURERS:]
        owners = [self.city, self.city] + self.counties[:6]
        teams = []
        for i, owner in enumerate(owners[:LECTURE_TEAMS]):
            pk = rec.teams.new_id()
            label = "市委" if owner is self.city else owner.name[2:]
            rec.teams.add((pk, f"DEMO-XJ{pk:04d}", f"{label}党史学习教育宣讲第{i % 2 + 1 if owner is self.city else 1}小分队",
                           owner.id, D(2021, 3, 1) + dt.timedelta(days=rng.randrange(20)), None))
            teams.append((pk, owner))
        per = LECTURERS // LECTURE_TEAMS
        for i, person in enumerate(current):
            team = teams[min(i // per, len(teams) - 1)][0]
            rec.lecturers.add((rec.lecturers.new_id(), team, person.id, D(2021, 3, 20), None))
        for person in rng.sample(current, 6):  # on a second sub-team as well: still one lecturer
            team = teams[(current.index(person) // per + 1) % len(teams)][0]
            rec.lecturers.add((rec.lecturers.new_id(), team, person.id, D(2021, 4, 1), None))
        for person in spare[:10]:  # left before the year's end
            rec.lecturers.add((rec.lecturers.new_id(), teams[rng.randrange(len(teams))][0], person.id, D(2021, 3, 20),
                               D(2021, 4, 15) + dt.timedelta(days=rng.randrange(20))))
        # Two earlier teams, dissolved at the end of 2020.
        for j in range(2):
            pk = rec.teams.new_id()
            rec.teams.add((pk, f"DEMO-XJ{pk:04d}", f"{self.counties[6 + j].name[2:]}脱贫攻坚政策宣讲队",
                           self.counties[6 + j].id, D(2019, 4, 1), D(2021, 1, 1)))
            for person in spare[10 + 15 * j: 25 + 15 * j]:
                rec.lecturers.add((rec.lecturers.new_id(), pk, person.id, D(2019, 4, 1), None))
        # Their lectures: organized by the team's owner or by a community hosting the sub-team.
        communities = self.tagged("community_org")
        for pk, owner in teams:
            for _ in range(rng.randint(12, 24)):
                host = owner if rng.random() < 0.5 or not communities else rng.choice(communities)
                channel = rng.choice([Channel.OFFLINE, Channel.OFFLINE, Channel.ONLINE, Channel.BOTH])
                rec.activity(ActivityRole.LECTURE, host.id, day_in(rng, D(2021, 3, 22), D(2021, 6, 30)),
                             rng.choice(["学党史、悟思想主题宣讲", "百年党史进社区", "党史故事微宣讲", "永远跟党走专题宣讲"]),
                             channel=channel, audience=rng.randint(30, 600), team=pk, campaign=CAMPAIGN)

    # -- 两新组织 coverage ----------------------------------------------------------------------------------------
    def coverage(self) -> None:
        rng, rec = self.rng, self.rec
        n_all, n_cov, s_all, s_cov = self.tree.scale.entities
        hosts = self.tagged("township") + self.tagged("twonew")
        to = Y[1]
        serial = 0

        def credit(kind: EntityType, region: str) -> str:
            nonlocal serial
            serial += 1
            head = "91" if kind == EntityType.ENTERPRISE else rng.choice(["51", "52"])
            body = ""
            value = serial * 7919 + 104729
            for _ in range(9):
                value, r = divmod(value, len(CREDIT_CHARS))
                body += CREDIT_CHARS[r]
            return make_credit_code(head + region + body)

        def entity(kind, covered: bool | None, deregistered: dt.date | None = None):
            host = rng.choice(hosts)
            region = host.county or self.place.code
            name = (names.enterprise_name(rng, self.place.short) if kind == EntityType.ENTERPRISE
                    else names.social_org_name(rng, self.place.place))
            pk = rec.entities.new_id()
            history: list[tuple[str, dt.date | None]] = []
            if covered:
                mode = rng.choices([CoverageMode.OWN, CoverageMode.JOINT, CoverageMode.GUIDE], [40, 35, 25])[0]
                roll = rng.random()
                if roll < 0.4:
                    history.append((mode, None))
                elif roll < 0.5:
                    history.append((CoverageMode.GUIDE, day_in(rng, D(2017, 1, 1), D(2019, 6, 30))))
                    history.append((CoverageMode.OWN, day_in(rng, D(2019, 7, 1), D(2021, 4, 30))))
                else:
                    history.append((mode, day_in(rng, D(2012, 1, 1), to)))
            elif covered is False:
                roll = rng.random()
                if roll < 0.15:  # covered only after the figure's day
                    history.append((CoverageMode.GUIDE, day_in(rng, D(2021, 5, 20), D(2021, 6, 30))))
                elif roll < 0.3:  # a guide who left: coverage ended
                    history.append((CoverageMode.GUIDE, D(2018, 3, 1)))
                    history.append((CoverageMode.NONE, day_in(rng, D(2019, 1, 1), D(2021, 3, 1))))
                elif roll < 0.6:
                    history.append((CoverageMode.NONE, None))
            else:
                history.append((rng.choice([CoverageMode.OWN, CoverageMode.NONE]), None))
            current = history[-1][0] if history else CoverageMode.NONE
            employees = rng.randint(8, 600)
            rec.entities.add((pk, credit(kind, region), name, kind, host.id, employees, rng.randint(0, 12), current,
                              deregistered, "demo", rec.now))
            for held, since in history:
                rec.coverage.add((rec.coverage.new_id(), pk, held, since, rec.now))

        for kind, total, covered in ((EntityType.ENTERPRISE, n_all, n_cov), (EntityType.SOCIAL, s_all, s_cov)):
            for i in range(total):
                entity(kind, i < covered)
            for _ in range(max(2, total // 20)):  # deregistered before the figure's day: off the register
                entity(kind, None, day_in(rng, D(2018, 1, 1), D(2021, 5, 11)))

    # -- 选派 ------------------------------------------------------------------------------------------------
    def dispatches(self) -> None:
        rng, rec = self.rng, self.rec
        private = self.tagged("private_school", "private_hospital") or self.tagged("school", "hospital")
        for person in self.take(SCHOOL_SECRETARIES):
            rec.assign(person.id, Role.SECRETARY, rng.choice(private).id, day_in(rng, D(2020, 6, 1), D(2021, 4, 30)),
                       sent_by=f"中共{self.place.short}市委组织部")
        grassroots = self.tagged("village_org", "community_org")
        for person in self.take(POSTED_DOWN):
            target = rng.choice(grassroots)
            rec.assign(person.id, Role.POSTED_DOWN, target.id, day_in(rng, D(2020, 9, 1), D(2021, 3, 31)),
                       sent_by=f"中共{self.county_place(target)}委组织部")
        # 8 assault teams of city-organ cadres, into communities during the epidemic emergency.
        communities = self.tagged("community_org")
        sizes = [ASSAULT_MEMBERS // ASSAULT_TEAMS] * ASSAULT_TEAMS
        sizes[-1] += ASSAULT_MEMBERS - sum(sizes)
        ordinal = "一二三四五六七八九十"
        members = self.take(ASSAULT_MEMBERS)
        for t, size in enumerate(sizes):
            team = f"市直机关疫情防控第{ordinal[t]}突击队"
            start = D(2020, 1, 27) + dt.timedelta(days=t)
            for person in members[:size]:
                rec.assign(person.id, Role.ASSAULT, rng.choice(communities).id, start,
                           end=day_in(rng, D(2020, 4, 20), D(2020, 5, 8)), reason=AssignmentEndReason.EXPIRED,
                           sent_by=f"中共{self.place.short}市直属机关工作委员会", team=team)
            members = members[size:]
        # "四支帮扶力量" into villages during the poverty campaign.
        poor = self.villages(self.place.poor)
        others = self.villages(tuple(c.county for c in self.counties if c.county not in self.place.poor)) or poor
        everywhere = poor + poor + others  # poor villages get more of the teams
        for person in self.take(POOR_FIRST_SECRETARIES):
            end = rng.choice([None, D(2021, 6, 1)])
            rec.assign(person.id, Role.FIRST_SECRETARY, rng.choice(poor).id, day_in(rng, D(2017, 3, 1), D(2020, 9, 30)),
                       end=end, reason=AssignmentEndReason.EXPIRED if end else "", sent_by=f"中共{self.place.short}市委组织部")
        for person in self.take(10):  # the 2021 round of first secretaries: after the campaign
            rec.assign(person.id, Role.FIRST_SECRETARY, rng.choice(poor).id, day_in(rng, D(2021, 5, 20), D(2021, 6, 20)),
                       sent_by=f"中共{self.place.short}市委组织部")
        adjusted: list[tuple[PersonRec, OrgRec, dt.date]] = []
        for role, count in FOUR_FORCES.items():
            for person in self.take(count):
                target = rng.choice(others if role == Role.FIRST_SECRETARY else everywhere)
                start = day_in(rng, D(2017, 3, 1), D(2020, 6, 30))
                end, reason = None, ""
                if role == Role.VILLAGE_TEAM and len(adjusted) < ADJUSTED:
                    end = day_in(rng, max(start + dt.timedelta(days=60), D(2018, 1, 1)), D(2020, 11, 30))
                    reason = AssignmentEndReason.ADJUSTED
                    adjusted.append((person, target, end))
                elif rng.random() < 0.25:
                    end, reason = day_in(rng, D(2021, 1, 1), D(2021, 6, 30)), AssignmentEndReason.EXPIRED
                rec.assign(person.id, role, target.id, start, end=end, reason=reason,
                           sent_by=f"中共{self.county_place(target)}委组织部")
        for (_gone, village, day), person in zip(adjusted, self.take(ADJUSTED), strict=True):
            rec.assign(person.id, Role.VILLAGE_TEAM, village.id, day, sent_by=f"中共{self.county_place(village)}委组织部")
        townships = self.tagged("township")
        for role, count in SECONDED.items():
            for person in self.take(count):
                target = rng.choice(townships if role != Role.SEEDLING else self.tagged("village_org"))
                start = day_in(rng, D(2017, 2, 1), D(2020, 10, 31))
                end = start + dt.timedelta(days=730) if rng.random() < 0.5 else None
                rec.assign(person.id, role, target.id, start, end=end,
                           reason=AssignmentEndReason.EXPIRED if end else "", sent_by=f"中共{self.place.short}市委组织部")

    def county_place(self, org: OrgRec) -> str:
        county = self.tree.by_code.get(org.county)
        return county.name[2:-1] if county else self.place.place

    # -- 换届 --------------------------------------------------------------------------------------------------
    def elections(self) -> None:
        rng, rec = self.rng, self.rec
        for county in self.counties:
            self.elect(county, day_in(rng, D(2016, 7, 1), D(2016, 9, 30)), 5)
            self.elect(county, day_in(rng, D(2021, 3, 1), D(2021, 5, 10)), 5)
        self.elect(self.city, D(2016, 9, 20), 5)
        self.elect(self.city, D(2021, 9, 10), 5)
        townships = list(self.tagged("township"))
        rng.shuffle(townships)
        for i, township in enumerate(townships):
            self.elect(township, day_in(rng, D(2016, 10, 1), D(2017, 3, 31)), 5)
            if i < TOWNSHIP_ELECTIONS:
                self.elect(township, day_in(rng, D(2021, 1, 10), D(2021, 5, 10)), 5)
            elif i < len(townships) - 3:
                self.elect(township, day_in(rng, D(2021, 6, 1), D(2021, 6, 30)), 5)
            # the last three are overdue: their term ran out and no election is recorded yet
        del rec

    def elect(self, org: OrgRec, day: dt.date, years: int) -> None:
        self.rec.election(org.id, day, years)
        if org.term is None or org.term[0] < day:
            org.term = (day, years)

    # -- 软弱涣散 -------------------------------------------------------------------------------------------------
    def weak_cases(self) -> None:
        rng, rec = self.rng, self.rec
        villages = self.villages()
        used: set[tuple[int, dt.date]] = set()

        def case(org, identified, rectified, problems):
            while (org.id, identified) in used:
                identified += dt.timedelta(days=1)
            used.add((org.id, identified))
            rec.weak_case(org.id, identified, problems, rectified)

        problems = ["班子不团结、软弱无力", "组织生活不正常，三会一课落实不到位", "长期未发展党员", "村务不公开、群众意见大",
                    "集体经济薄弱、带富能力不强", "宗族势力干扰、矛盾纠纷突出"]
        picks = rng.sample(villages, min(len(villages), WEAK_RECTIFIED_Y))
        for i in range(WEAK_RECTIFIED_Y):
            org = picks[i % len(picks)]
            case(org, day_in(rng, D(2020, 3, 1), D(2020, 8, 31)), day_in(rng, D(2021, 1, 5), D(2021, 5, 10)),
                 rng.choice(problems))
        poor = self.villages(self.place.poor)
        for i in range(WEAK_POOR_P):
            org = poor[i % len(poor)]
            identified = day_in(rng, D(2017, 3, 1), D(2019, 6, 30))
            rectified = min(identified + dt.timedelta(days=rng.randint(120, 360)), D(2020, 5, 11))
            case(org, identified, rectified, rng.choice(problems))

    # -- 脱贫攻坚: leading group, battle supervision, findings, accountability ---------------------------------------
    def poverty_battle(self) -> None:
        rng, rec = self.rng, self.rec
        for i in range(LEADING_GROUP_MEETINGS):
            start = D(2017, 1, 10) + dt.timedelta(days=i * 33)
            rec.activity(ActivityRole.LEADING_GROUP, self.city.id, min(start, D(2020, 12, 28)),
                         f"市脱贫攻坚领导小组第{i + 1}次会议")
        rounds = [rec.activity(ActivityRole.BATTLE, self.city.id, D(2019, 3, 1) + dt.timedelta(days=i * 16),
                               f"脱贫攻坚第{i + 1}轮督战") for i in range(BATTLE_ROUNDS)]
        poor = self.villages(self.place.poor) + [t for t in self.tagged("township") if t.county in self.place.poor]
        texts = ["贫困户档案信息不准确", "帮扶措施落实不到位", "产业扶贫项目进度滞后", "饮水安全问题未解决",
                 "危房改造未按期完成", "驻村工作队在岗率不足", "扶贫资金拨付滞后", "易地搬迁后续扶持不到位"]
        battle_findings = []
        for i in range(BATTLE_CLOSED + 4):
            round_day = D(2019, 3, 1) + dt.timedelta(days=(i % BATTLE_ROUNDS) * 16)
            deadline = round_day + dt.timedelta(days=rng.randint(30, 90))
            if i < BATTLE_CLOSED:
                closed = min(round_day + dt.timedelta(days=rng.randint(10, 110)), D(2020, 12, 31))
            else:  # the last few were closed only after the campaign
                closed = D(2021, 1, 5) + dt.timedelta(days=rng.randrange(40))
            org = rng.choice(poor)
            battle_findings.append(rec.finding(FindingSource.BATTLE, round_day, org.id, rng.choice(texts), deadline,
                                               closed, round_id=rounds[i % BATTLE_ROUNDS]))
        members = [p for o in poor for p in o.members if p.end is None]
        rng.shuffle(members)
        deciders = [c for c in self.counties if c.county in self.place.poor] + [self.city]
        for i, person in enumerate(members[:ACCOUNTABLE]):
            day = day_in(rng, D(2018, 1, 1), D(2020, 12, 20))
            rec.accountability.add((rec.accountability.new_id(), person.id, rng.choice(deciders).id, day,
                                    rng.choice(list(AccountabilityMode)), battle_findings[i], "demo", rec.now))
            if i < 2:  # held accountable twice: still one person
                rec.accountability.add((rec.accountability.new_id(), person.id, rng.choice(deciders).id,
                                        day + dt.timedelta(days=5), AccountabilityMode.CRITICISM, None, "demo", rec.now))

    # -- 警示教育 -----------------------------------------------------------------------------------------------
    def warning_education(self) -> None:
        rng, rec = self.rng, self.rec
        hosts = self.tagged("city_gov", "county_gov", "township_gov", "city_soe", "soe_branch", "school", "hospital",
                            "city_hospital", "township", "county")
        topics = ["以案促改警示教育大会", "观看警示教育片", "参观廉政教育基地", "典型案例通报学习", "廉政党课暨警示教育"]
        for _ in range(WARNING_SESSIONS):
            rec.activity(ActivityRole.WARNING_EDUCATION, rng.choice(hosts).id, day_in(rng, *Y), rng.choice(topics),
                         audience=rng.randint(15, 300))

    # -- 报表目录 -------------------------------------------------------------------------------------------------
    def report_forms(self) -> None:
        rng = self.rng
        subjects = ["党员信息统计表", "三会一课落实情况月报表", "主题党日开展情况统计表", "发展党员情况季报表",
                    "党费收缴情况月报表", "党组织换届情况统计表", "软弱涣散党组织整顿进展表", "驻村工作队在岗情况周报表",
                    "第一书记履职情况月报表", "两新组织党建工作统计表", "党建指导员选派情况表", "读书班参训情况统计表",
                    "领导干部轮训台账", "宣讲活动开展情况统计表", "我为群众办实事项目台账", "问题整改进度周报表",
                    "警示教育开展情况统计表", "基层党组织书记信息表", "党员教育培训学时统计表", "流动党员情况统计表"]
        owners = [self.city] + self.counties
        before = []
        for i in range(FORMS_IN_USE_BEFORE):
            owner = owners[i % len(owners)]
            name = f"{subjects[i % len(subjects)]}（{'市级' if owner is self.city else owner.name[2:]}）"
            before.append((name, owner, day_in(rng, D(2015, 1, 1), D(2019, 12, 31))))
        retire = FORMS_IN_USE_BEFORE - FORMS_IN_USE_AFTER
        reasons = [RetireReason.GENERATED] * 50 + [RetireReason.MERGED] * 18 + [RetireReason.CANCELLED] * 10
        for i, (name, owner, enabled) in enumerate(before):
            retired, reason = (None, "")
            if i < retire:
                retired, reason = day_in(rng, D(2020, 2, 10), D(2020, 12, 31)), reasons[i % len(reasons)]
            self.form(name, owner, enabled, retired, reason)
        for i in range(12):  # retired before the campaign started
            self.form(f"{subjects[i]}（旧版）", self.city, D(2014, 3, 1), day_in(rng, D(2018, 1, 1), D(2019, 12, 31)),
                      RetireReason.MERGED)
        for i in range(3):  # new forms of 2021
            self.form(f"党史学习教育开展情况统计表（第{i + 1}类）", self.city, D(2021, 3, 1), None, "")

    def form(self, name, owner, enabled, retired, reason) -> None:
        rec = self.rec
        pk = rec.forms.new_id()
        rec.forms.add((pk, f"DEMO-BB{pk:05d}", name, owner.id, enabled, retired, reason, "demo", rec.now))
