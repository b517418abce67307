"""Home and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qingfeng.accounts.access import scope_root
from qingfeng.core.http import AuthedRequest


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """工作台: the panels the apps register (core.home) — what is due, one-tap actions, the figures — and the day
    they are for."""
    from qingfeng.core.dates import today
    from qingfeng.core.home import panels_for

    try:
        root = scope_root(request.user)
    except Http404:
        root = None
    return render(request, "core/home.html", {"root": root, "day": today(), "panels": panels_for(request)})
