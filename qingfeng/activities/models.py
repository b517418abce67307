"""Activities (活动) with attendance, the activity types and requirements as data, and lecture teams."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization, PartyGroup
from qingfeng.people.models import Person


class Cadence(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class ActivityRole(models.TextChoices):
    """What the platform's rules rely on, whatever a deployment calls the type (names are editable data):
    the 三会一课 kinds and 主题党日, the meeting that studies the 第一议题, the study, lecture and warning-
    education activities, and the supervision rounds. A type without a role is counted by
    `activities.count[type=…]` and listed everywhere, but no rule singles it out."""

    BRANCH_ASSEMBLY = "branch_assembly", _("支部党员大会")
    BRANCH_COMMITTEE = "branch_committee", _("支部委员会")
    PARTY_GROUP = "party_group", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    MEMBER_REVIEW = "member_review", _("民主评议党员")
    FIRST_TOPIC = "first_topic", _("党委(党组)会议（第一议题）")
    CENTRAL_GROUP = "central_group", _("理论学习中心组学习")
    READING_CLASS = "reading_class", _("读书班")
    ROTATION = "rotation", _("专题轮训")
    LECTURE = "lecture", _("宣讲")
    WARNING_EDUCATION = "warning_education", _("警示教育")
    INSPECTION = "inspection", _("督导检查")
    CIRCUIT = "circuit", _("巡回指导")
    BATTLE = "battle", _("督战")
    POLITICAL = "political", _("政治监督专项检查")
    LEADING_GROUP = "leading_group", _("领导小组会议")


class ActivityTypeQuerySet(models.QuerySet):
    def with_role(self, *roles: str) -> ActivityTypeQuerySet:
        return self.filter(role__in=roles)


_names_en: tuple[float, dict[str, str]] | None = None
NAMES_EN_SECONDS = 60  # an English name edited in the admin shows everywhere within a minute


def _english_names() -> dict[str, str]:
    """{name: English name} of every type, read at most once a minute (pages name types by the hundred)."""
    import time

    global _names_en
    now = time.monotonic()
    if _names_en is None or now - _names_en[0] > NAMES_EN_SECONDS:
        _names_en = (now, dict(ActivityType.objects.exclude(name_en="").values_list("name", "name_en")))
    return _names_en[1]


class TypeName:
    """An activity type's name that reads in the language active when it is shown (messages built once and
    rendered later: the warnings, the inbox)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return ActivityType.display_name(self.name)


