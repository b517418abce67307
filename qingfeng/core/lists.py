"""List pages: pagination shared by every ledger (templates/includes/pagination.html)."""

from __future__ import annotations

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 50):
    """The requested page of `queryset`, and the query string without `page` for the links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
