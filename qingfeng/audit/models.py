"""The audit log: every write and every read of restricted data, append-only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    READ = "read", _("查阅受限数据")
    UNMASK = "unmask", _("查看完整号码")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    EXPORT = "export", _("导出")


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: Any) -> NoReturn:  # noqa: ARG002 — the log is append-only
        raise TypeError("audit log rows cannot be changed")

    def delete(self) -> NoReturn:
        raise TypeError("audit log rows cannot be deleted")


class AuditLog(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("用户"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices)
    model = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("audit log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("audit log rows cannot be deleted")


def record(user: User | AnonymousUser | None, action: str, obj: models.Model | None = None, *, model: str = "",
           object_id: str = "", summary: str = "", before: Mapping[str, object] | None = None,
           after: Mapping[str, object] | None = None, ip: str | None = None, username: str = "") -> AuditLog:
    """One log row. `username` names who acted when no user row does (a failed sign-in's username)."""
    if obj is not None:
        model = model or obj._meta.label
        object_id = object_id or str(obj.pk)
        summary = summary or str(obj)[:300]
    return AuditLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=user.username if user is not None else username[:150],
        action=action, model=model, object_id=object_id, summary=summary[:300],
        before=before, after=after, ip=ip,
    )
