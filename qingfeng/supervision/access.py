"""Access to findings and accountability decisions (the shared subtree rule of accounts.access), and who verifies
a rectification: an officer above the branch, never the branch itself."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from qingfeng.accounts.access import WRITERS_SUPERVISION, get_in_scope, require_write, visible
from qingfeng.accounts.models import Role
from qingfeng.files.access import attachable
from qingfeng.supervision.models import Accountability, Finding

# 组织部门 and 纪检监察 officers (and platform administrators) return or close (销号) findings.
VERIFIERS = {Role.ADMIN, Role.ORGANIZATION, Role.DISCIPLINE}


def visible_findings(user):
    return visible(Finding.objects.select_related("org", "round"), user)


def get_finding_for_user(user, code: str, write: bool = False) -> Finding:
    obj = get_in_scope(Finding.objects.select_related("org", "round"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_SUPERVISION)
    return obj


def can_verify(user, finding) -> bool:
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    # An officer of the responsible organization itself would be verifying their own work.
    return user.role in VERIFIERS and user.org_id != finding.org_id


def get_finding_to_verify(user, code: str) -> Finding:
    finding = get_finding_for_user(user, code)
    if not can_verify(user, finding):
        raise PermissionDenied
    return finding


def get_accountability_for_user(user, pk: int | str, write: bool = False) -> Accountability:
    obj = get_in_scope(Accountability.objects.select_related("org", "person"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_SUPERVISION)
    return obj


attachable("supervision.finding", lambda user, obj: get_finding_for_user(user, obj.code))
