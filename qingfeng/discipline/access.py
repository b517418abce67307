"""Access to discipline records — cases, dispositions, recommendations. Outside the roles that see discipline data
(纪检监察, 系统管理员) they do not exist: 404, never 403 (accounts.access.require_discipline); inside, the shared
subtree rule applies."""

from __future__ import annotations

from qingfeng.accounts.access import (
    WRITERS_DISCIPLINE,
    get_in_scope,
    require_discipline,
    require_write,
    visible,
)
from qingfeng.discipline.models import Case, Disposition, Recommendation


def visible_cases(user):
    require_discipline(user)
    return visible(Case.objects.all(), user)


def get_case_for_user(user, code: str, write: bool = False) -> Case:
    require_discipline(user)
    obj = get_in_scope(Case.objects.select_related("org", "person"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_DISCIPLINE)
    return obj


def get_disposition_for_user(user, pk: int | str, write: bool = False) -> Disposition:
    require_discipline(user)
    obj = get_in_scope(Disposition.objects.select_related("org", "person"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_DISCIPLINE)
    return obj


def get_recommendation_for_user(user, code: str, write: bool = False) -> Recommendation:
    require_discipline(user)
    obj = get_in_scope(Recommendation.objects.select_related("org"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_DISCIPLINE)
    return obj
