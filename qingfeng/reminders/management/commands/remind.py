"""`qingfeng remind [--on DATE] [--user NAME …] [--send] [--format text|json]`.

Without --send: what the morning e-mail would hold — with --user, that user's inbox (overdue, this week, later
this month); without, one line per opted-in user. With --send: the day's e-mails (once per user and day; see
qingfeng.reminders.digest) — the entry point for cron, every morning."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.core import dates
from qingfeng.reminders.digest import send_digests
from qingfeng.reminders.due import FIRST_DAY, LAST_DAY, in_range, inbox_for
from qingfeng.reminders.models import Preference


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Lists what is due for users (the inbox), or sends the day's reminder e-mails with --send."

    def add_arguments(self, parser):
        parser.add_argument("--on", default=None, help="the day (YYYY-MM-DD); default: today")
        parser.add_argument("--user", action="append", default=[], help="a username (repeatable)")
        parser.add_argument("--send", action="store_true", help="send the e-mails of opted-in users")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else dates.today()
        except ValueError as exc:
            raise CommandError(f"--on: 日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {options['on']}") from exc
        if not in_range(on):
            raise CommandError(f"--on: 日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间 / the day must lie between them")
        names = options["user"]
        unknown = sorted(set(names) - set(User.objects.filter(username__in=names).values_list("username", flat=True)))
        if unknown:
            raise CommandError(f"没有用户 / no such user: {', '.join(unknown)}")
        with translation.override(settings.LANGUAGE_CODE):
            if options["send"]:
                self.send(on, names, options["format"])
            elif names:
                self.show(on, names, options["format"])
            else:
                self.survey(on, options["format"])

    def send(self, on, names, fmt):
        outcomes = send_digests(on, names or None)
        if fmt == "json":
            self.stdout.write(json.dumps([o.__dict__ for o in outcomes], ensure_ascii=False))
        else:
            for o in outcomes:
                self.stdout.write(f"{o.username}\t{o.status}\t{o.items}")
            sent = sum(1 for o in outcomes if o.status == "sent")
            self.stdout.write(f"{on}: {sent} sent")
        if any(o.status == "failed" for o in outcomes):
            raise CommandError("some e-mails could not be sent (see the log); run again to retry them")

    def show(self, on, names, fmt):
        out = {}
        for user in User.objects.filter(username__in=names).select_related("org").order_by("username"):
            box = inbox_for(user, on)
            out[user.username] = {"count": box.count, "groups": {
                key: [{"kind": i.kind, "title": i.title, "due": i.due.isoformat(), "org": i.org_code, "url": i.url}
                      for i in items] for key, _label, items in box.groups()}}
            if fmt == "text":
                self.stdout.write(f"{user.username} {on}: {box.count}")
                for _key, label, items in box.groups():
                    self.stdout.write(f"  {label} ({len(items)})")
                    for i in items:
                        self.stdout.write(f"    {i.due}  {i.kind:<11} {i.org_code:<16} {i.title}  {i.url}")
        if fmt == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False))

    def survey(self, on, fmt):
        rows = []
        for pref in Preference.objects.filter(digest=True, user__is_active=True).select_related("user", "user__org"):
            box = inbox_for(pref.user, on)
            rows.append({"user": pref.user.username, "email": bool(pref.user.email), "count": box.count,
                         "items": len(box.items)})
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in sorted(rows, key=lambda r: str(r["user"])):
            note = "" if r["email"] else "\tno address"
            self.stdout.write(f"{r['user']}\t{r['count']}\t{r['items']}{note}")
        self.stdout.write(f"{on}: {len(rows)} opted in")
