"""Page-number pagination shared by every list route: ?page=1&page_size=50 →
{"count", "page", "page_size", "pages", "results"}."""

from __future__ import annotations

import math

from ninja import Field, Schema
from pydantic import create_model

MAX_PAGE_SIZE = 200


class PageIn(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始 / page number, from 1")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数 / rows per page (≤ 200)")


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return create_model(
        name, __base__=Schema,
        count=(int, ...), page=(int, ...), page_size=(int, ...), pages=(int, ...), results=(list[item], ...),
    )


def paginate(queryset, paging: PageIn, transform=None) -> dict:
    """One page of an ordered queryset; `transform` maps the page's objects to rows when needed."""
    count = queryset.count()
    start = (paging.page - 1) * paging.page_size
    rows = list(queryset[start:start + paging.page_size]) if start < count else []
    if transform is not None:
        rows = transform(rows)
    return {
        "count": count, "page": paging.page, "page_size": paging.page_size,
        "pages": math.ceil(count / paging.page_size) if count else 0, "results": rows,
    }
