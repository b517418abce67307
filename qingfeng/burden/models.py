"""Work style and burden: the report-forms register (报表目录). The platform's own entry log is core.Entry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization


class RetireReason(models.TextChoices):  # 停用原因
    MERGED = "合并", _("合并")
    GENERATED = "由系统生成", _("由系统生成")
    CANCELLED = "取消", _("取消")


class ReportForm(models.Model):  # 报表 in the forms register
    code = models.CharField(_("报表编号"), max_length=40, unique=True)
    name = models.CharField(_("报表名称"), max_length=200)
    org = models.ForeignKey(Organization, verbose_name=_("主管组织"), on_delete=models.PROTECT, related_name="report_forms")
    enabled_on = models.DateField(_("启用日期"))
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)
    retire_reason = models.CharField(_("停用原因"), max_length=6, choices=RetireReason.choices, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
