"""Writes of the indicators area: the organizational-life requirements (data a deployment may change)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.activities.models import Cadence, Requirement
from qingfeng.core import changes

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


@transaction.atomic
def update_requirement(requirement: Requirement, *, cadence: str, min_full_members: int, is_active: bool,
                       user: User | None = None) -> Requirement:
    """Change one requirement (系统管理员 only); the compliance facts follow in the same transaction."""
    if user is not None and not getattr(user, "is_platform_admin", False):
        raise PermissionDenied
    errors = {}
    if cadence not in Cadence.values:
        errors["cadence"] = _("频次只能是每月、每季度或每年。")
    if not isinstance(min_full_members, int) or min_full_members < 0 or min_full_members > 1000:
        errors["min_full_members"] = _("正式党员下限应为 0 到 1000 之间的整数。")
    if errors:
        raise ValidationError(errors)
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    before = {"cadence": requirement.cadence, "min_full_members": requirement.min_full_members,
              "is_active": requirement.is_active}
    after = {"cadence": cadence, "min_full_members": min_full_members, "is_active": is_active}
    if before == after:
        return requirement
    requirement.cadence, requirement.min_full_members, requirement.is_active = cadence, min_full_members, is_active
    requirement.save(update_fields=["cadence", "min_full_members", "is_active", "changed_at"])
    if user is not None:
        from qingfeng.audit.models import AuditAction, record

        record(user, AuditAction.UPDATE, requirement, summary=f"组织生活要求 {requirement.activity_type.name}",
               before=before, after=after)
    changes.record(requirements=True)
    return requirement
