"""Access to 办实事 items (the shared subtree rule of accounts.access)."""

from __future__ import annotations

from qingfeng.accounts.access import WRITERS_PARTY_WORK, get_in_scope, require_write
from qingfeng.files.access import attachable
from qingfeng.service.models import ServiceItem


def get_service_item_for_user(user, code: str, write: bool = False) -> ServiceItem:
    obj = get_in_scope(ServiceItem.objects.select_related("org"), user, "org", code=code)
    if write:
        require_write(user, WRITERS_PARTY_WORK)
    return obj


attachable("service.serviceitem", lambda user, obj: get_service_item_for_user(user, obj.code))
