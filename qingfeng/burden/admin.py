from django.contrib import admin

from qingfeng.burden.models import Entry, ReportForm
from qingfeng.core.admin import ScopedAdmin


@admin.register(ReportForm)
class ReportFormAdmin(ScopedAdmin):
    list_display = ["code", "name", "org", "enabled_on", "retired_on", "retire_reason"]
    search_fields = ["code", "name"]
    raw_id_fields = ["org"]


@admin.register(Entry)
class EntryAdmin(ScopedAdmin):
    list_display = ["at", "model", "object_id", "channel", "org", "user"]
    list_filter = ["channel", "model"]

    def has_change_permission(self, request, obj=None):
        return False  # the entry log is written by the actions only

    def has_add_permission(self, request):
        return False
