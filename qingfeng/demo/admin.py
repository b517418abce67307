from django.contrib import admin

from qingfeng.demo.models import DemoRun


@admin.register(DemoRun)
class DemoRunAdmin(admin.ModelAdmin):
    """Read-only, for platform administrators: which demo scale this database holds and how long it took."""

    list_display = ["scale", "finished_at", "seconds", "organizations", "persons", "seed"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_platform_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
