"""The indicator catalogue of spec/indicators.md: ids, names, kinds, filters, sections.

Only the catalogue lives here; values are computed by engine.py (facts) and direct.py (raw records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop as N

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
    _i("orgs.total", N("党组织总数"), "snapshot", "orgs", {"kind": KINDS, "sector": SECTORS, "level": LEVELS}),
    _i("orgs.branches", N("党支部数"), "snapshot", "orgs", {"sector": SECTORS}),
    _i("members.total", N("党员总数"), "snapshot", "orgs", {"category": CATEGORIES, "cadre_level": CADRE_LEVELS}),
    _i("members.recruited", N("发展党员数"), "flow", "orgs"),
    _i("members.transferred_in", N("转入党员数"), "flow", "orgs"),
    _i("activities.count", N("活动次数"), "flow", "orgs", {"type": None, "channel": CHANNELS_ALL}),
    _i("coverage.nonpublic", N("非公有制企业党的工作覆盖率"), "rate", "coverage"),
    _i("coverage.nonpublic_org", N("非公有制企业党组织覆盖率"), "rate", "coverage"),
    _i("coverage.social", N("社会组织党的工作覆盖率"), "rate", "coverage"),
    _i("coverage.social_org", N("社会组织党组织覆盖率"), "rate", "coverage"),
    _i("study.first_topic_rate", N("“第一议题”落实率"), "rate", "study"),
    _i("study.reading_classes", N("读书班期数"), "flow", "study"),
    _i("study.reading_class_trainees", N("读书班培训人数"), "flow", "study"),
    _i("training.rotation_trainees", N("专题轮训人数"), "flow", "study", {"cadre_level": CADRE_LEVELS}),
    _i("training.rotation_coverage", N("领导干部轮训覆盖率"), "rate", "study", {"cadre_level": CADRE_LEVELS},
       defaults={"cadre_level": (CadreLevel.CITY.value,)}),
    _i("lecture.teams", N("宣讲小分队数"), "snapshot", "lecture"),
    _i("lecture.lecturers", N("宣讲员人数"), "snapshot", "lecture"),
    _i("lecture.events", N("宣讲场次"), "flow", "lecture", {"channel": CHANNELS}),
    _i("lecture.audience", N("宣讲受众人次"), "flow", "lecture", {"channel": CHANNELS}),
    _i("orglife.compliance", N("三会一课落实率"), "rate", "orglife", {"requirement": None}),
    _i("orglife.theme_day_compliance", N("主题党日落实率"), "rate", "orglife"),
    _i("orglife.missing", N("应开未开次数"), "flow", "orglife", {"requirement": None}),
    _i("grassroots.weak_identified", N("软弱涣散党组织认定数"), "flow", "grassroots", {"sector": SECTORS}),
    _i("grassroots.weak_rectified", N("软弱涣散党组织整顿完成数"), "flow", "grassroots", {"sector": SECTORS}),
    _i("grassroots.elections", N("完成换届党组织数"), "flow", "grassroots", {"level": LEVELS}),
    _i("grassroots.elections_overdue", N("应换届未换届党组织数"), "snapshot", "grassroots"),
    _i("grassroots.dispatched", N("选派(下派)干部人数"), "flow", "grassroots",
       {"role": ROLES, "sector": SECTORS, "level": LEVELS}),
    _i("grassroots.stationed", N("在岗驻村(社区)力量人数"), "snapshot", "grassroots", {"role": ROLES}),
    _i("grassroots.adjusted", N("调整驻村干部人数"), "flow", "grassroots", {"role": ROLES}),
    _i("grassroots.dispatch_teams", N("派出队伍数"), "flow", "grassroots", {"role": ROLES}),
    _i("supervision.rounds", N("督导(督战)轮次"), "flow", "supervision", {"type": None}),
    _i("rectify.found", N("发现问题数"), "flow", "supervision", {"source": SOURCES}),
    _i("rectify.closed", N("整改销号数"), "flow", "supervision", {"source": SOURCES}),
    _i("rectify.on_time_rate", N("按期整改率"), "rate", "supervision", {"source": SOURCES}),
    _i("rectify.overdue", N("逾期未整改数"), "snapshot", "supervision", {"source": SOURCES}),
    _i("accountability.persons", N("问责人数"), "flow", "supervision"),
    _i("service.items", N("办实事事项数"), "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.completed", N("办结事项数"), "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.completion_rate", N("按期办结率"), "rate", "service", {"category": SERVICE_CATEGORIES}),
    _i("service.beneficiaries", N("受益群众人数"), "flow", "service", {"category": SERVICE_CATEGORIES}),
    _i("discipline.cases_filed", N("立案数"), "flow", "discipline", {"cadre_level": CADRE_LEVELS}, True),
    _i("discipline.self_surrender", N("主动投案人数"), "flow", "discipline", restricted=True),
    _i("discipline.four_forms", N("运用“四种形态”处理人次"), "flow", "discipline", {"form": FORMS}, True),
    _i("discipline.recommendations", N("纪检监察建议书数"), "flow", "discipline", restricted=True),
    _i("discipline.warning_sessions", N("警示教育场次"), "flow", "discipline", restricted=True),
    _i("discipline.warning_audience", N("警示教育受教育人次"), "flow", "discipline", restricted=True),
    _i("burden.forms_active", N("在用报表数"), "snapshot", "burden"),
    _i("burden.forms_reduction", N("报表精简率"), "rate", "burden"),
    _i("burden.entries", N("基层填报条数"), "flow", "burden"),
    _i("burden.forms_answered", N("系统生成报表份数"), "flow", "burden"),
]


def _lifecycle() -> list[Indicator]:
    """The member lifecycle's indicators (docs/indicators-lifecycle.md), defined beside their records."""
    from qingfeng.membership.indicators import INDICATORS

    return [_i(id, name, kind, "orgs", filters) for id, name, kind, filters in INDICATORS]


_ALL += _lifecycle()
LIFECYCLE_IDS = frozenset(i.id for i in _lifecycle())

REGISTRY: dict[str, Indicator] = {ind.id: ind for ind in _ALL}
