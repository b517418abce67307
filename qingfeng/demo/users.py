"""The demo users of spec/interfaces.md, created or brought up to date on every run."""

from __future__ import annotations

import secrets

from qingfeng.accounts.models import Role, User
from qingfeng.demo.places import TAIYUAN, city_of
from qingfeng.orgs.models import BRANCH_KINDS, Organization

# username → (role, organization code or None, how to find the organization)
DEMO_USERS = [
    ("admin", Role.ADMIN, None),
    ("city", Role.ORGANIZATION, "140100"),
    ("xiaodian", Role.ORGANIZATION, "140105"),
    ("jijian", Role.DISCIPLINE, "140100"),
    ("branch", Role.CLERK, "branch-under:140105004"),  # a party branch under 平阳路街道, 小店区
    ("leader", Role.LEADER, "140100"),
]


def random_password() -> str:
    return "Qf-" + secrets.token_urlsafe(9)


def branch_under(code: str) -> Organization | None:
    street = Organization.objects.get(code=code)
    return (Organization.objects.within(street).filter(kind__in=BRANCH_KINDS, members__isnull=False)
            .order_by("path").distinct().first())


def _where(where: str | None) -> str | None:
    """The demo users are written for Taiyuan; in another demo city, the same places of that city."""
    root = Organization.objects.filter(parent__isnull=True).order_by("code").values_list("code", flat=True).first()
    place = city_of(root or TAIYUAN.code)
    if where is None or place is TAIYUAN:
        return where
    return (where.replace(TAIYUAN.street, place.street).replace(TAIYUAN.district, place.district)
            .replace(TAIYUAN.code, place.code))


def ensure_demo_users(password: str) -> list[tuple[User, Organization | None]]:
    result = []
    for username, role, written in DEMO_USERS:
        where = _where(written)
        org = None
        if where and where.startswith("branch-under:"):
            org = branch_under(where.split(":", 1)[1])
        elif where:
            org = Organization.objects.get(code=where)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.org = org
        user.is_active = True
        user.is_superuser = user.is_staff = role == Role.ADMIN
        user.set_password(password)
        user.save()
        result.append((user, org))
    return result
