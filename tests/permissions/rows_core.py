"""Rows for the core and accounts pages, and the Django admin's front door."""

from django.urls import reverse

from tests.permissions import ADMIN, PUBLIC, READ, Row

ROWS = [
    Row("core:home", READ, page=lambda w: reverse("core:home")),
    Row("core:healthz", PUBLIC, page=lambda w: reverse("core:healthz")),
    # The login page sends a signed-in user on to the home page.
    Row("accounts:login", PUBLIC, page=lambda w: reverse("accounts:login"),
        expect={p: 302 for p in ("admin", "city", "district", "clerk", "discipline", "leader", "outsider")}),
    # Signing out is a POST; it answers with the redirect to the login page, signed in or not.
    Row("accounts:logout", PUBLIC, method="POST", page=lambda w: reverse("accounts:logout"), ok=302),
    Row("accounts:profile", READ, page=lambda w: reverse("accounts:profile")),
    # Only staff reach the admin; everyone else is sent to the admin's own login page.
    Row("admin:index", ADMIN, page=lambda w: reverse("admin:index"), denied=302),
]
