"""Writes of attachments: check every file first, then store them and write the rows in one transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from qingfeng.files.checks import check_upload
from qingfeng.files.models import Attachment, FileKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User


def _root() -> Path:
    return Path(settings.MEDIA_ROOT)


def attach_files(obj: Model, uploads: Iterable[UploadedFile[Any] | None], *, user: User | AnonymousUser | None,
                 kind: str = FileKind.OTHER, org_id: int | None = None) -> list[Attachment]:
    """Attach uploaded files to `obj` (a record with an `org_id`). All files are checked before any is
    written; if anything fails, the files stored so far are removed again and nothing is recorded."""
    files = [u for u in uploads if u]
    if not files:
        return []
    if kind not in FileKind.values:
        kind = FileKind.OTHER
    owner: int = org_id or obj.serializable_value("org")  # a ledger record's org foreign key, as its id
    checked = [check_upload(u) for u in files]  # raises ValidationError before anything is written
    content_type = ContentType.objects.get_for_model(obj)
    now = timezone.now()
    written: list[Path] = []
    try:
        with transaction.atomic():
            rows: list[Attachment] = []
            for item in checked:
                relative = f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{item.ext}"
                target = _root() / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.data)
                written.append(target)
                rows.append(Attachment(
                    content_type=content_type, object_id=obj.pk, org_id=owner, kind=kind,
                    name=item.name, mime=item.mime, size=len(item.data), sha256=hashlib.sha256(item.data).hexdigest(),
                    stored=relative, uploaded_by=user if user is not None and user.is_authenticated else None,
                ))
            for row in rows:
                row.save()  # the audit log's save signal records each upload
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return rows


def open_attachment(attachment: Attachment) -> BinaryIO:
    return (_root() / attachment.stored).open("rb")
