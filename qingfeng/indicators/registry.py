"""The indicator catalogue of spec/indicators.md: ids, names, kinds, filters, sections.

Only the catalogue lives here; values are computed by engine.py (facts) and direct.py (raw records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qingfeng.activities.models import Channel
from qingfeng.grassroots.models import Role
from qingfeng.orgs.models import Kind, Level, Sector
from qingfeng.people.models import CadreLevel, Category
from qingfeng.service.models import ServiceCategory
from qingfeng.supervision.models import FindingSource

SECTIONS = ("orgs", "coverage", "study", "lecture", "orglife", "grassroots", "supervision", "service", "discipline",
            "burden")

KINDS = tuple(Kind.values)
SECTORS = tuple(Sector.values)
LEVELS = tuple(Level.values)
CATEGORIES = tuple(Category.values)
CADRE_LEVELS = tuple(CadreLevel.values)
CHANNELS_ALL = tuple(Channel.values)
CHANNELS = (Channel.OFFLINE.value, Channel.ONLINE.value)
ROLES = tuple(Role.values)
SOURCES = tuple(FindingSource.values)
SERVICE_CATEGORIES = tuple(ServiceCategory.values)
FORMS = ("1", "2", "3", "4")

# Filters whose values are data (activity types, requirements): validated against the database.
DATA_FILTERS = {"type", "requirement"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # Chinese, as in the spec
    kind: str  # "snapshot" | "flow" | "rate"
    section: str
    filters: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    restricted: bool = False
    # Filter values used when the key gives none (training.rotation_coverage: 市管).
    defaults: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"


def _i(id, name, kind, section, filters=None, restricted=False, defaults=None) -> Indicator:
    return Indicator(id=id, name=name, kind=kind, section=section, filters=filters or {}, restricted=restricted,
                     defaults=defaults or {})


_ALL = [
    _i("orgs.total", "党组织总数", "snapshot", "orgs", {"kind": KINDS, "sector": SECTORS, "level": LEVELS}),
    _i("orgs.branches", "党支部数", "snapshot", "orgs", {"sector": SECTORS}),
    _i("members.total", "党员总数", "snapshot", "orgs", {"category": CATEGORIES, "cadre_level": CADRE_LEVELS}),
    _i("members.recruited", "发展党员数", "flow", "orgs"),
    _i("members.transferred_in", "转入党员数", "flow", "orgs"),
    _i("activities.count", "活动次数", "flow", "orgs", {"type": None, "channel": CHANNELS_ALL}),
    _i("coverage.nonpublic", "非公有制企业党的工作覆盖率", "rate", "coverage"),
    _i("coverage.nonpublic_org", "非公有制企业党组织覆盖率", "rate", "coverage"),
    _i("coverage.social", "社会组织党的工作覆盖率", "rate", "coverage"),
    _i("coverage.social_org", "社会组织党组织覆盖率", "rate", "coverage"),
    _i("study.first_topic_rate", "“第一议题”落实率", "rate", "study"),
    _i("study.reading_classes", "读书班期数", "flow", "study"),
    _i("study.reading_class_trainees", "读书班培训人数", "flow", "study"),
    _i("training.rotation_trainees", "专题轮训人数", "flow", "study", {"cadre_level": CADRE_LEVELS}),
    _i("training.rotation_coverage", "领导干部轮训覆盖率", "rate", "study", {"cadre_level": CADRE_LEVELS},
       defaults={"cadre_level": (CadreLevel.CITY.value,)}),
    _i("lecture.teams", "宣讲小分队数", "snapshot", "lecture"),
    _i("lecture.lecturers", "宣讲员人数", "snapshot", "lecture"),
    _i("lecture.events", "宣讲场次", "flow", "lecture", {"channel": CHANNELS}),
    _i("lecture.audience", "宣讲受众人次", "flow", "lecture", {"channel": CHANNELS}),
    _i("orglife.compliance", "三会一课落实率", "rate", "orglife", {"requirement": None}),
    _i("orglife.theme_day_compliance", "主题党日落实率", "rate", "orglife"),
    _i("orglife.missing", "应开未开次数", "flow", "orglife", {"requirement": None}),
    _i("grassroots.weak_identified", "软弱涣散党组织认定数", "flow", "grassroots", {"sector": SECTORS}),
    _i("grassroots.weak_rectified", "软弱涣散党组织整顿完成数", "flow", "grassroots", {"sector": SECTORS}),
    _i("grassroots.elections", "完成换届党组织数", "flow", "grassroots", {"level": LEVELS}),
    _i("grassroots.elections_overdue", "应换届未换届党组织数", "snapshot", "grassroots"),
    _i("grassroots.dispatched", "选派(下派)干部人数", "flow", "grassroots",
       {"role": ROLES, "sector": SECTORS, "level": LEVELS}),
    _i("grassroots.stationed", "在岗驻村(社区)力量人数", "snapshot", "grassroots", {"role": ROLES}),
    _i("grassroots.adjusted", "调整驻村干部人数", "flow", "grassroots", {"role": ROLES}),
    _i("grassroots.dispatch_teams", "派出队伍数", "flow", "grassroots", {"role": ROLES}),
    _i("supervision.rounds", "督导(督战)轮次", "flow", "supervision", {"type": None}),
    _i("rectify.found", "发现问题数", "flow", "supervision", {"source": SOURCES}),
    _i("rectify.closed", "整改销号数", "flow", "supervision", {"source": SOURCES}),
    _i("rectify.on_time_rate", "按期整改率", "rate", "supervision", {"source": SOURCES}),
    _i("rectify.overdue", "逾期未整改数", "snapshot", "supervision", {"source": SOURCES}),
    _i("accountability.persons", "问责人数", "flow", "supervision"),
    _i("service.items", "办实事事项数", "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.completed", "办结事项数", "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.completion_rate", "按期办结率", "rate", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.beneficiaries", "受益群众人数", "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("discipline.cases_filed", "立案数", "flow", "discipline", {"cadre_level": CADRE_LEVELS}, True),
    _i("discipline.self_surrender", "主动投案人数", "flow", "discipline", restricted=True),
    _i("discipline.four_forms", "运用“四种形态”处理人次", "flow", "discipline", {"form": FORMS}, True),
    _i("discipline.recommendations", "纪检监察建议书数", "flow", "discipline", restricted=True),
    _i("discipline.warning_sessions", "警示教育场次", "flow", "discipline", restricted=True),
    _i("discipline.warning_audience", "警示教育受教育人次", "flow", "discipline", restricted=True),
    _i("burden.forms_active", "在用报表数", "snapshot", "burden"),
    _i("burden.forms_reduction", "报表精简率", "rate", "burden"),
    _i("burden.entries", "基层填报条数", "flow", "burden"),
]

REGISTRY: dict[str, Indicator] = {ind.id: ind for ind in _ALL}
