"""The assessment history in the Django admin: read-only (new versions are saved through the edit page)."""

from django.contrib import admin

from qingfeng.cockpit.models import AssessmentVersion


@admin.register(AssessmentVersion)
class AssessmentVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "note", "created_at", "created_by")
    readonly_fields = ("number", "definition", "note", "created_at", "created_by")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.is_platform_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
