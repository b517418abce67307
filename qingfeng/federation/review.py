"""The year-in-review (年度综述) of the province, or of a city or county below it, from the replicated facts.

The same review as a city's (qingfeng.reports.review: its sections, sentences and writers — Markdown, Word, PDF,
Excel), with every figure from the province's values (province.compute_grid) and each linked to the province's
drill-through, which goes down the replicated levels and on to the city's records. What the province cannot
answer (province.UNAVAILABLE) has no value, so its sentence is left out and its table cell says where to look."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from qingfeng.federation import province
from qingfeng.reports import review as city_review
from qingfeng.reports.review import Review


def drill_link(place: province.Place, key: str, start: dt.date, end: dt.date) -> str:
    """The province's drill-through page for a value of a place."""
    query = {"org": place.pk, "key": key, "from": start.isoformat(), "to": end.isoformat()}
    return f"{reverse('federation:drill')}?{urlencode(query)}"


def active(places: list[province.Place], on: dt.date) -> list[province.Place]:
    return [p for p in places if (p.established_on is None or p.established_on <= on)
            and (p.dissolved_on is None or p.dissolved_on > on)]


def build(place: province.Place, start: dt.date, end: dt.date, user, base_url: str = "") -> Review:
    """The review of the place's subtree for the period, as the user may see it, in the active language."""
    specs = city_review.visible_sections(user)
    below = active(province.children(place), end)
    charts = city_review.chart_keys(specs)
    answers = province.compute_grid([(place, start, end, [key for spec in specs for key in spec.keys()])]
                                    + [(p, start, end, charts) for p in below], user)
    sections = city_review.build_sections(specs, answers[0].values, place,
                                          lambda key, p: drill_link(p, key, start, end),
                                          [(p, a.values) for p, a in zip(below, answers[1:], strict=True)])
    title = _("%(org)s党建工作综述") % {"org": place.name}
    subtitle = _("（%(start)s至%(end)s）") % {"start": start.isoformat(), "end": end.isoformat()}
    intro = "".join([
        _("本综述根据各市上报的汇总数据自动生成。"),
        _("文中数字可逐级追溯到各市，再到城市平台上构成它的记录（须在城市平台登录）。"),
        _("统计范围：%(org)s（%(code)s）及其所属组织。") % {"org": place.name, "code": place.code},
    ])
    return Review(place, start, end, title, subtitle, intro, sections, base_url)  # type: ignore[arg-type]
