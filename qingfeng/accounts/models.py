"""Users work for one organization and see its subtree; a role says which ledgers they see and write."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_discipline(self) -> bool:
        return self.is_platform_admin or self.role == Role.DISCIPLINE

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser
