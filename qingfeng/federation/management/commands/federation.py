"""`qingfeng federation publish [--depth N] [--url URL] [--root CODE]` on a city;
`qingfeng federation subscribe --city CODE --dsn DSN` and `qingfeng federation status` on a province
(docs/federation.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingfeng.federation import publish


class Command(BaseCommand):
    help = "Federation: a city publishes its organization tree and indicator facts; a province subscribes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pub = sub.add_parser("publish", help="on a city: create or update the publication and the rows it publishes")
        pub.add_argument("--depth", type=int, default=1,
                         help="organizations published below the city's root (default 1: county level)")
        pub.add_argument("--url", default=None, help="the city platform's address, for drill links (default: QINGFENG_BASE_URL)")
        pub.add_argument("--root", default=None, help="the city's root organization code, when the database holds several")

    def handle(self, *args, **options):
        try:
            if options["action"] == "publish":
                self.publish(options)
        except publish.PublishError as e:
            raise CommandError(str(e), returncode=2) from None

    def publish(self, options):
        from django.core.exceptions import ImproperlyConfigured

        try:
            counts = publish.publish(options["depth"], options["url"], options["root"])
        except ImproperlyConfigured as e:
            raise publish.PublishError(str(e)) from None
        self.stdout.write(_("已发布 %(publication)s：%(tables)s") % {
            "publication": publish.PUBLICATION,
            "tables": "，".join(f"{name} {n}" for name, n in counts.items())})
        if publish.wal_level() != "logical":
            self.stdout.write(_("注意：本库 wal_level 为 %(level)s；省级订阅之前，须在 postgresql.conf 中设为 logical 并重启 "
                                "PostgreSQL。") % {"level": publish.wal_level()})
