from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.economy.models import SupportItem


@admin.register(SupportItem)
class SupportItemAdmin(ScopedAdmin):
    list_display = ["code", "org", "source", "amount", "paid_on", "purpose"]
    list_filter = ["source"]
    search_fields = ["code", "org__name", "org__code", "purpose"]
    raw_id_fields = ["org"]
