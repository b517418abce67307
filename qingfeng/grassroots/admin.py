from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.grassroots.models import Assignment, WeakOrgCase


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = ["person", "role", "org", "team", "start_on", "end_on", "end_reason"]
    list_filter = ["role", "end_reason"]
    search_fields = ["person__name", "team"]
    raw_id_fields = ["person", "org"]


@admin.register(WeakOrgCase)
class WeakOrgCaseAdmin(ScopedAdmin):
    list_display = ["org", "identified_on", "rectified_on"]
    raw_id_fields = ["org"]
