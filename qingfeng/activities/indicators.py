"""Indicators of activities: counts, study, lectures and organizational life (spec/indicators.md), declared with
qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.activities.models import ActivityType, Channel, Requirement
from qingfeng.core.indicators import Indicator, register
from qingfeng.people.models import CadreLevel

CHANNELS_ALL = tuple(Channel.values)
CHANNELS = (Channel.OFFLINE.value, Channel.ONLINE.value)
CADRE_LEVELS = tuple(CadreLevel.values)


def type_names() -> tuple[str, ...]:
    """The activity types (data a 系统管理员 edits): the values of the `type` filter."""
    return tuple(ActivityType.objects.order_by("sort", "id").values_list("name", flat=True))


def supervision_type_names() -> tuple[str, ...]:
    return tuple(ActivityType.objects.filter(is_supervision=True).order_by("sort", "id").values_list("name", flat=True))


def requirement_names() -> tuple[str, ...]:
    return tuple(Requirement.objects.order_by("activity_type__sort").values_list("activity_type__name", flat=True))


register(
    Indicator("activities.count", N("活动次数"), "flow", "orgs", {"type": type_names, "channel": CHANNELS_ALL}),
    Indicator("study.first_topic_rate", N("“第一议题”落实率"), "rate", "study"),
    Indicator("study.reading_classes", N("读书班期数"), "flow", "study"),
    Indicator("study.reading_class_trainees", N("读书班培训人数"), "flow", "study"),
    Indicator("training.rotation_trainees", N("专题轮训人数"), "flow", "study", {"cadre_level": CADRE_LEVELS}),
    Indicator("training.rotation_coverage", N("领导干部轮训覆盖率"), "rate", "study", {"cadre_level": CADRE_LEVELS},
              defaults={"cadre_level": (CadreLevel.CITY.value,)}),
    Indicator("lecture.teams", N("宣讲小分队数"), "snapshot", "lecture"),
    Indicator("lecture.lecturers", N("宣讲员人数"), "snapshot", "lecture"),
    Indicator("lecture.events", N("宣讲场次"), "flow", "lecture", {"channel": CHANNELS}),
    Indicator("lecture.audience", N("宣讲受众人次"), "flow", "lecture", {"channel": CHANNELS}),
    Indicator("orglife.compliance", N("三会一课落实率"), "rate", "orglife", {"requirement": requirement_names}),
    Indicator("orglife.theme_day_compliance", N("主题党日落实率"), "rate", "orglife"),
    Indicator("orglife.missing", N("应开未开次数"), "flow", "orglife", {"requirement": requirement_names}),
    Indicator("supervision.rounds", N("督导(督战)轮次"), "flow", "supervision", {"type": supervision_type_names}),
)
