"""Rows for the sign-in second step, the second factor, the password change and logging out everywhere."""

from django.urls import reverse

from tests.permissions import PUBLIC, READ, Row

ROWS = [
    # Without a password step in progress the code page sends everyone back to the login page.
    Row("accounts:login_otp", PUBLIC, page=lambda w: reverse("accounts:login_otp"), ok=302),
    Row("accounts:totp", READ, page=lambda w: reverse("accounts:totp")),
    Row("accounts:password_change", READ, page=lambda w: reverse("accounts:password_change")),
    Row("accounts:logout_everywhere", READ, method="POST", page=lambda w: reverse("accounts:logout_everywhere")),
]
