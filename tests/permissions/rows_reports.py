"""Rows for the year-in-review page and its downloads."""

from django.urls import reverse

from tests.permissions import READ, Row

PERIOD = "from=2021-01-01&to=2021-06-30"


def _review(code):
    return lambda w: f"{reverse('reports:review')}?org={code}&{PERIOD}"


def _download(code, fmt="md"):
    return lambda w: f"{reverse('reports:download', args=[fmt])}?org={code}&{PERIOD}"


ROWS = [
    Row("reports:review", READ, page=lambda w: f"{reverse('reports:review')}?{PERIOD}",
        own=_review("14010500101A"), sibling=_review("140106001O")),
    Row("reports:download", READ, own=_download("14010500101A"), sibling=_download("140106001O")),
    Row("reports:download", READ, own=_download("14010500101A", "xlsx"), sibling=_download("140106001O", "xlsx")),
]
