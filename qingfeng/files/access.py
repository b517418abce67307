"""Who may fetch an attachment: exactly who may see the record it is attached to."""

from __future__ import annotations

from django.http import Http404

from qingfeng.accounts import access
from qingfeng.files.models import Attachment

# model label → how to fetch the record through the access layer (raises Http404 outside scope)
RECORD_ACCESS = {
    "activities.activity": lambda user, obj: access.get_activity_for_user(user, obj.code),
    "supervision.finding": lambda user, obj: access.get_finding_for_user(user, obj.code),
    "service.serviceitem": lambda user, obj: access.get_service_item_for_user(user, obj.code),
    "grassroots.weakorgcase": lambda user, obj: access.get_weak_case_for_user(user, obj.pk),
    "entities.entity": lambda user, obj: access.get_entity_for_user(user, obj.credit_code),
    "burden.reportform": lambda user, obj: access.get_report_form_for_user(user, obj.code),
}


def get_attachment_for_user(user, key: str) -> Attachment:
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
