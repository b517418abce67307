"""/province/indicators and /province/cities on a province (mounted under /api/v1/ by FederationConfig.ready): the
values `qingfeng federation indicators` prints, for the province or a city or county below it. On a city
deployment these routes answer 404."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema

from qingfeng.core.api import READ_ERRORS, Day
from qingfeng.federation import alerts, province
from qingfeng.federation.publish import tier
from qingfeng.indicators import engine

router = Router(tags=["province"])


class ProvinceQuery(Schema):
    org: str | None = Field(None, max_length=80, json_schema_extra={"example": "140100"},
                            description="组织编码：本省或各市上报的组织，缺省为本省 / the province (default) or a published organization")
    start: Day = Field(..., alias="from", description="首日 / first day")
    end: Day = Field(..., alias="to", description="末日（含）/ last day, inclusive")
    only: str | None = Field(None, max_length=2000, description="逗号分隔的指标键，可带筛选 / keys with filters")


class CityOut(Schema):
    code: str
    name: str
    url: str
    depth: int
    schema_version: int = Field(alias="schema")
    changed_at: dt.datetime


def _place(user, code: str | None) -> province.Place:
    if tier() != "province":
        raise Http404
    root = province.root()
    if root is None or not (user.is_superuser or getattr(user.org, "code", None) == root.code):
        raise Http404
    place = province.find(code) if code else root
    if place is None:
        raise Http404
    return place


@router.get("/province/indicators", response={200: dict, **READ_ERRORS}, summary="省级指标值 / the province's values")
def province_indicators(request, query: Query[ProvinceQuery]):
    """`{"org", "name", "values": {key: value}, "unavailable": {key: reason}}`: the values of the province or of an
    organization a city publishes, from the replicated facts; `unavailable` names what only the city can answer."""
    place = _place(request.auth, query.org)
    if query.start > query.end:
        raise ValidationError(f"开始日期 {query.start} 晚于结束日期 {query.end}。")
    try:
        keys = engine.parse_keys(query.only) if query.only is not None else None
        answer = province.compute(place, query.start, query.end, keys, request.auth)
    except (engine.IndicatorError, engine.IndicatorForbidden) as exc:
        raise ValidationError(str(exc)) from exc
    body = {"org": place.code, "name": place.name, "values": answer.values, "unavailable": answer.unavailable}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


class WarningsQuery(Schema):
    org: str | None = Field(None, max_length=80, description="组织编码，缺省为本省 / the province (default) or a published organization")


@router.get("/province/warnings", response={200: dict, **READ_ERRORS}, summary="省级预警数 / the province's warning counts")
def province_warnings(request, query: Query[WarningsQuery]):
    """`{"org", "name", "as_of": {city: day}, "counts": [{kind, label, red, yellow, total}]}`: the warnings of the
    place's subtree by kind, as its cities last published them (daily); the warnings themselves stay in the cities."""
    place = _place(request.auth, query.org)
    body = {"org": place.code, "name": place.name,
            "as_of": {c: (d.isoformat() if d else None) for c, d in alerts.as_of(place).items()},
            "counts": alerts.table(alerts.counts([place])[place.pk])}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


@router.get("/province/cities", response={200: list[CityOut], **READ_ERRORS}, summary="上报城市 / the subscribed cities")
def province_cities(request):
    _place(request.auth, None)
    return province.cities()
