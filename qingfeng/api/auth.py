"""Bearer-token authentication and the password exchange behind POST /api/v1/auth/token."""

from __future__ import annotations

from django.utils import translation
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
    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


def check_credentials(request, username: str, password: str, otp: str | None = None):
    """The user for these credentials, through the same checks as the sign-in page (accounts.auth: lockout, second
    factor, audit)."""
    from qingfeng.accounts.auth import LoginRefused
    from qingfeng.accounts.auth import check_credentials as checked

    try:
        return checked(request, username, password, otp=otp, channel="api")
    except LoginRefused as refusal:
        code = refusal.code
        message = refusal.message
        with translation.override("zh-hans"):
            zh = str(message)
        with translation.override("en"):
            en = str(message)
        if en == zh:  # no English catalogue entry yet
            en = "Sign-in refused." if code != "invalid" else "Wrong username or password."
        raise CredentialsRejected("bad_credentials" if code == "invalid" else code, zh, en) from refusal
