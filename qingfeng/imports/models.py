"""An upload going through the import flow: upload → validation → preview → confirm → result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    MAPPING = "mapping", _("待确认列对应")
    CHECKED = "checked", _("校验通过，待确认")
    REJECTED = "rejected", _("有错误，未写入")
    RUNNING = "running", _("正在写入")
    DONE = "done", _("已导入")
    FAILED = "failed", _("写入失败，已回滚")


class ImportJob(models.Model):  # 导入任务
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)  # under settings.VAR_DIR / "uploads"
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices)
    problem_count = models.PositiveIntegerField(_("错误数"), default=0)
    problems = models.JSONField(default=list, blank=True)  # [[sheet, row, column, message], …]
    notices = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # sheet → {create, update, unchanged}
    message = models.TextField(blank=True)
    # The column mapping the user's own workbook is read through (imports.mapping.SheetMap.to_json per sheet);
    # empty for a file in the templates' shape.
    mapping = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.get_status_display()}"

    @property
    def changes(self) -> int:
        return sum(c["create"] + c["update"] for c in self.summary.values())


class SavedMapping(models.Model):  # 列对应 remembered for an organization's own workbooks
    """A column mapping an organization confirmed for a workbook of its own, found again by the headers'
    signature (imports.mapping.signature) when a file with the same headers comes."""

    org = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    ledger = models.CharField(_("台账"), max_length=20)
    columns = models.JSONField(default=dict)  # the user's header → declared column (or column（按名称）)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("列对应")
        verbose_name_plural = _("列对应")
        constraints = [models.UniqueConstraint(fields=["org", "signature"], name="savedmapping_org_signature")]

    def __str__(self) -> str:
        return f"{self.ledger} {self.signature[:8]}"
