"""The admin sees what the pages see: one base class applies the access layer to every ModelAdmin."""

from __future__ import annotations

from django.contrib import admin

from qingfeng.accounts import access
from qingfeng.core.models import Entry


class ScopedAdmin(admin.ModelAdmin):
    """Rows limited to the user's subtree through `org_field` (a path to an Organization,
    "" for Organization itself); `restricted` models exist only for discipline roles."""

    org_field: str = "org"
    restricted: bool = False
    list_per_page = 50

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.restricted and not request.user.sees_discipline:
            return qs.none()
        return qs.filter(access.scope_filter(request.user, self.org_field))

    def _allowed(self, request) -> bool:
        user = request.user
        if not user.is_active or not user.is_staff:
            return False
        if self.restricted and not user.sees_discipline:
            return False
        return True

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and not request.user.is_read_only and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request) and not request.user.is_read_only and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted silently: records are closed, revoked or superseded.
        return False


@admin.register(Entry)
class EntryAdmin(ScopedAdmin):
    list_display = ["at", "model", "object_id", "channel", "org", "user"]
    list_filter = ["channel", "model"]

    def has_change_permission(self, request, obj=None):
        return False  # the entry log is written by the actions only

    def has_add_permission(self, request):
        return False
