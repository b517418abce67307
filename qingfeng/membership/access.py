"""Access to lifecycle records, on the same rules as accounts.access."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qingfeng.accounts.access import (
    WRITERS_PARTY_WORK,
    get_in_scope,
    org_in_scope,
    require_write,
    scope_root,
    visible,
)
from qingfeng.membership.models import Candidate, TransferLetter, TransferRequest


def visible_candidates(user):
    return visible(Candidate.objects.all(), user)


def get_candidate_for_user(user, pk, write: bool = False) -> Candidate:
    candidate = get_in_scope(Candidate.objects.select_related("person", "org"), user, "org", pk=pk)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return candidate


def visible_transfers(user):
    """A transfer concerns both ends: the sender's and the receiver's subtree see it."""
    root = scope_root(user)
    qs = TransferRequest.objects.select_related("person", "from_org", "to_org")
    if root is None:
        return qs
    return qs.filter(Q(from_org__path__startswith=root.path) | Q(to_org__path__startswith=root.path))


def get_transfer_for_user(user, pk, decide: bool = False) -> TransferRequest:
    try:
        request = visible_transfers(user).get(pk=pk)
    except (TransferRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if decide:
        require_write(user, WRITERS_PARTY_WORK)
        if not org_in_scope(user, request.to_org):
            raise Http404  # only the receiving side accepts or returns
    return request


def get_letter_for_user(user, pk) -> TransferLetter:
    return get_in_scope(TransferLetter.objects.select_related("person", "from_org"), user, "from_org", pk=pk)
