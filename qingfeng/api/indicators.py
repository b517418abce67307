"""/indicators, /indicators/catalog and /drill: figures for a subtree and a period, and the records
behind them. The values are those `qingfeng indicators` / `qingfeng drill` print for the same query,
limited to what the token's user may see."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Literal

from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from ninja import Field, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS, ApiError, ErrorOut
from qingfeng.api.params import Day, PageIn, page_schema
from qingfeng.core import dates

router = Router(tags=["indicators"])


class WarningKind(enum.StrEnum):
    """The kinds of qingfeng.indicators.warnings.KINDS, spelled out for the schema (and mypy); a test keeps the two
    lists equal."""

    meetings = "meetings"
    findings = "findings"
    elections = "elections"
    service = "service"
    coverage = "coverage"
    oversize = "oversize"
    setup = "setup"


FORBIDDEN = {**READ_ERRORS, 403: ErrorOut}


class Period(Schema):
    org: str = Field(..., max_length=32, json_schema_extra={"example": "140105"}, description="组织编码（其下级一并统计）/ the subtree's root")
    start: Day = Field(..., alias="from", json_schema_extra={"example": "2026-01-01"}, description="首日 / first day")
    end: Day = Field(..., alias="to", json_schema_extra={"example": "2026-06-30"}, description="末日（含）/ last day, inclusive")


class IndicatorQuery(Period):
    only: str | None = Field(None, max_length=2000, json_schema_extra={"example": "orgs.total,members.total[category=正式党员]"}, description=(
        "逗号分隔的指标键，可带筛选，如 grassroots.dispatched[role=党组织书记,sector=学校|医院]；"
        "缺省为您可见的全部无筛选指标 / keys with filters; default: every unfiltered indicator you may see"))


class DrillQuery(Period):
    id: str = Field(..., max_length=500, json_schema_extra={"example": "members.total"}, description="指标键（可带筛选）/ one indicator key, filters allowed")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(1000, ge=1, le=5000, description="每页记录数 / records per page (≤ 5000)")


class CatalogEntry(Schema):
    id: str
    name: str
    kind: str
    section: str
    restricted: bool
    filters: dict[str, list[str]]


class DrillOut(Schema):
    key: str
    value: int | float | None
    model: str
    columns: list[str]
    rows: list[list] | None = None
    numerator: list[list] | None = None
    denominator: list[list] | None = None
    count: dict[str, int] = Field(description="记录总数 / records in all pages")
    page: int
    page_size: int


def _engine():
    from qingfeng.indicators import engine

    return engine


def _bilingual(call):
    """Run `call`; on an unknown id/filter or a forbidden indicator, answer with the engine's own
    message in Chinese and in English (the engine is asked again in each language)."""
    engine = _engine()
    try:
        with translation.override("zh-hans"):
            return call()
    except (engine.IndicatorError, engine.IndicatorForbidden) as exc:
        zh = str(exc)
        try:
            with translation.override("en"):
                call()
            en = zh
        except (engine.IndicatorError, engine.IndicatorForbidden) as again:
            en = str(again)
        if isinstance(exc, engine.IndicatorForbidden):
            raise ApiError(403, "forbidden_indicator", zh, en) from exc
        raise ApiError(400, "invalid_indicator", zh, en) from exc


def _scope(request, period: Period):
    org = access.get_org_for_user(request.auth, period.org)
    if period.start > period.end:
        raise ApiError(400, "invalid_period", f"开始日期 {period.start} 晚于结束日期 {period.end}。",
                       f"The first day {period.start} is after the last day {period.end}.")
    return org


def plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@router.get("/indicators", response={200: dict[str, int | float | None], **FORBIDDEN},
            summary="指标值 / indicator values")
def indicator_values(request, query: Query[IndicatorQuery]):
    """The object `qingfeng indicators --format json` prints for the same query: `{"key": value}` with
    each key exactly as asked, in order."""
    engine = _engine()
    org = _scope(request, query)
    user = request.auth

    def run():
        keys = engine.parse_keys(query.only) if query.only is not None else None
        return engine.compute(org, query.start, query.end, keys, user=user)

    values = _bilingual(run)
    return HttpResponse(json.dumps(values, ensure_ascii=False), content_type="application/json")


@router.get("/indicators/catalog", response={200: list[CatalogEntry], **READ_ERRORS},
            summary="可用指标与筛选 / the indicators and filters you may use")
def indicator_catalog(request):
    """Answered with an ETag of its own content (the indicators, their filters' values from the data, and what the
    role may see): a client asking again with If-None-Match gets 304 and no body."""
    import hashlib

    engine = _engine()
    rows = []
    for ident in engine.visible_ids(request.auth):
        indicator = engine.REGISTRY[ident]
        rows.append({
            "id": ident, "name": indicator.name, "kind": indicator.kind, "section": indicator.section,
            "restricted": indicator.restricted,
            "filters": {name: list(engine.allowed_values(indicator, name)) for name in indicator.filters},
        })
    body = json.dumps(rows, ensure_ascii=False)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    asked = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    response = HttpResponseNotModified() if etag in asked or f"W/{etag}" in asked else HttpResponse(
        body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get("/drill", response={200: DrillOut, **FORBIDDEN}, summary="指标明细 / the records behind a value")
def drill(request, query: Query[DrillQuery]):
    """What `qingfeng drill ID --format json` prints (key, value, model, columns and rows, or numerator
    and denominator for a rate), one page of records at a time."""
    engine = _engine()
    org = _scope(request, query)
    start = (query.page - 1) * query.page_size

    def page(records):
        return [[plain(v) for v in r] for r in records.slice(start, start + query.page_size)]

    def run():
        # Only the page asked is read (RecordSet.slice: OFFSET/LIMIT); the value and the totals come from the facts
        # where they hold them (indicators.paging), so page 1 of 90,000 records costs what page 1 of 900 does.
        from qingfeng.indicators.paging import figure_and_sizes

        key, parts = engine.records(query.id, org, query.start, query.end, user=request.auth)
        value, sizes = figure_and_sizes(key, parts, org, query.start, query.end, user=request.auth)
        body = {"key": key.text, "value": value, "page": query.page, "page_size": query.page_size}
        if parts.records is not None:
            return {**body, "model": parts.records.model, "columns": parts.records.columns, "rows": page(parts.records),
                    "count": {"rows": sizes["records"]}}
        assert parts.numerator is not None and parts.denominator is not None
        return {**body, "model": parts.denominator.model, "columns": parts.denominator.columns,
                "numerator": page(parts.numerator), "denominator": page(parts.denominator), "count": sizes}

    return _bilingual(run)


class WarningQuery(Schema):
    org: str = Field(..., max_length=32, json_schema_extra={"example": "140105"}, description="组织编码（含下级）/ the subtree's root")
    on: Day | None = Field(None, description="日期，缺省为今天 / the day, default today")
    kind: list[WarningKind] | None = Field(None, description="只看这些种类 / only these kinds")
    severity: Literal["red", "yellow"] | None = None


class WarningOut(Schema):
    kind: str
    kind_name: str
    severity: str
    org: str
    org_name: str
    message: str
    url: str
    due: dt.date | None


WarningPage = page_schema(WarningOut, "WarningPage")


@router.get("/warnings", response={200: WarningPage, **READ_ERRORS}, summary="预警 / warnings", tags=["warnings"])
def list_warnings(request, query: Query[WarningQuery], paging: Query[PageIn]):
    """Red first (something is late), then yellow (due within days, or not fitting the rules), by due day."""
    from qingfeng.indicators.warnings import RED, warning_list

    org = access.get_org_for_user(request.auth, query.org)
    kinds = [k.value for k in query.kind] if query.kind else None
    found = warning_list(org, query.on or dates.today(), user=request.auth, kinds=kinds)
    # The list is sorted red first: a colour is a contiguous run of it, so a page is a slice, built alone.
    total = len(found)
    reds = sum(n for (_kind, severity), n in found.counts().items() if severity == RED)
    lo, hi = {None: (0, total), RED: (0, reds)}.get(query.severity, (reds, total))
    start = lo + (paging.page - 1) * paging.page_size
    shown = found[start:min(hi, start + paging.page_size)] if start < hi else []
    rows = [{"kind": w.kind, "kind_name": w.kind_label, "severity": w.severity, "org": w.org.code,
             "org_name": w.org.name, "message": str(w.message), "url": w.url, "due": w.due} for w in shown]
    count = hi - lo
    return {"count": count, "page": paging.page, "page_size": paging.page_size,
            "pages": -(-count // paging.page_size), "results": rows}
