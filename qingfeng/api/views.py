"""The user's own API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from qingfeng.api import actions
from qingfeng.api.forms import TokenForm
from qingfeng.api.models import ApiToken


def _page(request, form, new_token: str | None = None, status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).select_related("user").order_by("revoked_at", "-created_at", "-id")
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}, status=status)


@require_GET
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@require_POST
@login_required
@never_cache
def create_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, raw = actions.issue_token(request.user, form.cleaned_data["name"], form.cleaned_data["days"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form, status=400)
    # Rendered, not redirected: the token exists in clear only in this one response.
    return _page(request, TokenForm(), new_token=raw)


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = actions.revoke_token(request.user, pk)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("api:tokens")
