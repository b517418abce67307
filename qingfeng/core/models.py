"""Deployment-wide values the platform keeps in its own database (a handful of keys, read once per process)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):  # how a record entered the platform (for burden.entries)
    PAGE = "page", _("页面")
    API = "api", _("接口")
    IMPORT = "import", _("导入")
    DEMO = "demo", _("演示数据")


class Setting(models.Model):  # 平台设置
    key = models.CharField(_("键"), max_length=50, primary_key=True)
    value = models.CharField(_("值"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("平台设置")
        verbose_name_plural = _("平台设置")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Entry(models.Model):  # 填报: one row per record created through a page, the API or an import
    """The platform's own burden on the grassroots (indicator burden.entries), written by every write path in the
    same transaction as the record (core.entries.log_entries). Kept in the table it was born in (burden_entry)."""

    # No index on the organization alone: (org, at) below starts with it (one index less for every record written).
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(db_index=True)
    model = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    channel = models.CharField(max_length=8, choices=Source.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "burden_entry"
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        indexes = [models.Index(fields=["org", "at"], name="burden_entr_org_id_369ab1_idx")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):  # 后台任务: long work run by the job worker (qingfeng.core.jobs), with its progress
    kind = models.CharField(_("类型"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(_("参数"), default=dict)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, default="")  # the django-tasks result behind it
    worker = models.CharField(max_length=80, blank=True, default="")  # host:pid of the worker running it
    message = models.TextField(_("结果"), blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["user", "-created_at"], name="core_job_user_created")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class PendingChange(models.Model):  # what a large write changed, its derived rows not yet brought up to date
    """Written in the large write's own transaction (an import: qingfeng.core.changes.deferred), so it commits with
    the records; `changes.drain` then announces it in short transactions and deletes it with the last one. A process
    that dies half-way leaves it here for the job worker to finish (`claimed_at` goes stale)."""

    change = models.JSONField(default=dict)  # written with the records (and once more when persons are resolved)
    orgs_done = models.PositiveIntegerField(default=0)  # how far the drain got: kept apart from the lists, so a
    people_done = models.PositiveIntegerField(default=0)  # slice writes two numbers, not 400,000 persons again
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待更新的派生数据")
        verbose_name_plural = _("待更新的派生数据")

    def __str__(self) -> str:
        return f"pending#{self.pk}"
