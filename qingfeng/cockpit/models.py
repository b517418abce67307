"""The political-ecology assessment (政治生态评估) definition, kept as append-only versions.

A version holds the whole definition as JSON — dimensions, their indicators with targets, direction
and weights, and the red/yellow/green thresholds — because the definition is edited and read as one
document. The newest version is the one in force; without any, the default in data/assessment.json
applies. Rows are never changed or deleted: a new version supersedes the previous one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 — history is append-only
        raise TypeError("assessment versions cannot be changed")

    def delete(self):
        raise TypeError("assessment versions cannot be deleted")


class AssessmentVersion(models.Model):  # 评估方案版本
    number = models.PositiveIntegerField(_("版本号"), unique=True)
    definition = models.JSONField(_("方案"))
    note = models.CharField(_("修改说明"), max_length=200)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AssessmentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估方案版本")
        verbose_name_plural = _("评估方案版本")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.note}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("assessment versions cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("assessment versions cannot be deleted")
