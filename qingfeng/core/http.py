"""The request a signed-in page receives, for annotations: its user is a User (login_required, or an access
function that answers 404 to anyone else, ran first) and the htmx middleware has set `htmx`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    user: User


def signed_in(request: HttpRequest) -> User:
    """request.user where only a signed-in user can be (the admin's pages, a view behind login_required)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
