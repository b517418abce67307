"""Sign-in security through HTTP: password policy, lockout (web and the authenticate() path the API
uses), idle timeout, logging out everywhere, TOTP enrolment and its enforcement by role."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.auth import LoginRefused, check_credentials
from qingfeng.accounts.models import TotpDevice
from qingfeng.audit.models import AuditLog
from tests.world import PASSWORD


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def later(minutes: float):
    """Every clock the platform reads (sessions, lockout, TOTP) moved forward."""
    moved = timezone.now() + dt.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moved)


def is_signed_in(client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


# ---- password policy ---------------------------------------------------------------------

@pytest.mark.parametrize("weak, reason", [
    ("Short-1a", "至少需要10个字符"),
    ("abcdefghijkl", "至少3类"),
    ("abcdefgh1234", "至少3类"),
])
def test_a_weak_new_password_is_refused_with_a_chinese_reason(world, client, weak, reason):
    sign_in(client, "clerk")
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": PASSWORD, "new_password": weak, "new_password2": weak})
    assert response.status_code == 200
    assert reason in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(PASSWORD)


def test_a_strong_password_is_accepted_and_ends_the_other_sessions(world, client):
    from django.test import Client

    other = Client()
    sign_in(other, "clerk")
    sign_in(client, "clerk")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password": "Branch-Secretary-2027", "new_password2": "Branch-Secretary-2027"})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other)
    assert sign_in(Client(), "clerk", "Branch-Secretary-2027").status_code == 302


# ---- lockout -------------------------------------------------------------------------------

def test_five_failures_lock_the_web_login_for_fifteen_minutes(world, client):
    for _ in range(4):
        response = sign_in(client, "clerk", "wrong-password")
        assert "请输入一个正确的" in response.content.decode()
    assert "已锁定" in sign_in(client, "clerk", "wrong-password").content.decode()  # the fifth failure locks
    response = sign_in(client, "clerk")  # the right password, but locked
    body = response.content.decode()
    assert response.status_code == 200
    assert "已锁定" in body and "15 分钟" in body
    assert not is_signed_in(client)
    # Another account is not affected.
    assert sign_in(client.__class__(), "district").status_code == 302
    with later(14):
        assert "已锁定" in sign_in(client, "clerk").content.decode()
    with later(16):
        assert sign_in(client, "clerk").status_code == 302
    assert AuditLog.objects.filter(action="login_failed", username="clerk").count() >= 6


def test_the_lockout_applies_to_authenticate_which_the_api_uses(world, rf):
    request = rf.post("/api/v1/auth/token")
    for _ in range(5):
        assert authenticate(request, username="city", password="nope-nope") is None
    assert authenticate(request, username="city", password=PASSWORD) is None
    with pytest.raises(LoginRefused) as refused:
        check_credentials(request, "city", PASSWORD)
    assert refused.value.code == "locked"
    assert "锁定" in str(refused.value.message)


def test_unknown_usernames_lock_too_so_the_answer_reveals_nothing(world, client):
    for _ in range(4):
        assert "请输入一个正确的" in sign_in(client, "nobody", "wrong-password").content.decode()
    assert "已锁定" in sign_in(client, "nobody", "wrong-password").content.decode()


def test_a_success_clears_earlier_failures(world, client):
    for _ in range(4):
        sign_in(client, "clerk", "wrong-password")
    assert sign_in(client, "clerk").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        sign_in(client, "clerk", "wrong-password")
    assert sign_in(client, "clerk").status_code == 302


# ---- sessions ------------------------------------------------------------------------------

def test_a_session_ends_after_thirty_idle_minutes_and_activity_keeps_it(world, client):
    sign_in(client, "clerk")
    with later(20):
        assert is_signed_in(client)  # activity at +20 min renews the session…
    with later(45):
        assert is_signed_in(client)  # …so +45 min is only 25 idle minutes
    with later(76):
        response = client.get(reverse("core:home"))  # 31 idle minutes
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_page_read_writes_the_session_at_most_once_a_minute(world, client):
    """The idle timeout's refresh is a write: made when a minute has passed since the last, not on every read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert is_signed_in(client)
        return sum(1 for q in queries.captured_queries if "django_session" in q["sql"]
                   and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")))

    sign_in(client, "clerk")  # saved, with the time of the refresh
    with later(0.5):
        assert session_writes() == 0
    with later(2):
        assert session_writes() == 1  # a minute later: the expiry moves
    with later(2.5):
        assert session_writes() == 0


def test_log_out_everywhere_ends_every_session_of_the_user(world, client):
    from django.test import Client

    phone, laptop, colleague = Client(), Client(), Client()
    for c in (phone, laptop):
        sign_in(c, "district")
    sign_in(colleague, "city")
    response = phone.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)
    assert is_signed_in(colleague)
    assert sign_in(laptop, "district").status_code == 302  # signing in again works


