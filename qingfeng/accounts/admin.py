"""Users in the admin (platform administrators only). Signing in to the admin goes through the
platform's login page, so the lockout and the second factor apply there too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.models import LoginThrottle, TotpDevice, User
from qingfeng.core.admin import M


def _platform_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.is_platform_admin


class PlatformAdminOnly(admin.ModelAdmin[M]):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return _platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return _platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False  # accounts are deactivated (is_active), never deleted


@admin.register(User)
class UserAdmin(PlatformAdminOnly[User], DjangoUserAdmin[User]):
    list_display = ("username", "get_full_name", "role", "org", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "org__name", "org__code")
    raw_id_fields = ("org",)
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("清风"), {"fields": ("role", "org")}))
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("清风"), {"fields": ("role", "org")}),)


@admin.register(TotpDevice)
class TotpDeviceAdmin(PlatformAdminOnly[TotpDevice]):
    """An administrator can see who enrolled and remove a lost device (the user enrols again)."""

    list_display = ("user", "confirmed_at", "created_at")
    fields = ("user", "confirmed_at", "created_at")
    readonly_fields = ("user", "confirmed_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TotpDevice | None = None) -> bool:
        return _platform_admin(request)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(PlatformAdminOnly[LoginThrottle]):
    """Locked accounts; an administrator may unlock one by clearing `locked_until`."""

    list_display = ("username", "failures", "last_failure_at", "locked_until")
    search_fields = ("username",)
    readonly_fields = ("username", "failures", "last_failure_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    if request.user.is_authenticated:
        # Staff go on to the admin; anyone else signed in has no business there.
        return redirect("admin:index" if request.user.is_staff and request.user.is_active else "core:home")
    return redirect_to_login(request.GET.get("next") or "/admin/")


admin.site.login = _admin_login  # type: ignore[method-assign]  # the admin signs in through the platform's login
