"""表彰 — commendation decisions and the collectives and persons they commend."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


class GrantorLevel(models.TextChoices):  # 授予级别
    NATIONAL = "国家级", _("国家级")
    PROVINCE = "省级", _("省级")
    CITY = "市级", _("市级")
    COUNTY = "县级", _("县级")


class HonoreeKind(models.TextChoices):  # 对象类型
    COLLECTIVE = "集体", _("集体")
    PERSON = "个人", _("个人")


class CommendationQuerySet(models.QuerySet):
    def touching(self, org: Organization) -> CommendationQuerySet:
        """Decisions commending someone whose record an organization of the subtree owns."""
        return self.filter(pk__in=Honoree.objects.within(org).values("commendation_id"))


class Commendation(models.Model):  # 表彰 — one commendation decision (表彰编号)
    code = models.CharField(_("表彰编号"), max_length=40, unique=True)
    name = models.CharField(_("表彰名称"), max_length=200)
    grantor = models.CharField(_("授予机关"), max_length=200, blank=True)
    grantor_level = models.CharField(_("授予级别"), max_length=4, choices=GrantorLevel.choices)
    date = models.DateField(_("日期"))
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "grantor_level"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HonoreeQuerySet(models.QuerySet):
    def within(self, org: Organization) -> HonoreeQuerySet:
        return self.filter(org__path__startswith=org.path)

    def collectives(self) -> HonoreeQuerySet:
        return self.filter(kind=HonoreeKind.COLLECTIVE)

    def persons(self) -> HonoreeQuerySet:
        return self.filter(kind=HonoreeKind.PERSON)


class Honoree(models.Model):  # 受表彰对象 — a collective or a person named in a decision
    commendation = models.ForeignKey(Commendation, verbose_name=_("表彰"), on_delete=models.PROTECT,
                                     related_name="honorees")
    kind = models.CharField(_("对象类型"), max_length=2, choices=HonoreeKind.choices)
    # The commended unit of a 集体 row; it need not be a party organization.
    collective_name = models.CharField(_("集体名称"), max_length=200, blank=True, default="")
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="honors")
    # The party organization that owns the record: the unit's own, or the person's.
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="honorees")
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HonoreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("受表彰对象")
        verbose_name_plural = _("受表彰对象")
        ordering = ["commendation", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commendation", "collective_name"], condition=Q(kind="集体"),
                                    name="honoree_collective_key"),
            models.UniqueConstraint(fields=["commendation", "person"], condition=Q(kind="个人"),
                                    name="honoree_person_key"),
            models.CheckConstraint(
                condition=Q(kind="集体", person__isnull=True) & ~Q(collective_name="")
                | Q(kind="个人", person__isnull=False, collective_name=""),
                name="honoree_kind_fields"),
        ]
        indexes = [models.Index(fields=["org", "kind"])]

    def __str__(self) -> str:
        return str(self.person) if self.person is not None else self.collective_name

    @property
    def display_name(self) -> str:
        return self.person.name if self.person is not None else self.collective_name
