"""The platform's own burden on the grassroots (the indicator burden.entries): one Entry per record created
through a page, the API or an import, written in the same transaction as the record."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from qingfeng.core.models import Entry


def log_entries(objects: Iterable, channel: str, user=None, org_attr: str = "org_id", at=None) -> int:
    """Record that these freshly created objects were entered through `channel` (a Source value)."""
    at = at or timezone.now()
    rows = [
        Entry(org_id=getattr(obj, org_attr), at=at, model=obj._meta.label_lower, object_id=obj.pk, channel=channel,
              user=user if getattr(user, "is_authenticated", False) else None)
        for obj in objects
    ]
    Entry.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
