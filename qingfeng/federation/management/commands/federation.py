"""`qingfeng federation publish [--depth N] [--url URL] [--root CODE]` on a city;
`qingfeng federation province --code CODE --name NAME`, `subscribe --city CODE --dsn DSN`, `unsubscribe --city CODE`,
`status` and `indicators --org CODE --from DATE --to DATE [--only KEYS]` on a province (docs/federation.md).

Exit 0 when done; 2 with the reason on stderr, in Chinese, and nothing changed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.federation import publish, subscribe


class Command(BaseCommand):
    help = "Federation: a city publishes its organization tree and indicator facts; a province subscribes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pub = sub.add_parser("publish", help="on a city: create or update the publication and the rows it publishes")
        pub.add_argument("--depth", type=int, default=1,
                         help="organizations published below the city's root (default 1: county level)")
        pub.add_argument("--url", default=None, help="the city platform's address, for drill links (default: QINGFENG_BASE_URL)")
        pub.add_argument("--root", default=None, help="the city's root organization code, when the database holds several")
        prov = sub.add_parser("province", help="on a province: create its own root organization")
        prov.add_argument("--code", required=True, help="组织编码, e.g. 140000")
        prov.add_argument("--name", required=True, help="名称, e.g. 中共山西省委")
        sub_ = sub.add_parser("subscribe", help="on a province: subscribe to a city's publication")
        sub_.add_argument("--city", required=True, help="the city root's 组织编码, e.g. 140100")
        sub_.add_argument("--dsn", required=True, help="how the province reaches the city's database "
                                                       "(host=… port=… dbname=… user=… password=…)")
        unsub = sub.add_parser("unsubscribe", help="on a province: drop a city's subscription and its rows")
        unsub.add_argument("--city", required=True)
        sub.add_parser("status", help="on a province: each city's replication state, lag and last change")
        ind = sub.add_parser("indicators", help="on a province: indicator values of the province or a city or county below")
        ind.add_argument("--org", required=True, help="组织编码 (the province, or a published organization of a city)")
        ind.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        ind.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        ind.add_argument("--only", default=None, help="keys with filters, as for qingfeng indicators")
        ind.add_argument("--format", choices=["json", "table"], default="json")
        warn = sub.add_parser("warnings", help="on a city: publish today's warning counts (run daily); "
                                               "on a province: print the counts of the province or an organization below")
        warn.add_argument("--org", default=None, help="on a province: 组织编码 (default: the province)")
        warn.add_argument("--format", choices=["json", "table"], default="table")
        rev = sub.add_parser("review", help="on a province: the year-in-review of the province or an organization below")
        rev.add_argument("--org", default=None, help="组织编码 (default: the province)")
        rev.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        rev.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        rev.add_argument("--format", required=True, choices=["md", "docx", "pdf", "xlsx"])
        rev.add_argument("-o", "--output", required=True, help="the file to write")
        rev.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
        rev.add_argument("--base-url", default="", help="prefix for the links (the province platform's address)")

    def handle(self, *args, **options):
        try:
            getattr(self, options["action"])(options)
        except (publish.PublishError, ImproperlyConfigured) as e:
            raise CommandError(str(e), returncode=2) from None

    def publish(self, options):
        from qingfeng.federation import alerts

        counts = publish.publish(options["depth"], options["url"], options["root"])
        city = publish.own_city()
        if city is not None:  # it is, once published
            alerts.refresh(city)
            counts["warningcount"] = alerts.WarningCount.objects.filter(city=city.code).count()
        self.stdout.write(_("已发布 %(publication)s：%(tables)s") % {
            "publication": publish.PUBLICATION,
            "tables": "，".join(f"{name} {n}" for name, n in counts.items())})
        if publish.wal_level() != "logical":
            self.stdout.write(_("注意：本库 wal_level 为 %(level)s；省级订阅之前，须在 postgresql.conf 中设为 logical 并重启 "
                                "PostgreSQL。") % {"level": publish.wal_level()})

    def province(self, options):
        root = subscribe.create_province(options["code"], options["name"])
        self.stdout.write(_("省级本级党组织：%(org)s") % {"org": root})

    def subscribe(self, options):
        made = subscribe.subscribe(options["city"], options["dsn"])
        self.stdout.write(_("已订阅：%(sub)s。首次复制在后台进行，用 qingfeng federation status 查看进度。") % {"sub": made})

    def unsubscribe(self, options):
        subscribe.unsubscribe(options["city"])
        self.stdout.write(_("已取消订阅城市 %(code)s，并删除其上报数据。") % {"code": options["city"]})

    def indicators(self, options):
        import json

        from qingfeng.federation import province
        from qingfeng.indicators.engine import IndicatorError, parse_key, parse_keys

        subscribe.check_province()
        place = province.find(options["org"])
        if place is None:
            raise publish.PublishError(_("省级库中没有组织编码“%(code)s”：只有本级和各市上报到的层级。") % {"code": options["org"]})
        try:
            start = dt.date.fromisoformat(options["start"].strip())
            end = dt.date.fromisoformat(options["end"].strip())
        except ValueError:
            raise publish.PublishError(_("日期应写作 YYYY-MM-DD。")) from None
        try:
            keys = parse_keys(options["only"]) if options["only"] is not None else None
            answer = province.compute(place, start, end, keys)
        except IndicatorError as exc:
            raise publish.PublishError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(answer.values, ensure_ascii=False))
            return
        self.stdout.write(f"{place.code} {place.name}  {start} .. {end}")
        width = max((len(k) for k in answer.values), default=0)
        for key, value in answer.values.items():
            text = "—" if value is None else str(value)
            why = answer.unavailable.get(key)
            self.stdout.write(f"{key.ljust(width)}  {text.rjust(10)}  {parse_key(key).indicator.name}"
                              + (f"（{why}）" if why else ""))

    def status(self, options):
        rows = subscribe.statuses()
        if not rows:
            self.stdout.write(_("尚未订阅任何城市。"))
            return
        now = timezone.now()
        for s in rows:
            state = (_("初始复制中（%(n)d 张表）") % {"n": s.copying} if s.copying else
                     _("同步中") if s.streaming else _("未连接（城市停机或网络中断；恢复后自动补齐）"))
            lag = _("未知（城市不可达）") if s.lag is None else _("%(s).1f 秒") % {"s": s.lag.total_seconds()}
            last = f"{timezone.localtime(s.changed_at):%Y-%m-%d %H:%M:%S}" if s.changed_at else _("（无）")
            heard = (_("%(s).0f 秒前") % {"s": (now - s.received_at).total_seconds()}) if s.received_at else _("（无）")
            behind = "" if s.bytes_behind is None else _("，WAL 落后 %(n)d 字节") % {"n": s.bytes_behind}
            self.stdout.write(_("%(code)s %(name)s：%(state)s；落后 %(lag)s%(behind)s；最后变更 %(last)s；最后收到消息 %(heard)s")
                              % {"code": s.code, "name": s.name, "state": state, "lag": lag, "behind": behind,
                                 "last": last, "heard": heard})

    def _place(self, code):
        from qingfeng.federation import province

        subscribe.check_province()
        place = province.find(code) if code else province.root()
        if place is None:
            raise publish.PublishError(_("省级库中没有组织编码“%(code)s”：只有本级和各市上报到的层级。") % {"code": code or ""})
        return place

    def _dates(self, options):
        try:
            start = dt.date.fromisoformat(options["start"].strip())
            end = dt.date.fromisoformat(options["end"].strip())
        except ValueError:
            raise publish.PublishError(_("日期应写作 YYYY-MM-DD。")) from None
        if start > end:
            raise publish.PublishError(_("开始日期 %(start)s 晚于结束日期 %(end)s。") % {"start": start, "end": end})
        return start, end

    def warnings(self, options):
        """A city: publish today's counts. A province: print them."""
        import json

        from qingfeng.federation import alerts

        if publish.tier() != "province":
            publish.check_database()
            city = publish.own_city()
            if city is None:
                raise publish.PublishError(_("本库尚未发布（qingfeng federation publish），没有可更新的预警数。"))
            written = alerts.refresh(city)
            self.stdout.write(_("已上报 %(day)s 的预警数（变更 %(n)d 行）。") % {"day": alerts.today(), "n": written})
            return
        place = self._place(options["org"])
        rows = alerts.table(alerts.counts([place])[place.pk])
        on = {code: (day.isoformat() if day else None) for code, day in alerts.as_of(place).items()}
        if options["format"] == "json":
            self.stdout.write(json.dumps({"org": place.code, "name": place.name, "as_of": on, "counts": rows},
                                         ensure_ascii=False))
            return
        self.stdout.write(f"{place.code} {place.name}  " + "，".join(
            _("%(code)s 截至 %(day)s") % {"code": c, "day": d or "—"} for c, d in on.items()))
        for r in rows:
            self.stdout.write(f"{r['label']}  " + _("红色 %(red)d，黄色 %(yellow)d") % r)
        if not rows:
            self.stdout.write(_("没有上报的预警。"))

    def review(self, options):
        from pathlib import Path

        from django.contrib.auth import get_user_model
        from django.db.models import Q
        from django.utils import translation

        from qingfeng.federation import review
        from qingfeng.reports.writers import write

        place = self._place(options["org"])
        start, end = self._dates(options)
        user = get_user_model().objects.filter(Q(is_superuser=True) | Q(role="admin"), is_active=True).order_by(
            "-is_superuser", "pk").first()
        if user is None:
            raise publish.PublishError(_("没有系统管理员账户：请先运行 qingfeng createsuperuser。"))
        with translation.override(options["language"]):
            content = write(review.build(place, start, end, user, base_url=options["base_url"]), options["format"])
        path = Path(options["output"])
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)  # a reader never sees half a file
        self.stdout.write(f"{path} ({len(content)} bytes)")
