"""Access decisions, in one place per object type.

Every object fetched because of a request goes through a `get_*_for_user` function here;
every list starts from `visible_*`. A user sees the subtree of their organization (all of
it for a 系统管理员 without one); discipline records only with the 纪检监察 role or as
系统管理员; a 领导 reads but never writes. Outside the scope the answer is 404, so a URL
never reveals that a record exists; a permitted read of an object one may not change is 403.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from qingfeng.accounts.models import Role, User
from qingfeng.orgs.models import Organization, OrganizationQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.orgs.models import Election
    from qingfeng.people.models import Person, PersonQuerySet

M = TypeVar("M", bound=models.Model)
QS = TypeVar("QS", bound=models.QuerySet[Any])  # a model's own QuerySet class, kept through the filter

# Roles that may write each kind of ledger. Reads follow the subtree alone.
WRITERS_PARTY_WORK = {Role.ADMIN, Role.ORGANIZATION, Role.CLERK}
WRITERS_STUDY = {Role.ADMIN, Role.ORGANIZATION, Role.PROPAGANDA, Role.CLERK}
WRITERS_DISCIPLINE = {Role.ADMIN, Role.DISCIPLINE}
WRITERS_SUPERVISION = {Role.ADMIN, Role.ORGANIZATION, Role.DISCIPLINE, Role.CLERK}


def scope_root(user: User | AnonymousUser) -> Organization | None:
    """The organization whose subtree the user sees; None means the whole platform."""
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser and user.org_id is None:
        return None
    if user.org_id is None:
        if user.role == Role.ADMIN:
            return None
        raise Http404  # an account without an organization sees nothing
    return user.org


def scope_filter(user: User | AnonymousUser, org_field: str = "org") -> Q:
    """A Q restricting `org_field` (a ForeignKey to Organization) to the user's subtree."""
    root = scope_root(user)
    if root is None:
        return Q()
    prefix = f"{org_field}__path__startswith" if org_field else "path__startswith"
    return Q(**{prefix: root.path})


def visible(qs: QS, user: User, org_field: str = "org") -> QS:
    return qs.filter(scope_filter(user, org_field))


def can_write(user: User, writers: Collection[str]) -> bool:
    if user.is_superuser:
        return True
    return user.role in writers


def require_write(user: User, writers: Collection[str]) -> None:
    if not can_write(user, writers):
        raise PermissionDenied


def org_in_scope(user: User, org: Organization) -> bool:
    root = scope_root(user)
    return root is None or org.path.startswith(root.path)


def get_in_scope(qs: models.QuerySet[M], user: User, org_field: str, **lookup: Any) -> M:
    try:
        return visible(qs, user, org_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ---- organizations ---------------------------------------------------------------------

def visible_orgs(user: User) -> OrganizationQuerySet:
    return visible(Organization.objects.all(), user, org_field="")


def get_org_for_user(user: User, code: str, write: bool = False) -> Organization:
    org = get_in_scope(Organization.objects.select_related("parent"), user, "", code=code)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return org


# ---- people ----------------------------------------------------------------------------

# Further relations through which a person without a current organization is seen: a register naming persons who
# need not be members (表彰, 学历提升) adds the lookup from Person to the owning Organization in its AppConfig.ready.
PERSON_REACH: list[str] = []


def reach_people_through(org_lookup: str) -> None:
    """Let `Person.<org_lookup>` (e.g. "honors__org") make a person without a current organization visible in
    that organization's subtree, as assignments and rosters do."""
    if org_lookup not in PERSON_REACH:
        PERSON_REACH.append(org_lookup)


def visible_people(user: User) -> PersonQuerySet:
    """A member where their current relation is; a person without one (a non-member lecturer, dispatched cadre or
    applicant) through the rosters, assignments and candidacies of the user's subtree. Being named on a roster, an
    assignment or a candidacy never makes a member of another subtree visible (nor their numbers unmaskable)."""
    from qingfeng.people.models import Person

    root = scope_root(user)
    if root is None:
        return Person.objects.all()
    through = (Q(assignments__org__path__startswith=root.path)
               | Q(lecturer_roles__team__org__path__startswith=root.path)
               | Q(candidacies__org__path__startswith=root.path))
    for lookup in PERSON_REACH:
        through |= Q(**{f"{lookup}__path__startswith": root.path})
    return Person.objects.filter(Q(org__path__startswith=root.path) | Q(org__isnull=True) & through).distinct()


def get_person_for_user(user: User, pk: int | str, write: bool = False) -> Person:
    from qingfeng.people.models import Person

    try:
        person = visible_people(user).select_related("org").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        require_write(user, WRITERS_PARTY_WORK)
        # Writing (a transfer, say) needs the member's current organization in scope.
        if person.org is None or not org_in_scope(user, person.org):
            raise PermissionDenied
    return person


# ---- grassroots ------------------------------------------------------------------------


def get_election_for_user(user: User, pk: int | str, write: bool = False) -> Election:
    from qingfeng.orgs.models import Election

    obj = get_in_scope(Election.objects.select_related("org"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


# ---- service, entities, burden ---------------------------------------------------------


# ---- discipline (restricted; the records' access is qingfeng.discipline.access) -----------------------------------------------------------

def require_discipline(user: User | AnonymousUser) -> None:
    """Outside the discipline roles, restricted records do not exist (404)."""
    if not user.is_authenticated or not user.sees_discipline:
        raise Http404


# ---- personal data (PIPL) --------------------------------------------------------------

# Roles that keep member records or investigate may see a full ID or phone number, one at a time
# and logged (audit:unmask); everyone else sees 140105********1234.
UNMASKERS = {Role.ADMIN, Role.ORGANIZATION, Role.CLERK, Role.DISCIPLINE}


def can_unmask(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in UNMASKERS)
