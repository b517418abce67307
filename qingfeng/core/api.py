"""What the API's routes share, in the kernel so that a register's own routes can use it too: strict dates, the
page-number pagination of every list (?page=1&page_size=50 → {"count", "page", "page_size", "pages", "results"})
and the error body's schema. A register mounts its routes by passing its ninja Router to `mount()` from its
AppConfig.ready() (`from .api import router; mount(router)`); qingfeng.api.v1 adds every mounted router under
/api/v1/."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema, create_model

_mounted: list[Any] = []


def mount(router: Any) -> None:
    """A register's ninja Router, added under /api/v1/ when the API is built (call from AppConfig.ready)."""
    if router not in _mounted:
        _mounted.append(router)


def mounted_routers() -> list[Any]:
    return list(_mounted)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
M = TypeVar("M", bound=Model)


def _iso_day(value: object) -> dt.date:
    """Only YYYY-MM-DD (what the CLI takes), not pydantic's lax numbers-as-timestamps."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return dt.date.fromisoformat(value)
    raise ValueError("日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_iso_day), WithJsonSchema({"type": "string", "format": "date"})]

MAX_PAGE_SIZE = 200


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始 / page number, from 1")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数 / rows per page (≤ 200)")


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return create_model(
        name, __base__=Schema,
        count=(int, ...), page=(int, ...), page_size=(int, ...), pages=(int, ...),
        results=(list[item], ...),  # type: ignore[valid-type]  # the item schema is a value here: one model per list
    )


def paginate(queryset: QuerySet[M], paging: PageIn,
             transform: Callable[[list[M]], Sequence[object]] | None = None) -> dict[str, Any]:
    """One page of an ordered queryset; `transform` maps the page's objects to rows when needed."""
    count = queryset.count()
    start = (paging.page - 1) * paging.page_size
    page = list(queryset[start:start + paging.page_size]) if start < count else []
    rows: Sequence[object] = transform(page) if transform is not None else page
    return {
        "count": count, "page": paging.page, "page_size": paging.page_size,
        "pages": math.ceil(count / paging.page_size) if count else 0, "results": rows,
    }


class FieldError(Schema):
    loc: list[str | int]
    message: str


class ErrorOut(Schema):
    code: str
    message_zh: str
    message_en: str
    errors: list[FieldError] | None = None


# Statuses any authenticated route may answer besides success, for the OpenAPI document.
READ_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
