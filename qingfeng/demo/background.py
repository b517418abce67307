"""Background records that make the demo city look lived-in: organizational life of every branch with a
realistic share missed, committee meetings, lectures, supervision findings in every state, 办实事 in
every district, discipline cases across all four forms, elections with some overdue.

Nothing here touches the indicators of the article's rows in their periods (see figures.py): no 读书班,
专题轮训, 领导小组会议 or 督战 in those periods, no 督战 findings, no accountability in the campaign years,
no assignments, lecture teams, two-new entities or report forms at all."""

from __future__ import annotations

import datetime as dt
import random

from qingfeng.activities.models import ActivityRole, Channel
from qingfeng.core.dates import add_months, add_years
from qingfeng.demo.figures import WARNING_SESSIONS, Y, day_in
from qingfeng.demo.people import DATA_END, PeopleBuilder
from qingfeng.demo.records import Recorder
from qingfeng.demo.tree import OrgRec, TreeBuilder
from qingfeng.orgs.models import Kind
from qingfeng.people.models import CadreLevel
from qingfeng.service.models import ServiceCategory
from qingfeng.supervision.models import AccountabilityMode, FindingSource

D = dt.date
START = D(2020, 1, 1)
TOPICS = {
    ActivityRole.THEME_DAY: ["学习贯彻党的十九届五中全会精神", "重温入党誓词", "志愿服务进社区", "疫情防控党员先锋行动", "学党史、守初心",
             "垃圾分类宣传", "走访慰问困难群众", "清洁家园志愿活动", "讲述身边党员故事", "学习《民法典》"],
    ActivityRole.BRANCH_COMMITTEE: ["研究发展党员工作", "研究本月组织生活安排", "讨论党费收缴情况", "研究困难党员帮扶", "研究主题党日方案"],
    ActivityRole.BRANCH_ASSEMBLY: ["传达学习上级会议精神", "讨论接收预备党员", "民主评议党员", "通报支部工作", "讨论预备党员转正"],
    ActivityRole.PARTY_LECTURE: ["书记讲党课：践行初心使命", "党史专题党课", "廉洁自律专题党课", "新时代党员的责任与担当"],
    ActivityRole.LIFE_MEETING: ["年度组织生活会暨民主评议党员"],
    ActivityRole.FIRST_TOPIC: ["学习习近平总书记重要讲话精神并研究贯彻落实措施", "研究部署重点工作", "研究干部队伍建设",
                   "研究意识形态工作", "研究党风廉政建设工作"],
    ActivityRole.CENTRAL_GROUP: ["专题学习习近平新时代中国特色社会主义思想", "党史专题学习", "学习全国两会精神"],
}
SERVICE_ITEMS = {
    ServiceCategory.LIVELIHOOD: ["老旧小区加装电梯", "社区助餐点建设", "困难群众冬季供暖补助", "便民服务窗口延时服务"],
    ServiceCategory.GOVERNANCE: ["网格化管理全覆盖", "物业纠纷调解", "小区停车难治理", "矛盾纠纷多元化解"],
    ServiceCategory.ENVIRONMENT: ["背街小巷环境整治", "河道垃圾清理", "村庄人居环境整治", "老旧管网改造"],
    ServiceCategory.ELDERLY: ["空巢老人定期探访", "老年人智能手机培训", "社区日间照料中心运营", "高龄老人健康体检"],
    ServiceCategory.FARMERS: ["农产品产销对接", "农机具维修下乡", "特色种植技术培训", "农村饮水安全巩固提升"],
    ServiceCategory.OTHER: ["青少年暑期托管", "法律援助进社区", "就业技能培训"],
}
# The three the article names, in our own words: (county code, name, category, beneficiaries)
NAMED_SERVICES = [
    ("140122", "春风送农技送农资：组织农技人员下乡指导春耕、配送化肥种子", ServiceCategory.FARMERS, 12600),
    ("140110", "高速公路沿线环境卫生\u201c脏乱差\u201d集中整治", ServiceCategory.ENVIRONMENT, 8300),
    ("140109", "为离退休老干部办实事\u201c六个一\u201d：上门服务卡、专人联络、意外保险、健康管理签约、活动阵地、居家关怀",
     ServiceCategory.ELDERLY, 2150),
]


