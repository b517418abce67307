from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingfeng.api import actions
from qingfeng.api.models import ApiToken
from qingfeng.core.admin import ScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Tokens are made by their owners on the token page; here administrators see and revoke them."""

    org_field = "user__org"
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    exclude = ("digest",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.is_platform_admin

    @admin.action(description=_("撤销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = actions.revoke_tokens_of(request.user, queryset)
        self.message_user(request, gettext("已撤销 %(n)d 个令牌。") % {"n": count}, messages.SUCCESS)
