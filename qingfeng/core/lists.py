"""List pages: pagination shared by every ledger (templates/includes/pagination.html)."""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


def paginate(request: HttpRequest, queryset: QuerySet[M], per_page: int = 50) -> tuple[Page[M], str]:
    """The requested page of `queryset`, and the query string without `page` for the links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