def windows(cadence: str, start: dt.date = START):
    """(first, last) days of every month / quarter / year from `start` to DATA_END."""
    step = {"month": 1, "quarter": 3, "year": 12}[cadence]
    first = start
    while first <= DATA_END:
        last = add_months(first, step) - dt.timedelta(days=1)
        yield first, min(last, DATA_END)
        first = add_months(first, step)


class Background:
    def __init__(self, rng: random.Random, rec: Recorder, tree: TreeBuilder, people: PeopleBuilder, progress=None):
        self.rng = rng
        self.rec = rec
        self.tree = tree
        self.people = people
        self.progress = progress

    def build(self) -> None:
        self.organizational_life()
        self.committees()
        self.lectures_and_warnings()
        self.supervision()
        self.services()
        self.discipline()
        self.elections()

    # -- 三会一课 and 主题党日 -----------------------------------------------------------------------------------
    def organizational_life(self) -> None:
        rng, rec = self.rng, self.rec
        branches = [o for o in self.tree.orgs if o.kind in (Kind.BRANCH, Kind.JOINT_BRANCH)]
        plan = [(name, cadence, list(windows(cadence, self.tree.scale.life_start))) for name, cadence in
                ((ActivityRole.THEME_DAY, "month"), (ActivityRole.BRANCH_COMMITTEE, "month"),
                 (ActivityRole.BRANCH_ASSEMBLY, "quarter"), (ActivityRole.PARTY_LECTURE, "quarter"),
                 (ActivityRole.LIFE_MEETING, "year"))]
        step = max(1, len(branches) // 50)
        for n, org in enumerate(branches):
            roll = rng.random()
            reliability = rng.uniform(0.9, 1.0) if roll < 0.85 else rng.uniform(0.6, 0.85) if roll < 0.97 else \
                rng.uniform(0.2, 0.5)
            members = list(self.people.member_list(org))
            full = sum(1 for p, start, _end in members if p.full_from and p.full_from <= START and (start or START) <= START)
            committee = [p.id for p, _s, end in members if end is None and p.full_from][:5]
            roster = [(p.id, start, end) for p, start, end in members]
            seats: list[tuple] = []
            random_ = rng.random
            for role, _cadence, spans in plan:
                if role == ActivityRole.BRANCH_COMMITTEE and full < 7:
                    continue
                for first, last in spans:
                    if role == ActivityRole.LIFE_MEETING:
                        if first.year != 2020:  # held in the fourth quarter; 2021's is after the data ends
                            continue
                        first = D(2020, 11, 15)
                    if org.established and org.established > first:
                        first = org.established
                    if first > last or rng.random() > reliability:
                        continue
                    day = day_in(rng, first, last)
                    channel = Channel.ONLINE if (D(2020, 2, 1) <= day <= D(2020, 3, 31) and rng.random() < 0.6) else \
                        Channel.BOTH if rng.random() < 0.08 else Channel.OFFLINE
                    pk = rec.activity(role, org.id, day, rng.choice(TOPICS[role]), channel=channel)
                    if role == ActivityRole.BRANCH_COMMITTEE:
                        seats.extend((pk, pid, "出席") for pid in committee)
                        continue
                    for pid, start, end in roster:
                        if (start and start > day) or (end and end <= day):
                            continue
                        r = random_()
                        seats.append((pk, pid, "出席" if r < 0.88 else "请假" if r < 0.95 else "缺席"))
            rec.attendance.extend(seats)
            if self.progress and n % step == 0:
                self.progress.advance(step)

    def committees(self) -> None:
        rng, rec = self.rng, self.rec
        for org in self.tree.orgs:
            if org.kind not in (Kind.COMMITTEE, Kind.WORKING_COMMITTEE):
                continue
            study = org.tag in ("city", "county", "township")
            for first, last in windows("month"):
                if rng.random() < 0.93:
                    rec.activity(ActivityRole.FIRST_TOPIC, org.id, day_in(rng, first, last), rng.choice(TOPICS[ActivityRole.FIRST_TOPIC]),
                                 first_topic=rng.random() < 0.92)
                if study and rng.random() < 0.9:
                    rec.activity(ActivityRole.CENTRAL_GROUP, org.id, day_in(rng, first, last),
                                 rng.choice(TOPICS[ActivityRole.CENTRAL_GROUP]))

    def lectures_and_warnings(self) -> None:
        rng, rec = self.rng, self.rec
        branches = [o for o in self.tree.orgs if o.is_branch]
        for org in branches:
            if rng.random() < 0.2:
                for _ in range(rng.randint(1, 3)):
                    rec.activity(ActivityRole.LECTURE, org.id, day_in(rng, START, DATA_END),
                                 rng.choice(["政策宣讲进小区", "身边榜样故事会", "理论微宣讲"]),
                                 channel=rng.choice([Channel.OFFLINE, Channel.ONLINE]), audience=rng.randint(10, 150))
        # 警示教育 outside the article's year (inside it, figures.py holds the count).
        for _ in range(WARNING_SESSIONS // 6):
            day = day_in(rng, START, Y[0] - dt.timedelta(days=1)) if rng.random() < 0.7 else \
                day_in(rng, Y[1] + dt.timedelta(days=1), DATA_END)
            rec.activity(ActivityRole.WARNING_EDUCATION, rng.choice(branches).id, day, "警示教育专题学习", audience=rng.randint(10, 120))
        for day in (D(2020, 3, 20), D(2021, 6, 15), D(2021, 6, 22)):
            rec.activity(ActivityRole.READING_CLASS, self.tree.by_tag["city"][0].id, day, "青年干部理论读书班")

    # -- supervision rounds and findings -------------------------------------------------------------------------
    def supervision(self) -> None:
        rng, rec = self.rng, self.rec
        city = self.tree.by_tag["city"][0]
        counties = self.tree.by_tag["county"]
        rounds: dict[str, list[tuple[int, dt.date]]] = {FindingSource.INSPECTION: [], FindingSource.CIRCUIT: [],
                                                        FindingSource.POLITICAL: []}
        for county in counties:
            for i in range(rng.randint(4, 8)):
                day = day_in(rng, START, DATA_END)
                rounds[FindingSource.INSPECTION].append(
                    (rec.activity(ActivityRole.INSPECTION, county.id, day, f"基层党建工作督导检查第{i + 1}轮"), day))
        for i in range(6):
            day = D(2021, 4, 6) + dt.timedelta(days=i * 14)
            rounds[FindingSource.CIRCUIT].append((rec.activity(ActivityRole.CIRCUIT, city.id, day, f"党史学习教育巡回指导第{i + 1}轮"), day))
        for i, (day, topic) in enumerate([(D(2020, 3, 10), "疫情防控主体责任落实"), (D(2020, 9, 15), "优化营商环境"),
                                          (D(2021, 1, 12), "常态化疫情防控"), (D(2021, 4, 20), "粮食安全责任制落实")]):
            rounds[FindingSource.POLITICAL].append(
                (rec.activity(ActivityRole.POLITICAL, city.id, day, f"{topic}政治监督专项检查"), day))
            del i
        targets = [o for o in self.tree.orgs if o.is_branch or o.tag in ("township", "community_org", "village_org")]
        texts = ["三会一课记录不规范", "党费收缴不及时", "发展党员程序不规范", "主题党日内容形式化", "阵地建设不达标",
                 "党员教育管理松散", "整改台账不完整", "组织关系转接不及时", "意识形态责任制落实不到位", "民主评议走过场"]
        branches = sum(1 for o in self.tree.orgs if o.is_branch)
        count = max(60, branches // 5)
        sources = [FindingSource.INSPECTION] * 35 + [FindingSource.CIRCUIT] * 15 + [FindingSource.POLITICAL] * 15 + \
            [FindingSource.PATROL] * 20 + [FindingSource.AUDIT] * 5 + [FindingSource.PETITION] * 5 + [FindingSource.SELF] * 5
        closed_findings: list[tuple[int, OrgRec]] = []
        for _ in range(count):
            source = rng.choice(sources)
            round_id = None
            if source in rounds:
                round_id, found = rng.choice(rounds[source])
            else:
                found = day_in(rng, D(2020, 3, 1), D(2021, 6, 20))
            org = rng.choice(targets)
            deadline = found + dt.timedelta(days=rng.randint(30, 120))
            roll = rng.random()
            closed = submitted = returned = None
            if roll < 0.55:
                closed = min(found + dt.timedelta(days=rng.randint(5, max(5, (deadline - found).days))), DATA_END)
            elif roll < 0.7:
                late = deadline + dt.timedelta(days=rng.randint(1, 60))
                closed = late if late <= DATA_END else None
            elif roll < 0.78:
                submitted = min(found + dt.timedelta(days=rng.randint(5, 60)), DATA_END)
            elif roll < 0.82:
                returned = min(found + dt.timedelta(days=rng.randint(10, 40)), DATA_END)
            if closed and closed < found:
                closed = found
            pk = rec.finding(source, found, org.id, rng.choice(texts), deadline, closed, submitted=submitted,
                             returned=returned, round_id=round_id)
            if closed:
                closed_findings.append((pk, org))
        # Accountability after the campaign years only.
        used: set[tuple[int, dt.date]] = set()
        for pk, org in rng.sample(closed_findings, min(len(closed_findings), max(8, count // 20))):
            members = org.members or [p for p in self.people.people if p.member][:50]
            person = rng.choice(members)
            day = day_in(rng, D(2021, 1, 5), DATA_END)
            if (person.id, day) in used:
                continue
            used.add((person.id, day))
            rec.accountability.add((rec.accountability.new_id(), person.id, org.parent.id if org.parent else org.id, day,
                                    rng.choice(list(AccountabilityMode)), pk, "demo", rec.now))

    # -- 我为群众办实事 -------------------------------------------------------------------------------------------
    def services(self) -> None:
        rng = self.rng
        for county in self.tree.by_tag["county"]:
            local = [o for o in self.tree.orgs if o.county == county.county and
                     o.tag in ("county", "township", "community_org", "village_org")]
            count = max(5, sum(1 for o in local if o.tag in ("community_org", "village_org")) // 2)
            for _ in range(count):
                category = rng.choice(list(SERVICE_ITEMS))
                self.service(rng.choice(local), rng.choice(SERVICE_ITEMS[category]), category)
        for code, name, category, beneficiaries in NAMED_SERVICES:
            if code not in self.tree.by_code:
                continue  # the article's items are Taiyuan's; a second demo city has only the drawn ones
            county = self.tree.by_code[code]
            self.service(county, name, category, committed=D(2021, 3, 12), planned=D(2021, 6, 30),
                         completed=D(2021, 6, 18), beneficiaries=beneficiaries)
            townships = [o for o in self.tree.by_tag["township"] if o.county == code]
            for township in townships[:3]:
                self.service(township, name.split("：")[0], category)

    def service(self, org: OrgRec, name: str, category: str, committed=None, planned=None, completed="auto",
                beneficiaries=None) -> None:
        rng, rec = self.rng, self.rec
        committed = committed or day_in(rng, D(2021, 3, 1), D(2021, 6, 20))
        planned = planned or committed + dt.timedelta(days=rng.randint(30, 200))
        if completed == "auto":
            roll = rng.random()
            completed = None
            if roll < 0.5:
                completed = day_in(rng, committed + dt.timedelta(days=7), planned)
            elif roll < 0.6:
                completed = planned + dt.timedelta(days=rng.randint(1, 40))
            if completed and completed > DATA_END:
                completed = None
        beneficiaries = beneficiaries or rng.randint(20, 5000)
        pk = rec.services.new_id()
        rec.services.add((pk, f"DEMO-SS{pk:06d}", org.id, name, category, committed, planned, completed,
                          beneficiaries, "demo", rec.now, rec.now))

    # -- 纪检: cases, the four forms, recommendations ------------------------------------------------------------
    def discipline(self) -> None:
        rng, rec = self.rng, self.rec
        deciders = self.tree.by_tag["county"] + self.tree.by_tag["city"]
        members = [p for p in self.people.people if p.member and p.end is None]
        n_cases = max(20, len(members) // 700)
        cases = []
        used: set[tuple[int, dt.date, int]] = set()
        for _ in range(n_cases):
            person = rng.choice(members)
            org = rng.choice(deciders)
            filed = day_in(rng, START, DATA_END)
            level = person.cadre if person.cadre != CadreLevel.NONE else rng.choice([CadreLevel.NONE, CadreLevel.COUNTY])
            closed = filed + dt.timedelta(days=rng.randint(60, 300))
            pk = rec.cases.new_id()
            rec.cases.add((pk, f"DEMO-AJ{pk:06d}", person.id, level, org.id, filed, rng.random() < 0.08,
                           closed if closed <= DATA_END and rng.random() < 0.8 else None, "demo", rec.now))
            cases.append((pk, person, org, filed))
        measures = {1: ["谈话提醒", "批评教育", "责令检查", "诫勉"], 2: ["警告", "严重警告", "调整职务"],
                    3: ["撤销党内职务", "留党察看", "开除党籍"], 4: ["移送检察机关审查起诉"]}
        n_disp = n_cases * 3
        for i in range(n_disp):
            form = i + 1 if i < 4 else rng.choices([1, 2, 3, 4], [70, 23, 3.5, 3.5])[0]
            if form >= 2 and cases:
                case_id, person, org, filed = rng.choice(cases)
                day = filed + dt.timedelta(days=rng.randint(30, 200))
            else:
                case_id, person, org = None, rng.choice(members), rng.choice(deciders)
                day = day_in(rng, START, DATA_END)
            key = (person.id, day, form)
            if key in used:
                continue
            used.add(key)
            rec.dispositions.add((rec.dispositions.new_id(), person.id, org.id, day, form, rng.choice(measures[form]),
                                  case_id, "demo", rec.now))
        for _ in range(max(5, n_cases // 4)):
            pk = rec.recommendations.new_id()
            issued = day_in(rng, START, DATA_END)
            replied = issued + dt.timedelta(days=rng.randint(10, 60))
            rec.recommendations.add((pk, f"DEMO-JY{pk:05d}", rng.choice(deciders).id, issued,
                                     rng.choice(["区教育局", "县住建局", "市场监管所", "街道办事处", "市交通运输局"]),
                                     replied if replied <= DATA_END else None, "demo", rec.now))

    # -- elections below the township level ---------------------------------------------------------------------
    def elections(self) -> None:
        rng = self.rng
        for org in self.tree.orgs:
            if org.tag in ("community_org", "village_org"):
                self.elect(org, day_in(rng, D(2018, 1, 5), D(2018, 3, 31)), 3)
                if rng.random() < 0.97:  # the 2021 村(社区)两委 换届: all but a few done by spring
                    self.elect(org, day_in(rng, D(2021, 1, 5), D(2021, 3, 31)), 5)
            elif org.is_branch:
                if rng.random() < 0.7:
                    start = max(org.established or D(2017, 1, 1), D(2017, 1, 1))
                    self.elect_on_time(org, day_in(rng, start, max(start, D(2018, 12, 31))), 3)
            elif org.tag.endswith("_unit") or org.tag in ("organs", "education", "health", "soe", "twonew"):
                years = 5 if org.kind != Kind.GENERAL_BRANCH else 3
                self.elect_on_time(org, day_in(rng, D(2017, 1, 1), D(2020, 12, 31)), years)

    def elect_on_time(self, org: OrgRec, first: dt.date, years: int) -> None:
        """An election, and the next one when its term ran out before the data ends: most held within weeks of the
        term's end, as the 2020–21 cycle was; about one in thirty not yet held (the warnings a district follows up)."""
        rng = self.rng
        self.elect(org, first, years)
        due = add_years(first, years)
        # terms ending in the rest of the year were renewed with the cycle, before the records end
        if due <= D(DATA_END.year, 12, 31) and rng.random() < 0.97:
            self.elect(org, min(due + dt.timedelta(days=rng.randint(-30, 14)), DATA_END), years)

    def elect(self, org: OrgRec, day: dt.date, years: int) -> None:
        self.rec.election(org.id, day, years)
        if org.term is None or org.term[0] < day:
            org.term = (day, years)
