"""Findings (问题) from supervision and their rectification (整改), and accountability (问责)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.activities.models import Activity, ActivityRole, ActivityType
from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


class FindingSource(models.TextChoices):  # 来源
    INSPECTION = "督导检查", _("督导检查")
    CIRCUIT = "巡回指导", _("巡回指导")
    BATTLE = "督战", _("督战")
    POLITICAL = "政治监督专项检查", _("政治监督专项检查")
    PATROL = "巡察", _("巡察")
    AUDIT = "审计", _("审计")
    PETITION = "信访", _("信访")
    SELF = "自查", _("自查")


class ProblemCategory(models.TextChoices):  # 问题类别 (empty: not classified)
    FORMALISM = "形式主义", _("形式主义")
    BUREAUCRATISM = "官僚主义", _("官僚主义")
    HEDONISM = "享乐主义", _("享乐主义")
    EXTRAVAGANCE = "奢靡之风", _("奢靡之风")
    DISREGARD = "漠视侵害群众利益", _("漠视侵害群众利益")
    OTHER = "其他", _("其他")


# The source a finding of a supervision round has, by the round's activity type role (names are data).
ROUND_SOURCES: dict[str, FindingSource] = {
    ActivityRole.INSPECTION: FindingSource.INSPECTION,
    ActivityRole.CIRCUIT: FindingSource.CIRCUIT,
    ActivityRole.BATTLE: FindingSource.BATTLE,
    ActivityRole.POLITICAL: FindingSource.POLITICAL,
}


def round_source(activity_type: ActivityType) -> str | None:
    """The source the findings of a round of this type must have (None: any, e.g. a supervision type a deployment
    added)."""
    source = ROUND_SOURCES.get(activity_type.role)
    return None if source is None else source.value


class FindingStatus(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("待核验")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已销号")


class FindingQuerySet(models.QuerySet):
    def within(self, org: Organization) -> FindingQuerySet:
        return self.filter(org__path__startswith=org.path)

    def open(self) -> FindingQuerySet:
        return self.filter(closed_on__isnull=True)


class Finding(models.Model):  # 问题 — a problem found by supervision, followed to 销号
    code = models.CharField(_("问题编号"), max_length=40, unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=FindingSource.choices)
    found_on = models.DateField(_("发现日期"))
    org = models.ForeignKey(Organization, verbose_name=_("责任组织"), on_delete=models.PROTECT, related_name="findings")
    description = models.TextField(_("问题描述"))
    category = models.CharField(_("问题类别"), max_length=10, choices=ProblemCategory.choices, blank=True, default="",
                                db_default="")
    deadline = models.DateField(_("整改期限"))
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.RECTIFYING)
    round = models.ForeignKey(
        Activity, verbose_name=_("督导轮次"), null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题整改")
        verbose_name_plural = _("问题整改")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["org", "deadline"]), models.Index(fields=["org", "found_on"])]

    def __str__(self) -> str:
        return f"{self.code}"


class FindingEvent(models.Model):  # status history, append-only
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=12, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=FindingStatus.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["finding", "at", "id"]

    def __str__(self) -> str:
        return f"{self.finding.code} {self.from_status}→{self.to_status}"


class AccountabilityMode(models.TextChoices):  # 问责方式
    CRITICISM = "通报批评", _("通报批评")
    ADMONISHMENT = "诫勉", _("诫勉")
    ORGANIZATIONAL = "组织调整", _("组织调整")
    SANCTION = "党纪政务处分", _("党纪政务处分")
    OTHER = "其他", _("其他")


class Accountability(models.Model):  # 问责 decision
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="accountabilities")
    org = models.ForeignKey(Organization, verbose_name=_("决定组织"), on_delete=models.PROTECT, related_name="accountabilities")
    decided_on = models.DateField(_("决定日期"))
    mode = models.CharField(_("方式"), max_length=8, choices=AccountabilityMode.choices, blank=True)
    finding = models.ForeignKey(
        Finding, verbose_name=_("关联问题"), null=True, blank=True, on_delete=models.PROTECT, related_name="accountabilities"
    )
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问责")
        verbose_name_plural = _("问责")
        ordering = ["-decided_on"]
        constraints = [models.UniqueConstraint(fields=["person", "decided_on"], name="accountability_key")]

    def __str__(self) -> str:
        return f"{self.person} {self.decided_on}"
