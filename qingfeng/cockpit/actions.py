"""Writes of the cockpit app: a new version of the assessment definition (append-only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qingfeng.cockpit.assessment import validate_definition
from qingfeng.cockpit.models import AssessmentVersion


def save_assessment(definition, user, note: str) -> AssessmentVersion:
    """Validates the definition and stores it as the next version; the previous versions stay as history.

    Only a 系统管理员 may change the definition. Nothing is written when anything is wrong."""
    if not (user and user.is_authenticated and user.is_platform_admin):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写修改说明"))
    clean = validate_definition(definition)
    with transaction.atomic():
        # Serialize concurrent saves on the version number (unique): the loser gets an IntegrityError.
        number = (AssessmentVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        return AssessmentVersion.objects.create(number=number, definition=clean, note=note[:200], created_by=user)