class ActivityType(models.Model):  # 活动类型 — data, so a deployment can add its own
    name = models.CharField(_("名称"), max_length=30, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True, help_text=_("英文界面显示的名称；留空则显示中文名称"))
    # At most one type per role; renaming a type keeps its role, so every rule keyed on it keeps working.
    role = models.CharField(_("用途"), max_length=20, choices=ActivityRole.choices, blank=True, default="")
    is_supervision = models.BooleanField(_("督导类"), default=False)
    needs_audience = models.BooleanField(_("记录受众人数"), default=False)
    is_restricted = models.BooleanField(_("仅纪检可见"), default=False)
    sort = models.PositiveSmallIntegerField(default=100)

    objects = ActivityTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["role"], condition=~models.Q(role=""),
                                               name="activitytype_one_per_role")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        global _names_en
        super().save(*args, **kwargs)
        _names_en = None

    @property
    def label(self) -> str:
        """The name in the active language: the English name on English pages when the type has one."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @classmethod
    def display_name(cls, name: str) -> str:
        """The label of the type called `name` (a filter value, a sheet cell), or the name itself if none is."""
        from django.utils.translation import get_language

        if not (get_language() or "").startswith("en"):
            return name
        return _english_names().get(name) or name

    @classmethod
    def for_role(cls, role: str) -> ActivityType | None:
        """The type holding `role` (None when a deployment has none)."""
        return cls.objects.filter(role=role).first()


class Requirement(models.Model):  # 组织生活要求: an activity type with a cadence, applied to branches
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("活动类型"), on_delete=models.PROTECT)
    cadence = models.CharField(_("频次"), max_length=8, choices=Cadence.choices)
    min_full_members = models.PositiveSmallIntegerField(
        _("正式党员下限"), default=0, help_text=_("仅适用于正式党员达到此人数的支部（窗口首日计）")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("组织生活要求")
        verbose_name_plural = _("组织生活要求")
        ordering = ["activity_type__sort"]
        constraints = [models.UniqueConstraint(fields=["activity_type"], name="requirement_one_per_type")]

    def __str__(self) -> str:
        return f"{self.activity_type} {self.get_cadence_display()}"


class Channel(models.TextChoices):  # 形式
    OFFLINE = "线下", _("线下")
    ONLINE = "线上", _("线上")
    BOTH = "线上线下结合", _("线上线下结合")


class LectureTeam(models.Model):  # 宣讲小分队
    code = models.CharField(_("小分队编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="lecture_teams")
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("宣讲小分队")
        verbose_name_plural = _("宣讲小分队")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Lecturer(models.Model):  # 宣讲员 — roster entry; need not be a party member
    team = models.ForeignKey(LectureTeam, verbose_name=_("小分队"), on_delete=models.PROTECT, related_name="roster")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="lecturer_roles")
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("宣讲员")
        verbose_name_plural = _("宣讲员")
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="lecturer_team_person")]

    def __str__(self) -> str:
        return f"{self.team.code} {self.person}"


class ActivityQuerySet(models.QuerySet):
    def within(self, org: Organization) -> ActivityQuerySet:
        return self.filter(org__path__startswith=org.path)

    def between(self, start, end) -> ActivityQuerySet:
        return self.filter(date__gte=start, date__lte=end)


class Activity(models.Model):  # 活动: a meeting, class, lecture, supervision round …
    code = models.CharField(_("活动编号"), max_length=40, unique=True)
    type = models.ForeignKey(ActivityType, verbose_name=_("活动类型"), on_delete=models.PROTECT)
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="activities")
    date = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=300)
    channel = models.CharField(_("形式"), max_length=8, choices=Channel.choices, default=Channel.OFFLINE)
    audience = models.PositiveIntegerField(_("受众人数"), null=True, blank=True)
    first_topic = models.BooleanField(_("第一议题"), default=False)
    lecture_team = models.ForeignKey(
        LectureTeam, verbose_name=_("宣讲小分队"), null=True, blank=True, on_delete=models.PROTECT, related_name="lectures"
    )
    # 党小组会: the 党小组 that met (one of the organization's groups, existing on the day); empty for other types
    party_group = models.ForeignKey(
        PartyGroup, verbose_name=pgettext_lazy("一个党小组", "党小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    minutes = models.TextField(_("会议记录"), blank=True)
    # 专题: the campaign the activity belongs to (党史学习教育 …); free text, empty = none.
    campaign = models.CharField(_("专题"), max_length=50, blank=True, default="", db_default="")
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org", "type", "date"]), models.Index(fields=["type", "date"]),
                   # The drill-through's order: a page of a district's 90,000 activities stops at its first rows
                   # instead of sorting them all.
                   models.Index(fields=["date", "code"], name="activity_date_code"),
                   # Few activities belong to a campaign: index only those (partial on SQLite and PostgreSQL).
                   models.Index(fields=["campaign", "date"], condition=~models.Q(campaign=""), name="activity_campaign")]

    def __str__(self) -> str:
        return f"{self.date} {self.type} {self.topic}"


class Presence(models.TextChoices):  # 出席情况
    PRESENT = "出席", _("出席")
    LEAVE = "请假", _("请假")
    ABSENT = "缺席", _("缺席")


class Attendance(models.Model):  # 参加人员
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    presence = models.CharField(_("出席情况"), max_length=2, choices=Presence.choices, default=Presence.PRESENT)

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_activity_person")]
        indexes = [models.Index(fields=["person", "activity"])]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.person} {self.presence}"
