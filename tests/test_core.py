import json
import re

import pytest
from django.urls import reverse


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["status"] == "ok" and answer["database"] in {"sqlite", "postgresql"}


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_home_counts_only_own_subtree(world, client_for):
    body = client_for(world.clerk).get("/").content.decode()
    assert re.search(r'data-figure="members.total"><a[^>]*>8<', body)
    body = client_for(world.city_user).get("/").content.decode()
    assert re.search(r'data-figure="members.total"><a[^>]*>15<', body)


def test_wrong_password_shows_a_reason_in_chinese(world, client):
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize("language, text", [("zh-hans", "首页"), ("en", "Home")])
def test_pages_speak_chinese_by_default_and_english_on_request(world, client_for, language, text):
    client = client_for(world.city_user)
    client.cookies["django_language"] = language
    assert text in client.get("/").content.decode()
