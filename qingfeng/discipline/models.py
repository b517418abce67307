"""Restricted discipline records (纪检监察): cases, dispositions, recommendations.

Only 纪检监察 roles and 系统管理员 may see these; every read is audited."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization
from qingfeng.people.models import CadreLevel, Person


class CaseQuerySet(models.QuerySet):
    def within(self, org: Organization) -> CaseQuerySet:
        return self.filter(org__path__startswith=org.path)


class Case(models.Model):  # 案件
    code = models.CharField(_("案件编号"), max_length=40, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="cases")
    cadre_level = models.CharField(_("干部管理层级"), max_length=4, choices=CadreLevel.choices, blank=True)
    org = models.ForeignKey(Organization, verbose_name=_("承办组织"), on_delete=models.PROTECT, related_name="cases")
    filed_on = models.DateField(_("立案日期"))
    self_surrender = models.BooleanField(_("主动投案"), default=False)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-filed_on"]

    def __str__(self) -> str:
        return self.code


class Form(models.IntegerChoices):  # 四种形态
    FIRST = 1, _("第一种形态")
    SECOND = 2, _("第二种形态")
    THIRD = 3, _("第三种形态")
    FOURTH = 4, _("第四种形态")


class Disposition(models.Model):  # 处置
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="dispositions")
    org = models.ForeignKey(Organization, verbose_name=_("决定组织"), on_delete=models.PROTECT, related_name="dispositions")
    decided_on = models.DateField(_("日期"))
    form = models.PositiveSmallIntegerField(_("形态"), choices=Form.choices)
    measure = models.CharField(_("措施"), max_length=200, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="dispositions")
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("处置")
        verbose_name_plural = _("处置")
        ordering = ["-decided_on"]
        constraints = [models.UniqueConstraint(fields=["person", "decided_on", "form"], name="disposition_key")]

    def __str__(self) -> str:
        return f"{self.person} {self.decided_on} {self.form}"


class Recommendation(models.Model):  # 纪检监察建议书
    code = models.CharField(_("建议书编号"), max_length=40, unique=True)
    org = models.ForeignKey(Organization, verbose_name=_("发出组织"), on_delete=models.PROTECT, related_name="recommendations")
    issued_on = models.DateField(_("发出日期"))
    recipient = models.CharField(_("收文单位"), max_length=200)
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("纪检监察建议书")
        verbose_name_plural = _("纪检监察建议书")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.code
