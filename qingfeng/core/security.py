"""Content-Security-Policy on every response: scripts only from our own static files.

style-src keeps 'unsafe-inline' on purpose: htmx injects a <style> element for its request
indicators, ECharts writes tooltips as HTML with style attributes and Tabler's components
(progress bars, avatars) set widths in style attributes. Inline styles cannot run code; inline
scripts can, and they are forbidden."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

DEFAULT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_header() -> str:
    policy = dict(DEFAULT_POLICY)
    policy.update(getattr(settings, "QINGFENG_CSP", {}) or {})
    return "; ".join(f"{name} {value}" for name, value in policy.items() if value)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response
