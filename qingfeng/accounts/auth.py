"""Sign-in checks shared by every path in: the web login, the API token endpoint, Django's
authenticate() (through backends.QingfengBackend) and so the admin.

`check_credentials(request, username, password, otp=None)` returns the user or raises
`LoginRefused` with a reason in Chinese. It applies, in order:
- the lockout: 5 failed attempts for one username lock it for 15 minutes (even with the right
  password), counted for unknown usernames too so that the answer never tells which exist;
- the password (Argon2, settings.PASSWORD_HASHERS), in the same time whether the user exists;
- the second factor: a user who enrolled a TOTP device, or whose role is listed in
  settings.QINGFENG_TOTP_REQUIRED_ROLES, must give a current code; a required but missing
  enrolment refuses with code "enrol_required" (the web login then lets the user in only as
  far as the enrolment page).
Every success and failure is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import TYPE_CHECKING

import pyotp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from qingfeng.accounts.models import LoginThrottle, TotpDevice, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOTP_ISSUER = "清风党建"
TOTP_STEP = 30


def lockout_failures() -> int:
    return int(getattr(settings, "QINGFENG_LOCKOUT_FAILURES", 5))


def lockout_period() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "QINGFENG_LOCKOUT_MINUTES", 15)))


class LoginRefused(Exception):  # noqa: N818 — a refusal, not a programming error
    """code: invalid | locked | otp_required | otp_invalid | enrol_required. `user` is set only when
    the password was right (otp_required, enrol_required), for the second step of the web login."""

    def __init__(self, code: str, message: StrOrPromise, user: User | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.user = user


INVALID = _("用户名或密码不正确。")
OTP_REQUIRED = _("请输入动态口令（身份验证器应用中的6位数字）。")
OTP_INVALID = _("动态口令不正确或已使用过，请输入最新的6位数字。")
ENROL_REQUIRED = _("您的角色要求使用动态口令，请先在“我的账户”页面绑定。")


def totp_required_for(user: User) -> bool:
    roles = set(getattr(settings, "QINGFENG_TOTP_REQUIRED_ROLES", ()) or ())
    if user.role in roles:
        return True
    return user.is_superuser and "admin" in roles


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def _audit(request: HttpRequest | None, action: str, user: User | None, username: str, summary: str) -> None:
    from qingfeng.audit.context import client_ip
    from qingfeng.audit.models import record

    # A username that failed to sign in is logged by name, without a user row.
    record(user, action, model="accounts.User", object_id=str(user.pk) if user else "", summary=summary,
           ip=client_ip(request), username=username)


def locked_until(username: str, now: dt.datetime | None = None) -> dt.datetime | None:
    now = now or timezone.now()
    row = LoginThrottle.objects.filter(username=username).values_list("locked_until", flat=True).first()
    return row if row is not None and row > now else None


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return ngettext(
        "连续登录失败次数过多，该账户已锁定，请 %(minutes)d 分钟后再试。",
        "连续登录失败次数过多，该账户已锁定，请 %(minutes)d 分钟后再试。",
        minutes,
    ) % {"minutes": minutes}


def _record_failure(request: HttpRequest | None, username: str, user: User | None, reason: str) -> LoginRefused | None:
    """Count one failure; returns the lockout refusal when this failure locks the account."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(username=username)
        if row.last_failure_at is None or now - row.last_failure_at > lockout_period():
            row.failures = 0  # old failures are forgotten after the lockout period
        row.failures += 1
        row.last_failure_at = now
        locked = row.failures >= lockout_failures()
        if locked:
            row.locked_until = now + lockout_period()
            row.failures = 0
        row.save()
        _audit(request, "login_failed", user, username, reason + ("; 账户已锁定" if locked else ""))
    if row.locked_until is not None and locked:
        return LoginRefused("locked", _locked_message(row.locked_until, now))
    return None


def _record_success(request: HttpRequest | None, user: User, channel: str) -> None:
    with transaction.atomic():
        LoginThrottle.objects.filter(username=user.get_username()).exclude(failures=0, locked_until__isnull=True).update(
            failures=0, last_failure_at=None, locked_until=None
        )
        _audit(request, "login", user, user.get_username(), channel)


def _password_user(username: str, password: str) -> User | None:
    try:
        user = User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        User().set_password(password)  # spend the same time as a real check
        return None
    if user.check_password(password) and user.is_active:
        return user
    return None


