"""The import sheets of activities (spec/import-formats.md): 宣讲小分队, 宣讲员, 活动 and 参加人员."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.activities.actions import group_problems, type_problems
from qingfeng.activities.models import Activity, ActivityRole, ActivityType, Channel, Presence
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
    chunks,
    register,
)
from qingfeng.orgs.models import PartyGroup

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
    problems = [(columns[field], message) for field, messages in errors.items() for message in messages]
    return problems + list(group_problems_of(ctx, type_, row))


# ---- 党小组: the group that held a 党小组会, named by its name among the row's organization's groups ----------

def _groups_named(ctx: Context) -> dict[tuple[str, str], list[PartyGroup]]:
    """The 党小组 the file's 活动 rows name, by (组织编码, name): one query per 5,000 organizations, once per import."""
    def load() -> dict[tuple[str, str], list[PartyGroup]]:
        plan = ctx.plans[ACTIVITIES.name]
        ix = ACTIVITIES.index
        named = {(v[ix["组织编码"]], v[ix["党小组"]]) for _n, v in plan.rows if v[ix["党小组"]]}
        found: dict[tuple[str, str], list[PartyGroup]] = {}
        for chunk in chunks(sorted({code for code, _name in named})):
            for group in PartyGroup.objects.filter(org__code__in=chunk, name__in={n for c, n in named if c in chunk}
                                                   ).select_related("org").order_by("-established_on", "-pk"):
                found.setdefault((group.org.code, group.name), []).append(group)
        return found

    return ctx.memo("activities.groups", load)


def _stored_groups(ctx: Context) -> dict[str, PartyGroup]:
    """The 党小组 stored on the file's activities that are in the user's subtree, by 活动编号: a row that leaves the
    column empty (or has none) keeps it, so it is checked against the row's type, organization and date."""
    def load() -> dict[str, PartyGroup]:
        plan = ctx.plans[ACTIVITIES.name]
        codes = sorted({v[ACTIVITIES.index["活动编号"]] for _n, v in plan.rows})
        stored: dict[str, PartyGroup] = {}
        for chunk in chunks(codes):
            for activity in Activity.objects.filter(code__in=chunk, party_group__isnull=False).select_related(
                    "org", "party_group__org"):
                if ctx.in_scope(activity.org.path) and activity.party_group is not None:
                    stored[activity.code] = activity.party_group
        return stored

    return ctx.memo("activities.stored_groups", load)


def group_problems_of(ctx: Context, type_: ActivityType, row: Row) -> Problems:
    """The page's rule for a 党小组会 (activities.actions.group_problems): the group that met is one of the row's
    organization's groups, existing on the meeting's day, and only a 党小组会 records one. The cell's name becomes the
    group's key, which the generic write stores; an empty cell keeps the stored group of a 党小组会 (checked against
    the row's day as the page checks it) and clears it when the activity is no longer its organization's 党小组会,
    as the page's edit does."""
    name, code, day = row["党小组"], row["组织编码"], row["日期"]
    if not name:
        stored = _stored_groups(ctx).get(row["活动编号"])
        if stored is None:
            return []
        if type_.role == ActivityRole.PARTY_GROUP and stored.org.code == code:
            row["党小组"] = stored.pk
            return [("党小组", m) for ms in group_problems(stored.org, type_, stored, day).values() for m in ms]
        if "党小组" not in ctx.plans[ACTIVITIES.name].present:  # the stored group cannot stay, nor go unsaid
            return [("党小组", _("该活动记录了党小组“%(name)s”；改为其他类型或其他组织时，请加上“党小组”列并留空") % {
                "name": stored.name})]
        return []  # another type, or another organization: the empty cell clears the group
    groups = _groups_named(ctx).get((code, name))
    if not groups:
        return [("党小组", _("“%(name)s”不是组织“%(code)s”的党小组") % {"name": name, "code": code})]
    group = next((g for g in groups if g.existed_on(day)), groups[0])
    row["党小组"] = group.pk
    return [("党小组", m) for ms in group_problems(group.org, type_, group, day).values() for m in ms]


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
    # Named by its name within the row's organization; verify_activity puts the group's key in its place.
    Col("党小组", False, FREE, max_length=50, lookup="party_group_id", export="party_group__name", synonyms=("党小组名称",),
        note="仅用于党小组会：开会的党小组名称，须是本组织在活动日期存在的党小组；空格不改变党小组会已有的党小组"),
)))

# Attendance is the largest ledger (millions of rows a year in a city): created as plain tuples.
ATTENDANCE = register(Sheet("参加人员", order=80, model="activities.Attendance", key=("活动编号", "公民身份号码"),
                            writers="study", scope_path="activity__org__path", fast=True, columns=(
    Col("活动编号", True, CODE, max_length=40, example="HD-2025-0001", lookup="activity__code", ref="活动"),
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number", known_person=True),
    Col("出席情况", False, ENUM, choices_of(Presence.values), note="空表示出席", lookup="presence",
        default=Presence.PRESENT.value),
)))
