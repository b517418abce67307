"""The platform's own burden on the grassroots (the indicator burden.entries): one Entry per record created
through a page, the API or an import, written in the same transaction as the record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Model
from django.utils import timezone

from qingfeng.core.models import Entry

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User


def log_entries(objects: Iterable[Model], channel: str, user: User | AnonymousUser | None = None,
                org_attr: str = "org_id", at: dt.datetime | None = None, org_id: int | None = None) -> int:
    """Record that these freshly created objects were entered through `channel` (a Source value); each belongs to
    its own organization (`org_attr`), or to `org_id` when given (rows of a record, such as its attendance)."""
    at = at or timezone.now()
    rows = [
        Entry(org_id=org_id if org_id is not None else getattr(obj, org_attr), at=at, model=obj._meta.label_lower, object_id=obj.pk, channel=channel,
              user=user if user is not None and user.is_authenticated else None)
        for obj in objects
    ]
    Entry.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
