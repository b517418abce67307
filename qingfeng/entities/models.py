"""The two-new-organization register (两新组织): non-public enterprises and social organizations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization


class EntityType(models.TextChoices):  # 类型
    ENTERPRISE = "非公有制企业", _("非公有制企业")
    SOCIAL = "社会组织", _("社会组织")


class CoverageMode(models.TextChoices):  # 覆盖方式
    OWN = "单独组建", _("单独组建")
    JOINT = "联合组建", _("联合组建")
    GUIDE = "选派党建指导员", _("选派党建指导员")
    NONE = "未覆盖", _("未覆盖")


ORG_COVERAGE = (CoverageMode.OWN, CoverageMode.JOINT)
WORK_COVERAGE = (CoverageMode.OWN, CoverageMode.JOINT, CoverageMode.GUIDE)


class Entity(models.Model):  # 两新组织
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    type = models.CharField(_("类型"), max_length=8, choices=EntityType.choices)
    org = models.ForeignKey(Organization, verbose_name=_("属地党组织"), on_delete=models.PROTECT, related_name="entities")
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), null=True, blank=True)
    # Current coverage, derived from the history rows and kept by entities.actions.
    coverage = models.CharField(_("覆盖方式"), max_length=8, choices=CoverageMode.choices, default=CoverageMode.NONE)
    deregistered_on = models.DateField(_("注销日期"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("两新组织")
        verbose_name_plural = _("两新组织")
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return self.name


class CoverageChange(models.Model):  # coverage history; before the first dated row an entity is 未覆盖
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="coverage_history")
    mode = models.CharField(_("覆盖方式"), max_length=8, choices=CoverageMode.choices)
    since = models.DateField(_("覆盖日期"), null=True, blank=True, help_text=_("空表示自登记起"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("覆盖变化")
        verbose_name_plural = _("覆盖变化")
        ordering = ["entity", "since", "id"]

    def __str__(self) -> str:
        return f"{self.entity.credit_code} {self.mode} {self.since or ''}"
