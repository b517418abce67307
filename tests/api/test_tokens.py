"""Tokens: the password exchange, the user's own token page, hashed storage, revocation, expiry."""

import datetime as dt
import hashlib
import re

from django.urls import reverse
from django.utils import timezone

from qingfeng.api.models import ApiToken
from tests.world import PASSWORD


def test_password_exchange_gives_a_working_token(world, client):
    response = client.post("/api/v1/auth/token", {"username": "clerk", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "clerk"


def test_the_token_endpoint_also_takes_a_form_body(world, client):
    response = client.post("/api/v1/auth/token", {"username": "city", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"].startswith("qf_")


def test_wrong_credentials_are_401_with_reasons_in_both_languages(world, client):
    for body in ({"username": "clerk", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}):
        response = client.post("/api/v1/auth/token", body, content_type="application/json")
        assert response.status_code == 401
        error = response.json()
        assert error["code"] == "bad_credentials" and error["message_zh"] and error["message_en"]
    assert not ApiToken.objects.exists()


def test_inactive_users_get_no_token_and_lose_their_tokens(world, client, api):
    caller = api(world.clerk)
    world.clerk.is_active = False
    world.clerk.save()
    response = client.post("/api/v1/auth/token", {"username": "clerk", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 401
    assert caller.get("me").status_code == 401


def test_without_a_valid_token_every_route_is_401(world, client_for):
    client = client_for(world.city_user)  # a signed-in browser session is not an API credential
    for headers in ({}, {"Authorization": "Bearer qf_not-a-token"}, {"Authorization": "Basic Y2l0eTp4"}):
        response = client.get("/api/v1/organizations", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def test_openapi_document_needs_no_token(db, client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/indicators" in document["paths"] or "/api/v1/organizations" in document["paths"]


def test_token_page_shows_the_token_once_and_stores_only_its_digest(world, client_for):
    client = client_for(world.clerk)
    page = client.get(reverse("api:tokens"))
    assert page.status_code == 200 and "尚未创建令牌" in page.content.decode()
    response = client.post(reverse("api:token_create"), {"name": "手机", "days": "90"})
    assert response.status_code == 200
    raw = re.search(r'value="(qf_[^"]+)"', response.content.decode()).group(1)
    stored = ApiToken.objects.get(user=world.clerk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert dt.timedelta(days=89) < stored.expires_at - timezone.now() <= dt.timedelta(days=90)
    listing = client.get(reverse("api:tokens")).content.decode()
    assert raw not in listing and stored.prefix in listing and "手机" in listing
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["username"] == "clerk"


def test_bad_token_form_is_rejected_with_a_reason(world, client_for):
    client = client_for(world.clerk)
    response = client.post(reverse("api:token_create"), {"name": "", "days": "90"})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    response = client.post(reverse("api:token_create"), {"name": "x", "days": "3"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token_locks_it_out_and_keeps_the_row(world, client_for):
    client = client_for(world.clerk)
    raw = re.search(r'value="(qf_[^"]+)"', client.post(reverse("api:token_create"), {"name": "旧手机", "days": "30"})
                    .content.decode()).group(1)
    token = ApiToken.objects.get(user=world.clerk)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已撤销" in client.get(reverse("api:tokens")).content.decode()


def test_nobody_revokes_someone_elses_token(world, client_for):
    client = client_for(world.clerk)
    client.post(reverse("api:token_create"), {"name": "手机", "days": "30"})
    token = ApiToken.objects.get(user=world.clerk)
    other = client_for(world.city_user)
    assert other.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_tokens_are_refused(world, api):
    caller = api(world.clerk)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert caller.get("me").status_code == 401


def exchange(client, username, password, otp=None):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_the_sign_in_lockout_applies_to_the_token_endpoint(world, client):
    for _ in range(5):
        assert exchange(client, "clerk", "wrong-password").status_code == 401
    locked = exchange(client, "clerk", PASSWORD)
    assert locked.status_code == 401
    assert locked.json()["code"] == "locked" and locked.json()["message_zh"] and locked.json()["message_en"]
    assert not ApiToken.objects.exists()
    assert exchange(client, "city", PASSWORD).status_code == 200  # other users are not affected


def test_an_enrolled_second_factor_is_asked_for(world, client):
    import pyotp

    from qingfeng.accounts.models import TotpDevice

    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=world.clerk, secret=secret, confirmed_at=timezone.now())
    missing = exchange(client, "clerk", PASSWORD)
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    assert exchange(client, "clerk", PASSWORD, otp="000000").status_code == 401
    good = exchange(client, "clerk", PASSWORD, otp=pyotp.TOTP(secret).now())
    assert good.status_code == 200 and good.json()["token"]


def test_a_platform_administrator_revokes_tokens_in_the_admin(world, client_for, api):
    caller = api(world.clerk)
    token = ApiToken.objects.get(user=world.clerk)
    changelist = reverse("admin:api_apitoken_changelist")
    admin = client_for(world.admin)
    page = admin.get(changelist).content.decode()
    assert token.prefix in page and token.digest not in page
    response = admin.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert caller.get("me").status_code == 401
