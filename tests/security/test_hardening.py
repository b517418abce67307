"""Response headers, CSRF and upload limits through HTTP; the production settings pass Django's
deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_csp_without_inline_scripts(world, client_for):
    for response in (Client().get(reverse("accounts:login")), client_for(world.clerk).get(reverse("core:home"))):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["img-src"] == "'self' data:"
        assert "<script>" not in response.content.decode()  # no inline script (every script has a src)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_posts_without_a_csrf_token_are_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.discipline_user)
    response = client.post(reverse("discipline:case_create"), {"code": "X"})
    assert response.status_code == 403
    assert Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "a"}).status_code == 403


def test_an_oversized_form_body_is_rejected(world, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client_for(world.clerk).post(reverse("accounts:password_change"), {"old_password": "x" * 4096})
    assert response.status_code == 400


def test_production_settings_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for Playwright only
    env.update(DJANGO_SETTINGS_MODULE="qingfeng.settings_production",
               SECRET_KEY="k" * 20 + "-production-secret-for-the-check-only-0123456789abcdef",
               ALLOWED_HOSTS="dangjian.example.cn", QINGFENG_VAR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([sys.executable, "-m", "qingfeng.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="qingfeng.settings_production", QINGFENG_VAR=str(tmp_path),
               ALLOWED_HOSTS="dangjian.example.cn")
    result = subprocess.run([sys.executable, "-m", "django", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _production(tmp_path, **env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="qingfeng.settings_production", QINGFENG_VAR=str(tmp_path),
               ALLOWED_HOSTS="dangjian.example.cn", SECRET_KEY="k" * 20 + "-production-secret-0123456789abcdefghij",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run([sys.executable, "-m", "qingfeng.cli", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("key", ["x", "short-but-not-empty-key-0123456789", "a" * 60, "django-insecure-" + "k9" * 30])
def test_production_settings_refuse_a_weak_secret_key_with_the_reason(tmp_path, key):
    result = _production(tmp_path, SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr and "secrets.token_urlsafe" in result.stderr


def test_production_settings_refuse_to_start_without_a_database_url(tmp_path):
    result = _production(tmp_path, DATABASE_URL=None)
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists() and not list(tmp_path.rglob("*.sqlite3"))
    assert _production(tmp_path).returncode == 0  # and starts with both given
