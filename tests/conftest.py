import os

import pytest

from tests.clock import TODAY

# Playwright's sync API runs an event loop in the test thread; Django's live_server is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Commands the tests start as processes read the pinned day from the environment.
os.environ["QINGFENG_TODAY"] = TODAY.isoformat()


@pytest.fixture(autouse=True)
def _pinned_day(settings):
    settings.QINGFENG_TODAY = TODAY.isoformat()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's default language: a test that switched to English (a page asked in
    English, a command run with --lang en) must not leave the next test on the same worker reading English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_name_caches():
    """Names the pages cache for a minute (repeated organization names) are read afresh by every test."""
    from qingfeng.orgs.models import forget_repeated_names

    forget_repeated_names()


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """The figures pages share (cockpit.caching.shared) start empty in every test: another test's database could
    have reached the same facts' version."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ensure_default_rows() -> None:
    """Put back the rows the data migrations seed (activity types, requirements) when a transactional
    test (a live server for the browser) has flushed every table before this test."""
    from django.apps import apps

    from qingfeng.activities.models import ActivityType

    if not ActivityType.objects.exists():
        from importlib import import_module

        import_module("qingfeng.activities.migrations.0002_default_types").seed(apps, None)
        import_module("qingfeng.activities.migrations.0003_activity_type_role").set_roles(apps, None)
        import_module("qingfeng.activities.migrations.0005_activitytype_name_en").set_english_names(apps, None)


@pytest.fixture(autouse=True)
def _default_rows(request):
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    ensure_default_rows()


@pytest.fixture
def world(db):
    from tests.world import World

    return World()


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _full_priority(monkeypatch):
    """Commands a test runs in its own process (the job worker's --batch, rebuild-facts) lower the process's CPU
    priority for good (core.jobs.yield_to_requests): not the test runner's. tests/test_jobs.py checks it in processes
    of their own."""
    from qingfeng.core import jobs

    monkeypatch.setattr(jobs, "yield_to_requests", lambda: None)
