"""Who verifies a rectification: an officer above the branch, never the branch itself.

Builds on accounts.access (the finding must be in the user's subtree: 404 otherwise)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from qingfeng.accounts import access
from qingfeng.accounts.models import Role

# 组织部门 and 纪检监察 officers (and platform administrators) return or close (销号) findings.
VERIFIERS = {Role.ADMIN, Role.ORGANIZATION, Role.DISCIPLINE}


def can_verify(user, finding) -> bool:
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    # An officer of the responsible organization itself would be verifying their own work.
    return user.role in VERIFIERS and user.org_id != finding.org_id


def get_finding_to_verify(user, code: str):
    finding = access.get_finding_for_user(user, code)
    if not can_verify(user, finding):
        raise PermissionDenied
    return finding


def visible_findings(user):
    from qingfeng.supervision.models import Finding

    return access.visible(Finding.objects.select_related("org", "round"), user)
