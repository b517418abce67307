"""List pages: pagination shared by every ledger (templates/includes/pagination.html)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")


def paginate(request: HttpRequest, queryset: QuerySet[Any, T] | Sequence[T], per_page: int = 50) -> tuple[Page[T], str]:
    """The requested page of `queryset` (or of a sequence built on demand, like the warnings), and the query string
    without `page` for the links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
