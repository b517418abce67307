"""Serving attachments, only through the access layer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from qingfeng.core.http import AuthedRequest
from qingfeng.files.access import get_attachment_for_user
from qingfeng.files.actions import open_attachment

INLINE = {"application/pdf", "image/jpeg", "image/png"}


@require_GET
@login_required
def download(request: AuthedRequest, key: str) -> FileResponse:
    attachment = get_attachment_for_user(request.user, key)
    try:
        handle = open_attachment(attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=attachment.mime not in INLINE, filename=attachment.name,
                            content_type=attachment.mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
