"""The import sheets of activities (spec/import-formats.md): 宣讲小分队, 宣讲员, 活动 and 参加人员."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.activities.actions import type_problems
from qingfeng.activities.models import ActivityType, Channel, Presence
from qingfeng.core.sheets import (
    CODE,
    DATE,
    END_NOTE,
    ENUM,
    FREE,
    ID,
    INT,
    NAME,
    TEXT,
    YES_NO,
    Col,
    Context,
    Problems,
    Row,
    Sheet,
    choices_of,
    register,
)

LECTURE_TEAMS = register(Sheet("宣讲小分队", order=50, model="activities.LectureTeam", key=("小分队编码",),
                               writers="study", date_rules=(("撤销日期", "成立日期", True),), columns=(
    Col("小分队编码", True, CODE, max_length=32, example="XJ-001", lookup="code"),
    Col("名称", True, FREE, max_length=100, example="红色文艺轻骑兵", lookup="name"),
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("成立日期", False, DATE, lookup="established_on"),
    Col("撤销日期", False, DATE, note=END_NOTE, lookup="dissolved_on"),
)))

# A lecturer need not be a party member: the rows carry their own 姓名.
LECTURERS = register(Sheet("宣讲员", order=60, model="activities.Lecturer", key=("小分队编码", "公民身份号码"),
                           writers="study", scope_path="team__org__path", names_people=True,
                           date_rules=(("退出日期", "加入日期", True),), columns=(
    Col("小分队编码", True, CODE, max_length=32, example="XJ-001", lookup="team__code", ref="宣讲小分队"),
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("加入日期", False, DATE, lookup="joined_on"),
    Col("退出日期", False, DATE, note=END_NOTE, lookup="left_on"),
)))


def activity_types(ctx: Context) -> dict[str, ActivityType]:
    """The activity types of the table, by name (once per import): a type added in the admin is importable."""
    return ctx.memo("activities.types", lambda: {t.name: t for t in ActivityType.objects.all()})


def verify_activity(ctx: Context, row: Row) -> Problems:
    type_ = activity_types(ctx).get(row["活动类型"])
    if type_ is None:
        return []
    errors = type_problems(ctx.user, type_, first_topic=bool(row["第一议题"]), lecture_team=bool(row["宣讲小分队编码"]))
    columns = {"type": "活动类型", "first_topic": "第一议题", "lecture_team": "宣讲小分队编码"}
    return [(columns[field], message) for field, messages in errors.items() for message in messages]


def campaign_problem(text: str) -> str | None:
    return _("专题不能含“/”。") if "/" in text else None


ACTIVITIES = register(Sheet("活动", order=70, model="activities.Activity", key=("活动编号",), writers="study",
                            lifetime=("组织编码", "日期"), verify=verify_activity, columns=(
    Col("活动编号", True, CODE, max_length=40, example="HD-2025-0001", lookup="code"),
    Col("活动类型", True, NAME, max_length=30, example="主题党日", lookup="type__name", table="activities.ActivityType",
        note="系统中的活动类型名称"),
    Col("组织编码", True, CODE, max_length=32, example="14010500199", lookup="org__code", org=True),
    Col("日期", True, DATE, example="2025-03-05", note="多日活动填第一天", lookup="date"),
    Col("主题", True, FREE, max_length=300, example="学习雷锋精神", lookup="topic"),
    Col("形式", False, ENUM, choices_of(Channel.values), note="空表示线下", lookup="channel", default=Channel.OFFLINE.value),
    Col("受众人数", False, INT, note="非负整数，用于宣讲和警示教育", lookup="audience"),
    Col("第一议题", False, ENUM, YES_NO, note="仅用于党委(党组)会议", lookup="first_topic", default=False),
    Col("宣讲小分队编码", False, CODE, max_length=32, note="仅用于宣讲", lookup="lecture_team__code", ref="宣讲小分队"),
    Col("专题", False, TEXT, max_length=50, example="党史学习教育", note="所属专题活动，空表示无；再次导入时空格不改变已有专题",
        lookup="campaign", keep_when_empty=True, validate=campaign_problem),
)))

# Attendance is the largest ledger (millions of rows a year in a city): created as plain tuples.
ATTENDANCE = register(Sheet("参加人员", order=80, model="activities.Attendance", key=("活动编号", "公民身份号码"),
                            writers="study", scope_path="activity__org__path", fast=True, columns=(
    Col("活动编号", True, CODE, max_length=40, example="HD-2025-0001", lookup="activity__code", ref="活动"),
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number", known_person=True),
    Col("出席情况", False, ENUM, choices_of(Presence.values), note="空表示出席", lookup="presence",
        default=Presence.PRESENT.value),
)))
