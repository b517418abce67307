"""Grassroots organization building: dispatched cadres (选派干部) and weak-organization cases (软弱涣散)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


class Role(models.TextChoices):  # 岗位
    FIRST_SECRETARY = "第一书记", _("第一书记")
    VILLAGE_TEAM = "驻村工作队员", _("驻村工作队员")
    VILLAGE_LEADER = "包村领导", _("包村领导")
    PAIRED_AID = "对口帮扶工作队员", _("对口帮扶工作队员")
    SECRETARY = "党组织书记", _("党组织书记")
    POSTED_DOWN = "下派任职", _("下派任职")
    SECONDED = "挂职干部", _("挂职干部")
    GRADUATE = "选调生", _("选调生")
    SEEDLING = "墩苗干部", _("墩苗干部")
    GUIDE = "党建指导员", _("党建指导员")
    ASSAULT = "突击队员", _("突击队员")
    TEAM_MEMBER = "班子成员", _("班子成员")  # of a whole leadership team sent as one unit (整建制下派); its 队伍 is the team


class AssignmentEndReason(models.TextChoices):  # 结束原因
    EXPIRED = "期满", _("期满")
    ADJUSTED = "调整", _("调整")
    OTHER = "其他", _("其他")


class AssignmentQuerySet(models.QuerySet):
    def within(self, org: Organization) -> AssignmentQuerySet:
        return self.filter(org__path__startswith=org.path)


class Assignment(models.Model):  # 选派: a person dispatched to an organization in a role for a period
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("岗位"), max_length=10, choices=Role.choices)
    org = models.ForeignKey(Organization, verbose_name=_("派驻组织"), on_delete=models.PROTECT, related_name="assignments")
    sent_by = models.CharField(_("派出单位"), max_length=200, blank=True)
    team = models.CharField(_("队伍"), max_length=100, blank=True)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=4, choices=AssignmentEndReason.choices, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("选派干部")
        verbose_name_plural = _("选派干部")
        ordering = ["-start_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "org", "start_on"], name="assignment_key"),
        ]
        indexes = [models.Index(fields=["org", "role", "start_on"])]

    def __str__(self) -> str:
        return f"{self.person} {self.role} {self.org.code}"


class WeakOrgCase(models.Model):  # 软弱涣散党组织整顿
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="weak_cases")
    identified_on = models.DateField(_("认定日期"))
    problems = models.TextField(_("主要问题"), blank=True)
    rectified_on = models.DateField(_("整顿完成日期"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("软弱涣散整顿")
        verbose_name_plural = _("软弱涣散整顿")
        ordering = ["-identified_on"]
        constraints = [models.UniqueConstraint(fields=["org", "identified_on"], name="weakcase_key")]

    def __str__(self) -> str:
        return f"{self.org.code} {self.identified_on}"
