import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's live_server is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
