from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.education.models import DegreeStudy


@admin.register(DegreeStudy)
class DegreeStudyAdmin(ScopedAdmin):
    list_display = ["person", "org", "level", "enrolled_on", "graduated_on"]
    list_filter = ["level"]
    search_fields = ["person__name", "org__name", "org__code"]
    raw_id_fields = ["person", "org"]
