"""The admin sees what the pages see: one base class applies the access layer to every ModelAdmin."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from qingfeng.accounts import access
from qingfeng.core.models import Entry

M = TypeVar("M", bound=Model)


class ScopedAdmin(admin.ModelAdmin[M]):
    """Rows limited to the user's subtree through `org_field` (a path to an Organization,
    "" for Organization itself); `restricted` models exist only for discipline roles."""

    org_field: str = "org"
    restricted: bool = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        qs = super().get_queryset(request)
        user = request.user
        if not user.is_authenticated or (self.restricted and not user.sees_discipline):
            return qs.none()
        return qs.filter(access.scope_filter(user, self.org_field))

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_active or not user.is_staff:
            return False
        if self.restricted and not user.sees_discipline:
            return False
        return True

    def _writer(self, request: HttpRequest) -> bool:
        user = request.user
        return self._allowed(request) and user.is_authenticated and not user.is_read_only

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self._writer(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._writer(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        # Nothing is deleted silently: records are closed, revoked or superseded.
        return False


@admin.register(Entry)
class EntryAdmin(ScopedAdmin[Entry]):
    list_display = ["at", "model", "object_id", "channel", "org", "user"]
    list_filter = ["channel", "model"]

    def has_change_permission(self, request: HttpRequest, obj: Entry | None = None) -> bool:
        return False  # the entry log is written by the actions only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
