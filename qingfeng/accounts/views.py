"""Sign-in (password, then the second factor when the user has one), sign-out everywhere, the
user's own page with second-factor enrolment and the password change."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from qingfeng.accounts import actions
from qingfeng.accounts.auth import (
    LoginRefused,
    admit_for_enrolment,
    check_credentials,
    check_second_factor,
    confirmed_device,
    pending_device,
    provisioning_uri,
    totp_required_for,
)
from qingfeng.accounts.forms import CodeForm, LoginForm, PasswordChangeForm
from qingfeng.accounts.middleware import ENROL_FLAG
from qingfeng.accounts.models import User
from qingfeng.core.http import AuthedRequest

OTP_PENDING = "qf_otp_pending"
OTP_PENDING_SECONDS = 300


def _next_url(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


def _refusal_text(refusal: LoginRefused) -> str:
    if refusal.code == "invalid":
        # Django's own wording, translated by Django.
        return AuthenticationForm.error_messages["invalid_login"] % {"username": _("用户名")}
    return str(refusal.message)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = check_credentials(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except LoginRefused as refusal:
            if refusal.code == "otp_required" and refusal.user is not None:
                request.session[OTP_PENDING] = {"user": refusal.user.pk, "at": time.time(), "next": next_url}
                return redirect("accounts:login_otp")
            if refusal.code == "enrol_required" and refusal.user is not None:
                admit_for_enrolment(request, refusal.user)
                login(request, refusal.user)
                request.session[ENROL_FLAG] = True
                messages.warning(request, str(refusal.message))
                return redirect("accounts:totp")
            form.add_error(None, _refusal_text(refusal))
        else:
            login(request, user)
            return redirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_otp(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(OTP_PENDING)
    if not pending or time.time() - pending["at"] > OTP_PENDING_SECONDS:
        request.session.pop(OTP_PENDING, None)
        messages.info(request, _("请重新输入用户名和密码。"))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(OTP_PENDING, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_second_factor(request, user, form.cleaned_data["code"])
        except LoginRefused as refusal:
            if refusal.code == "locked":
                request.session.pop(OTP_PENDING, None)
            form.add_error("code", str(refusal.message))
        else:
            next_url = pending.get("next") or "/"
            del request.session[OTP_PENDING]
            login(request, user, backend="qingfeng.accounts.backends.QingfengBackend")
            return redirect(next_url)
    return render(request, "accounts/login_otp.html", {"form": form, "account": user})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
@require_POST
def logout_everywhere(request: AuthedRequest) -> HttpResponse:
    actions.log_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("已退出所有设备上的登录。"))
    return redirect("accounts:login")


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(request, "accounts/profile.html", {
        "account": user,
        "totp_on": confirmed_device(user) is not None,
        "totp_required": totp_required_for(user),
    })


@login_required
@sensitive_post_parameters("code")
def totp(request: AuthedRequest) -> HttpResponse:
    """Enrol (show the secret and otpauth URI, confirm with a code) or unbind."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        operation = request.POST.get("op", "confirm")
        try:
            if operation == "restart":
                actions.restart_totp(user)
                return redirect("accounts:totp")
            if not form.is_valid():
                raise ValidationError(_("请输入6位验证码。"))
            if operation == "remove":
                actions.remove_totp(user, form.cleaned_data["code"], request)
                messages.success(request, _("已解除动态口令绑定。"))
            else:
                actions.confirm_totp(user, form.cleaned_data["code"], request)
                request.session.pop(ENROL_FLAG, None)
                messages.success(request, _("动态口令已绑定，今后登录时需输入身份验证器中的6位数字。"))
            return redirect("accounts:profile")
        except ValidationError as exc:
            form = CodeForm(request.POST)
            form.is_valid()
            form.add_error(None, exc)
    context: dict[str, object] = {"form": form, "account": user, "device": device,
                                  "totp_required": totp_required_for(user)}
    if device is None:
        pending = pending_device(user)
        context.update(secret=pending.secret, uri=provisioning_uri(pending))
    return render(request, "accounts/totp.html", context)


@login_required
@sensitive_post_parameters("old_password", "new_password", "new_password2")
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(request.user, form.cleaned_data["new_password"])
        update_session_auth_hash(request, request.user)  # keep this session, end the others
        messages.success(request, _("密码已修改，其他设备上的登录已失效。"))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
