"""The request a signed-in page receives, for annotations: its user is a User (login_required, or an access
function that answers 404 to anyone else, ran first) and the htmx middleware has set `htmx`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    user: User
