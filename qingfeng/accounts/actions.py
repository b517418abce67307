"""Writes to accounts: second-factor enrolment, logging out everywhere, changing a password."""

from __future__ import annotations

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.auth import LoginRefused, check_device_code, pending_device, totp_required_for
from qingfeng.accounts.models import TotpDevice, User


def _code(request: HttpRequest | None, user: User, device: TotpDevice, code: str) -> None:
    try:
        right = check_device_code(request, user, device, code)  # wrong codes count towards a lockout
    except LoginRefused as refusal:
        raise ValidationError(str(refusal.message)) from refusal
    if not right:
        raise ValidationError(_("验证码不正确，请核对身份验证器中的6位数字后重试。"))


def confirm_totp(user: User, code: str, request: HttpRequest | None = None) -> TotpDevice:
    """Enrol: the code from the authenticator proves the secret was copied right."""
    with transaction.atomic():
        device = pending_device(user)
        if device.is_confirmed:
            raise ValidationError(_("动态口令已经绑定。"))
    _code(request, user, device, code)
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    return device


def restart_totp(user: User) -> TotpDevice:
    """A new secret for an enrolment not yet confirmed (a lost or mistyped secret)."""
    with transaction.atomic():
        device = pending_device(user)
        if device.is_confirmed:
            raise ValidationError(_("动态口令已经绑定。"))
        device.secret = pyotp.random_base32()
        device.last_step = 0
        device.save(update_fields=["secret", "last_step"])
    return device


def remove_totp(user: User, code: str, request: HttpRequest | None = None) -> None:
    """Unbind, proven by a current code; refused when the role requires a second factor."""
    if totp_required_for(user):
        raise ValidationError(_("您的角色要求使用动态口令，不能解除绑定。"))
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise ValidationError(_("尚未绑定动态口令。"))
    _code(request, user, device, code)
    TotpDevice.objects.filter(pk=device.pk).delete()


def log_out_everywhere(user: User) -> None:
    """Every session of the user, on every device, ends at its next request."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        from qingfeng.audit.models import record

        record(user, "update", user, summary="退出所有设备的登录", after={"session_epoch": user.session_epoch})


def change_password(user: User, new_password: str) -> None:
    """The new password must pass settings.AUTH_PASSWORD_VALIDATORS; other sessions end (the
    session hash covers the password)."""
    from django.contrib.auth.password_validation import validate_password

    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
