"""Access to degree-education records (the shared subtree rule of accounts.access, on the organization served)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.education.models import DegreeStudy

WRITERS = WRITERS_PARTY_WORK


def get_study_for_user(user, pk: int | str, write: bool = False) -> DegreeStudy:
    obj = get_in_scope(DegreeStudy.objects.select_related("org", "person"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS)
    return obj
