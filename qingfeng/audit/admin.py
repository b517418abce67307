"""The audit log in the admin: read-only for platform administrators, no add, change or delete."""

from django.contrib import admin

from qingfeng.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "model", "object_id", "summary", "ip")
    list_filter = ("action", "model")
    search_fields = ("username", "object_id", "summary")
    date_hierarchy = "at"
    list_per_page = 100
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_platform_admin

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_platform_admin

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
