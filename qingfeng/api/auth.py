"""Bearer-token authentication and the password exchange behind POST /api/v1/auth/token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from ninja.security import HttpBearer

from qingfeng.api.actions import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token.strip())
        if user is None:
            return None
        # The access layer reads request.user in places; the session user must never leak in.
        request.user = user
        return user


class CredentialsRejected(Exception):
    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.message_zh, self.message_en = message_zh, message_en


def check_credentials(request, username: str, password: str, otp: str | None = None):
    """The user for these credentials, through the same checks as the sign-in page.

    Engineer "security" provides qingfeng.accounts.auth.check_credentials (lockout, second
    factor); without it, django.contrib.auth.authenticate (every backend) decides."""
    try:
        from qingfeng.accounts.auth import check_credentials as checked
    except ImportError:
        checked = None
    if checked is not None:
        try:
            return checked(request, username, password, otp=otp)
        except Exception as exc:  # noqa: BLE001 — any refusal is a refusal; its message says why
            message = str(getattr(exc, "message", "") or (exc.messages[0] if hasattr(exc, "messages") else exc))
            raise CredentialsRejected(message or "用户名或密码不正确。", _english(message)) from exc
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise CredentialsRejected("用户名或密码不正确。", "Wrong username or password.")
    return user


def _english(message: str) -> str:
    from django.utils import translation

    with translation.override("en"):
        english = str(translation.gettext(message))
    return english if english != message else "The credentials were refused."
