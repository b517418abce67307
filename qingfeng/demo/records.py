"""Row writers for the ground records, shared by the article's figures and the background.

Every row is marked entered_via="demo"; created_at is the generation time, except history rows
(finding status events) which carry the day they describe."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from qingfeng.activities.models import (
    Activity,
    ActivityType,
    Attendance,
    Channel,
    Lecturer,
    LectureTeam,
)
from qingfeng.burden.models import ReportForm
from qingfeng.core.models import Source
from qingfeng.demo.bulk import Table
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.economy.models import SupportItem
from qingfeng.education.models import DegreeStudy
from qingfeng.entities.models import CoverageChange, Entity
from qingfeng.grassroots.models import Assignment, WeakOrgCase
from qingfeng.honors.models import Commendation, Honoree
from qingfeng.orgs.models import Election, VillageTag
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Accountability, Finding, FindingEvent, FindingStatus, ProblemCategory

DEMO = Source.DEMO
SHANGHAI = ZoneInfo("Asia/Shanghai")

# 党史学习教育 ran from 2021-02-20: from that day an activity on party history is recorded under it, as a clerk
# would fill in its 专题.
CAMPAIGN = "党史学习教育"
CAMPAIGN_START = dt.date(2021, 2, 20)

# The 问题类别 the supervising officer gives each kind of finding the generator writes (empty: not classified).
FINDING_CATEGORIES = {
    "主题党日内容形式化": ProblemCategory.FORMALISM, "民主评议走过场": ProblemCategory.FORMALISM,
    "整改台账不完整": ProblemCategory.FORMALISM, "贫困户档案信息不准确": ProblemCategory.FORMALISM,
    "帮扶措施落实不到位": ProblemCategory.FORMALISM, "驻村工作队在岗率不足": ProblemCategory.FORMALISM,
    "意识形态责任制落实不到位": ProblemCategory.BUREAUCRATISM, "组织关系转接不及时": ProblemCategory.BUREAUCRATISM,
    "产业扶贫项目进度滞后": ProblemCategory.BUREAUCRATISM, "扶贫资金拨付滞后": ProblemCategory.BUREAUCRATISM,
    "饮水安全问题未解决": ProblemCategory.DISREGARD, "危房改造未按期完成": ProblemCategory.DISREGARD,
    "易地搬迁后续扶持不到位": ProblemCategory.DISREGARD,
    "三会一课记录不规范": ProblemCategory.OTHER, "党费收缴不及时": ProblemCategory.OTHER,
    "发展党员程序不规范": ProblemCategory.OTHER, "阵地建设不达标": ProblemCategory.OTHER,
}


def at_evening(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 30), tzinfo=SHANGHAI)


class Recorder:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.types = dict(ActivityType.objects.exclude(role="").values_list("role", "id"))  # by role: names are data
        self.teams = Table(LectureTeam, ["id", "code", "name", "org", "established_on", "dissolved_on"])
        self.activities = Table(Activity, ["id", "code", "type", "org", "date", "topic", "channel", "audience",
                                           "first_topic", "lecture_team", "minutes", "campaign", "entered_via",
                                           "created_by", "created_at", "updated_at"], parents=[self.teams])
        # Attendance rows are never referred to: the database numbers them.
        self.attendance = Table(Attendance, ["activity", "person", "presence"], batch=50000, parents=[self.activities])
        self.lecturers = Table(Lecturer, ["id", "team", "person", "joined_on", "left_on"], parents=[self.teams])
        self.assignments = Table(Assignment, ["id", "person", "role", "org", "sent_by", "team", "start_on", "end_on",
                                              "end_reason", "entered_via", "created_at"])
        self.weak = Table(WeakOrgCase, ["id", "org", "identified_on", "problems", "rectified_on", "entered_via",
                                        "created_at"])
        self.elections = Table(Election, ["id", "org", "held_on", "term_years", "created_at"])
        self.entities = Table(Entity, ["id", "credit_code", "name", "type", "org", "employees", "member_count",
                                       "coverage", "deregistered_on", "entered_via", "created_at"])
        self.coverage = Table(CoverageChange, ["id", "entity", "mode", "since", "created_at"], parents=[self.entities])
        self.findings = Table(Finding, ["id", "code", "source", "found_on", "org", "description", "category", "deadline",
                                        "closed_on", "status", "round", "entered_via", "created_at", "updated_at"],
                              parents=[self.activities])
        self.events = Table(FindingEvent, ["id", "finding", "at", "actor", "from_status", "to_status", "note"],
                            parents=[self.findings])
        self.accountability = Table(Accountability, ["id", "person", "org", "decided_on", "mode", "finding",
                                                     "entered_via", "created_at"], parents=[self.findings])
        self.services = Table(ServiceItem, ["id", "code", "org", "name", "category", "committed_on", "planned_on",
                                            "completed_on", "beneficiaries", "entered_via", "created_at", "updated_at"])
        self.forms = Table(ReportForm, ["id", "code", "name", "org", "enabled_on", "retired_on", "retire_reason",
                                        "entered_via", "created_at"])
        self.cases = Table(Case, ["id", "code", "person", "cadre_level", "org", "filed_on", "self_surrender",
                                  "closed_on", "entered_via", "created_at"])
        self.dispositions = Table(Disposition, ["id", "person", "org", "decided_on", "form", "measure", "case",
                                                "entered_via", "created_at"], parents=[self.cases])
        self.recommendations = Table(Recommendation, ["id", "code", "org", "issued_on", "recipient", "replied_on",
                                                      "entered_via", "created_at"])
        # The registers of the second round (demo.registers).
        self.village_tags = Table(VillageTag, ["id", "org", "tag"])
        self.commendations = Table(Commendation, ["id", "code", "name", "grantor", "grantor_level", "date",
                                                  "entered_via", "created_at", "updated_at"])
        self.honorees = Table(Honoree, ["id", "commendation", "kind", "collective_name", "person", "org", "entered_via",
                                        "created_at"], parents=[self.commendations])
        self.degree_studies = Table(DegreeStudy, ["id", "person", "org", "level", "enrolled_on", "graduated_on",
                                                  "entered_via", "created_at", "updated_at"])
        self.support_items = Table(SupportItem, ["id", "code", "org", "source", "amount", "paid_on", "purpose",
                                                 "entered_via", "created_at", "updated_at"])

    def tables(self) -> list[Table]:
        return [self.teams, self.activities, self.attendance, self.lecturers, self.assignments, self.weak,
                self.elections, self.entities, self.coverage, self.findings, self.events, self.accountability,
                self.services, self.forms, self.cases, self.dispositions, self.recommendations, self.village_tags,
                self.commendations, self.honorees, self.degree_studies, self.support_items]

    def close(self) -> dict[str, int]:
        return {t.model._meta.label_lower: t.close() for t in self.tables()}

    # -- one record each ------------------------------------------------------------------------------------
    def activity(self, role: str, org_id: int, day: dt.date, topic: str, *, channel: str = Channel.OFFLINE,
                 audience: int | None = None, first_topic: bool = False, team: int | None = None,
                 campaign: str | None = None) -> int:
        pk = self.activities.new_id()
        if campaign is None:
            campaign = CAMPAIGN if day >= CAMPAIGN_START and "党史" in topic else ""
        self.activities.add((pk, f"DEMO-HD{pk:09d}", self.types[role], org_id, day, topic, channel, audience,
                             first_topic, team, "", campaign, DEMO, None, self.now, self.now))
        return pk

    def attend(self, activity_id: int, person_id: int, presence: str = "出席") -> None:
        self.attendance.add((activity_id, person_id, presence))

    def assign(self, person_id: int, role: str, org_id: int, start: dt.date, *, end: dt.date | None = None,
               reason: str = "", sent_by: str = "", team: str = "") -> int:
        pk = self.assignments.new_id()
        self.assignments.add((pk, person_id, role, org_id, sent_by, team, start, end, reason, DEMO, self.now))
        return pk

    def weak_case(self, org_id: int, identified: dt.date, problems: str, rectified: dt.date | None) -> None:
        self.weak.add((self.weak.new_id(), org_id, identified, problems, rectified, DEMO, self.now))

    def election(self, org_id: int, held: dt.date, term_years: int) -> None:
        self.elections.add((self.elections.new_id(), org_id, held, term_years, self.now))

    def finding(self, source: str, found: dt.date, org_id: int, text: str, deadline: dt.date,
                closed: dt.date | None, *, submitted: dt.date | None = None, returned: dt.date | None = None,
                round_id: int | None = None, category: str | None = None) -> int:
        pk = self.findings.new_id()
        if category is None:
            category = FINDING_CATEGORIES.get(text, "")
        if closed:
            status = FindingStatus.CLOSED
        elif submitted:
            status = FindingStatus.SUBMITTED
        else:
            status = FindingStatus.RETURNED if returned else FindingStatus.RECTIFYING
        self.findings.add((pk, f"DEMO-WT{pk:08d}", source, found, org_id, text, category, deadline, closed, status,
                           round_id, DEMO, self.now, self.now))
        self.event(pk, found, "", FindingStatus.RECTIFYING, "交办整改")
        if returned:
            self.event(pk, returned - dt.timedelta(days=3), FindingStatus.RECTIFYING, FindingStatus.SUBMITTED, "提交整改材料")
            self.event(pk, returned, FindingStatus.SUBMITTED, FindingStatus.RETURNED, "整改不到位，退回重改")
        sub = submitted or (closed - dt.timedelta(days=2) if closed else None)
        if sub:
            prior = FindingStatus.RETURNED if returned else FindingStatus.RECTIFYING
            self.event(pk, max(sub, found), prior, FindingStatus.SUBMITTED, "提交整改材料")
        if closed:
            self.event(pk, closed, FindingStatus.SUBMITTED, FindingStatus.CLOSED, "核验通过，予以销号")
        return pk

    def event(self, finding_id: int, day: dt.date, from_status: str, to_status: str, note: str) -> None:
        self.events.add((self.events.new_id(), finding_id, at_evening(day), None, from_status, to_status, note))