def verify_totp(device: TotpDevice, code: str | None, now: dt.datetime | None = None) -> bool:
    """True for a current code (one step of clock drift either way) not used before; marks it used."""
    code = (code or "").strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return False
    now = now or timezone.now()
    totp = pyotp.TOTP(device.secret, interval=TOTP_STEP)
    current = int(now.timestamp()) // TOTP_STEP
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_STEP), code):
            with transaction.atomic():
                used = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            if used:
                device.last_step = step
                return True
            return False  # replayed
    return False


def check_second_factor(request: HttpRequest | None, user: User, otp: str | None, channel: str = "web") -> User:
    """The second step alone (the web login asks for the code on its own page)."""
    until = locked_until(user.get_username())
    if until is not None:
        raise LoginRefused("locked", _locked_message(until, timezone.now()))
    device = confirmed_device(user)
    if device is None:
        if totp_required_for(user):
            raise LoginRefused("enrol_required", ENROL_REQUIRED, user=user)
        _record_success(request, user, channel)
        return user
    if not (otp or "").strip():
        raise LoginRefused("otp_required", OTP_REQUIRED, user=user)
    if not verify_totp(device, otp):
        lock = _record_failure(request, user.get_username(), user, "动态口令错误")
        raise lock or LoginRefused("otp_invalid", OTP_INVALID)
    _record_success(request, user, channel)
    return user


def admit_for_enrolment(request: HttpRequest, user: User) -> None:
    """The web login lets a user whose role needs a second factor, but who has none yet, as far
    as the enrolment page (accounts.middleware keeps them there)."""
    _record_success(request, user, "web (enrolment only)")


def check_credentials(request: HttpRequest | None, username: str, password: str, otp: str | None = None,
                      channel: str = "web") -> User:
    """The user, when every sign-in check passes; else LoginRefused with a Chinese message."""
    username = (username or "").strip()
    if not username or not password:
        raise LoginRefused("invalid", INVALID)
    until = locked_until(username)
    if until is not None:
        _audit(request, "login_failed", None, username, "账户锁定期间尝试登录")
        raise LoginRefused("locked", _locked_message(until, timezone.now()))
    user = _password_user(username, password)
    if user is None:
        lock = _record_failure(request, username, None, "用户名或密码错误")
        raise lock or LoginRefused("invalid", INVALID)
    return check_second_factor(request, user, otp, channel=channel)


# ---- enrolment -------------------------------------------------------------------------

def pending_device(user: User) -> TotpDevice:
    """The user's device, created unconfirmed with a fresh secret when there is none."""
    device, _created = TotpDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret, interval=TOTP_STEP).provisioning_uri(
        name=device.user.get_username(), issuer_name=TOTP_ISSUER
    )


# ---- codes typed to bind or unbind the second factor ------------------------------------------

CODE_LOCKED = _("验证码错误次数过多，已暂停验证，请 %(minutes)d 分钟后再试。")


def _code_key(user: User) -> str:
    # A username never holds ":" (Django's username validator), so this row cannot be a sign-in's.
    return f"totp:{user.get_username()}"[:150]


def check_device_code(request: HttpRequest | None, user: User, device: TotpDevice, code: str | None) -> bool:
    """A code typed on the enrolment page (to bind or to unbind): wrong codes count like failed sign-ins — five in
    15 minutes stop the checks for 15 minutes — so a borrowed session cannot try the million codes. Raises
    LoginRefused("locked") while stopped; returns whether the code was right."""
    key, now = _code_key(user), timezone.now()
    until = locked_until(key, now)
    if until is not None:
        minutes = max(1, -(-int((until - now).total_seconds()) // 60))
        raise LoginRefused("locked", CODE_LOCKED % {"minutes": minutes}, user)
    if verify_totp(device, code, now):
        LoginThrottle.objects.filter(username=key).delete()
        return True
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(username=key)
        if row.last_failure_at is None or now - row.last_failure_at > lockout_period():
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        locked = row.failures >= lockout_failures()
        if locked:
            row.locked_until, row.failures = now + lockout_period(), 0
        row.save()
        _audit(request, "update", user, user.get_username(), "动态口令验证码错误" + ("；已暂停验证" if locked else ""))
    if locked:
        raise LoginRefused("locked", CODE_LOCKED % {"minutes": int(lockout_period().total_seconds() // 60)}, user)
    return False
