"""Users work for one organization and see its subtree; a role says which ledgers they see and write."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from qingfeng.orgs.models import Organization


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    ORGANIZATION = "organization", _("组织部门")
    PROPAGANDA = "propaganda", _("宣传部门")
    DISCIPLINE = "discipline", _("纪检监察")
    CLERK = "clerk", _("党组织管理员")
    LEADER = "leader", _("领导")


class User(AbstractUser):
    org = models.ForeignKey(
        Organization, verbose_name=_("所在组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.CLERK)
    # Bumped by "log out everywhere": it is part of the session hash, so every session
    # signed before the bump stops matching and is dropped on its next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A password set (not a hash upgraded at sign-in: Django clears _password for that) ends every session and
        # every API token of the user, whichever path set it — the password page, the admin, changepassword.
        # _password: the raw password set_password() keeps until the save (django-stubs does not declare it)
        if self.pk is not None and self._password is not None:  # type: ignore[attr-defined]
            self.session_epoch += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "session_epoch"}
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "qingfeng.accounts.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}|{self.session_epoch}", secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_discipline(self) -> bool:
        return self.is_platform_admin or self.role == Role.DISCIPLINE

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser


class TotpDevice(models.Model):  # 动态口令 — a TOTP second factor (RFC 6238)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(_("绑定时间"), null=True, blank=True)
    # The last 30-second step accepted: a code is good once, even inside its window.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("动态口令")
        verbose_name_plural = _("动态口令")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class LoginThrottle(models.Model):  # failed sign-ins per username, for the lockout
    username = models.CharField(_("用户名"), max_length=150, unique=True)
    failures = models.PositiveSmallIntegerField(_("连续失败次数"), default=0)
    last_failure_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")

    def __str__(self) -> str:
        return self.username