# ---- second factor -------------------------------------------------------------------------

def enrol(client, user):
    page = client.get(reverse("accounts:totp")).content.decode()
    device = TotpDevice.objects.get(user=user)
    assert device.secret in page
    assert "otpauth://totp/" in page
    response = client.post(reverse("accounts:totp"), {"op": "confirm", "code": "000000"})
    assert "验证码不正确" in response.content.decode()
    response = client.post(reverse("accounts:totp"), {"op": "confirm", "code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.is_confirmed
    return device


def next_code(device, steps=1):
    return pyotp.TOTP(device.secret).at(timezone.now() + dt.timedelta(seconds=30 * steps))


def test_any_user_can_enrol_and_then_signs_in_with_a_code(world, client):
    from django.test import Client

    sign_in(client, "clerk")
    device = enrol(client, world.clerk)
    assert "已绑定" in client.get(reverse("accounts:profile")).content.decode()

    fresh = Client()
    response = sign_in(fresh, "clerk")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_otp")
    assert not is_signed_in(fresh)  # the password alone is not enough
    response = fresh.post(reverse("accounts:login_otp"), {"code": "123456"})
    assert "动态口令不正确" in response.content.decode()
    used = next_code(device)
    assert fresh.post(reverse("accounts:login_otp"), {"code": used}).status_code == 302
    assert is_signed_in(fresh)

    # A used code cannot be replayed (the very code, even if a 30-second step began meanwhile on a slow machine).
    again = Client()
    sign_in(again, "clerk")
    assert "动态口令不正确" in again.post(reverse("accounts:login_otp"), {"code": used}).content.decode()


def test_the_api_path_asks_for_the_code_of_an_enrolled_user(world, client, rf):
    sign_in(client, "district")
    device = enrol(client, world.district_user)
    request = rf.post("/api/v1/auth/token")
    with pytest.raises(LoginRefused) as refused:
        check_credentials(request, "district", PASSWORD)
    assert refused.value.code == "otp_required"
    assert authenticate(request, username="district", password=PASSWORD) is None
    assert check_credentials(request, "district", PASSWORD, otp=next_code(device)) == world.district_user


def test_a_role_that_requires_totp_is_held_at_enrolment_until_done(world, client, settings, rf):
    settings.QINGFENG_TOTP_REQUIRED_ROLES = ["discipline"]
    response = sign_in(client, "discipline")
    assert response["Location"] == reverse("accounts:totp")
    response = client.get(reverse("discipline:cases"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp")
    with pytest.raises(LoginRefused) as refused:  # no API token before enrolment either
        check_credentials(rf.post("/"), "discipline", PASSWORD)
    assert refused.value.code == "enrol_required"
    device = enrol(client, world.discipline_user)
    assert client.get(reverse("discipline:cases")).status_code == 200
    # The role may not unbind.
    response = client.post(reverse("accounts:totp"), {"op": "remove", "code": next_code(device)})
    assert "不能解除绑定" in response.content.decode()
    assert TotpDevice.objects.filter(user=world.discipline_user, confirmed_at__isnull=False).exists()
    # Roles not listed are not asked.
    assert sign_in(client.__class__(), "city").status_code == 302


def test_the_admin_login_goes_through_the_platform_login(world, client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# ---- the API token endpoint --------------------------------------------------------------

def token(client, username, password=PASSWORD, otp=None):
    body = {"username": username, "password": password}
    if otp:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_the_api_token_endpoint_locks_and_asks_for_the_code(world, client):
    for _ in range(5):
        assert token(client, "leader", "wrong-password").status_code == 401
    response = token(client, "leader")
    assert response.status_code == 401
    assert "锁定" in response.json()["message_zh"]

    sign_in(client, "city")
    device = enrol(client, world.city_user)
    response = token(client, "city")
    assert response.status_code == 401 and "动态口令" in response.json()["message_zh"]
    response = token(client, "city", otp=next_code(device))
    assert response.status_code == 200 and response.json()["token"]
