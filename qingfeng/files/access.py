"""Who may fetch an attachment: exactly who may see the record it is attached to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import Http404

from qingfeng.accounts import access
from qingfeng.files.models import Attachment

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# fetch(user, record): the record's own access function; Http404 outside the user's scope. The record is of the
# model the fetcher was declared for, a different one for each entry.
Fetch = Callable[["User", Any], object]

# model label → how to fetch the record for a user through its app's access function (Http404 outside scope).
# Each ledger that takes attachments declares its own with `attachable()` (in its access module).
RECORD_ACCESS: dict[str, Fetch] = {}


def attachable(label: str, fetch: Fetch) -> None:
    """Declare that records of `label` ("app.model") take attachments, fetched for a user by fetch(user, record)."""
    RECORD_ACCESS[label] = fetch


def get_attachment_for_user(user: User, key: str) -> Attachment:
    access.scope_root(user)  # anonymous or scope-less accounts: 404
    try:
        attachment = Attachment.objects.select_related("content_type").get(key=key)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    label = f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    check = RECORD_ACCESS.get(label)
    record = attachment.record
    if check is None or record is None:
        raise Http404
    check(user, record)
    return attachment
