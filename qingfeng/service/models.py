"""我为群众办实事 — commitments to the people, followed to completion."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization


class ServiceCategory(models.TextChoices):  # 类别
    LIVELIHOOD = "民生保障", _("民生保障")
    GOVERNANCE = "基层治理", _("基层治理")
    ENVIRONMENT = "环境整治", _("环境整治")
    ELDERLY = "为老服务", _("为老服务")
    FARMERS = "助农服务", _("助农服务")
    OTHER = "其他", _("其他")


class ServiceItemQuerySet(models.QuerySet):
    def within(self, org: Organization) -> ServiceItemQuerySet:
        return self.filter(org__path__startswith=org.path)


class ServiceItem(models.Model):  # 办实事事项
    code = models.CharField(_("事项编号"), max_length=40, unique=True)
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="service_items")
    name = models.CharField(_("事项名称"), max_length=300)
    category = models.CharField(_("类别"), max_length=6, choices=ServiceCategory.choices, blank=True)
    committed_on = models.DateField(_("承诺日期"))
    planned_on = models.DateField(_("计划完成日期"))
    started_on = models.DateField(_("开始推进日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("办实事事项")
        verbose_name_plural = _("办实事事项")
        ordering = ["-committed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def status(self) -> str:
        """已承诺 → 推进中 → 已办结."""
        if self.completed_on:
            return str(_("已办结"))
        return str(_("推进中")) if self.started_on else str(_("已承诺"))
