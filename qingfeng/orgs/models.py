"""The organization tree (党组织): a materialized path of 组织编码, so a subtree is one prefix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):  # 组织类别
    COMMITTEE = "党委", _("党委")
    WORKING_COMMITTEE = "党工委", _("党工委")
    LEADING_GROUP = "党组", _("党组")
    GENERAL_BRANCH = "党总支", _("党总支")
    BRANCH = "党支部", _("党支部")
    JOINT_BRANCH = "联合党支部", _("联合党支部")
    TEMPORARY_BRANCH = "临时党支部", _("临时党支部")


BRANCH_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH)
# Compliance requirements (三会一课) apply to standing branches, not temporary ones.
REQUIREMENT_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH)


class Sector(models.TextChoices):  # 单位类型
    GOVERNMENT = "党政机关", _("党政机关")
    PUBLIC_INSTITUTION = "事业单位", _("事业单位")
    STATE_ENTERPRISE = "国有企业", _("国有企业")
    PRIVATE_ENTERPRISE = "非公有制企业", _("非公有制企业")
    SOCIAL_ORGANIZATION = "社会组织", _("社会组织")
    RURAL = "农村", _("农村")
    COMMUNITY = "社区", _("社区")
    SCHOOL = "学校", _("学校")
    HOSPITAL = "医院", _("医院")
    OTHER = "其他", _("其他")


class Level(models.TextChoices):  # 层级
    CITY = "市", _("市")
    COUNTY = "县(市、区)", _("县(市、区)")
    TOWNSHIP = "乡镇(街道)", _("乡镇(街道)")
    VILLAGE = "村(社区)", _("村(社区)")


PATH_SEP = "/"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def within(self, org: Organization) -> OrganizationQuerySet:
        """The organization and all its descendants: one indexed prefix condition."""
        return self.filter(path__startswith=org.path)

    def descendants_of(self, org: Organization) -> OrganizationQuerySet:
        return self.within(org).exclude(pk=org.pk)

    def active_on(self, day: dt.date) -> OrganizationQuerySet:
        return self.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )

    def branches(self) -> OrganizationQuerySet:
        return self.filter(kind__in=BRANCH_KINDS)

    def search(self, text: str) -> OrganizationQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(code__istartswith=text))


_repeated: tuple[float, dict[int, str]] | None = None
REPEATED_SECONDS = 60  # how long the list of repeated names is kept before it is read again


def _parents_of_repeated_names() -> dict[int, str]:
    """{organization id: its parent's name} for every organization whose name another one also has (many a
    community has its 第一网格党支部), read at most once a minute: two grouped queries."""
    import time

    from django.db.models import Count

    global _repeated
    now = time.monotonic()
    if _repeated is None or now - _repeated[0] > REPEATED_SECONDS:
        names = (Organization.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).values("name"))
        parents = dict(Organization.objects.filter(name__in=names).values_list("pk", "parent__name"))
        _repeated = (now, {pk: name or "" for pk, name in parents.items()})
    return _repeated[1]


def forget_repeated_names() -> None:
    """Read the repeated names again on next use (an organization was saved; a test starts)."""
    global _repeated
    _repeated = None


class Organization(models.Model):  # 党组织
    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    name = models.CharField(_("组织名称"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of codes, "/140100/140105/…/", maintained by orgs.actions.
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    kind = models.CharField(_("组织类别"), max_length=10, choices=Kind.choices)
    sector = models.CharField(_("单位类型"), max_length=10, choices=Sector.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, blank=True)
    division_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True, help_text=_("第一天不再存在的日期"))
    term_started_on = models.DateField(_("本届选举日期"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期年限"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    # Set on the nodes of the tree pages by orgs.views.with_counts.
    n_children: int
    n_members: int

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        forget_repeated_names()

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def is_active_on(self, day: dt.date) -> bool:
        return (self.established_on is None or self.established_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )

    def contains(self, other: Organization) -> bool:
        return other.path.startswith(self.path)

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split(PATH_SEP) if c]

    def ancestors(self) -> OrganizationQuerySet:
        return Organization.objects.filter(code__in=self.ancestor_codes()[:-1]).order_by("depth")

    @property
    def label(self) -> str:
        """The name as lists show it: with the parent's name after it when another organization has the same
        name (第一网格党支部（平阳景苑社区党委）), so two of them are never shown alike."""
        from django.utils.translation import get_language

        parent = _parents_of_repeated_names().get(self.pk) if self.pk else None
        if not parent:
            return self.name
        return f"{self.name} ({parent})" if (get_language() or "").startswith("en") else f"{self.name}（{parent}）"

    @property
    def term_ends_on(self) -> dt.date | None:
        if self.term_started_on is None or self.term_years is None:
            return None
        from qingfeng.core.dates import add_years

        return add_years(self.term_started_on, self.term_years)

    def compute_path(self) -> str:
        base = self.parent.path if self.parent is not None else PATH_SEP
        return f"{base}{self.code}{PATH_SEP}"


class VillageTagChoice(models.TextChoices):  # 村情
    RELIGIOUS = "信教群众聚居村", _("信教群众聚居村")
    POOR = "贫困村", _("贫困村")
    ETHNIC = "少数民族聚居村", _("少数民族聚居村")
    REMOTE = "边远村", _("边远村")


TAG_SEPARATOR = "、"


class VillageTag(models.Model):  # 村情 — a tag the organization carries as a whole (no history)
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="village_tags")
    tag = models.CharField(_("村情"), max_length=10, choices=VillageTagChoice.choices)

    class Meta:
        verbose_name = _("村情")
        verbose_name_plural = _("村情")
        ordering = ["org", "tag"]
        constraints = [models.UniqueConstraint(fields=["org", "tag"], name="villagetag_key")]
        indexes = [models.Index(fields=["tag", "org"])]

    def __str__(self) -> str:
        return f"{self.org.code} {self.tag}"


class Election(models.Model):  # 换届
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="elections")
    held_on = models.DateField(_("选举日期"))
    term_years = models.PositiveSmallIntegerField(_("任期年限"), choices=[(3, "3"), (5, "5")])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("换届")
        verbose_name_plural = _("换届")
        ordering = ["org", "-held_on"]
        constraints = [models.UniqueConstraint(fields=["org", "held_on"], name="election_org_day")]

    def __str__(self) -> str:
        return f"{self.org.code} {self.held_on}"

    @property
    def term_ends_on(self) -> dt.date:
        from qingfeng.core.dates import add_years

        return add_years(self.held_on, self.term_years)


class CommitteePost(models.TextChoices):  # 职务 — on an organization's committee
    SECRETARY = "书记", _("书记")
    DEPUTY = "副书记", _("副书记")
    MEMBER = "委员", _("委员")


POST_ORDER = {CommitteePost.SECRETARY: 0, CommitteePost.DEPUTY: 1, CommitteePost.MEMBER: 2}


class CommitteeDuty(models.TextChoices):  # 分工 — what a 委员 is responsible for
    ORGANIZATION = "组织", _("组织委员")
    PROPAGANDA = "宣传", _("宣传委员")
    DISCIPLINE = "纪检", _("纪检委员")


class CommitteeSeatQuerySet(models.QuerySet["CommitteeSeat"]):
    def on(self, day: dt.date) -> CommitteeSeatQuerySet:
        """Seats held on `day` (an end date is the first day no longer held)."""
        return self.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))

    def in_order(self) -> list[CommitteeSeat]:
        """书记 first, then 副书记, then 委员; each by when they took the seat."""
        return sorted(self, key=lambda s: (POST_ORDER.get(CommitteePost(s.post), 9), s.start_on, s.pk))


class CommitteeSeat(models.Model):  # 班子成员 — a person on an organization's committee (支部委员会, 党委) for a period
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="committee")
    person = models.ForeignKey("people.Person", verbose_name=_("姓名"), on_delete=models.PROTECT,
                               related_name="committee_seats")
    post = models.CharField(_("职务"), max_length=10, choices=CommitteePost.choices)
    duty = models.CharField(_("分工"), max_length=10, choices=CommitteeDuty.choices, blank=True)
    election = models.ForeignKey(Election, verbose_name=_("换届"), on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="seats")
    start_on = models.DateField(_("任职日期"))
    end_on = models.DateField(_("离任日期"), null=True, blank=True, help_text=_("第一天不再担任的日期"))

    objects = CommitteeSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["org", "start_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gt=models.F("start_on")),
                                   name="committeeseat_end_after_start"),
        ]
        indexes = [models.Index(fields=["org", "start_on"])]

    def __str__(self) -> str:
        return f"{self.org.name} {self.get_post_display()} {self.person}"

    @property
    def title(self) -> str:
        """书记, 副书记, or the 委员's 分工 (组织委员) — what the person is called on this committee."""
        if self.post == CommitteePost.MEMBER and self.duty:
            return str(self.get_duty_display())
        return str(self.get_post_display())


