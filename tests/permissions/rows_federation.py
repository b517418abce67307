"""Rows for the province's pages (qingfeng.federation): on a city deployment — the test world — they do not exist
(404 for everyone signed in); tests/federation checks them on a province."""

from django.urls import reverse

from tests.api.conftest import bearer
from tests.permissions import READ, Row

SIGNED_IN = ("admin", "city", "district", "clerk", "discipline", "leader", "outsider")
ABSENT = {p: 404 for p in SIGNED_IN}
API = {"headers": lambda w, user: bearer(user), "anonymous": 401, "expect": ABSENT}

ROWS = [
    Row("federation:cockpit", READ, page=lambda w: reverse("federation:cockpit"), expect=ABSENT),
    Row("federation:drill", READ, page=lambda w: f"{reverse('federation:drill')}?key=members.total", expect=ABSENT),
    Row("api_v1:province_indicators", READ,
        page=lambda w: reverse("api_v1:province_indicators") + "?from=2021-01-01&to=2021-06-30", **API),
    Row("api_v1:province_cities", READ, page=lambda w: reverse("api_v1:province_cities"), **API),
    Row("api_v1:province_warnings", READ, page=lambda w: reverse("api_v1:province_warnings"), **API),
    Row("federation:review", READ, page=lambda w: reverse("federation:review"), expect=ABSENT),
    Row("federation:review_download", READ, page=lambda w: reverse("federation:review_download", args=["md"]),
        expect=ABSENT),
]
