"""Bearer-token authentication and the password exchange behind POST /api/v1/auth/token."""

from __future__ import annotations

import inspect

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
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
    """The user for these credentials, through the same checks as the sign-in page.

    Engineer "security" provides qingfeng.accounts.auth.check_credentials (lockout, second factor,
    audit); without it, django.contrib.auth.authenticate (every configured backend) decides."""
    try:
        from qingfeng.accounts.auth import LoginRefused
        from qingfeng.accounts.auth import check_credentials as checked
    except ImportError:
        checked = None
    if checked is None:
        try:
            user = authenticate(request, username=username, password=password)
        except PermissionDenied:
            user = None
        if user is None or not user.is_active:
            raise CredentialsRejected("bad_credentials", "用户名或密码不正确。", "Wrong username or password.")
        return user
    extra = {"channel": "api"} if "channel" in inspect.signature(checked).parameters else {}
    try:
        return checked(request, username, password, otp=otp, **extra)
    except LoginRefused as refusal:
        code = getattr(refusal, "code", "invalid")
        message = getattr(refusal, "message", str(refusal))
        with translation.override("zh-hans"):
            zh = str(message)
        with translation.override("en"):
            en = str(message)
        if en == zh:  # no English catalogue entry yet
            en = "Sign-in refused." if code != "invalid" else "Wrong username or password."
        raise CredentialsRejected("bad_credentials" if code == "invalid" else code, zh, en) from refusal
