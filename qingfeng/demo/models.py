"""A record of each demo build, so a second `qingfeng demo` finds the city it built and does not build it twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoRun(models.Model):  # 演示数据生成记录
    scale = models.CharField(_("规模"), max_length=10)
    seed = models.PositiveIntegerField(_("随机种子"))
    finished_at = models.DateTimeField(_("完成时间"), auto_now_add=True)
    seconds = models.FloatField(_("用时（秒）"))
    organizations = models.PositiveIntegerField(_("党组织数"))
    persons = models.PositiveIntegerField(_("人员数"))

    class Meta:
        verbose_name = _("演示数据生成记录")
        verbose_name_plural = _("演示数据生成记录")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.scale} {self.finished_at:%Y-%m-%d %H:%M}"
