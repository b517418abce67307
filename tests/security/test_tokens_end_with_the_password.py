"""API tokens end with the password (issue 16, finding 7): a password change — on the page, in the admin, by
command — and "log out everywhere" end every token issued before, like every session; codes typed to bind or unbind
the second factor are locked out like sign-ins."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pyotp
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import TotpDevice
from qingfeng.api.actions import issue_token
from tests.world import PASSWORD

NEW_PASSWORD = "Branch-Secretary-2027"


def me(client, raw) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code


def token_by_password(client, username="clerk", password=PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", {"username": username, "password": password},
                           content_type="application/json")
    assert response.status_code == 200
    return response.json()["token"]


def test_a_password_change_ends_the_old_token_and_keeps_this_session(world, client):
    raw = token_by_password(Client())
    assert me(client, raw) == 200
    client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert me(Client(), raw) == 401  # it answered 200 for 30 more days before
    assert client.get(reverse("core:home")).status_code == 200  # the browser that changed it stays signed in
    fresh = token_by_password(Client(), password=NEW_PASSWORD)
    assert me(Client(), fresh) == 200
    page = client.get(reverse("api:tokens")).content.decode()
    assert "已失效" in page


def test_log_out_everywhere_ends_every_token(world, client):
    _token, first = issue_token(world.clerk, "手机", 30)
    _token, second = issue_token(world.clerk, "省级平台", 365)
    client.force_login(world.clerk)
    client.post(reverse("accounts:logout_everywhere"))
    for raw in (first, second):
        assert me(Client(), raw) == 401
    _token, after = issue_token(world.clerk, "新手机", 30)
    assert me(Client(), after) == 200


def test_a_password_set_by_the_administrator_or_a_command_ends_the_tokens_too(world):
    from django.core.management import call_command

    _token, raw = issue_token(world.clerk, "手机", 30)
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(reverse("admin:auth_user_password_change", args=[world.clerk.pk]),
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    assert me(Client(), raw) == 401
    _token, raw = issue_token(world.clerk, "手机", 30)
    with mock.patch("getpass.getpass", return_value="Another-Password-2028"):
        call_command("changepassword", "clerk", stdout=mock.MagicMock())
    assert me(Client(), raw) == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(world):
    _token, raw = issue_token(world.clerk, "手机", 30)
    world.clerk.first_name = "书记"
    world.clerk.save()
    world.clerk.check_password(PASSWORD)  # a sign-in (it may re-hash the same password)
    assert me(Client(), raw) == 200


def _enrol_page(client, user):
    client.force_login(user)
    client.get(reverse("accounts:totp"))
    return TotpDevice.objects.get(user=user)


def test_codes_for_binding_the_second_factor_are_locked_out(world, client):
    device = _enrol_page(client, world.clerk)
    for _ in range(5):
        body = client.post(reverse("accounts:totp"), {"op": "confirm", "code": "000000"}).content.decode()
    assert "验证码错误次数过多" in body
    right = pyotp.TOTP(device.secret).now()
    body = client.post(reverse("accounts:totp"), {"op": "confirm", "code": right}).content.decode()
    assert "验证码错误次数过多" in body
    device.refresh_from_db()
    assert not device.is_confirmed
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(minutes=16)):
        later = pyotp.TOTP(device.secret).at(timezone.now())  # the moved clock
        assert client.post(reverse("accounts:totp"), {"op": "confirm", "code": later}).status_code == 302
    device.refresh_from_db()
    assert device.is_confirmed


def test_codes_for_unbinding_are_locked_out_too(world, client):
    device = _enrol_page(client, world.clerk)
    client.post(reverse("accounts:totp"), {"op": "confirm", "code": pyotp.TOTP(device.secret).now()})
    for _ in range(5):
        body = client.post(reverse("accounts:totp"), {"op": "remove", "code": "000000"}).content.decode()
    assert "验证码错误次数过多" in body
    nxt = pyotp.TOTP(device.secret).at(timezone.now() + dt.timedelta(seconds=30))
    assert "验证码错误次数过多" in client.post(reverse("accounts:totp"), {"op": "remove", "code": nxt}).content.decode()
    assert TotpDevice.objects.filter(user=world.clerk, confirmed_at__isnull=False).exists()
    # The sign-in lockout of the username is untouched: the password still signs in elsewhere.
    other = Client()
    response = other.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_otp")
