"""The calendar feed: a user's items as an RFC 5545 calendar (the icalendar package), one all-day event per item.

A phone's calendar app subscribes to /calendar/<secret>.ics once and polls it; each poll derives the items
again, so an item done in the records disappears from the phone at the next poll. The event's UID is the
item's stable key, so an item keeps its identity across polls (and days) and a calendar updates it in place."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from qingfeng.reminders.due import Item

UID_DOMAIN = "qingfeng"
POLL = dt.timedelta(hours=1)


def uid(item: Item) -> str:
    return f"{item.key}@{UID_DOMAIN}"


def calendar_for(items: list[Item], absolute, now: dt.datetime | None = None) -> bytes:
    """The feed of `items`; absolute(path) turns an item's action path into a full URL."""
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Qingfeng//Reminders//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("清风待办"))
    # RFC 7986 and the widespread extension: how often a subscriber should poll.
    cal.add("refresh-interval", POLL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for item in items:
        url = absolute(item.url)
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", now)
        event.add("dtstart", item.due)  # a date: an all-day event
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", item.title)
        event.add("description", f"{item.org_name}（{item.kind_label}）\n{url}")
        event.add("url", url)
        event.add("categories", [item.kind_label])
        event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: the day stays free
        cal.add_component(event)
    return cal.to_ical()
