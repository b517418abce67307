"""The morning e-mail (每日提醒): each opted-in user's inbox, sent once per user and day, only when something is
due (overdue or within the week), never twice.

Run by `qingfeng remind --send` (from cron, every morning). "Never twice" is a row per (user, day) with a
unique constraint, committed *before* the message leaves: a second run (or a run racing this one) finds the
row and skips the user. When sending fails the row is removed again, so a later run retries; a process killed
between sending and nothing else leaves the row, and the user gets no second copy."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.core import dates
from qingfeng.reminders.due import Inbox, inbox_for
from qingfeng.reminders.models import DigestSent, Preference

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    username: str
    status: str  # "sent" | "nothing due" | "already sent" | "no address" | "failed"
    items: int = 0


def absolute(path: str) -> str:
    return settings.QINGFENG_BASE_URL.rstrip("/") + path


def message_for(user, inbox: Inbox) -> EmailMultiAlternatives:
    context = {"account": user, "inbox": inbox, "groups": [(key, label, [(i, absolute(i.url)) for i in items])
                                                            for key, label, items in inbox.groups() if items],
               "inbox_url": absolute(reverse("reminders:inbox")), "settings_url": absolute(reverse("accounts:profile"))}
    subject = _("清风待办：%(n)s 项已到期或本周到期（%(day)s）") % {"n": inbox.count, "day": inbox.on.isoformat()}
    # Mail clients offer "unsubscribe" from this header: it opens 我的账户, where the e-mail is switched off.
    message = EmailMultiAlternatives(subject, render_to_string("reminders/digest.txt", context),
                                     settings.DEFAULT_FROM_EMAIL, [user.email],
                                     headers={"List-Unsubscribe": f"<{context['settings_url']}>"})
    message.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
    return message


def send_digests(on: dt.date | None = None, usernames: list[str] | None = None) -> list[Outcome]:
    """Send the day's e-mail to every opted-in active user (or those named) with something due."""
    on = on or dates.today()
    prefs = Preference.objects.filter(digest=True, user__is_active=True).select_related("user", "user__org")
    if usernames:
        prefs = prefs.filter(user__username__in=usernames)
    outcomes = []
    for pref in prefs.order_by("user__username"):
        user = pref.user
        if not user.email:
            outcomes.append(Outcome(user.username, "no address"))
            continue
        if DigestSent.objects.filter(user=user, day=on).exists():
            outcomes.append(Outcome(user.username, "already sent"))
            continue
        with translation.override(settings.LANGUAGE_CODE):
            inbox = inbox_for(user, on)
            if inbox.count == 0:
                outcomes.append(Outcome(user.username, "nothing due"))
                continue
            message = message_for(user, inbox)
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(user=user, day=on, items=len(inbox.items))
        except IntegrityError:
            outcomes.append(Outcome(user.username, "already sent"))
            continue
        try:
            message.send()
        except Exception:  # noqa: BLE001 — any failure of the mail server: give the day back for a retry
            log.exception("reminder e-mail to %s failed", user.username)
            DigestSent.objects.filter(pk=claim.pk).delete()
            outcomes.append(Outcome(user.username, "failed", len(inbox.items)))
            continue
        outcomes.append(Outcome(user.username, "sent", len(inbox.items)))
    return outcomes
