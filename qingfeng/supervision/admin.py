from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.supervision.models import Accountability, Finding, FindingEvent


class FindingEventInline(admin.TabularInline):
    model = FindingEvent
    extra = 0
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False  # transitions go through supervision.actions

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    list_display = ["code", "source", "org", "found_on", "deadline", "status", "closed_on"]
    list_filter = ["status", "source"]
    search_fields = ["code", "description"]
    raw_id_fields = ["org", "round"]
    readonly_fields = ["status", "closed_on", "entered_via"]
    inlines = [FindingEventInline]


@admin.register(Accountability)
class AccountabilityAdmin(ScopedAdmin):
    list_display = ["person", "org", "decided_on", "mode", "finding"]
    raw_id_fields = ["person", "org", "finding"]
