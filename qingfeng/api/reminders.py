"""/inbox and /me/calendar: what is due for the token's user (qingfeng.reminders), as on the inbox page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from qingfeng.api.errors import READ_ERRORS, bad_request
from qingfeng.api.params import Day
from qingfeng.core import dates

router = Router(tags=["reminders"])


class InboxQuery(Schema):
    on: Day | None = Field(None, description="日期，缺省为今天 / the day, default today")


class InboxItemOut(Schema):
    kind: str = Field(description="meeting, meetings_below, finding, verify, election, development, transfer, dues, service")
    kind_name: str
    title: str = Field(description="中文 / in Chinese")
    title_en: str = Field(description="in English")
    due: dt.date
    org: str = Field(description="组织编码 / organization code")
    org_name: str
    url: str = Field(description="办理页面 / the page where it is done")


class InboxOut(Schema):
    count: int = Field(description="事项数（已到期、本周到期、本月稍后）/ items: overdue, this week, later this month")
    due_soon: int = Field(description="已到期与本周到期（铃铛上的数字）/ overdue or due within the week: the bell")
    results: list[InboxItemOut]


class CalendarOut(Schema):
    url: str = Field(description="日历订阅地址（无需登录即可读取，请妥善保管）/ the feed; anyone holding it can read it")
    created_at: dt.datetime | None


@router.get("/inbox", response={200: InboxOut, **READ_ERRORS}, summary="待办 / what is due")
def inbox(request, query: Query[InboxQuery]):
    """The inbox of the token's user on the day (overdue first, then by due day); items the user hid are left out.
    Each item disappears once the record that satisfies it is written."""
    from qingfeng.reminders.due import FIRST_DAY, LAST_DAY, in_range, inbox_for

    on = query.on or dates.today()
    if not in_range(on):
        raise bad_request(f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间。", f"The day must lie between {FIRST_DAY} and {LAST_DAY}.",
                          code="invalid_day")
    box = inbox_for(request.auth, on)
    with translation.override("en"):
        english = [i.title for i in box.items]
    rows = [{"kind": i.kind, "kind_name": i.kind_label, "title": i.title, "title_en": en, "due": i.due,
             "org": i.org_code, "org_name": i.org_name, "url": i.url} for i, en in zip(box.items, english, strict=True)]
    return {"count": len(rows), "due_soon": box.count, "results": rows}


@router.get("/me/calendar", response={200: CalendarOut, **READ_ERRORS}, summary="日历订阅地址 / the calendar feed")
def me_calendar(request):
    """The user's secret calendar address (made on first request; renewed or revoked on 我的账户). An RFC 5545
    calendar with one all-day event per item, readable without a session."""
    from qingfeng.reminders import actions

    pref = actions.open_feed(request.auth)
    url = request.build_absolute_uri(reverse("reminders:calendar", args=[actions.feed_secret(pref)]))
    return {"url": url, "created_at": pref.feed_created_at}
