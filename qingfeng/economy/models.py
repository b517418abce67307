"""集体经济扶持 — funds paid to villages to develop their collective economy, by source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization


class FundSource(models.TextChoices):  # 资金来源
    CENTRAL = "中央", _("中央")
    PROVINCE = "省级", _("省级")
    CITY = "市级", _("市级")
    COUNTY = "县级", _("县级")
    TOWNSHIP = "乡镇", _("乡镇")
    SOCIETY = "社会", _("社会")


class SupportItemQuerySet(models.QuerySet):
    def within(self, org: Organization) -> SupportItemQuerySet:
        return self.filter(org__path__startswith=org.path)

    def paid_between(self, start, end) -> SupportItemQuerySet:
        return self.filter(paid_on__gte=start, paid_on__lte=end)


class SupportItem(models.Model):  # 集体经济扶持项目 — one payment (项目编号) to a village's collective economy
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    # The supported village's party organization.
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT,
                            related_name="support_items")
    source = models.CharField(_("资金来源"), max_length=4, choices=FundSource.choices)
    amount = models.PositiveBigIntegerField(_("金额(元)"))
    paid_on = models.DateField(_("拨付日期"))
    purpose = models.CharField(_("用途"), max_length=300, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("集体经济扶持")
        verbose_name_plural = _("集体经济扶持")
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="supportitem_amount_positive")]
        indexes = [models.Index(fields=["org", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.code} {self.org.name}"
