"""People (人员) — anyone the platform knows: members, lecturers, dispatched cadres, parties to cases.

Party membership and the organizational relation (组织关系) are kept with history:
relation rows are append-only (closed by an end date, never rewritten)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingfeng.orgs.models import Organization


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class Education(models.TextChoices):  # 学历
    POSTGRADUATE = "研究生", _("研究生")
    BACHELOR = "大学本科", _("大学本科")
    COLLEGE = "大学专科", _("大学专科")
    SECONDARY_VOCATIONAL = "中专", _("中专")
    HIGH_SCHOOL = "高中", _("高中")
    JUNIOR = "初中及以下", _("初中及以下")


class Category(models.TextChoices):  # 党员类别
    FULL = "正式党员", _("正式党员")
    PROBATIONARY = "预备党员", _("预备党员")


class CadreLevel(models.TextChoices):  # 干部管理层级
    CITY = "市管", _("市管")
    COUNTY = "县管", _("县管")
    NONE = "无", pgettext_lazy("干部管理层级", "无")  # neither: in English a word, not "None"


class PersonQuerySet(models.QuerySet["Person"]):
    def members(self) -> PersonQuerySet:
        return self.filter(admitted_on__isnull=False)

    def within(self, org: Organization) -> PersonQuerySet:
        """Persons whose current organizational relation is in the subtree."""
        return self.filter(org__path__startswith=org.path)

    def search(self, text: str) -> PersonQuerySet:
        text = text.strip()
        if not text:
            return self
        if text[:1].isdigit():
            return self.filter(id_number__startswith=text.upper())
        return self.filter(name__contains=text)


class Person(models.Model):  # 人员
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices, blank=True)
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    # Party membership: 预备党员 from admitted_on, 正式党员 from full_on (or always, when
    # a 正式党员 has no full_on). Empty admitted_on: not a party member.
    category = models.CharField(_("党员类别"), max_length=10, choices=Category.choices, blank=True)
    admitted_on = models.DateField(_("入党日期"), null=True, blank=True)
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    admitting_org = models.ForeignKey(
        Organization, verbose_name=_("发展党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Current state, derived from the history rows below and kept by people.actions.
    # No index of its own: the (org, name) index below starts with it (one index less for every member written).
    org = models.ForeignKey(
        Organization, verbose_name=_("所在党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        db_index=False,
    )
    cadre_level = models.CharField(_("干部管理层级"), max_length=4, choices=CadreLevel.choices, default=CadreLevel.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        # No index on the name alone: a search by name is `name LIKE '%…%'`, which no B-tree serves; sorting by name
        # happens within an organization, served by (org, name). Every member written paid for one.
        indexes = [models.Index(fields=["org", "name"])]

    def __str__(self) -> str:
        return f"{self.name}"

    @property
    def is_member(self) -> bool:
        return self.admitted_on is not None

    def category_on(self, day: dt.date) -> str:
        """正式党员 / 预备党员 on a day, or "" before admission."""
        if self.admitted_on is None or self.admitted_on > day:
            return ""
        if self.full_on is None:
            return Category.FULL if self.category == Category.FULL else Category.PROBATIONARY
        return Category.FULL if self.full_on <= day else Category.PROBATIONARY

    @property
    def masked_id(self) -> str:
        from qingfeng.core.masking import mask_id

        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        from qingfeng.core.masking import mask_phone

        return mask_phone(self.phone)


class RelationVia(models.TextChoices):
    IMPORT = "导入", _("导入")
    ADMISSION = "发展", _("发展")
    TRANSFER = "转接", _("转接")  # within the platform
    TRANSFER_IN = "转入", _("转入")  # from outside the platform


class EndReason(models.TextChoices):
    TRANSFER = "转接", _("转接")
    TRANSFER_OUT = "转出", _("转出")
    DEATH = "去世", _("去世")
    EXPELLED = "出党", _("出党")
    CORRECTION = "更正", _("更正")


class RelationQuerySet(models.QuerySet["Relation"]):
    def holding_on(self, day: dt.date) -> RelationQuerySet:
        return self.filter(Q(start_on__isnull=True) | Q(start_on__lte=day)).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))

    def within(self, org: Organization) -> RelationQuerySet:
        return self.filter(org__path__startswith=org.path)


class Relation(models.Model):  # 组织关系 — one row per stay in one organization
    # Neither key has an index of its own: (person, end_on) and (org, start_on) below start with them.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relations", db_index=False)
    org = models.ForeignKey(Organization, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="relations",
                            db_index=False)
    start_on = models.DateField(_("开始日期"), null=True, blank=True)
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    via = models.CharField(_("来源"), max_length=4, choices=RelationVia.choices)
    # Set only on a transfer in: indexed where set (an organization's deletion looks it up), not for every member
    # imported or registered, whose relation has none.
    from_org = models.ForeignKey(
        Organization, verbose_name=_("转出组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    end_reason = models.CharField(_("结束原因"), max_length=4, choices=EndReason.choices, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织关系")
        verbose_name_plural = _("组织关系")
        ordering = ["person", "start_on", "id"]
        indexes = [models.Index(fields=["org", "start_on"]), models.Index(fields=["person", "end_on"]),
                   models.Index(fields=["from_org"], condition=Q(from_org__isnull=False), name="people_rel_from_org_set")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org.code} {self.start_on or ''}–{self.end_on or ''}"


class CadreLevelRecord(models.Model):  # 干部管理层级 history
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cadre_levels")
    level = models.CharField(_("干部管理层级"), max_length=4, choices=CadreLevel.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True, help_text=_("空表示早于任何统计期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("干部管理层级记录")
        verbose_name_plural = _("干部管理层级记录")
        ordering = ["person", "since"]

    def __str__(self) -> str:
        return f"{self.person} {self.level} {self.since or ''}"
