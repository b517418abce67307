"""Access to the two-new-organization register (the shared subtree rule of accounts.access)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.entities.models import Entity
from qingfeng.files.access import attachable


def get_entity_for_user(user, credit_code: str, write: bool = False) -> Entity:
    obj = get_in_scope(Entity.objects.select_related("org"), user, "org", credit_code=credit_code)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


attachable("entities.entity", lambda user, obj: get_entity_for_user(user, obj.credit_code))
