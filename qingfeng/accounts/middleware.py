"""A user whose role requires a second factor but who has none may use only the enrolment page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

ENROL_FLAG = "qf_must_enrol_totp"


class TotpEnrolmentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROL_FLAG):
            allowed = {reverse("accounts:totp"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/", "/jsi18n/")):
                return redirect("accounts:totp")
        return self.get_response(request)