class PartyGroupQuerySet(models.QuerySet["PartyGroup"]):
    def standing(self) -> PartyGroupQuerySet:
        """Groups not dissolved (dissolved_on is the first day a group no longer exists; it is never in the future)."""
        return self.filter(dissolved_on__isnull=True)

    def on(self, day: dt.date) -> PartyGroupQuerySet:
        """Groups that existed on `day`: set up on or before it, not yet dissolved (dissolved_on is the first day
        no longer)."""
        return self.filter(established_on__lte=day).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))

    def with_members(self) -> list[PartyGroup]:
        """The groups with their 组长, each with `members`: its current members by name (one more query)."""
        groups = list(self.select_related("leader"))
        found: dict[int, list[Any]] = {}
        for m in GroupMembership.objects.filter(group__in=groups, end_on__isnull=True).select_related("person").order_by(
                "person__name", "person_id"):
            found.setdefault(m.group_id, []).append(m.person)
        for g in groups:
            g.members = found.get(g.pk, [])
        return groups


class PartyGroup(models.Model):  # 党小组 — members of a branch who meet as a group (党小组会), led by its 组长
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="party_groups")
    name = models.CharField(_("小组名称"), max_length=50)
    leader = models.ForeignKey("people.Person", verbose_name=_("组长"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="groups_led")
    established_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True, help_text=_("第一天不再存在的日期"))

    objects = PartyGroupQuerySet.as_manager()
    members: list[Any]  # set by PartyGroupQuerySet.with_members

    class Meta:
        verbose_name = _("党小组")
        verbose_name_plural = _("党小组")
        ordering = ["org", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=models.F("established_on")),
                                   name="partygroup_dissolved_after_established"),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.name}"

    def existed_on(self, day: dt.date) -> bool:
        return self.established_on <= day and (self.dissolved_on is None or self.dissolved_on > day)

    def current_members(self) -> models.QuerySet[Any]:
        """The persons in the group now, by name."""
        from qingfeng.people.models import Person

        return Person.objects.filter(group_memberships__group=self, group_memberships__end_on__isnull=True).order_by(
            "name", "pk")


class GroupMembershipQuerySet(models.QuerySet["GroupMembership"]):
    def on(self, day: dt.date) -> GroupMembershipQuerySet:
        """Memberships held on `day` (an end date is the first day no longer a member)."""
        return self.filter(start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))


class GroupMembership(models.Model):  # 党小组成员 — a member in a 党小组 for a period
    group = models.ForeignKey(PartyGroup, verbose_name=_("党小组"), on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey("people.Person", verbose_name=_("姓名"), on_delete=models.PROTECT,
                               related_name="group_memberships")
    start_on = models.DateField(_("加入日期"))
    end_on = models.DateField(_("退出日期"), null=True, blank=True, help_text=_("第一天不再是小组成员的日期"))

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("党小组成员")
        verbose_name_plural = _("党小组成员")
        ordering = ["group", "start_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gt=models.F("start_on")),
                                   name="groupmembership_end_after_start"),
        ]
        indexes = [models.Index(fields=["group", "end_on"]), models.Index(fields=["person", "end_on"])]

    def __str__(self) -> str:
        return f"{self.group.name} {self.person}"
