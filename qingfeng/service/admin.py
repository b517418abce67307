from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.service.models import ServiceItem


@admin.register(ServiceItem)
class ServiceItemAdmin(ScopedAdmin):
    list_display = ["code", "name", "org", "category", "committed_on", "planned_on", "completed_on", "beneficiaries"]
    list_filter = ["category"]
    search_fields = ["code", "name"]
    raw_id_fields = ["org"]
