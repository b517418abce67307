"""Access to commendations: a decision is seen by whoever sees one of the collectives or persons it commends (the
records' owning organizations); its honorees outside the subtree stay unseen."""

from __future__ import annotations

from django.http import Http404

from qingfeng.accounts.access import WRITERS_PARTY_WORK, require_write, scope_root, visible
from qingfeng.honors.models import Commendation, Honoree

WRITERS = WRITERS_PARTY_WORK


def visible_honorees(user):
    return visible(Honoree.objects.all(), user)


def visible_commendations(user):
    if scope_root(user) is None:
        return Commendation.objects.all()
    return Commendation.objects.filter(pk__in=visible_honorees(user).values("commendation_id"))


def get_commendation_for_user(user, code: str, write: bool = False) -> Commendation:
    try:
        obj = visible_commendations(user).get(code=code)
    except (Commendation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if write:
        require_write(user, WRITERS)
    return obj
