"""Home and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qingfeng.accounts.access import scope_root, visible_orgs
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
    from qingfeng.orgs.models import Organization
    from qingfeng.people.models import Person

    root = scope_root(request.user)
    if root is None:
        roots = list(Organization.objects.filter(parent__isnull=True))
        member_count = Person.objects.filter(org__isnull=False, admitted_on__isnull=False).count()
    else:
        roots = [root]
        member_count = Person.objects.within(root).filter(admitted_on__isnull=False).count()
    return render(request, "core/home.html", {
        "roots": roots,
        "org_count": visible_orgs(request.user).count(),
        "member_count": member_count,
    })
