from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.honors.models import Commendation, Honoree


class HonoreeInline(admin.TabularInline):
    model = Honoree
    extra = 0
    raw_id_fields = ["person", "org"]
    fields = ["kind", "collective_name", "person", "org", "entered_via"]
    readonly_fields = ["entered_via"]

    def get_queryset(self, request):
        from qingfeng.accounts import access

        return super().get_queryset(request).filter(access.scope_filter(request.user, "org"))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commendation)
class CommendationAdmin(ScopedAdmin):
    org_field = "honorees__org"
    list_display = ["code", "name", "grantor", "grantor_level", "date"]
    list_filter = ["grantor_level"]
    search_fields = ["code", "name", "grantor"]
    inlines = [HonoreeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(Honoree)
class HonoreeAdmin(ScopedAdmin):
    list_display = ["commendation", "kind", "collective_name", "person", "org"]
    list_filter = ["kind", "commendation__grantor_level"]
    search_fields = ["collective_name", "person__name", "commendation__code"]
    raw_id_fields = ["commendation", "person", "org"]
