"""Access to collective-economy support items (the shared subtree rule of accounts.access, on the village)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.economy.models import SupportItem

WRITERS = WRITERS_PARTY_WORK


def get_support_item_for_user(user, code: str, write: bool = False) -> SupportItem:
    obj = get_in_scope(SupportItem.objects.select_related("org"), user, "org", code=code)
    if write:
        require_write(user, WRITERS)
    return obj
