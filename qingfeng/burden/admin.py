from django.contrib import admin

from qingfeng.burden.models import ReportForm
from qingfeng.core.admin import ScopedAdmin


@admin.register(ReportForm)
class ReportFormAdmin(ScopedAdmin):
    list_display = ["code", "name", "org", "enabled_on", "retired_on", "retire_reason"]
    search_fields = ["code", "name"]
    raw_id_fields = ["org"]
