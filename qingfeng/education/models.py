"""学历提升 — village and community cadres trained toward a degree (enrolled, graduated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import Source
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


class DegreeLevel(models.TextChoices):  # 层次
    SECONDARY = "中专", _("中专")
    COLLEGE = "大专", _("大专")
    BACHELOR = "本科", _("本科")
    POSTGRADUATE = "研究生", _("研究生")


class DegreeStudyQuerySet(models.QuerySet):
    def within(self, org: Organization) -> DegreeStudyQuerySet:
        return self.filter(org__path__startswith=org.path)

    def studying_on(self, day) -> DegreeStudyQuerySet:
        return self.filter(enrolled_on__lte=day).exclude(graduated_on__lte=day)


class DegreeStudy(models.Model):  # 学历提升 — one enrollment (key: the person and the day enrolled)
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="degree_studies")
    # The organization the person serves (a village, say), which owns the record.
    org = models.ForeignKey(Organization, verbose_name=_("组织"), on_delete=models.PROTECT,
                            related_name="degree_studies")
    level = models.CharField(_("层次"), max_length=4, choices=DegreeLevel.choices)
    enrolled_on = models.DateField(_("入学日期"))
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    entered_via = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DegreeStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("学历提升")
        verbose_name_plural = _("学历提升")
        ordering = ["-enrolled_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "enrolled_on"], name="degreestudy_key"),
            models.CheckConstraint(condition=models.Q(graduated_on__isnull=True)
                                   | models.Q(graduated_on__gte=models.F("enrolled_on")),
                                   name="degreestudy_graduated_after_enrolled"),
        ]
        indexes = [models.Index(fields=["org", "enrolled_on"])]

    def __str__(self) -> str:
        return f"{self.person} {self.level} {self.enrolled_on}"

    @property
    def graduated(self) -> bool:
        return self.graduated_on is not None
