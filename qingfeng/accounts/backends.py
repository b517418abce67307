"""The only authentication backend: Django's model backend behind the platform's sign-in checks,
so that every caller of django.contrib.auth.authenticate() gets the lockout and the second factor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from qingfeng.accounts.auth import LoginRefused, check_credentials
from qingfeng.accounts.models import User


class QingfengBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     otp: str | None = None, **kwargs: Any) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            return check_credentials(request, username, password, otp=otp, channel="authenticate")
        except LoginRefused as refusal:
            # Stop here: no other backend may let a locked or half-verified user in.
            raise PermissionDenied(refusal.message) from refusal
