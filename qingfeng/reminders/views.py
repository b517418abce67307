"""The inbox (待办) and its bell, hiding an item, the settings under 我的账户, and the calendar feed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from qingfeng.core import dates
from qingfeng.reminders import actions
from qingfeng.reminders.due import Inbox, derive, hidden_keys, in_range, inbox_for, items_for
from qingfeng.reminders.feed import calendar_for


def _day(text: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None
    return day if day is not None and in_range(day) else None


def _back(request: HttpRequest) -> HttpResponse:
    on = _day(request.POST.get("on"))
    url = reverse("reminders:inbox")
    if on and on != dates.today():
        url += f"?on={on.isoformat()}"
    return redirect(url)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Overdue, due this week, due later this month — each with the link to the page where it is done."""
    today = dates.today()
    on = _day(request.GET.get("on")) or today
    items = derive(request.user, on)
    hidden = hidden_keys(request.user)
    box = Inbox.build([i for i in items if i.key not in hidden], on)
    shown_hidden = [i for i in items if i.key in hidden] if request.GET.get("hidden") else []
    return render(request, "reminders/inbox.html", {
        "box": box, "on": on, "on_text": on.isoformat(), "today": today, "is_today": on == today,
        "hidden_count": sum(1 for i in items if i.key in hidden), "shown_hidden": shown_hidden,
    })


@login_required
@require_GET
@never_cache
def bell(request: HttpRequest) -> HttpResponse:
    """The top bar's count (overdue and due within the week), fetched after the page has loaded."""
    return render(request, "reminders/_bell.html", {"count": inbox_for(request.user).count})


@login_required
@require_POST
def hide(request: HttpRequest) -> HttpResponse:
    try:
        actions.hide(request.user, request.POST.get("item", ""), _day(request.POST.get("on")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已隐藏该待办，可在“已隐藏”中恢复。"))
    return _back(request)


@login_required
@require_POST
def unhide(request: HttpRequest) -> HttpResponse:
    actions.unhide(request.user, request.POST.get("item", ""))
    messages.success(request, _("已恢复显示该待办。"))
    return _back(request)


# ---- 我的账户: the morning e-mail and the calendar feed -------------------------------------------

@login_required
@require_POST
def digest(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("digest") == "on"
    try:
        actions.set_digest(request.user, enabled, request.POST.get("email", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已开启每日提醒邮件。") if enabled else _("已关闭每日提醒邮件。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def feed(request: HttpRequest) -> HttpResponse:
    renew = request.POST.get("op") == "renew"
    actions.open_feed(request.user, renew=renew)
    messages.success(request, _("已生成新的日历订阅地址，原地址已失效。") if renew else _("已生成日历订阅地址。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    actions.revoke_feed(request.user)
    messages.success(request, _("已停用日历订阅地址。"))
    return redirect("accounts:profile")


@require_GET
@never_cache
def calendar(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed, read without a session: the secret in the address is the only credential; an unknown, revoked
    or forged one is 404."""
    user = actions.feed_owner(secret)
    if user is None:
        raise Http404
    body = calendar_for(items_for(user), request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qingfeng.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response

