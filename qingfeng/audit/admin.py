"""The audit log in the admin: read-only for platform administrators, no add, change or delete."""

from django.contrib import admin
from django.http import HttpRequest

from qingfeng.audit.models import AuditLog


def _platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.is_platform_admin


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin[AuditLog]):
    list_display = ("at", "username", "action", "model", "object_id", "summary", "ip")
    list_filter = ("action", "model")
    search_fields = ("username", "object_id", "summary")
    date_hierarchy = "at"
    list_per_page = 100
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: AuditLog | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return _platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditLog | None = None) -> bool:
        return False
