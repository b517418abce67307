"""Deployment-wide values the platform keeps in its own database (a handful of keys, read once per process)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.Model):  # 平台设置
    key = models.CharField(_("键"), max_length=50, primary_key=True)
    value = models.CharField(_("值"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("平台设置")
        verbose_name_plural = _("平台设置")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
