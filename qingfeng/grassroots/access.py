"""Access to dispatched cadres and weak-organization cases (the shared subtree rule of accounts.access)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.files.access import attachable
from qingfeng.grassroots.models import Assignment, WeakOrgCase


def get_assignment_for_user(user, pk: int | str, write: bool = False) -> Assignment:
    obj = get_in_scope(Assignment.objects.select_related("org", "person"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


def get_weak_case_for_user(user, pk: int | str, write: bool = False) -> WeakOrgCase:
    obj = get_in_scope(WeakOrgCase.objects.select_related("org"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


attachable("grassroots.weakorgcase", lambda user, obj: get_weak_case_for_user(user, obj.pk))
