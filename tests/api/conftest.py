import pytest


def bearer(user) -> dict:
    """An Authorization header with a fresh token of `user` ({} for anonymous)."""
    if user is None:
        return {}
    from qingfeng.api.actions import issue_token

    _token, raw = issue_token(user, "测试", 30)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api(client):
    """api(user).get(path, **params) / .post(path, json) with that user's token, JSON in and out."""

    class Caller:
        def __init__(self, user):
            self.headers = bearer(user)

        def get(self, path, **params):
            return client.get(f"/api/v1/{path}", params, headers=self.headers)

        def post(self, path, body=None):
            return client.post(f"/api/v1/{path}", body or {}, content_type="application/json", headers=self.headers)

        def patch(self, path, body=None):
            return client.patch(f"/api/v1/{path}", body or {}, content_type="application/json", headers=self.headers)

    return Caller
