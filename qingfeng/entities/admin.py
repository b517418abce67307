from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.entities.models import CoverageChange, Entity


class CoverageChangeInline(admin.TabularInline):
    model = CoverageChange
    extra = 0
    readonly_fields = ["mode", "since", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # changes go through entities.actions, which keeps Entity.coverage

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entity)
class EntityAdmin(ScopedAdmin):
    list_display = ["credit_code", "name", "type", "org", "coverage", "deregistered_on"]
    list_filter = ["type", "coverage"]
    search_fields = ["credit_code", "name"]
    raw_id_fields = ["org"]
    readonly_fields = ["coverage"]
    inlines = [CoverageChangeInline]
